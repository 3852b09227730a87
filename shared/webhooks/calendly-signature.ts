/**
 * Calendly webhook signatures: `Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex>` where v1 is the
 * HMAC-SHA256 of `${t}.${rawBody}` under the subscription's signing key. A `t` further than the tolerance
 * from now is rejected, which bounds replays of a captured request.
 */
import { createHmac } from 'node:crypto';
import { digestEquals } from './constant-time.ts';

export type CalendlySignatureResult =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

export interface CalendlySignatureInput {
  signingKey: string;
  /** The Calendly-Webhook-Signature header value. */
  header: string | undefined;
  /** The body exactly as received (after base64 decoding), before any parsing. */
  rawBody: string | Buffer;
  now?: Date;
  toleranceSeconds?: number;
}

/** Default freshness window for `t`. */
export const CALENDLY_SIGNATURE_TOLERANCE_SECONDS = 180;

/** Verifies a Calendly webhook signature header against the raw body. */
export function verifyCalendlySignature(input: CalendlySignatureInput): CalendlySignatureResult {
  if (!input.header) return { ok: false, reason: 'missing' };
  // An empty key would make signatures forgeable by anyone; treat it as "nothing verifies".
  if (!input.signingKey) return { ok: false, reason: 'mismatch' };
  let t: string | undefined;
  const candidates: string[] = [];
  for (const part of input.header.split(',')) {
    const separator = part.indexOf('=');
    if (separator < 1) continue;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't') t = value;
    // Several v1 values may appear while a signing key is being rotated; any one may match.
    else if (key === 'v1') candidates.push(value);
  }
  if (t === undefined || !/^\d{1,12}$/.test(t) || candidates.length === 0) {
    return { ok: false, reason: 'malformed' };
  }
  const nowSeconds = (input.now ?? new Date()).getTime() / 1000;
  const tolerance = input.toleranceSeconds ?? CALENDLY_SIGNATURE_TOLERANCE_SECONDS;
  if (Math.abs(nowSeconds - Number(t)) > tolerance) return { ok: false, reason: 'stale' };
  const expected = createHmac('sha256', input.signingKey).update(`${t}.`).update(input.rawBody).digest();
  // Every candidate is compared (no early exit) so timing does not reveal which position matched.
  let matched = false;
  for (const candidate of candidates) matched = digestEquals(candidate, 'hex', expected) || matched;
  return matched ? { ok: true } : { ok: false, reason: 'mismatch' };
}
