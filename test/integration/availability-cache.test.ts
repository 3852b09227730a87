import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_ACCESS } from '../../infra/booking-stack.ts';
import { type CalendlySandbox, startCalendlySandbox } from '../../infra/local/calendly-sandbox/server.ts';
import { createManualClock } from '../../infra/local/clock.ts';
import type { FunctionName } from '../../infra/routes.ts';
import { createCalendlyClient } from '../../shared/adapters/calendly/client.ts';
import { createAppointmentMirror } from '../../shared/adapters/dynamodb/appointment-mirror.ts';
import { createAvailabilityCache } from '../../shared/adapters/dynamodb/availability-cache.ts';
import { createBookingRepository } from '../../shared/adapters/dynamodb/booking-repository.ts';
import {
  type AvailabilityOptions,
  type AvailabilityReader,
  createAvailabilityReader,
  type DayQuery,
  DEFAULT_AVAILABILITY_OPTIONS,
} from '../../shared/domain/availability.ts';
import { handleInviteeEvent } from '../../shared/domain/calendly-events.ts';
import { type Clock, systemClock } from '../../shared/domain/clock.ts';
import { VendorUnavailableError } from '../../shared/domain/errors.ts';
import type { AvailabilityCachePort, CalendlyPort } from '../../shared/domain/ports.ts';
import { createTestTable, type TestTable } from '../fixtures/dynamodb.ts';
import { onFakeTime } from '../fixtures/fake-time.ts';
import { grantCheckedDocumentClient } from '../fixtures/table-grants.ts';

const ZONE = 'America/New_York';
// A Monday morning, so the next days are bookable weekdays.
const START = new Date('2026-12-07T13:00:00Z');

