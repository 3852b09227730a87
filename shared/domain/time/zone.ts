/**
 * The bridge between instants and a zone's calendar days and wall-clock hours. Every conversion goes
 * through luxon with an explicit zone, never the process zone, so results do not depend on the machine.
 */
import { DateTime, IANAZone } from 'luxon';
import { ConfigError } from '../errors.ts';
import { addDays } from './calendar-day.ts';

/** True when `zone` is an IANA zone name that both luxon and Intl accept. */
export function isTimeZone(zone: string): boolean {
  if (!IANAZone.isValidZone(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Throws ConfigError unless `zone` is a usable IANA zone (the business zone is configuration). */
export function assertTimeZone(zone: string): void {
  if (!isTimeZone(zone)) throw new ConfigError([`unknown IANA time zone: ${zone}`]);
}

/** Throws RangeError for an invalid Date (a programming error: `now` always comes from a Clock). */
export function assertInstant(now: Date): void {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new RangeError('now is not a valid Date');
}

/** `instant` seen on the wall clocks of `zone`. */
export function inZone(instant: Date | number, zone: string): DateTime {
  return DateTime.fromMillis(typeof instant === 'number' ? instant : instant.getTime(), { zone });
}

/** The calendar day (`YYYY-MM-DD`) that `instant` falls on in `zone`. */
export function localDayOf(instant: Date | number, zone: string): string {
  return inZone(instant, zone).toISODate() ?? '';
}

/**
 * Epoch ms of `hour`:00 on `day` in `zone`; hour 24 is the next day's midnight. A wall time that a DST
 * jump skips (e.g. midnight in America/Santiago on its spring day) becomes the first instant after it.
 */
export function localHourMillis(day: string, hour: number, zone: string): number {
  const [target, h] = hour >= 24 ? [addDays(day, 1), hour - 24] : [day, hour];
  const value = DateTime.fromISO(target, { zone }).set({ hour: h, minute: 0, second: 0, millisecond: 0 });
  if (!value.isValid) throw new RangeError(`cannot place ${day} ${hour}:00 in ${zone}`);
  return value.toMillis();
}

/** The UTC offset of `zone` at `instant`, in minutes. */
export function offsetMinutes(instant: Date | number, zone: string): number {
  return inZone(instant, zone).offset;
}
