import { describe, expect, it } from 'vitest';
import {
  speakClock,
  speakDate,
  speakDayRange,
  speakSlot,
  speakSlotList,
  speakWindow,
  speakZoneName,
} from '../../../../shared/speech/time.ts';

const NEW_YORK = 'America/New_York';
// Thursday 2026-11-26, 10:00 EST.
const now = new Date('2026-11-26T15:00:00Z');
const context = { zone: NEW_YORK, now };

// Letters, digits, spaces and the few marks a TTS handles quietly.
const SPEAKABLE = /^[A-Za-z0-9 ,:()]+$/;

describe('speakSlot', () => {
  const rows: Array<[label: string, start: string, callerZone: string | null, spoken: string]> = [
    ['a Calendly start', '2026-12-01T19:30:00.000000Z', null, 'Tuesday, December 1 at 2:30 PM Eastern Time'],
    [
      'a start for a Pacific caller',
      '2026-12-01T19:30:00Z',
      'America/Los_Angeles',
      'Tuesday, December 1 at 2:30 PM Eastern Time (11:30 AM Pacific Time for you)',
    ],
    [
      'a start for a caller on the same clock',
      '2026-12-01T19:30:00Z',
      'America/Detroit',
      'Tuesday, December 1 at 2:30 PM Eastern Time',
    ],
    [
      'a start for a caller in the business zone',
      '2026-12-01T19:30:00Z',
      NEW_YORK,
      'Tuesday, December 1 at 2:30 PM Eastern Time',
    ],
    [
      'a start for an unknown caller zone',
      '2026-12-01T19:30:00Z',
      'Not/AZone',
      'Tuesday, December 1 at 2:30 PM Eastern Time',
    ],
    [
      'a start that is another day for the caller',
      '2026-12-01T19:30:00Z',
      'Asia/Kolkata',
      'Tuesday, December 1 at 2:30 PM Eastern Time (Wednesday, December 2 at 1 AM India Standard Time for you)',
    ],
    [
      'a start tomorrow on the hour',
      '2026-11-27T14:00:00Z',
      null,
      'tomorrow, Friday, November 27 at 9 AM Eastern Time',
    ],
    [
      'a start at noon today',
      '2026-11-26T17:00:00Z',
      null,
      'today, Thursday, November 26 at noon Eastern Time',
    ],
    ['a start at midnight', '2026-12-02T05:00:00Z', null, 'Wednesday, December 2 at midnight Eastern Time'],
    [
      'a start with minutes after midnight',
      '2026-12-02T05:05:00Z',
      null,
      'Wednesday, December 2 at 12:05 AM Eastern Time',
    ],
    ['a start at 12:30 PM', '2026-12-01T17:30:00Z', null, 'Tuesday, December 1 at 12:30 PM Eastern Time'],
  ];

  it.each(rows)('speaks %s', (_label, start, callerZone, spoken) => {
    const text = speakSlot(start, { ...context, callerZone });
    expect(text).toBe(spoken);
    expect(text).toMatch(SPEAKABLE);
  });

  it('speaks the fall-back night twice as 1:30 AM on the one Sunday', () => {
    const sundayContext = { zone: NEW_YORK, now: new Date('2026-10-29T14:00:00Z') };
    expect(speakSlot('2026-11-01T05:30:00Z', sundayContext)).toBe(
      'Sunday, November 1 at 1:30 AM Eastern Time',
    );
    expect(speakSlot('2026-11-01T06:30:00Z', sundayContext)).toBe(
      'Sunday, November 1 at 1:30 AM Eastern Time',
    );
  });

  it('uses today and tomorrow of the business zone late in the evening', () => {
    const late = { zone: NEW_YORK, now: new Date('2026-11-27T03:30:00Z') }; // Thursday 22:30 EST
    expect(speakSlot('2026-11-27T14:00:00Z', late)).toBe(
      'tomorrow, Friday, November 27 at 9 AM Eastern Time',
    );
  });

  it('speaks an east-of-UTC business zone and a caller a day behind', () => {
    const kolkata = { zone: 'Asia/Kolkata', now: new Date('2026-11-26T20:00:00Z'), callerZone: NEW_YORK };
    expect(speakSlot('2026-11-27T04:30:00Z', kolkata)).toBe(
      'today, Friday, November 27 at 10 AM India Standard Time (Thursday, November 26 at 11:30 PM Eastern Time for you)',
    );
  });

  it('speaks Berlin in Central European Time', () => {
    expect(speakSlot('2026-12-01T13:15:00Z', { zone: 'Europe/Berlin', now })).toBe(
      'Tuesday, December 1 at 2:15 PM Central European Time',
    );
  });

  it('adds the caller time only on the side of a DST change where the clocks differ', () => {
    // Phoenix keeps UTC-7; Denver is UTC-7 in winter and UTC-6 in summer.
    const denver = {
      zone: 'America/Denver',
      now: new Date('2026-11-26T15:00:00Z'),
      callerZone: 'America/Phoenix',
    };
    expect(speakSlot('2026-12-01T16:00:00Z', denver)).toBe('Tuesday, December 1 at 9 AM Mountain Time');
    const summer = { ...denver, now: new Date('2026-05-28T15:00:00Z') };
    expect(speakSlot('2026-06-02T16:00:00Z', summer)).toBe(
      'Tuesday, June 2 at 10 AM Mountain Time (9 AM Mountain Standard Time for you)',
    );
  });
});

