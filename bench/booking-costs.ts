/**
 * What one booked call costs in DynamoDB work: a caller on a day whose availability is already cached asks
 * for times, holds one and confirms it, and the booking worker books it in Calendly and texts. Every
 * DynamoDB request goes through the metering proxy (infra/local/dynamodb-meter.ts), so the counts are what
 * AWS would bill. Used by the counting test (test/integration/booking-costs.test.ts), which asserts the
 * budgets, and by `npm run bench`, which prices them.
 */
import { randomUUID } from 'node:crypto';
import {
  type DynamoMeter,
  type MeteredRequest,
  type MeterSummary,
  summarize,
} from '../infra/local/dynamodb-meter.ts';
import type { LocalStack } from '../infra/local/stack.ts';
import { addDays, weekdayOf } from '../shared/domain/time/calendar-day.ts';
import { localDayOf } from '../shared/domain/time/zone.ts';

/** The booking's steps, in order; `confirm_booking` includes the worker, which runs while the tool waits. */
export const BOOKING_STEPS = ['check_availability', 'hold_slot', 'confirm_booking'] as const;
export type BookingStep = (typeof BOOKING_STEPS)[number];

export interface StepCost extends MeterSummary {
  step: BookingStep;
  /** The raw requests, for a report of where the units go. */
  metered: MeteredRequest[];
}

export interface BookingCost {
  steps: StepCost[];
  /** The three steps together. */
  booking: MeterSummary;
  /** Calendly requests by the booking, by operation. */
  calendly: Record<string, number>;
  /** Write units by item kind (key prefix), transaction items counted as billed. */
  writeUnitsByKind: Record<string, number>;
  /**
   * How often confirm_booking looked at the booking while the worker booked it (one read per 150 ms of
   * the worker's time): the booking's only count that depends on timing. The worker itself reads the
   * booking once, so these are the booking reads beyond that one.
   */
  waitLooks: number;
}

/** A tool call signed like Vapi's, for one phone call. */
export type ToolCaller = (callSid: string, name: string, args: unknown) => Promise<Record<string, unknown>>;

/** A Vapi tool-calls message with one tool call, for a phone call from Twilio. */
export function toolCallBody(callSid: string, name: string, args: unknown): string {
  return JSON.stringify({
    message: {
      type: 'tool-calls',
      toolCallList: [{ id: `bench_${randomUUID()}`, type: 'function', function: { name, arguments: args } }],
      call: {
        id: `vapi-${callSid}`,
        transport: { provider: 'twilio', callSid },
        customer: { number: '+14155550100' },
      },
    },
  });
}

export function vapiToolCaller(stack: LocalStack, secret: string): ToolCaller {
  return async (callSid, name, args) => {
    const body = toolCallBody(callSid, name, args);
    const response = await fetch(`${stack.apiUrl}/vapi/tools`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-vapi-secret': secret },
      body,
    });
    const json = (await response.json()) as { results: { result: string }[] };
    const line = json.results[0]?.result;
    if (!line) throw new Error(`no result for ${name}`);
    return JSON.parse(line) as Record<string, unknown>;
  };
}

/** A weekday at least `minDaysAhead` days from today in `zone`. */
export function weekdayAhead(zone: string, minDaysAhead: number): string {
  let day = addDays(localDayOf(new Date(), zone), minDaysAhead);
  while (weekdayOf(day) > 5) day = addDays(day, 1);
  return day;
}

export const newCallSid = (): string => `CA${randomUUID().replaceAll('-', '')}`;

/**
 * Books one call on `day` (already cached: another caller asked for it first) and meters each step. The
 * slot is the `slotIndex`-th offered, so repeated runs on one day book different times.
 */
export async function meterBooking(
  stack: LocalStack,
  meter: DynamoMeter,
  tool: ToolCaller,
  options: { day: string; slotIndex?: number },
): Promise<BookingCost> {
  const sandbox = stack.sandbox;
  if (!sandbox) throw new Error('booking costs are measured on the Calendly sandbox');
  const callSid = newCallSid();
  // Everything before (warm-up, other callers) stays out of this booking's window.
  await stack.queue.drain(10_000);
  meter.take();
  sandbox.clearRequests();
  const steps: StepCost[] = [];
  const step = (name: BookingStep) => {
    const metered = meter.take();
    steps.push({ step: name, metered, ...summarize(metered) });
  };

  const offered = await tool(callSid, 'check_availability', { date: options.day });
  step('check_availability');
  const slots = (offered.slots ?? []) as { id: string }[];
  const slot = slots[Math.min(options.slotIndex ?? 0, slots.length - 1)];
  if (!offered.ok || !slot) throw new Error(`nothing offered: ${JSON.stringify(offered)}`);

  const held = await tool(callSid, 'hold_slot', {
    slot_id: slot.id,
    name: 'Ada Lovelace',
    email: 'ada@example.com',
  });
  step('hold_slot');
  if (!held.ok) throw new Error(`hold failed: ${JSON.stringify(held)}`);

  const confirmed = await tool(callSid, 'confirm_booking', { hold_id: held.hold_id });
  if (!confirmed.ok) throw new Error(`confirm failed: ${JSON.stringify(confirmed)}`);
  await stack.queue.drain(10_000);
  step('confirm_booking');

  const calendly: Record<string, number> = {};
  for (const request of sandbox.requests()) {
    const endpoint = request.endpoint ?? 'unknown';
    calendly[endpoint] = (calendly[endpoint] ?? 0) + 1;
  }
  const all = steps.flatMap((entry) => entry.metered);
  const writeUnitsByKind: Record<string, number> = {};
  for (const { kind, units } of all.flatMap((request) => request.writes)) {
    writeUnitsByKind[kind] = (writeUnitsByKind[kind] ?? 0) + units;
  }
  const confirmStep = steps.find((entry) => entry.step === 'confirm_booking');
  const bookingReads = (confirmStep?.metered ?? []).filter(
    (request) => request.operation === 'GetItem' && request.kinds[0] === 'BOOKING',
  ).length;
  return {
    steps,
    booking: summarize(all),
    calendly,
    writeUnitsByKind,
    waitLooks: Math.max(0, bookingReads - 1),
  };
}
