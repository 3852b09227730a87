/**
 * Reading the calendar cells behind the slot lock (see shared/domain/slot-cells.ts; their transitions are in
 * ./transitions.ts): which cells are occupied. Cells always change in the same transaction as their slot
 * item, so a slot's state says what its cells are.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isLockFree } from '../../domain/lock-rules.ts';
import { CellItemSchema } from './items.ts';
import { cellPartition } from './keys.ts';

const DAY_MS = 86_400_000;

/** True when a cell item no longer blocks anyone at `nowMs`. */
export function isCellFree(item: Record<string, unknown> | undefined, nowMs: number): boolean {
  if (!item) return true;
  return isLockFree(CellItemSchema.parse(item), nowMs);
}

/** Start instants (epoch ms) of the cells in [fromMs, toMs) that a live hold or a booking occupies. */
export async function occupiedCells(
  db: DynamoDBDocumentClient,
  tableName: string,
  fromMs: number,
  toMs: number,
  nowMs: number,
): Promise<Set<number>> {
  const occupied = new Set<number>();
  const from = new Date(fromMs).toISOString();
  const to = new Date(toMs).toISOString();
  const days: string[] = [];
  for (let day = Date.parse(from.slice(0, 10)); day < toMs; day += DAY_MS) {
    days.push(new Date(day).toISOString().slice(0, 10));
  }
  await Promise.all(
    days.map(async (day) => {
      let exclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': cellPartition(day), ':from': from, ':to': to },
            ConsistentRead: true,
            ExclusiveStartKey: exclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const at = Date.parse(String(item.sk));
          if (at < toMs && !isCellFree(item, nowMs)) occupied.add(at);
        }
        exclusiveStartKey = page.LastEvaluatedKey;
      } while (exclusiveStartKey);
    }),
  );
  return occupied;
}
