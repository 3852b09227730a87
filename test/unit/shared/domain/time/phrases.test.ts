import { describe, expect, it } from 'vitest';
import { sayProblem } from '../../../../../functions/vapi-tools/tools/check-availability.ts';
import { UnusableRequestError } from '../../../../../shared/domain/errors.ts';
import type { PartOfDay } from '../../../../../shared/domain/time/parts-of-day.ts';
import { interpretWhen } from '../../../../../shared/domain/time/phrases.ts';

// 2026-11-23 is a Monday; the week under test runs Monday 23 to Sunday 29 November.
const MONDAY = '2026-11-23';
const TUESDAY = '2026-11-24';
const THURSDAY = '2026-11-26';
const SATURDAY = '2026-11-28';
const SUNDAY = '2026-11-29';

type Row = [phrase: string, first: string | null, last: string | null, part: PartOfDay | null];

function meaningOf(phrase: string, today: string): [string | null, string | null, PartOfDay | null] {
  const meaning = interpretWhen(phrase, today);
  return [meaning.days?.first ?? null, meaning.days?.last ?? null, meaning.partOfDay];
}

function sayOf(phrase: string, today: string): string {
  try {
    interpretWhen(phrase, today);
  } catch (error) {
    if (error instanceof UnusableRequestError) return sayProblem(error.problem);
    throw error;
  }
  throw new Error(`expected "${phrase}" to be refused`);
}

