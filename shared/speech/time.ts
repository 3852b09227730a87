/**
 * Speakable dates and times for what callers hear and read (tool `say` texts, SMS): plain words a TTS reads well (no newlines, no symbols
 * beyond commas, colons in clock times and parentheses). Names of days and months are our own English
 * tables and clock times are built by hand, so output does not drift with ICU versions (ICU, for
 * example, puts a narrow no-break space before "PM"); only the zone's generic name comes from Intl.
 */
import {
  addDays,
  daysBetween,
  isCalendarDay,
  partsOf,
  type Weekday,
  weekdayOf,
} from '../domain/time/calendar-day.ts';
import { isoInstant } from '../domain/time/instant.ts';
import { inZone, isTimeZone, localDayOf, offsetMinutes } from '../domain/time/zone.ts';

/** What speaking a date relative to "today" needs: the business zone and the current instant. */
export interface SpeakContext {
  zone: string;
  now: Date;
}

/** SpeakContext plus the caller's zone, when known, to add the caller's local time. */
export interface SlotSpeakContext extends SpeakContext {
  callerZone?: string | null | undefined;
}

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

// Within about six months the weekday and month pin the date; beyond that the year is spoken too.
const SPEAK_YEAR_AFTER_DAYS = 180;

/** English name of an ISO weekday (1 = Monday). */
export function weekdayName(weekday: Weekday): string {
  return WEEKDAY_NAMES[weekday - 1] ?? '';
}

/** English name of a month (1 = January), or null for a number that is not a month. */
export function monthName(month: number): string | null {
  return MONTH_NAMES[month - 1] ?? null;
}

/** "December 1" for a calendar day. */
export function speakMonthDay(day: string): string {
  const { month, day: dayOfMonth } = partsOf(day);
  return `${monthName(month)} ${dayOfMonth}`;
}

/** "Tuesday, December 1", with ", 2027" added when `day` is more than about six months from `today`. */
export function speakCalendarDay(day: string, today: string): string {
  const base = `${weekdayName(weekdayOf(day))}, ${speakMonthDay(day)}`;
  return Math.abs(daysBetween(today, day)) > SPEAK_YEAR_AFTER_DAYS ? `${base}, ${partsOf(day).year}` : base;
}

function relativeWord(day: string, today: string): string | null {
  if (day === today) return 'today';
  if (day === addDays(today, 1)) return 'tomorrow';
  return null;
}

/** "today, Thursday, November 26", "tomorrow, Friday, November 27" or "Tuesday, December 1" (business zone). */
export function speakDate(day: string, context: SpeakContext): string {
  if (!isCalendarDay(day)) throw new RangeError(`not a calendar day: ${day}`);
  const today = localDayOf(context.now, context.zone);
  const full = speakCalendarDay(day, today);
  const relative = relativeWord(day, today);
  return relative === null ? full : `${relative}, ${full}`;
}

/** "Tuesday, December 1" for one day; "today through Sunday, November 29" for an inclusive range. */
export function speakDayRange(firstDay: string, lastDay: string, context: SpeakContext): string {
  if (firstDay === lastDay) return speakDate(firstDay, context);
  const today = localDayOf(context.now, context.zone);
  const first = relativeWord(firstDay, today) ?? speakCalendarDay(firstDay, today);
  return `${first} through ${speakCalendarDay(lastDay, today)}`;
}

/** A clock time: "9 AM", "2:30 PM", "noon", "midnight". */
export function speakClock(hour: number, minute: number): string {
  if (minute === 0 && hour === 12) return 'noon';
  if (minute === 0 && hour === 0) return 'midnight';
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  const mm = minute === 0 ? '' : `:${String(minute).padStart(2, '0')}`;
  return `${h12}${mm} ${hour < 12 ? 'AM' : 'PM'}`;
}

const zoneNameFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's generic English name at `at` ("Eastern Time", "Central European Time", "UTC plus 5:30"). */
export function speakZoneName(zone: string, at: Date | number): string {
  let format = zoneNameFormats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longGeneric' });
    zoneNameFormats.set(zone, format);
  }
  const name = format.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? zone;
  // Zones without a CLDR name come back as "GMT+05:30"; a TTS reads symbols badly, so say them in words.
  const offset = /^(?:GMT|UTC)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$/.exec(name);
  if (offset === null) return name;
  const [, sign, hours, minutes] = offset;
  if (sign === undefined || (Number(hours) === 0 && Number(minutes ?? 0) === 0)) return 'UTC';
  const mm = minutes === undefined || minutes === '00' ? '' : `:${minutes}`;
  return `UTC ${sign === '+' ? 'plus' : 'minus'} ${Number(hours)}${mm}`;
}

/** "a", "a or b", "a, b or c". */
function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

interface SpokenInstant {
  millis: number;
  day: string;
  clock: string;
}

function spokenIn(millis: number, zone: string): SpokenInstant {
  const local = inZone(millis, zone);
  return { millis, day: local.day, clock: speakClock(local.hour, local.minute) };
}

/** Times grouped by day, in order: "Tuesday, December 1 at 9 AM or 10 AM, or Wednesday, December 2 at noon". */
function speakGroups(items: readonly SpokenInstant[], dayLabel: (day: string) => string): string {
  const groups: Array<{ day: string; clocks: string[] }> = [];
  for (const item of items) {
    const last = groups.at(-1);
    if (last?.day === item.day) last.clocks.push(item.clock);
    else groups.push({ day: item.day, clocks: [item.clock] });
  }
  return groups.map((group) => `${dayLabel(group.day)} at ${joinOr(group.clocks)}`).join(', or ');
}

/**
 * Start times as one sentence fragment in the business zone, grouped by day, zone named once:
 * "tomorrow, Friday, November 27 at 9 AM, 10 AM or 2:30 PM Eastern Time". When the caller's zone is
 * known and its clock differs, their local times follow: "(6 AM, 7 AM or 11:30 AM Pacific Time for you)".
 * Input order does not matter; duplicates are spoken once. Throws RangeError for an empty list.
 */
export function speakSlotList(starts: readonly string[], context: SlotSpeakContext): string {
  const millis = [...new Set(starts.map((start) => Date.parse(isoInstant(start))))].sort((a, b) => a - b);
  const first = millis[0];
  if (first === undefined) throw new RangeError('no start times to speak');
  const { zone, now } = context;
  const business = millis.map((value) => spokenIn(value, zone));
  const text = `${speakGroups(business, (day) => speakDate(day, context))} ${speakZoneName(zone, first)}`;

  const callerZone = context.callerZone;
  // A caller zone is a guess (e.g. from the phone number); an unusable one is dropped, not fatal.
  if (callerZone == null || !isTimeZone(callerZone)) return text;
  if (millis.every((value) => offsetMinutes(value, callerZone) === offsetMinutes(value, zone))) return text;
  const caller = millis.map((value) => spokenIn(value, callerZone));
  const businessDays = new Set(business.map((item) => item.day));
  const sameDays = caller.every((item, index) => item.day === business[index]?.day);
  const callerToday = localDayOf(now, callerZone);
  const callerText =
    businessDays.size === 1 && sameDays
      ? joinOr(caller.map((item) => item.clock))
      : speakGroups(caller, (day) => speakCalendarDay(day, callerToday));
  return `${text} (${callerText} ${speakZoneName(callerZone, first)} for you)`;
}

/** One start time: "Tuesday, December 1 at 2:30 PM Eastern Time (11:30 AM Pacific Time for you)". */
export function speakSlot(startIso: string, context: SlotSpeakContext): string {
  return speakSlotList([startIso], context);
}

/** A search window's days and part of day: "tomorrow, Friday, November 27 in the afternoon". */
export function speakWindow(
  window: { firstDay: string; lastDay: string; partOfDay: string },
  context: SpeakContext,
): string {
  const days = speakDayRange(window.firstDay, window.lastDay, context);
  return window.partOfDay === 'any' ? days : `${days} in the ${window.partOfDay}`;
}

/** Clock times alone, in the business zone, in order: "2:30 PM or 3:30 PM" (for times of a day already named). */
export function speakTimesOfDay(starts: readonly string[], zone: string): string {
  const millis = [...new Set(starts.map((start) => Date.parse(isoInstant(start))))].sort((a, b) => a - b);
  return joinOr(millis.map((value) => spokenIn(value, zone).clock));
}
