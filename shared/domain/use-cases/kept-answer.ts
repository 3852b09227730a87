/** Keeping a tool call's answer in the call's ledger, for the outcomes that issue no offers to keep it with. */
import type { AnswerKeeper, CallContext, Replayed } from '../model.ts';
import type { UseCaseDeps } from './deps.ts';

/**
 * Keeps `outcome`'s answer (when `keep` renders one) and returns the outcome, or, when the tool call had
 * an answer kept already (this is its replay), that answer.
 */
export async function keptOutcome<O>(
  outcome: O,
  call: CallContext,
  keep: AnswerKeeper<O> | undefined,
  deps: UseCaseDeps,
): Promise<O | Replayed> {
  const line = keep?.answer(outcome) ?? null;
  if (!keep || line === null) return outcome;
  const kept = await deps.store.calls.keepAnswer(call.callId, keep.toolCallId, line, {
    now: deps.clock.now(),
  });
  return kept === line ? outcome : { kind: 'replayed', answer: kept };
}
