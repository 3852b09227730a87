/**
 * The shared availability cache. One partition per business day holds an item per event type (the times
 * Calendly listed, when the request for them started, and a short fill lease so that of many containers
 * missing at once, one asks Calendly and the others wait) and one `#INVALIDATED` item: when Calendly last
 * reported a change to that day. All event types share one host calendar, so a change voids all of them.
 *
 * Invalidation is an UpdateItem (never a delete), and a fill is stored only in a transaction that checks the
 * invalidation is older than the fill's request: an answer that raced a change is never served as fresh.
 */
import { type DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AvailabilityCachePort } from '../../domain/ports.ts';
import * as z from '../../zod.ts';
import { AVAILABILITY_INVALIDATION_SK, availabilityPartition, keys, ttlSeconds } from './keys.ts';
import {
  backoff,
  cancellationReasons,
  isTransactionConflict,
  updateUnlessConditionFails,
} from './transactions.ts';

const EntryItemSchema = z.object({
  sk: z.string(),
  times: z.optional(z.array(z.object({ start: z.string(), inviteesRemaining: z.number() }))),
  fetchedAt: z.optional(z.number()),
  leaseUntil: z.optional(z.number()),
});

const InvalidationItemSchema = z.object({ invalidatedAt: z.number() });

/** An invalidation matters only while entries fetched before it could still be fresh; a day is plenty. */
const INVALIDATION_RETENTION_MS = 24 * 3600_000;
const LEASE_ITEM_RETENTION_MS = 3600_000;
const MAX_WRITE_ATTEMPTS = 3;

/** The DynamoDB implementation of AvailabilityCachePort (keys in keys.ts). */
export function createAvailabilityCache(
  db: DynamoDBDocumentClient,
  tableName: string,
): AvailabilityCachePort {
  return {
    async read(eventTypeUri, day) {
      const { sk } = keys.availability(eventTypeUri, day);
      // One strongly consistent Query reads the entry and the day's invalidation together. The partition
      // holds one small item per event type, far below a Query page.
      const { Items } = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': availabilityPartition(day) },
          ConsistentRead: true,
        }),
      );
      let invalidatedAt: number | null = null;
      let found: z.infer<typeof EntryItemSchema> | null = null;
      for (const item of Items ?? []) {
        if (item.sk === AVAILABILITY_INVALIDATION_SK) {
          const parsed = InvalidationItemSchema.safeParse(item);
          if (parsed.success) invalidatedAt = parsed.data.invalidatedAt;
        } else if (item.sk === sk) {
          const parsed = EntryItemSchema.safeParse(item);
          if (parsed.success) found = parsed.data;
        }
      }
      const { times, fetchedAt, leaseUntil } = found ?? {};
      const valid =
        times !== undefined &&
        fetchedAt !== undefined &&
        (invalidatedAt === null || fetchedAt > invalidatedAt);
      return { entry: valid ? { times, fetchedAt } : null, leaseUntil: leaseUntil ?? null };
    },

    async tryLease(eventTypeUri, day, now, leaseMs) {
      const leaseUntil = now.getTime() + leaseMs;
      const taken = await updateUnlessConditionFails(db, {
        TableName: tableName,
        Key: keys.availability(eventTypeUri, day),
        UpdateExpression: 'SET leaseUntil = :until, #ttl = if_not_exists(#ttl, :ttl)',
        ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil <= :now',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':until': leaseUntil,
          ':now': now.getTime(),
          ':ttl': ttlSeconds(now.getTime() + LEASE_ITEM_RETENTION_MS),
        },
      });
      return taken ? leaseUntil : null;
    },

    async releaseLease(eventTypeUri, day, leaseUntil) {
      await updateUnlessConditionFails(db, {
        TableName: tableName,
        Key: keys.availability(eventTypeUri, day),
        UpdateExpression: 'REMOVE leaseUntil',
        // Only our own lease: after it ran out, someone else may hold a new one.
        ConditionExpression: 'leaseUntil = :until',
        ExpressionAttributeValues: { ':until': leaseUntil },
      });
    },

    async write(eventTypeUri, day, times, fetchStartedAt, ttlMs) {
      const fetchedAt = fetchStartedAt.getTime();
      for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  // An invalidation at the very instant the request started wins: that answer may predate it.
                  ConditionCheck: {
                    TableName: tableName,
                    Key: keys.availabilityInvalidation(day),
                    ConditionExpression: 'attribute_not_exists(invalidatedAt) OR invalidatedAt < :fetchedAt',
                    ExpressionAttributeValues: { ':fetchedAt': fetchedAt },
                  },
                },
                {
                  // A whole-item Put also ends the fill lease.
                  Put: {
                    TableName: tableName,
                    Item: {
                      ...keys.availability(eventTypeUri, day),
                      times,
                      fetchedAt,
                      ttl: ttlSeconds(fetchedAt + ttlMs),
                    },
                  },
                },
              ],
            }),
          );
          return true;
        } catch (error) {
          const reasons = cancellationReasons(error);
          if (!reasons) throw error;
          // Racing an invalidation or a lease write: try again, the condition then decides.
          if (!isTransactionConflict(reasons)) return false;
          await backoff(attempt);
        }
      }
      return false;
    },

    async invalidate(day, at) {
      await updateUnlessConditionFails(db, {
        TableName: tableName,
        Key: keys.availabilityInvalidation(day),
        UpdateExpression: 'SET invalidatedAt = :at, #ttl = :ttl',
        // Never moves back: a delayed retry of an older webhook must not revive entries a newer one voided.
        ConditionExpression: 'attribute_not_exists(invalidatedAt) OR invalidatedAt < :at',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':at': at.getTime(),
          ':ttl': ttlSeconds(at.getTime() + INVALIDATION_RETENTION_MS),
        },
      });
    },
  };
}