describe('availability cache (DynamoDB Local + Calendly sandbox)', () => {
  let table: TestTable;
  let sandbox: CalendlySandbox;
  let nowMs = START.getTime();
  // Stands still unless a test moves it; its timers are real (waits use a manual clock, below).
  const clock: Clock = { now: () => new Date(nowMs), setTimer: systemClock.setTimer };
  /** The table as each function's IAM role lets it see it. */
  let asFunction: (name: FunctionName) => DynamoDBDocumentClient;
  /** The cache as the calendly-webhook function writes it. */
  let webhookCache: AvailabilityCachePort;

  beforeAll(async () => {
    table = await createTestTable('avail');
    // Three weeks bookable, so every test gets weekdays of its own.
    sandbox = await startCalendlySandbox({ timezone: ZONE, now: clock.now, latencyMs: 150, days: 21 });
    asFunction = (name) => {
      const access = FUNCTION_ACCESS[name].table;
      if (!access) throw new Error(`${name} has no table access`);
      return grantCheckedDocumentClient(table.endpoint, access);
    };
    webhookCache = createAvailabilityCache(asFunction('calendly-webhook'), table.tableName);
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  function calendlyClient(): CalendlyPort {
    return createCalendlyClient({ baseUrl: sandbox.url, token: sandbox.token });
  }

  /** One Lambda container: its own memory cache and Calendly client, the shared table. */
  function container(
    options: AvailabilityOptions = DEFAULT_AVAILABILITY_OPTIONS,
    calendly: CalendlyPort = calendlyClient(),
    readerClock: Clock = clock,
  ): AvailabilityReader {
    return createAvailabilityReader(
      {
        calendly,
        cache: createAvailabilityCache(asFunction('vapi-tools'), table.tableName),
        clock: readerClock,
      },
      options,
    );
  }

  /** Calendly as seen through `during`, which runs while the request is in flight (once). */
  function calendlyWith(during: { before?: () => Promise<void>; after?: () => void }): CalendlyPort {
    const real = calendlyClient();
    let pending: typeof during | null = during;
    return {
      ...real,
      async listAvailableTimes(...args) {
        const hooks = pending;
        pending = null;
        await hooks?.before?.();
        const times = await real.listAvailableTimes(...args);
        hooks?.after?.();
        return times;
      },
    };
  }

  function dayQuery(daysAhead: number): DayQuery {
    const day = DateTime.fromJSDate(clock.now(), { zone: ZONE }).startOf('day').plus({ days: daysAhead });
    return {
      eventTypeUri: sandbox.eventTypes.consultation.uri,
      day: day.toISODate() ?? '',
      startIso: day.toUTC().toISO() ?? '',
      endIso: day.plus({ days: 1 }).toUTC().toISO() ?? '',
    };
  }

  it('asks Calendly once for a day however many callers in however many containers ask at once', async () => {
    sandbox.clearRequests();
    const containers = [container(), container(), container()];
    const query = dayQuery(1);
    const answers = await Promise.all(
      containers.flatMap((reader) => Array.from({ length: 20 }, () => reader.timesForDay(query))),
    );
    expect(sandbox.requestCount('available_times')).toBe(1);
    expect(answers[0]?.length).toBeGreaterThan(0);
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  });

  it('serves a day from cache for 60 seconds, then asks again once', async () => {
    sandbox.clearRequests();
    const reader = container();
    const query = dayQuery(2);
    await reader.timesForDay(query);
    nowMs += 59_000;
    await Promise.all([reader.timesForDay(query), container().timesForDay(query)]);
    expect(sandbox.requestCount('available_times')).toBe(1);
    nowMs += 2_000;
    await Promise.all([reader.timesForDay(query), container().timesForDay(query)]);
    expect(sandbox.requestCount('available_times')).toBe(2);
  });

  it('keeps one entry per day', async () => {
    sandbox.clearRequests();
    const reader = container();
    await Promise.all(
      [dayQuery(3), dayQuery(4), dayQuery(3), dayQuery(4)].map((query) => reader.timesForDay(query)),
    );
    expect(sandbox.requestCount('available_times')).toBe(2);
  });

  it('reports Calendly being down instead of serving stale times', async () => {
    const query = dayQuery(5);
    await container().timesForDay(query);
    nowMs += 61_000;
    sandbox.injectFault({ endpoint: 'available_times', status: 503, times: 2 });
    await expect(container().timesForDay(query)).rejects.toBeInstanceOf(VendorUnavailableError);
  });

  it('measures freshness from when the Calendly request started, not from when it answered', async () => {
    sandbox.clearRequests();
    const query = dayQuery(7);
    // Calendly takes 2 s to answer: what it says may be 2 s old by then.
    await container(
      DEFAULT_AVAILABILITY_OPTIONS,
      calendlyWith({
        after: () => {
          nowMs += 2_000;
        },
      }),
    ).timesForDay(query);
    nowMs += 58_500;
    await container().timesForDay(query);
    expect(sandbox.requestCount('available_times')).toBe(2);
  });

  it('gives an answer the day was invalidated during only to its own callers, and never stores it', async () => {
    sandbox.clearRequests();
    const query = dayQuery(8);
    const raced = container(
      DEFAULT_AVAILABILITY_OPTIONS,
      calendlyWith({
        before: async () => {
          nowMs += 10;
          await webhookCache.invalidate(query.day, clock.now());
        },
      }),
    );
    const answer = await raced.timesForDay(query);
    expect(answer.length).toBeGreaterThan(0);
    // The table did not keep it, and the lease is free for the next filler.
    const shared = createAvailabilityCache(asFunction('vapi-tools'), table.tableName);
    expect(await shared.read(query.eventTypeUri, query.day)).toEqual({ entry: null, leaseUntil: null });
    nowMs += 10;
    // Nor did its memory: it asks again, and that answer is stored for everyone.
    await raced.timesForDay(query);
    expect(sandbox.requestCount('available_times')).toBe(2);
    await container().timesForDay(query);
    expect(sandbox.requestCount('available_times')).toBe(2);
  });

  it('invalidates a changed day for every event type, since they share one host calendar', async () => {
    sandbox.clearRequests();
    const consultation = dayQuery(9);
    const cleaning = { ...consultation, eventTypeUri: sandbox.eventTypes.cleaning.uri };
    await Promise.all([container().timesForDay(consultation), container().timesForDay(cleaning)]);
    expect(sandbox.requestCount('available_times')).toBe(2);
    nowMs += 1_000;
    await handleInviteeEvent(
      {
        store: {
          bookings: createBookingRepository(asFunction('calendly-webhook'), table.tableName),
          appointments: createAppointmentMirror(asFunction('calendly-webhook'), table.tableName),
        },
        cache: webhookCache,
      },
      {
        event: 'invitee.created',
        bookingId: null,
        inviteeUri: 'https://api.calendly.com/scheduled_events/EV/invitees/SOMEONE',
        eventTypeUri: consultation.eventTypeUri,
        start: new Date(Date.parse(consultation.startIso) + 15 * 3600_000).toISOString(),
        appointment: null,
        phoneFields: [],
      },
      clock.now(),
    );
    nowMs += 10;
    await Promise.all([container().timesForDay(consultation), container().timesForDay(cleaning)]);
    expect(sandbox.requestCount('available_times')).toBe(4);
  });

  it('serves memory for at most 5 seconds after an invalidation, then asks Calendly once for all callers', async () => {
    sandbox.clearRequests();
    const reader = container();
    const query = dayQuery(10);
    await reader.timesForDay(query);
    nowMs += 1_000;
    await webhookCache.invalidate(query.day, clock.now());
    nowMs += 1_000;
    await reader.timesForDay(query);
    expect(sandbox.requestCount('available_times')).toBe(1);
    nowMs += 3_500;
    await Promise.all(Array.from({ length: 20 }, () => reader.timesForDay(query)));
    expect(sandbox.requestCount('available_times')).toBe(2);
  });

  it('hands the lease of a filler that never answers to one waiting container', async () => {
    sandbox.clearRequests();
    const query = dayQuery(11);
    // Waits and leases long on fake time, so real request times (fake time runs ~20 times faster) stay inside them.
    const options = { ...DEFAULT_AVAILABILITY_OPTIONS, waitForFillMs: 60_000, leaseMs: 60_000, pollMs: 20 };
    const fake = createManualClock(nowMs);
    // A container takes the lease, then dies.
    const died = createAvailabilityCache(asFunction('vapi-tools'), table.tableName);
    expect(await died.tryLease(query.eventTypeUri, query.day, fake.now(), 5_000)).not.toBeNull();
    const readers = [1, 2, 3].map(() => container(options, calendlyClient(), fake));
    const answers = Promise.all(readers.map((reader) => reader.timesForDay(query)));
    // The dead filler's lease runs out; the waiters' polls then go by on fake time.
    fake.advance(5_000);
    const [first, ...rest] = await onFakeTime(fake, answers, options.pollMs);
    expect(first?.length).toBeGreaterThan(0);
    for (const answer of rest) expect(answer).toEqual(first);
    expect(sandbox.requestCount('available_times')).toBe(1);
  });

  it('asks Calendly without the lease only after waiting twice for a filler that never answers', async () => {
    sandbox.clearRequests();
    const query = dayQuery(14);
    const options = { ...DEFAULT_AVAILABILITY_OPTIONS, waitForFillMs: 200, pollMs: 20 };
    const fake = createManualClock(nowMs);
    const stuck = createAvailabilityCache(asFunction('vapi-tools'), table.tableName);
    expect(await stuck.tryLease(query.eventTypeUri, query.day, fake.now(), 600_000)).not.toBeNull();
    const started = fake.now().getTime();
    let askedAfterMs = 0;
    const reader = container(
      options,
      calendlyWith({
        before: async () => {
          askedAfterMs = fake.now().getTime() - started;
        },
      }),
      fake,
    );
    const answer = await onFakeTime(fake, reader.timesForDay(query), options.pollMs);
    expect(answer.length).toBeGreaterThan(0);
    expect(askedAfterMs).toBeGreaterThanOrEqual(2 * options.waitForFillMs);
    expect(sandbox.requestCount('available_times')).toBe(1);
  });
});

describe('availability cache invalidation (DynamoDB Local)', () => {
  let cache: AvailabilityCachePort;
  const eventTypeUri = 'https://api.calendly.com/event_types/ET-ANY';
  const times = [{ start: '2026-12-30T15:00:00.000000Z', inviteesRemaining: 1 }];
  const at = (ms: number) => new Date(Date.parse('2026-12-29T12:00:00Z') + ms);

  beforeAll(async () => {
    const table = await createTestTable('invalidate');
    const access = FUNCTION_ACCESS['calendly-webhook'].table;
    if (!access) throw new Error('calendly-webhook has no table access');
    cache = createAvailabilityCache(table.documentClient, table.tableName);
    // Invalidation runs in the calendly-webhook function: it must work within that role.
    const webhookCache = createAvailabilityCache(
      grantCheckedDocumentClient(table.endpoint, access),
      table.tableName,
    );
    cache = { ...cache, invalidate: webhookCache.invalidate };
  });

  it('voids an entry fetched before the invalidation and keeps one fetched after it', async () => {
    expect(await cache.write(eventTypeUri, '2026-12-30', times, at(0), 600_000)).toBe(true);
    await cache.invalidate('2026-12-30', at(1_000));
    expect((await cache.read(eventTypeUri, '2026-12-30')).entry).toBeNull();
    expect(await cache.write(eventTypeUri, '2026-12-30', times, at(900), 600_000)).toBe(false);
    expect(await cache.write(eventTypeUri, '2026-12-30', times, at(1_001), 600_000)).toBe(true);
    expect((await cache.read(eventTypeUri, '2026-12-30')).entry).toEqual({
      times,
      fetchedAt: at(1_001).getTime(),
    });
  });

  it('keeps the newest invalidation when an older webhook is delivered late', async () => {
    await cache.invalidate('2026-12-31', at(2_000));
    await cache.invalidate('2026-12-31', at(1_000));
    expect(await cache.write(eventTypeUri, '2026-12-31', times, at(1_500), 600_000)).toBe(false);
  });
});
