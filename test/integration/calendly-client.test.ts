import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CalendlySandbox,
  type CalendlySandboxOptions,
  startCalendlySandbox,
} from '../../infra/local/calendly-sandbox/server.ts';
import { CalendlyHttpError, createCalendlyClient } from '../../shared/adapters/calendly/client.ts';
import {
  AppError,
  SlotUnavailableError,
  VendorRateLimitedError,
  VendorRejectedError,
  VendorUnavailableError,
} from '../../shared/domain/errors.ts';
import type { CalendlyPort, CreateInviteeInput } from '../../shared/domain/ports.ts';

// Thursday 2026-10-29 09:00 in New York; the bookable week crosses the end of DST (Sunday 2026-11-01).
const THURSDAY_9AM_NY = Date.parse('2026-10-29T13:00:00Z');
const ZONE = 'America/New_York';

let sandbox: CalendlySandbox;
let client: CalendlyPort;
let clockMs: number;

async function start(options: CalendlySandboxOptions = {}): Promise<void> {
  await sandbox?.stop();
  clockMs = THURSDAY_9AM_NY;
  sandbox = await startCalendlySandbox({ timezone: ZONE, now: () => new Date(clockMs), ...options });
  client = createCalendlyClient({ baseUrl: sandbox.url, token: sandbox.token });
}

function booking(overrides: Partial<CreateInviteeInput> = {}): CreateInviteeInput {
  return {
    eventTypeUri: sandbox.eventTypes.consultation.uri,
    start: '2026-10-30T14:00:00.000000Z',
    invitee: { name: 'Ada Lovelace', email: 'Ada@Example.com', timezone: 'Europe/London' },
    trackingId: 'bk_01HZYX',
    ...overrides,
  };
}

/** Runs `action`, expecting it to throw, and returns the error for inspection. */
async function failure(action: () => Promise<unknown>): Promise<AppError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a failure');
}

beforeEach(async () => {
  await start();
});

afterEach(async () => {
  await sandbox.stop();
});

