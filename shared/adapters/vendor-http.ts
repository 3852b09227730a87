/**
 * THE HTTP layer under every vendor adapter (Calendly, Vapi, Twilio): one request with a hard time budget
 * over connect, headers and body, never following a redirect (the credentials would go along), and the
 * failure modes every vendor means the same by turned into the domain's vendor errors: no answer or a 5xx
 * is VendorUnavailableError, a 429 is VendorRateLimitedError with the wait the vendor asked for. What any
 * other status means is the adapter's to read. No retries here: whether a retry is safe is per request.
 */
import { VendorRateLimitedError, VendorUnavailableError } from '../domain/errors.ts';

export interface VendorRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export interface VendorResponse {
  status: number;
  ok: boolean;
  headers: Headers;
  text: string;
}

/** What one request came to: an answer (any status), or none within the budget, or none at all. */
export type VendorAttempt =
  | ({ kind: 'response' } & VendorResponse)
  | { kind: 'timeout'; error: unknown }
  | { kind: 'network'; error: unknown };

/** Wait when a 429 names none: a minute, the window vendors' per-minute limits reset in. */
const DEFAULT_RETRY_AFTER_SECONDS = 60;

/** Sends one request; never throws. */
export async function attemptVendor(url: string | URL, request: VendorRequest): Promise<VendorAttempt> {
  try {
    const response = await (request.fetch ?? fetch)(url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'error',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    // Read inside the same budget: a stalled body is as bad as a stalled connect.
    const text = await response.text();
    return { kind: 'response', status: response.status, ok: response.ok, headers: response.headers, text };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return timedOut ? { kind: 'timeout', error } : { kind: 'network', error };
  }
}

/** Seconds to wait after a 429: Retry-After (seconds), else X-RateLimit-Reset (Calendly's), else a minute. */
export function retryAfterSeconds(headers: Headers): number {
  for (const name of ['retry-after', 'x-ratelimit-reset']) {
    const value = Number(headers.get(name) ?? Number.NaN);
    if (Number.isFinite(value) && value >= 0) return Math.max(1, Math.ceil(value));
  }
  return DEFAULT_RETRY_AFTER_SECONDS;
}

/**
 * The attempt's response, unless it is one every vendor means the same by: no answer or a 5xx
 * (VendorUnavailableError), a 429 (VendorRateLimitedError). `operation` names the request in messages,
 * which never carry a query string, a token or a body.
 */
export function answerOf(
  vendor: string,
  operation: string,
  attempt: VendorAttempt,
  timeoutMs: number,
): VendorResponse {
  if (attempt.kind === 'timeout') {
    throw new VendorUnavailableError(vendor, `${vendor} did not answer ${operation} within ${timeoutMs} ms`, {
      cause: attempt.error,
    });
  }
  if (attempt.kind === 'network') {
    throw new VendorUnavailableError(vendor, `${vendor} could not be reached for ${operation}`, {
      cause: attempt.error,
    });
  }
  if (attempt.status === 429) throw new VendorRateLimitedError(vendor, retryAfterSeconds(attempt.headers));
  if (attempt.status >= 500) {
    throw new VendorUnavailableError(vendor, `${vendor} failed ${operation} with ${attempt.status}`, {
      status: attempt.status,
    });
  }
  return attempt;
}

/** One request, answered or thrown as above. */
export async function callVendor(
  vendor: string,
  operation: string,
  url: string | URL,
  request: VendorRequest,
): Promise<VendorResponse> {
  return answerOf(vendor, operation, await attemptVendor(url, request), request.timeoutMs);
}
