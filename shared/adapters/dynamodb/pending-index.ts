/**
 * The pending index: unfinished work by when it is due. Bookings and voicemails each have their own
 * partition in it (keys.ts), so each kind is listed with one Query that never meets the other.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_SCHEMA } from './table-schema.ts';

/** Items of `partition` due before `before`, soonest first, at most `limit`. */
export async function listPending(
  db: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  before: Date,
  limit: number,
): Promise<Record<string, unknown>[]> {
  const { Items } = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: TABLE_SCHEMA.pendingIndex.name,
      KeyConditionExpression: '#pk = :pending AND #sk < :before',
      ExpressionAttributeNames: {
        '#pk': TABLE_SCHEMA.pendingIndex.partitionKey,
        '#sk': TABLE_SCHEMA.pendingIndex.sortKey,
      },
      ExpressionAttributeValues: { ':pending': partition, ':before': before.toISOString() },
      Limit: limit,
    }),
  );
  return Items ?? [];
}
