/**
 * What the domain needs from the outside world, as interfaces. Adapters in shared/adapters implement them;
 * use cases receive them as arguments, so tests can pass real adapters pointed at local fakes.
 *
 * Errors: adapters throw the AppError subclasses of ./errors.ts (VendorUnavailableError,
 * VendorRateLimitedError, VendorRejectedError, SlotUnavailableError), never raw fetch/SDK errors.
 */
import type { CallDeed, CallEndReport, CallLogEntry } from './call-log.ts';
import type {
  AnswerKeeper,
  Appointment,
  Booking,
  BookingRef,
  CalendlyBookingRef,
  CallContext,
  CallRecord,
  Hold,
  Offer,
  Replayed,
  SlotRef,
  ToolLedger,
} from './model.ts';
import type { Channel, Voicemail } from './voicemails.ts';

// ---------------------------------------------------------------- Calendly

/** The Calendly user whose calendar we book into (the token owner). */
export interface CalendlyUser {
  uri: string;
  name: string;
  timezone: string;
  organizationUri: string;
}

export interface EventTypeLocation {
  kind: string;
  location?: string;
}

export interface EventTypeQuestion {
  name: string;
  type: 'string' | 'text' | 'phone_number' | 'single_select' | 'multi_select';
  position: number;
  enabled: boolean;
  required: boolean;
  answerChoices: string[];
}

/** A Calendly event type ("service"): what can be booked and how long it lasts. */
export interface EventTypeInfo {
  uri: string;
  name: string;
  slug: string | null;
  active: boolean;
  durationMinutes: number;
  kind: 'solo' | 'group';
  poolingType: string | null;
  locations: EventTypeLocation[];
  customQuestions: EventTypeQuestion[];
  schedulingUrl: string;
}

/**
 * When one of an event type's availability schedules has hours (GET /event_type_availability_schedules): the
 * weekdays whose weekly rule has any interval, and the dates with a rule of their own, in the schedule's zone.
 */
export interface ScheduleDays {
  /** IANA zone the schedule's rules are written in. */
  timezone: string;
  /** ISO weekdays (1 = Monday ... 7 = Sunday) with at least one interval, or with no weekly rule at all. */
  weekdays: number[];
  /** Dates (YYYY-MM-DD in `timezone`) with a date rule, open or closed: such a date is always asked about. */
  overrideDates: string[];
}

/** One bookable start time as Calendly lists it; `start` is kept verbatim so it can be posted back exactly. */
export interface AvailableTime {
  start: string;
  inviteesRemaining: number;
}

export interface CreateInviteeInput {
  eventTypeUri: string;
  start: string;
  invitee: {
    name: string;
    email: string;
    timezone: string;
    textReminderNumber?: string;
  };
  location?: EventTypeLocation;
  questionsAndAnswers?: { question: string; answer: string; position: number }[];
  /** Our booking id, sent as tracking.utm_content so a lost response can be found again. */
  trackingId: string;
}

export interface CreatedInvitee extends CalendlyBookingRef {
  status: 'active' | 'canceled';
  trackingId: string | null;
}

export interface FindInviteeQuery {
  userUri: string;
  email: string;
  start: string;
  trackingId: string;
}

export interface UpcomingByEmailQuery {
  userUri: string;
  email: string;
  /** Only events starting after this instant (ISO). */
  after: string;
  /** At most this many, soonest first. */
  limit: number;
}

/** What asking Calendly to cancel an event did; Calendly refuses to cancel an event twice or one in the past. */
export type CalendlyCancelResult = 'canceled' | 'already_canceled' | 'in_past';

/** The slice of Calendly API v2 this product uses. */
export interface CalendlyPort {
  getCurrentUser(): Promise<CalendlyUser>;
  /** Active event types of one user, all pages. */
  listEventTypes(userUri: string): Promise<EventTypeInfo[]>;
  getEventType(uri: string): Promise<EventTypeInfo>;
  /**
   * GET /event_type_availability_schedules: the days each schedule of the event type (one per host) has hours;
   * null when Calendly's answer does not say (no schedule, or one without a zone or rules).
   */
  listScheduleDays(eventTypeUri: string): Promise<ScheduleDays[] | null>;
  /** GET /event_type_available_times; the caller keeps the range within Calendly's limit and in the future. */
  listAvailableTimes(eventTypeUri: string, startIso: string, endIso: string): Promise<AvailableTime[]>;
  /** POST /invitees. Throws SlotUnavailableError when Calendly says the time is not bookable. */
  createInvitee(input: CreateInviteeInput): Promise<CreatedInvitee>;
  /** Finds an active invitee we created earlier (matched on tracking.utm_content), or null. */
  findInviteeByTracking(query: FindInviteeQuery): Promise<CreatedInvitee | null>;
  /** Active invitees with this email on the user's upcoming events, soonest first (GET /scheduled_events + invitees). */
  findUpcomingByEmail(query: UpcomingByEmailQuery): Promise<Appointment[]>;
  /** POST /scheduled_events/{uuid}/cancellation with a reason the invitee sees. */
  cancelEvent(eventUri: string, reason: string): Promise<CalendlyCancelResult>;
}

