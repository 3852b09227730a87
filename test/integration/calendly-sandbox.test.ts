import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CalendlySandbox,
  type CalendlySandboxOptions,
  startCalendlySandbox,
} from '../../infra/local/calendly-sandbox/server.ts';

// Thursday 2026-10-29 09:00 in New York (EDT, UTC-4). DST ends Sunday 2026-11-01, so the bookable week
// spans both offsets: 09:00 local is 13:00Z before the change and 14:00Z after it.
const THURSDAY_9AM_NY = Date.parse('2026-10-29T13:00:00Z');
const ZONE = 'America/New_York';
const CALENDLY_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions walk Calendly's JSON freely
  body: any;
}

let sandbox: CalendlySandbox;
let clockMs: number;

async function start(options: CalendlySandboxOptions = {}): Promise<void> {
  await sandbox?.stop();
  clockMs = THURSDAY_9AM_NY;
  sandbox = await startCalendlySandbox({ timezone: ZONE, now: () => new Date(clockMs), ...options });
}

async function call(method: string, path: string, body?: unknown, token = sandbox.token): Promise<Reply> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const get = (path: string, query: Record<string, string> = {}): Promise<Reply> =>
  call('GET', `${path}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`);

async function availability(eventTypeUri: string, fromMs = clockMs, toMs = fromMs + 7 * 86_400_000) {
  const reply = await get('/event_type_available_times', {
    event_type: eventTypeUri,
    start_time: new Date(fromMs).toISOString(),
    end_time: new Date(toMs).toISOString(),
  });
  expect(reply.status).toBe(200);
  return (reply.body.collection as { start_time: string }[]).map((slot) => slot.start_time);
}

function invitee(eventTypeUri: string, start: string, extra: Record<string, unknown> = {}) {
  return {
    event_type: eventTypeUri,
    start_time: start,
    invitee: { name: 'Ada Lovelace', email: 'ada@example.com', timezone: ZONE },
    ...extra,
  };
}

const perLocalDay = (starts: string[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const start of starts) {
    const day = DateTime.fromISO(start, { zone: ZONE }).toISODate() ?? 'invalid';
    counts[day] = (counts[day] ?? 0) + 1;
  }
  return counts;
};

beforeEach(async () => {
  await start();
});

afterEach(async () => {
  await sandbox.stop();
});

describe('Calendly sandbox: authentication and errors', () => {
  it('rejects a request without the bearer token in Calendly error shape, with rate-limit headers', async () => {
    const reply = await call('GET', '/users/me', undefined, '');
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ title: 'Unauthenticated', message: expect.any(String) });
    expect(reply.headers.get('x-ratelimit-limit')).toBe('500');
    expect((await call('GET', '/users/me', undefined, 'wrong-token')).status).toBe(401);
  });

  it('answers an unknown path with Calendly 404 body', async () => {
    const reply = await get('/nothing/here');
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({
      title: 'Resource Not Found',
      message: 'The server could not find the requested resource.',
    });
  });

  it('carries X-RateLimit headers on every answer and counts down', async () => {
    const first = await get('/users/me');
    const second = await get('/users/me');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('499');
    expect(second.headers.get('x-ratelimit-remaining')).toBe('498');
    expect(second.headers.get('x-ratelimit-reset')).toBe('60');
  });
});

