/**
 * Voicemails (VoicemailBox): one item per Twilio recording, listed in the pending index under their own
 * partition while an alert is owed (bookings have theirs), so the sweeper finds them with one Query.
 * Kept 30 days, then TTL removes them.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { VoicemailBox } from '../../domain/ports.ts';
import type { Voicemail } from '../../domain/voicemails.ts';
import * as z from '../../zod.ts';
import { keys, pendingSortKey, ttlSeconds, VOICEMAILS_PENDING_PARTITION } from './keys.ts';
import { listPending } from './pending-index.ts';
import { TABLE_SCHEMA } from './table-schema.ts';
import { updateUnlessConditionFails } from './transactions.ts';

const RETENTION_MS = 30 * 24 * 3600 * 1000;
const { partitionKey: pendingPk, sortKey: pendingSk } = TABLE_SCHEMA.pendingIndex;

const VoicemailItemSchema = z.object({
  recordingSid: z.string(),
  callId: z.string(),
  from: z.nullish(z.string()),
  recordedAt: z.number(),
  recordingUrl: z.string(),
  durationSeconds: z.nullish(z.number()),
  smsSent: z._default(z.boolean(), false),
  topicSent: z._default(z.boolean(), false),
  failures: z._default(z.number(), 0),
});

function toVoicemail(item: unknown): Voicemail {
  const parsed = VoicemailItemSchema.parse(item);
  return {
    recordingSid: parsed.recordingSid,
    callId: parsed.callId,
    callerNumber: parsed.from ?? null,
    recordedAt: parsed.recordedAt,
    recordingUrl: parsed.recordingUrl,
    durationSeconds: parsed.durationSeconds ?? null,
    smsSent: parsed.smsSent,
    topicSent: parsed.topicSent,
    failures: parsed.failures,
  };
}

export function createVoicemailBox(db: DynamoDBDocumentClient, tableName: string): VoicemailBox {
  const key = keys.voicemail;
  return {
    async record(voicemail, dueAt) {
      const created = await updateUnlessConditionFails(db, {
        TableName: tableName,
        Key: key(voicemail.recordingSid),
        UpdateExpression:
          'SET recordingSid = :sid, callId = :callId, #from = :from, recordedAt = :at, recordingUrl = :url, ' +
          'durationSeconds = :duration, smsSent = :no, topicSent = :no, failures = :zero, ' +
          `${pendingPk} = :pending, ${pendingSk} = :pendingSk, #ttl = :ttl`,
        ConditionExpression: 'attribute_not_exists(pk)',
        ExpressionAttributeNames: { '#from': 'from', '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':sid': voicemail.recordingSid,
          ':callId': voicemail.callId,
          ':from': voicemail.callerNumber,
          ':at': voicemail.recordedAt,
          ':url': voicemail.recordingUrl,
          ':duration': voicemail.durationSeconds,
          ':no': false,
          ':zero': 0,
          ':pending': VOICEMAILS_PENDING_PARTITION,
          ':pendingSk': pendingSortKey(dueAt.getTime(), voicemail.recordingSid),
          ':ttl': ttlSeconds(voicemail.recordedAt + RETENTION_MS),
        },
        ReturnValues: 'ALL_NEW',
      });
      if (created) return toVoicemail(created.Attributes);
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName, Key: key(voicemail.recordingSid), ConsistentRead: true }),
      );
      return toVoicemail(Item);
    },

    async markSent(recordingSid, channel) {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(recordingSid),
          UpdateExpression: `SET ${channel === 'sms' ? 'smsSent' : 'topicSent'} = :yes`,
          ExpressionAttributeValues: { ':yes': true },
        }),
      );
    },

    async retryAt(recordingSid, dueAt) {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(recordingSid),
          UpdateExpression: `SET ${pendingPk} = :pending, ${pendingSk} = :pendingSk ADD failures :one`,
          ExpressionAttributeValues: {
            ':pending': VOICEMAILS_PENDING_PARTITION,
            ':pendingSk': pendingSortKey(dueAt.getTime(), recordingSid),
            ':one': 1,
          },
        }),
      );
    },

    async finish(recordingSid) {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(recordingSid),
          UpdateExpression: `REMOVE ${pendingPk}, ${pendingSk}`,
        }),
      );
    },

    async listDue(before, limit) {
      return (await listPending(db, tableName, VOICEMAILS_PENDING_PARTITION, before, limit)).map(toVoicemail);
    },
  };
}