/** Who and what we book, as read from Calendly at `fetchedAt`: shared by every container through the table. */
export interface DirectorySnapshot {
  user: CalendlyUser;
  /** The user's active event types, in Calendly's order. */
  eventTypes: EventTypeInfo[];
  /** Event types fetched by URI because they are not in the list (the configured default). */
  extraEventTypes: EventTypeInfo[];
  /** Per event type URI: when its schedules have hours; null when they could not be read (never skip a day). */
  schedules: Record<string, ScheduleDays[] | null>;
  /** Epoch ms when the Calendly requests for this snapshot started. */
  fetchedAt: number;
}

/** The one stored directory snapshot. */
export interface DirectorySnapshotPort {
  /** The stored snapshot, or null when there is none (or it cannot be read back). */
  read(): Promise<DirectorySnapshot | null>;
  /** Stores `snapshot` unless a newer one is stored already; true when it was stored. */
  write(snapshot: DirectorySnapshot): Promise<boolean>;
}

// ---------------------------------------------------------------- Vapi, Twilio, queue

export interface CreateVapiCallInput {
  assistantId: string;
  phoneNumberId: string;
  /** The caller's number (E.164), null when withheld. */
  callerNumber: string | null;
  variableValues: Record<string, string>;
}

/** Asks Vapi to take a call whose Twilio webhook we own (phone-call-provider bypass). */
export interface VapiPort {
  createCall(
    input: CreateVapiCallInput,
    options: { timeoutMs: number },
  ): Promise<{ vapiCallId: string; twiml: string }>;
}

/** The live phone call, through Twilio: where its next TwiML comes from. */
export interface CallControlPort {
  /** Makes the call play the TwiML at `url` now; `call_over` when the call has already ended. */
  redirect(callSid: string, url: string): Promise<'redirected' | 'call_over'>;
}

/** A notification topic the business subscribes to (SNS in AWS: email, or anything SNS delivers to). */
export interface TopicPort {
  publish(message: { subject: string; body: string }): Promise<void>;
}

/** Sends one SMS; the message body never contains secrets, and adapters never log it. */
export interface SmsPort {
  send(message: { to: string; body: string }): Promise<{ id: string }>;
}

/** The words of the texts a caller gets; the speaking layer's (shared/speech/booking-sms.ts), injected. */
export interface CallerTexts {
  /** A booking's outcome (booked, or could not be made), or its cancellation. */
  aboutBooking(booking: Booking, now: Date): string;
  /** An appointment made elsewhere (on Calendly's pages) that the caller had us cancel. */
  appointmentCanceled(startIso: string, zone: string, now: Date): string;
}

/** What identifies one tool call: its id is only unique within the call that made it. */
export interface ToolCallKey {
  callId: string;
  toolCallId: string;
}

/** Replay protection for tool calls: the first answer for a key is kept and given to every replay. */
export interface ToolCallReplays {
  /**
   * Runs `run` unless an answer for `key` is kept, which is then returned instead. Throws
   * ToolCallInProgressError while another run for the same key has not finished.
   */
  once(key: ToolCallKey, run: () => Promise<string>): Promise<string>;
  /** How long the current invocation has left: a run it leaves unfinished may be taken over after that. */
  startInvocation(context: { getRemainingTimeInMillis(): number }): void;
}

/** Hands a booking to the asynchronous booking worker. */
export interface BookingQueuePort {
  enqueue(bookingId: string, options?: { delaySeconds?: number }): Promise<void>;
}

// ---------------------------------------------------------------- persistence (implemented on DynamoDB)

