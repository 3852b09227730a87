import { describe, expect, it } from 'vitest';
import { itemSize, type MeteredRequest, summarize } from '../../../../infra/local/dynamodb-meter.ts';

const request = (
  startedAt: number,
  endedAt: number,
  extra: Partial<MeteredRequest> = {},
): MeteredRequest => ({
  operation: 'GetItem',
  items: 1,
  kinds: ['CALL'],
  readUnits: 1,
  writeUnits: 0,
  indexWriteUnits: 0,
  writes: [],
  status: 200,
  startedAt,
  endedAt,
  ...extra,
});

describe('itemSize', () => {
  it('counts names and values as DynamoDB does', () => {
    expect(itemSize({ pk: { S: 'abc' } })).toBe(5);
    // 1 byte per two significant digits plus 1; leading and trailing zeros do not count.
    expect(itemSize({ n: { N: '12345' } })).toBe(1 + 4);
    expect(itemSize({ n: { N: '0.00120' } })).toBe(1 + 2);
    expect(itemSize({ b: { BOOL: true }, z: { NULL: true } })).toBe(4);
    // Lists and maps: 3 bytes, plus 1 per element (and a map's names).
    expect(itemSize({ l: { L: [{ S: 'ab' }, { S: 'c' }] } })).toBe(1 + 3 + 3 + 2);
    expect(itemSize({ m: { M: { k: { S: 'v' } } } })).toBe(1 + 3 + 1 + 1 + 1);
    expect(itemSize({ s: { S: 'é' } })).toBe(3);
  });
});

describe('summarize', () => {
  it('counts a request that starts while another is in flight in that one\u2019s round trip', () => {
    const summary = summarize([
      request(0, 10),
      request(2, 12, { operation: 'Query' }),
      request(12, 20, { operation: 'TransactWriteItems', items: 4, readUnits: 0, writeUnits: 8 }),
      request(25, 30, { status: 400, readUnits: 0 }),
    ]);
    expect(summary).toMatchObject({
      requests: 4,
      roundTrips: 3,
      readUnits: 2,
      writeUnits: 8,
      transactionItems: 4,
      failed: 1,
      operations: { GetItem: 2, Query: 1, TransactWriteItems: 1 },
    });
  });
});
