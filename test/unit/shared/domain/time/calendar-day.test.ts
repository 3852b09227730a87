import { describe, expect, it } from 'vitest';
import {
  addDays,
  calendarDay,
  daysBetween,
  isCalendarDay,
  weekdayOf,
} from '../../../../../shared/domain/time/calendar-day.ts';

describe('calendar days', () => {
  it('checks that a day exists', () => {
    expect(isCalendarDay('2028-02-29')).toBe(true);
    expect(isCalendarDay('2026-02-29')).toBe(false);
    expect(isCalendarDay('2026-2-1')).toBe(false);
    expect(calendarDay(2026, 4, 31)).toBeNull();
    expect(calendarDay(10000, 1, 1)).toBeNull();
  });

  it('counts days without regard to DST', () => {
    expect(addDays('2026-10-31', 2)).toBe('2026-11-02');
    expect(daysBetween('2026-11-26', '2027-01-01')).toBe(36);
    expect(weekdayOf('2026-11-01')).toBe(7);
  });
});
