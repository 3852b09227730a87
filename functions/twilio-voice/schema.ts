/**
 * What Twilio posts to /twilio/voice and /twilio/status (form fields; Twilio adds fields without notice, so
 * unknown keys are kept and ignored). Caller ids are read with shared/domain/phone.ts `callerE164`.
 */
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