/** Calls we know about: offers made to them and the holds they own. */
/** How a voice webhook relates to earlier ones for the same call. */
export type CallArrival = { kind: 'first' } | { kind: 'repeat'; answer: string | null };

export interface CallRepository {
  /**
   * Records the call's arrival; a retried webhook for the same call changes nothing but a counter. Says
   * whether this is the call's first arrival, and the answer stored by an earlier one.
   */
  record(call: {
    callId: string;
    callerNumber: string | null;
    dialledNumber: string | null;
    now: Date;
  }): Promise<CallArrival>;
  /** Stores the TwiML the call was answered with, unless an answer is stored already. */
  saveAnswer(callId: string, answer: string): Promise<void>;
  get(callId: string): Promise<CallRecord | null>;
  /** The call's tool ledger alone (one small read). */
  ledger(callId: string): Promise<ToolLedger>;
  /**
   * Gives each slot a short id for this call ("S7"); a slot already offered to the call keeps its id. With
   * `keep`, the tool call's answer for the ids actually issued is kept in the same write; a tool call that
   * has an answer kept already gets that back instead, and nothing is issued.
   */
  issueOffers(
    callId: string,
    slots: SlotRef[],
    options: { now: Date; validForMs: number; keep?: AnswerKeeper<Offer[]> | undefined },
  ): Promise<{ offers: Offer[] } | Replayed>;
  /** Keeps a tool call's answer in the ledger; returns the answer kept (an earlier one, for a replay). */
  keepAnswer(callId: string, toolCallId: string, answer: string, options: { now: Date }): Promise<string>;
  /** Marks the call ended (a call never seen before starts and ends now) and returns what it looks like. */
  markEnded(callId: string, now: Date): Promise<CallRecord>;
  /** Gives each appointment a short ref for this call ("A1"); an appointment already given keeps its ref. */
  issueBookingRefs(
    callId: string,
    appointments: Appointment[],
    options: { now: Date; validForMs: number },
  ): Promise<BookingRef[]>;
  /** Counts a lookup that found nothing and returns how many this call has had. */
  countFailedLookup(callId: string, now: Date): Promise<number>;
  /**
   * Notes that this call canceled the appointment under `ref`; true only the first time, and whoever gets
   * true texts the caller about it.
   */
  markRefCanceled(callId: string, ref: string, now: Date): Promise<boolean>;
  /** Notes that this call is moving the appointment under `ref` into booking `bookingId`. */
  markRefMoved(callId: string, ref: string, bookingId: string): Promise<void>;
  /** Notes that the caller asked for a person, and why (for the whisper to whoever answers). */
  noteTransfer(callId: string, reason: string | null, now: Date): Promise<void>;
  /** Notes that the person the caller was put through to answered; returns the call as it is now. */
  markTransferred(callId: string, now: Date): Promise<CallRecord>;
  /** Notes that the caller left a message (the first time counts) and returns the call as it is now. */
  markMessage(callId: string, now: Date): Promise<CallRecord>;
}

/** Voicemails and which of the business's alerts each still needs (./voicemails.ts). */
export interface VoicemailBox {
  /** Stores a voicemail (due for alerts at `dueAt`) unless it is known; answers it as stored. */
  record(voicemail: Omit<Voicemail, 'smsSent' | 'topicSent' | 'failures'>, dueAt: Date): Promise<Voicemail>;
  markSent(recordingSid: string, channel: Channel): Promise<void>;
  /** Counts a failed round of alerts and makes it due again at `dueAt`. */
  retryAt(recordingSid: string, dueAt: Date): Promise<void>;
  /** Every alert went out: no longer due. */
  finish(recordingSid: string): Promise<void>;
  /** Voicemails still owed an alert, due before `before`, soonest first. */
  listDue(before: Date, limit: number): Promise<Voicemail[]>;
}

/** The stored record of each call that ended (./call-log.ts). */
export interface CallLog {
  /**
   * Adds what one sender knows about an ended call to its record: fields it names are set, deeds and
   * booking ids are added to those already there, so senders can arrive in any order and more than once.
   */
  save(entry: CallLogWrite): Promise<void>;
  /** Records of calls that started in [from, to), newest first, at most `limit`. */
  list(range: { from: Date; to: Date }, limit: number): Promise<CallLogEntry[]>;
}

export type CallLogWrite = Omit<CallEndReport, 'broke'> & {
  /** Epoch ms; with the call id it names the record, so every sender must give the same one. */
  startedAt: number;
  deeds: CallDeed[];
  bookingIds: string[];
  /** Epoch ms after which the record may be deleted. */
  expiresAt: number;
};

