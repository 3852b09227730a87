/**
 * A call's tool ledger (shared/adapters/dynamodb/tool-ledger.ts) written from two containers, on DynamoDB
 * Local: each container writes on the ledger it last knew, a stale one costs a second try, and a replay
 * answered in another container still gets the first answer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createCallRepository } from '../../shared/adapters/dynamodb/call-repository.ts';
import type { Offer } from '../../shared/domain/model.ts';
import type { CallRepository } from '../../shared/domain/ports.ts';
import { createTestTable, type TestTable } from '../fixtures/dynamodb.ts';

const NOW = new Date('2026-12-01T15:00:00.000Z');
const TYPE = 'https://api.calendly.com/event_types/ET-CONSULT';
const slots = (...hours: number[]) =>
  hours.map((hour) => ({
    eventTypeUri: TYPE,
    start: `2026-12-03T${hour}:00:00.000000Z`,
    durationMinutes: 30,
  }));
const keep = (toolCallId: string) => ({
  toolCallId,
  answer: (offers: Offer[]) => `answer of ${toolCallId}: ${offers.map((offer) => offer.id).join(' ')}`,
});

describe('tool ledger on DynamoDB Local', () => {
  let table: TestTable;
  let first: CallRepository;
  let second: CallRepository;

  beforeAll(async () => {
    table = await createTestTable('ledger');
    // Two containers: each its own repository, and so its own memory of the ledgers it wrote.
    first = createCallRepository(table.documentClient, table.tableName);
    second = createCallRepository(table.documentClient, table.tableName);
  });

  it('keeps ids unique and answers a replay from another container with the first answer', async () => {
    const options = { now: NOW, validForMs: 15 * 60_000 };
    const issued = await first.issueOffers('CA-1', slots(14, 15), { ...options, keep: keep('tc-1') });
    expect(issued).toMatchObject({ offers: [{ id: 'S1' }, { id: 'S2' }] });

    // The second container has never seen this call: its write fails once, then builds on the stored one.
    const next = await second.issueOffers('CA-1', slots(15, 16), { ...options, keep: keep('tc-2') });
    expect(next).toMatchObject({ offers: [{ id: 'S2' }, { id: 'S3' }] });

    // A replay of the first tool call, wherever it lands, gets the first answer and issues nothing.
    expect(await second.issueOffers('CA-1', slots(17), { ...options, keep: keep('tc-1') })).toEqual({
      kind: 'replayed',
      answer: 'answer of tc-1: S1 S2',
    });
    // The first container's memory is stale now (the second wrote since): its write still lands.
    expect(await first.issueOffers('CA-1', slots(17), options)).toMatchObject({ offers: [{ id: 'S4' }] });
    expect(await first.keepAnswer('CA-1', 'tc-2', 'a second answer', { now: NOW })).toBe(
      'answer of tc-2: S2 S3',
    );

    const ledger = await second.ledger('CA-1');
    expect(ledger.offers.map((offer) => offer.id).sort()).toEqual(['S1', 'S2', 'S3', 'S4']);
    expect(Object.keys(ledger.answers).sort()).toEqual(['tc-1', 'tc-2']);
  });

  it('forgets kept answers ten minutes on', async () => {
    await first.keepAnswer('CA-2', 'tc-old', 'old', { now: NOW });
    const later = new Date(NOW.getTime() + 11 * 60_000);
    await first.keepAnswer('CA-2', 'tc-new', 'new', { now: later });
    expect((await second.ledger('CA-2')).answers).toEqual({ 'tc-new': 'new' });
  });
});
