/**
 * Reading DynamoDB's conditional-failure answers. A failed condition comes back either as
 * ConditionalCheckFailedException (single item) or as TransactionCanceledException with one reason per
 * item; with ReturnValuesOnConditionCheckFailure=ALL_OLD both carry the item as it was, which is how we
 * tell "already ours" from "someone else's" without a second read.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  UpdateCommand,
  type UpdateCommandInput,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

export interface CancellationReason {
  code: string;
  item: Record<string, unknown> | undefined;
}

/** Per-item reasons of a cancelled transaction, or null when the error is something else. */
export function cancellationReasons(error: unknown): CancellationReason[] | null {
  if (!(error instanceof TransactionCanceledException)) return null;
  return (error.CancellationReasons ?? []).map((reason) => ({
    code: reason.Code ?? 'None',
    item: reason.Item ? unmarshall(reason.Item) : undefined,
  }));
}

/** True when a transaction lost a race with another transaction and may simply be retried. */
export function isTransactionConflict(reasons: CancellationReason[]): boolean {
  return (
    reasons.some((reason) => reason.code === 'TransactionConflict') &&
    !reasons.some((reason) => reason.code === 'ConditionalCheckFailed')
  );
}

/** Short randomised pause before retrying a conflicting transaction. */
export async function backoff(attempt: number): Promise<void> {
  const ms = Math.min(200, 10 * 2 ** attempt) * (0.5 + Math.random());
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `attempt` until it returns something other than 'conflict' (a lost transaction race), a few times. */
export async function retryConflicts<T>(
  attempt: () => Promise<T | 'conflict'>,
  what: string,
  tries = 6,
): Promise<T> {
  for (let round = 0; round < tries; round++) {
    const outcome = await attempt();
    if (outcome !== 'conflict') return outcome;
    await backoff(round);
  }
  throw new Error(`${what} kept losing transaction races`);
}

/** Sends one UpdateItem; resolves to its output, or null when its condition failed (other errors throw). */
export async function updateUnlessConditionFails(
  db: DynamoDBDocumentClient,
  input: UpdateCommandInput,
): Promise<UpdateCommandOutput | null> {
  try {
    return await db.send(new UpdateCommand(input));
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return null;
    throw error;
  }
}
