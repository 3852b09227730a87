/**
 * The booking domain's nouns. Plain data, no I/O: adapters persist them, use cases move them between states.
 *
 * Slot lock states (one item per event type + start time, plus one per 5-minute cell it covers):
 *   free (absent or `released`) -> held(holder call, holdId, fence, expiresAt) -> booking -> booked
 *   held -> released (caller released it, call ended) ; held whose expiresAt passed counts as free
 *   booking -> released (Calendly refused the booking for good)
 *   booked  -> released (the booking was canceled: in Calendly, or by cancel_booking)
 */

/** A time the business can be booked at, as Calendly listed it. `start` is Calendly's own UTC string. */
export interface SlotRef {
  eventTypeUri: string;
  start: string;
  /** The event type's length: the lock blocks the whole appointment, not just its start. */
  durationMinutes: number;
}

/** A slot offered to one call under a short id ("S3"), valid for that call only until `expiresAt` (epoch ms). */
export interface Offer extends SlotRef {
  id: string;
  expiresAt: number;
}

/**
 * What a call's tool calls left behind: the slot ids it was offered, and the first answers of tool calls
 * whose replays must hear them again (by toolCallId). Written conditionally on `revision` (null: never
 * written), so two tool calls of one call never lose each other's offers.
 */
export interface ToolLedger {
  offers: Offer[];
  answers: Record<string, string>;
  revision: number | null;
}

/** What a replay of a tool call gets instead of an outcome: the first answer, as kept in the call's ledger. */
export interface Replayed {
  kind: 'replayed';
  answer: string;
}

export function isReplayed(value: object): value is Replayed {
  return 'kind' in value && value.kind === 'replayed';
}

/** How a use case keeps its tool call's answer in the ledger: the tool's rendering of an outcome (null: keep none). */
export interface AnswerKeeper<O> {
  toolCallId: string;
  answer(outcome: O): string | null;
}

export type SlotState = 'held' | 'booking' | 'booked' | 'released';

/** One call's lease on a slot. `fence` grows every time the slot changes hands, so stale holders are detectable. */
export interface Hold {
  holdId: string;
  callId: string;
  slot: SlotRef;
  fence: number;
  expiresAt: number;
  name: string;
  email: string;
  /** The caller's number (E.164), null when withheld. */
  callerNumber: string | null;
  status: 'held' | 'confirmed' | 'released';
  bookingId: string | null;
  createdAt: number;
}

/**
 * `canceling`: a caller asked cancel_booking to cancel it and Calendly may not have been told yet;
 * `rescheduling`: reschedule_booking is booking its new time (it is canceled once that is booked, and booked
 * again if that fails); `canceled`: canceled in Calendly (by either tool, or on Calendly's side as the webhook
 * reports); the slot is free again.
 */
export type BookingStatus =
  | 'queued'
  | 'posting'
  | 'booked'
  | 'failed'
  | 'canceling'
  | 'rescheduling'
  | 'canceled';

/** The appointment a booking replaces (reschedule_booking): canceled once the new one is booked, kept otherwise. */
export interface ReplacedAppointment {
  eventUri: string;
  inviteeUri: string;
  eventTypeUri: string;
  start: string;
  /** Our booking of it, when we made it (it waits in `rescheduling` meanwhile). */
  bookingId: string | null;
  /** When it was canceled in Calendly, the reschedule's last step; null until then. */
  canceledAt: number | null;
}

/** What Calendly gave back for a booking we made. */
export interface CalendlyBookingRef {
  inviteeUri: string;
  eventUri: string;
  cancelUrl: string;
  rescheduleUrl: string;
}

/** A confirmed hold on its way into Calendly. Created by confirm_booking, finished by the booking worker. */
export interface Booking {
  bookingId: string;
  holdId: string;
  callId: string;
  slot: SlotRef;
  fence: number;
  name: string;
  email: string;
  /** The caller's number (E.164), null when withheld: where the SMS goes. */
  callerNumber: string | null;
  timezone: string;
  status: BookingStatus;
  attempts: number;
  postingStartedAt: number | null;
  calendly: CalendlyBookingRef | null;
  failure: { code: string; message: string } | null;
  /** When the SMS about the booking's current state went out: the booking's outcome, then its cancellation. */
  smsSentAt: number | null;
  /** The call that asked to cancel it (cancel_booking), null when nobody did or it was canceled in Calendly. */
  canceledBy: string | null;
  /** Set when this booking moves an existing appointment (reschedule_booking). */
  replaces: ReplacedAppointment | null;
  /** While `rescheduling`: the booking it is being moved into. */
  movedTo: string | null;
  /** When the worker should next look at it (epoch ms); the sweeper re-enqueues bookings overdue. */
  dueAt: number;
  createdAt: number;
  updatedAt: number;
}

/** What we know about a phone call, keyed by Twilio CallSid (or Vapi call id for non-phone calls). */
export interface CallRecord {
  callId: string;
  /** The caller's number (E.164), null when withheld. */
  callerNumber: string | null;
  /** Our number the caller dialled (E.164). */
  dialledNumber: string | null;
  status: 'in-progress' | 'ended';
  startedAt: number;
  endedAt: number | null;
  /** What the call's tool calls left: the times offered, and answers kept for replays. */
  ledger: ToolLedger;
  /** Every hold of this call: holdId -> lease expiry (epoch ms), 0 once it is confirmed or released. */
  holds: Record<string, number>;
  /** Changes with every change to `holds` (the slot lock's cap check is conditional on it); null before the call has an item. */
  revision: number | null;
  /** The TwiML the call was answered with, returned again to a repeated voice webhook. */
  answer: string | null;
  /** Appointments find_booking gave this call, under short refs. */
  bookingRefs: BookingRef[];
  /** find_booking lookups of this call that found nothing. */
  failedLookups: number;
  /** Bookings this call confirmed (new ones and the new times of moves). */
  bookingIds: string[];
  /** Why the caller last asked for a person (their words, for the whisper), null if they never did. */
  transferReason: string | null;
  /** When the caller was put through to a person who answered (epoch ms), null if never. */
  transferredAt: number | null;
  /** When the caller left a message (epoch ms), null if never. */
  messageAt: number | null;
}

/**
 * An upcoming appointment in Calendly: one invitee of one scheduled event, made by us or on Calendly's own
 * pages. `bookingId` is set when we booked it (our tracking id), and is only trusted once our booking item
 * names the same event.
 */
export interface Appointment {
  eventUri: string;
  inviteeUri: string;
  eventTypeUri: string;
  /** UTC ISO instant. */
  start: string;
  name: string;
  email: string;
  bookingId: string | null;
}

/** An appointment given to one call under a short ref ("A1"), valid for that call only until `expiresAt`. */
export interface BookingRef extends Appointment {
  ref: string;
  expiresAt: number;
  /** When this call canceled it (cancel_booking), else null. */
  canceledAt: number | null;
  /** The booking this call is moving it into (reschedule_booking), else null. */
  movedTo: string | null;
}

/** Who is speaking to a tool: derived from the Vapi message, never from tool arguments. */
export interface CallContext {
  callId: string;
  callerNumber: string | null;
}
