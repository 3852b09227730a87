/**
 * Answering an inbound call (Twilio's voice webhook) within the caller's patience: record the call, ask
 * Vapi to take it, and store what we answered, each step inside its share of the budget. A caller must
 * never hear silence, so no step can fail the answer: a step that fails or runs late is reported in
 * `problems` and the call gets the fallback (our own TwiML, given by the edge) instead.
 */
import { type Clock, withinBudget } from './clock.ts';
import type { Store, VapiPort } from './ports.ts';

/**
 * Most the caller waits for Vapi before we answer with our own TwiML. Twilio allows 15 s in total for the
 * webhook, which must also cover a cold start; a few seconds of ringing is what a caller tolerates.
 */
export const VAPI_BUDGET_MS = 4000;
/** Time kept back from the function's remaining time so the fallback can always be sent. */
export const SAFETY_MARGIN_MS = 500;
/** The most of the caller's wait that recording the call may take (DynamoDB answers in milliseconds). */
export const RECORD_BUDGET_MS = 1000;

export interface AnswerCallDeps {
  store: Pick<Store, 'calls'>;
  /** Vapi with the assistant and phone number to use, or null when Vapi is not configured. */
  vapi: { port: VapiPort; assistantId: string; phoneNumberId: string } | null;
  clock: Clock;
}

export interface InboundCall {
  callId: string;
  /** The caller's number (E.164), null when withheld. */
  callerNumber: string | null;
  /** Our number the caller dialled (E.164). */
  dialledNumber: string | null;
}

/** A step that did not go as planned; the call was answered anyway. */
export interface AnswerProblem {
  step: 'record' | 'vapi' | 'save';
  kind: 'timed_out' | 'failed';
  error?: unknown;
}

export type CallAnswer = {
  twiml: string;
  problems: AnswerProblem[];
} & (
  | { via: 'vapi'; vapiCallId: string; vapiMs: number }
  | { via: 'fallback'; reason: 'vapi_unconfigured' | 'vapi_failed' }
  /** A repeated webhook (Twilio's retry, or a replay) for a call we already answered: `stored` says whether
   * that first answer was on record (else the fallback is given, since the first may still be waiting). */
  | { via: 'repeat'; stored: boolean }
);

/** Runs `work` within `budgetMs`; a failure or a timeout becomes a problem and `undefined`, never a throw. */
async function step<T>(
  deps: AnswerCallDeps,
  name: AnswerProblem['step'],
  budgetMs: number,
  work: () => Promise<T>,
  problems: AnswerProblem[],
): Promise<T | undefined> {
  try {
    const outcome = await withinBudget(deps.clock, Math.max(0, budgetMs), work());
    if (outcome.kind === 'done') return outcome.value;
    problems.push({ step: name, kind: 'timed_out' });
  } catch (error) {
    problems.push({ step: name, kind: 'failed', error });
  }
  return undefined;
}

/**
 * Answers one voice webhook. `remainingMs` is what the function has left; `fallback` is the TwiML to give
 * when Vapi cannot take the call.
 */
export async function answerCall(
  deps: AnswerCallDeps,
  call: InboundCall,
  options: { remainingMs: number; fallback: string },
): Promise<CallAnswer> {
  const started = deps.clock.now().getTime();
  const elapsed = () => deps.clock.now().getTime() - started;
  const budgetMs = Math.max(0, Math.min(VAPI_BUDGET_MS, options.remainingMs - SAFETY_MARGIN_MS));
  const problems: AnswerProblem[] = [];

  // Recording comes first because it tells a repeated webhook from a new call: a repeat is given the first
  // answer again and never asks Vapi for a second call. When recording fails or is slow, the call is
  // answered anyway (tools then find no call record, which they already handle).
  const arrival = await step(
    deps,
    'record',
    Math.min(RECORD_BUDGET_MS, budgetMs),
    () =>
      deps.store.calls.record({
        callId: call.callId,
        callerNumber: call.callerNumber,
        dialledNumber: call.dialledNumber,
        now: deps.clock.now(),
      }),
    problems,
  );
  if (arrival?.kind === 'repeat') {
    return {
      via: 'repeat',
      stored: arrival.answer !== null,
      twiml: arrival.answer ?? options.fallback,
      problems,
    };
  }

  const { vapi } = deps;
  const handed = vapi
    ? await step(
        deps,
        'vapi',
        budgetMs - elapsed(),
        () =>
          vapi.port.createCall(
            {
              assistantId: vapi.assistantId,
              phoneNumberId: vapi.phoneNumberId,
              callerNumber: call.callerNumber,
              // Vapi already has the caller's number (customer.number); these only help the prompt and tools.
              variableValues: {
                twilioCallSid: call.callId,
                callerKnown: call.callerNumber ? 'true' : 'false',
                ...(call.callerNumber ? { callerLast4: call.callerNumber.slice(-4) } : {}),
              },
            },
            { timeoutMs: Math.max(0, budgetMs - elapsed()) },
          ),
        problems,
      )
    : undefined;
  const vapiMs = elapsed();
  const twiml = handed?.twiml ?? options.fallback;

  if (arrival !== undefined) {
    const leftMs = options.remainingMs - SAFETY_MARGIN_MS - elapsed();
    await step(
      deps,
      'save',
      Math.min(RECORD_BUDGET_MS, leftMs),
      () => deps.store.calls.saveAnswer(call.callId, twiml),
      problems,
    );
  }
  if (handed) return { via: 'vapi', vapiCallId: handed.vapiCallId, vapiMs, twiml, problems };
  return { via: 'fallback', reason: vapi ? 'vapi_failed' : 'vapi_unconfigured', twiml, problems };
}
