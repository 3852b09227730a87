/**
 * A caller who names a clock time hears that time first when it is free, else the nearest free times and
 * that the asked one is not free: through POST /vapi/tools, the Calendly sandbox and DynamoDB Local.
 * Its own stack, so no other test's holds sit near the times asked for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.ts';
import { startTestStack, toolCaller } from '../fixtures/test-stack.ts';
import { newCall, upcomingWeekday } from '../fixtures/vapi-messages.ts';

const ZONE = 'America/New_York';
const local = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit' });
const clocks = (result: Record<string, unknown>) =>
  (result.slots as { start: string }[]).map((slot) => local.format(new Date(slot.start)));

/** The weekday after `day` (YYYY-MM-DD). */
function weekdayAfter(day: string): string {
  const next = new Date(`${day}T12:00:00Z`);
  do next.setUTCDate(next.getUTCDate() + 1);
  while (next.getUTCDay() === 0 || next.getUTCDay() === 6);
  return next.toISOString().slice(0, 10);
}

describe('check_availability with an asked clock time', () => {
  let stack: LocalStack;
  let tool: ReturnType<typeof toolCaller>;
  const freeDay = upcomingWeekday(ZONE, 3);
  const busyDay = weekdayAfter(freeDay);

  beforeAll(async () => {
    stack = await startTestStack();
    tool = toolCaller(stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('offers the asked time first when it is free and says so, then the nearest times', async () => {
    const result = await tool(newCall(), 'check_availability', { date: freeDay, time: '15:00' });
    expect(result.ok).toBe(true);
    expect(clocks(result)).toEqual(['15:00', '14:30', '15:30']);
    expect(result.say).toMatch(
      / at 3 PM Eastern Time is free\. I also have 2:30 PM or 3:30 PM\. Would that work\?$/,
    );
    expect(result.searched).toMatchObject({ part_of_day: 'any', time: '15:00', time_free: true });
  });

  it('offers the nearest free times first when the asked time is taken, and says the asked time is not free', async () => {
    const other = newCall();
    const first = await tool(other, 'check_availability', { date: busyDay, time: '15:00' });
    const [three] = first.slots as { id: string }[];
    const held = await tool(other, 'hold_slot', {
      slot_id: three?.id,
      name: 'Ada',
      email: 'ada@example.com',
    });
    expect(held.ok).toBe(true);

    // The same time, said the way a caller says it: "at 3" (no AM or PM) is 3 PM.
    const result = await tool(newCall(), 'check_availability', { date: busyDay, when: 'at 3' });
    expect(result.ok).toBe(true);
    // The default service lasts an hour: a hold at 3 PM also blocks 2:30 PM and 3:30 PM.
    expect(clocks(result)).toEqual(['14:00', '16:00', '13:30']);
    expect(result.say).toMatch(
      /^3 PM isn't free .+\. The nearest times I have are .+ at 1:30 PM, 2 PM or 4 PM Eastern Time\. Would one of those work\?$/,
    );
    expect(result.searched).toMatchObject({ time: '15:00', time_free: false });
  });

  it('offers the nearest free times to a slot someone just took', async () => {
    const [mine, theirs] = [newCall(), newCall()];
    const offered = (await tool(mine, 'check_availability', { date: busyDay, time: '10:00' })).slots as {
      id: string;
    }[];
    const theirOffer = (await tool(theirs, 'check_availability', { date: busyDay, time: '10:00' })).slots as {
      id: string;
    }[];
    expect(
      (await tool(theirs, 'hold_slot', { slot_id: theirOffer[0]?.id, name: 'Bo', email: 'bo@example.com' }))
        .ok,
    ).toBe(true);
    const taken = await tool(mine, 'hold_slot', {
      slot_id: offered[0]?.id,
      name: 'Ada',
      email: 'ada@example.com',
    });
    expect(taken).toMatchObject({ ok: false, error: 'slot_taken' });
    // An hour at 10 AM blocks 9:30 and 10:30 too; 11:30 and 9:00 tie, and 8:30 is before opening.
    expect(clocks(taken)).toEqual(['09:00', '11:00', '11:30']);
    expect(taken.say).toMatch(
      /^Sorry, someone just took that time\. The nearest times I have are .+\. Would one of those work\?$/,
    );
  });

  it('searches the whole day around the asked time, across the morning and afternoon', async () => {
    const result = await tool(newCall(), 'check_availability', { date: freeDay, time: '11:45' });
    expect(clocks(result).slice(0, 2)).toEqual(['11:30', '12:00']);
    expect(result.say).toMatch(/^11:45 AM isn't free /);
  });

  it('names the days of the other times when a time was asked with no day', async () => {
    const result = await tool(newCall(), 'check_availability', { time: '10:00' });
    expect(result.ok).toBe(true);
    expect(clocks(result)).toEqual(['10:00', '10:00', '10:00']);
    expect(result.say).toMatch(
      / at 10 AM Eastern Time is free\. I also have (?:tomorrow, )?\w+day, \w+ \d+ at 10 AM, or \w+day, \w+ \d+ at 10 AM Eastern Time\./,
    );
  });

  it('refuses a clock time that is not HH:MM with a hint, before anything runs', async () => {
    const result = await tool(newCall(), 'check_availability', { date: freeDay, time: '3pm' });
    expect(result).toMatchObject({ ok: false, error: 'invalid_arguments', fields: ['time'] });
    expect(result.say).toBe('What time would you like? For example, 3 PM.');
  });
});
