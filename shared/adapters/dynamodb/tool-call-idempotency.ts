/**
 * Replay protection for Vapi tool calls, by Powertools Idempotency on the application table: the first
 * result for a (call, toolCallId) pair is stored and returned to every replay, with no second effect.
 * The key is scoped to the call because tool-call ids come from the model provider and are not unique
 * across calls (some number them per conversation): keyed by the id alone, a second call would be read
 * another caller's slots, hold and name. Records live under one partition (Powertools' static key with our
 * table's sort key); tool calls come at a few per second per call, far below one partition's capacity.
 */

import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_SCHEMA } from './table-schema.ts';

/** Long enough to cover any call; replays after this run again (and find their holds by id). */
const REMEMBER_SECONDS = 2 * 3600;

/** What identifies one tool call: its id is only unique within the call that made it. */
export interface ToolCallKey {
  callId: string;
  toolCallId: string;
}

export interface ToolCallIdempotency {
  config: IdempotencyConfig;
  /** Wraps a function whose first argument carries the call's id and the `toolCallId`. */
  wrap<TInput extends ToolCallKey, TResult>(
    run: (input: TInput) => Promise<TResult>,
  ): (input: TInput) => Promise<TResult>;
}

export function createToolCallIdempotency(options: {
  tableName: string;
  client: DynamoDBClient;
}): ToolCallIdempotency {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    keyAttr: TABLE_SCHEMA.partitionKey,
    sortKeyAttr: TABLE_SCHEMA.sortKey,
    staticPkValue: 'IDEMPOTENCY#tool-call',
    expiryAttr: TABLE_SCHEMA.ttlAttribute,
    awsSdkV3Client: options.client,
  });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[callId, toolCallId]',
    expiresAfterSeconds: REMEMBER_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  return {
    config,
    wrap: (run) => makeIdempotent(run, { persistenceStore, config }),
  };
}
