import { describe, expect, it } from 'vitest';
import type { Booking } from '../../../../shared/domain/model.ts';
import type { EventTypeInfo } from '../../../../shared/domain/ports.ts';
import { inviteeRequest, retryDelaySeconds } from '../../../../shared/domain/process-booking.ts';
import { bookingOutcomeText } from '../../../../shared/speech/booking-sms.ts';

const NOW = new Date('2026-11-30T14:00:00Z');

const booking: Booking = {
  bookingId: 'B-TEST00000001',
  holdId: 'H-TEST0001',
  callId: 'CA1',
  slot: {
    eventTypeUri: 'https://api.calendly.com/event_types/ET1',
    start: '2026-12-01T19:30:00.000000Z',
    durationMinutes: 30,
  },
  fence: 3,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  callerNumber: '+14155550123',
  timezone: 'America/New_York',
  status: 'queued',
  attempts: 0,
  postingStartedAt: null,
  calendly: null,
  failure: null,
  smsSentAt: null,
  canceledBy: null,
  replaces: null,
  movedTo: null,
  dueAt: NOW.getTime(),
  createdAt: NOW.getTime(),
  updatedAt: NOW.getTime(),
};

const eventType = (overrides: Partial<EventTypeInfo> = {}): EventTypeInfo => ({
  uri: booking.slot.eventTypeUri,
  name: 'Consultation',
  slug: 'consultation',
  active: true,
  durationMinutes: 30,
  kind: 'solo',
  poolingType: null,
  locations: [],
  customQuestions: [],
  schedulingUrl: 'https://calendly.com/x/consultation',
  ...overrides,
});

describe('inviteeRequest', () => {
  it('books the exact start Calendly listed and tags our booking id', () => {
    expect(inviteeRequest(booking, eventType())).toEqual({
      eventTypeUri: booking.slot.eventTypeUri,
      start: '2026-12-01T19:30:00.000000Z',
      invitee: { name: 'Ada Lovelace', email: 'ada@example.com', timezone: 'America/New_York' },
      trackingId: 'B-TEST00000001',
    });
  });

  it('gives the host the caller number when the event type calls the invitee', () => {
    const request = inviteeRequest(
      booking,
      eventType({ locations: [{ kind: 'outbound_call' }, { kind: 'physical' }] }),
    );
    expect(request).toMatchObject({ location: { kind: 'outbound_call', location: '+14155550123' } });
  });

  it('sends no location for a round-robin event type', () => {
    const request = inviteeRequest(
      booking,
      eventType({ poolingType: 'round_robin', locations: [{ kind: 'outbound_call' }] }),
    );
    expect(request).not.toHaveProperty('location');
  });

  it('answers phone-number questions with the caller number', () => {
    const request = inviteeRequest(
      booking,
      eventType({
        customQuestions: [
          {
            name: 'Best number?',
            type: 'phone_number',
            position: 1,
            enabled: true,
            required: false,
            answerChoices: [],
          },
        ],
      }),
    );
    expect(request).toMatchObject({
      questionsAndAnswers: [{ question: 'Best number?', answer: '+14155550123', position: 1 }],
    });
  });

  it('explains why a required question a phone booking cannot answer blocks the booking', () => {
    const request = inviteeRequest(
      booking,
      eventType({
        customQuestions: [
          {
            name: 'Insurance id',
            type: 'string',
            position: 0,
            enabled: true,
            required: true,
            answerChoices: [],
          },
        ],
      }),
    );
    expect(request).toContain('Insurance id');
  });

  it('refuses an outbound-call-only event type when the caller withheld their number', () => {
    const request = inviteeRequest(
      { ...booking, callerNumber: null },
      eventType({ locations: [{ kind: 'outbound_call' }] }),
    );
    expect(typeof request).toBe('string');
  });
});

describe('bookingOutcomeText', () => {
  it('confirms with the spoken time and the links', () => {
    const text = bookingOutcomeText(
      {
        ...booking,
        status: 'booked',
        calendly: { inviteeUri: 'i', eventUri: 'e', cancelUrl: 'https://c', rescheduleUrl: 'https://r' },
      },
      NOW,
    );
    expect(text).toBe(
      "You're booked for tomorrow, Tuesday, December 1 at 2:30 PM Eastern Time. A confirmation email is on its way to ada@example.com. To reschedule: https://r To cancel: https://c",
    );
  });

  it('says why a booking failed', () => {
    const taken = bookingOutcomeText(
      { ...booking, status: 'failed', failure: { code: 'slot_unavailable', message: 'x' } },
      NOW,
    );
    expect(taken).toContain('that time was no longer available');
    const rejected = bookingOutcomeText(
      { ...booking, status: 'failed', failure: { code: 'booking_rejected', message: 'x' } },
      NOW,
    );
    expect(rejected).toContain('did not accept it');
  });
});

describe('retryDelaySeconds', () => {
  it('doubles from 15 seconds and stops at the 15 minutes SQS allows', () => {
    expect([1, 2, 3, 4, 10].map(retryDelaySeconds)).toEqual([15, 30, 60, 120, 900]);
  });
});