/**
 * Upcoming appointments by the phone number they are tied to: our bookings (the caller's number) and
 * invitees Calendly's webhook reports with a number. A mirror, so it can be behind Calendly: acting on an
 * appointment always asks Calendly.
 */
export interface AppointmentMirror {
  /** Ties an appointment to `phone` (E.164); recording it again changes nothing but its details. */
  record(phone: string, appointment: Appointment): Promise<void>;
  forget(phone: string, appointment: Pick<Appointment, 'eventUri' | 'start'>): Promise<void>;
  /** Appointments tied to `phone` that start after `now`, soonest first. */
  upcoming(phone: string, now: Date, limit: number): Promise<Appointment[]>;
}

export interface HoldRequest {
  holdId: string;
  call: CallContext;
  /**
   * The call's holds as the caller last read them (null: the call has no item yet), so the lock need not
   * read them again; stale or absent only costs the transaction a second try.
   */
  seen?: Pick<CallRecord, 'holds' | 'revision'> | null;
  slot: SlotRef;
  name: string;
  email: string;
  now: Date;
  leaseMs: number;
  maxLiveHolds: number;
}

export type HoldOutcome =
  | { kind: 'held'; hold: Hold }
  | { kind: 'taken' }
  | { kind: 'too_many_holds'; liveHoldIds: string[] };

export type ConfirmOutcome =
  | { kind: 'confirmed'; booking: Booking }
  | { kind: 'already_confirmed'; bookingId: string }
  | { kind: 'expired' }
  /** The booking replaces one of ours that is no longer `booked` (canceled or being moved meanwhile). */
  | { kind: 'replaced_changed' };

/** The slot lock: conditional writes make two live holds on one slot impossible. */
export interface SlotLock {
  hold(request: HoldRequest): Promise<HoldOutcome>;
  getHold(holdId: string): Promise<Hold | null>;
  /** Releases a live hold; false when it was no longer ours to release (expired and re-taken, or confirmed). */
  release(hold: Hold, now: Date): Promise<boolean>;
  /**
   * Turns a live hold into a queued booking, atomically with the slot moving to `booking` and, when the
   * booking replaces one of ours, that one moving to `rescheduling`.
   */
  confirm(hold: Hold, booking: Booking, now: Date): Promise<ConfirmOutcome>;
  /** Start instants (epoch ms) of the calendar cells in [fromIso, toIso) a live hold or a booking occupies. */
  occupiedCells(fromIso: string, toIso: string, now: Date): Promise<Set<number>>;
}

export type ClaimOutcome =
  /** This worker may post; `mayExist`: an earlier attempt may have reached Calendly, so look it up first. */
  | { kind: 'claimed'; booking: Booking; mayExist: boolean }
  /** Another worker is posting right now. */
  | { kind: 'busy'; booking: Booking }
  /** Already booked or failed: nothing to do. */
  | { kind: 'finished'; booking: Booking }
  /** The slot is no longer held for this booking (holder or fence changed): never post. */
  | { kind: 'hold_lost'; booking: Booking }
  | { kind: 'missing' };

/** What a Calendly cancellation did: freed our booking, or nothing (not booked now, or not our invitee). */
export type CancelOutcome = 'canceled' | 'not_booked' | 'other_invitee';

/** Whether cancel_booking could start canceling a booking: the booking as it is now, either way. */
export type StartCancelOutcome =
  | { kind: 'started'; booking: Booking }
  | { kind: 'not_booked'; booking: Booking };

