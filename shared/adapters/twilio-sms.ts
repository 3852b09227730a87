/**
 * SMS through Twilio's Messages API (./twilio-rest.ts). One attempt per call: the booking worker decides
 * about retries, because a retried POST can send the caller the same text twice.
 */
import { VendorRejectedError, VendorUnavailableError } from '../domain/errors.ts';
import type { SmsPort } from '../domain/ports.ts';
import * as z from '../zod.ts';
import { postTwilioForm, TWILIO, type TwilioAccount } from './twilio-rest.ts';

/** The part of Twilio's Message resource we use. */
export const TwilioMessageSchema = z.looseObject({
  sid: z.string().check(z.regex(/^(SM|MM)[0-9a-f]{32}$/i)),
});

export interface TwilioSmsOptions extends TwilioAccount {
  /** Our Twilio number (E.164), the sender of every message. */
  from: string;
}

/** Creates the SmsPort adapter. */
export function createTwilioSms(options: TwilioSmsOptions): SmsPort {
  return {
    async send(message) {
      const answer = await postTwilioForm(options, 'POST Messages', 'Messages.json', {
        To: message.to,
        From: options.from,
        Body: message.body,
      });
      if (!answer.ok) {
        throw new VendorRejectedError(
          TWILIO,
          answer.status,
          `twilio rejected the message (${answer.status}${answer.code === undefined ? '' : `, code ${answer.code}`})`,
        );
      }
      const parsed = TwilioMessageSchema.safeParse(answer.json);
      if (!parsed.success) {
        // Twilio accepted the request, so the text has probably gone out: retrying could send it twice.
        throw new VendorUnavailableError(TWILIO, 'twilio answered without a message sid', {
          cause: parsed.error,
          status: answer.status,
          retryable: false,
        });
      }
      return { id: parsed.data.sid };
    },
  };
}
