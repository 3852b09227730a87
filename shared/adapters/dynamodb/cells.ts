/**
 * The calendar cells behind the slot lock (see shared/domain/slot-cells.ts): transaction items that claim,
 * move and free the cells of one appointment, and the query that tells which cells are occupied. Cells
 * always change in the same transaction as their slot item, so a slot's state says what its cells are.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SlotRef } from '../../domain/model.ts';
import { cellsOf } from '../../domain/slot-cells.ts';
import { CellItemSchema } from './items.ts';
import { cellPartition, keys, ttlSeconds } from './keys.ts';

const DAY_MS = 86_400_000;

/** Updates claiming every cell of `slot` for a hold; each fails unless the cell is free at `nowMs`. */
export function claimCells(
  tableName: string,
  slot: SlotRef,
  claim: { holdId: string; expiresAt: number; nowMs: number; retainUntilMs: number },
) {
  return cellsOf(slot).map((cell) => ({
    Update: {
      TableName: tableName,
      Key: keys.cell(cell),
      UpdateExpression: 'SET #state = :held, holdId = :holdId, expiresAt = :expiresAt, #ttl = :ttl',
      ConditionExpression:
        'attribute_not_exists(pk) OR #state = :released OR (#state = :held AND expiresAt <= :now)',
      ExpressionAttributeNames: { '#state': 'state', '#ttl': 'ttl' },
      ExpressionAttributeValues: {
        ':held': 'held',
        ':released': 'released',
        ':holdId': claim.holdId,
        ':expiresAt': claim.expiresAt,
        ':now': claim.nowMs,
        ':ttl': ttlSeconds(claim.retainUntilMs),
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  }));
}

/** Updates moving the cells a hold owns to `booking` (kept until released) or back to `released`. */
export function moveCells(tableName: string, slot: SlotRef, holdId: string, to: 'booking' | 'released') {
  return cellsOf(slot).map((cell) => ({
    Update: {
      TableName: tableName,
      Key: keys.cell(cell),
      UpdateExpression:
        to === 'booking' ? 'SET #state = :to REMOVE expiresAt' : 'SET #state = :to REMOVE holdId, expiresAt',
      ConditionExpression: 'holdId = :holdId',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':to': to, ':holdId': holdId },
    },
  }));
}

/** True when a cell item no longer blocks anyone at `nowMs`. */
export function isCellFree(item: Record<string, unknown> | undefined, nowMs: number): boolean {
  if (!item) return true;
  const cell = CellItemSchema.parse(item);
  return cell.state === 'released' || (cell.state === 'held' && (cell.expiresAt ?? 0) <= nowMs);
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
