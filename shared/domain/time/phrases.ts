/**
 * The free-phrase grammar of `check_availability`'s `when` argument: a phrase becomes calendar days and
 * a part of day, relative to "today" in the business zone.
 *
 * Why hand-written and not chrono-node (measured with esbuild --bundle --minify, cold `node` runs):
 * chrono 2.10.3 would add 46 KB to this module set's 17 KB (zone offsets from @date-fns/tz included;
 * 87 KB back when it used luxon) and about 20 ms to a first parse (+32 ms vs +12 ms over bare Node),
 * which would fit the budgets, but it is not deterministic for us: its calendar depends on the process
 * zone even with a reference zone given (at 22:30 in New York on Lambda's UTC, "tomorrow" came out a
 * day late), and against our phrase list it read "day after tomorrow" as tomorrow and "friday after
 * next" as this Friday, found nothing in "the 3rd", and turned "this week", "next week" and "early next
 * week" into single days. Wrapping it would mean re-checking most of its answers. This grammar is small,
 * works on calendar days only (zones and DST enter later, in ./resolve-window.ts via ./zone.ts), and
 * every rule below is ours and tested:
 *
 * - Weeks run Monday to Sunday. "this week" = today to Sunday; "next week" = next Monday to Sunday;
 *   "this weekend" = the coming Saturday (or today) to Sunday; "next weekend" = the weekend of next week.
 * - "tuesday" = the first Tuesday strictly after today (said on a Tuesday it means a week later).
 *   "this tuesday" = the first Tuesday on or after today. "next tuesday" = the Tuesday of next week
 *   (said on Thursday: in five days; on Monday: in eight). "tuesday after next" = "tuesday" + 7 days.
 * - "the 3rd" = the next 3rd of a month, today included; "march 3" / "3rd of march" / "3/3" (US
 *   month/day) = the next March 3, today included; an explicit year ("march 3 2027", "3/3/27",
 *   "2027-03-03") is taken as said, even when past. February 30 and the 32nd are errors.
 * - "in 3 days", "in two weeks", "a week from today" = that single day. "early next week" = Monday to
 *   Wednesday, "middle of the week" = Tuesday to Thursday, "end of the week" / "late next week" =
 *   Thursday to Friday, "later this week" = tomorrow to Sunday (refused on a Sunday). Days before today
 *   are returned as such; ./resolve-window.ts refuses them with what today is.
 * - Parts of day: morning, afternoon, evening (also night, tonight); noon, midday and lunch(time) count as
 *   afternoon; "after lunch" afternoon, "before noon" morning, "after work" evening. A clock time is the
 *   time asked for and names no part (the day is searched around it; without AM/PM, 1 to 6 are PM:
 *   nobody books at 3 AM); "after 3", "before 3" and "by 3" ask for no time and drop the part. Two different parts ("morning or afternoon")
 *   mean any.
 * - Several day expressions must agree: they are intersected ("tuesday next week", "monday the 30th",
 *   "tuesday december 1st"); a weekday that does not fit is an error that says which weekday it is.
 * - "anytime", "whenever", "asap", "first available", "next few days" name no day (the default window).
 * - Filler words are skipped; a word that could change the meaning but is not understood (a number,
 *   a month or weekday name, "next", "last", "month", "not", ...) makes the phrase unrecognised rather
 *   than silently misread.
 */
import { UnusableRequestError } from '../errors.ts';
import {
  addDays,
  calendarDay,
  laterDay,
  mondayOf,
  partsOf,
  type Weekday,
  weekdayOf,
} from './calendar-day.ts';
import type { PartOfDay } from './parts-of-day.ts';

/** A local clock time, 24-hour. */
export interface ClockTime {
  hour: number;
  minute: number;
}

/** "09:30", "15:00": a clock time as the `time` argument writes it. */
export function clockText(time: ClockTime): string {
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}

/**
 * What a phrase names: an inclusive range of calendar days (null: no particular day), a part of day, and
 * the clock time asked for ("at 3", "2:30 pm"; null for none, for a bound such as "after 4", or for two).
 */
