/**
 * What a fault campaign must never see, checked against the Calendly sandbox's own calendar, the SMS
 * outbox, the table and the queue after every round. Pure functions of recorded facts, so a test can hand
 * them a double booking and watch them report it.
 */

/** A time range in epoch ms, end exclusive. */
export interface Span {
  startMs: number;
  endMs: number;
}

/** A Calendly invitee as the sandbox holds it. */
export interface InviteeFact extends Span {
  uri: string;
  status: 'active' | 'canceled';
  /** Our booking id, when we booked it (tracking.utm_content). */
  bookingId: string | null;
}

/** What a caller was told by confirm_booking. */
export type ConfirmAnswer = 'confirmed' | 'pending' | `error:${string}`;

export interface BookingFact {
  bookingId: string;
  told: ConfirmAnswer;
  phone: string | null;
  /** The booking item's status after the round settled (null: no item). */
  finalStatus: string | null;
  /** SMS the caller's number received this round. */
  texts: string[];
}

/** A time some caller could not have been offered while the offer was made. */
export interface BusySpan extends Span {
  /** Busy from this instant (epoch ms) ... */
  from: number;
  /** ... until this one (Infinity: for good). */
  until: number;
  what: string;
  /** The call it belongs to: a call's own hold does not count against its own offers. */
  callSid: string | null;
}

export interface OfferFact {
  callSid: string;
  /** When the request was sent and when its answer arrived. */
  sentAt: number;
  answeredAt: number;
  slots: Span[];
}

export interface Violation {
  kind:
    | 'double_booking'
    | 'overlapping_invitees'
    | 'lost_booking'
    | 'wrong_answer'
    | 'missing_sms'
    | 'extra_sms'
    | 'busy_time_offered'
    | 'replay_differs'
    | 'message_stuck';
  detail: string;
}

const overlaps = (a: Span, b: Span) => a.startMs < b.endMs && b.startMs < a.endMs;
const iso = (ms: number) => new Date(ms).toISOString();

/** No two active invitees of the one host overlap, whatever their event types. */
export function checkNoOverlaps(invitees: InviteeFact[]): Violation[] {
  const active = invitees
    .filter((invitee) => invitee.status === 'active')
    .sort((a, b) => a.startMs - b.startMs);
  const violations: Violation[] = [];
  let latest: InviteeFact | undefined;
  for (const invitee of active) {
    if (latest && invitee.startMs < latest.endMs) {
      violations.push({
        kind: 'overlapping_invitees',
        detail: `${latest.uri} (${iso(latest.startMs)}) and ${invitee.uri} (${iso(invitee.startMs)})`,
      });
    }
    if (!latest || invitee.endMs > latest.endMs) latest = invitee;
  }
  return violations;
}

/**
 * Every booking ends as its caller was told: "confirmed" is booked; "pending" ends booked or failed; an
 * error is never booked. Booked means exactly one active invitee; failed means none. A caller with a number
 * gets exactly one SMS with the outcome.
 */
export function checkBookings(bookings: BookingFact[], invitees: InviteeFact[]): Violation[] {
  const violations: Violation[] = [];
  for (const booking of bookings) {
    const own = invitees.filter(
      (invitee) => invitee.bookingId === booking.bookingId && invitee.status === 'active',
    );
    const id = booking.bookingId;
    if (own.length > 1) violations.push({ kind: 'double_booking', detail: `${id}: ${own.length} invitees` });
    const status = booking.finalStatus;
    if (status === 'booked' && own.length === 0) {
      violations.push({ kind: 'lost_booking', detail: `${id}: booked in our table, no invitee in Calendly` });
    }
    if (status === 'failed' && own.length > 0) {
      violations.push({ kind: 'wrong_answer', detail: `${id}: failed in our table, but Calendly has it` });
    }
    if (status !== 'booked' && status !== 'failed') {
      violations.push({
        kind: 'lost_booking',
        detail: `${id}: ended ${status ?? 'missing'}, told ${booking.told}`,
      });
      continue;
    }
    if (booking.told === 'confirmed' && status !== 'booked') {
      violations.push({ kind: 'wrong_answer', detail: `${id}: told confirmed, ended ${status}` });
    }
    if (booking.told.startsWith('error:') && status === 'booked') {
      violations.push({ kind: 'wrong_answer', detail: `${id}: told ${booking.told}, ended booked` });
    }
    if (booking.phone === null) continue;
    const expected = status === 'booked' ? "You're booked" : 'could not book';
    const outcomeTexts = booking.texts.filter((text) => text.includes(expected));
    if (outcomeTexts.length === 0)
      violations.push({ kind: 'missing_sms', detail: `${id}: no "${expected}" SMS` });
    if (booking.texts.length > 1)
      violations.push({ kind: 'extra_sms', detail: `${id}: ${booking.texts.length} SMS` });
  }
  return violations;
}

/** No offered time overlapped a time that was busy for the whole time the offer was being made. */
export function checkOffers(offers: OfferFact[], busy: BusySpan[]): Violation[] {
  const violations: Violation[] = [];
  for (const offer of offers) {
    for (const slot of offer.slots) {
      const clash = busy.find(
        (span) =>
          span.callSid !== offer.callSid &&
          span.from <= offer.sentAt &&
          offer.answeredAt < span.until &&
          overlaps(slot, span),
      );
      if (clash) {
        violations.push({
          kind: 'busy_time_offered',
          detail: `${iso(slot.startMs)} offered at ${iso(offer.sentAt)}, busy: ${clash.what} ${iso(clash.startMs)}`,
        });
      }
    }
  }
  return violations;
}
