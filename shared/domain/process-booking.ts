/**
 * The booking worker's use case: take one queued booking into Calendly, exactly once.
 *
 * 1. claim: re-verify the hold (holder + fence) and take a posting lease, atomically;
 * 2. reconcile: if an earlier attempt may have reached Calendly, look the booking up by our tracking id;
 * 3. stay inside the configured Calendly budget, else put it back with a delay;
 * 4. POST /invitees; Calendly's "not available" is final (fail + release), 429/5xx/timeouts are retried
 *    later (the lease is handed back with the delay Calendly asked for), never dropped;
 * 5. tell the caller by SMS, at most once per booking; until then the booking stays due, so a worker that
 *    dies after recording the outcome leaves the text to the sweeper, not to chance.
 *
 * It also finishes cancellations cancel_booking started (`canceling`) and sends their texts, and for a
 * booking that moves an appointment (reschedule_booking), cancels the old one once the new one is booked.
 */
import type { CalendarDirectory } from './calendar-directory.ts';
import { completeCancellation, RESCHEDULE_REASON } from './cancellations.ts';
import type { Clock } from './clock.ts';
import { AppError, SlotUnavailableError, VendorRateLimitedError, VendorRejectedError } from './errors.ts';
import type { Booking } from './model.ts';
import type {
  BookingQueuePort,
  CalendlyPort,
  CallerTexts,
  CreatedInvitee,
  CreateInviteeInput,
  EventTypeInfo,
  RateBudgetPort,
  SmsPort,
  Store,
} from './ports.ts';

export interface BookingWorkerDeps {
  store: Store;
  calendly: CalendlyPort;
  directory: CalendarDirectory;
  budget: RateBudgetPort;
  queue: BookingQueuePort;
  sms: SmsPort | null;
  texts: CallerTexts;
  clock: Clock;
}

export interface BookingWorkerOptions {
  /** Longer than the worker's own timeout, so a live worker never loses its lease to a redelivery. */
  postingLeaseMs: number;
  /** Early duplicates (a sweeper copy, a redelivery) arriving this long before the booking is due are ignored. */
  earlyToleranceMs: number;
}

export const DEFAULT_WORKER_OPTIONS: BookingWorkerOptions = {
  postingLeaseMs: 90_000,
  earlyToleranceMs: 5_000,
};

export type ProcessOutcome =
  | { kind: 'booked'; booking: Booking; reconciled: boolean }
  | { kind: 'canceled'; booking: Booking }
  | { kind: 'failed'; booking: Booking; code: string }
  | { kind: 'deferred'; bookingId: string; retryAfterSeconds: number; reason: string }
  | { kind: 'skipped'; bookingId: string; reason: string };

/** How many attempts a booking that may already be in Calendly gets to find itself before "not available" is believed. */
const RECONCILE_ATTEMPTS = 4;

