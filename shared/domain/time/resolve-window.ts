/**
 * The search window of `check_availability`: which instants to ask Calendly for, and which of the
 * returned start times to keep. Days are chosen on the business zone's calendar (./phrases.ts) and only
 * then placed on the time line (./zone.ts), so a DST change inside the window moves the UTC bounds and
 * never the local days or hours.
 */
import { type RequestProblem, UnusableRequestError } from '../errors.ts';
import { addDays, earlierDay, hasCalendarDayShape, isCalendarDay, laterDay } from './calendar-day.ts';
import { isoInstant } from './instant.ts';
import {
  isPartOfDay,
  PART_OF_DAY_HOURS,
  type PartOfDay,
  partOfDayAtHour,
  partOfDayOf,
} from './parts-of-day.ts';
import { type ClockTime, interpretWhen } from './phrases.ts';
import { assertInstant, assertTimeZone, localDayOf, localHourMillis, plusLocalDays } from './zone.ts';

/** How far ahead a caller can book, in days, unless the caller of resolveSearchWindow says otherwise. */
export const DEFAULT_HORIZON_DAYS = 31;

/** With no day asked for, the window is today and the following days, this many calendar days in all. */
export const DEFAULT_SPAN_DAYS = 7;

/** What the caller asked for (tool arguments); blank strings and nulls count as not given. */
export interface SearchWindowInput {
  date?: string | null | undefined;
  when?: string | null | undefined;
  partOfDay?: PartOfDay | null | undefined;
  /** A local clock time, "HH:MM" (24-hour); wins over one in `when`. */
  time?: string | null | undefined;
}

/** The business zone, the pinned current instant, and the booking horizon. */
export interface SearchWindowContext {
  now: Date;
  zone: string;
  horizonDays?: number | undefined;
}

/** A resolved window: [start, end) as UTC instants, its local days, and the part of day to keep. */
export interface SearchWindow {
  /** First instant to search (UTC ISO), never before now. */
  start: string;
  /** Instant the search ends, exclusive (UTC ISO), never after now + horizon. */
  end: string;
  /** First local day that still has searchable time (YYYY-MM-DD in `zone`). */
  firstDay: string;
  /** Last local day that has searchable time. */
  lastDay: string;
  partOfDay: PartOfDay;
  zone: string;
  /** The clock time the caller asked for, in `zone`: offered first when free, else the nearest times. */
  askedTime: ClockTime | null;
}

function blank(value: string | null | undefined): value is null | undefined {
  return value === null || value === undefined || value.trim() === '';
}

function invalid(problem: RequestProblem): UnusableRequestError {
  return new UnusableRequestError(problem);
}

const CLOCK_SHAPE = /^(\d{1,2}):(\d{2})$/;

/** "15:00" as a clock time; "25:00" and "3pm" are refused (the phrase is where "3pm" belongs). */
function clockTimeOf(time: string): ClockTime {
  const match = CLOCK_SHAPE.exec(time.trim());
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (match === null || hour > 23 || minute > 59) throw invalid({ reason: 'invalid_time', time });
  return { hour, minute };
}

interface Requested {
  first: string;
  last: string;
  phrasePart: PartOfDay | null;
  phraseTime: ClockTime | null;
}

/** The days, part and time a request names, before it meets the clock. */
function requestedDays(input: SearchWindowInput, today: string): Requested {
  if (!blank(input.date)) {
    const date = input.date.trim();
    if (!hasCalendarDayShape(date)) throw invalid({ reason: 'malformed_date', date });
    if (!isCalendarDay(date)) {
      const month = Number(date.slice(5, 7));
      const day = Number(date.slice(8, 10));
      throw invalid({ reason: 'invalid_date', month: month >= 1 && month <= 12 ? month : null, day, date });
    }
    // `date` wins; the phrase may still say "afternoon", but a phrase we cannot read is not an error here.
    let meaning: { partOfDay: PartOfDay | null; time: ClockTime | null } = { partOfDay: null, time: null };
    if (!blank(input.when)) {
      try {
        meaning = interpretWhen(input.when, today);
      } catch (error) {
        if (!(error instanceof UnusableRequestError)) throw error;
      }
    }
    return { first: date, last: date, phrasePart: meaning.partOfDay, phraseTime: meaning.time };
  }
  const meaning = blank(input.when)
    ? { days: null, partOfDay: null, time: null }
    : interpretWhen(input.when, today);
  const days = meaning.days ?? { first: today, last: addDays(today, DEFAULT_SPAN_DAYS - 1) };
  return { ...days, phrasePart: meaning.partOfDay, phraseTime: meaning.time };
}

