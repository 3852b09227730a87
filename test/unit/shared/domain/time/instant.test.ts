import { describe, expect, it } from 'vitest';
import { isoInstant } from '../../../../../shared/domain/time/instant.ts';

describe('isoInstant', () => {
  const rows: Array<[input: string, canonical: string]> = [
    ['2026-11-26T14:00:00.000000Z', '2026-11-26T14:00:00.000Z'],
    ['2026-11-26T14:00:00.123456Z', '2026-11-26T14:00:00.123Z'],
    ['2026-11-26T14:00:00.999999Z', '2026-11-26T14:00:00.999Z'],
    ['2026-11-26T14:00:00Z', '2026-11-26T14:00:00.000Z'],
    ['2026-11-26T14:00Z', '2026-11-26T14:00:00.000Z'],
    ['2026-11-26T15:00:00+01:00', '2026-11-26T14:00:00.000Z'],
    ['2026-11-26T09:00:00-0500', '2026-11-26T14:00:00.000Z'],
    ['2026-11-26T24:00:00Z', '2026-11-27T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ];

  it.each(rows)('canonicalises %s', (input, canonical) => {
    expect(isoInstant(input)).toBe(canonical);
  });

  it.each([
    '2026-11-26T14:00:00',
    '2026-02-30T10:00:00Z',
    '2026-11-26T24:00:01Z',
    '2026-11-26T14:60:00Z',
    '2026-11-26',
    'tomorrow',
    '',
  ])('rejects "%s" with a RangeError', (input) => {
    expect(() => isoInstant(input)).toThrow(RangeError);
  });
});
