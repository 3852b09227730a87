import { beforeAll, describe, expect, it } from 'vitest';
import { createToolCallReplays } from '../../shared/adapters/dynamodb/tool-call-idempotency.ts';
import { ToolCallInProgressError } from '../../shared/domain/errors.ts';
import type { ToolCallReplays } from '../../shared/domain/ports.ts';
import { createTestTable, type TestTable } from '../fixtures/dynamodb.ts';

describe('tool-call replays on DynamoDB Local', () => {
  let table: TestTable;
  let clock = Date.parse('2026-12-01T15:00:00Z');
  let replays: ToolCallReplays;

  beforeAll(async () => {
    table = await createTestTable('replays');
    replays = createToolCallReplays({
      tableName: table.tableName,
      documentClient: table.documentClient,
      now: () => clock,
    });
    replays.startInvocation({ getRemainingTimeInMillis: () => 10_000 });
  });

  it('runs a tool call once and answers every replay with the first result', async () => {
    let runs = 0;
    const run = async () => `result ${++runs}`;
    const key = { callId: 'CA-one', toolCallId: 'tc-1' };
    expect(await replays.once(key, run)).toBe('result 1');
    expect(await replays.once(key, run)).toBe('result 1');
    expect(runs).toBe(1);
  });

  it("never answers one call with another call's result for the same tool-call id", async () => {
    const id = 'call_1';
    expect(await replays.once({ callId: 'CA-ada', toolCallId: id }, async () => 'Ada')).toBe('Ada');
    expect(await replays.once({ callId: 'CA-bob', toolCallId: id }, async () => 'Bob')).toBe('Bob');
  });

  it('tells a replay that arrives while the first run is still going, until its lease runs out', async () => {
    const key = { callId: 'CA-two', toolCallId: 'tc-slow' };
    let release: (value: string) => void = () => undefined;
    const first = replays.once(key, () => new Promise<string>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(replays.once(key, async () => 'second')).rejects.toBeInstanceOf(ToolCallInProgressError);
    release('first');
    expect(await first).toBe('first');
    expect(await replays.once(key, async () => 'third')).toBe('first');

    // A runner that died: once its lease (the invocation's remaining time) is over, a replay runs.
    const orphan = { callId: 'CA-two', toolCallId: 'tc-orphan' };
    void replays.once(orphan, () => new Promise<string>(() => undefined));
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock += 10_001;
    expect(await replays.once(orphan, async () => 'taken over')).toBe('taken over');

    // The runner whose lease ran out finishes late: it cannot overwrite (or delete) the one that took over.
    const late = { callId: 'CA-two', toolCallId: 'tc-late' };
    let finishLate: (value: string) => void = () => undefined;
    const slow = replays.once(late, () => new Promise<string>((resolve) => (finishLate = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock += 10_001;
    expect(await replays.once(late, async () => 'the one that took over')).toBe('the one that took over');
    finishLate('the late one');
    expect(await slow).toBe('the late one');
    expect(await replays.once(late, async () => 'a third run')).toBe('the one that took over');
  });

  it('lets a run that failed be retried, and forgets results after two hours', async () => {
    const key = { callId: 'CA-three', toolCallId: 'tc-fail' };
    await expect(
      replays.once(key, async () => {
        throw new Error('calendar down');
      }),
    ).rejects.toThrow('calendar down');
    expect(await replays.once(key, async () => 'retried')).toBe('retried');
    clock += 2 * 3600 * 1000 + 1000;
    expect(await replays.once(key, async () => 'much later')).toBe('much later');
  });
});
