import { describe, expect, it } from 'vitest';
import { nearestTo } from '../../../../shared/domain/open-slots.ts';

const ZONE = 'America/New_York';
// Monday 2026-11-30 and Tuesday 2026-12-01, Eastern Standard Time (UTC-5).
const at = (day: string, clock: string) => new Date(`${day}T${clock}:00-05:00`).toISOString();
const MONDAY = '2026-11-30';
const TUESDAY = '2026-12-01';

describe('nearestTo', () => {
  it('puts the asked time first and says it is there, then the nearest, earlier first on a tie', () => {
    const starts = ['13:00', '14:00', '14:30', '15:00', '15:30', '16:00'].map((clock) => at(MONDAY, clock));
    const ranked = nearestTo(starts, { hour: 15, minute: 0 }, ZONE);
    expect(ranked.exact).toBe(true);
    expect(ranked.starts.slice(0, 4)).toEqual([
      at(MONDAY, '15:00'),
      at(MONDAY, '14:30'),
      at(MONDAY, '15:30'),
      at(MONDAY, '14:00'),
    ]);
  });

  it('says the asked time is not there when it is not', () => {
    const ranked = nearestTo([at(MONDAY, '09:00'), at(MONDAY, '16:00')], { hour: 15, minute: 0 }, ZONE);
    expect(ranked).toEqual({ starts: [at(MONDAY, '16:00'), at(MONDAY, '09:00')], exact: false });
  });

  it('ranks by time of day across days, the earlier day first', () => {
    const starts = [at(MONDAY, '10:00'), at(TUESDAY, '15:00'), at(MONDAY, '15:00'), at(TUESDAY, '14:00')];
    expect(nearestTo(starts, { hour: 15, minute: 0 }, ZONE).starts).toEqual([
      at(MONDAY, '15:00'),
      at(TUESDAY, '15:00'),
      at(TUESDAY, '14:00'),
      at(MONDAY, '10:00'),
    ]);
  });

  it('reads the time of day in the business zone, not in UTC', () => {
    // 15:00 in New York is 20:00 UTC; 20:00 in New York would be the next day in UTC.
    const ranked = nearestTo([at(MONDAY, '20:00'), at(MONDAY, '15:00')], { hour: 15, minute: 0 }, ZONE);
    expect(ranked.starts[0]).toBe(at(MONDAY, '15:00'));
  });

  it('gives nothing for nothing', () => {
    expect(nearestTo([], { hour: 9, minute: 0 }, ZONE)).toEqual({ starts: [], exact: false });
  });
});