describe('Calendly sandbox: users and event types', () => {
  it('serves the seeded user with its IANA zone and organization', async () => {
    const me = await get('/users/me');
    expect(me.body.resource).toMatchObject({
      uri: sandbox.user.uri,
      name: 'Riverside Dental',
      timezone: ZONE,
      current_organization: sandbox.user.organizationUri,
      resource_type: 'User',
      locale: 'en',
    });
    const byId = await get(`/users/${sandbox.user.uri.split('/').pop()}`);
    expect(byId.body.resource.uri).toBe(sandbox.user.uri);
    expect((await get('/users/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('pages through active event types with count and page_token', async () => {
    const first = await get('/event_types', { user: sandbox.user.uri, active: 'true', count: '1' });
    expect(first.body.collection.map((type: { name: string }) => type.name)).toEqual(['Cleaning']);
    expect(first.body.pagination).toMatchObject({ count: 1, previous_page: null, previous_page_token: null });
    const token = first.body.pagination.next_page_token;
    expect(token).toEqual(expect.any(String));
    expect(new URL(first.body.pagination.next_page).searchParams.get('page_token')).toBe(token);

    const second = await get('/event_types', {
      user: sandbox.user.uri,
      active: 'true',
      count: '1',
      page_token: token,
    });
    expect(second.body.collection.map((type: { name: string }) => type.name)).toEqual(['Consultation']);
    expect(second.body.pagination).toMatchObject({ next_page: null, next_page_token: null });
  });

  it('filters on active and lists inactive ones when asked', async () => {
    const all = await get('/event_types', { organization: sandbox.user.organizationUri });
    expect(all.body.collection).toHaveLength(3);
    const inactive = await get('/event_types', { user: sandbox.user.uri, active: 'false' });
    expect(inactive.body.collection.map((type: { name: string }) => type.name)).toEqual(['Whitening']);
    expect((await get('/event_types')).status).toBe(400);
  });

  it('describes an event type with the full Calendly shape', async () => {
    const reply = await get(`/event_types/${sandbox.eventTypes.consultation.uri.split('/').pop()}`);
    expect(reply.body.resource).toMatchObject({
      uri: sandbox.eventTypes.consultation.uri,
      name: 'Consultation',
      active: true,
      duration: 30,
      kind: 'solo',
      pooling_type: null,
      type: 'StandardEventType',
      booking_method: 'instant',
      profile: { type: 'User', owner: sandbox.user.uri },
      deleted_at: null,
    });
    expect(reply.body.resource.locations.map((location: { kind: string }) => location.kind)).toEqual([
      'outbound_call',
      'physical',
    ]);
    expect(reply.body.resource.custom_questions[0]).toMatchObject({ type: 'phone_number', required: false });
  });
});

describe('Calendly sandbox: availability from rules', () => {
  it('offers weekdays 09:00-17:00 local only, after the minimum notice, across the DST change', async () => {
    const starts = await availability(sandbox.eventTypes.consultation.uri);
    expect(starts.every((start) => CALENDLY_TIME.test(start))).toBe(true);
    // Thursday loses 09:00 and 09:30 to the 60-minute notice; no weekend; the horizon ends Thursday 09:00.
    expect(perLocalDay(starts)).toEqual({
      '2026-10-29': 14,
      '2026-10-30': 16,
      '2026-11-02': 16,
      '2026-11-03': 16,
      '2026-11-04': 16,
    });
    expect(starts[0]).toBe('2026-10-29T14:00:00.000000Z');
    expect(starts).toContain('2026-10-30T13:00:00.000000Z'); // Friday 09:00 EDT
    expect(starts).not.toContain('2026-11-02T13:30:00.000000Z'); // Monday 08:30 EST
    expect(starts).toContain('2026-11-02T14:00:00.000000Z'); // Monday 09:00 EST
    expect(starts.at(-1)).toBe('2026-11-04T21:30:00.000000Z'); // Wednesday 16:30 EST
  });

  it('keeps a whole event inside opening hours', async () => {
    const starts = await availability(sandbox.eventTypes.cleaning.uri);
    const friday = starts.filter((start) => start.startsWith('2026-10-30'));
    expect(friday[0]).toBe('2026-10-30T13:00:00.000000Z');
    expect(friday.at(-1)).toBe('2026-10-30T20:00:00.000000Z'); // 16:00 EDT, ends at closing
    expect(perLocalDay(starts)['2026-11-02']).toBe(15);
  });

  it('is deterministic under a pinned clock and moves when the clock moves', async () => {
    const before = await availability(sandbox.eventTypes.consultation.uri);
    expect(await availability(sandbox.eventTypes.consultation.uri)).toEqual(before);
    clockMs = Date.parse('2026-10-31T16:00:00Z'); // Saturday noon
    const weekend = await availability(sandbox.eventTypes.consultation.uri);
    expect(weekend[0]).toBe('2026-11-02T14:00:00.000000Z');
  });

  it('rejects a past start_time, an end before the start and a range over 31 days', async () => {
    const uri = sandbox.eventTypes.consultation.uri;
    const ask = (startMs: number, endMs: number) =>
      get('/event_type_available_times', {
        event_type: uri,
        start_time: new Date(startMs).toISOString(),
        end_time: new Date(endMs).toISOString(),
      });
    const past = await ask(clockMs - 60_000, clockMs + 86_400_000);
    expect(past.status).toBe(400);
    expect(past.body).toMatchObject({ title: expect.any(String), message: expect.any(String) });
    expect(past.body.details).toEqual([{ parameter: 'start_time', message: expect.any(String) }]);
    const backwards = await ask(clockMs + 86_400_000, clockMs + 3_600_000);
    expect(backwards.status).toBe(400);
    expect(backwards.body.details[0].parameter).toBe('end_time');
    const tooLong = await ask(clockMs, clockMs + 32 * 86_400_000);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.details[0].parameter).toBe('end_time');
    expect((await ask(clockMs, clockMs + 31 * 86_400_000)).status).toBe(200);
    const missing = await get('/event_type_available_times', { event_type: uri });
    expect(missing.body.details[0]).toEqual({ parameter: 'start_time', message: 'is required' });
  });
});

describe('Calendly sandbox: booking', () => {
  it('books a slot and removes it, and overlapping starts of other event types, from availability', async () => {
    const { consultation, cleaning } = sandbox.eventTypes;
    const tracking = {
      utm_campaign: null,
      utm_source: null,
      utm_medium: null,
      utm_content: 'booking-1',
      utm_term: null,
      salesforce_uuid: null,
    };
    const reply = await call(
      'POST',
      '/invitees',
      invitee(consultation.uri, '2026-10-30T14:00:00Z', { tracking }),
    );
    expect(reply.status).toBe(201);
    expect(reply.body.resource).toMatchObject({
      uri: expect.stringMatching(/\/scheduled_events\/[^/]+\/invitees\/[^/]+$/),
      event: expect.stringContaining('/scheduled_events/'),
      email: 'ada@example.com',
      status: 'active',
      tracking,
      scheduling_method: 'api',
      cancel_url: expect.any(String),
      reschedule_url: expect.any(String),
      rescheduled: false,
    });
    const event = await get(`/scheduled_events/${reply.body.resource.event.split('/').pop()}`);
    expect(event.body.resource).toMatchObject({
      status: 'active',
      start_time: '2026-10-30T14:00:00.000000Z',
      end_time: '2026-10-30T14:30:00.000000Z',
      event_type: consultation.uri,
      invitees_counter: { total: 1, active: 1, limit: 1 },
      location: { type: 'physical' },
      calendar_event: { kind: 'google', external_id: expect.any(String) },
    });
    // Typed as an optional string in the spec: absent, never null.
    expect(event.body.resource).not.toHaveProperty('meeting_notes_html');

    const consultations = await availability(consultation.uri);
    expect(consultations).not.toContain('2026-10-30T14:00:00.000000Z');
    expect(consultations).toContain('2026-10-30T13:30:00.000000Z');
    expect(consultations).toContain('2026-10-30T14:30:00.000000Z');
    // A 60-minute cleaning at 09:30 or 10:00 would overlap the 10:00-10:30 consultation.
    const cleanings = await availability(cleaning.uri);
    expect(cleanings).not.toContain('2026-10-30T13:30:00.000000Z');
    expect(cleanings).not.toContain('2026-10-30T14:00:00.000000Z');
    expect(cleanings).toContain('2026-10-30T13:00:00.000000Z');
    expect(cleanings).toContain('2026-10-30T14:30:00.000000Z');
  });

  it('refuses a second invitee on a taken slot with start_time "is not available"', async () => {
    const uri = sandbox.eventTypes.consultation.uri;
    expect((await call('POST', '/invitees', invitee(uri, '2026-10-30T14:00:00.000000Z'))).status).toBe(201);
    const second = await call('POST', '/invitees', invitee(uri, '2026-10-30T14:00:00Z'));
    expect(second.status).toBe(400);
    expect(second.body.details).toEqual([{ parameter: 'start_time', message: 'is not available' }]);
    expect(sandbox.activeInviteesAt(uri, '2026-10-30T14:00:00.000Z')).toHaveLength(1);
  });

  it('lets exactly one of several concurrent requests for one slot through', async () => {
    const uri = sandbox.eventTypes.cleaning.uri;
    const replies = await Promise.all(
      Array.from({ length: 8 }, () => call('POST', '/invitees', invitee(uri, '2026-11-03T15:00:00Z'))),
    );
    expect(replies.map((reply) => reply.status).sort()).toEqual([201, 400, 400, 400, 400, 400, 400, 400]);
    expect(sandbox.activeInviteesAt(uri, '2026-11-03T15:00:00Z')).toHaveLength(1);
  });

  it('refuses times outside the rules: weekend, inside the notice, off the 30-minute grid', async () => {
    const uri = sandbox.eventTypes.consultation.uri;
    for (const start of ['2026-10-31T14:00:00Z', '2026-10-29T13:30:00Z', '2026-10-30T14:10:00Z']) {
      const reply = await call('POST', '/invitees', invitee(uri, start));
      expect(reply.status).toBe(400);
      expect(reply.body.details[0]).toEqual({ parameter: 'start_time', message: 'is not available' });
    }
    expect(sandbox.invitees()).toHaveLength(0);
  });

  it('validates the request body like Calendly, naming each bad parameter', async () => {
    const uri = sandbox.eventTypes.consultation.uri;
    const noEmail = await call('POST', '/invitees', {
      event_type: uri,
      start_time: '2026-10-30T14:00:00Z',
      invitee: { name: 'Ada', timezone: ZONE },
    });
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.details).toContainEqual({ parameter: 'invitee.email', message: 'is required' });

    const partialTracking = await call(
      'POST',
      '/invitees',
      invitee(uri, '2026-10-30T14:00:00Z', { tracking: { utm_content: 'x' } }),
    );
    expect(partialTracking.status).toBe(400);
    expect(partialTracking.body.details).toContainEqual({
      parameter: 'tracking.utm_source',
      message: 'is required',
    });

    const zoom = await call(
      'POST',
      '/invitees',
      invitee(uri, '2026-10-30T14:00:00Z', { location: { kind: 'zoom_conference' } }),
    );
    expect(zoom.body.details).toEqual([{ parameter: 'location.kind', message: expect.any(String) }]);

    const noNumber = await call(
      'POST',
      '/invitees',
      invitee(uri, '2026-10-30T14:00:00Z', { location: { kind: 'outbound_call' } }),
    );
    expect(noNumber.body.details).toEqual([{ parameter: 'location.location', message: 'is required' }]);

    const unknownType = await call(
      'POST',
      '/invitees',
      invitee(`${sandbox.url}/event_types/nope`, '2026-10-30T14:00:00Z'),
    );
    expect(unknownType.status).toBe(404);
    const inactive = await call(
      'POST',
      '/invitees',
      invitee(sandbox.eventTypes.inactive.uri, '2026-10-30T14:00:00Z'),
    );
    expect(inactive.status).toBe(400);
    expect(sandbox.invitees()).toHaveLength(0);
  });

  it('books an outbound call to the number given as location and keeps the reminder number', async () => {
    const reply = await call(
      'POST',
      '/invitees',
      invitee(sandbox.eventTypes.consultation.uri, '2026-10-30T15:00:00Z', {
        location: { kind: 'outbound_call', location: '+14155550123' },
        invitee: {
          name: 'Ada',
          email: 'ada@example.com',
          timezone: ZONE,
          text_reminder_number: '+14155550123',
        },
        questions_and_answers: [
          { question: 'Best number to reach you', answer: '+14155550123', position: 0 },
        ],
      }),
    );
    expect(reply.status).toBe(201);
    expect(reply.body.resource.text_reminder_number).toBe('+14155550123');
    expect(sandbox.invitees()[0]?.location).toEqual({ type: 'outbound_call', location: '+14155550123' });
  });

  it("hides a slot booked on Calendly's own page and refuses it to the API", async () => {
    const uri = sandbox.eventTypes.consultation.uri;
    const walkIn = sandbox.bookElsewhere(uri, '2026-11-02T15:00:00Z');
    expect(walkIn.schedulingMethod).toBeNull();
    expect(await availability(uri)).not.toContain('2026-11-02T15:00:00.000000Z');
    const reply = await call('POST', '/invitees', invitee(uri, '2026-11-02T15:00:00.000000Z'));
    expect(reply.status).toBe(400);
    expect(reply.body.details[0].message).toBe('is not available');
  });

  it('cancels an event once, frees its time, and answers 403 on a repeat', async () => {
    const uri = sandbox.eventTypes.consultation.uri;
    const booked = await call('POST', '/invitees', invitee(uri, '2026-10-30T14:00:00Z'));
    const eventUuid = booked.body.resource.event.split('/').pop();
    const cancel = await call('POST', `/scheduled_events/${eventUuid}/cancellation`, {
      reason: 'caller asked',
    });
    expect(cancel.status).toBe(201);
    expect(cancel.body.resource).toMatchObject({ reason: 'caller asked', canceler_type: 'host' });
    const again = await call('POST', `/scheduled_events/${eventUuid}/cancellation`, {});
    expect(again.status).toBe(403);
    expect(again.body).toEqual({ title: 'Permission Denied', message: 'Event is already canceled' });
    expect(await availability(uri)).toContain('2026-10-30T14:00:00.000000Z');
    const inviteeUuid = booked.body.resource.uri.split('/').pop();
    const read = await get(`/scheduled_events/${eventUuid}/invitees/${inviteeUuid}`);
    expect(read.body.resource).toMatchObject({
      status: 'canceled',
      cancellation: { reason: 'caller asked' },
    });
  });

  it('filters scheduled events and their invitees by email, window and status', async () => {
    const uri = sandbox.eventTypes.consultation.uri;
    await call('POST', '/invitees', invitee(uri, '2026-10-30T14:00:00Z'));
    await call('POST', '/invitees', {
      ...invitee(uri, '2026-10-30T16:00:00Z'),
      invitee: { name: 'Bob', email: 'bob@example.com', timezone: ZONE },
    });
    const byEmail = await get('/scheduled_events', {
      user: sandbox.user.uri,
      invitee_email: 'ADA@example.com',
      min_start_time: '2026-10-30T13:59:00.000000Z',
      max_start_time: '2026-10-30T14:01:00.000000Z',
      status: 'active',
    });
    expect(byEmail.body.collection.map((event: { start_time: string }) => event.start_time)).toEqual([
      '2026-10-30T14:00:00.000000Z',
    ]);
    // Calendly does not say the bounds are inclusive; the sandbox reads both strictly.
    const onTheBound = await get('/scheduled_events', {
      user: sandbox.user.uri,
      min_start_time: '2026-10-30T14:00:00.000000Z',
      max_start_time: '2026-10-30T16:00:00.000000Z',
    });
    expect(onTheBound.body.collection).toEqual([]);
    const canceled = await get('/scheduled_events', { user: sandbox.user.uri, status: 'canceled' });
    expect(canceled.body.collection).toEqual([]);
    const eventUuid = byEmail.body.collection[0].uri.split('/').pop();
    const invitees = await get(`/scheduled_events/${eventUuid}/invitees`, {
      email: 'ada@EXAMPLE.com',
      status: 'active',
    });
    expect(invitees.body.collection).toHaveLength(1);
    expect(invitees.body.pagination.next_page_token).toBeNull();
  });
});

describe('Calendly sandbox: rate limits, faults and latency', () => {
  it('answers 429 with Remaining 0 over the global limit, until the window passes', async () => {
    await start({ rateLimitPerMinute: 2 });
    expect((await get('/users/me')).status).toBe(200);
    expect((await get('/users/me')).status).toBe(200);
    const limited = await get('/users/me');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ title: expect.any(String), message: expect.any(String) });
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    clockMs += 45_000;
    expect((await get('/users/me')).headers.get('x-ratelimit-reset')).toBe('15');
    clockMs += 15_000;
    expect((await get('/users/me')).status).toBe(200);
  });

  it('limits POST /invitees separately when inviteeRateLimit is set', async () => {
    await start({ inviteeRateLimit: { perMinute: 1 } });
    const uri = sandbox.eventTypes.consultation.uri;
    expect((await call('POST', '/invitees', invitee(uri, '2026-10-30T14:00:00Z'))).status).toBe(201);
    const second = await call('POST', '/invitees', invitee(uri, '2026-10-30T15:00:00Z'));
    expect(second.status).toBe(429);
    expect(second.headers.get('x-ratelimit-limit')).toBe('1');
    expect(second.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await get('/users/me')).status).toBe(200);
    expect(sandbox.invitees()).toHaveLength(1);
  });

  it('injects faults for a number of requests, in Calendly shapes', async () => {
    sandbox.injectFault({ endpoint: 'get_user', status: 503, times: 2 });
    sandbox.injectFault({ endpoint: 'any', status: 429, resetSeconds: 7 });
    expect((await get('/users/me')).status).toBe(503);
    const second = await get('/users/me');
    expect(second.status).toBe(503);
    expect(second.body).toEqual({ title: 'Service Unavailable', message: expect.any(String) });
    const limited = await get('/event_types', { user: sandbox.user.uri });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-reset')).toBe('7');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await get('/users/me')).status).toBe(200);
    expect(sandbox.requests().map((request) => request.status)).toEqual([503, 503, 429, 200]);
    expect(sandbox.requestCount('get_user')).toBe(3);
  });

  it('answers a booking late but whole (slow), and lists every fault that fired', async () => {
    sandbox.injectFault({ endpoint: 'create_invitee', status: 'slow', delayMs: 400 });
    sandbox.injectFault({ endpoint: 'available_times', status: 503, times: 5 });
    const uri = sandbox.eventTypes.consultation.uri;
    const sent = performance.now();
    const pending = call('POST', '/invitees', invitee(uri, '2026-10-30T14:00:00Z'));
    // Booked at once; only the answer waits.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sandbox.activeInviteesAt(uri, '2026-10-30T14:00:00Z')).toHaveLength(1);
    const reply = await pending;
    expect(reply.status).toBe(201);
    expect(performance.now() - sent).toBeGreaterThanOrEqual(390);
    expect(
      (await get('/event_type_available_times', { event_type: uri, start_time: 'x', end_time: 'y' })).status,
    ).toBe(503);
    expect(sandbox.firedFaults().map(({ endpoint, status }) => ({ endpoint, status }))).toEqual([
      { endpoint: 'create_invitee', status: 'slow' },
      { endpoint: 'available_times', status: 503 },
    ]);
  });

  it('can lose the answer of a booking that went through (afterCommit)', async () => {
    sandbox.injectFault({ endpoint: 'create_invitee', status: 500, afterCommit: true });
    const uri = sandbox.eventTypes.consultation.uri;
    const reply = await call('POST', '/invitees', invitee(uri, '2026-10-30T14:00:00Z'));
    expect(reply.status).toBe(500);
    expect(sandbox.activeInviteesAt(uri, '2026-10-30T14:00:00Z')).toHaveLength(1);
  });

  it('delays answers per endpoint', async () => {
    sandbox.setLatency(150, 'get_user');
    const started = performance.now();
    await get('/users/me');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    const quick = performance.now();
    await get('/event_types', { user: sandbox.user.uri });
    expect(performance.now() - quick).toBeLessThan(140);
  });

  it('is driven over HTTP through /__sandbox without touching the API log', async () => {
    const control = (method: string, path: string, body?: unknown) =>
      call(method, `/__sandbox/${path}`, body, '');
    expect((await control('POST', 'faults', { endpoint: 'get_user', status: 500 })).status).toBe(201);
    expect((await control('POST', 'faults', { endpoint: 'nope', status: 500 })).status).toBe(400);
    expect((await get('/users/me')).status).toBe(500);
    const booked = await control('POST', 'book-elsewhere', {
      event_type: sandbox.eventTypes.cleaning.uri,
      start_time: '2026-11-03T14:00:00Z',
    });
    expect(booked.status).toBe(201);
    const state = await control('GET', 'state');
    expect(state.body.invitees).toHaveLength(1);
    expect(state.body.scheduled_events[0].start_time).toBe('2026-11-03T14:00:00.000000Z');
    expect(state.body.requests).toEqual([expect.objectContaining({ path: '/users/me', status: 500 })]);
    expect(sandbox.requestCount()).toBe(1);
  });
});