/** Bookings on their way into Calendly, driven by the worker. */
export interface BookingRepository {
  get(bookingId: string): Promise<Booking | null>;
  /** Re-verifies the hold (holder + fence) and takes the posting lease in one atomic write. */
  /** `seen`: the booking as the caller just read it (with `get`), so the claim need not read it again. */
  claim(
    bookingId: string,
    now: Date,
    options: { staleAfterMs: number; seen?: Booking | undefined },
  ): Promise<ClaimOutcome>;
  /**
   * Booked in Calendly. `smsOwed`: the caller is still to be texted, so the booking stays due (the sweeper
   * finds it) until `claimSms`.
   */
  markBooked(
    booking: Booking,
    calendly: CalendlyBookingRef,
    now: Date,
    options: { smsOwed: boolean },
  ): Promise<Booking>;
  /** Final failure: the booking fails and the slot is released, atomically; `smsOwed` as for markBooked. */
  markFailed(
    booking: Booking,
    failure: { code: string; message: string },
    now: Date,
    options: { smsOwed: boolean },
  ): Promise<Booking>;
  /** Gives the posting lease back until `retryAt`; `mayExist` forces a Calendly lookup before the next post. */
  unclaim(booking: Booking, options: { mayExist: boolean; retryAt: Date }, now: Date): Promise<void>;
  /**
   * Records a cancellation made in Calendly and frees the slot, only when `inviteeUri` is the invitee we
   * booked: anyone can book through the public link with our booking id in utm_content and cancel that.
   */
  markCanceled(bookingId: string, inviteeUri: string, now: Date): Promise<CancelOutcome>;
  /** booked -> canceling by `callId`, due again at `retryAt` (the worker finishes a cancellation nobody finished). */
  startCancel(
    booking: Booking,
    callId: string,
    now: Date,
    options: { retryAt: Date },
  ): Promise<StartCancelOutcome>;
  /**
   * canceling (or rescheduling) -> canceled, freeing the slot, its cells and the phone mirror, atomically;
   * `smsOwed` as for markBooked.
   */
  finishCancel(booking: Booking, now: Date, options: { smsOwed: boolean }): Promise<Booking>;
  /** canceling -> booked: Calendly would not cancel it (it has started), so it stands as it was. */
  abandonCancel(booking: Booking, now: Date): Promise<void>;
  /** rescheduling into `movedTo` -> booked: that replacement could not be booked, so it stands as it was. */
  abandonReschedule(bookingId: string, movedTo: string, now: Date): Promise<void>;
  /** A booked replacement's old appointment is canceled; it stays due only if `stillDue` (its text is owed). */
  markReplacedCanceled(booking: Booking, now: Date, options: { stillDue: boolean }): Promise<Booking>;
  /** True exactly once per booking state: whoever gets true sends its SMS (and the booking is no longer due). */
  claimSms(bookingId: string, now: Date): Promise<boolean>;
  /** Undoes claimSms after a failed send so a retry can send it; the booking is due again from `now`. */
  releaseSmsClaim(bookingId: string, now: Date): Promise<void>;
  /** Bookings due before `before` (unfinished, or finished with the SMS still owed), most overdue first. */
  listDue(before: Date, limit: number): Promise<Booking[]>;
}

/** Counts Calendly booking requests against the configured per-minute/hour/day budget. */
export interface RateBudgetPort {
  tryTake(now: Date): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }>;
}

/** Times Calendly listed for one (event type, day), and when the request that listed them started. */
export interface CachedTimes {
  times: AvailableTime[];
  fetchedAt: number;
}

/**
 * Shared (cross-container) availability cache with a fill lease so concurrent misses make one request.
 * Entries are kept per (event type, business day); an invalidation voids one day for every event type,
 * since they all share one host calendar.
 */
export interface AvailabilityCachePort {
  /** The entry (null when absent or fetched before the day's last invalidation) and the fill lease's end. */
  read(eventTypeUri: string, day: string): Promise<{ entry: CachedTimes | null; leaseUntil: number | null }>;
  /** The lease's end when this caller won the right to refresh the entry until `now + leaseMs`, else null. */
  tryLease(eventTypeUri: string, day: string, now: Date, leaseMs: number): Promise<number | null>;
  /**
   * Stores times whose Calendly request started at `fetchStartedAt` (ending any lease), unless the day was
   * invalidated since then: false, and nothing is stored.
   */
  write(
    eventTypeUri: string,
    day: string,
    times: AvailableTime[],
    fetchStartedAt: Date,
    ttlMs: number,
  ): Promise<boolean>;
  /** Ends a lease this caller holds (`leaseUntil` as tryLease returned it) so the next reader can fill at once. */
  releaseLease(eventTypeUri: string, day: string, leaseUntil: number): Promise<void>;
  /** Voids every event type's entry for a day fetched before `at` (Calendly told us that day changed). */
  invalidate(day: string, at: Date): Promise<void>;
}

/** Everything persisted, as one bundle handed to use cases. */
export interface Store {
  calls: CallRepository;
  slots: SlotLock;
  bookings: BookingRepository;
  appointments: AppointmentMirror;
  callLog: CallLog;
  voicemails: VoicemailBox;
}
