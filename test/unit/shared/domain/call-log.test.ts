import { describe, expect, it } from 'vitest';
import { deedsOf, isBrokenEnding, outcomeOf } from '../../../../shared/domain/call-log.ts';
import type { BookingRef } from '../../../../shared/domain/model.ts';

const quiet = { callId: 'CA1', bookingRefs: [] as BookingRef[], transferredAt: null, messageAt: null };
const canceledRef = { canceledAt: 1, movedTo: null } as BookingRef;

describe('call outcomes', () => {
  it('files a call under the most significant thing it did', () => {
    expect(outcomeOf([])).toBe('no_action');
    expect(outcomeOf(['message', 'booked'])).toBe('booked');
    expect(outcomeOf(['canceled', 'rescheduled', 'booked'])).toBe('rescheduled');
    expect(outcomeOf(['failed', 'transferred'])).toBe('transferred');
  });

  it('reads the deeds from the call and its bookings', () => {
    expect(deedsOf(quiet, [])).toEqual([]);
    expect(deedsOf(quiet, [{ status: 'queued', replaces: null, canceledBy: null }])).toEqual(['booked']);
    expect(
      deedsOf(quiet, [{ status: 'booked', replaces: { bookingId: 'b' } as never, canceledBy: null }]),
    ).toEqual(['rescheduled']);
    // A move whose new booking failed kept the old one: the call failed at what it tried.
    expect(
      deedsOf(quiet, [{ status: 'failed', replaces: { bookingId: 'b' } as never, canceledBy: null }]),
    ).toEqual(['failed']);
    expect(deedsOf({ ...quiet, bookingRefs: [canceledRef] }, [])).toEqual(['canceled']);
    // Moved, then the new time canceled, on the same call: a cancellation is what is left.
    const movedThenCanceled = {
      status: 'canceled',
      replaces: { bookingId: 'b' } as never,
      canceledBy: 'CA1',
    } as const;
    expect(deedsOf(quiet, [movedThenCanceled])).toEqual(['canceled']);
    // Canceled later by another call: this call still booked it.
    expect(deedsOf(quiet, [{ ...movedThenCanceled, replaces: null, canceledBy: 'CA2' }])).toEqual(['booked']);
    expect(deedsOf({ ...quiet, transferredAt: 5, messageAt: 6 }, [])).toEqual(['transferred', 'message']);
    expect(deedsOf(quiet, [], { broke: true })).toEqual(['failed']);
  });

  it("tells Vapi's broken endings from ordinary ones", () => {
    expect(isBrokenEnding('pipeline-error-openai-llm-failed')).toBe(true);
    expect(isBrokenEnding('call.in-progress.error-vapifault-openai-llm-failed')).toBe(true);
    expect(isBrokenEnding('customer-ended-call')).toBe(false);
    expect(isBrokenEnding('silence-timed-out')).toBe(false);
    expect(isBrokenEnding('assistant-forwarded-call')).toBe(false);
  });
});
