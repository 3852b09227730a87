/** Instants as strings: one canonical form, so a slot's start compares and keys the same everywhere. */
import { isCalendarDay, utcMillisOf } from './calendar-day.ts';

// An offset is required: a timestamp without one is a wall time in an unknown zone, not an instant.
const INSTANT_SHAPE =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:Z|([+-])(\d{2}):?(\d{2}))$/i;

/**
 * The canonical `Date#toISOString()` form of an ISO instant: Calendly's `2026-11-26T14:00:00.000000Z`
 * becomes `2026-11-26T14:00:00.000Z`. Digits below the millisecond are dropped. Throws RangeError for
 * anything that is not a real instant with an offset (`2026-02-30T...` included).
 */
export function isoInstant(value: string): string {
  const match = INSTANT_SHAPE.exec(value);
  if (match === null) throw new RangeError(`not an ISO instant with an offset: ${value}`);
  const [, day = '', hh, mm, ss = '0', fraction = '', sign, offsetHours, offsetMinutes] = match;
  const [hour, minute, second] = [Number(hh), Number(mm), Number(ss)];
  const millisecond = Number(fraction.slice(0, 3).padEnd(3, '0'));
  // ISO 8601's 24:00 is the end of the day, i.e. the next midnight; 24:00:01 is no time at all.
  const endOfDay = hour === 24 && minute === 0 && second === 0 && millisecond === 0;
  if (!isCalendarDay(day) || (hour > 23 && !endOfDay) || minute > 59 || second > 59) {
    throw new RangeError(`not a real instant: ${value}`);
  }
  const offset =
    sign === undefined ? 0 : Number(`${sign}1`) * (Number(offsetHours) * 60 + Number(offsetMinutes));
  const millis = utcMillisOf(day) + ((hour * 60 + minute - offset) * 60 + second) * 1000 + millisecond;
  return new Date(millis).toISOString();
}
