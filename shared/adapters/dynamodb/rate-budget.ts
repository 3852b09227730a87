/**
 * A self-imposed budget for Calendly's create-invitee limits (per minute, hour and day), counted in
 * fixed windows on the shared table so every worker container draws from the same pot. One item per
 * longest window (the day) holds every window's counter, so one conditional UpdateItem (one write unit)
 * takes from all of them or from none: the longest window's count under its name, each shorter window's
 * under its name and start. Counters of the shorter windows just past are removed as new ones come, which
 * keeps the item small whatever the traffic.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { RateBudgetPort } from '../../domain/ports.ts';
import { keys, ttlSeconds } from './keys.ts';

export interface RateWindow {
  name: string;
  lengthMs: number;
  limit: number;
}

/** Counters of this many earlier windows of each shorter length are removed on every take. */
const FORGOTTEN_WINDOWS = 30;

export function createRateBudget(
  db: DynamoDBDocumentClient,
  tableName: string,
  options: { name: string; windows: RateWindow[] },
): RateBudgetPort {
  const longest = options.windows.reduce((a, b) => (b.lengthMs > a.lengthMs ? b : a));
  return {
    async tryTake(now) {
      const nowMs = now.getTime();
      const itemStart = Math.floor(nowMs / longest.lengthMs) * longest.lengthMs;
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {
        ':one': 1,
        ':ttl': ttlSeconds(itemStart + 2 * longest.lengthMs),
      };
      const adds: string[] = [];
      const conditions: string[] = [];
      const removes: string[] = [];
      const windows = options.windows.map((window, index) => {
        const start = Math.floor(nowMs / window.lengthMs) * window.lengthMs;
        const attribute = window === longest ? window.name : `${window.name}_${start}`;
        names[`#w${index}`] = attribute;
        values[`:limit${index}`] = window.limit;
        adds.push(`#w${index} :one`);
        conditions.push(`(attribute_not_exists(#w${index}) OR #w${index} < :limit${index})`);
        if (window !== longest) {
          for (let back = 1; back <= FORGOTTEN_WINDOWS; back++) {
            const earlier = start - back * window.lengthMs;
            if (earlier < itemStart) break;
            names[`#old${index}_${back}`] = `${window.name}_${earlier}`;
            removes.push(`#old${index}_${back}`);
          }
        }
        return { window, attribute, end: start + window.lengthMs };
      });
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.rate(options.name, longest.name, itemStart),
            UpdateExpression: `ADD ${adds.join(', ')} SET #ttl = :ttl${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeNames: { ...names, '#ttl': 'ttl' },
            ExpressionAttributeValues: values,
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { ok: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const item = error.Item ? unmarshall(error.Item) : {};
        const exhaustedUntil = Math.max(
          nowMs + 1000,
          ...windows
            .filter(({ window, attribute }) => Number(item[attribute] ?? 0) >= window.limit)
            .map(({ end }) => end),
        );
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((exhaustedUntil - nowMs) / 1000)) };
      }
    },
  };
}
