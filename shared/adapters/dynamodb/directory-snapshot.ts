/**
 * The shared directory snapshot (DirectorySnapshotPort): one item holding the Calendly user, the active event
 * types and their schedule days, read with one GetItem. Written with a conditional UpdateItem, so a slower
 * writer that read Calendly earlier never replaces a newer snapshot (and no function needs PutItem for it).
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DirectorySnapshot, DirectorySnapshotPort } from '../../domain/ports.ts';
import * as z from '../../zod.ts';
import { keys } from './keys.ts';
import { updateUnlessConditionFails } from './transactions.ts';

const LocationSchema = z.object({ kind: z.string(), location: z.optional(z.string()) });

const QuestionSchema = z.object({
  name: z.string(),
  type: z.enum(['string', 'text', 'phone_number', 'single_select', 'multi_select']),
  position: z.number(),
  enabled: z.boolean(),
  required: z.boolean(),
  answerChoices: z.array(z.string()),
});

const EventTypeItemSchema = z.object({
  uri: z.string(),
  name: z.string(),
  slug: z.nullable(z.string()),
  active: z.boolean(),
  durationMinutes: z.number(),
  kind: z.enum(['solo', 'group']),
  poolingType: z.nullable(z.string()),
  locations: z.array(LocationSchema),
  customQuestions: z.array(QuestionSchema),
  schedulingUrl: z.string(),
});

const ScheduleDaysItemSchema = z.object({
  timezone: z.string(),
  weekdays: z.array(z.number()),
  overrideDates: z.array(z.string()),
});

/** The snapshot item; unknown attributes (keys) are tolerated, a malformed item reads as no snapshot. */
const DirectoryItemSchema = z.object({
  user: z.object({
    uri: z.string(),
    name: z.string(),
    timezone: z.string(),
    organizationUri: z.string(),
  }),
  eventTypes: z.array(EventTypeItemSchema),
  extraEventTypes: z._default(z.array(EventTypeItemSchema), []),
  schedules: z.record(z.string(), z.nullable(z.array(ScheduleDaysItemSchema))),
  fetchedAt: z.number(),
});

/** The DynamoDB implementation of DirectorySnapshotPort (key in keys.ts). */
export function createDirectorySnapshots(
  db: DynamoDBDocumentClient,
  tableName: string,
): DirectorySnapshotPort {
  return {
    async read() {
      // Eventually consistent: a snapshot a few hundred milliseconds old is as good as the newest one.
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.directory() }));
      if (!Item) return null;
      const parsed = DirectoryItemSchema.safeParse(Item);
      return parsed.success ? parsed.data : null;
    },

    async write(snapshot: DirectorySnapshot) {
      const written = await updateUnlessConditionFails(db, {
        TableName: tableName,
        Key: keys.directory(),
        UpdateExpression:
          'SET #user = :user, eventTypes = :types, extraEventTypes = :extra, schedules = :schedules, fetchedAt = :at',
        ConditionExpression: 'attribute_not_exists(fetchedAt) OR fetchedAt < :at',
        ExpressionAttributeNames: { '#user': 'user' },
        ExpressionAttributeValues: {
          ':user': snapshot.user,
          ':types': snapshot.eventTypes,
          ':extra': snapshot.extraEventTypes,
          ':schedules': snapshot.schedules,
          ':at': snapshot.fetchedAt,
        },
      });
      return written !== null;
    },
  };
}