describe('createCalendlyClient: reads', () => {
  it('reads the current user', async () => {
    expect(await client.getCurrentUser()).toEqual({
      uri: sandbox.user.uri,
      name: 'Riverside Dental',
      timezone: ZONE,
      organizationUri: sandbox.user.organizationUri,
    });
  });

  it('lists active event types across every page', async () => {
    await start({ extraEventTypes: 120 });
    const types = await client.listEventTypes(sandbox.user.uri);
    expect(types).toHaveLength(122);
    expect(types.every((type) => type.active)).toBe(true);
    expect(types.map((type) => type.name)).not.toContain('Whitening');
    expect(sandbox.requestCount('list_event_types')).toBe(2);
    expect(types.find((type) => type.name === 'Consultation')).toEqual({
      uri: sandbox.eventTypes.consultation.uri,
      name: 'Consultation',
      slug: 'consultation',
      active: true,
      durationMinutes: 30,
      kind: 'solo',
      poolingType: null,
      locations: [{ kind: 'outbound_call' }, { kind: 'physical', location: '14 River Street, Springfield' }],
      customQuestions: [
        {
          name: 'Best number to reach you',
          type: 'phone_number',
          position: 0,
          enabled: true,
          required: false,
          answerChoices: [],
        },
      ],
      schedulingUrl: expect.stringContaining('/consultation'),
    });
  });

  it('reads every event type the spec allows, and leaves out only one it cannot use', async () => {
    // Spec-valid but unlike the seed: a fractional duration, a location without `kind`, and a group type
    // with fractional invitees_remaining; beside them, an item without a uri that no booking could use.
    const eventType = (uuid: string, extra: Record<string, unknown>) => ({
      uri: `https://api.calendly.com/event_types/${uuid}`,
      name: uuid,
      slug: uuid,
      active: true,
      scheduling_url: `https://calendly.com/x/${uuid}`,
      duration: 30,
      kind: 'solo',
      ...extra,
    });
    const pages: Record<string, unknown> = {
      '/event_types': {
        collection: [
          eventType('FRACTIONAL', { duration: 22.5 }),
          eventType('NO-KIND', {
            locations: [{ location: 'somewhere' }, { kind: 'physical', location: 'Office' }],
          }),
          { name: 'broken', active: true },
        ],
        pagination: { next_page_token: null },
      },
      '/event_type_available_times': {
        collection: [
          { status: 'available', invitees_remaining: 2.5, start_time: '2026-10-30T14:00:00.000000Z' },
        ],
      },
    };
    const spec = createCalendlyClient({
      baseUrl: 'https://api.calendly.com',
      token: 't',
      fetch: async (input) =>
        new Response(JSON.stringify(pages[new URL(String(input)).pathname]), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }),
    });
    const types = await spec.listEventTypes('https://api.calendly.com/users/U');
    expect(types.map((type) => [type.name, type.durationMinutes])).toEqual([
      ['FRACTIONAL', 22.5],
      ['NO-KIND', 30],
    ]);
    expect(types[1]?.locations).toEqual([{ kind: 'physical', location: 'Office' }]);
    const times = await spec.listAvailableTimes(
      'https://api.calendly.com/event_types/FRACTIONAL',
      '2026-10-30T13:00:00Z',
      '2026-10-30T20:00:00Z',
    );
    expect(times).toHaveLength(1);
  });

  it('reads one event type by URI', async () => {
    const cleaning = await client.getEventType(sandbox.eventTypes.cleaning.uri);
    expect(cleaning).toMatchObject({ name: 'Cleaning', durationMinutes: 60, active: true });
  });

  it('lists available times verbatim in one request', async () => {
    const times = await client.listAvailableTimes(
      sandbox.eventTypes.consultation.uri,
      new Date(clockMs).toISOString(),
      new Date(clockMs + 2 * 86_400_000).toISOString(),
    );
    expect(times[0]).toEqual({ start: '2026-10-29T14:00:00.000000Z', inviteesRemaining: 1 });
    expect(times).toHaveLength(30); // Thursday after the notice (14) + Friday (16)
    expect(sandbox.requestCount('available_times')).toBe(1);
  });

  it("reads the weekdays an event type's schedule has hours on", async () => {
    const days = await client.listScheduleDays(sandbox.eventTypes.consultation.uri);
    expect(days).toEqual([{ timezone: ZONE, weekdays: [1, 2, 3, 4, 5], overrideDates: [] }]);
    expect(sandbox.requestCount('availability_schedules')).toBe(1);
  });

  it('reads schedules the spec allows, and answers "cannot tell" for one it cannot read', async () => {
    const wday = (name: string, intervals: { from: string; to: string }[]) => ({
      type: 'wday',
      wday: name,
      intervals,
    });
    const hours = [{ from: '09:00', to: '12:00' }];
    const answers: unknown[] = [
      // Two hosts; one works Saturdays and has a closed override, the other lists no Sunday rule at all.
      {
        collection: [
          {
            event_type: 'https://api.calendly.com/event_types/E',
            availability_setting: 'host',
            availability_rule: {
              timezone: 'Europe/London',
              rules: [
                wday('sunday', []),
                wday('monday', hours),
                wday('tuesday', []),
                wday('wednesday', []),
                wday('thursday', []),
                wday('friday', []),
                wday('saturday', hours),
                { type: 'date', date: '2026-12-26', intervals: [] },
              ],
            },
          },
          {
            availability_rule: {
              timezone: 'Asia/Tokyo',
              rules: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map((day) =>
                wday(day, []),
              ),
            },
          },
        ],
        pagination: { next_page_token: null },
      },
      // An entry without a zone: nothing may be skipped on its account.
      { collection: [{ availability_rule: { rules: [] } }], pagination: {} },
      { collection: [], pagination: {} },
    ];
    const spec = createCalendlyClient({
      baseUrl: 'https://api.calendly.com',
      token: 't',
      fetch: async () =>
        new Response(JSON.stringify(answers.shift()), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }),
    });
    const uri = 'https://api.calendly.com/event_types/E';
    expect(await spec.listScheduleDays(uri)).toEqual([
      { timezone: 'Europe/London', weekdays: [1, 6], overrideDates: ['2026-12-26'] },
      { timezone: 'Asia/Tokyo', weekdays: [7], overrideDates: [] },
    ]);
    expect(await spec.listScheduleDays(uri)).toBeNull();
    expect(await spec.listScheduleDays(uri)).toBeNull();
  });
});

