/**
 * Authentication of requests Vapi sends to our server URL, keyed by the one VAPI_SERVER_SECRET.
 *
 * Without a configured plan, three credentials are accepted:
 *   - `x-vapi-secret: <secret>` (legacy inline secret, or a bearer credential with that header name)
 *   - `authorization: Bearer <secret>` (bearer credential)
 *   - HMAC credential with Vapi's defaults: `x-signature` = hex HMAC-SHA256 of `${x-timestamp}.${rawBody}`.
 *
 * Vapi's credential can also be set up otherwise (OpenAPI spec, `BearerAuthenticationPlan` and
 * `HMACAuthenticationPlan`): another header name, no "Bearer " prefix, sha512 or sha1, base64 signatures, a
 * signature prefix, a base64 secret. The operator then copies that plan, without its secret, into
 * VAPI_AUTH_PLAN, and exactly that plan is accepted. Plans that would weaken replay protection (no timestamp)
 * or sign more than the timestamp and body (`payloadFormat`, Svix message ids) are refused at cold start.
 *
 * Whether Vapi's timestamp is in seconds or milliseconds is unconfirmed, so the unit is inferred from its
 * magnitude; either way a timestamp further than the tolerance from now is stale.
 */
import { createHmac } from 'node:crypto';
import * as z from '../zod.ts';
import { digestEquals, secretsEqual } from './constant-time.ts';

const headerName = z.pipe(
  z.string().check(z.regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name')),
  z.transform((name: string) => name.toLowerCase()),
);

/** Vapi's bearer plan: the secret in a header, with or without "Bearer ". */
const BearerPlanSchema = z.strictObject({
  type: z.literal('bearer'),
  headerName: z._default(headerName, 'authorization'),
  bearerPrefixEnabled: z._default(z.boolean(), true),
});

/** Vapi's HMAC plan, limited to what is verifiable and replay-safe here (see the module comment). */
const HmacPlanSchema = z.strictObject({
  type: z.literal('hmac'),
  algorithm: z.enum(['sha256', 'sha512', 'sha1']),
  signatureHeader: z._default(headerName, 'x-signature'),
  timestampHeader: z._default(headerName, 'x-timestamp'),
  signaturePrefix: z._default(z.string(), ''),
  signatureEncoding: z._default(z.enum(['hex', 'base64']), 'hex'),
  secretIsBase64: z._default(z.boolean(), false),
  includeTimestamp: z.optional(
    z.literal(
      true,
      'false is not supported: without a timestamp a captured request could be replayed forever',
    ),
  ),
  payloadFormat: z.optional(
    z.literal('{timestamp}.{body}', "only Vapi's default '{timestamp}.{body}' is supported"),
  ),
});

/** A Vapi credential plan as an operator configured it in Vapi (its secret lives in VAPI_SERVER_SECRET). */
export const VapiAuthPlanSchema = z.discriminatedUnion('type', [BearerPlanSchema, HmacPlanSchema]);
export type VapiAuthPlan = z.infer<typeof VapiAuthPlanSchema>;

export type VapiAuthMethod = 'x-vapi-secret' | 'bearer' | 'hmac';

export type VapiAuthResult =
  | { ok: true; method: VapiAuthMethod }
  | { ok: false; reason: 'missing' | 'mismatch' | 'stale' };

export interface VapiAuthInput {
  secret: string;
  /** The one credential plan to accept; without it, the three default credentials are. */
  plan?: VapiAuthPlan;
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

type HmacPlan = z.infer<typeof HmacPlanSchema>;

/** The plan the default HMAC credential follows; a `sha256=` prefix is tolerated on it. */
const DEFAULT_HMAC: HmacPlan = {
  type: 'hmac',
  algorithm: 'sha256',
  signatureHeader: 'x-signature',
  timestampHeader: 'x-timestamp',
  signaturePrefix: 'sha256=',
  signatureEncoding: 'hex',
  secretIsBase64: false,
};

function checkHeaderSecret(
  value: string | undefined,
  secret: string,
  method: VapiAuthMethod,
): VapiAuthResult {
  if (value === undefined || value === '') return { ok: false, reason: 'missing' };
  return secretsEqual(value, secret) ? { ok: true, method } : { ok: false, reason: 'mismatch' };
}

function checkHmac(input: VapiAuthInput, plan: HmacPlan): VapiAuthResult {
  const signature = input.headers[plan.signatureHeader]?.trim();
  const timestamp = input.headers[plan.timestampHeader];
  if (!signature || !timestamp) return { ok: false, reason: 'missing' };
  const timestampMs = vapiTimestampMs(timestamp);
  // Malformed timestamp: treated as a mismatch, never as fresh.
  if (timestampMs === null) return { ok: false, reason: 'mismatch' };
  const nowMs = (input.now ?? new Date()).getTime();
  const toleranceMs = (input.toleranceSeconds ?? VAPI_HMAC_TOLERANCE_SECONDS) * 1000;
  if (Math.abs(nowMs - timestampMs) > toleranceMs) return { ok: false, reason: 'stale' };
  const key = plan.secretIsBase64 ? Buffer.from(input.secret, 'base64') : input.secret;
  const expected = createHmac(plan.algorithm, key).update(`${timestamp}.`).update(input.rawBody).digest();
  const prefix = plan.signaturePrefix;
  const unprefixed =
    prefix && signature.toLowerCase().startsWith(prefix.toLowerCase())
      ? signature.slice(prefix.length)
      : signature;
  return digestEquals(unprefixed, plan.signatureEncoding, expected)
    ? { ok: true, method: 'hmac' }
    : { ok: false, reason: 'mismatch' };
}

/** The one credential a configured plan describes. */
function checkPlan(input: VapiAuthInput, plan: VapiAuthPlan): VapiAuthResult {
  if (plan.type === 'hmac') return checkHmac(input, plan);
  const value = input.headers[plan.headerName];
  const token = plan.bearerPrefixEnabled ? bearerToken(value) : value?.trim();
  return checkHeaderSecret(token, input.secret, 'bearer');
}

/** Checks the credentials the request presents; it passes when one of them verifies. */
export function verifyVapiRequest(input: VapiAuthInput): VapiAuthResult {
  if (!input.secret) return { ok: false, reason: 'mismatch' };
  const checks = input.plan
    ? [checkPlan(input, input.plan)]
    : [
        checkHeaderSecret(input.headers['x-vapi-secret'], input.secret, 'x-vapi-secret'),
        checkHeaderSecret(bearerToken(input.headers.authorization), input.secret, 'bearer'),
        checkHmac(input, DEFAULT_HMAC),
      ];
  const passed = checks.find((check) => check.ok);
  if (passed) return passed;
  const reasons = new Set(checks.map((check) => (check.ok ? 'missing' : check.reason)));
  if (reasons.has('stale')) return { ok: false, reason: 'stale' };
  return { ok: false, reason: reasons.has('mismatch') ? 'mismatch' : 'missing' };
}
