/**
 * Replay protection for Vapi tool calls (ToolCallReplays), by Powertools Idempotency on the application
 * table: the first result for a (call, toolCallId) pair is stored and returned to every replay, with no
 * second effect. The key is scoped to the call because tool-call ids come from the model provider and are
 * not unique across calls (some number them per conversation): keyed by the id alone, a second call would
 * be read another caller's slots, hold and name. Records live under one partition (Powertools' static key
 * with our table's sort key); tool calls come at a few per second per call, far below one partition's
 * capacity.
 */
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ToolCallInProgressError } from '../../domain/errors.ts';
import type { ToolCallKey, ToolCallReplays } from '../../domain/ports.ts';
import { TABLE_SCHEMA } from './table-schema.ts';

/** Long enough to cover any call; replays after this run again (and find their holds by id). */
const REMEMBER_SECONDS = 2 * 3600;

export function createToolCallReplays(options: {
  tableName: string;
  client: DynamoDBClient;
}): ToolCallReplays {
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
  const once = makeIdempotent(async (input: ToolCallKey & { run: () => Promise<string> }) => input.run(), {
    persistenceStore,
    config,
  });
  return {
    async once(key, run) {
      try {
        return await once({ callId: key.callId, toolCallId: key.toolCallId, run });
      } catch (error) {
        if (error instanceof IdempotencyAlreadyInProgressError)
          throw new ToolCallInProgressError({ cause: error });
        throw error;
      }
    },
    startInvocation: (context) => config.registerLambdaContext(context as never),
  };
}
