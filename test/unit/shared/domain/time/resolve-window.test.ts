import { afterEach, describe, expect, it } from 'vitest';
import { sayProblem } from '../../../../../functions/vapi-tools/tools/check-availability.ts';
import { ConfigError, UnusableRequestError } from '../../../../../shared/domain/errors.ts';
import {
  isWithinWindow,
  resolveSearchWindow,
  type SearchWindow,
  type SearchWindowContext,
  type SearchWindowInput,
} from '../../../../../shared/domain/time/resolve-window.ts';
import { speakDayRange } from '../../../../../shared/speech/time.ts';

const NEW_YORK = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const KOLKATA = 'Asia/Kolkata';

// Thursday 2026-11-26, 10:00 EST (UTC-5).
const THURSDAY_MORNING = new Date('2026-11-26T15:00:00Z');
// Thursday 2026-11-26, 13:00 EST: the morning is over.
const THURSDAY_AFTERNOON = new Date('2026-11-26T18:00:00Z');
// Thursday 2026-11-26, 22:30 EST, when it is already Friday in UTC.
const THURSDAY_LATE = new Date('2026-11-27T03:30:00Z');

function resolve(
  input: SearchWindowInput,
  now: Date = THURSDAY_MORNING,
  extra: Partial<SearchWindowContext> = {},
) {
  const window = resolveSearchWindow(input, { now, zone: NEW_YORK, ...extra });
  // How check_availability speaks the days it searched.
  return {
    ...window,
    spokenRange: speakDayRange(window.firstDay, window.lastDay, { zone: window.zone, now }),
  };
}

