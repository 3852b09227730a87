/**
 * The call log (CallLog): one item per ended call under the UTC day it started, sorted by start. Each
 * sender's report is one UpdateItem that sets the fields it names and adds to two string sets (deeds,
 * booking ids), so reports merge in any order and a repeated report changes nothing. TTL removes a record
 * after the configured retention.
 */
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type CallDeed, type CallLogEntry, orderedDeeds, outcomeOf } from '../../domain/call-log.ts';
import type { CallLog } from '../../domain/ports.ts';
import * as z from '../../zod.ts';
import { callLogPartition, keys, ttlSeconds } from './keys.ts';

const DAY_MS = 24 * 3600 * 1000;

const CallLogItemSchema = z.object({
  callId: z.string(),
  from: z.nullish(z.string()),
  startedAt: z.number(),
  endedAt: z.nullish(z.number()),
  durationSeconds: z.nullish(z.number()),
  endedReason: z.nullish(z.string()),
  callStatus: z.nullish(z.string()),
  summary: z.nullish(z.string()),
  recordingUrl: z.nullish(z.string()),
  transcript: z.nullish(z.string()),
  deeds: z.optional(z.set(z.string())),
  bookingIds: z.optional(z.set(z.string())),
});
type CallLogItem = z.infer<typeof CallLogItemSchema>;

function toEntry(item: CallLogItem): CallLogEntry {
  const deeds = orderedDeeds([...(item.deeds ?? [])] as CallDeed[]);
  const spanSeconds =
    item.endedAt != null ? Math.max(0, Math.round((item.endedAt - item.startedAt) / 1000)) : null;
  return {
    callId: item.callId,
    callerNumber: item.from ?? null,
    startedAt: item.startedAt,
    endedAt: item.endedAt ?? null,
    durationSeconds: item.durationSeconds ?? spanSeconds,
    endedReason: item.endedReason ?? item.callStatus ?? null,
    outcome: outcomeOf(deeds),
    deeds,
    bookingIds: [...(item.bookingIds ?? [])].sort(),
    summary: item.summary ?? null,
    recordingUrl: item.recordingUrl ?? null,
    transcript: item.transcript ?? null,
  };
}

export function createCallLog(db: DynamoDBDocumentClient, tableName: string): CallLog {
  return {
    async save(entry) {
      const names: Record<string, string> = { '#ttl': 'ttl' };
      const values: Record<string, unknown> = {
        ':callId': entry.callId,
        ':startedAt': entry.startedAt,
        ':ttl': ttlSeconds(entry.expiresAt),
      };
      const sets = ['callId = :callId', 'startedAt = :startedAt', '#ttl = :ttl'];
      // A sender that does not know the number writes nothing, so a later one can still fill it in.
      if (entry.callerNumber) {
        names['#from'] = 'from';
        values[':from'] = entry.callerNumber;
        sets.push('#from = if_not_exists(#from, :from)');
      }
      const reported = {
        endedAt: entry.endedAt,
        durationSeconds: entry.durationSeconds,
        endedReason: entry.endedReason,
        callStatus: entry.callStatus,
        summary: entry.summary,
        recordingUrl: entry.recordingUrl,
        transcript: entry.transcript,
      };
      for (const [name, value] of Object.entries(reported)) {
        if (value === undefined) continue;
        names[`#${name}`] = name;
        values[`:${name}`] = value;
        sets.push(`#${name} = :${name}`);
      }
      const adds: string[] = [];
      // An empty set cannot be stored: a set is only added to when there is something to add.
      if (entry.deeds.length > 0) {
        adds.push('deeds :deeds');
        values[':deeds'] = new Set(entry.deeds);
      }
      if (entry.bookingIds.length > 0) {
        adds.push('bookingIds :bookingIds');
        values[':bookingIds'] = new Set(entry.bookingIds);
      }
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.callRecord(entry.startedAt, entry.callId),
          UpdateExpression: `SET ${sets.join(', ')}${adds.length > 0 ? ` ADD ${adds.join(', ')}` : ''}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    },

    async list({ from, to }, limit) {
      const entries: CallLogEntry[] = [];
      // Newest day first; within a day, newest first.
      for (let day = dayStart(to.getTime() - 1); day >= dayStart(from.getTime()); day -= DAY_MS) {
        let cursor: Record<string, unknown> | undefined;
        do {
          const page = await db.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
              ExpressionAttributeValues: {
                ':pk': callLogPartition(new Date(day).toISOString().slice(0, 10)),
                ':from': from.toISOString(),
                // Keys are `<start>#<callId>`: "#" sorts before every id character, "~" after them.
                ':to': `${new Date(to.getTime() - 1).toISOString()}#~`,
              },
              ScanIndexForward: false,
              Limit: limit - entries.length,
              ExclusiveStartKey: cursor,
            }),
          );
          for (const item of page.Items ?? []) entries.push(toEntry(CallLogItemSchema.parse(item)));
          cursor = page.LastEvaluatedKey;
        } while (cursor && entries.length < limit);
        if (entries.length >= limit) break;
      }
      return entries;
    },
  };
}

function dayStart(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS) * DAY_MS;
}
