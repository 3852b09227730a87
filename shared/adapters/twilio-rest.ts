/**
 * Twilio's REST API with plain fetch (the `twilio` package's REST client costs ~100 ms of cold start and
 * ~20 MB of memory for the two requests we make): a form POST under the account, with basic auth.
 * One attempt per request: the caller decides about retries, because a retried POST can act twice.
 */
import * as z from '../zod.ts';
import { callVendor } from './vendor-http.ts';

export const TWILIO = 'twilio';

/** Default request budget; Twilio normally answers in well under a second. */
export const TWILIO_TIMEOUT_MS = 5000;

/** Twilio's error body; only the numeric code is kept (messages can quote the phone number). */
export const TwilioErrorSchema = z.looseObject({ code: z.optional(z.number().check(z.int())) });

export interface TwilioAccount {
  accountSid: string;
  authToken: string;
  /** TWILIO_API_BASE_URL, e.g. https://api.twilio.com (the local Twilio fake in tests and demos). */
  baseUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface TwilioAnswer {
  status: number;
  ok: boolean;
  /** The parsed body, undefined when it was not JSON. */
  json: unknown;
  /** Twilio's error code on a failure, when it gave one. */
  code: number | undefined;
}

/** POSTs `form` to `/2010-04-01/Accounts/{sid}/<resource>`; throws only when Twilio cannot be reached. */
export async function postTwilioForm(
  account: TwilioAccount,
  operation: string,
  resource: string,
  form: Record<string, string>,
): Promise<TwilioAnswer> {
  const base = account.baseUrl.replace(/\/+$/, '');
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}/${resource}`;
  const response = await callVendor(TWILIO, operation, url, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams(form).toString(),
    timeoutMs: account.timeoutMs ?? TWILIO_TIMEOUT_MS,
    fetch: account.fetch,
  });
  let json: unknown;
  try {
    json = JSON.parse(response.text);
  } catch {
    json = undefined;
  }
  const code = response.ok ? undefined : TwilioErrorSchema.safeParse(json).data?.code;
  return { status: response.status, ok: response.ok, json, code };
}
