import { describe, expect, it } from 'vitest';
import { planRound, seededRandom } from '../../../proof/plan.ts';

const OPTIONS = { seed: 7, minCallers: 2, maxCallers: 40, slowFaultEvery: 4 };

describe('the fault campaign plan', () => {
  it('is a function of the seed and the round', () => {
    expect(planRound(3, OPTIONS)).toEqual(planRound(3, OPTIONS));
    expect(planRound(3, OPTIONS)).not.toEqual(planRound(3, { ...OPTIONS, seed: 8 }));
    expect(planRound(3, OPTIONS)).not.toEqual(planRound(4, OPTIONS));
    const draws = seededRandom(42);
    const again = seededRandom(42);
    expect(Array.from({ length: 5 }, draws)).toEqual(Array.from({ length: 5 }, again));
  });

  it('plays 2 to 40 callers per round, with every fault kind and every way a call ends', () => {
    const rounds = Array.from({ length: 200 }, (_, index) => planRound(index + 1, OPTIONS));
    const counts = rounds.map((round) => round.callers.length);
    expect(Math.min(...counts)).toBe(2);
    expect(Math.max(...counts)).toBe(40);
    const kinds = new Set(rounds.flatMap((round) => round.calendlyFaults.map((fault) => fault.kind)));
    expect([...kinds].sort()).toEqual([
      'connection_reset',
      'rate_limited',
      'response_lost',
      'server_error',
      'slow_past_timeout',
    ]);
    const callers = rounds.flatMap((round) => round.callers);
    expect(new Set(callers.map((caller) => caller.ending))).toEqual(
      new Set(['confirm', 'release', 'hang_up', 'abandon']),
    );
    for (const flag of ['bookedOnWebFirst', 'firstDeliveryLost', 'duplicateMessage', 'replayHold'] as const) {
      expect(callers.some((caller) => caller[flag])).toBe(true);
    }
    expect(callers.some((caller) => caller.phone === null)).toBe(true);
    expect(rounds.some((round) => round.listingLagMs > 0)).toBe(true);
  });

  it('holds an answer past the client timeout in at most one round in `slowFaultEvery`, once', () => {
    const rounds = Array.from({ length: 200 }, (_, index) => planRound(index + 1, OPTIONS));
    for (const round of rounds) {
      const slow = round.calendlyFaults.filter((fault) => fault.kind === 'slow_past_timeout');
      expect(slow.length).toBeLessThanOrEqual(round.round % 4 === 0 ? 1 : 0);
    }
  });
});
