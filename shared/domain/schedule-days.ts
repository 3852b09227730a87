/**
 * Whether an event type can have times in a range, from its availability schedules alone: the range is a
 * business day in UTC, the schedules are written in their own zones. A range can have times when, for any
 * schedule, a date of that schedule's zone the range touches has an override of its own or falls on a
 * weekday with hours. Unknown schedules (null) can always have times: only a full answer skips a day.
 */
import type { ScheduleDays } from './ports.ts';
import { addDays, weekdayOf } from './time/calendar-day.ts';
import { localDayOf } from './time/zone.ts';

/** False only when no schedule has hours on any of its own dates the half-open UTC range [startMs, endMs) touches. */
export function mayHaveTimes(
  schedules: readonly ScheduleDays[] | null,
  startMs: number,
  endMs: number,
): boolean {
  if (schedules === null || schedules.length === 0) return true;
  if (endMs <= startMs) return false;
  return schedules.some((schedule) => {
    let first: string;
    let last: string;
    try {
      first = localDayOf(startMs, schedule.timezone);
      last = localDayOf(endMs - 1, schedule.timezone);
    } catch {
      return true; // a zone this runtime does not know: cannot tell
    }
    for (let day = first; day <= last; day = addDays(day, 1)) {
      if (schedule.overrideDates.includes(day) || schedule.weekdays.includes(weekdayOf(day))) return true;
    }
    return false;
  });
}
