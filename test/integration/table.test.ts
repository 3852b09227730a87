import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '../../shared/adapters/dynamodb/table-schema.ts';
import { createTestTable } from '../fixtures/dynamodb.ts';

describe('application table on DynamoDB Local', () => {
  it('is created with the shared key schema, pending index and TTL', async () => {
    const { documentClient, tableName } = await createTestTable();
    const { Table } = await documentClient.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.KeySchema?.map((k) => k.AttributeName)).toEqual([
      TABLE_SCHEMA.partitionKey,
      TABLE_SCHEMA.sortKey,
    ]);
    expect(Table?.GlobalSecondaryIndexes?.[0]?.IndexName).toBe(TABLE_SCHEMA.pendingIndex.name);
    const ttl = await documentClient.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe(TABLE_SCHEMA.ttlAttribute);
  });
});
