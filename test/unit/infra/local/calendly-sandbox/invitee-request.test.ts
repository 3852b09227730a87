import { describe, expect, it } from 'vitest';
import { SandboxApiError } from '../../../../../infra/local/calendly-sandbox/errors.ts';
import {
  checkAnswers,
  parseCreateInviteeBody,
  resolveLocation,
} from '../../../../../infra/local/calendly-sandbox/invitee-request.ts';
import { seedEventTypes, seedUser } from '../../../../../infra/local/calendly-sandbox/seed.ts';

const user = seedUser('http://sandbox.test', 'America/New_York');
const [consultation, cleaning, whitening] = seedEventTypes('http://sandbox.test', user);
if (!consultation || !cleaning || !whitening) throw new Error('seed changed');

function rejection(action: () => unknown): SandboxApiError {
  try {
    action();
  } catch (error) {
    if (error instanceof SandboxApiError) return error;
    throw error;
  }
  throw new Error('expected a 400');
}

describe('checkAnswers', () => {
  it('rejects a booking that leaves a required question unanswered', () => {
    const error = rejection(() => checkAnswers([], whitening));
    expect(error.status).toBe(400);
    expect(error.body.details).toEqual([
      { parameter: 'questions_and_answers', message: '"Have you had whitening before?" is required' },
    ]);
  });

  it('accepts a required question answered with one of its choices', () => {
    expect(() =>
      checkAnswers([{ question: 'Have you had whitening before?', answer: 'No', position: 0 }], whitening),
    ).not.toThrow();
  });

  it('rejects an answer outside the choices and a question text that differs in case', () => {
    expect(
      rejection(() =>
        checkAnswers(
          [{ question: 'Have you had whitening before?', answer: 'Maybe', position: 0 }],
          whitening,
        ),
      ).body.details?.[0]?.message,
    ).toMatch(/not a choice/);
    expect(
      rejection(() =>
        checkAnswers([{ question: 'have you had whitening before?', answer: 'No', position: 0 }], whitening),
      ).body.details,
    ).toHaveLength(2);
  });

  it('leaves optional questions optional', () => {
    expect(() => checkAnswers([], consultation)).not.toThrow();
  });
});

describe('resolveLocation', () => {
  it('uses the first location that needs no input from the invitee when none is sent', () => {
    expect(resolveLocation(undefined, consultation)).toEqual({
      type: 'physical',
      location: '14 River Street, Springfield',
    });
  });

  it('rejects an outbound call without a valid number to dial', () => {
    const error = rejection(() =>
      resolveLocation({ kind: 'outbound_call', location: 'call me' }, consultation),
    );
    expect(error.body.details).toEqual([
      { parameter: 'location.location', message: 'must be a valid phone number' },
    ]);
  });

  it('requires a location when every configured one needs invitee input', () => {
    const phoneOnly = { ...consultation, locations: [{ kind: 'outbound_call' }] };
    expect(rejection(() => resolveLocation(undefined, phoneOnly)).body.details).toEqual([
      { parameter: 'location', message: 'is required' },
    ]);
  });

  it('rejects a location kind the event type does not offer', () => {
    expect(
      rejection(() => resolveLocation({ kind: 'outbound_call', location: '+14155550123' }, cleaning)).status,
    ).toBe(400);
  });
});

describe('parseCreateInviteeBody', () => {
  it('accepts first_name in place of name and rejects a body with neither', () => {
    const body = {
      event_type: consultation.uri,
      start_time: '2026-10-30T14:00:00Z',
      invitee: { first_name: 'Ada', email: 'ada@example.com', timezone: 'Europe/London' },
    };
    expect(parseCreateInviteeBody(body).invitee.first_name).toBe('Ada');
    const error = rejection(() =>
      parseCreateInviteeBody({ ...body, invitee: { email: 'ada@example.com', timezone: 'Europe/London' } }),
    );
    expect(error.body.details).toEqual([{ parameter: 'invitee.name', message: expect.any(String) }]);
  });

  it('rejects a text reminder number that is not a phone number', () => {
    const error = rejection(() =>
      parseCreateInviteeBody({
        event_type: consultation.uri,
        start_time: '2026-10-30T14:00:00Z',
        invitee: { name: 'Ada', email: 'ada@example.com', timezone: 'UTC', text_reminder_number: '12' },
      }),
    );
    expect(error.body.details).toEqual([
      { parameter: 'invitee.text_reminder_number', message: 'must be a valid phone number' },
    ]);
  });
});