export interface PhraseMeaning {
  days: { first: string; last: string } | null;
  partOfDay: PartOfDay | null;
  time: ClockTime | null;
}

const MAX_PHRASE_LENGTH = 200;

const WEEKDAY_WORDS: Readonly<Record<string, Weekday>> = {
  monday: 1,
  mon: 1,
  mondays: 1,
  tuesday: 2,
  tue: 2,
  tues: 2,
  tuesdays: 2,
  wednesday: 3,
  wed: 3,
  weds: 3,
  wednesdays: 3,
  thursday: 4,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursdays: 4,
  friday: 5,
  fri: 5,
  fridays: 5,
  saturday: 6,
  sat: 6,
  saturdays: 6,
  sunday: 7,
  sun: 7,
  sundays: 7,
};

const MONTH_WORDS: Readonly<Record<string, number>> = {
  january: 1,
  jan: 1,
  february: 2,
  feb: 2,
  march: 3,
  mar: 3,
  april: 4,
  apr: 4,
  may: 5,
  june: 6,
  jun: 6,
  july: 7,
  jul: 7,
  august: 8,
  aug: 8,
  september: 9,
  sep: 9,
  sept: 9,
  october: 10,
  oct: 10,
  november: 11,
  nov: 11,
  december: 12,
  dec: 12,
};

const PART_WORDS: Readonly<Record<string, PartOfDay>> = {
  morning: 'morning',
  mornings: 'morning',
  afternoon: 'afternoon',
  afternoons: 'afternoon',
  noon: 'afternoon',
  midday: 'afternoon',
  lunch: 'afternoon',
  lunchtime: 'afternoon',
  evening: 'evening',
  evenings: 'evening',
  night: 'evening',
  nights: 'evening',
};

const COUNT_WORDS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  couple: 2,
  few: 3,
};

const UNIT_DAYS: Readonly<Record<string, number>> = {
  day: 1,
  days: 1,
  week: 7,
  weeks: 7,
  fortnight: 14,
  fortnights: 14,
};

const ORDINAL_WORDS: Readonly<Record<string, number>> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  thirteenth: 13,
  fourteenth: 14,
  fifteenth: 15,
  sixteenth: 16,
  seventeenth: 17,
  eighteenth: 18,
  nineteenth: 19,
  twentieth: 20,
  thirtieth: 30,
};

const TENS_WORDS: Readonly<Record<string, number>> = { twenty: 20, thirty: 30 };

// Phrases that name no particular day; consumed so that their words ("next", "day") are not significant.
const NO_DAY_PHRASES: readonly (readonly string[])[] = [
  ['anytime'],
  ['any', 'time'],
  ['any', 'day'],
  ['whenever'],
  ['asap'],
  ['as', 'soon', 'as', 'possible'],
  ['soon'],
  ['soonest'],
  ['earliest'],
  ['first', 'available'],
  ['next', 'available'],
  ['no', 'preference'],
  ['no', 'rush'],
  ['flexible'],
  ['next', 'few', 'days'],
  ['next', 'couple', 'of', 'days'],
  ['next', 'couple', 'days'],
  ['coming', 'days'],
];

// Unconsumed, these could change what the caller meant, so the phrase is refused instead of half-read.
const SIGNIFICANT_WORDS = new Set([
  'day',
  'days',
  'week',
  'weeks',
  'weekend',
  'weekends',
  'fortnight',
  'fortnights',
  'month',
  'months',
  'year',
  'years',
  'next',
  'last',
  'ago',
  'before',
  'after',
  'past',
  'previous',
  'until',
  'till',
  'between',
  'except',
  'not',
  'no',
  'yesterday',
]);

// Words after "the first" etc. that show an ordinal is not a day of the month ("the first available").
const NOT_A_DAY_AFTER = new Set([
  'available',
  'thing',
  'time',
  'one',
  'slot',
  'opening',
  'appointment',
  'chance',
]);

const CLOCK_SUFFIXES = new Set(['am', 'pm', 'oclock']);

interface Found {
  ranges: Array<{ first: string; last: string }>;
  weekdays: Set<Weekday>;
  parts: Set<PartOfDay>;
  /** Clock times asked for, as "HH:MM". */
  times: Set<string>;
  understood: boolean;
}

