import { describe, expect, it } from 'vitest';
import { availableStarts } from '../../../../../infra/local/calendly-sandbox/availability.ts';

const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

describe('availableStarts', () => {
  // Friday 2026-10-23 10:00 in London (BST, UTC+1); British Summer Time ends Sunday 2026-10-25.
  const base = {
    timezone: 'Europe/London',
    nowMs: Date.parse('2026-10-23T09:00:00Z'),
    durationMinutes: 60,
    minimumNoticeMinutes: 0,
    horizonDays: 7,
    busy: [],
  };

  it('keeps opening hours in local wall-clock time on both sides of a DST change', () => {
    const starts = availableStarts({ ...base, fromMs: base.nowMs, toMs: base.nowMs + 4 * 24 * HOUR }).map(
      iso,
    );
    expect(starts[0]).toBe('2026-10-23T09:00:00.000Z'); // Friday 10:00 BST
    expect(starts.filter((start) => start.startsWith('2026-10-23')).at(-1)).toBe('2026-10-23T15:00:00.000Z');
    expect(
      starts.filter((start) => start.startsWith('2026-10-24') || start.startsWith('2026-10-25')),
    ).toEqual([]);
    const monday = starts.filter((start) => start.startsWith('2026-10-26'));
    expect(monday[0]).toBe('2026-10-26T09:00:00.000Z'); // Monday 09:00 GMT
    expect(monday.at(-1)).toBe('2026-10-26T16:00:00.000Z'); // 16:00-17:00 GMT, the last hour that fits
  });

  it('drops starts inside the minimum notice and past the horizon', () => {
    const starts = availableStarts({
      ...base,
      minimumNoticeMinutes: 120,
      horizonDays: 1,
      fromMs: base.nowMs,
      toMs: base.nowMs + 10 * 24 * HOUR,
    }).map(iso);
    expect(starts[0]).toBe('2026-10-23T11:00:00.000Z');
    expect(starts.at(-1)).toBe('2026-10-23T15:00:00.000Z');
  });

  it('drops every start whose event would overlap a busy interval', () => {
    const busy = [{ startMs: Date.parse('2026-10-26T12:00:00Z'), endMs: Date.parse('2026-10-26T12:30:00Z') }];
    const day = { fromMs: Date.parse('2026-10-26T00:00:00Z'), toMs: Date.parse('2026-10-27T00:00:00Z') };
    const starts = availableStarts({ ...base, ...day, busy }).map(iso);
    expect(starts).toContain('2026-10-26T11:00:00.000Z'); // ends exactly when the busy time starts
    expect(starts).not.toContain('2026-10-26T11:30:00.000Z');
    expect(starts).not.toContain('2026-10-26T12:00:00.000Z');
    expect(starts).toContain('2026-10-26T12:30:00.000Z');
  });

  it('returns nothing for a window entirely in the past', () => {
    expect(availableStarts({ ...base, fromMs: base.nowMs - 48 * HOUR, toMs: base.nowMs - HOUR })).toEqual([]);
  });
});