describe('Calendly sandbox: webhooks', () => {
  interface Received {
    headers: IncomingHttpHeaders;
    raw: string;
  }
  let receiver: Server;
  let receiverUrl: string;
  let received: Received[];

  beforeEach(async () => {
    received = [];
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, raw: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/calendly/webhook`;
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  const subscribe = (url: string, signingKey?: string) =>
    call('POST', '/webhook_subscriptions', {
      url,
      events: ['invitee.created', 'invitee.canceled'],
      organization: sandbox.user.organizationUri,
      user: sandbox.user.uri,
      scope: 'user',
      ...(signingKey ? { signing_key: signingKey } : {}),
    });

  const verify = (message: Received, key: string) => {
    const header = String(message.headers['calendly-webhook-signature']);
    const parts = Object.fromEntries(header.split(',').map((part) => part.split('=') as [string, string]));
    const expected = createHmac('sha256', key).update(`${parts.t}.${message.raw}`).digest('hex');
    return { valid: parts.v1 === expected, t: Number(parts.t) };
  };

  it('delivers signed invitee.created and invitee.canceled to a subscription', async () => {
    const key = 'test-signing-key-0123456789';
    const created = await subscribe(receiverUrl, key);
    expect(created.status).toBe(201);
    expect(created.body.resource).toMatchObject({
      callback_url: receiverUrl,
      state: 'active',
      scope: 'user',
      user: sandbox.user.uri,
      organization: sandbox.user.organizationUri,
    });
    expect(created.body.resource).not.toHaveProperty('signing_key');

    const tracking = {
      utm_campaign: null,
      utm_source: null,
      utm_medium: null,
      utm_content: 'booking-42',
      utm_term: null,
      salesforce_uuid: null,
    };
    const booked = await call(
      'POST',
      '/invitees',
      invitee(sandbox.eventTypes.consultation.uri, '2026-10-30T14:00:00Z', { tracking }),
    );
    await sandbox.settleWebhooks();
    expect(received).toHaveLength(1);
    const [first] = received;
    if (!first) throw new Error('no webhook');
    expect(verify(first, key)).toEqual({ valid: true, t: Math.floor(clockMs / 1000) });
    expect(verify(first, 'another-key-0123456789').valid).toBe(false);
    const payload = JSON.parse(first.raw);
    expect(payload).toMatchObject({
      event: 'invitee.created',
      created_by: sandbox.user.uri,
      payload: {
        uri: booked.body.resource.uri,
        event: booked.body.resource.event,
        status: 'active',
        tracking,
        scheduled_event: { uri: booked.body.resource.event, start_time: '2026-10-30T14:00:00.000000Z' },
      },
    });

    const eventUuid = booked.body.resource.event.split('/').pop();
    await call('POST', `/scheduled_events/${eventUuid}/cancellation`, {});
    await sandbox.settleWebhooks();
    expect(received).toHaveLength(2);
    const canceled = JSON.parse(received[1]?.raw ?? '{}');
    expect(canceled).toMatchObject({
      event: 'invitee.canceled',
      payload: {
        status: 'canceled',
        cancellation: { canceler_type: 'host' },
        scheduled_event: { status: 'canceled' },
      },
    });
    expect(verify(received[1] as Received, key).valid).toBe(true);
  });

  it('refuses a second subscription for the same URL with 409, lists and deletes', async () => {
    const first = await subscribe(receiverUrl);
    expect((await subscribe(receiverUrl)).status).toBe(409);
    const listed = await get('/webhook_subscriptions', {
      organization: sandbox.user.organizationUri,
      scope: 'user',
      user: sandbox.user.uri,
    });
    expect(listed.body.collection).toHaveLength(1);
    const uuid = first.body.resource.uri.split('/').pop();
    expect((await call('DELETE', `/webhook_subscriptions/${uuid}`)).status).toBe(204);
    sandbox.bookElsewhere(sandbox.eventTypes.consultation.uri, '2026-10-30T14:00:00Z');
    await sandbox.settleWebhooks();
    expect(received).toHaveLength(0);
  });

  it('signs with the sandbox key when a subscription has none, and fires for bookings made elsewhere', async () => {
    await subscribe(receiverUrl);
    sandbox.bookElsewhere(sandbox.eventTypes.cleaning.uri, '2026-11-02T15:00:00Z');
    await sandbox.settleWebhooks();
    expect(received).toHaveLength(1);
    expect(verify(received[0] as Received, sandbox.webhookSigningKey).valid).toBe(true);
  });

  it('records a failed delivery without failing the booking', async () => {
    await subscribe('http://127.0.0.1:9/unreachable');
    const reply = await call(
      'POST',
      '/invitees',
      invitee(sandbox.eventTypes.consultation.uri, '2026-10-30T14:00:00Z'),
    );
    expect(reply.status).toBe(201);
    await sandbox.settleWebhooks();
    expect(sandbox.webhookDeliveries()).toEqual([
      expect.objectContaining({ event: 'invitee.created', status: null, error: expect.any(String) }),
    ]);
  });
});

describe('Calendly sandbox: a calendar kept in a state file', () => {
  it('finds its bookings and cancellations again after a restart, under the port it had when free', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'sandbox-state-')), 'calendly-sandbox.json');
    await start({ stateFile });
    const uri = sandbox.eventTypes.consultation.uri;
    const booked = await call('POST', '/invitees', invitee(uri, '2026-10-30T14:00:00Z'));
    expect(booked.status).toBe(201);
    const canceled = await call('POST', '/invitees', invitee(uri, '2026-10-30T15:00:00Z'));
    const eventUuid = String(canceled.body.resource.event).split('/').pop();
    expect((await call('POST', `/scheduled_events/${eventUuid}/cancellation`, {})).status).toBe(201);
    sandbox.bookElsewhere(uri, '2026-10-30T16:00:00Z');
    const before = sandbox.invitees();
    const firstUrl = sandbox.url;

    await sandbox.stop();
    // Let fetch notice its pooled connections to the old server are closed before reusing the port.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await start({ stateFile });
    expect(sandbox.url).toBe(firstUrl);
    expect(sandbox.invitees()).toEqual(before);
    expect(await availability(uri)).not.toContain('2026-10-30T14:00:00.000000Z');
    expect(await availability(uri)).toContain('2026-10-30T15:00:00.000000Z');
    expect(await availability(uri)).not.toContain('2026-10-30T16:00:00.000000Z');
    const uuid = String(booked.body.resource.uri).split('/').pop();
    const stored = await get(
      `/scheduled_events/${String(booked.body.resource.event).split('/').pop()}/invitees`,
    );
    expect(stored.body.collection.map((item: { uri: string }) => item.uri.split('/').pop())).toEqual([uuid]);

    // The old port is taken: the same calendar, re-issued under the new URL.
    const squatter = createServer();
    await sandbox.stop();
    await new Promise<void>((resolve) =>
      squatter.listen(Number(new URL(firstUrl).port), '127.0.0.1', resolve),
    );
    try {
      await start({ stateFile });
      expect(sandbox.url).not.toBe(firstUrl);
      expect(sandbox.invitees().map((item) => item.uri)).toEqual(
        before.map((item) => item.uri.replace(firstUrl, sandbox.url)),
      );
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });
});
