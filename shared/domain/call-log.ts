/**
 * The call log: one record per phone call, what it was and what came of it, written when the call ends.
 * Two senders report the end of one call, Twilio (its final status) and Vapi (its end-of-call report),
 * in either order and each possibly twice; each adds what it knows, so the record is the same whatever
 * arrives first. What the call did (booked, moved, canceled, reached a person, left a message) is read
 * from the call's own state at that moment, so either sender alone is enough to get the outcome right.
 */
import type { Booking, CallRecord } from './model.ts';

/** What came of a call, most significant first: a call that did several things is filed under the first. */
export const CALL_OUTCOMES = [
  'rescheduled',
  'booked',
  'canceled',
  'transferred',
  'message',
  'failed',
  'no_action',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Something the call did; a call that did none of them ended with `no_action`. */
export type CallDeed = Exclude<CallOutcome, 'no_action'>;

/** What one sender knows about a call that has ended. Fields a sender does not know are absent. */
export interface CallEndReport {
  callId: string;
  callerNumber?: string | null;
  /** Epoch ms. */
  startedAt?: number;
  /** Epoch ms. */
  endedAt?: number;
  /** Twilio's length of the whole call, transfers included. */
  durationSeconds?: number;
  /** Vapi's `endedReason`. */
  endedReason?: string;
  /** Twilio's final `CallStatus`. */
  callStatus?: string;
  /** Vapi's summary of the call. */
  summary?: string;
  /** Vapi's recording of the conversation. */
  recordingUrl?: string;
  /** Kept only when the operator turned transcripts on. */
  transcript?: string;
  /** Set when the report itself says the call broke (a Vapi pipeline error, a failed Twilio call). */
  broke?: boolean;
}

/** One stored call record, as the log reads it back. */
export interface CallLogEntry {
  callId: string;
  callerNumber: string | null;
  startedAt: number;
  endedAt: number | null;
  /** Twilio's figure, else the span Vapi reported. */
  durationSeconds: number | null;
  /** Vapi's reason, else Twilio's final status. */
  endedReason: string | null;
  outcome: CallOutcome;
  /** Everything the call did, in outcome order (`outcome` is the first, or `no_action`). */
  deeds: CallDeed[];
  /** Our bookings the call made, moved or canceled. */
  bookingIds: string[];
  summary: string | null;
  recordingUrl: string | null;
  transcript: string | null;
}

/** The outcome a call is filed under. */
export function outcomeOf(deeds: Iterable<CallDeed>): CallOutcome {
  const done = new Set<CallOutcome>(deeds);
  return CALL_OUTCOMES.find((outcome) => done.has(outcome)) ?? 'no_action';
}

/** Deeds in outcome order, each once. */
export function orderedDeeds(deeds: Iterable<CallDeed>): CallDeed[] {
  const done = new Set<CallOutcome>(deeds);
  return CALL_OUTCOMES.filter((outcome): outcome is CallDeed => done.has(outcome));
}

/**
 * What the call did, from its record and the bookings it made: a booking the worker could not make is a
 * failure (the caller was texted); an appointment canceled under one of its refs, or a booking the call
 * made and then canceled, is a cancellation; a new booking that replaces another is a move, unless it
 * failed (then the old one stayed).
 */
export function deedsOf(
  call: Pick<CallRecord, 'callId' | 'bookingRefs' | 'transferredAt' | 'messageAt'>,
  bookings: readonly Pick<Booking, 'status' | 'replaces' | 'canceledBy'>[],
  report: Pick<CallEndReport, 'broke'> = {},
): CallDeed[] {
  const deeds = new Set<CallDeed>();
  for (const booking of bookings) {
    if (booking.status === 'failed') deeds.add('failed');
    // Made and canceled on the same call: what is left of it is a cancellation.
    else if (booking.status === 'canceled' && booking.canceledBy === call.callId) deeds.add('canceled');
    else deeds.add(booking.replaces ? 'rescheduled' : 'booked');
  }
  if (call.bookingRefs.some((ref) => ref.canceledAt !== null)) deeds.add('canceled');
  if (call.transferredAt !== null) deeds.add('transferred');
  if (call.messageAt !== null) deeds.add('message');
  if (report.broke) deeds.add('failed');
  return orderedDeeds(deeds);
}

/**
 * Whether a Vapi `endedReason` says the call broke rather than ended: Vapi's own errors and the ones of
 * the providers behind it. Ordinary endings (the caller or the assistant hung up, silence, a limit) do not.
 */
export function isBrokenEnding(endedReason: string): boolean {
  return /error|failed|fault/.test(endedReason);
}

/** Twilio's final statuses that mean the call never got through (`completed` means it did). */
export function twilioStatusBroke(callStatus: string): boolean {
  return callStatus === 'failed';
}