describe('createCalendlyClient: booking and lookup', () => {
  it('creates an invitee with all six tracking keys and our id in utm_content', async () => {
    const created = await client.createInvitee(booking());
    const [stored] = sandbox.invitees();
    expect(stored?.tracking).toEqual({
      utm_campaign: null,
      utm_source: null,
      utm_medium: null,
      utm_content: 'bk_01HZYX',
      utm_term: null,
      salesforce_uuid: null,
    });
    expect(stored?.textReminderNumber).toBeNull();
    expect(stored?.location).toEqual({ type: 'physical', location: '14 River Street, Springfield' });
    expect(created).toEqual({
      inviteeUri: stored?.uri,
      eventUri: stored?.eventUri,
      cancelUrl: expect.any(String),
      rescheduleUrl: expect.any(String),
      status: 'active',
      trackingId: 'bk_01HZYX',
    });
  });

  it('sends the reminder number, location and answers only when given', async () => {
    await client.createInvitee(
      booking({
        invitee: {
          name: 'Ada',
          email: 'ada@example.com',
          timezone: ZONE,
          textReminderNumber: '+14155550123',
        },
        location: { kind: 'outbound_call', location: '+14155550123' },
        questionsAndAnswers: [{ question: 'Best number to reach you', answer: '+14155550123', position: 0 }],
      }),
    );
    const [stored] = sandbox.invitees();
    expect(stored?.textReminderNumber).toBe('+14155550123');
    expect(stored?.location).toEqual({ type: 'outbound_call', location: '+14155550123' });
  });

  it('finds a booking by tracking id, whatever the email case or time precision', async () => {
    const created = await client.createInvitee(booking());
    const found = await client.findInviteeByTracking({
      userUri: sandbox.user.uri,
      email: 'ada@EXAMPLE.com',
      start: '2026-10-30T14:00:00.000Z',
      trackingId: 'bk_01HZYX',
    });
    expect(found).toEqual(created);
    const other = await client.findInviteeByTracking({
      userUri: sandbox.user.uri,
      email: 'ada@example.com',
      start: '2026-10-30T14:00:00Z',
      trackingId: 'bk_somebody_else',
    });
    expect(other).toBeNull();
  });

  it('does not mistake a booking made elsewhere, or a canceled one, for ours', async () => {
    sandbox.bookElsewhere(sandbox.eventTypes.consultation.uri, '2026-10-30T15:00:00Z');
    const walkIn = sandbox.invitees()[0];
    const query = { userUri: sandbox.user.uri, start: '2026-10-30T15:00:00Z', trackingId: 'bk_01HZYX' };
    expect(await client.findInviteeByTracking({ ...query, email: walkIn?.email ?? '' })).toBeNull();

    const created = await client.createInvitee(booking());
    const eventUuid = created.eventUri.split('/').pop();
    const cancel = await fetch(`${sandbox.url}/scheduled_events/${eventUuid}/cancellation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.token}` },
    });
    expect(cancel.status).toBe(201);
    expect(
      await client.findInviteeByTracking({
        ...query,
        email: 'ada@example.com',
        start: '2026-10-30T14:00:00Z',
      }),
    ).toBeNull();
  });

  it('recovers a booking whose response was lost, instead of booking twice', async () => {
    sandbox.injectFault({ endpoint: 'create_invitee', status: 'drop', afterCommit: true });
    const lost = await failure(() => client.createInvitee(booking()));
    expect(lost).toBeInstanceOf(VendorUnavailableError);
    const found = await client.findInviteeByTracking({
      userUri: sandbox.user.uri,
      email: 'ada@example.com',
      start: '2026-10-30T14:00:00.000000Z',
      trackingId: 'bk_01HZYX',
    });
    expect(found?.trackingId).toBe('bk_01HZYX');
    expect(
      sandbox.activeInviteesAt(sandbox.eventTypes.consultation.uri, '2026-10-30T14:00:00Z'),
    ).toHaveLength(1);
  });
});

