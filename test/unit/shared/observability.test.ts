import { describe, expect, it } from 'vitest';
import { maskEmail, maskPhone } from '../../../shared/observability.ts';

describe('maskPhone', () => {
  it('keeps only the last four digits', () => {
    expect(maskPhone('+14155550123')).toBe('***0123');
  });

  it('returns undefined for a missing number', () => {
    expect(maskPhone(null)).toBeUndefined();
  });
});

describe('maskEmail', () => {
  it('keeps the first letter and the domain', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@example.com');
  });

  it('hides a string that is not an address', () => {
    expect(maskEmail('nope')).toBe('***');
  });
});
