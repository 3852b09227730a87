/**
 * Where the calendar cells behind the slot lock live (see shared/domain/slot-cells.ts; their transitions
 * are in ./transitions.ts). Cells are kept in two-hour buckets, one item per bucket, each cell as two
 * attributes: `h<i>` the hold that owns it, `e<i>` until when (a booked appointment's cells never
 * expire). A cell is free when it has no owner or its owner's lease ran out. A 60-minute appointment so
 * claims one or two items instead of twelve, in the same transaction as its slot item: each cell still
 * has its own condition, so two overlapping appointments still cannot both be held. A full bucket is
 * under 1 KB (24 cells of about 24 bytes), one write unit.
 *
 * Buckets are partitioned by UTC month, so the cells of any search window are one Query (two across a
 * month's end).
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { CELL_MINUTES } from '../../domain/slot-cells.ts';
import { cellPartition } from './keys.ts';

const CELL_MS = CELL_MINUTES * 60_000;
export const BUCKET_MS = 2 * 3600_000;
const CELLS_PER_BUCKET = BUCKET_MS / CELL_MS;
/** The expiry of a booked appointment's cells: never (DynamoDB numbers hold it exactly). */
export const NEVER = Number.MAX_SAFE_INTEGER;

export const ownerAttribute = (index: number) => `h${index}`;
export const untilAttribute = (index: number) => `e${index}`;

/** The start (epoch ms) of the bucket a cell belongs to. */
export const bucketOf = (cellStartMs: number): number => Math.floor(cellStartMs / BUCKET_MS) * BUCKET_MS;

/** A cell's index in its bucket. */
export const indexInBucket = (cellStartMs: number): number => (cellStartMs - bucketOf(cellStartMs)) / CELL_MS;

/** Cells (epoch ms) grouped by bucket, in order. */
export function byBucket(cells: readonly number[]): { bucket: number; indexes: number[] }[] {
  const groups = new Map<number, number[]>();
  for (const cell of cells) {
    const bucket = bucketOf(cell);
    groups.set(bucket, [...(groups.get(bucket) ?? []), indexInBucket(cell)]);
  }
  return [...groups].map(([bucket, indexes]) => ({ bucket, indexes }));
}

/** True when cell `index` of a bucket item no longer blocks anyone at `nowMs`. */
export function isCellFree(item: Record<string, unknown> | undefined, index: number, nowMs: number): boolean {
  const owner = item?.[ownerAttribute(index)];
  if (typeof owner !== 'string') return true;
  return Number(item?.[untilAttribute(index)] ?? 0) <= nowMs;
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
  const first = bucketOf(fromMs);
  const months = new Set<string>();
  for (let bucket = first; bucket < toMs; bucket += BUCKET_MS) {
    months.add(new Date(bucket).toISOString().slice(0, 7));
  }
  await Promise.all(
    [...months].map(async (month) => {
      let exclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': cellPartition(month),
              ':from': new Date(first).toISOString(),
              ':to': new Date(toMs).toISOString(),
            },
            ConsistentRead: true,
            ExclusiveStartKey: exclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const bucket = Date.parse(String(item.sk));
          for (let index = 0; index < CELLS_PER_BUCKET; index++) {
            const cell = bucket + index * CELL_MS;
            if (cell >= fromMs && cell < toMs && !isCellFree(item, index, nowMs)) occupied.add(cell);
          }
        }
        exclusiveStartKey = page.LastEvaluatedKey;
      } while (exclusiveStartKey);
    }),
  );
  return occupied;
}
