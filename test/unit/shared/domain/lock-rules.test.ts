import { describe, expect, it } from 'vitest';
import { isLockFree, liveHoldsOf } from '../../../../shared/domain/lock-rules.ts';

describe('isLockFree', () => {
  const now = 1_000_000;

  it('frees an absent or released lock, and a hold whose lease ran out', () => {
    expect(isLockFree(null, now)).toBe(true);
    expect(isLockFree({ state: 'released' }, now)).toBe(true);
    expect(isLockFree({ state: 'held', expiresAt: now }, now)).toBe(true);
    expect(isLockFree({ state: 'held' }, now)).toBe(true);
  });

  it('keeps a live hold, a booking in progress and a booked time blocked, whatever their expiry says', () => {
    expect(isLockFree({ state: 'held', expiresAt: now + 1 }, now)).toBe(false);
    expect(isLockFree({ state: 'booking', expiresAt: now - 1 }, now)).toBe(false);
    expect(isLockFree({ state: 'booked', expiresAt: now - 1 }, now)).toBe(false);
  });
});

describe('liveHoldsOf', () => {
  it('keeps only the holds whose lease has not run out', () => {
    expect(liveHoldsOf({ H1: 10, H2: 11, H3: 12 }, 11)).toEqual({ H3: 12 });
  });
});
