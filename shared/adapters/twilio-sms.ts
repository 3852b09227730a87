/**
 * SMS through Twilio's Messages API with plain fetch (the `twilio` package's REST client costs ~100 ms of
 * cold start and ~20 MB of memory for this one request). One attempt per call: the booking worker decides
 * about retries, because a retried POST can send the caller the same text twice.
 */
import { VendorRejectedError, VendorUnavailableError } from '../domain/errors.ts';
import type { SmsPort } from '../domain/ports.ts';
import * as z from '../zod.ts';
import { callVendor } from './vendor-http.ts';

const VENDOR = 'twilio';

/** Default request budget; Twilio normally answers in well under a second. */
export const TWILIO_SMS_TIMEOUT_MS = 5000;

/** The part of Twilio's Message resource we use. */
export const TwilioMessageSchema = z.looseObject({
  sid: z.string().check(z.regex(/^(SM|MM)[0-9a-f]{32}$/i)),
});

/** Twilio's error body; only the numeric code is kept (messages can quote the phone number). */
export const TwilioErrorSchema = z.looseObject({ code: z.optional(z.number().check(z.int())) });

export interface TwilioSmsOptions {
  accountSid: string;
  authToken: string;
  /** Our Twilio number (E.164), the sender of every message. */
  from: string;
  /** TWILIO_API_BASE_URL, e.g. https://api.twilio.com (the local SMS outbox in tests and demos). */
  baseUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Creates the SmsPort adapter. */
export function createTwilioSms(options: TwilioSmsOptions): SmsPort {
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const timeoutMs = options.timeoutMs ?? TWILIO_SMS_TIMEOUT_MS;

  return {
    async send(message) {
      const response = await callVendor(VENDOR, 'POST Messages', endpoint, {
        method: 'POST',
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ To: message.to, From: options.from, Body: message.body }).toString(),
        timeoutMs,
        fetch: options.fetch,
      });
      let json: unknown;
      try {
        json = JSON.parse(response.text);
      } catch {
        json = undefined;
      }
      if (!response.ok) {
        const code = TwilioErrorSchema.safeParse(json).data?.code;
        throw new VendorRejectedError(
          VENDOR,
          response.status,
          `twilio rejected the message (${response.status}${code === undefined ? '' : `, code ${code}`})`,
        );
      }
      const parsed = TwilioMessageSchema.safeParse(json);
      if (!parsed.success) {
        // Twilio accepted the request, so the text has probably gone out: retrying could send it twice.
        throw new VendorUnavailableError(VENDOR, 'twilio answered without a message sid', {
          cause: parsed.error,
          status: response.status,
          retryable: false,
        });
      }
      return { id: parsed.data.sid };
    },
  };
}