/** Delay before retrying after an unexplained failure: 15 s doubling per attempt, capped at SQS's 15 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(900, 15 * 2 ** Math.max(0, attempts - 1));
}

export async function processBooking(
  bookingId: string,
  deps: BookingWorkerDeps,
  options: BookingWorkerOptions = DEFAULT_WORKER_OPTIONS,
): Promise<ProcessOutcome> {
  const { store, clock } = deps;
  const stored = await store.bookings.get(bookingId);
  if (!stored) return { kind: 'skipped', bookingId, reason: 'unknown booking' };
  const early = stored.dueAt > clock.now().getTime() + options.earlyToleranceMs;
  if ((stored.status === 'queued' || stored.status === 'canceling') && early) {
    return { kind: 'skipped', bookingId, reason: 'not due yet' };
  }
  if (stored.status === 'canceling') return await finishCancellation(stored, deps);
  if (stored.status === 'canceled') {
    await notifyCaller(stored, deps);
    return { kind: 'canceled', booking: stored };
  }

  const claim = await store.bookings.claim(bookingId, clock.now(), {
    staleAfterMs: options.postingLeaseMs,
    seen: stored,
  });
  switch (claim.kind) {
    case 'missing':
      return { kind: 'skipped', bookingId, reason: 'unknown booking' };
    case 'finished': {
      // An earlier delivery recorded the outcome and stopped short of what comes after it.
      const finished = await afterOutcome(claim.booking, deps);
      await notifyCaller(finished, deps);
      return finished.status === 'booked'
        ? { kind: 'booked', booking: finished, reconciled: false }
        : { kind: 'failed', booking: finished, code: finished.failure?.code ?? 'failed' };
    }
    case 'busy': {
      const waitSeconds = Math.ceil(
        ((claim.booking.postingStartedAt ?? 0) + options.postingLeaseMs - clock.now().getTime()) / 1000,
      );
      await deps.queue.enqueue(bookingId, { delaySeconds: Math.max(1, waitSeconds) });
      return {
        kind: 'deferred',
        bookingId,
        retryAfterSeconds: waitSeconds,
        reason: 'another worker is posting',
      };
    }
    case 'hold_lost':
      return await failBooking(
        claim.booking,
        'hold_lost',
        'the slot was no longer held for this booking',
        deps,
      );
    case 'claimed':
      return await postClaimed(claim.booking, claim.mayExist, deps);
  }
}

async function postClaimed(
  booking: Booking,
  mayExist: boolean,
  deps: BookingWorkerDeps,
): Promise<ProcessOutcome> {
  const { store, clock, calendly } = deps;
  /** Our invitee if an earlier attempt did reach Calendly, else null. */
  const lookUp = async () => {
    const user = await deps.directory.user();
    return await calendly.findInviteeByTracking({
      userUri: user.uri,
      email: booking.email,
      start: booking.slot.start,
      trackingId: booking.bookingId,
    });
  };
  const bookedAs = async (invitee: CreatedInvitee, reconciled: boolean): Promise<ProcessOutcome> => {
    // Calendly has the booking. If recording it fails, the message is redelivered and the posting lease
    // makes the next attempt reconcile; if the SMS fails, the redelivery finds the booking finished and
    // sends the SMS only.
    // A booking that replaces another stays due until the old one is canceled, text or no text.
    const booked = await store.bookings.markBooked(booking, invitee, clock.now(), {
      smsOwed: smsOwed(booking, deps) || booking.replaces !== null,
    });
    const finished = await afterOutcome(booked, deps);
    await notifyCaller(finished, deps);
    return { kind: 'booked', booking: finished, reconciled };
  };

  let eventType: EventTypeInfo;
  try {
    if (mayExist) {
      const found = await lookUp();
      if (found) return await bookedAs(found, true);
    }
    eventType = await deps.directory.eventTypeByUri(booking.slot.eventTypeUri);
  } catch (error) {
    return await retryLater(booking, error, mayExist, deps);
  }
  const request = inviteeRequest(booking, eventType);
  if (typeof request === 'string') return await failBooking(booking, 'unanswerable_question', request, deps);

  const budget = await deps.budget.tryTake(clock.now());
  if (!budget.ok) {
    return await deferBooking(booking, budget.retryAfterSeconds, mayExist, 'booking budget exhausted', deps);
  }

  let created: CreatedInvitee;
  try {
    created = await calendly.createInvitee(request);
  } catch (error) {
    if (error instanceof SlotUnavailableError || error instanceof VendorRejectedError) {
      // A refusal may mean our own earlier attempt took the time (a POST that timed out but went through,
      // not yet visible to the first lookup), and Calendly documents no wording for "taken", so any refusal
      // is checked: look once more before telling the caller it failed.
      if (booking.attempts > 1 || mayExist) {
        const found = await lookUp().catch(() => null);
        if (found) return await bookedAs(found, true);
        // Calendly's lists may lag behind its writes: give our invitee time to show up before giving up.
        if (booking.attempts < RECONCILE_ATTEMPTS) return await retryLater(booking, error, true, deps);
      }
      const code = error instanceof SlotUnavailableError ? 'slot_unavailable' : 'booking_rejected';
      return await failBooking(booking, code, error.message, deps);
    }
    if (error instanceof VendorRateLimitedError) {
      return await deferBooking(booking, error.retryAfterSeconds, mayExist, 'calendly rate limited', deps);
    }
    // Timeouts, 5xx, network errors: Calendly may or may not have booked it, so look it up before re-posting.
    return await retryLater(booking, error, true, deps);
  }
  return await bookedAs(created, false);
}

/**
 * A cancellation the caller's tool call started and did not finish (it crashed, or timed out): Calendly is
 * told (again; "already canceled" is what a second telling hears), our lock is freed, the caller texted.
 */
async function finishCancellation(booking: Booking, deps: BookingWorkerDeps): Promise<ProcessOutcome> {
  // A new text: the one about the booking went out long ago.
  const textable = deps.sms !== null && booking.callerNumber !== null;
  const { result, booking: canceled } = await completeCancellation(booking, deps, () => textable);
  if (result === 'in_past') {
    return { kind: 'skipped', bookingId: booking.bookingId, reason: 'the appointment has started' };
  }
  await notifyCaller(canceled, deps);
  return { kind: 'canceled', booking: canceled };
}

async function retryLater(booking: Booking, error: unknown, mayExist: boolean, deps: BookingWorkerDeps) {
  const reason = error instanceof AppError ? error.code : 'unexpected error';
  return await deferBooking(booking, retryDelaySeconds(booking.attempts), mayExist, reason, deps);
}

