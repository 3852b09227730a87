/**
 * Calendar days as `YYYY-MM-DD` strings: the unit the phrase grammar works in. A calendar day has no
 * zone and no clock, so day arithmetic here is plain UTC millisecond arithmetic (no time-zone library)
 * that neither DST nor the process zone can bend; zones enter only in ./zone.ts.
 * The strings sort chronologically as plain strings (years are always four digits).
 */

/** ISO weekday: 1 = Monday ... 7 = Sunday (the week runs Monday to Sunday in every rule here). */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

const DAY_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Epoch ms of UTC midnight on the day, or NaN when that day does not exist. */
function utcMidnight(year: number, month: number, day: number): number {
  if (![year, month, day].every(Number.isInteger) || month < 1 || month > 12 || day < 1) return Number.NaN;
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCDate() === day ? date.getTime() : Number.NaN;
}

/** Epoch ms of midnight UTC at the start of `day`; throws RangeError for a day that does not exist. */
export function utcMillisOf(day: string): number {
  const shape = DAY_SHAPE.exec(day);
  const millis =
    shape === null ? Number.NaN : utcMidnight(Number(shape[1]), Number(shape[2]), Number(shape[3]));
  if (Number.isNaN(millis)) throw new RangeError(`not a calendar day: ${day}`);
  return millis;
}

/** The UTC calendar day of `millis` (`+010000-01-01` style beyond year 9999, as Date#toISOString writes). */
export function dayOfUtcMillis(millis: number): string {
  return new Date(millis).toISOString().slice(0, -14);
}

/** True when `value` has the `YYYY-MM-DD` shape (it may still name a day that does not exist). */
export function hasCalendarDayShape(value: string): boolean {
  return DAY_SHAPE.test(value);
}

/** True when `value` is `YYYY-MM-DD` and names a day that exists (no February 30). */
export function isCalendarDay(value: string): boolean {
  const shape = DAY_SHAPE.exec(value);
  return shape !== null && !Number.isNaN(utcMidnight(Number(shape[1]), Number(shape[2]), Number(shape[3])));
}

/** The day `year-month-day`, or null when that day does not exist. */
export function calendarDay(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || year < 1 || year > 9999) return null;
  const millis = utcMidnight(year, month, day);
  return Number.isNaN(millis) ? null : dayOfUtcMillis(millis);
}

/** The day `days` after (or before, when negative) `day`. */
export function addDays(day: string, days: number): string {
  return dayOfUtcMillis(utcMillisOf(day) + days * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcMillisOf(to) - utcMillisOf(from)) / DAY_MS);
}

/** ISO weekday of `day` (1 = Monday ... 7 = Sunday). */
export function weekdayOf(day: string): Weekday {
  return (new Date(utcMillisOf(day)).getUTCDay() || 7) as Weekday;
}

/** Year, month (1-12) and day of month of `day`. */
export function partsOf(day: string): { year: number; month: number; day: number } {
  const value = new Date(utcMillisOf(day));
  return { year: value.getUTCFullYear(), month: value.getUTCMonth() + 1, day: value.getUTCDate() };
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
