/**
 * Calendar days as `YYYY-MM-DD` strings: the unit the phrase grammar works in. A calendar day has no
 * zone and no clock, so day arithmetic here cannot be bent by DST; zones enter only in ./zone.ts.
 * The strings sort chronologically as plain strings (years are always four digits).
 */
import { DateTime } from 'luxon';

/** ISO weekday: 1 = Monday ... 7 = Sunday (the week runs Monday to Sunday in every rule here). */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

const DAY_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

function utcDay(day: string): DateTime {
  const value = DAY_SHAPE.test(day) ? DateTime.fromISO(day, { zone: 'utc' }) : DateTime.invalid('shape');
  if (!value.isValid) throw new RangeError(`not a calendar day: ${day}`);
  return value;
}

/** True when `value` has the `YYYY-MM-DD` shape (it may still name a day that does not exist). */
export function hasCalendarDayShape(value: string): boolean {
  return DAY_SHAPE.test(value);
}

/** True when `value` is `YYYY-MM-DD` and names a day that exists (no February 30). */
export function isCalendarDay(value: string): boolean {
  return DAY_SHAPE.test(value) && DateTime.fromISO(value, { zone: 'utc' }).isValid;
}

/** The day `year-month-day`, or null when that day does not exist. */
export function calendarDay(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || year < 1 || year > 9999) return null;
  const value = DateTime.fromObject({ year, month, day }, { zone: 'utc' });
  return value.isValid ? value.toISODate() : null;
}

/** The day `days` after (or before, when negative) `day`. */
export function addDays(day: string, days: number): string {
  return utcDay(day).plus({ days }).toISODate() ?? day;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round(utcDay(to).diff(utcDay(from), 'days').days);
}

/** ISO weekday of `day` (1 = Monday ... 7 = Sunday). */
export function weekdayOf(day: string): Weekday {
  return utcDay(day).weekday as Weekday;
}

/** Year, month (1-12) and day of month of `day`. */
export function partsOf(day: string): { year: number; month: number; day: number } {
  const value = utcDay(day);
  return { year: value.year, month: value.month, day: value.day };
}

/** The Monday that starts the (Monday to Sunday) week containing `day`. */
export function mondayOf(day: string): string {
  return addDays(day, 1 - weekdayOf(day));
}

/** The later of two days (days are strings, so Math.max does not apply). */
export function laterDay(a: string, b: string): string {
  return a < b ? b : a;
}

/** The earlier of two days. */
export function earlierDay(a: string, b: string): string {
  return a < b ? a : b;
}
