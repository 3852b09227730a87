/**
 * Put the caller through to a person. In bypass mode Vapi's own transfer cannot be used (Twilio's call is
 * ours), so the live call is redirected through Twilio's REST API to TwiML of our own: a dial of
 * FALLBACK_PHONE_NUMBER, which takes a message when no one answers, or, when no number is set or it is
 * outside BUSINESS_HOURS, straight to taking a message. The reason (for the short whisper to the person
 * who answers) is kept on the call, not in any URL.
 */
import { type BusinessHours, isOpenAt } from '../business-hours.ts';
import type { CallContext } from '../model.ts';
import type { CallControlPort } from '../ports.ts';
import type { UseCaseDeps } from './deps.ts';

/** Why the caller is asked to leave a message instead of being put through. */
export type MessageReason = 'closed' | 'no_number';

export interface TransferSetup {
  /** Twilio's control of the live call; null when Twilio is not configured. */
  callControl: CallControlPort | null;
  /** FALLBACK_PHONE_NUMBER: who answers; null takes messages only. */
  humanNumber: string | null;
  /** BUSINESS_HOURS in the business zone; null means any time. */
  hours: BusinessHours | null;
  /** Where Twilio gets the TwiML that dials the person (a twilio-voice route). */
  dialUrl: string;
  /** Where Twilio gets the TwiML that takes a message, saying why. */
  messageUrl(why: MessageReason): string;
}

export type TransferOutcome =
  | { kind: 'transferring' }
  | { kind: 'message'; why: MessageReason }
  /** The call cannot be moved: not a Twilio call, Twilio unconfigured or failing, or the call is over. */
  | { kind: 'unavailable'; why: 'no_phone_line' | 'call_over' | 'twilio_failed' };

/** Twilio CallSids are the only calls Twilio can redirect (a web or test call in Vapi has none). */
const TWILIO_CALL_SID = /^CA[0-9a-fA-F]{32}$/;

export async function transferToHuman(
  reason: string | null,
  call: CallContext,
  deps: Pick<UseCaseDeps, 'store' | 'clock' | 'directory' | 'transfer'>,
): Promise<TransferOutcome> {
  const { callControl, humanNumber, hours } = deps.transfer;
  if (!callControl || !TWILIO_CALL_SID.test(call.callId))
    return { kind: 'unavailable', why: 'no_phone_line' };
  const now = deps.clock.now();
  let why: MessageReason | null = null;
  if (!humanNumber) why = 'no_number';
  else if (hours && !isOpenAt(hours, now, await deps.directory.businessTimezone())) why = 'closed';

  await deps.store.calls.noteTransfer(call.callId, reason, now);
  const url = why === null ? deps.transfer.dialUrl : deps.transfer.messageUrl(why);
  let moved: 'redirected' | 'call_over';
  try {
    moved = await callControl.redirect(call.callId, url);
  } catch {
    return { kind: 'unavailable', why: 'twilio_failed' };
  }
  if (moved === 'call_over') return { kind: 'unavailable', why: 'call_over' };
  return why === null ? { kind: 'transferring' } : { kind: 'message', why };
}
