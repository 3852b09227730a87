import { describe, expect, it } from 'vitest';
import { isOpenAt, parseBusinessHours } from '../../../../shared/domain/business-hours.ts';

const ZONE = 'America/New_York';

function hoursOf(text: string) {
  const parsed = parseBusinessHours(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.hours;
}

describe('BUSINESS_HOURS', () => {
  const hours = hoursOf('mon-fri 09:00-12:30,13:30-17:00; sat 10:00-14:00');

  it('is open inside the ranges, in the business zone, and closed outside them', () => {
    // Tuesday 2026-12-01 in New York (UTC-5).
    expect(isOpenAt(hours, new Date('2026-12-01T14:00:00Z'), ZONE)).toBe(true); // 09:00
    expect(isOpenAt(hours, new Date('2026-12-01T13:59:00Z'), ZONE)).toBe(false); // 08:59
    expect(isOpenAt(hours, new Date('2026-12-01T17:45:00Z'), ZONE)).toBe(false); // 12:45, lunch
    expect(isOpenAt(hours, new Date('2026-12-01T22:00:00Z'), ZONE)).toBe(false); // 17:00 ends the day
    expect(isOpenAt(hours, new Date('2026-12-05T15:00:00Z'), ZONE)).toBe(true); // Saturday 10:00
    expect(isOpenAt(hours, new Date('2026-12-06T15:00:00Z'), ZONE)).toBe(false); // Sunday
    // 02:00 UTC Wednesday is still Tuesday 21:00 in New York.
    expect(isOpenAt(hoursOf('wed 00:00-24:00'), new Date('2026-12-02T02:00:00Z'), ZONE)).toBe(false);
  });

  it('reads lists, wrapping ranges and 24:00', () => {
    const wrap = hoursOf('fri-mon 00:00-24:00; wed 08:00-09:00');
    expect(wrap.map((day) => day.length)).toEqual([1, 0, 1, 0, 1, 1, 1]);
    expect(hoursOf('MON,Thu 10:00-11:00').map((day) => day.length)).toEqual([1, 0, 0, 1, 0, 0, 0]);
  });

  it.each([
    ['', /names no days/],
    ['weekdays 09:00-17:00', /cannot read "weekdays/],
    ['mon-fri', /cannot read "mon-fri"/],
    ['mon 9:00-17:00', /cannot read the hours "9:00-17:00"/],
    ['mon 17:00-09:00', /cannot read the hours/],
    ['mon 09:00-25:00', /cannot read the hours/],
  ])('refuses %j, naming what it cannot read', (text, problem) => {
    const parsed = parseBusinessHours(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });
});
