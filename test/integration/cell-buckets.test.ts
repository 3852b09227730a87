/**
 * The cells behind the slot lock in two-hour bucket items (shared/adapters/dynamodb/cells.ts), on DynamoDB
 * Local: an appointment across a bucket boundary claims both buckets, every cell keeps its own condition,
 * and what a hold releases or confirms is exactly its own cells.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { createDynamoStore, type DynamoStore } from '../../shared/adapters/dynamodb/store.ts';
import type { SlotRef } from '../../shared/domain/model.ts';
import { createTestTable, type TestTable } from '../fixtures/dynamodb.ts';
import { holdRequest } from '../fixtures/holds.ts';

const T0 = new Date('2026-12-01T15:00:00.000Z');
const OTHER_TYPE = 'https://api.calendly.com/event_types/ET-OTHER';
const slot = (start: string, durationMinutes: number, eventTypeUri = OTHER_TYPE): SlotRef => ({
  eventTypeUri,
  start,
  durationMinutes,
});

describe('cell buckets on DynamoDB Local', () => {
  let table: TestTable;
  let store: DynamoStore;

  beforeAll(async () => {
    table = await createTestTable('cells');
    store = createDynamoStore({ tableName: table.tableName, documentClient: table.documentClient });
  });

  const bucket = async (startIso: string) =>
    (
      await table.documentClient.send(
        new GetCommand({
          TableName: table.tableName,
          Key: keys.cellBucket(Date.parse(startIso)),
          ConsistentRead: true,
        }),
      )
    ).Item;

  it('blocks an overlap on either side of a bucket boundary, and nothing beside it', async () => {
    // 13:30-14:30 UTC covers the 12:00 and the 14:00 bucket.
    const across = await store.slots.hold(holdRequest('CA-across', slot('2026-12-09T13:30:00Z', 60), T0));
    expect(across.kind).toBe('held');
    expect(Object.keys((await bucket('2026-12-09T12:00:00Z')) ?? {})).toEqual(
      expect.arrayContaining(['h18', 'e18', 'h23', 'e23']),
    );
    expect(Object.keys((await bucket('2026-12-09T14:00:00Z')) ?? {})).toEqual(
      expect.arrayContaining(['h0', 'e5']),
    );

    for (const [start, minutes] of [
      ['2026-12-09T13:00:00Z', 45],
      ['2026-12-09T14:25:00Z', 30],
      ['2026-12-09T13:55:00Z', 10],
    ] as const) {
      const taken = await store.slots.hold(
        holdRequest(`CA-${start}`, slot(start, minutes, 'https://x/et/3'), T0),
      );
      expect(taken.kind, `${start} for ${minutes} min`).toBe('taken');
    }
    expect((await store.slots.hold(holdRequest('CA-after', slot('2026-12-09T14:30:00Z', 30), T0))).kind).toBe(
      'held',
    );
    expect(
      (await store.slots.hold(holdRequest('CA-before', slot('2026-12-09T13:00:00Z', 30), T0))).kind,
    ).toBe('held');
  });

  it('frees exactly the released hold\u2019s cells, and keeps a confirmed hold\u2019s past its lease', async () => {
    const first = await store.slots.hold(holdRequest('CA-r1', slot('2026-12-10T10:00:00Z', 30), T0));
    const second = await store.slots.hold(holdRequest('CA-r2', slot('2026-12-10T10:30:00Z', 30), T0));
    if (first.kind !== 'held' || second.kind !== 'held') throw new Error('both should hold');
    expect(await store.slots.release(first.hold, T0)).toBe(true);
    const occupied = await store.slots.occupiedCells('2026-12-10T10:00:00Z', '2026-12-10T11:00:00Z', T0);
    expect([...occupied].map((ms) => new Date(ms).toISOString().slice(11, 16))).toEqual([
      '10:30',
      '10:35',
      '10:40',
      '10:45',
      '10:50',
      '10:55',
    ]);
    // Past the second hold's lease its cells are free again.
    const later = new Date(T0.getTime() + 10 * 60_000);
    expect(
      (await store.slots.occupiedCells('2026-12-10T10:00:00Z', '2026-12-10T11:00:00Z', later)).size,
    ).toBe(0);
  });
});