interface Scan {
  tokens: readonly string[];
  today: string;
  phrase: string;
  found: Found;
}

function unrecognised(phrase: string): UnusableRequestError {
  return new UnusableRequestError({ reason: 'unrecognized_phrase', when: phrase });
}

function noSuchDate(month: number | null, dayOfMonth: number, phrase: string): UnusableRequestError {
  return new UnusableRequestError({ reason: 'invalid_date', month, day: dayOfMonth, when: phrase });
}

function conflicting(phrase: string): UnusableRequestError {
  return new UnusableRequestError({ reason: 'conflicting_days', when: phrase });
}

function tokenize(phrase: string): string[] {
  return (
    phrase
      .normalize('NFKC')
      .toLowerCase()
      .replace(/['’]/g, '')
      .replace(/\b([ap])\.\s?m\b\.?/g, '$1m')
      .match(
        /\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\/\d{1,2}(?:\/\d{2,4})?|\d{1,2}:\d{2}|\d+(?:st|nd|rd|th)?|[a-z]+/g,
      ) ?? []
  );
}

function at(tokens: readonly string[], index: number): string {
  return tokens[index] ?? '';
}

/** Length of `words` when the tokens at `index` are exactly those words, else 0. */
function sequence(tokens: readonly string[], index: number, words: readonly string[]): number {
  return words.every((word, offset) => at(tokens, index + offset) === word) ? words.length : 0;
}

function isSignificant(token: string): boolean {
  return (
    /^\d/.test(token) ||
    SIGNIFICANT_WORDS.has(token) ||
    token in WEEKDAY_WORDS ||
    (token in MONTH_WORDS && token !== 'may')
  );
}

interface DayNumber {
  value: number;
  length: number;
  ordinal: boolean;
}

/** A day of the month written "3", "3rd", "third" or "twenty first". */
function readDayNumber(tokens: readonly string[], index: number): DayNumber | null {
  const token = at(tokens, index);
  const digits = /^(\d{1,2})(st|nd|rd|th)?$/.exec(token);
  if (digits !== null) return { value: Number(digits[1]), length: 1, ordinal: digits[2] !== undefined };
  const ordinal = ORDINAL_WORDS[token];
  if (ordinal !== undefined) return { value: ordinal, length: 1, ordinal: true };
  const tens = TENS_WORDS[token];
  const unit = ORDINAL_WORDS[at(tokens, index + 1)];
  if (tens !== undefined && unit !== undefined && unit < 10)
    return { value: tens + unit, length: 2, ordinal: true };
  return null;
}

/** True when the token at `index` makes a preceding number a clock time ("3 pm", "3 o'clock"). */
function clockFollows(tokens: readonly string[], index: number): boolean {
  const token = at(tokens, index);
  return CLOCK_SUFFIXES.has(token) || (token === 'o' && at(tokens, index + 1) === 'clock');
}

function readYear(tokens: readonly string[], index: number): number | null {
  const token = at(tokens, index);
  return /^\d{4}$/.test(token) ? Number(token) : null;
}

/** The first `month`/`dayOfMonth` on or after today; an impossible date (February 30) throws. */
function nextMonthDay(scan: Scan, month: number, dayOfMonth: number, year: number | null): string {
  // 2000 is a leap year: if a month/day is not valid there, it is valid in no year.
  if (month < 1 || month > 12 || calendarDay(2000, month, dayOfMonth) === null) {
    throw noSuchDate(month >= 1 && month <= 12 ? month : null, dayOfMonth, scan.phrase);
  }
  if (year !== null) {
    const day = calendarDay(year, month, dayOfMonth);
    if (day === null) throw noSuchDate(month, dayOfMonth, scan.phrase);
    return day;
  }
  const thisYear = partsOf(scan.today).year;
  for (let candidate = thisYear; candidate <= thisYear + 8; candidate++) {
    const day = calendarDay(candidate, month, dayOfMonth);
    if (day !== null && day >= scan.today) return day;
  }
  throw noSuchDate(month, dayOfMonth, scan.phrase);
}

/** The next `dayOfMonth` (today included), skipping months too short for it. */
function nextDayOfMonth(scan: Scan, dayOfMonth: number): string {
  if (dayOfMonth < 1 || dayOfMonth > 31) {
    throw new UnusableRequestError({ reason: 'no_such_day_of_month', day: dayOfMonth, when: scan.phrase });
  }
  const { year, month } = partsOf(scan.today);
  for (let ahead = 0; ahead <= 12; ahead++) {
    const day = calendarDay(
      year + Math.floor((month - 1 + ahead) / 12),
      ((month - 1 + ahead) % 12) + 1,
      dayOfMonth,
    );
    if (day !== null && day >= scan.today) return day;
  }
  throw noSuchDate(null, dayOfMonth, scan.phrase);
}

function addDay(scan: Scan, first: string, last: string = first): void {
  scan.found.ranges.push({ first, last });
  scan.found.understood = true;
}

function addPart(scan: Scan, part: PartOfDay): void {
  scan.found.parts.add(part);
  scan.found.understood = true;
}

/** The first `weekday` strictly after `day`. */
function weekdayAfter(day: string, weekday: Weekday): string {
  return addDays(day, ((weekday - weekdayOf(day) + 6) % 7) + 1);
}

/** The first `weekday` on or after `day`. */
function weekdayOnOrAfter(day: string, weekday: Weekday): string {
  return addDays(day, (weekday - weekdayOf(day) + 7) % 7);
}

function noDayPhrase(scan: Scan, index: number): number {
  for (const words of NO_DAY_PHRASES) {
    const length = sequence(scan.tokens, index, words);
    if (length > 0) {
      scan.found.understood = true;
      return length;
    }
  }
  return 0;
}

function relativeDay(scan: Scan, index: number): number {
  const { tokens, today } = scan;
  const token = at(tokens, index);
  const dayAfter = sequence(tokens, index, ['day', 'after', 'tomorrow']);
  if (dayAfter > 0) {
    addDay(scan, addDays(today, 2));
    return dayAfter;
  }
  if (token === 'tomorrow' || token === 'tmrw' || token === 'tomorow' || token === 'tommorow') {
    addDay(scan, addDays(today, 1));
    return 1;
  }
  if (token === 'today') {
    addDay(scan, today);
    return 1;
  }
  if (token === 'tonight') {
    addDay(scan, today);
    addPart(scan, 'evening');
    return 1;
  }
  const part = PART_WORDS[at(tokens, index + 1)];
  if (token === 'this' && part !== undefined) {
    addDay(scan, today);
    addPart(scan, part);
    return 2;
  }
  return 0;
}

/** "early next week", "end of the week", "later this week", "middle of next week". */
function partOfWeek(scan: Scan, index: number): number {
  const { tokens, today } = scan;
  const modifiers: ReadonlyArray<[readonly string[], 'early' | 'middle' | 'late' | 'later']> = [
    [['early'], 'early'],
    [['beginning', 'of'], 'early'],
    [['start', 'of'], 'early'],
    [['middle', 'of'], 'middle'],
    [['mid'], 'middle'],
    [['late'], 'late'],
    [['end', 'of'], 'late'],
    [['later'], 'later'],
  ];
  for (const [words, kind] of modifiers) {
    let length = sequence(tokens, index, words);
    if (length === 0) continue;
    if (at(tokens, index + length) === 'in') length++;
    // "end of week" has no determiner; it means this week.
    const which = at(tokens, index + length) === 'week' ? 'this' : at(tokens, index + length++);
    if (!['the', 'this', 'next'].includes(which) || at(tokens, index + length) !== 'week') return 0;
    const monday = which === 'next' ? addDays(mondayOf(today), 7) : mondayOf(today);
    const sunday = addDays(monday, 6);
    if (kind === 'early') addDay(scan, monday, addDays(monday, 2));
    else if (kind === 'middle') addDay(scan, addDays(monday, 1), addDays(monday, 3));
    else if (kind === 'late' || which === 'next') addDay(scan, addDays(monday, 3), addDays(monday, 4));
    else if (today < sunday) addDay(scan, addDays(today, 1), sunday);
    else {
      throw new UnusableRequestError({ reason: 'week_over', when: scan.phrase });
    }
    return length + 1;
  }
  return 0;
}

/** "this week", "next weekend", "this tuesday", "next tuesday", "this coming friday", "the weekend". */
function thisOrNext(scan: Scan, index: number): number {
  const { tokens, today } = scan;
  let length = 0;
  let which: 'this' | 'next' | 'coming';
  if (sequence(tokens, index, ['this', 'coming']) > 0) [which, length] = ['coming', 2];
  else if (at(tokens, index) === 'coming') [which, length] = ['coming', 1];
  else if (at(tokens, index) === 'this') [which, length] = ['this', 1];
  else if (at(tokens, index) === 'next') [which, length] = ['next', 1];
  else if (at(tokens, index) === 'weekend' || at(tokens, index) === 'weekends') [which, length] = ['this', 0];
  else return 0;
  const monday = mondayOf(today);
  const nextMonday = addDays(monday, 7);
  const noun = at(tokens, index + length);
  const weekday = WEEKDAY_WORDS[noun];
  if (weekday !== undefined) {
    if (which === 'next') addDay(scan, addDays(nextMonday, weekday - 1));
    else if (which === 'this') addDay(scan, weekdayOnOrAfter(today, weekday));
    else addDay(scan, weekdayAfter(today, weekday));
    return length + 1;
  }
  if (which === 'coming') return 0;
  if (noun === 'week') {
    if (which === 'next') addDay(scan, nextMonday, addDays(nextMonday, 6));
    else addDay(scan, today, addDays(monday, 6));
    return length + 1;
  }
  if (noun === 'weekend' || noun === 'weekends') {
    const saturday = addDays(monday, 5);
    if (which === 'next') addDay(scan, addDays(saturday, 7), addDays(saturday, 8));
    else addDay(scan, laterDay(today, saturday), addDays(monday, 6));
    return length + 1;
  }
  return 0;
}

/** A bare weekday ("tuesday") is a filter; "tuesday after next" is a day of its own. */
function bareWeekday(scan: Scan, index: number): number {
  const weekday = WEEKDAY_WORDS[at(scan.tokens, index)];
  if (weekday === undefined) return 0;
  if (sequence(scan.tokens, index + 1, ['after', 'next']) > 0) {
    addDay(scan, addDays(weekdayAfter(scan.today, weekday), 7));
    return 3;
  }
  scan.found.weekdays.add(weekday);
  scan.found.understood = true;
  return 1;
}

/** "december 1st", "dec 1 2027", "december the first", "1st of december", "the 3rd of march", "3 march". */
function monthAndDay(scan: Scan, index: number): number {
  const { tokens } = scan;
  let cursor = index;
  const month = MONTH_WORDS[at(tokens, cursor)];
  if (month !== undefined) {
    cursor++;
    if (at(tokens, cursor) === 'the') cursor++;
    const number = readDayNumber(tokens, cursor);
    if (number === null || clockFollows(tokens, cursor + number.length)) return 0;
    cursor += number.length;
    const year = readYear(tokens, cursor);
    if (year !== null) cursor++;
    addDay(scan, nextMonthDay(scan, month, number.value, year));
    return cursor - index;
  }
  if (at(tokens, cursor) === 'the') cursor++;
  const number = readDayNumber(tokens, cursor);
  if (number === null) return 0;
  cursor += number.length;
  if (at(tokens, cursor) === 'of') cursor++;
  const monthAfter = MONTH_WORDS[at(tokens, cursor)];
  if (monthAfter === undefined) return 0;
  cursor++;
  const year = readYear(tokens, cursor);
  if (year !== null) cursor++;
  addDay(scan, nextMonthDay(scan, monthAfter, number.value, year));
  return cursor - index;
}

/** "12/1" (US month/day), "12/1/2026", "12/1/26", "2026-12-01". */
function numericDate(scan: Scan, index: number): number {
  const token = at(scan.tokens, index);
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(token);
  if (iso !== null) {
    addDay(scan, nextMonthDay(scan, Number(iso[2]), Number(iso[3]), Number(iso[1])));
    return 1;
  }
  const us = /^(\d{1,2})\/(\d{1,2})(?:\/(\d{2}|\d{4}))?$/.exec(token);
  if (us === null) return 0;
  const year = us[3] === undefined ? null : us[3].length === 2 ? 2000 + Number(us[3]) : Number(us[3]);
  addDay(scan, nextMonthDay(scan, Number(us[1]), Number(us[2]), year));
  return 1;
}

/** "the 3rd", "the 21st", "on the twenty first", "3rd": the next such day of a month. */
function dayOfMonth(scan: Scan, index: number): number {
  const { tokens } = scan;
  const the = at(tokens, index) === 'the' ? 1 : 0;
  const number = readDayNumber(tokens, index + the);
  if (number === null) return 0;
  // Without "the", only a written ordinal ("3rd") is a day; "3" alone could be a time or a count.
  if (the === 0 && !(number.ordinal && /^\d/.test(at(tokens, index)))) return 0;
  const after = index + the + number.length;
  if (clockFollows(tokens, after) || NOT_A_DAY_AFTER.has(at(tokens, after))) return 0;
  addDay(scan, nextDayOfMonth(scan, number.value));
  return the + number.length;
}

/** "in 3 days", "in two weeks", "in a couple of days", "a week from today", "10 days from now". */
function countFromToday(scan: Scan, index: number): number {
  const { tokens } = scan;
  const prefixed = at(tokens, index) === 'in' ? 1 : 0;
  let cursor = index + prefixed;
  if (at(tokens, cursor) === 'a' && ['couple', 'few'].includes(at(tokens, cursor + 1))) cursor++;
  const countToken = at(tokens, cursor);
  const count = /^\d{1,3}$/.test(countToken) ? Number(countToken) : COUNT_WORDS[countToken];
  if (count === undefined) return 0;
  cursor++;
  if (at(tokens, cursor) === 'of') cursor++;
  const unit = UNIT_DAYS[at(tokens, cursor)];
  if (unit === undefined) return 0;
  cursor++;
  const fromNow = sequence(tokens, cursor, ['from', 'now']) || sequence(tokens, cursor, ['from', 'today']);
  if (prefixed === 0 && fromNow === 0) return 0;
  addDay(scan, addDays(scan.today, count * unit));
  return cursor + fromNow - index;
}

/** "morning", "afternoon", "tomorrow night", "after lunch", "before noon", "after work". */
function partWords(scan: Scan, index: number): number {
  const { tokens } = scan;
  const token = at(tokens, index);
  const next = at(tokens, index + 1);
  if ((token === 'after' || token === 'before') && ['lunch', 'lunchtime', 'noon', 'midday'].includes(next)) {
    addPart(scan, token === 'after' ? 'afternoon' : 'morning');
    return 2;
  }
  if (token === 'after' && next === 'work') {
    addPart(scan, 'evening');
    return 2;
  }
  const part = PART_WORDS[token];
  if (part === undefined) return 0;
  addPart(scan, part);
  return 1;
}

/** "at 3", "3pm", "2:30", "around 10 am": the time asked for; "after 4", "by 11": no time, and any part of day. */
function clockTime(scan: Scan, index: number): number {
  const { tokens } = scan;
  const prefix = ['at', 'around', 'about', 'by', 'after', 'before'].includes(at(tokens, index)) ? 1 : 0;
  const clock = /^(\d{1,2})(?::(\d{2}))?$/.exec(at(tokens, index + prefix));
  if (clock === null) return 0;
  let hour = Number(clock[1]);
  const minute = Number(clock[2] ?? 0);
  let length = prefix + 1;
  const suffix = at(tokens, index + length);
  const meridiem = suffix === 'am' || suffix === 'pm' ? suffix : null;
  if (CLOCK_SUFFIXES.has(suffix)) length++;
  else if (suffix === 'o' && at(tokens, index + length + 1) === 'clock') length += 2;
  else if (prefix === 0 && clock[2] === undefined) return 0;
  if (minute > 59) throw unrecognised(scan.phrase);
  if (meridiem !== null) {
    if (hour < 1 || hour > 12) throw unrecognised(scan.phrase);
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  } else if (hour > 23) {
    throw unrecognised(scan.phrase);
  } else if (hour >= 1 && hour <= 6) {
    // Without AM or PM, "at 3" on a booking line means 3 PM: nobody books at 3 AM.
    hour += 12;
  }
  // "after 3" or "by 3" spans parts of the day; the whole day is searched rather than guessing. An exact
  // time names no part: the day is searched around it, so 11:45 still finds noon.
  const bound = ['after', 'before', 'by'].includes(at(tokens, index));
  if (bound) addPart(scan, 'any');
  else {
    scan.found.times.add(`${hour}:${minute}`);
    scan.found.understood = true;
  }
  return length;
}

const MATCHERS: ReadonlyArray<(scan: Scan, index: number) => number> = [
  noDayPhrase,
  relativeDay,
  partOfWeek,
  thisOrNext,
  bareWeekday,
  monthAndDay,
  numericDate,
  dayOfMonth,
  countFromToday,
  clockTime,
  partWords,
];

/**
 * Reads a `when` phrase relative to `today` (a `YYYY-MM-DD` day in the business zone). Throws
 * UnusableRequestError for a phrase it cannot read, an impossible date,
 * or day expressions that contradict each other. Past or far-future days are not judged here.
 */
export function interpretWhen(phrase: string, today: string): PhraseMeaning {
  if (phrase.length > MAX_PHRASE_LENGTH) throw unrecognised(phrase.slice(0, MAX_PHRASE_LENGTH));
  const scan: Scan = {
    tokens: tokenize(phrase),
    today,
    phrase,
    found: { ranges: [], weekdays: new Set(), parts: new Set(), times: new Set(), understood: false },
  };
  for (let index = 0; index < scan.tokens.length; ) {
    let consumed = 0;
    for (const matcher of MATCHERS) {
      consumed = matcher(scan, index);
      if (consumed > 0) break;
    }
    if (consumed === 0 && isSignificant(at(scan.tokens, index))) throw unrecognised(phrase);
    index += Math.max(consumed, 1);
  }
  const { ranges, weekdays, parts, times, understood } = scan.found;
  if (!understood) throw unrecognised(phrase);
  return {
    days: resolveDays(scan, ranges, weekdays),
    partOfDay: resolvePart(parts),
    time: resolveTime(times),
  };
}

/** The one clock time asked for; "at 3 or 4" asks for none in particular. */
function resolveTime(times: ReadonlySet<string>): ClockTime | null {
  const [only, ...others] = [...times];
  if (only === undefined || others.length > 0) return null;
  const [hour, minute] = only.split(':').map(Number);
  return { hour: hour ?? 0, minute: minute ?? 0 };
}

function resolvePart(parts: ReadonlySet<PartOfDay>): PartOfDay | null {
  if (parts.size === 0) return null;
  // "morning or afternoon": searching the whole day never offers a time that is not free.
  if (parts.size > 1) return 'any';
  return [...parts][0] ?? null;
}

function resolveDays(
  scan: Scan,
  ranges: ReadonlyArray<{ first: string; last: string }>,
  weekdays: ReadonlySet<Weekday>,
): { first: string; last: string } | null {
  if (weekdays.size > 1) throw conflicting(scan.phrase);
  const weekday = [...weekdays][0];
  if (ranges.length === 0) {
    return weekday === undefined
      ? null
      : { first: weekdayAfter(scan.today, weekday), last: weekdayAfter(scan.today, weekday) };
  }
  let first = ranges[0]?.first ?? scan.today;
  let last = ranges[0]?.last ?? scan.today;
  for (const range of ranges) {
    if (range.first > first) first = range.first;
    if (range.last < last) last = range.last;
  }
  if (first > last) throw conflicting(scan.phrase);
  if (weekday === undefined) return { first, last };
  for (let day = first; day <= last; day = addDays(day, 1)) {
    if (weekdayOf(day) === weekday) return { first: day, last: day };
  }
  throw new UnusableRequestError({
    reason: 'weekday_mismatch',
    when: scan.phrase,
    weekday,
    firstDay: first,
    lastDay: last,
    today: scan.today,
  });
}