describe('createCalendlyClient: error mapping', () => {
  it('cancels an event, and hears a second cancel and one in the past as what they are', async () => {
    const created = await client.createInvitee(booking());
    expect(await client.cancelEvent(created.eventUri, 'Canceled by the caller over the phone.')).toBe(
      'canceled',
    );
    expect(sandbox.invitees().find((invitee) => invitee.uri === created.inviteeUri)?.status).toBe('canceled');
    expect(await client.cancelEvent(created.eventUri, 'again')).toBe('already_canceled');

    const later = await client.createInvitee(booking({ start: '2026-10-30T16:00:00.000000Z' }));
    clockMs = Date.parse('2026-10-30T16:30:00Z');
    expect(await client.cancelEvent(later.eventUri, 'too late')).toBe('in_past');
    expect(sandbox.invitees().find((invitee) => invitee.uri === later.inviteeUri)?.status).toBe('active');
  });

  it('finds upcoming active appointments by email, soonest first, with the name each is under', async () => {
    const late = await client.createInvitee(booking({ start: '2026-10-30T18:00:00.000000Z' }));
    const early = await client.createInvitee(booking({ start: '2026-10-30T14:00:00.000000Z' }));
    const gone = await client.createInvitee(booking({ start: '2026-10-30T16:00:00.000000Z' }));
    await client.cancelEvent(gone.eventUri, 'x');
    await client.createInvitee(
      booking({
        start: '2026-10-30T20:00:00.000000Z',
        invitee: { name: 'Someone Else', email: 'someone@example.com', timezone: ZONE },
      }),
    );
    const found = await client.findUpcomingByEmail({
      userUri: sandbox.user.uri,
      email: 'ada@example.com',
      after: new Date(clockMs).toISOString(),
      limit: 5,
    });
    expect(found.map((appointment) => appointment.inviteeUri)).toEqual([early.inviteeUri, late.inviteeUri]);
    expect(found[0]).toMatchObject({
      eventUri: early.eventUri,
      eventTypeUri: sandbox.eventTypes.consultation.uri,
      start: '2026-10-30T14:00:00.000Z',
      name: 'Ada Lovelace',
      bookingId: 'bk_01HZYX',
    });
    const one = await client.findUpcomingByEmail({
      userUri: sandbox.user.uri,
      email: 'ada@example.com',
      after: new Date(clockMs).toISOString(),
      limit: 1,
    });
    expect(one).toHaveLength(1);
  });

  it('maps 401 to VendorUnavailableError without the token in the message', async () => {
    const token = 'wrong-token-d41d8cd98f00b204';
    const wrong = createCalendlyClient({ baseUrl: sandbox.url, token });
    const error = await failure(() => wrong.getCurrentUser());
    expect(error).toBeInstanceOf(VendorUnavailableError);
    expect((error as VendorUnavailableError).status).toBe(401);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/CALENDLY_API_TOKEN/);
    expect(error.message).not.toContain(token);
    expect(error.cause).toBeInstanceOf(CalendlyHttpError);
    expect(String((error.cause as Error).message)).not.toContain(token);
  });

  it('maps 429 to VendorRateLimitedError with X-RateLimit-Reset as the wait', async () => {
    sandbox.injectFault({ endpoint: 'available_times', status: 429, resetSeconds: 17 });
    const error = await failure(() =>
      client.listAvailableTimes(
        sandbox.eventTypes.consultation.uri,
        new Date(clockMs).toISOString(),
        new Date(clockMs + 86_400_000).toISOString(),
      ),
    );
    expect(error).toBeInstanceOf(VendorRateLimitedError);
    expect((error as VendorRateLimitedError).retryAfterSeconds).toBe(17);
    expect(error.cause).toBeInstanceOf(CalendlyHttpError);
    expect(sandbox.requestCount('available_times')).toBe(1);
  });

  it('maps a real create-invitee limit to VendorRateLimitedError', async () => {
    await start({ inviteeRateLimit: { perMinute: 1 } });
    await client.createInvitee(booking());
    clockMs += 20_000;
    const error = await failure(() => client.createInvitee(booking({ start: '2026-10-30T16:00:00Z' })));
    expect(error).toBeInstanceOf(VendorRateLimitedError);
    expect((error as VendorRateLimitedError).retryAfterSeconds).toBe(40);
  });

  it('retries a GET once after a 500 and succeeds', async () => {
    sandbox.injectFault({ endpoint: 'get_user', status: 500 });
    expect((await client.getCurrentUser()).uri).toBe(sandbox.user.uri);
    expect(sandbox.requestCount('get_user')).toBe(2);
  });

  it('retries a GET once after a dropped connection and succeeds', async () => {
    sandbox.injectFault({ endpoint: 'get_event_type', status: 'drop' });
    expect((await client.getEventType(sandbox.eventTypes.cleaning.uri)).name).toBe('Cleaning');
    expect(sandbox.requestCount('get_event_type')).toBe(2);
  });

  it('gives up on a GET after the second 5xx', async () => {
    sandbox.injectFault({ endpoint: 'get_user', status: 502, times: 2 });
    const error = await failure(() => client.getCurrentUser());
    expect(error).toBeInstanceOf(VendorUnavailableError);
    expect((error as VendorUnavailableError).status).toBe(502);
    expect(sandbox.requestCount('get_user')).toBe(2);
  });

  it('never retries POST /invitees: a 500 is one request and no booking', async () => {
    sandbox.injectFault({ endpoint: 'create_invitee', status: 500 });
    const error = await failure(() => client.createInvitee(booking()));
    expect(error).toBeInstanceOf(VendorUnavailableError);
    expect((error as VendorUnavailableError).status).toBe(500);
    expect(sandbox.requestCount('create_invitee')).toBe(1);
    expect(sandbox.invitees()).toHaveLength(0);
  });

  it('maps a timeout to VendorUnavailableError', async () => {
    sandbox.setLatency(1000, 'get_user');
    const impatient = createCalendlyClient({ baseUrl: sandbox.url, token: sandbox.token, timeoutMs: 100 });
    const started = performance.now();
    const error = await failure(() => impatient.getCurrentUser());
    expect(error).toBeInstanceOf(VendorUnavailableError);
    expect(error.message).toMatch(/within 100 ms/);
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('maps "start_time is not available" to SlotUnavailableError', async () => {
    sandbox.bookElsewhere(sandbox.eventTypes.consultation.uri, '2026-10-30T14:00:00Z');
    const error = await failure(() => client.createInvitee(booking()));
    expect(error).toBeInstanceOf(SlotUnavailableError);
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain('Ada@Example.com');
  });

  it.each([
    [
      'the detail code a known client reads',
      { parameter: 'start_time', message: 'is invalid', code: 'already_filled' },
    ],
    ['"already filled" wording', { parameter: 'start_time', message: 'This spot has already been filled' }],
  ])('maps a 400 carrying %s to SlotUnavailableError', async (_label, detail) => {
    sandbox.injectFault({
      endpoint: 'create_invitee',
      status: 400,
      body: { title: 'Invalid Argument', message: 'The supplied parameters are invalid.', details: [detail] },
    });
    expect(await failure(() => client.createInvitee(booking()))).toBeInstanceOf(SlotUnavailableError);
  });

  it('maps other 4xx answers to VendorRejectedError', async () => {
    const badLocation = await failure(() =>
      client.createInvitee(booking({ location: { kind: 'zoom_conference' } })),
    );
    expect(badLocation).toBeInstanceOf(VendorRejectedError);
    expect((badLocation as VendorRejectedError).status).toBe(400);
    expect(badLocation.message).toContain('location.kind');

    const unknown = await failure(() =>
      client.getEventType(`${sandbox.url}/event_types/00000000-0000-4000-8000-00000000ffff`),
    );
    expect(unknown).toBeInstanceOf(VendorRejectedError);
    expect((unknown as VendorRejectedError).status).toBe(404);
  });

  it('maps an unreachable Calendly to VendorUnavailableError', async () => {
    const url = sandbox.url;
    await sandbox.stop();
    const error = await failure(() => createCalendlyClient({ baseUrl: url, token: 't' }).getCurrentUser());
    expect(error).toBeInstanceOf(VendorUnavailableError);
  });
});
