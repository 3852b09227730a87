/**
 * The bridge between instants and a zone's calendar days and wall-clock hours. UTC offsets come from
 * @date-fns/tz's tzOffset, which reads the runtime's IANA data through Intl for an explicit zone, never
 * the process zone, so results do not depend on the machine. Everything else is UTC arithmetic on "wall"
 * milliseconds: a zone's local date and time written as if it were UTC.
 */
import { tzOffset } from '@date-fns/tz/tzOffset';
import { ConfigError } from '../errors.ts';
import { dayOfUtcMillis, isCalendarDay, utcMillisOf } from './calendar-day.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** An instant as read on the wall clocks of a zone (every field NaN, day '', for an unknown zone). */
export interface LocalTime {
  /** The calendar day, `YYYY-MM-DD`. */
  readonly day: string;
  /** 0-23. */
  readonly hour: number;
  readonly minute: number;
  /** The zone's UTC offset at that instant, in minutes. */
  readonly offset: number;
}

// Zones Intl has accepted; bounded like tzOffset's own per-zone formatter cache, which holds the same names.
const knownZones = new Set<string>();

/** True when `zone` is a time zone name that Intl accepts (IANA names, any letter case). */
export function isTimeZone(zone: string): boolean {
  if (knownZones.has(zone)) return true;
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    return false;
  }
  knownZones.add(zone);
  return true;
}

/** Throws ConfigError unless `zone` is a usable IANA zone (the business zone is configuration). */
export function assertTimeZone(zone: string): void {
  if (!isTimeZone(zone)) throw new ConfigError([`unknown IANA time zone: ${zone}`]);
}

/** Throws RangeError for an invalid Date (a programming error: `now` always comes from a Clock). */
export function assertInstant(now: Date): void {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new RangeError('now is not a valid Date');
}

function millisOf(instant: Date | number): number {
  return typeof instant === 'number' ? instant : instant.getTime();
}

// tzOffset alone would read a name such as "Not/AZone+05" as a fixed offset; an unknown zone is NaN here.
function offsetAt(millis: number, zone: string): number {
  return isTimeZone(zone) ? tzOffset(zone, new Date(millis)) : Number.NaN;
}

function shift(offset: number): number {
  // Offsets before standard time (local mean time) can have seconds, i.e. fractional minutes.
  return Math.round(offset * MINUTE_MS);
}

/**
 * The instant at which the clocks of `zone` show `wall`. A wall time shown twice (clocks turned back)
 * is the earlier instant unless `preferOffset` fits the later; one skipped by a forward jump is read
 * with the offset before the jump, so it lands as far past the jump as it was meant to be past the
 * skipped hour (Temporal's "compatible" disambiguation).
 */
function wallToMillis(wall: number, zone: string, preferOffset?: number): number {
  const fits = (offset: number): boolean => offsetAt(wall - shift(offset), zone) === offset;
  if (preferOffset !== undefined && fits(preferOffset)) return wall - shift(preferOffset);
  // Offsets span less than a day either way and zones do not change twice within two days, so the
  // offsets a day before and after are the only candidates.
  const before = offsetAt(wall - DAY_MS, zone);
  if (fits(before)) return wall - shift(before);
  const after = offsetAt(wall + DAY_MS, zone);
  if (fits(after)) return wall - shift(after);
  return wall - shift(before);
}

/** `instant` seen on the wall clocks of `zone`. */
export function inZone(instant: Date | number, zone: string): LocalTime {
  const millis = millisOf(instant);
  const offset = offsetAt(millis, zone);
  const wall = new Date(millis + shift(offset));
  const known = !Number.isNaN(wall.getTime());
  return {
    day: known ? dayOfUtcMillis(wall.getTime()) : '',
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    offset,
  };
}

/** The calendar day (`YYYY-MM-DD`) that `instant` falls on in `zone`. */
export function localDayOf(instant: Date | number, zone: string): string {
  return inZone(instant, zone).day;
}

/**
 * Epoch ms of `hour`:00 on `day` in `zone`; hour 24 is the next day's midnight. A wall time that a DST
 * jump skips (e.g. midnight in America/Santiago on its spring day) becomes the first instant after it;
 * one that happens twice (midnight in America/Havana on its autumn day) is the first of the two.
 */
export function localHourMillis(day: string, hour: number, zone: string): number {
  // Hours past 23 run on into the next day by plain arithmetic, so 9999-12-31 24:00 works too.
  const value =
    isCalendarDay(day) && Number.isFinite(hour)
      ? wallToMillis(utcMillisOf(day) + Math.trunc(hour) * HOUR_MS, zone)
      : Number.NaN;
  if (Number.isNaN(value)) throw new RangeError(`cannot place ${day} ${hour}:00 in ${zone}`);
  return value;
}

/**
 * The instant `days` calendar days after `instant` in `zone` at the same wall-clock time: a DST change
 * in between changes the elapsed hours, not the clock time. If that clock time happens twice, the one
 * with the offset `instant` had wins; if it is skipped, the first instant after the jump.
 */
export function plusLocalDays(instant: Date | number, days: number, zone: string): number {
  const millis = millisOf(instant);
  const offset = offsetAt(millis, zone);
  return wallToMillis(millis + shift(offset) + days * DAY_MS, zone, offset);
}

/** The UTC offset of `zone` at `instant`, in minutes. */
export function offsetMinutes(instant: Date | number, zone: string): number {
  return offsetAt(millisOf(instant), zone);
}
