/**
 * The DynamoDB work of one booked call, counted by the metering proxy as AWS bills it (requests, sequential
 * round trips, request units), and the Calendly requests it makes. Counts are deterministic, so these are
 * budgets a regression fails; timings are the benchmark's business (`npm run bench`).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type BookingCost, meterBooking, vapiToolCaller, weekdayAhead } from '../../bench/booking-costs.ts';
import { type DynamoMeter, startDynamoMeter } from '../../infra/local/dynamodb-meter.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { TEST_VAPI_SECRET } from '../fixtures/test-stack.ts';

const ZONE = 'America/New_York';

describe('what one booked call costs (local stack behind the DynamoDB metering proxy)', () => {
  let meter: DynamoMeter;
  let stack: LocalStack;
  let cost: BookingCost;

  beforeAll(async () => {
    meter = await startDynamoMeter(inject('dynamoEndpoint'));
    stack = await startLocalStack({
      dynamoEndpoint: meter.endpoint,
      env: { VAPI_SERVER_SECRET: TEST_VAPI_SECRET, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });
    const tool = vapiToolCaller(stack, TEST_VAPI_SECRET);
    const day = weekdayAhead(ZONE, 3);
    // Another caller books first: the day is cached and every function warm, as for most callers.
    await meterBooking(stack, meter, tool, { day, slotIndex: 1 });
    cost = await meterBooking(stack, meter, tool, { day });
  });

  afterAll(async () => {
    await stack?.stop();
    await meter?.stop();
  });

  const step = (name: string) => {
    const found = cost.steps.find((entry) => entry.step === name);
    if (!found) throw new Error(`no step ${name}`);
    return found;
  };

  it('answers check_availability from the cache in at most 2 sequential DynamoDB round trips', () => {
    expect(step('check_availability').roundTrips).toBeLessThanOrEqual(2);
    expect(step('check_availability').requests).toBeLessThanOrEqual(2);
  });

  it('holds a slot in at most 3 sequential DynamoDB round trips', () => {
    expect(step('hold_slot').roundTrips).toBeLessThanOrEqual(3);
    expect(step('hold_slot').requests).toBeLessThanOrEqual(3);
  });

  it('books the whole call in 12 DynamoDB requests besides the waiting looks (15 with three), and 40 write units', () => {
    // confirm_booking looks at the booking every 150 ms until the worker is done: that count depends on
    // how fast the worker is (the benchmark reports it), everything else does not.
    expect(cost.booking.requests - cost.waitLooks).toBeLessThanOrEqual(12);
    expect(cost.waitLooks).toBeGreaterThanOrEqual(1);
    expect(cost.booking.writeUnits).toBeLessThanOrEqual(40);
    expect(cost.booking.failed).toBe(0);
  });

  it('asks Calendly for nothing but the one booking: no directory, schedule or availability request', () => {
    expect(cost.calendly).toEqual({ create_invitee: 1 });
  });
});
