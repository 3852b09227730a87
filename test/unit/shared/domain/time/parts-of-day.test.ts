import { describe, expect, it } from 'vitest';
import { isPartOfDay, partOfDayOf } from '../../../../../shared/domain/time/parts-of-day.ts';

describe('partOfDayOf', () => {
  const rows: Array<[start: string, zone: string, part: string]> = [
    ['2026-12-01T05:00:00Z', 'America/New_York', 'morning'],
    ['2026-12-01T12:30:00Z', 'America/New_York', 'morning'],
    ['2026-12-01T16:59:00Z', 'America/New_York', 'morning'],
    ['2026-12-01T17:00:00.000000Z', 'America/New_York', 'afternoon'],
    ['2026-12-01T21:59:00Z', 'America/New_York', 'afternoon'],
    ['2026-12-01T22:00:00Z', 'America/New_York', 'evening'],
    ['2026-12-02T04:59:00Z', 'America/New_York', 'evening'],
    ['2026-12-01T11:00:00Z', 'Europe/Berlin', 'afternoon'],
    ['2026-12-01T06:29:00Z', 'Asia/Kolkata', 'morning'],
    ['2026-12-01T06:30:00Z', 'Asia/Kolkata', 'afternoon'],
  ];

  it.each(rows)('places %s in %s %s', (start, zone, part) => {
    expect(partOfDayOf(start, zone)).toBe(part);
  });

  it('recognises the parts of day a tool argument may carry', () => {
    expect(['morning', 'afternoon', 'evening', 'any'].every(isPartOfDay)).toBe(true);
    expect(isPartOfDay('noon')).toBe(false);
  });
});
