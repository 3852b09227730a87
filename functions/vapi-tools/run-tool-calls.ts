/**
 * Runs the tool calls of one Vapi message, whose arguments ./tools/catalog.ts already read at the edge: one result
 * per call, in order, and every failure turned into an `ok:false` result (never an HTTP error). Each call
 * takes effect at most once per (call, toolCallId): a replay in the same call gets the stored first result,
 * or, for a replay-safe tool (its second run changes nothing and answers alike: check_availability,
 * hold_slot, confirm_booking), runs again; the same id in another call is a different tool call. Only
 * answers that must not be replayed (the calendar was unreachable, the code crashed) are thrown inside the
 * replay guard, so a retry runs again.
 */
import { type Clock, sleep, withinBudget } from '../../shared/domain/clock.ts';
import { AppError, ToolCallInProgressError } from '../../shared/domain/errors.ts';
import type { CallContext } from '../../shared/domain/model.ts';
import type { ToolCallReplays } from '../../shared/domain/ports.ts';
import { logger, metrics } from '../../shared/observability.ts';
import type { ToolCallRequest } from './schema.ts';
import { answerLine, NOT_REPLAYED, resultLine, ToolError, toolFailure } from './tool-answer.ts';
import type { ToolRunDeps } from './tools/define.ts';

export interface ToolCallResult {
  toolCallId: string;
  name: string;
  result: string;
}

const IN_PROGRESS_WAIT_MS = 250;
const IN_PROGRESS_ATTEMPTS = 20;

/** Runs one tool; its answers become stored results, except those a retry may change, which are thrown. */
async function runTool(
  request: ToolCallRequest,
  call: CallContext | null,
  deps: ToolRunDeps,
): Promise<string> {
  const answer =
    request.invocation instanceof ToolError
      ? request.invocation
      : call === null
        ? new ToolError('call_unknown', 'Sorry, I lost track of this call. Could you call back?', {
            reason: 'message has no call',
          })
        : await request.invocation.run(call, deps, request.toolCallId);
  if (answer instanceof ToolError && NOT_REPLAYED.has(answer.code)) throw answer;
  return answerLine(answer);
}

/** The answer for a failure that is not the caller's fault: said kindly, never stored as the replay answer. */
function unavailable(error: unknown): string {
  if (error instanceof ToolError) return resultLine(toolFailure(error));
  const vendor = error instanceof AppError && error.retryable;
  return resultLine({
    ok: false,
    error: vendor ? 'calendar_unavailable' : 'internal_error',
    say: vendor
      ? "I'm having trouble reaching the calendar right now. Could you give me a moment and ask again?"
      : 'Sorry, something went wrong on my side. Could you say that again?',
  });
}

/** Time kept back from the Lambda timeout so every tool call still gets an answer (README, "Tools the assistant sees"). */
const ANSWER_RESERVE_MS = 1_500;

/**
 * Vapi needs one result per tool call; a call that would outlive the function gets a "still working" answer
 * instead of none. The work itself goes on, and its result is what a replay of the toolCallId returns.
 */
async function withinDeadline(
  clock: Clock,
  request: ToolCallRequest,
  work: Promise<ToolCallResult>,
  remainingMs: () => number,
): Promise<ToolCallResult> {
  const budget = remainingMs() - ANSWER_RESERVE_MS;
  if (!Number.isFinite(budget)) return await work;
  const outcome = await withinBudget(clock, Math.max(0, budget), work);
  if (outcome.kind === 'done') return outcome.value;
  logger.warn('tool call out of time', { tool: request.name, toolCallId: request.toolCallId });
  metrics.addMetric('ToolOutOfTime', 'Count', 1);
  return {
    toolCallId: request.toolCallId,
    name: request.name,
    result: resultLine({
      ok: false,
      error: 'calendar_unavailable',
      say: 'The calendar is slow to answer right now. Could you give me a moment and ask again?',
    }),
  };
}

export function createToolCallRunner(deps: ToolRunDeps, replays: ToolCallReplays) {
  const { clock } = deps;

  async function runOne(request: ToolCallRequest, call: CallContext | null): Promise<ToolCallResult> {
    const started = clock.now().getTime();
    // The denominator of the crash and calendar-unavailable rates the alarms watch.
    metrics.addMetric('ToolCalled', 'Count', 1);
    let result: string;
    try {
      result = await runWithReplayWait(request, call);
    } catch (error) {
      const expected = error instanceof AppError && error.retryable;
      if (expected) logger.warn('tool call failed', { tool: request.name, code: (error as AppError).code });
      else logger.error('tool call crashed', { tool: request.name, error: error as Error });
      metrics.addMetric(expected ? 'ToolCalendarUnavailable' : 'ToolCrashed', 'Count', 1);
      result = unavailable(error);
    }
    logger.info('tool call answered', {
      tool: request.name,
      toolCallId: request.toolCallId,
      ms: clock.now().getTime() - started,
    });
    return { toolCallId: request.toolCallId, name: request.name, result };
  }

  async function runWithReplayWait(request: ToolCallRequest, call: CallContext | null): Promise<string> {
    // Without a call there is nothing to scope a stored answer to, and nothing to protect: answer directly.
    // A replay-safe tool runs again instead, which costs less than storing every first answer.
    const replaySafe = !(request.invocation instanceof ToolError) && request.invocation.replaySafe;
    if (!call || replaySafe) return await runTool(request, call, deps);
    for (let attempt = 0; ; attempt++) {
      try {
        return await replays.once({ callId: call.callId, toolCallId: request.toolCallId }, () =>
          runTool(request, call, deps),
        );
      } catch (error) {
        // The same toolCallId is running elsewhere right now: wait for its answer instead of running twice.
        if (!(error instanceof ToolCallInProgressError) || attempt >= IN_PROGRESS_ATTEMPTS) throw error;
        await sleep(clock, IN_PROGRESS_WAIT_MS);
      }
    }
  }

  return {
    /** One result per tool call, in the order Vapi sent them. */
    async run(
      requests: ToolCallRequest[],
      call: CallContext | null,
      remainingMs: () => number = () => Number.POSITIVE_INFINITY,
    ): Promise<ToolCallResult[]> {
      const results: ToolCallResult[] = [];
      for (const request of requests)
        results.push(await withinDeadline(clock, request, runOne(request, call), remainingMs));
      return results;
    },
  };
}
