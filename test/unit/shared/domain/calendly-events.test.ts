import { describe, expect, it } from 'vitest';
import { phonesOf } from '../../../../shared/domain/calendly-events.ts';

describe('phonesOf', () => {
  it('reads the numbers Calendly collected, however they were typed, once each', () => {
    expect(phonesOf(['+1 (415) 555-0101', '+1.415.555.0101', '+44 20 7946 0958', null, undefined])).toEqual([
      '+14155550101',
      '+442079460958',
    ]);
  });

  it('ignores answers that are not E.164 numbers', () => {
    expect(phonesOf(['415-555-0101', 'call me after 5', '+0123456789', '', '100'])).toEqual([]);
  });
});