/** The refusal, with the words check_availability says for it. */
function refusal(input: SearchWindowInput, context: SearchWindowContext) {
  try {
    resolveSearchWindow(input, context);
  } catch (error) {
    if (error instanceof UnusableRequestError)
      return { details: error.problem, say: sayProblem(error.problem) };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('resolveSearchWindow', () => {
  describe('in America/New_York on Thursday morning', () => {
    const rows: Array<
      [when: string, start: string, end: string, firstDay: string, lastDay: string, spoken: string]
    > = [
      [
        'today',
        '2026-11-26T15:00:00.000Z',
        '2026-11-27T05:00:00.000Z',
        '2026-11-26',
        '2026-11-26',
        'today, Thursday, November 26',
      ],
      [
        'tonight',
        '2026-11-26T22:00:00.000Z',
        '2026-11-27T05:00:00.000Z',
        '2026-11-26',
        '2026-11-26',
        'today, Thursday, November 26',
      ],
      [
        'this morning',
        '2026-11-26T15:00:00.000Z',
        '2026-11-26T17:00:00.000Z',
        '2026-11-26',
        '2026-11-26',
        'today, Thursday, November 26',
      ],
      [
        'tomorrow morning',
        '2026-11-27T05:00:00.000Z',
        '2026-11-27T17:00:00.000Z',
        '2026-11-27',
        '2026-11-27',
        'tomorrow, Friday, November 27',
      ],
      [
        'um, next tuesday afternoon please',
        '2026-12-01T17:00:00.000Z',
        '2026-12-01T22:00:00.000Z',
        '2026-12-01',
        '2026-12-01',
        'Tuesday, December 1',
      ],
      [
        'this week',
        '2026-11-26T15:00:00.000Z',
        '2026-11-30T05:00:00.000Z',
        '2026-11-26',
        '2026-11-29',
        'today through Sunday, November 29',
      ],
      [
        'next week',
        '2026-11-30T05:00:00.000Z',
        '2026-12-07T05:00:00.000Z',
        '2026-11-30',
        '2026-12-06',
        'Monday, November 30 through Sunday, December 6',
      ],
      [
        'later this week',
        '2026-11-27T05:00:00.000Z',
        '2026-11-30T05:00:00.000Z',
        '2026-11-27',
        '2026-11-29',
        'tomorrow through Sunday, November 29',
      ],
      [
        'anytime',
        '2026-11-26T15:00:00.000Z',
        '2026-12-03T05:00:00.000Z',
        '2026-11-26',
        '2026-12-02',
        'today through Wednesday, December 2',
      ],
      [
        'the 21st',
        '2026-12-21T05:00:00.000Z',
        '2026-12-22T05:00:00.000Z',
        '2026-12-21',
        '2026-12-21',
        'Monday, December 21',
      ],
    ];

    it.each(rows)('resolves "%s" to [%s, %s)', (when, start, end, firstDay, lastDay, spokenRange) => {
      expect(resolve({ when })).toMatchObject({ start, end, firstDay, lastDay, spokenRange, zone: NEW_YORK });
    });

    it('resolves no date and no phrase to today and the next six days', () => {
      expect(resolve({})).toEqual({
        start: '2026-11-26T15:00:00.000Z',
        end: '2026-12-03T05:00:00.000Z',
        firstDay: '2026-11-26',
        lastDay: '2026-12-02',
        partOfDay: 'any',
        zone: NEW_YORK,
        askedTime: null,
        spokenRange: 'today through Wednesday, December 2',
      });
    });

    it('treats blank and null arguments as not given', () => {
      expect(resolve({ date: '', when: '   ', partOfDay: null })).toEqual(resolve({}));
      expect(resolve({ date: null, when: null })).toEqual(resolve({}));
    });

    it('resolves a part of day alone over the default days', () => {
      expect(resolve({ partOfDay: 'morning' })).toMatchObject({
        start: '2026-11-26T15:00:00.000Z',
        end: '2026-12-02T17:00:00.000Z',
        firstDay: '2026-11-26',
        lastDay: '2026-12-02',
        partOfDay: 'morning',
      });
    });
  });

  describe('precedence', () => {
    it('lets date win over when but keeps the phrase part of day', () => {
      expect(resolve({ date: '2026-12-03', when: 'next tuesday afternoon' })).toMatchObject({
        firstDay: '2026-12-03',
        lastDay: '2026-12-03',
        partOfDay: 'afternoon',
        start: '2026-12-03T17:00:00.000Z',
        end: '2026-12-03T22:00:00.000Z',
        spokenRange: 'Thursday, December 3',
      });
    });

    it('ignores an unreadable phrase when a date is given', () => {
      expect(resolve({ date: '2026-12-03', when: 'blorp' })).toMatchObject({
        firstDay: '2026-12-03',
        partOfDay: 'any',
      });
    });

    it('lets an explicit part of day win over the phrase', () => {
      expect(resolve({ when: 'tomorrow morning', partOfDay: 'evening' })).toMatchObject({
        firstDay: '2026-11-27',
        partOfDay: 'evening',
        start: '2026-11-27T22:00:00.000Z',
        end: '2026-11-28T05:00:00.000Z',
      });
    });

    it('lets an explicit any win over the phrase', () => {
      expect(resolve({ when: 'tomorrow morning', partOfDay: 'any' })).toMatchObject({ partOfDay: 'any' });
    });

    it('accepts a date with surrounding spaces', () => {
      expect(resolve({ date: ' 2026-12-03 ' })).toMatchObject({ firstDay: '2026-12-03' });
    });
  });

  describe('an asked clock time', () => {
    it('takes `time` (HH:MM) and searches the whole day around it', () => {
      expect(resolve({ date: '2026-11-30', time: '15:00' })).toMatchObject({
        askedTime: { hour: 15, minute: 0 },
        partOfDay: 'any',
        firstDay: '2026-11-30',
      });
      expect(resolve({ date: '2026-11-30', time: ' 9:30 ' })).toMatchObject({
        askedTime: { hour: 9, minute: 30 },
        partOfDay: 'any',
      });
    });

    it('reads the time from the phrase, also next to `date`', () => {
      expect(resolve({ when: 'monday at 3' })).toMatchObject({
        askedTime: { hour: 15, minute: 0 },
        firstDay: '2026-11-30',
      });
      expect(resolve({ date: '2026-11-30', when: 'at 10 am' })).toMatchObject({
        askedTime: { hour: 10, minute: 0 },
      });
    });

    it('lets `time` win over the phrase; an asked part of day keeps a time inside it and drops one outside', () => {
      expect(resolve({ when: 'monday at 3', time: '11:00' })).toMatchObject({
        askedTime: { hour: 11, minute: 0 },
      });
      expect(resolve({ date: '2026-11-30', time: '11:00', partOfDay: 'morning' })).toMatchObject({
        askedTime: { hour: 11, minute: 0 },
        partOfDay: 'morning',
      });
      // 3 PM was never searched in the morning: no time to put first, nor to call taken.
      expect(resolve({ date: '2026-11-30', time: '15:00', partOfDay: 'morning' })).toMatchObject({
        askedTime: null,
        partOfDay: 'morning',
      });
      expect(resolve({ when: 'monday afternoon at 3' })).toMatchObject({
        askedTime: { hour: 15, minute: 0 },
        partOfDay: 'afternoon',
      });
    });

    it.each(['3pm', '25:00', '12:60', '1500'])('refuses the time %s', (time) => {
      expect(refusal({ date: '2026-11-30', time }, { now: THURSDAY_MORNING, zone: NEW_YORK })).toEqual({
        details: { reason: 'invalid_time', time },
        say: 'What time would you like? For example, 3 PM.',
      });
    });
  });

  describe('clamping to now and the horizon', () => {
    it('starts a multi-day window on the first day that still has the part of day', () => {
      expect(resolve({ when: 'this week', partOfDay: 'morning' }, THURSDAY_AFTERNOON)).toMatchObject({
        start: '2026-11-27T05:00:00.000Z',
        end: '2026-11-29T17:00:00.000Z',
        firstDay: '2026-11-27',
        lastDay: '2026-11-29',
        spokenRange: 'tomorrow through Sunday, November 29',
      });
    });

    it('ends a window at now + horizon days', () => {
      expect(resolve({ when: 'next week' }, THURSDAY_MORNING, { horizonDays: 7 })).toMatchObject({
        start: '2026-11-30T05:00:00.000Z',
        end: '2026-12-03T15:00:00.000Z',
        firstDay: '2026-11-30',
        lastDay: '2026-12-03',
        spokenRange: 'Monday, November 30 through Thursday, December 3',
      });
    });

    it('drops a last day whose part of day starts after the horizon', () => {
      expect(resolve({ when: 'next week evening' }, THURSDAY_MORNING, { horizonDays: 7 })).toMatchObject({
        end: '2026-12-03T05:00:00.000Z',
        lastDay: '2026-12-02',
      });
    });

    it('reaches a day 31 days ahead by default', () => {
      expect(resolve({ date: '2026-12-27' })).toMatchObject({
        start: '2026-12-27T05:00:00.000Z',
        end: '2026-12-27T15:00:00.000Z',
        lastDay: '2026-12-27',
      });
    });
  });

  describe('late in the evening, when the UTC date is already tomorrow', () => {
    it('resolves today to the zone date, not the UTC date', () => {
      expect(resolve({ when: 'today' }, THURSDAY_LATE)).toMatchObject({
        start: '2026-11-27T03:30:00.000Z',
        end: '2026-11-27T05:00:00.000Z',
        firstDay: '2026-11-26',
        spokenRange: 'today, Thursday, November 26',
      });
    });

    it('resolves tomorrow to Friday in the zone', () => {
      expect(resolve({ when: 'tomorrow' }, THURSDAY_LATE)).toMatchObject({
        start: '2026-11-27T05:00:00.000Z',
        end: '2026-11-28T05:00:00.000Z',
        firstDay: '2026-11-27',
        spokenRange: 'tomorrow, Friday, November 27',
      });
    });

    it('keeps tonight open until midnight', () => {
      expect(resolve({ when: 'tonight' }, THURSDAY_LATE)).toMatchObject({
        start: '2026-11-27T03:30:00.000Z',
        end: '2026-11-27T05:00:00.000Z',
        partOfDay: 'evening',
      });
    });

    it('starts the default afternoon window tomorrow', () => {
      expect(resolve({ partOfDay: 'afternoon' }, THURSDAY_LATE)).toMatchObject({
        start: '2026-11-27T17:00:00.000Z',
        firstDay: '2026-11-27',
        lastDay: '2026-12-02',
        spokenRange: 'tomorrow through Wednesday, December 2',
      });
    });
  });

  describe('in a zone east of UTC (Asia/Kolkata, UTC+5:30)', () => {
    // 20:00 UTC Thursday is 01:30 Friday in Kolkata.
    const now = new Date('2026-11-26T20:00:00Z');

    it('resolves today to the zone date, ahead of the UTC date', () => {
      expect(resolve({ when: 'today' }, now, { zone: KOLKATA })).toMatchObject({
        start: '2026-11-26T20:00:00.000Z',
        end: '2026-11-27T18:30:00.000Z',
        firstDay: '2026-11-27',
        spokenRange: 'today, Friday, November 27',
      });
    });

    it('resolves tomorrow morning on half-hour offsets', () => {
      expect(resolve({ when: 'tomorrow morning' }, now, { zone: KOLKATA })).toMatchObject({
        start: '2026-11-27T18:30:00.000Z',
        end: '2026-11-28T06:30:00.000Z',
        firstDay: '2026-11-28',
      });
    });

    it('resolves a weekday from the zone date', () => {
      expect(resolve({ when: 'friday' }, now, { zone: KOLKATA })).toMatchObject({
        firstDay: '2026-12-04',
        spokenRange: 'Friday, December 4',
      });
    });
  });

  describe('across DST changes', () => {
    it('gives the New York fall-back Sunday 25 hours (2026-11-01)', () => {
      const now = new Date('2026-10-29T14:00:00Z'); // Thursday 10:00 EDT
      expect(resolve({ when: 'sunday' }, now, { zone: NEW_YORK })).toMatchObject({
        start: '2026-11-01T04:00:00.000Z',
        end: '2026-11-02T05:00:00.000Z',
        spokenRange: 'Sunday, November 1',
      });
      expect(resolve({ when: 'sunday afternoon' }, now, { zone: NEW_YORK })).toMatchObject({
        start: '2026-11-01T17:00:00.000Z',
        end: '2026-11-01T22:00:00.000Z',
      });
      expect(resolve({ when: 'this weekend' }, now, { zone: NEW_YORK })).toMatchObject({
        start: '2026-10-31T04:00:00.000Z',
        end: '2026-11-02T05:00:00.000Z',
        spokenRange: 'Saturday, October 31 through Sunday, November 1',
      });
    });

    it('keeps the New York horizon at the same wall-clock time after fall-back', () => {
      const now = new Date('2026-10-29T14:00:00Z'); // 10:00 EDT; 31 days later is 10:00 EST
      expect(resolve({ date: '2026-11-29' }, now, { zone: NEW_YORK })).toMatchObject({
        end: '2026-11-29T15:00:00.000Z',
      });
    });

    it('places Berlin fall-back Sunday on both offsets (2026-10-25)', () => {
      const now = new Date('2026-10-22T08:00:00Z'); // Thursday 10:00 CEST
      expect(resolve({ when: 'sunday' }, now, { zone: BERLIN })).toMatchObject({
        start: '2026-10-24T22:00:00.000Z',
        end: '2026-10-25T23:00:00.000Z',
      });
      expect(resolve({ when: 'sunday afternoon' }, now, { zone: BERLIN })).toMatchObject({
        start: '2026-10-25T11:00:00.000Z',
        end: '2026-10-25T16:00:00.000Z',
      });
    });

    it('gives the Berlin spring-forward Sunday 23 hours (2027-03-28)', () => {
      const now = new Date('2027-03-25T09:00:00Z'); // Thursday 10:00 CET
      expect(resolve({ when: 'sunday' }, now, { zone: BERLIN })).toMatchObject({
        start: '2027-03-27T23:00:00.000Z',
        end: '2027-03-28T22:00:00.000Z',
      });
      expect(resolve({ when: 'sunday morning' }, now, { zone: BERLIN })).toMatchObject({
        start: '2027-03-27T23:00:00.000Z',
        end: '2027-03-28T10:00:00.000Z',
      });
    });

    it('starts a day whose midnight is skipped at its first instant (America/Santiago 2026-09-06)', () => {
      const now = new Date('2026-09-03T14:00:00Z'); // Thursday 10:00 UTC-4
      expect(resolve({ when: 'sunday' }, now, { zone: 'America/Santiago' })).toMatchObject({
        start: '2026-09-06T04:00:00.000Z',
        end: '2026-09-07T03:00:00.000Z',
        firstDay: '2026-09-06',
      });
    });
  });

  describe('refusals', () => {
    const context = { now: THURSDAY_MORNING, zone: NEW_YORK };
    const rows: Array<[label: string, input: SearchWindowInput, reason: string, say: string]> = [
      [
        'gibberish',
        { when: 'blorp' },
        'unrecognized_phrase',
        "I didn't catch which day you'd like. Could you say a day, like tomorrow or next Tuesday?",
      ],
      [
        'a malformed date',
        { date: '12/1/2026' },
        'malformed_date',
        "I didn't catch the date. Which day would you like?",
      ],
      [
        'an impossible date',
        { date: '2026-02-30' },
        'invalid_date',
        "There's no February 30. Which day did you mean?",
      ],
      [
        'month 13',
        { date: '2026-13-01' },
        'invalid_date',
        "That isn't a real date. Which day would you like?",
      ],
      [
        'a past date',
        { date: '2026-11-20' },
        'past',
        'Friday, November 20 has already passed. Today is Thursday, November 26. Which day would you like instead?',
      ],
      [
        'a past year',
        { date: '2025-01-01' },
        'past',
        'Wednesday, January 1, 2025 has already passed. Today is Thursday, November 26. Which day would you like instead?',
      ],
      [
        'a week that is over',
        { when: 'early this week' },
        'past',
        'Monday, November 23 through Wednesday, November 25 have already passed. Today is Thursday, November 26. Which day would you like instead?',
      ],
      [
        'year 9999',
        { date: '9999-12-31' },
        'beyond_horizon',
        'I can only book up to 31 days ahead, so through Sunday, December 27. Which day before then would work?',
      ],
      [
        'a day past the horizon',
        { when: 'march 3' },
        'beyond_horizon',
        'I can only book up to 31 days ahead, so through Sunday, December 27. Which day before then would work?',
      ],
      [
        'a part of day after the horizon on its last day',
        { date: '2026-12-27', partOfDay: 'afternoon' },
        'beyond_horizon',
        'I can only book up to 31 days ahead, so through Sunday, December 27. Which day before then would work?',
      ],
      [
        'an unknown part of day',
        { partOfDay: 'brunch' as never },
        'invalid_part_of_day',
        'Would you like the morning, the afternoon, the evening, or any time?',
      ],
    ];

    it.each(rows)('refuses %s', (_label, input, reason, say) => {
      const error = refusal(input, context);
      expect(error.details).toMatchObject({ reason });
      expect(error.say).toBe(say);
    });

    it('refuses a part of today that is over and says what today is', () => {
      const error = refusal({ when: 'this morning' }, { now: THURSDAY_AFTERNOON, zone: NEW_YORK });
      expect(error.say).toBe(
        "It's already past the morning today, Thursday, November 26. Would another time work?",
      );
    });

    it('refuses a shorter configured horizon in its own words', () => {
      const error = refusal({ when: 'next week' }, { now: THURSDAY_MORNING, zone: NEW_YORK, horizonDays: 3 });
      expect(error.say).toBe(
        'I can only book up to 3 days ahead, so through Sunday, November 29. Which day before then would work?',
      );
    });

    it('throws ConfigError for an unknown business zone', () => {
      expect(() => resolveSearchWindow({}, { now: THURSDAY_MORNING, zone: 'Mars/Olympus_Mons' })).toThrow(
        ConfigError,
      );
    });

    it('throws RangeError for an invalid now or horizon', () => {
      expect(() => resolveSearchWindow({}, { now: new Date(Number.NaN), zone: NEW_YORK })).toThrow(
        RangeError,
      );
      expect(() =>
        resolveSearchWindow({}, { now: THURSDAY_MORNING, zone: NEW_YORK, horizonDays: 0 }),
      ).toThrow(RangeError);
    });
  });

  describe('determinism', () => {
    const originalTz = process.env.TZ;
    afterEach(() => {
      if (originalTz === undefined) delete process.env.TZ;
      else process.env.TZ = originalTz;
    });

    it('gives the same window whatever the process time zone is', () => {
      const results = ['UTC', 'Pacific/Kiritimati', 'America/Los_Angeles'].map((tz) => {
        process.env.TZ = tz;
        return resolve({ when: 'next tuesday afternoon' }, THURSDAY_LATE);
      });
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
    });
  });
});

describe('isWithinWindow', () => {
  const afternoon: SearchWindow = resolveSearchWindow(
    { when: 'next tuesday afternoon' },
    { now: THURSDAY_MORNING, zone: NEW_YORK },
  );
  const weekAfternoons = resolveSearchWindow(
    { when: 'this week afternoon' },
    { now: THURSDAY_MORNING, zone: NEW_YORK },
  );
  const today = resolveSearchWindow({ when: 'today' }, { now: THURSDAY_MORNING, zone: NEW_YORK });

  const rows: Array<[label: string, window: SearchWindow, start: string, expected: boolean]> = [
    ['a Calendly start at the window start', afternoon, '2026-12-01T17:00:00.000000Z', true],
    ['a start late in the afternoon', afternoon, '2026-12-01T21:30:00Z', true],
    ['a start before the window (morning)', afternoon, '2026-12-01T16:30:00Z', false],
    ['a start at the exclusive end', afternoon, '2026-12-01T22:00:00Z', false],
    ['a Saturday afternoon start in a multi-day window', weekAfternoons, '2026-11-28T18:00:00Z', true],
    [
      'a Saturday evening start in a multi-day afternoon window',
      weekAfternoons,
      '2026-11-28T23:00:00Z',
      false,
    ],
    ['a start earlier today than now', today, '2026-11-26T14:00:00Z', false],
    ['a start later today', today, '2026-11-26T16:00:00+00:00', true],
  ];

  it.each(rows)('judges %s', (_label, window, start, expected) => {
    expect(isWithinWindow(start, window)).toBe(expected);
  });
});
