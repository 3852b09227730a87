/** The Calendly budget's windows in one item (shared/adapters/dynamodb/rate-budget.ts), on DynamoDB Local. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { createRateBudget } from '../../shared/adapters/dynamodb/rate-budget.ts';
import type { RateBudgetPort } from '../../shared/domain/ports.ts';
import { createTestTable, type TestTable } from '../fixtures/dynamodb.ts';

const DAY = '2026-12-01T00:00:00.000Z';
const at = (time: string) => new Date(`2026-12-01T${time}Z`);

describe('rate budget on DynamoDB Local', () => {
  let table: TestTable;
  let budget: RateBudgetPort;

  beforeAll(async () => {
    table = await createTestTable('rate');
    budget = createRateBudget(table.documentClient, table.tableName, {
      name: 'test',
      windows: [
        { name: 'minute', lengthMs: 60_000, limit: 2 },
        { name: 'hour', lengthMs: 3_600_000, limit: 3 },
        { name: 'day', lengthMs: 86_400_000, limit: 10 },
      ],
    });
  });

  it('takes from every window or from none, and says when the full one frees up', async () => {
    expect(await budget.tryTake(at('10:00:05'))).toEqual({ ok: true });
    expect(await budget.tryTake(at('10:00:10'))).toEqual({ ok: true });
    // The minute is full: it frees up at 10:01.
    expect(await budget.tryTake(at('10:00:15'))).toEqual({ ok: false, retryAfterSeconds: 45 });
    expect(await budget.tryTake(at('10:01:00'))).toEqual({ ok: true });
    // Now the hour is full (3), though the minute is not: it frees up at 11:00.
    expect(await budget.tryTake(at('10:02:00'))).toEqual({ ok: false, retryAfterSeconds: 58 * 60 });
    expect(await budget.tryTake(at('11:00:00'))).toEqual({ ok: true });

    const { Item } = await table.documentClient.send(
      new GetCommand({
        TableName: table.tableName,
        Key: keys.rate('test', 'day', Date.parse(DAY)),
        ConsistentRead: true,
      }),
    );
    // Refusals took nothing; the day counts all four. Counters of the 30 minutes before a take are removed
    // with it (10:00's at 10:01); older ones stay until the day's item expires (at most one per gap).
    expect(Item?.day).toBe(4);
    expect(Item?.[`minute_${Date.parse('2026-12-01T11:00:00Z')}`]).toBe(1);
    expect(Item?.[`minute_${Date.parse('2026-12-01T10:01:00Z')}`]).toBe(1);
    expect(Item?.[`minute_${Date.parse('2026-12-01T10:00:00Z')}`]).toBeUndefined();
    expect(Item?.[`hour_${Date.parse('2026-12-01T11:00:00Z')}`]).toBe(1);
    expect(Item?.[`hour_${Date.parse('2026-12-01T10:00:00Z')}`]).toBeUndefined();
  });
});
