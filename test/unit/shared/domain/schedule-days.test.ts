import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../../infra/local/clock.ts';
import type { AvailabilityReader, DayQuery } from '../../../../shared/domain/availability.ts';
import { createOpenSlotFinder } from '../../../../shared/domain/open-slots.ts';
import type { ScheduleDays, Store } from '../../../../shared/domain/ports.ts';
import { mayHaveTimes } from '../../../../shared/domain/schedule-days.ts';
import { resolveSearchWindow } from '../../../../shared/domain/time/resolve-window.ts';
import { localHourMillis } from '../../../../shared/domain/time/zone.ts';
import {
  memoryCalls,
  memoryHoldsAndBookings,
  unusedAppointments,
  unusedCallLog,
  unusedVoicemails,
} from '../../../fixtures/memory-ports.ts';

const NEW_YORK = 'America/New_York';
const weekdaysIn = (timezone: string, weekdays: number[], overrideDates: string[] = []): ScheduleDays => ({
  timezone,
  weekdays,
  overrideDates,
});
/** The UTC range of one business day in `zone`. */
const dayRange = (day: string, zone: string): [number, number] => [
  localHourMillis(day, 0, zone),
  localHourMillis(day, 24, zone),
];

// 2030-01-12 is a Saturday, 2030-01-13 a Sunday, 2030-01-14 a Monday.
describe('mayHaveTimes', () => {
  it('says a weekend day of a weekday schedule cannot have times, and a weekday can', () => {
    const schedules = [weekdaysIn(NEW_YORK, [1, 2, 3, 4, 5])];
    expect(mayHaveTimes(schedules, ...dayRange('2030-01-12', NEW_YORK))).toBe(false);
    expect(mayHaveTimes(schedules, ...dayRange('2030-01-13', NEW_YORK))).toBe(false);
    expect(mayHaveTimes(schedules, ...dayRange('2030-01-14', NEW_YORK))).toBe(true);
  });

  it('never skips when the schedules are unknown or empty', () => {
    expect(mayHaveTimes(null, ...dayRange('2030-01-12', NEW_YORK))).toBe(true);
    expect(mayHaveTimes([], ...dayRange('2030-01-12', NEW_YORK))).toBe(true);
  });

  it('never skips a date with an override of its own, even on a closed weekday', () => {
    const schedules = [weekdaysIn(NEW_YORK, [1, 2, 3, 4, 5], ['2030-01-12'])];
    expect(mayHaveTimes(schedules, ...dayRange('2030-01-12', NEW_YORK))).toBe(true);
    expect(mayHaveTimes(schedules, ...dayRange('2030-01-13', NEW_YORK))).toBe(false);
  });

  it("reads the schedule's weekdays in the schedule's zone, not the business zone", () => {
    // Monday only, in Tokyo (UTC+9). Sunday in Los Angeles (UTC-8) runs from Sunday 17:00 to Monday 17:00 in
    // Tokyo: it touches Tokyo's Monday, so it may have times, though Sunday is closed in the schedule.
    // Saturday in Los Angeles is Saturday 17:00 to Sunday 17:00 in Tokyo: closed.
    const schedules = [weekdaysIn('Asia/Tokyo', [1])];
    const losAngeles = 'America/Los_Angeles';
    expect(mayHaveTimes(schedules, ...dayRange('2030-01-13', losAngeles))).toBe(true);
    expect(mayHaveTimes(schedules, ...dayRange('2030-01-12', losAngeles))).toBe(false);
    // Monday in Los Angeles starts at 17:00 Monday in Tokyo; Tuesday is Tuesday 17:00 to Wednesday 17:00 there.
    expect(mayHaveTimes(schedules, ...dayRange('2030-01-14', losAngeles))).toBe(true);
    expect(mayHaveTimes(schedules, ...dayRange('2030-01-15', losAngeles))).toBe(false);
    // Monday only in New York: Sunday in Los Angeles ends at 03:00 Monday in New York, Saturday at 03:00 Sunday.
    expect(mayHaveTimes([weekdaysIn(NEW_YORK, [1])], ...dayRange('2030-01-13', losAngeles))).toBe(true);
    expect(mayHaveTimes([weekdaysIn(NEW_YORK, [1])], ...dayRange('2030-01-12', losAngeles))).toBe(false);
  });

  it('skips only when no schedule (host) has hours that day', () => {
    const schedules = [weekdaysIn(NEW_YORK, [1, 2, 3, 4, 5]), weekdaysIn('Europe/London', [6])];
    expect(mayHaveTimes(schedules, ...dayRange('2030-01-12', NEW_YORK))).toBe(true);
    expect(mayHaveTimes(schedules, ...dayRange('2030-01-13', NEW_YORK))).toBe(false);
  });
});

describe('the open slot finder with schedules', () => {
  const EVENT_TYPE = 'https://api.calendly.com/event_types/CONSULTATION';
  const service = { uri: EVENT_TYPE, durationMinutes: 30 };

  function finderWith(schedules: ((uri: string) => Promise<ScheduleDays[] | null>) | undefined) {
    const clock = createManualClock(); // Monday 2030-01-07, 09:00 UTC
    const asked: DayQuery[] = [];
    const availability: AvailabilityReader = {
      async timesForDay(query) {
        asked.push(query);
        return [
          { start: new Date(Date.parse(query.endIso) - 6 * 3600_000).toISOString(), inviteesRemaining: 1 },
        ];
      },
    };
    const holds = memoryHoldsAndBookings();
    const store: Store = {
      calls: memoryCalls(),
      slots: { ...holds.slots, occupiedCells: async () => new Set<number>() },
      bookings: holds.repository,
      appointments: unusedAppointments(),
      callLog: unusedCallLog(),
      voicemails: unusedVoicemails(),
    };
    const finder = createOpenSlotFinder({
      store,
      availability,
      clock,
      maxSlotsOffered: 6,
      offerValidityMs: 900_000,
      lookaheadDays: 7,
      schedules,
    });
    const nextWeek = resolveSearchWindow({ when: 'next week' }, { now: clock.now(), zone: NEW_YORK });
    return { finder, asked, nextWeek };
  }

  it('asks nothing about the days the schedule has no hours on', async () => {
    const { finder, asked, nextWeek } = finderWith(async () => [weekdaysIn(NEW_YORK, [1, 2, 3, 4, 5])]);
    const starts = await finder.find(service, nextWeek);
    expect(asked.map((query) => query.day)).toEqual([
      '2030-01-14',
      '2030-01-15',
      '2030-01-16',
      '2030-01-17',
      '2030-01-18',
    ]);
    expect(starts).toHaveLength(5);
  });

  it('asks about every day when the schedule is unknown, cannot be read, or not looked up', async () => {
    for (const schedules of [
      async () => null,
      async () => {
        throw new Error('403 Insufficient scope');
      },
      undefined,
    ]) {
      const { finder, asked, nextWeek } = finderWith(schedules);
      await finder.find(service, nextWeek);
      expect(asked.map((query) => query.day)).toHaveLength(7);
    }
  });

  it('asks about a weekend date with an override', async () => {
    const { finder, asked, nextWeek } = finderWith(async () => [
      weekdaysIn(NEW_YORK, [1, 2, 3, 4, 5], ['2030-01-19']),
    ]);
    await finder.find(service, nextWeek);
    expect(asked.map((query) => query.day)).toContain('2030-01-19');
    expect(asked.map((query) => query.day)).not.toContain('2030-01-20');
  });
});
