/**
 * Authentication of requests Vapi sends to our server URL. Three credentials are accepted, all derived from
 * the one VAPI_SERVER_SECRET:
 *   - `x-vapi-secret: <secret>` (legacy inline secret, or a bearer credential with that header name)
 *   - `authorization: Bearer <secret>` (bearer credential)
 *   - HMAC credential with Vapi's defaults: `x-signature` = hex HMAC-SHA256 of `${x-timestamp}.${rawBody}`.
 * Whether Vapi's timestamp is in seconds or milliseconds is unconfirmed, so the unit is inferred from its
 * magnitude; either way a timestamp further than the tolerance from now is stale.
 */
import { createHmac } from 'node:crypto';
import { hexDigestEquals, secretsEqual } from './constant-time.ts';

export type VapiAuthMethod = 'x-vapi-secret' | 'bearer' | 'hmac';

export type VapiAuthResult =
  | { ok: true; method: VapiAuthMethod }
  | { ok: false; reason: 'missing' | 'mismatch' | 'stale' };

export interface VapiAuthInput {
  secret: string;
  /** Request headers with lower-cased names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as received (after base64 decoding), before any parsing. */
  rawBody: string | Buffer;
  now?: Date;
  toleranceSeconds?: number;
}

/** Default HMAC freshness window. */
export const VAPI_HMAC_TOLERANCE_SECONDS = 300;

// 1e11 seconds is the year 5138 while 1e11 milliseconds is 1973, so the two units cannot be confused.
const MILLISECONDS_THRESHOLD = 1e11;

/** Epoch milliseconds of a Vapi timestamp header given in seconds or milliseconds; null when malformed. */
export function vapiTimestampMs(value: string): number | null {
  if (!/^\d{1,16}(\.\d+)?$/.test(value.trim())) return null;
  const number = Number(value);
  return number >= MILLISECONDS_THRESHOLD ? number : number * 1000;
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '');
  return match?.[1]?.trim();
}

/** Checks every credential the request presents; it passes when one of them verifies. */
export function verifyVapiRequest(input: VapiAuthInput): VapiAuthResult {
  const { headers, secret } = input;
  if (!secret) return { ok: false, reason: 'mismatch' };
  let presented = false;
  let stale = false;

  const headerSecret = headers['x-vapi-secret'];
  if (headerSecret !== undefined && headerSecret !== '') {
    presented = true;
    if (secretsEqual(headerSecret, secret)) return { ok: true, method: 'x-vapi-secret' };
  }

  const token = bearerToken(headers.authorization);
  if (token !== undefined) {
    presented = true;
    if (secretsEqual(token, secret)) return { ok: true, method: 'bearer' };
  }

  const signature = headers['x-signature'];
  const timestamp = headers['x-timestamp'];
  if (signature && timestamp) {
    presented = true;
    const timestampMs = vapiTimestampMs(timestamp);
    const nowMs = (input.now ?? new Date()).getTime();
    const toleranceMs = (input.toleranceSeconds ?? VAPI_HMAC_TOLERANCE_SECONDS) * 1000;
    if (timestampMs === null) {
      // Malformed timestamp: treated as a mismatch, never as fresh.
    } else if (Math.abs(nowMs - timestampMs) > toleranceMs) {
      stale = true;
    } else {
      const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(input.rawBody).digest();
      // A configured `signaturePrefix` such as "sha256=" is tolerated.
      if (hexDigestEquals(signature.trim().replace(/^sha256=/i, ''), expected)) {
        return { ok: true, method: 'hmac' };
      }
    }
  }

  if (!presented) return { ok: false, reason: 'missing' };
  return { ok: false, reason: stale ? 'stale' : 'mismatch' };
}