async function deferBooking(
  booking: Booking,
  retryAfterSeconds: number,
  mayExist: boolean,
  reason: string,
  deps: BookingWorkerDeps,
): Promise<ProcessOutcome> {
  const delaySeconds = Math.min(900, Math.max(1, Math.ceil(retryAfterSeconds)));
  const retryAt = new Date(deps.clock.now().getTime() + delaySeconds * 1000);
  await deps.store.bookings.unclaim(booking, { mayExist, retryAt }, deps.clock.now());
  await deps.queue.enqueue(booking.bookingId, { delaySeconds });
  return { kind: 'deferred', bookingId: booking.bookingId, retryAfterSeconds: delaySeconds, reason };
}

async function failBooking(booking: Booking, code: string, message: string, deps: BookingWorkerDeps) {
  const failed = await deps.store.bookings.markFailed(booking, { code, message }, deps.clock.now(), {
    smsOwed: smsOwed(booking, deps),
  });
  const finished = await afterOutcome(failed, deps);
  await notifyCaller(finished, deps);
  return { kind: 'failed' as const, booking: finished, code };
}

/**
 * The steps after a booking's outcome when it replaces another appointment: once booked, the old one is
 * canceled in Calendly and its lock freed; once failed, our booking of the old one stands again. Both are
 * safe to repeat, which a redelivery or the sweeper does after a crash.
 */
async function afterOutcome(booking: Booking, deps: BookingWorkerDeps): Promise<Booking> {
  const old = booking.replaces;
  if (!old) return booking;
  const { store, clock } = deps;
  if (booking.status === 'failed') {
    if (old.bookingId) await store.bookings.abandonReschedule(old.bookingId, booking.bookingId, clock.now());
    return booking;
  }
  if (booking.status !== 'booked' || old.canceledAt !== null) return booking;
  // "In the past": the old appointment started meanwhile and Calendly keeps it; nothing more can be done.
  await deps.calendly.cancelEvent(old.eventUri, RESCHEDULE_REASON);
  const ours = old.bookingId ? await store.bookings.get(old.bookingId) : null;
  if (ours?.status === 'rescheduling' && ours.movedTo === booking.bookingId) {
    await store.bookings.finishCancel(ours, clock.now(), { smsOwed: false });
  } else if (!ours && booking.callerNumber) {
    await store.appointments.forget(booking.callerNumber, old);
  }
  return await store.bookings.markReplacedCanceled(booking, clock.now(), {
    stillDue: smsOwed(booking, deps),
  });
}

/**
 * The Calendly request for a booking. The caller's number goes where the event type has a place for it:
 * an outbound-call location (the host calls them) and phone-number questions. Returns a reason string
 * when the event type demands something a phone booking cannot give.
 */
export function inviteeRequest(booking: Booking, eventType: EventTypeInfo): CreateInviteeInput | string {
  const request: CreateInviteeInput = {
    eventTypeUri: booking.slot.eventTypeUri,
    start: booking.slot.start,
    invitee: { name: booking.name, email: booking.email, timezone: booking.timezone },
    trackingId: booking.bookingId,
  };
  const callsInvitee = eventType.locations.some((location) => location.kind === 'outbound_call');
  if (callsInvitee && eventType.poolingType !== 'round_robin') {
    if (booking.callerNumber) request.location = { kind: 'outbound_call', location: booking.callerNumber };
    else if (eventType.locations.length === 1)
      return 'the event type needs a phone number to call and the caller withheld theirs';
  }
  const answers: NonNullable<CreateInviteeInput['questionsAndAnswers']> = [];
  for (const question of eventType.customQuestions.filter((item) => item.enabled)) {
    if (question.type === 'phone_number' && booking.callerNumber) {
      answers.push({ question: question.name, answer: booking.callerNumber, position: question.position });
    } else if (question.required) {
      return `the event type requires an answer to "${question.name}", which a phone booking cannot give`;
    }
  }
  if (answers.length > 0) request.questionsAndAnswers = answers;
  return request;
}

/** Whether the caller is still to be texted about this booking's outcome. */
function smsOwed(booking: Booking, deps: BookingWorkerDeps): boolean {
  return deps.sms !== null && booking.callerNumber !== null && booking.smsSentAt === null;
}

/** Sends the outcome SMS once; a failed send hands the claim back and throws so a redelivery retries it. */
async function notifyCaller(booking: Booking, deps: BookingWorkerDeps): Promise<void> {
  const { sms } = deps;
  if (!sms || !booking.callerNumber || !smsOwed(booking, deps)) return;
  if (booking.status !== 'booked' && booking.status !== 'failed' && booking.status !== 'canceled') return;
  if (!(await deps.store.bookings.claimSms(booking.bookingId, deps.clock.now()))) return;
  try {
    await sms.send({ to: booking.callerNumber, body: deps.texts.aboutBooking(booking, deps.clock.now()) });
  } catch (error) {
    await deps.store.bookings.releaseSmsClaim(booking.bookingId, deps.clock.now());
    throw error;
  }
}
