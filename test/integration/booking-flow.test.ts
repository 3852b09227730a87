import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.ts';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { stackDb, startTestStack, toolCaller } from '../fixtures/test-stack.ts';
import { newCall, type TestCall, upcomingWeekday } from '../fixtures/vapi-messages.ts';

const ZONE = 'America/New_York';

describe('a booking call end to end (local API, DynamoDB Local, Calendly sandbox, in-process queue)', () => {
  let stack: LocalStack;
  let tool: ReturnType<typeof toolCaller>;
  const db = () => stackDb(stack);

  beforeAll(async () => {
    stack = await startTestStack({ queue: { visibilityTimeoutSeconds: 2 } });
    tool = toolCaller(stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function offered(call: TestCall, date: string) {
    const result = await tool(call, 'check_availability', { date, part_of_day: 'afternoon' });
    expect(result.ok).toBe(true);
    return result.slots as { id: string; start: string; spoken: string }[];
  }

  const sandbox = () => {
    if (!stack.sandbox) throw new Error('sandbox expected');
    return stack.sandbox;
  };
  /** Active Calendly invitees at an instant, whatever the event type. */
  const activeAt = (start: string) =>
    sandbox()
      .invitees()
      .filter((invitee) => invitee.status === 'active' && Date.parse(invitee.start) === Date.parse(start));

  it('checks, holds, confirms and books in Calendly, then texts the caller', async () => {
    const call = newCall('+14155550101');
    const date = upcomingWeekday(ZONE);
    const slots = await offered(call, date);
    expect(slots.length).toBeGreaterThan(0);
    expect(slots.length).toBeLessThanOrEqual(6);
    const chosen = slots[0];
    if (!chosen) throw new Error('no slot');
    expect(chosen.id).toMatch(/^S\d+$/);

    const hold = await tool(call, 'hold_slot', {
      slot_id: chosen.id,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
    });
    expect(hold).toMatchObject({ ok: true, slot: { id: chosen.id, start: chosen.start } });
    expect(hold.say).toContain('Ada Lovelace');
    expect(hold.say).toContain('ada at example dot com');
    expect(hold.say).toMatch(/Eastern Time/);

    const confirmed = await tool(call, 'confirm_booking', { hold_id: hold.hold_id });
    expect(confirmed).toMatchObject({ ok: true, status: 'confirmed' });

    const invitees = activeAt(chosen.start);
    expect(invitees).toHaveLength(1);
    expect(invitees[0]).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(invitees[0]?.tracking.utm_content).toBe(confirmed.booking_id);

    await stack.queue.drain(5_000);
    const texts = stack.outbox?.messages().filter((message) => message.to === '+14155550101') ?? [];
    expect(texts).toHaveLength(1);
    expect(texts[0]?.body).toContain("You're booked");
  });

  it('gives a contested slot to exactly one of two callers and offers the other fresh alternatives', async () => {
    const date = upcomingWeekday(ZONE, 3);
    const alice = newCall('+14155550102');
    const bob = newCall('+14155550103');
    const [aliceSlots, bobSlots] = await Promise.all([offered(alice, date), offered(bob, date)]);
    const contested = aliceSlots[1];
    const bobsId = bobSlots.find((slot) => slot.start === contested?.start)?.id;
    if (!contested || !bobsId) throw new Error('both callers should be offered the same time');

    const [aliceHold, bobHold] = await Promise.all([
      tool(alice, 'hold_slot', { slot_id: contested.id, name: 'Alice', email: 'alice@example.com' }),
      tool(bob, 'hold_slot', { slot_id: bobsId, name: 'Bob', email: 'bob@example.com' }),
    ]);
    const winner = aliceHold.ok ? { call: alice, hold: aliceHold } : { call: bob, hold: bobHold };
    const loser = aliceHold.ok ? bobHold : aliceHold;
    expect([aliceHold.ok, bobHold.ok].filter(Boolean)).toHaveLength(1);
    expect(loser).toMatchObject({ ok: false, error: 'slot_taken' });
    const alternatives = loser.slots as { start: string }[];
    expect(alternatives.length).toBeGreaterThan(0);
    expect(alternatives.map((slot) => slot.start)).not.toContain(contested.start);

    const confirmed = await tool(winner.call, 'confirm_booking', { hold_id: winner.hold.hold_id });
    expect(confirmed.ok).toBe(true);
    await stack.queue.drain(5_000);
    expect(activeAt(contested.start)).toHaveLength(1);
  });

  it('returns the first result for a replayed toolCallId and takes no second hold', async () => {
    const call = newCall('+14155550104');
    const slots = await offered(call, upcomingWeekday(ZONE, 4));
    const [first, second] = slots;
    if (!first || !second) throw new Error('need two slots');
    const args = { slot_id: first.id, name: 'Grace Hopper', email: 'grace@example.com' };
    const original = await tool(call, 'hold_slot', args, 'replayed-hold-1');
    const replay = await tool(call, 'hold_slot', args, 'replayed-hold-1');
    expect(replay).toEqual(original);

    // The call has exactly one live hold: a second distinct hold is still allowed (cap is two).
    const { Item } = await db().send(
      new GetCommand({ TableName: stack.tableName, Key: keys.call(call.callSid) }),
    );
    expect(Object.keys(Item?.holds ?? {})).toEqual([original.hold_id]);

    const confirmed = await tool(
      call,
      'confirm_booking',
      { hold_id: original.hold_id },
      'replayed-confirm-1',
    );
    const confirmedAgain = await tool(
      call,
      'confirm_booking',
      { hold_id: original.hold_id },
      'replayed-confirm-1',
    );
    expect(confirmedAgain).toEqual(confirmed);
    await stack.queue.drain(5_000);
    expect(activeAt(first.start)).toHaveLength(1);
  });

  it('answers each call for itself when two calls send the same toolCallId', async () => {
    const date = upcomingWeekday(ZONE, 4);
    const alice = newCall('+14155550107');
    const bob = newCall('+14155550108');
    const aliceSlots = await tool(alice, 'check_availability', { date, part_of_day: 'afternoon' }, 'call_0');
    const bobSlots = await tool(bob, 'check_availability', { date, part_of_day: 'morning' }, 'call_0');
    expect(bobSlots.searched).not.toEqual(aliceSlots.searched);

    const [aliceSlot] = aliceSlots.slots as { id: string }[];
    const [bobSlot] = bobSlots.slots as { id: string; start: string }[];
    if (!aliceSlot || !bobSlot) throw new Error('both callers need a slot');
    const aliceHold = await tool(
      alice,
      'hold_slot',
      { slot_id: aliceSlot.id, name: 'Alice Private', email: 'alice.private@example.com' },
      'call_1',
    );
    const bobHold = await tool(
      bob,
      'hold_slot',
      { slot_id: bobSlot.id, name: 'Bob Other', email: 'bob.other@example.com' },
      'call_1',
    );
    expect(aliceHold.ok).toBe(true);
    expect(bobHold).toMatchObject({ ok: true, slot: { start: bobSlot.start } });
    expect(bobHold.hold_id).not.toBe(aliceHold.hold_id);
    expect(bobHold.say).toContain('Bob Other');
    expect(bobHold.say).not.toContain('Alice');

    // Each call's replay still returns that call's own first answer.
    const aliceReplay = await tool(
      alice,
      'hold_slot',
      { slot_id: aliceSlot.id, name: 'x', email: 'x@x.io' },
      'call_1',
    );
    expect(aliceReplay).toEqual(aliceHold);
    const { Item } = await db().send(
      new GetCommand({ TableName: stack.tableName, Key: keys.call(bob.callSid) }),
    );
    expect(Object.keys(Item?.holds ?? {})).toEqual([bobHold.hold_id]);
  });

  it('tells the caller when Calendly gave the time away meanwhile, and frees our lock', async () => {
    const call = newCall('+14155550105');
    const slots = await offered(call, upcomingWeekday(ZONE, 5));
    const slot = slots.at(-1);
    if (!slot) throw new Error('no slot');
    const hold = await tool(call, 'hold_slot', {
      slot_id: slot.id,
      name: 'Alan Turing',
      email: 'alan@example.com',
    });
    sandbox().bookElsewhere(sandbox().eventTypes.cleaning.uri, slot.start);

    const confirmed = await tool(call, 'confirm_booking', { hold_id: hold.hold_id });
    expect(confirmed).toMatchObject({ ok: false, error: 'booking_failed' });
    await stack.queue.drain(5_000);

    const active = activeAt(slot.start);
    expect(active).toHaveLength(1);
    expect(active[0]?.email).not.toBe('alan@example.com');
    const { Items } = await db().send(new ScanCommand({ TableName: stack.tableName }));
    const lock = Items?.find((item) => item.sk === new Date(Date.parse(slot.start)).toISOString());
    expect(lock?.state).toBe('released');
    const texts = stack.outbox?.messages().filter((message) => message.to === '+14155550105') ?? [];
    expect(texts.map((text) => text.body).join(' ')).toContain('could not book');
  });

  it('rides out a Calendly 429 and books once the rate limit resets', async () => {
    const call = newCall('+14155550106');
    const slots = await offered(call, upcomingWeekday(ZONE, 2));
    const slot = slots.at(-2);
    if (!slot) throw new Error('no slot');
    const hold = await tool(call, 'hold_slot', {
      slot_id: slot.id,
      name: 'Edsger Dijkstra',
      email: 'ew@example.com',
    });
    sandbox().injectFault({ endpoint: 'create_invitee', status: 429, times: 1, resetSeconds: 4 });

    const confirmed = await tool(call, 'confirm_booking', { hold_id: hold.hold_id });
    expect(confirmed).toMatchObject({ ok: true, status: 'pending' });
    await stack.queue.drain(15_000);
    expect(activeAt(slot.start)).toHaveLength(1);
    const texts = stack.outbox?.messages().filter((message) => message.to === '+14155550106') ?? [];
    expect(texts).toHaveLength(1);
  });
});
