import { describe, expect, it } from 'vitest';
import {
  type BookingFact,
  checkBookings,
  checkNoOverlaps,
  checkOffers,
  type InviteeFact,
} from '../../../proof/invariants.ts';

const T = Date.parse('2030-01-08T15:00:00Z');
const MIN = 60_000;
const invitee = (
  bookingId: string | null,
  startMs = T,
  minutes = 30,
  status: 'active' | 'canceled' = 'active',
): InviteeFact => ({
  uri: `inv-${bookingId}-${startMs}`,
  status,
  bookingId,
  startMs,
  endMs: startMs + minutes * MIN,
});
const booking = (overrides: Partial<BookingFact> = {}): BookingFact => ({
  bookingId: 'B1',
  told: 'pending',
  phone: '+14155550100',
  finalStatus: 'booked',
  texts: ["You're booked for Tuesday at 10 AM."],
  ...overrides,
});
const kinds = (violations: { kind: string }[]) => violations.map((violation) => violation.kind);

describe('the fault campaign invariants', () => {
  it('finds overlapping active invitees of any length, and ignores canceled ones', () => {
    expect(checkNoOverlaps([invitee('A'), invitee('B', T + 30 * MIN)])).toEqual([]);
    expect(kinds(checkNoOverlaps([invitee('A', T, 60), invitee('B', T + 30 * MIN)]))).toEqual([
      'overlapping_invitees',
    ]);
    expect(checkNoOverlaps([invitee('A'), invitee('B', T, 30, 'canceled')])).toEqual([]);
    // A long one hides behind a short one in start order.
    expect(
      kinds(checkNoOverlaps([invitee('A', T, 120), invitee('B', T + 30 * MIN), invitee('C', T + 90 * MIN)])),
    ).toEqual(['overlapping_invitees', 'overlapping_invitees']);
  });

  it('accepts a booking booked once and texted once', () => {
    expect(checkBookings([booking()], [invitee('B1')])).toEqual([]);
    expect(
      checkBookings([booking({ finalStatus: 'failed', texts: ['Sorry, we could not book Tuesday'] })], []),
    ).toEqual([]);
  });

  it('calls two invitees for one booking a double booking', () => {
    expect(kinds(checkBookings([booking()], [invitee('B1'), invitee('B1', T + 60 * MIN)]))).toContain(
      'double_booking',
    );
  });

  it('calls a booking lost when it never finished or Calendly does not have it', () => {
    expect(kinds(checkBookings([booking({ finalStatus: 'queued' })], []))).toEqual(['lost_booking']);
    expect(kinds(checkBookings([booking()], []))).toEqual(['lost_booking']);
    expect(kinds(checkBookings([booking({ finalStatus: null })], []))).toEqual(['lost_booking']);
  });

  it('holds every answer to what happened', () => {
    expect(
      kinds(
        checkBookings([booking({ told: 'confirmed', finalStatus: 'failed', texts: ['could not book'] })], []),
      ),
    ).toEqual(['wrong_answer']);
    expect(kinds(checkBookings([booking({ told: 'error:booking_failed' })], [invitee('B1')]))).toEqual([
      'wrong_answer',
    ]);
    expect(
      kinds(checkBookings([booking({ finalStatus: 'failed', texts: ['could not book'] })], [invitee('B1')])),
    ).toEqual(['wrong_answer']);
  });

  it('wants exactly one outcome SMS for a caller with a number, none for one without', () => {
    expect(kinds(checkBookings([booking({ texts: [] })], [invitee('B1')]))).toEqual(['missing_sms']);
    expect(
      kinds(checkBookings([booking({ texts: ["You're booked", "You're booked"] })], [invitee('B1')])),
    ).toEqual(['extra_sms']);
    expect(checkBookings([booking({ phone: null, texts: [] })], [invitee('B1')])).toEqual([]);
  });

  it("flags an offer of a time busy for the offer's whole duration, not one that changed during it", () => {
    const busy = [
      { startMs: T, endMs: T + 60 * MIN, from: 1_000, until: 5_000, what: 'hold H1', callSid: 'CA-other' },
    ];
    const offer = (sentAt: number, answeredAt: number, startMs: number, callSid = 'CA-me') => ({
      callSid,
      sentAt,
      answeredAt,
      slots: [{ startMs, endMs: startMs + 30 * MIN }],
    });
    expect(kinds(checkOffers([offer(2_000, 3_000, T + 30 * MIN)], busy))).toEqual(['busy_time_offered']);
    expect(checkOffers([offer(2_000, 3_000, T + 60 * MIN)], busy)).toEqual([]);
    // The hold was taken or released while the offer was being made: either answer is right.
    expect(checkOffers([offer(500, 1_500, T)], busy)).toEqual([]);
    expect(checkOffers([offer(4_500, 5_500, T)], busy)).toEqual([]);
    // A call's own hold is not held against it.
    expect(checkOffers([offer(2_000, 3_000, T, 'CA-other')], busy)).toEqual([]);
  });
});
