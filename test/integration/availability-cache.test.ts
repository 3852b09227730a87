import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CalendlySandbox, startCalendlySandbox } from '../../infra/local/calendly-sandbox/server.ts';
import { createCalendlyClient } from '../../shared/adapters/calendly/client.ts';
import { createAvailabilityCache } from '../../shared/adapters/dynamodb/availability-cache.ts';
import {
  type AvailabilityReader,
  createAvailabilityReader,
  type DayQuery,
} from '../../shared/domain/availability.ts';
import { VendorUnavailableError } from '../../shared/domain/errors.ts';
import type { Clock } from '../../shared/domain/ports.ts';
import { createTestTable, type TestTable } from '../fixtures/dynamodb.ts';

const ZONE = 'America/New_York';
// A Monday morning, so the next days are bookable weekdays.
const START = new Date('2026-12-07T13:00:00Z');

describe('availability cache (DynamoDB Local + Calendly sandbox)', () => {
  let table: TestTable;
  let sandbox: CalendlySandbox;
  let nowMs = START.getTime();
  const clock: Clock = { now: () => new Date(nowMs) };

  beforeAll(async () => {
    table = await createTestTable('avail');
    sandbox = await startCalendlySandbox({ timezone: ZONE, now: clock.now, latencyMs: 150 });
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  /** One Lambda container: its own memory cache and Calendly client, the shared table. */
  function container(): AvailabilityReader {
    return createAvailabilityReader({
      calendly: createCalendlyClient({ baseUrl: sandbox.url, token: sandbox.token }),
      cache: createAvailabilityCache(table.documentClient, table.tableName),
      clock,
    });
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
});
