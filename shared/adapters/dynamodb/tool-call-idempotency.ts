/**
 * Replay protection for Vapi tool calls (ToolCallReplays) on the application table: the first result for
 * a (call, toolCallId) pair is stored and returned to every replay, with no second effect. The key is
 * scoped to the call because tool-call ids come from the model provider and are not unique across calls
 * (some number them per conversation): keyed by the id alone, a second call would be read another
 * caller's slots, hold and name.
 *
 * One conditional write claims the pair (a record that is absent, expired, or whose runner's lease ran
 * out); the run's result completes it; a run that throws deletes it, so a retry can run. Completing and
 * deleting are conditional on the claim, so a runner whose lease ran out never undoes the one that took
 * over; and a result that could not be stored is still answered (the run has happened). It replaced
 * Powertools Idempotency, whose JMESPath engine cost this function's bundle 38 KB for one fixed key
 * (measured with `npm run bundle:report`). Records live under one partition; tool calls come at a few per
 * second per call, far below one partition's capacity.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ToolCallInProgressError } from '../../domain/errors.ts';
import type { ToolCallKey, ToolCallReplays } from '../../domain/ports.ts';
import { keys, ttlSeconds } from './keys.ts';

/** Long enough to cover any call; replays after this run again (and find their holds by id). */
const REMEMBER_MS = 2 * 3600 * 1000;
/** A runner's lease when the invocation's remaining time is unknown. */
const DEFAULT_LEASE_MS = 30_000;

export function createToolCallReplays(options: {
  tableName: string;
  documentClient: DynamoDBDocumentClient;
  now?: () => number;
}): ToolCallReplays {
  const db = options.documentClient;
  const now = options.now ?? Date.now;
  let remainingMs: () => number = () => DEFAULT_LEASE_MS;

  const keyOf = (key: ToolCallKey) =>
    keys.toolCall(
      createHash('sha256')
        .update(JSON.stringify([key.callId, key.toolCallId]))
        .digest('hex'),
    );

  return {
    async once(key, run) {
      const Key = keyOf(key);
      const at = now();
      const claim = randomUUID();
      try {
        await db.send(
          new PutCommand({
            TableName: options.tableName,
            Item: {
              ...Key,
              status: 'in_progress',
              claim,
              // The runner may take until its invocation ends; after that a replay takes over.
              leaseUntil: at + Math.max(0, remainingMs()),
              ttl: ttlSeconds(at + REMEMBER_MS),
            },
            ConditionExpression:
              'attribute_not_exists(pk) OR #ttl <= :nowSeconds OR (#status = :inProgress AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#ttl': 'ttl', '#status': 'status' },
            ExpressionAttributeValues: {
              ':nowSeconds': Math.floor(at / 1000),
              ':inProgress': 'in_progress',
              ':now': at,
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const stored = error.Item ? unmarshall(error.Item) : undefined;
        if (stored?.status === 'completed' && typeof stored.result === 'string') return stored.result;
        throw new ToolCallInProgressError({ cause: error });
      }
      let result: string;
      try {
        result = await run();
      } catch (error) {
        await db
          .send(
            new DeleteCommand({
              TableName: options.tableName,
              Key,
              ConditionExpression: 'claim = :claim',
              ExpressionAttributeValues: { ':claim': claim },
            }),
          )
          .catch(() => undefined);
        throw error;
      }
      await db
        .send(
          new UpdateCommand({
            TableName: options.tableName,
            Key,
            UpdateExpression: 'SET #status = :completed, #result = :result REMOVE leaseUntil',
            ConditionExpression: 'claim = :claim',
            ExpressionAttributeNames: { '#status': 'status', '#result': 'result' },
            ExpressionAttributeValues: { ':completed': 'completed', ':result': result, ':claim': claim },
          }),
        )
        .catch(() => undefined);
      return result;
    },
    startInvocation(context) {
      remainingMs = () => context.getRemainingTimeInMillis();
    },
  };
}
