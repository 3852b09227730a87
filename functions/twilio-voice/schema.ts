/**
 * What Twilio posts to /twilio/voice and /twilio/status (form fields; Twilio adds fields without notice, so
 * unknown keys are kept and ignored), and the caller-id normalisation both routes rely on.
 */
import { e164OrNull } from '../../shared/domain/phone.ts';
import * as z from '../../shared/zod.ts';

const field = z.optional(z.string().check(z.maxLength(256)));

/** Parameters of Twilio's voice webhook and status callbacks that we read. */
export const TwilioCallWebhookSchema = z.looseObject({
  CallSid: z.string().check(z.regex(/^CA[0-9A-Za-z]{1,64}$/, 'must be a Twilio CallSid')),
  AccountSid: field,
  From: field,
  Caller: field,
  To: field,
  Called: field,
  Direction: field,
  CallStatus: field,
  // Seconds, on the final status callback.
  CallDuration: field,
  // Present when Twilio calls the voicemail <Record> action, and on the recording status callback.
  RecordingSid: field,
  RecordingDuration: field,
  RecordingUrl: field,
  RecordingStatus: field,
  // The <Dial> action: how the dial to a person ended.
  DialCallStatus: field,
});
export type TwilioCallWebhook = z.infer<typeof TwilioCallWebhookSchema>;

/** Call statuses after which the call is over (status callback `CallStatus`). */
export const FINAL_CALL_STATUSES: ReadonlySet<string> = new Set([
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
]);

// Twilio's placeholders for withheld caller ids: the words spelled on a keypad, plus the plain words.
const WITHHELD_CALLER_IDS = new Set([
  '+266696687', // ANONYMOUS
  '+7378742833', // RESTRICTED
  '+86282452253', // UNAVAILABLE
  '+2562533', // BLOCKED
  'anonymous',
  'restricted',
  'unavailable',
  'unknown',
  'private',
  'blocked',
]);

/**
 * The caller's number in E.164, or null when there is no real number to call or text back: withheld or
 * anonymous ids, Twilio Client / SIP identities, and anything not shaped like E.164.
 *
 * Twilio already delivers PSTN caller ids in E.164, so a shape check is all the edge needs; the full
 * libphonenumber-js metadata would cost 118 KB of this function's 500 KB bundle (measured) to re-validate
 * what Twilio sends. libphonenumber-js validates the numbers people type instead, at synth time
 * (infra/stages.ts).
 */
export function callerE164(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value || WITHHELD_CALLER_IDS.has(value.toLowerCase())) return null;
  return e164OrNull(value);
}