/**
 * Resolves `check_availability`'s date / when / time / part_of_day against `now` in the business zone.
 * `date` (YYYY-MM-DD) wins over `when`; an explicit `partOfDay` wins over one in the phrase; `time` wins
 * over a time in the phrase, and an asked time names no part (the whole day is searched around it, unless
 * a part was asked for, which keeps a time inside it and drops one outside it); with neither date nor
 * phrase the window is today and the next six days (DEFAULT_SPAN_DAYS calendar days).
 * The window starts no earlier than now and ends no later than now + horizonDays (calendar days in the
 * zone); firstDay/lastDay are narrowed to the days that still hold searchable time of the part of day.
 * Throws UnusableRequestError for unreadable, impossible, past or too-distant requests; ConfigError for
 * an unknown zone.
 */
export function resolveSearchWindow(input: SearchWindowInput, context: SearchWindowContext): SearchWindow {
  const { now, zone } = context;
  const horizonDays = context.horizonDays ?? DEFAULT_HORIZON_DAYS;
  assertInstant(now);
  assertTimeZone(zone);
  if (!Number.isInteger(horizonDays) || horizonDays < 1)
    throw new RangeError(`bad horizonDays: ${horizonDays}`);
  if (input.partOfDay != null && !isPartOfDay(input.partOfDay)) {
    throw invalid({ reason: 'invalid_part_of_day', partOfDay: input.partOfDay });
  }
  const askedTime = blank(input.time) ? null : clockTimeOf(input.time);

  const nowMillis = now.getTime();
  const today = localDayOf(now, zone);
  const requested = requestedDays(input, today);
  const partOfDay = input.partOfDay ?? requested.phrasePart ?? 'any';
  // A time outside the part of day asked for was not searched: it is not offered first, nor called taken.
  const wanted = askedTime ?? requested.phraseTime;
  const time =
    wanted !== null && (partOfDay === 'any' || partOfDayAtHour(wanted.hour) === partOfDay) ? wanted : null;
  const hours = PART_OF_DAY_HOURS[partOfDay];
  const horizonMillis = plusLocalDays(now, horizonDays, zone);
  const lastBookableDay = localDayOf(horizonMillis - 1, zone);

  if (requested.last < today || localHourMillis(requested.last, hours.end, zone) <= nowMillis) {
    throw pastError(requested.first, requested.last, today, partOfDay);
  }
  if (
    requested.first > lastBookableDay ||
    localHourMillis(requested.first, hours.start, zone) >= horizonMillis
  ) {
    throw invalid({
      reason: 'beyond_horizon',
      firstDay: requested.first,
      lastBookableDay,
      horizonDays,
      today,
    });
  }

  // Narrow to days that still hold some of the part of day between now and the horizon.
  let firstDay = laterDay(requested.first, today);
  while (localHourMillis(firstDay, hours.end, zone) <= nowMillis) firstDay = addDays(firstDay, 1);
  let lastDay = earlierDay(requested.last, lastBookableDay);
  while (localHourMillis(lastDay, hours.start, zone) >= horizonMillis) lastDay = addDays(lastDay, -1);

  const start = Math.max(localHourMillis(firstDay, hours.start, zone), nowMillis);
  const end = Math.min(localHourMillis(lastDay, hours.end, zone), horizonMillis);
  return {
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    firstDay,
    lastDay,
    partOfDay,
    zone,
    askedTime: time,
  };
}

function pastError(first: string, last: string, today: string, partOfDay: PartOfDay): UnusableRequestError {
  return invalid({ reason: 'past', firstDay: first, lastDay: last, today, partOfDay });
}

/** True when a start time (any ISO instant) lies in [start, end) and in the window's part of day. */
export function isWithinWindow(startIso: string, window: SearchWindow): boolean {
  const at = Date.parse(isoInstant(startIso));
  if (at < Date.parse(window.start) || at >= Date.parse(window.end)) return false;
  return window.partOfDay === 'any' || partOfDayOf(startIso, window.zone) === window.partOfDay;
}
