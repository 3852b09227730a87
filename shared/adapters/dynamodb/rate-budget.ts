/**
 * A self-imposed budget for Calendly's create-invitee limits (per minute, hour and day), counted in
 * fixed windows on the shared table so every worker container draws from the same pot. All windows are
 * taken in one transaction: a request either fits in all of them or consumes nothing.
 */
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { RateBudgetPort } from '../../domain/ports.ts';
import { keys, ttlSeconds } from './keys.ts';
import { backoff, cancellationReasons, isTransactionConflict } from './transactions.ts';

export interface RateWindow {
  name: string;
  lengthMs: number;
  limit: number;
}

const MAX_ATTEMPTS = 5;

export function createRateBudget(
  db: DynamoDBDocumentClient,
  tableName: string,
  options: { name: string; windows: RateWindow[] },
): RateBudgetPort {
  return {
    async tryTake(now) {
      const nowMs = now.getTime();
      const buckets = options.windows.map((window) => {
        const start = Math.floor(nowMs / window.lengthMs) * window.lengthMs;
        return { window, start, end: start + window.lengthMs };
      });
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: buckets.map(({ window, start, end }) => ({
                Update: {
                  TableName: tableName,
                  Key: keys.rate(options.name, window.name, start),
                  UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
                  ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
                  ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
                  ExpressionAttributeValues: {
                    ':one': 1,
                    ':limit': window.limit,
                    ':ttl': ttlSeconds(end + 3600_000),
                  },
                },
              })),
            }),
          );
          return { ok: true };
        } catch (error) {
          const reasons = cancellationReasons(error);
          if (!reasons) throw error;
          if (isTransactionConflict(reasons)) {
            await backoff(attempt);
            continue;
          }
          const exhaustedUntil = Math.max(
            ...buckets
              .filter((_, i) => reasons[i]?.code === 'ConditionalCheckFailed')
              .map((bucket) => bucket.end),
          );
          return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((exhaustedUntil - nowMs) / 1000)) };
        }
      }
      return { ok: false, retryAfterSeconds: 1 };
    },
  };
}
