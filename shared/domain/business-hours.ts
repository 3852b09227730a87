/**
 * BUSINESS_HOURS: when transfer_to_human puts a caller through to a person, in the business time zone.
 * Written as day ranges with one or more time ranges, `;` between entries, e.g.
 * `mon-fri 09:00-12:30,13:30-17:00; sat 10:00-14:00`. Days are mon..sun (a range may wrap, `fri-mon`),
 * a list may mix ranges and days (`mon,wed,fri`); times are 24-hour HH:MM and `24:00` ends a day.
 * A time range must end after it starts; overnight hours are written as two entries.
 */
import { TZDate } from '@date-fns/tz';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Open minutes of each weekday, Monday first: [from, to) in minutes after midnight. */
export type BusinessHours = readonly (readonly (readonly [number, number])[])[];

export type HoursParse = { ok: true; hours: BusinessHours } | { ok: false; problem: string };

function dayIndex(name: string): number {
  return DAYS.indexOf(name.toLowerCase() as (typeof DAYS)[number]);
}

function minutesOf(clock: string): number | null {
  const match = /^(\d{2}):(\d{2})$/.exec(clock);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) return null;
  return hours * 60 + minutes;
}

function daysOf(spec: string): number[] | null {
  const days: number[] = [];
  for (const part of spec.split(',')) {
    const [first, last, extra] = part.split('-');
    const from = dayIndex(first ?? '');
    const to = last === undefined ? from : dayIndex(last);
    if (from < 0 || to < 0 || extra !== undefined) return null;
    for (let day = from; ; day = (day + 1) % 7) {
      days.push(day);
      if (day === to) break;
    }
  }
  return days;
}

/** Reads BUSINESS_HOURS; the problem names the entry that cannot be read. */
export function parseBusinessHours(text: string): HoursParse {
  const open: [number, number][][] = DAYS.map(() => []);
  const entries = text
    .split(';')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) return { ok: false, problem: 'names no days' };
  for (const entry of entries) {
    const [daySpec, timeSpec, ...rest] = entry.split(/\s+/);
    const days = daysOf(daySpec ?? '');
    if (!days || !timeSpec || rest.length > 0) {
      return { ok: false, problem: `cannot read "${entry}": write it like "mon-fri 09:00-17:00"` };
    }
    for (const range of timeSpec.split(',')) {
      const [start, end] = range.split('-').map(minutesOf);
      if (start == null || end == null || end <= start) {
        return {
          ok: false,
          problem: `cannot read the hours "${range}" in "${entry}": write them like 09:00-17:00`,
        };
      }
      for (const day of days) open[day]?.push([start, end]);
    }
  }
  return { ok: true, hours: open };
}

/** Whether `at` falls inside the hours, in `zone`. */
export function isOpenAt(hours: BusinessHours, at: Date, zone: string): boolean {
  const local = new TZDate(at.getTime(), zone);
  const day = (local.getDay() + 6) % 7;
  const minute = local.getHours() * 60 + local.getMinutes();
  return (hours[day] ?? []).some(([from, to]) => minute >= from && minute < to);
}
