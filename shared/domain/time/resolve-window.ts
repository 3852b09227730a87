/**
 * The search window of `check_availability`: which instants to ask Calendly for, and which of the
 * returned start times to keep. Days are chosen on the business zone's calendar (./phrases.ts) and only
 * then placed on the time line (./zone.ts), so a DST change inside the window moves the UTC bounds and
 * never the local days or hours.
 */
import { ToolError } from '../errors.ts';
import { addDays, earlierDay, hasCalendarDayShape, isCalendarDay, laterDay } from './calendar-day.ts';
import { isoInstant } from './instant.ts';
import { isPartOfDay, PART_OF_DAY_HOURS, type PartOfDay, partOfDayOf } from './parts-of-day.ts';
import { interpretWhen } from './phrases.ts';
import { monthName, speakCalendarDay, speakDayRange } from './speak.ts';
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
  /** The days, spoken: "tomorrow, Friday, November 27" or "today through Wednesday, December 2". */
  spokenRange: string;
}

function blank(value: string | null | undefined): value is null | undefined {
  return value === null || value === undefined || value.trim() === '';
}

function invalid(say: string, details: Record<string, unknown>): ToolError {
  return new ToolError('invalid_arguments', say, details);
}

/** The days and part a request names, before it meets the clock. */
function requestedDays(
  input: SearchWindowInput,
  today: string,
): { first: string; last: string; phrasePart: PartOfDay | null } {
  if (!blank(input.date)) {
    const date = input.date.trim();
    if (!hasCalendarDayShape(date)) {
      throw invalid("I didn't catch the date. Which day would you like?", { reason: 'malformed_date', date });
    }
    if (!isCalendarDay(date)) {
      const month = monthName(Number(date.slice(5, 7)));
      const say =
        month === null
          ? "That isn't a real date. Which day would you like?"
          : `There's no ${month} ${Number(date.slice(8, 10))}. Which day did you mean?`;
      throw invalid(say, { reason: 'invalid_date', date });
    }
    // `date` wins; the phrase may still say "afternoon", but a phrase we cannot read is not an error here.
    let phrasePart: PartOfDay | null = null;
    if (!blank(input.when)) {
      try {
        phrasePart = interpretWhen(input.when, today).partOfDay;
      } catch (error) {
        if (!(error instanceof ToolError)) throw error;
      }
    }
    return { first: date, last: date, phrasePart };
  }
  const meaning = blank(input.when) ? { days: null, partOfDay: null } : interpretWhen(input.when, today);
  const days = meaning.days ?? { first: today, last: addDays(today, DEFAULT_SPAN_DAYS - 1) };
  return { ...days, phrasePart: meaning.partOfDay };
}

/**
 * Resolves `check_availability`'s date / when / part_of_day against `now` in the business zone.
 * `date` (YYYY-MM-DD) wins over `when`; an explicit `partOfDay` wins over one in the phrase; with
 * neither date nor phrase the window is today and the next six days (DEFAULT_SPAN_DAYS calendar days).
 * The window starts no earlier than now and ends no later than now + horizonDays (calendar days in the
 * zone); firstDay/lastDay are narrowed to the days that still hold searchable time of the part of day.
 * Throws ToolError('invalid_arguments') with a speakable `say` for unreadable, impossible, past or
 * too-distant requests; ConfigError for an unknown zone.
 */
export function resolveSearchWindow(input: SearchWindowInput, context: SearchWindowContext): SearchWindow {
  const { now, zone } = context;
  const horizonDays = context.horizonDays ?? DEFAULT_HORIZON_DAYS;
  assertInstant(now);
  assertTimeZone(zone);
  if (!Number.isInteger(horizonDays) || horizonDays < 1)
    throw new RangeError(`bad horizonDays: ${horizonDays}`);
  if (input.partOfDay != null && !isPartOfDay(input.partOfDay)) {
    throw invalid('Would you like the morning, the afternoon, the evening, or any time?', {
      reason: 'invalid_part_of_day',
      partOfDay: input.partOfDay,
    });
  }

  const nowMillis = now.getTime();
  const today = localDayOf(now, zone);
  const speak = { zone, now };
  const requested = requestedDays(input, today);
  const partOfDay = input.partOfDay ?? requested.phrasePart ?? 'any';
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
    const say = `I can only book up to ${horizonDays} days ahead, so through ${speakCalendarDay(lastBookableDay, today)}. Which day before then would work?`;
    throw invalid(say, { reason: 'beyond_horizon', firstDay: requested.first, lastBookableDay, horizonDays });
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
    spokenRange: speakDayRange(firstDay, lastDay, speak),
  };
}

function pastError(first: string, last: string, today: string, partOfDay: PartOfDay): ToolError {
  const details = { reason: 'past', firstDay: first, lastDay: last, today };
  if (last === today) {
    // Only a part of today can be over while today is not.
    return invalid(
      `It's already past the ${partOfDay} today, ${speakCalendarDay(today, today)}. Would another time work?`,
      details,
    );
  }
  const said =
    first === last
      ? `${speakCalendarDay(first, today)} has already passed.`
      : `${speakCalendarDay(first, today)} through ${speakCalendarDay(last, today)} have already passed.`;
  return invalid(
    `${said} Today is ${speakCalendarDay(today, today)}. Which day would you like instead?`,
    details,
  );
}

/** True when a start time (any ISO instant) lies in [start, end) and in the window's part of day. */
export function isWithinWindow(startIso: string, window: SearchWindow): boolean {
  const at = Date.parse(isoInstant(startIso));
  if (at < Date.parse(window.start) || at >= Date.parse(window.end)) return false;
  return window.partOfDay === 'any' || partOfDayOf(startIso, window.zone) === window.partOfDay;
}
