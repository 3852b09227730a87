/**
 * The directory snapshot item on DynamoDB Local: one GetItem reads it back as written, its write condition
 * keeps a newer snapshot from being replaced by an older one, and every function that reads or writes it
 * may do so under its own IAM grant.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_ACCESS } from '../../infra/booking-stack.ts';
import type { FunctionName } from '../../infra/routes.ts';
import { createDirectorySnapshots } from '../../shared/adapters/dynamodb/directory-snapshot.ts';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import type { DirectorySnapshot } from '../../shared/domain/ports.ts';
import { createTestTable, type TestTable } from '../fixtures/dynamodb.ts';
import { anEventType } from '../fixtures/event-types.ts';
import { grantCheckedDocumentClient } from '../fixtures/table-grants.ts';

const aSnapshot = (fetchedAt: number, name = 'Riverside Dental'): DirectorySnapshot => ({
  user: {
    uri: 'https://api.calendly.com/users/U1',
    name,
    timezone: 'America/New_York',
    organizationUri: 'https://api.calendly.com/organizations/O1',
  },
  eventTypes: [
    anEventType('Consultation', {
      uri: 'https://api.calendly.com/event_types/E1',
      locations: [{ kind: 'outbound_call' }, { kind: 'physical', location: '14 River Street' }],
      customQuestions: [
        {
          name: 'Best number to reach you',
          type: 'phone_number',
          position: 0,
          enabled: true,
          required: false,
          answerChoices: [],
        },
      ],
    }),
  ],
  extraEventTypes: [],
  schedules: {
    'https://api.calendly.com/event_types/E1': [
      { timezone: 'America/New_York', weekdays: [1, 2, 3, 4, 5], overrideDates: ['2030-01-12'] },
    ],
    'https://api.calendly.com/event_types/E2': null,
  },
  fetchedAt,
});

describe('directory snapshot item (DynamoDB Local)', () => {
  let table: TestTable;

  beforeAll(async () => {
    table = await createTestTable('directory');
  });

  const asFunction = (name: FunctionName) => {
    const access = FUNCTION_ACCESS[name].table;
    if (!access) throw new Error(`${name} has no table access`);
    return createDirectorySnapshots(grantCheckedDocumentClient(table.endpoint, access), table.tableName);
  };

  it('reads back what was written, and never replaces a newer snapshot with an older one', async () => {
    const snapshots = asFunction('booking-sweeper');
    expect(await snapshots.read()).toBeNull();
    expect(await snapshots.write(aSnapshot(2_000))).toBe(true);
    expect(await snapshots.read()).toEqual(aSnapshot(2_000));
    expect(await snapshots.write(aSnapshot(1_000, 'Older'))).toBe(false);
    expect(await snapshots.write(aSnapshot(2_000, 'Same age'))).toBe(false);
    expect((await snapshots.read())?.user.name).toBe('Riverside Dental');
    expect(await snapshots.write(aSnapshot(3_000, 'Newer'))).toBe(true);
    expect((await snapshots.read())?.user.name).toBe('Newer');
  });

  it('may be read and written by every function that uses the directory', async () => {
    let at = 10_000;
    for (const name of ['vapi-tools', 'booking-worker', 'booking-sweeper'] as const) {
      const snapshots = asFunction(name);
      at += 1;
      expect(await snapshots.write(aSnapshot(at, name)), name).toBe(true);
      expect((await snapshots.read())?.user.name, name).toBe(name);
    }
  });

  it('reads an item it cannot make sense of as no snapshot', async () => {
    await table.documentClient.send(
      new PutCommand({ TableName: table.tableName, Item: { ...keys.directory(), fetchedAt: 'yesterday' } }),
    );
    expect(await asFunction('vapi-tools').read()).toBeNull();
  });
});
