import { describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../../../../../infra/local/clock.ts';
import type { CalendarDirectory } from '../../../../../shared/domain/calendar-directory.ts';
import type { Hold } from '../../../../../shared/domain/model.ts';
import {
  type ConfirmOutcome,
  confirmBooking,
} from '../../../../../shared/domain/use-cases/confirm-booking.ts';
import { DEFAULT_USE_CASE_SETTINGS, type UseCaseDeps } from '../../../../../shared/domain/use-cases/deps.ts';
import { CALLER_TEXTS } from '../../../../../shared/speech/booking-sms.ts';
import {
  memoryCalls,
  memoryHoldsAndBookings,
  noTransfer,
  unusedAppointments,
  unusedCalendly,
  unusedCallLog,
  unusedVoicemails,
} from '../../../../fixtures/memory-ports.ts';

const CALL = { callId: 'CA1', callerNumber: '+14155550123' };
const settings = { ...DEFAULT_USE_CASE_SETTINGS, confirmWaitMs: 3_000, confirmPollMs: 150 };

const directory: CalendarDirectory = {
  businessTimezone: async () => 'America/New_York',
  user: async () => Promise.reject(new Error('unused')),
  eventTypeFor: async () => Promise.reject(new Error('unused')),
  eventTypeByUri: async () => Promise.reject(new Error('unused')),
};

function setUp(clock: ManualClock) {
  const memory = memoryHoldsAndBookings();
  const hold: Hold = {
    holdId: 'H-TEST0001',
    callId: CALL.callId,
    slot: {
      eventTypeUri: 'https://api.calendly.com/event_types/ET1',
      start: '2030-01-08T15:00:00.000000Z',
      durationMinutes: 30,
    },
    fence: 1,
    expiresAt: clock.now().getTime() + 300_000,
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    callerNumber: CALL.callerNumber,
    status: 'held',
    bookingId: null,
    createdAt: clock.now().getTime(),
  };
  memory.holds.set(hold.holdId, hold);
  const enqueued: string[] = [];
  const deps: UseCaseDeps = {
    store: {
      calls: memoryCalls(),
      slots: memory.slots,
      bookings: memory.repository,
      appointments: unusedAppointments(),
      callLog: unusedCallLog(),
      voicemails: unusedVoicemails(),
    },
    transfer: noTransfer(),
    calendly: unusedCalendly(),
    sms: null,
    texts: CALLER_TEXTS,
    availability: { timesForDay: async () => [] },
    directory,
    queue: {
      enqueue: async (bookingId) => {
        enqueued.push(bookingId);
      },
    },
    clock,
    settings,
  };
  return { deps, memory, enqueued, hold };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('confirmBooking waiting for the worker (fake time)', () => {
  it('gives the booking as the worker left it (still queued) once the wait is over, not before', async () => {
    const clock = createManualClock();
    const { deps, enqueued, hold } = setUp(clock);
    let answer: ConfirmOutcome | undefined;
    void confirmBooking(hold.holdId, CALL, deps).then((result) => {
      answer = result;
    });
    for (
      let waited = 0;
      waited < settings.confirmWaitMs - settings.confirmPollMs;
      waited += settings.confirmPollMs
    ) {
      await settle();
      clock.advance(settings.confirmPollMs);
    }
    await settle();
    expect(answer).toBeUndefined();
    clock.advance(settings.confirmPollMs);
    await settle();
    await settle();
    expect(answer).toMatchObject({ kind: 'booking', booking: { status: 'queued' } });
    expect(enqueued).toHaveLength(1);
  });

  it('gives the booking at the first poll after the worker booked it', async () => {
    const clock = createManualClock();
    const { deps, memory, hold } = setUp(clock);
    let answer: ConfirmOutcome | undefined;
    void confirmBooking(hold.holdId, CALL, deps).then((result) => {
      answer = result;
    });
    await settle();
    clock.advance(settings.confirmPollMs);
    await settle();
    const [booking] = [...memory.bookings.values()];
    if (!booking) throw new Error('no booking queued');
    memory.bookings.set(booking.bookingId, { ...booking, status: 'booked' });
    expect(answer).toBeUndefined();
    clock.advance(settings.confirmPollMs);
    await settle();
    await settle();
    expect(answer).toMatchObject({
      kind: 'booking',
      booking: { status: 'booked', bookingId: booking.bookingId },
    });
  });
});
