import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../../infra/local/clock.ts';
import {
  type AnswerCallDeps,
  answerCall,
  RECORD_BUDGET_MS,
  SAFETY_MARGIN_MS,
  VAPI_BUDGET_MS,
} from '../../../../shared/domain/answer-call.ts';
import type { CallRepository, VapiPort } from '../../../../shared/domain/ports.ts';
import { memoryCalls } from '../../../fixtures/memory-ports.ts';

const FALLBACK = '<Response><Say>Sorry</Say><Dial>+14155550199</Dial></Response>';
const VAPI_TWIML = '<Response><Connect><Stream url="wss://vapi.example"/></Connect></Response>';
const CALL = { callId: 'CA1', callerNumber: '+14155550123', dialledNumber: '+14155550100' };
const PLENTY = { remainingMs: 10_000, fallback: FALLBACK };

/** A Vapi that answers when the test says so (or never), recording what it was asked. */
function vapiFake() {
  const requests: { input: Parameters<VapiPort['createCall']>[0]; timeoutMs: number }[] = [];
  let answer: ((value: { vapiCallId: string; twiml: string }) => void) | undefined;
  const port: VapiPort = {
    createCall(input, { timeoutMs }) {
      requests.push({ input, timeoutMs });
      return new Promise((resolve) => {
        answer = resolve;
      });
    },
  };
  return {
    requests,
    configured: { port, assistantId: 'asst_1', phoneNumberId: 'pn_1' },
    answer: () => answer?.({ vapiCallId: 'call_1', twiml: VAPI_TWIML }),
  };
}

/** Lets every ready promise continuation run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function tracked<T>(promise: Promise<T>) {
  const state: { value?: T; done: boolean } = { done: false };
  promise.then((value) => {
    state.value = value;
    state.done = true;
  });
  return state;
}

describe('answerCall', () => {
  it('hands the call to Vapi with the caller and the call variables, and stores what it answered', async () => {
    const clock = createManualClock();
    const calls = memoryCalls();
    const vapi = vapiFake();
    const answering = answerCall({ store: { calls }, vapi: vapi.configured, clock }, CALL, PLENTY);
    await settle();
    vapi.answer();
    const answer = await answering;
    expect(answer).toMatchObject({ via: 'vapi', vapiCallId: 'call_1', twiml: VAPI_TWIML, problems: [] });
    expect(vapi.requests[0]?.input).toEqual({
      assistantId: 'asst_1',
      phoneNumberId: 'pn_1',
      callerNumber: CALL.callerNumber,
      variableValues: { twilioCallSid: 'CA1', callerKnown: 'true', callerLast4: '0123' },
    });
    expect(calls.records.get('CA1')?.answer).toBe(VAPI_TWIML);
  });

  it('answers with the fallback exactly when the Vapi budget runs out, on fake time', async () => {
    const clock = createManualClock();
    const vapi = vapiFake();
    const answer = tracked(
      answerCall({ store: { calls: memoryCalls() }, vapi: vapi.configured, clock }, CALL, PLENTY),
    );
    await settle();
    expect(vapi.requests[0]?.timeoutMs).toBe(VAPI_BUDGET_MS);
    clock.advance(VAPI_BUDGET_MS - 1);
    await settle();
    expect(answer.done).toBe(false);
    clock.advance(1);
    await settle();
    expect(answer.value).toMatchObject({
      via: 'fallback',
      reason: 'vapi_failed',
      twiml: FALLBACK,
      problems: [{ step: 'vapi', kind: 'timed_out' }],
    });
    expect(vapi.requests).toHaveLength(1);
  });

  it('gives Vapi only what the function has left after the safety margin', async () => {
    const clock = createManualClock();
    const vapi = vapiFake();
    const answer = tracked(
      answerCall({ store: { calls: memoryCalls() }, vapi: vapi.configured, clock }, CALL, {
        remainingMs: 1_500,
        fallback: FALLBACK,
      }),
    );
    await settle();
    expect(vapi.requests[0]?.timeoutMs).toBe(1_500 - SAFETY_MARGIN_MS);
    clock.advance(1_500 - SAFETY_MARGIN_MS);
    await settle();
    expect(answer.value?.via).toBe('fallback');
  });

  it('spends at most its share of the budget on a database that does not answer, then still asks Vapi', async () => {
    const clock = createManualClock();
    const vapi = vapiFake();
    const stuck: CallRepository = { ...memoryCalls(), record: () => new Promise(() => undefined) };
    const answer = tracked(
      answerCall({ store: { calls: stuck }, vapi: vapi.configured, clock }, CALL, PLENTY),
    );
    clock.advance(RECORD_BUDGET_MS);
    await settle();
    expect(vapi.requests[0]?.timeoutMs).toBe(VAPI_BUDGET_MS - RECORD_BUDGET_MS);
    vapi.answer();
    await settle();
    expect(answer.value).toMatchObject({ via: 'vapi', problems: [{ step: 'record', kind: 'timed_out' }] });
  });

  it('answers a repeated webhook with the first answer, without asking Vapi again', async () => {
    const clock = createManualClock();
    const calls = memoryCalls();
    const vapi = vapiFake();
    const deps: AnswerCallDeps = { store: { calls }, vapi: vapi.configured, clock };
    const first = answerCall(deps, CALL, PLENTY);
    await settle();
    vapi.answer();
    await first;
    const again = await answerCall(deps, CALL, PLENTY);
    expect(again).toEqual({ via: 'repeat', stored: true, twiml: VAPI_TWIML, problems: [] });
    expect(vapi.requests).toHaveLength(1);
  });

  it('gives the fallback to a repeat that arrives while the first is still waiting on Vapi', async () => {
    const clock = createManualClock();
    const calls = memoryCalls();
    const vapi = vapiFake();
    const deps: AnswerCallDeps = { store: { calls }, vapi: vapi.configured, clock };
    void answerCall(deps, CALL, PLENTY);
    await settle();
    expect(await answerCall(deps, CALL, PLENTY)).toMatchObject({
      via: 'repeat',
      stored: false,
      twiml: FALLBACK,
    });
    expect(vapi.requests).toHaveLength(1);
  });

  it('answers with the fallback at once when Vapi is not configured', async () => {
    const answer = await answerCall(
      { store: { calls: memoryCalls() }, vapi: null, clock: createManualClock() },
      { ...CALL, callerNumber: null },
      PLENTY,
    );
    expect(answer).toEqual({ via: 'fallback', reason: 'vapi_unconfigured', twiml: FALLBACK, problems: [] });
  });

  it('reports a Vapi failure and answers with the fallback', async () => {
    const failing: VapiPort = { createCall: async () => Promise.reject(new Error('vapi 500')) };
    const answer = await answerCall(
      {
        store: { calls: memoryCalls() },
        vapi: { port: failing, assistantId: 'a', phoneNumberId: 'p' },
        clock: createManualClock(),
      },
      CALL,
      PLENTY,
    );
    expect(answer).toMatchObject({
      via: 'fallback',
      reason: 'vapi_failed',
      problems: [{ step: 'vapi', kind: 'failed' }],
    });
  });
});