describe('interpretWhen', () => {
  describe('on Thursday 2026-11-26', () => {
    // A clock time names no part of day (it is the time asked for): see 'the clock time asked for'.
    const rows: Row[] = [
      ['today', THURSDAY, THURSDAY, null],
      ['tonight', THURSDAY, THURSDAY, 'evening'],
      ['this morning', THURSDAY, THURSDAY, 'morning'],
      ['this afternoon', THURSDAY, THURSDAY, 'afternoon'],
      ['this evening', THURSDAY, THURSDAY, 'evening'],
      ['tomorrow', '2026-11-27', '2026-11-27', null],
      ['tomorrow morning', '2026-11-27', '2026-11-27', 'morning'],
      ['tomorrow afternoon', '2026-11-27', '2026-11-27', 'afternoon'],
      ['tomorrow evening', '2026-11-27', '2026-11-27', 'evening'],
      ['tomorrow night', '2026-11-27', '2026-11-27', 'evening'],
      ['day after tomorrow', '2026-11-28', '2026-11-28', null],
      ['the day after tomorrow in the morning', '2026-11-28', '2026-11-28', 'morning'],
      ['tuesday', '2026-12-01', '2026-12-01', null],
      ['thursday', '2026-12-03', '2026-12-03', null],
      ['this thursday', THURSDAY, THURSDAY, null],
      ['this tuesday', '2026-12-01', '2026-12-01', null],
      ['this coming tuesday', '2026-12-01', '2026-12-01', null],
      ['next tuesday', '2026-12-01', '2026-12-01', null],
      ['next thursday', '2026-12-03', '2026-12-03', null],
      ['next monday', '2026-11-30', '2026-11-30', null],
      ['tuesday after next', '2026-12-08', '2026-12-08', null],
      ['the friday after next', '2026-12-04', '2026-12-04', null],
      ['the 3rd', '2026-12-03', '2026-12-03', null],
      ['the 21st', '2026-12-21', '2026-12-21', null],
      ['the 26th', THURSDAY, THURSDAY, null],
      ['the 25th', '2026-12-25', '2026-12-25', null],
      ['the 30th', '2026-11-30', '2026-11-30', null],
      ['the 31st', '2026-12-31', '2026-12-31', null],
      ['on the twenty first', '2026-12-21', '2026-12-21', null],
      ['3rd', '2026-12-03', '2026-12-03', null],
      ['december 1st', '2026-12-01', '2026-12-01', null],
      ['Dec 1', '2026-12-01', '2026-12-01', null],
      ['december the first', '2026-12-01', '2026-12-01', null],
      ['1st of december', '2026-12-01', '2026-12-01', null],
      ['the 3rd of december', '2026-12-03', '2026-12-03', null],
      ['3 december', '2026-12-03', '2026-12-03', null],
      ['march 3', '2027-03-03', '2027-03-03', null],
      ['3rd of march', '2027-03-03', '2027-03-03', null],
      ['march 3rd, 2027', '2027-03-03', '2027-03-03', null],
      ['november 26', THURSDAY, THURSDAY, null],
      ['november 25', '2027-11-25', '2027-11-25', null],
      ['february 29', '2028-02-29', '2028-02-29', null],
      ['12/1', '2026-12-01', '2026-12-01', null],
      ['1/12', '2027-01-12', '2027-01-12', null],
      ['12/3/2026', '2026-12-03', '2026-12-03', null],
      ['12/3/26', '2026-12-03', '2026-12-03', null],
      ['2026-12-03', '2026-12-03', '2026-12-03', null],
      ['2025-12-03', '2025-12-03', '2025-12-03', null],
      ['this week', THURSDAY, SUNDAY, null],
      ['next week', '2026-11-30', '2026-12-06', null],
      ['this weekend', SATURDAY, SUNDAY, null],
      ['the weekend', SATURDAY, SUNDAY, null],
      ['next weekend', '2026-12-05', '2026-12-06', null],
      ['in 3 days', SUNDAY, SUNDAY, null],
      ['in two weeks', '2026-12-10', '2026-12-10', null],
      ['in a week', '2026-12-03', '2026-12-03', null],
      ['in a couple of days', SATURDAY, SATURDAY, null],
      ['in a fortnight', '2026-12-10', '2026-12-10', null],
      ['a week from today', '2026-12-03', '2026-12-03', null],
      ['10 days from now', '2026-12-06', '2026-12-06', null],
      ['early next week', '2026-11-30', '2026-12-02', null],
      ['beginning of next week', '2026-11-30', '2026-12-02', null],
      ['early this week', MONDAY, '2026-11-25', null],
      ['middle of next week', '2026-12-01', '2026-12-03', null],
      ['end of the week', THURSDAY, '2026-11-27', null],
      ['end of week', THURSDAY, '2026-11-27', null],
      ['end of next week', '2026-12-03', '2026-12-04', null],
      ['late next week', '2026-12-03', '2026-12-04', null],
      ['later this week', '2026-11-27', SUNDAY, null],
      ['anytime', null, null, null],
      ['any time', null, null, null],
      ['whenever works', null, null, null],
      ['as soon as possible', null, null, null],
      ['the first available', null, null, null],
      ['next available', null, null, null],
      ['in the next few days', null, null, null],
      ['afternoon', null, null, 'afternoon'],
      ['in the morning', null, null, 'morning'],
      ['mornings', null, null, 'morning'],
      ['evening', null, null, 'evening'],
      ['noon', null, null, 'afternoon'],
      ['tomorrow at noon', '2026-11-27', '2026-11-27', 'afternoon'],
      ['tomorrow at 2:30 pm', '2026-11-27', '2026-11-27', null],
      ['tomorrow at 2:30p.m.', '2026-11-27', '2026-11-27', null],
      ['tomorrow 3pm', '2026-11-27', '2026-11-27', null],
      ['tomorrow at 10', '2026-11-27', '2026-11-27', null],
      ["tomorrow at 3 o'clock", '2026-11-27', '2026-11-27', null],
      ['tomorrow at 3', '2026-11-27', '2026-11-27', null],
      ['tomorrow at 7 pm', '2026-11-27', '2026-11-27', null],
      ['tomorrow at 17:30', '2026-11-27', '2026-11-27', null],
      ['tomorrow after lunch', '2026-11-27', '2026-11-27', 'afternoon'],
      ['tomorrow before noon', '2026-11-27', '2026-11-27', 'morning'],
      ['tomorrow after work', '2026-11-27', '2026-11-27', 'evening'],
      ['tomorrow after 3', '2026-11-27', '2026-11-27', 'any'],
      ['tomorrow by 11 am', '2026-11-27', '2026-11-27', 'any'],
      ['tomorrow around 10', '2026-11-27', '2026-11-27', null],
      ['tomorrow morning or afternoon', '2026-11-27', '2026-11-27', 'any'],
      ['late afternoon tomorrow', '2026-11-27', '2026-11-27', 'afternoon'],
      ['um, next tuesday afternoon please', '2026-12-01', '2026-12-01', 'afternoon'],
      ['Next TUESDAY... afternoon?!', '2026-12-01', '2026-12-01', 'afternoon'],
      ['can I come in on Tuesday, December 1st?', '2026-12-01', '2026-12-01', null],
      ['monday the 30th', '2026-11-30', '2026-11-30', null],
      ['tuesday next week', '2026-12-01', '2026-12-01', null],
      ['thursday this week', THURSDAY, THURSDAY, null],
      ['next week tuesday morning', '2026-12-01', '2026-12-01', 'morning'],
      ['saturday this weekend', SATURDAY, SATURDAY, null],
      ['any day next week', '2026-11-30', '2026-12-06', null],
    ];

    it.each(rows)('reads "%s" as %s to %s, part %s', (phrase, first, last, part) => {
      expect(meaningOf(phrase, THURSDAY)).toEqual([first, last, part]);
    });
  });

  describe('the clock time asked for', () => {
    const rows: Array<[phrase: string, time: { hour: number; minute: number } | null]> = [
      ['tomorrow at 3', { hour: 15, minute: 0 }],
      ['tomorrow at 2:30 pm', { hour: 14, minute: 30 }],
      ['around 10 am', { hour: 10, minute: 0 }],
      ['at noon', null],
      ['tomorrow at 17:30', { hour: 17, minute: 30 }],
      ["friday at 9 o'clock", { hour: 9, minute: 0 }],
      ['tomorrow after 4', null],
      ['before 3', null],
      ['by 11', null],
      ['at 3 or at 4', null],
      ['tomorrow afternoon', null],
    ];
    it.each(rows)('reads "%s" as %o', (phrase, time) => {
      expect(interpretWhen(phrase, THURSDAY).time).toEqual(time);
    });
  });

  describe('weekday rules', () => {
    const rows: Array<[today: string, phrase: string, day: string]> = [
      [MONDAY, 'tuesday', TUESDAY],
      [MONDAY, 'this tuesday', TUESDAY],
      [MONDAY, 'next tuesday', '2026-12-01'],
      [MONDAY, 'monday', '2026-11-30'],
      [MONDAY, 'this monday', MONDAY],
      [MONDAY, 'next monday', '2026-11-30'],
      [MONDAY, 'friday', '2026-11-27'],
      [MONDAY, 'next friday', '2026-12-04'],
      [TUESDAY, 'tuesday', '2026-12-01'],
      [TUESDAY, 'this tuesday', TUESDAY],
      [TUESDAY, 'next tuesday', '2026-12-01'],
      [TUESDAY, 'monday', '2026-11-30'],
      [TUESDAY, 'this monday', '2026-11-30'],
      [SATURDAY, 'sunday', SUNDAY],
      [SATURDAY, 'this sunday', SUNDAY],
      [SATURDAY, 'next sunday', '2026-12-06'],
      [SUNDAY, 'next monday', '2026-11-30'],
      [SUNDAY, 'monday', '2026-11-30'],
    ];

    it.each(rows)('on %s reads "%s" as %s', (today, phrase, day) => {
      expect(meaningOf(phrase, today)).toEqual([day, day, null]);
    });
  });

  describe('week rules at the edges of the week', () => {
    const rows: Array<[today: string, phrase: string, first: string, last: string]> = [
      [SATURDAY, 'this week', SATURDAY, SUNDAY],
      [SATURDAY, 'this weekend', SATURDAY, SUNDAY],
      [SATURDAY, 'next weekend', '2026-12-05', '2026-12-06'],
      [SUNDAY, 'this week', SUNDAY, SUNDAY],
      [SUNDAY, 'this weekend', SUNDAY, SUNDAY],
      [SUNDAY, 'next week', '2026-11-30', '2026-12-06'],
      [MONDAY, 'this week', MONDAY, SUNDAY],
      [MONDAY, 'early this week', MONDAY, '2026-11-25'],
    ];

    it.each(rows)('on %s reads "%s" as %s to %s', (today, phrase, first, last) => {
      expect(meaningOf(phrase, today)).toEqual([first, last, null]);
    });

    it('crosses a year end', () => {
      expect(meaningOf('next week', '2026-12-31')).toEqual(['2027-01-04', '2027-01-10', null]);
      expect(meaningOf('the 2nd', '2026-12-31')).toEqual(['2027-01-02', '2027-01-02', null]);
    });
  });

  describe('refusals', () => {
    const unrecognised =
      "I didn't catch which day you'd like. Could you say a day, like tomorrow or next Tuesday?";
    const rows: Array<[phrase: string, say: string]> = [
      ['blorp', unrecognised],
      ['um, please', unrecognised],
      ['next month', unrecognised],
      ['sometime in march', unrecognised],
      ['not tuesday', unrecognised],
      ['last tuesday', unrecognised],
      ['yesterday', unrecognised],
      ['tomorrow at 25', unrecognised],
      ['tomorrow at 13 pm', unrecognised],
      ['x'.repeat(201), unrecognised],
      ['tuesday or wednesday', 'I heard more than one day there. Which one day or week should I look at?'],
      ['tomorrow next week', 'I heard more than one day there. Which one day or week should I look at?'],
      ['tuesday the 30th', 'November 30 is a Monday, not a Tuesday. Which day did you mean?'],
      [
        'tuesday this week',
        "There's no Tuesday from Thursday, November 26 through Sunday, November 29. Which day did you mean?",
      ],
      ['feb 30', "There's no February 30. Which day did you mean?"],
      ['april 31st', "There's no April 31. Which day did you mean?"],
      ['2026-02-30', "There's no February 30. Which day did you mean?"],
      ['13/1', "That isn't a real date. Which day did you mean?"],
      ['the 32nd', 'No month has a day 32. Which day did you mean?'],
    ];

    it.each(rows)('refuses "%s"', (phrase, say) => {
      expect(sayOf(phrase, THURSDAY)).toBe(say);
    });

    it('refuses "later this week" on a Sunday', () => {
      expect(sayOf('later this week', SUNDAY)).toBe(
        'This week ends today. Which day next week would you like?',
      );
    });

    it('throws UnusableRequestError with the phrase and a reason', () => {
      try {
        interpretWhen('blorp', THURSDAY);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(UnusableRequestError);
        expect(error).toMatchObject({
          code: 'unusable_request',
          problem: { reason: 'unrecognized_phrase', when: 'blorp' },
        });
      }
    });
  });
});
