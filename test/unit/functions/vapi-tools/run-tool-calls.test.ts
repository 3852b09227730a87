import { describe, expect, it } from 'vitest';
import { createToolCallRunner } from '../../../../functions/vapi-tools/run-tool-calls.ts';
import { prepareToolCall } from '../../../../functions/vapi-tools/tools/catalog.ts';
import type { ToolRunDeps } from '../../../../functions/vapi-tools/tools/define.ts';
import { createManualClock } from '../../../../infra/local/clock.ts';
import type { CalendarDirectory } from '../../../../shared/domain/calendar-directory.ts';
import { VendorUnavailableError } from '../../../../shared/domain/errors.ts';
import { DEFAULT_USE_CASE_SETTINGS } from '../../../../shared/domain/use-cases/deps.ts';
import { CALLER_TEXTS } from '../../../../shared/speech/booking-sms.ts';
import {
  memoryCalls,
  memoryHoldsAndBookings,
  memoryReplays,
  noTransfer,
  unusedAppointments,
  unusedCalendly,
  unusedCallLog,
  unusedVoicemails,
} from '../../../fixtures/memory-ports.ts';

const CALL = { callId: 'CA1', callerNumber: null };
const CHECK = {
  toolCallId: 'tc1',
  name: 'check_availability',
  invocation: prepareToolCall('check_availability', {}),
};

/** A runner whose calendar directory fails with `failure` on every call. */
function runnerFailingWith(failure: () => Error) {
  let asked = 0;
  const directory: CalendarDirectory = {
    businessTimezone: async () => {
      asked += 1;
      throw failure();
    },
    user: async () => Promise.reject(failure()),
    eventTypeFor: async () => Promise.reject(failure()),
    eventTypeByUri: async () => Promise.reject(failure()),
  };
  const memory = memoryHoldsAndBookings();
  const deps = {
    store: {
      calls: memoryCalls(),
      slots: memory.slots,
      bookings: memory.repository,
      appointments: unusedAppointments(),
      callLog: unusedCallLog(),
      voicemails: unusedVoicemails(),
    },
    transfer: noTransfer(),
    calendly: unusedCalendly(),
    sms: null,
    texts: CALLER_TEXTS,
    availability: { timesForDay: async () => [] },
    directory,
    queue: { enqueue: async () => undefined },
    clock: createManualClock(),
    settings: DEFAULT_USE_CASE_SETTINGS,
    slots: {} as ToolRunDeps['slots'],
  } satisfies ToolRunDeps;
  const replays = memoryReplays();
  return { runner: createToolCallRunner(deps, replays), replays, asked: () => asked };
}

const resultOf = (line: string | undefined) => JSON.parse(line ?? '{}') as Record<string, unknown>;

describe('createToolCallRunner', () => {
  it('says internal_error, not calendar_unavailable, when our own code fails', async () => {
    const { runner } = runnerFailingWith(() => new TypeError('bug'));
    const [answer] = await runner.run([CHECK], CALL);
    expect(resultOf(answer?.result)).toMatchObject({ ok: false, error: 'internal_error' });
  });

  it('says calendar_unavailable when the calendar cannot be reached, and runs a replay again', async () => {
    const { runner, replays, asked } = runnerFailingWith(
      () => new VendorUnavailableError('calendly', 'down'),
    );
    const [first] = await runner.run([CHECK], CALL);
    expect(resultOf(first?.result)).toMatchObject({ ok: false, error: 'calendar_unavailable' });
    await runner.run([CHECK], CALL);
    expect(asked()).toBe(2);
    expect(replays.kept.size).toBe(0);
  });

  it('keeps a caller-side failure as the replay answer', async () => {
    const { runner, replays } = runnerFailingWith(() => new TypeError('unused'));
    const [answer] = await runner.run(
      [{ toolCallId: 'tc2', name: 'no_such_tool', invocation: prepareToolCall('no_such_tool', {}) }],
      CALL,
    );
    expect(resultOf(answer?.result)).toMatchObject({ ok: false, error: 'unknown_tool' });
    expect(replays.kept.size).toBe(1);
  });
});
