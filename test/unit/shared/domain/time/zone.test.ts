import { describe, expect, it } from 'vitest';
import {
  inZone,
  isTimeZone,
  localDayOf,
  localHourMillis,
  offsetMinutes,
  plusLocalDays,
} from '../../../../../shared/domain/time/zone.ts';

const iso = (millis: number): string => new Date(millis).toISOString();

describe('isTimeZone', () => {
  it.each(['America/New_York', 'Asia/Kolkata', 'UTC', 'europe/berlin'])('accepts %s', (zone) => {
    expect(isTimeZone(zone)).toBe(true);
  });

  it.each(['Mars/Olympus_Mons', 'Not/AZone+05', ''])('rejects "%s"', (zone) => {
    expect(isTimeZone(zone)).toBe(false);
  });
});

describe('inZone', () => {
  it('reads the zone date when it is already tomorrow there (Asia/Kolkata)', () => {
    expect(inZone(Date.parse('2026-11-26T20:00:00Z'), 'Asia/Kolkata')).toEqual({
      day: '2026-11-27',
      hour: 1,
      minute: 30,
      offset: 330,
    });
  });

  it('reads the zone date when UTC is already tomorrow (America/New_York)', () => {
    expect(localDayOf(new Date('2026-11-27T03:30:00Z'), 'America/New_York')).toBe('2026-11-26');
  });

  it('gives no day and no offset for an unknown zone', () => {
    expect(localDayOf(0, 'Not/AZone+05')).toBe('');
    expect(offsetMinutes(0, 'Not/AZone+05')).toBeNaN();
  });
});

describe('localHourMillis', () => {
  it('places a skipped midnight at the first instant after the jump (America/Santiago 2026-09-06)', () => {
    expect(iso(localHourMillis('2026-09-06', 0, 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
  });

  it('places a repeated midnight at the first of the two (America/Havana 2026-11-01)', () => {
    const midnight = localHourMillis('2026-11-01', 0, 'America/Havana');
    expect(iso(midnight)).toBe('2026-11-01T04:00:00.000Z');
    expect(localHourMillis('2026-10-31', 24, 'America/Havana')).toBe(midnight);
    expect(localDayOf(midnight, 'America/Havana')).toBe('2026-11-01');
  });

  it('throws a RangeError for a day that does not exist or an unknown zone', () => {
    expect(() => localHourMillis('2026-02-30', 0, 'America/New_York')).toThrow(RangeError);
    expect(() => localHourMillis('2026-11-26', 0, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('plusLocalDays', () => {
  it('keeps the wall-clock time across fall-back (America/New_York)', () => {
    const later = plusLocalDays(new Date('2026-10-15T13:30:00Z'), 31, 'America/New_York');
    expect(iso(later)).toBe('2026-11-15T14:30:00.000Z');
  });

  it('keeps the offset the start had when the clock time happens twice', () => {
    const zone = 'America/New_York';
    expect(iso(plusLocalDays(new Date('2026-10-01T05:30:00Z'), 31, zone))).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(plusLocalDays(new Date('2025-11-02T06:30:00Z'), 364, zone))).toBe('2026-11-01T06:30:00.000Z');
  });

  it('moves a skipped clock time forward by the jump (Europe/Berlin 2027-03-28)', () => {
    const later = plusLocalDays(new Date('2027-03-27T01:30:00Z'), 1, 'Europe/Berlin');
    expect(iso(later)).toBe('2027-03-28T01:30:00.000Z');
  });
});