describe('speakSlotList', () => {
  it('groups one day and names the zone once', () => {
    const starts = [
      '2026-12-01T19:30:00Z',
      '2026-12-01T14:00:00Z',
      '2026-12-01T15:00:00.000000Z',
      '2026-12-01T14:00:00.000Z',
    ];
    expect(speakSlotList(starts, context)).toBe('Tuesday, December 1 at 9 AM, 10 AM or 2:30 PM Eastern Time');
    expect(speakSlotList(starts, { ...context, callerZone: 'America/Los_Angeles' })).toBe(
      'Tuesday, December 1 at 9 AM, 10 AM or 2:30 PM Eastern Time (6 AM, 7 AM or 11:30 AM Pacific Time for you)',
    );
  });

  it('groups several days in time order', () => {
    const starts = ['2026-12-01T19:30:00Z', '2026-11-27T15:00:00Z', '2026-11-27T14:00:00Z'];
    expect(speakSlotList(starts, context)).toBe(
      'tomorrow, Friday, November 27 at 9 AM or 10 AM, or Tuesday, December 1 at 2:30 PM Eastern Time',
    );
    expect(speakSlotList(starts, { ...context, callerZone: 'America/Los_Angeles' })).toBe(
      'tomorrow, Friday, November 27 at 9 AM or 10 AM, or Tuesday, December 1 at 2:30 PM Eastern Time ' +
        '(Friday, November 27 at 6 AM or 7 AM, or Tuesday, December 1 at 11:30 AM Pacific Time for you)',
    );
  });

  it('speaks six slots as plain speakable text', () => {
    const starts = [14, 15, 16, 17, 18, 19].map((hour) => `2026-12-01T${hour}:00:00.000000Z`);
    const text = speakSlotList(starts, { ...context, callerZone: 'Europe/Berlin' });
    expect(text).toBe(
      'Tuesday, December 1 at 9 AM, 10 AM, 11 AM, noon, 1 PM or 2 PM Eastern Time ' +
        '(3 PM, 4 PM, 5 PM, 6 PM, 7 PM or 8 PM Central European Time for you)',
    );
    expect(text).toMatch(SPEAKABLE);
  });

  it('throws RangeError for no start times or a malformed one', () => {
    expect(() => speakSlotList([], context)).toThrow(RangeError);
    expect(() => speakSlotList(['tomorrow'], context)).toThrow(RangeError);
  });
});

describe('speakDate', () => {
  const rows: Array<[day: string, spoken: string]> = [
    ['2026-11-26', 'today, Thursday, November 26'],
    ['2026-11-27', 'tomorrow, Friday, November 27'],
    ['2026-12-01', 'Tuesday, December 1'],
    ['2027-01-01', 'Friday, January 1'],
    ['2027-06-01', 'Tuesday, June 1, 2027'],
    ['2025-11-20', 'Thursday, November 20, 2025'],
  ];

  it.each(rows)('speaks %s as "%s"', (day, spoken) => {
    expect(speakDate(day, context)).toBe(spoken);
  });

  it('throws RangeError for a day that does not exist', () => {
    expect(() => speakDate('2026-02-30', context)).toThrow(RangeError);
  });
});

describe('speakDayRange', () => {
  it('speaks a range from today with the relative word only at the start', () => {
    expect(speakDayRange('2026-11-26', '2026-11-29', context)).toBe('today through Sunday, November 29');
    expect(speakDayRange('2026-11-27', '2026-11-29', context)).toBe('tomorrow through Sunday, November 29');
    expect(speakDayRange('2026-11-30', '2026-12-04', context)).toBe(
      'Monday, November 30 through Friday, December 4',
    );
  });

  it('speaks a one-day range as that day', () => {
    expect(speakDayRange('2026-12-01', '2026-12-01', context)).toBe('Tuesday, December 1');
  });
});

describe('speakWindow', () => {
  it('adds the part of day unless it is any', () => {
    const tomorrow = { firstDay: '2026-11-27', lastDay: '2026-11-27', partOfDay: 'afternoon' };
    expect(speakWindow(tomorrow, context)).toBe('tomorrow, Friday, November 27 in the afternoon');
    const tuesday = { firstDay: '2026-12-01', lastDay: '2026-12-01', partOfDay: 'any' };
    expect(speakWindow(tuesday, context)).toBe('Tuesday, December 1');
  });
});

describe('speakClock', () => {
  const rows: Array<[hour: number, minute: number, spoken: string]> = [
    [0, 0, 'midnight'],
    [0, 30, '12:30 AM'],
    [9, 0, '9 AM'],
    [9, 5, '9:05 AM'],
    [12, 0, 'noon'],
    [12, 45, '12:45 PM'],
    [23, 59, '11:59 PM'],
  ];

  it.each(rows)('speaks %i:%i as "%s"', (hour, minute, spoken) => {
    expect(speakClock(hour, minute)).toBe(spoken);
  });
});

describe('speakZoneName', () => {
  const at = new Date('2026-12-01T12:00:00Z');
  const rows: Array<[zone: string, spoken: string]> = [
    ['America/New_York', 'Eastern Time'],
    ['America/Los_Angeles', 'Pacific Time'],
    ['Europe/Berlin', 'Central European Time'],
    ['Asia/Kolkata', 'India Standard Time'],
    ['UTC', 'UTC'],
    ['Etc/GMT-3', 'UTC plus 3'],
    ['Etc/GMT+5', 'UTC minus 5'],
  ];

  it.each(rows)('names %s "%s"', (zone, spoken) => {
    expect(speakZoneName(zone, at)).toBe(spoken);
  });
});
