/**
 * Fixed one-minute windows per limit, counted on the sandbox clock (so a pinned clock can be advanced past a
 * window). Headers follow Calendly's API v2 reference: X-RateLimit-Reset is seconds until the window resets.
 */

/** The three rate-limit headers Calendly sends on every response. */
export interface RateLimitHeaders {
  'X-RateLimit-Limit': string;
  'X-RateLimit-Remaining': string;
  'X-RateLimit-Reset': string;
}

const WINDOW_MS = 60_000;

/** One per-minute limit. */
export class MinuteWindow {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;

  constructor(readonly limit: number) {}

  private roll(nowMs: number): void {
    if (nowMs >= this.windowStart + WINDOW_MS) {
      this.windowStart = nowMs;
      this.used = 0;
    }
  }

  /** Counts one request if the window has room; returns whether it did, and the headers to send. */
  take(nowMs: number): { allowed: boolean; headers: RateLimitHeaders } {
    this.roll(nowMs);
    const allowed = this.used < this.limit;
    if (allowed) this.used += 1;
    return { allowed, headers: this.headers(nowMs) };
  }

  /** Headers without counting a request (for answers that are not charged, like 401). */
  headers(nowMs: number): RateLimitHeaders {
    this.roll(nowMs);
    return {
      'X-RateLimit-Limit': String(this.limit),
      'X-RateLimit-Remaining': String(Math.max(0, this.limit - this.used)),
      'X-RateLimit-Reset': String(Math.max(0, Math.ceil((this.windowStart + WINDOW_MS - nowMs) / 1000))),
    };
  }
}
