/**
 * X-Twilio-Signature verification, delegated to Twilio's own implementation (HMAC-SHA1 over the URL plus
 * sorted form params, compared with crypto.timingSafeEqual, tolerant of default ports).
 *
 * Deep import on purpose: `twilio` has no exports map, and this module needs only node:crypto, node:url and
 * node:querystring, so bundles stay small and cold starts unaffected. Importing `twilio` itself would pull
 * in the whole REST client (~17 MB installed, ~100 ms of module init).
 */
import { validateRequest } from 'twilio/lib/webhooks/webhooks.js';

/** Form parameters as received; repeated keys are arrays (Twilio signs every value). */
export type TwilioParams = Record<string, string | readonly string[]>;

export interface TwilioSignatureInput {
  authToken: string;
  /** The X-Twilio-Signature header value; missing means invalid. */
  signature: string | undefined;
  /** The exact public URL Twilio requested: scheme, host, path and query string. */
  url: string;
  params: TwilioParams;
}

/** True when `signature` is Twilio's signature of `url` + `params` under `authToken`. */
export function isValidTwilioSignature(input: TwilioSignatureInput): boolean {
  if (!input.signature || !input.authToken) return false;
  try {
    return validateRequest(input.authToken, input.signature, input.url, input.params);
  } catch {
    // validateRequest parses the URL with `new URL()`; a malformed URL cannot have been signed.
    return false;
  }
}
