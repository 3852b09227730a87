/**
 * Parts of the day in the business zone. They partition the day (every start time belongs to exactly one
 * part) rather than guessing office hours: Calendly only lists bookable times anyway, so a "morning"
 * request must not hide a 7:30 AM slot just because it is early.
 */
import { isoInstant } from './instant.ts';
import { inZone } from './zone.ts';

/** Every part of day a caller can ask for; `any` is the whole day. */
export const PARTS_OF_DAY = ['morning', 'afternoon', 'evening', 'any'] as const;

/** A part of the day a caller can ask for. */
export type PartOfDay = (typeof PARTS_OF_DAY)[number];

/** A part of the day a start time can fall in (`any` is only ever a request). */
export type DayPart = Exclude<PartOfDay, 'any'>;

/** Wall-clock bounds in the business zone, in hours: [start, end). 24 is the next midnight. */
export const PART_OF_DAY_HOURS: Readonly<
  Record<PartOfDay, { readonly start: number; readonly end: number }>
> = {
  morning: { start: 0, end: 12 },
  afternoon: { start: 12, end: 17 },
  evening: { start: 17, end: 24 },
  any: { start: 0, end: 24 },
};

/** True when `value` names a part of day. */
export function isPartOfDay(value: unknown): value is PartOfDay {
  return typeof value === 'string' && (PARTS_OF_DAY as readonly string[]).includes(value);
}

/** The part of day a wall-clock hour (0-23) falls in. */
export function partOfDayAtHour(hour: number): DayPart {
  if (hour < PART_OF_DAY_HOURS.afternoon.start) return 'morning';
  if (hour < PART_OF_DAY_HOURS.evening.start) return 'afternoon';
  return 'evening';
}

/** The part of day a start time (any ISO instant, e.g. Calendly's) falls in on the clocks of `zone`. */
export function partOfDayOf(startIso: string, zone: string): DayPart {
  return partOfDayAtHour(inZone(Date.parse(isoInstant(startIso)), zone).hour);
}
