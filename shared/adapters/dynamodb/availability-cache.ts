/**
 * The shared availability cache: one item per (event type, business day) with the times Calendly listed,
 * when they were fetched, and a short fill lease so that of many containers missing at once, one asks
 * Calendly and the others wait for its answer.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AvailabilityCachePort } from '../../domain/ports.ts';
import * as z from '../../zod.ts';
import { keys, ttlSeconds } from './keys.ts';
import { conditionFailedItem } from './transactions.ts';

const CacheItemSchema = z.object({
  times: z.array(z.object({ start: z.string(), inviteesRemaining: z.number() })),
  fetchedAt: z.number(),
});

export function createAvailabilityCache(
  db: DynamoDBDocumentClient,
  tableName: string,
): AvailabilityCachePort {
  return {
    async read(eventTypeUri, day) {
      const { Item } = await db.send(
        new GetCommand({
          TableName: tableName,
          Key: keys.availability(eventTypeUri, day),
          ConsistentRead: true,
        }),
      );
      const parsed = CacheItemSchema.safeParse(Item);
      return parsed.success ? parsed.data : null;
    },

    async tryLease(eventTypeUri, day, now, leaseMs) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.availability(eventTypeUri, day),
            UpdateExpression: 'SET leaseUntil = :until, #ttl = if_not_exists(#ttl, :ttl)',
            ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: {
              ':until': now.getTime() + leaseMs,
              ':now': now.getTime(),
              ':ttl': ttlSeconds(now.getTime() + 3600_000),
            },
          }),
        );
        return true;
      } catch (error) {
        if (conditionFailedItem(error)) return false;
        throw error;
      }
    },

    async invalidate(eventTypeUri, day) {
      await db.send(new DeleteCommand({ TableName: tableName, Key: keys.availability(eventTypeUri, day) }));
    },

    async write(eventTypeUri, day, times, now, ttlMs) {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keys.availability(eventTypeUri, day),
            times,
            fetchedAt: now.getTime(),
            ttl: ttlSeconds(now.getTime() + ttlMs),
          },
        }),
      );
    },
  };
}
