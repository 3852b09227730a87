import { createHmac } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { twilioSignature, vapiHmacHeaders } from '../../infra/local/signers.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { jsonEvent, lambdaContext } from '../fixtures/http-events.ts';
import { itemCount, stackDb, startTestStack, TEST_VAPI_SECRET } from '../fixtures/test-stack.ts';
import {
  newCall,
  postVapi,
  resultOf,
  type TestCall,
  toolCallsMessage,
  upcomingWeekday,
  type VapiAuth,
  vapiCall,
} from '../fixtures/vapi-messages.ts';

const SECRET = TEST_VAPI_SECRET;
const ZONE = 'America/New_York';

describe('POST /vapi/tools and /vapi/events', () => {
  let stack: LocalStack;
  const db = () => stackDb(stack);

  beforeAll(async () => {
    stack = await startTestStack();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function call(testCall: TestCall, name: string, args: unknown, auth: VapiAuth = 'secret') {
    return await postVapi(
      stack.apiUrl,
      '/vapi/tools',
      toolCallsMessage(testCall, [{ name, args }]),
      SECRET,
      auth,
    );
  }

  async function tool(testCall: TestCall, name: string, args: unknown) {
    const response = await call(testCall, name, args);
    expect(response.status).toBe(200);
    return resultOf(response.body);
  }

  async function offeredSlots(testCall: TestCall, daysAhead = 2) {
    const result = await tool(testCall, 'check_availability', { date: upcomingWeekday(ZONE, daysAhead) });
    expect(result.ok).toBe(true);
    return result.slots as { id: string; start: string }[];
  }

  describe('authentication', () => {
    it.each([
      ['no credentials', 'none'],
      ['a wrong shared secret', 'wrong-secret'],
      ['a stale HMAC timestamp', 'stale-hmac'],
      ['an HMAC over a different body', 'tampered-hmac'],
    ])('rejects %s with 401 before anything is written', async (_label, kind) => {
      const testCall = newCall();
      const body = JSON.stringify(toolCallsMessage(testCall, [{ name: 'check_availability', args: {} }]));
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (kind === 'wrong-secret') headers['x-vapi-secret'] = 'not-the-secret-at-all';
      if (kind === 'stale-hmac')
        Object.assign(headers, vapiHmacHeaders(SECRET, body, Math.floor(Date.now() / 1000) - 600));
      if (kind === 'tampered-hmac') Object.assign(headers, vapiHmacHeaders(SECRET, `${body} `));
      const before = await itemCount(stack);
      const response = await fetch(`${stack.apiUrl}/vapi/tools`, { method: 'POST', headers, body });
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain(SECRET);
      expect(await itemCount(stack)).toBe(before);
    });

    it('accepts exactly the configured VAPI_AUTH_PLAN (sha512, base64, custom header) and refuses a bad one at cold start', async () => {
      const plan = {
        type: 'hmac',
        algorithm: 'sha512',
        signatureEncoding: 'base64',
        signatureHeader: 'X-Vapi-Signature',
      };
      process.env.VAPI_AUTH_PLAN = JSON.stringify(plan);
      try {
        vi.resetModules();
        const { handler } = await import('../../functions/vapi-tools/handler.ts');
        const message = toolCallsMessage(newCall(), [
          { name: 'check_availability', args: { date: upcomingWeekday(ZONE) } },
        ]);
        const body = JSON.stringify(message);
        const timestamp = String(Math.floor(Date.now() / 1000));
        const signature = createHmac('sha512', SECRET).update(`${timestamp}.${body}`).digest('base64');
        const signed = await handler(
          jsonEvent('/vapi/tools', body, { 'x-vapi-signature': signature, 'x-timestamp': timestamp }),
          lambdaContext(),
        );
        expect(signed.statusCode).toBe(200);
        expect(resultOf(JSON.parse(String(signed.body))).ok).toBe(true);
        const byDefaultCredential = await handler(
          jsonEvent('/vapi/tools', body, { 'x-vapi-secret': SECRET }),
          lambdaContext(),
        );
        expect(byDefaultCredential.statusCode).toBe(401);

        process.env.VAPI_AUTH_PLAN = JSON.stringify({ ...plan, payloadFormat: '{method}.{url}.{body}' });
        vi.resetModules();
        await expect(import('../../functions/vapi-tools/handler.ts')).rejects.toThrow(/VAPI_AUTH_PLAN/);
      } finally {
        delete process.env.VAPI_AUTH_PLAN;
        vi.resetModules();
      }
    });

    it.each(['secret', 'bearer', 'hmac'] as const)('accepts the %s credential', async (auth) => {
      const response = await call(newCall(), 'check_availability', { date: upcomingWeekday(ZONE) }, auth);
      expect(response.status).toBe(200);
      expect(resultOf(response.body).ok).toBe(true);
    });
  });

  describe('malformed requests', () => {
    it('rejects a body over 3 MB with 413', async () => {
      const huge = JSON.stringify({ message: { type: 'tool-calls', padding: 'x'.repeat(3 * 1024 * 1024) } });
      const response = await postVapi(stack.apiUrl, '/vapi/tools', huge, SECRET);
      expect(response.status).toBe(413);
    });

    it('reads the end-of-call-report of a long call (1.5 MB with its transcript) and releases its holds', async () => {
      const caller = newCall();
      const [slot] = await offeredSlots(caller, 3);
      expect(
        (await tool(caller, 'hold_slot', { slot_id: slot?.id, name: 'Ada', email: 'ada@example.com' })).ok,
      ).toBe(true);
      // Spec: ServerMessageEndOfCallReport carries the call and its artifact (messages, transcript).
      const turns = Array.from({ length: 4000 }, (_, index) => ({
        role: index % 2 ? 'user' : 'bot',
        message: `turn ${index} ${'words spoken on the line '.repeat(12)}`,
        time: 1_764_000_000_000 + index * 1000,
        secondsFromStart: index,
      }));
      const report = {
        message: {
          type: 'end-of-call-report',
          endedReason: 'customer-ended-call',
          call: vapiCall(caller),
          artifact: { messages: turns, transcript: turns.map((turn) => turn.message).join('\n') },
        },
      };
      const raw = JSON.stringify(report);
      expect(raw.length).toBeGreaterThan(1_500_000);
      const response = await postVapi(stack.apiUrl, '/vapi/events', raw, SECRET, 'hmac');
      expect(response.status).toBe(200);
      const again = (await offeredSlots(newCall(), 3)).find((offer) => offer.start === slot?.start);
      expect(again).toBeDefined();
    });

    it.each([
      ['a body that is not JSON', '{"message": ', 'application/json', 400],
      ['JSON that is not a server message', '{"msg": {}}', 'application/json', 400],
      ['a body not declared JSON', 'message=x', 'text/plain', 415],
    ])('answers %s with its 4xx', async (_label, body, contentType, status) => {
      const response = await fetch(`${stack.apiUrl}/vapi/tools`, {
        method: 'POST',
        headers: { 'content-type': contentType, 'x-vapi-secret': SECRET },
        body,
      });
      expect(response.status).toBe(status);
    });

    it('answers a tool-calls message that has no type (the spec requires only the tool call lists)', async () => {
      const message = toolCallsMessage(newCall(), [
        { name: 'check_availability', args: { date: upcomingWeekday(ZONE) } },
      ]);
      const { type: _type, ...untyped } = message.message;
      const response = await postVapi(stack.apiUrl, '/vapi/tools', { message: untyped }, SECRET);
      expect(response.status).toBe(200);
      expect(resultOf(response.body).ok).toBe(true);
    });

    it('answers a tool call whose id is longer than 200 characters (the spec sets no limit)', async () => {
      const id = `call_${'x'.repeat(400)}`;
      const message = toolCallsMessage(newCall(), [
        { id, name: 'check_availability', args: { date: upcomingWeekday(ZONE) } },
      ]);
      const response = await postVapi(stack.apiUrl, '/vapi/tools', message, SECRET);
      expect(response.body).toMatchObject({ results: [{ toolCallId: id, name: 'check_availability' }] });
      expect(resultOf(response.body).ok).toBe(true);
    });

    it('gives invalid_arguments for arguments that are not JSON', async () => {
      const message = toolCallsMessage(newCall(), [{ name: 'check_availability' }]);
      const [first] = message.message.toolCallList;
      if (!first) throw new Error('no tool call');
      (first.function as { arguments: unknown }).arguments = '{"date": ';
      const response = await postVapi(stack.apiUrl, '/vapi/tools', message, SECRET);
      expect(response.status).toBe(200);
      expect(resultOf(response.body)).toMatchObject({ ok: false, error: 'invalid_arguments' });
    });

    it('accepts arguments sent as a JSON string', async () => {
      const message = toolCallsMessage(newCall(), [{ name: 'check_availability' }]);
      const [first] = message.message.toolCallList;
      if (!first) throw new Error('no tool call');
      (first.function as { arguments: unknown }).arguments = JSON.stringify({ date: upcomingWeekday(ZONE) });
      const response = await postVapi(stack.apiUrl, '/vapi/tools', message, SECRET);
      expect(resultOf(response.body).ok).toBe(true);
    });

    it('accepts the legacy toolCalls shape with parameters', async () => {
      const body = {
        message: {
          type: 'tool-calls',
          toolCalls: [
            { id: 'legacy-1', name: 'check_availability', parameters: { date: upcomingWeekday(ZONE) } },
          ],
          call: { id: 'vapi-legacy', customer: { number: '+14155550199' } },
        },
      };
      const response = await postVapi(stack.apiUrl, '/vapi/tools', body, SECRET);
      expect(response.body).toMatchObject({
        results: [{ toolCallId: 'legacy-1', name: 'check_availability' }],
      });
      expect(resultOf(response.body).ok).toBe(true);
    });

    it('answers every tool call of a message, in order', async () => {
      const testCall = newCall();
      const message = toolCallsMessage(testCall, [
        { id: 'first', name: 'check_availability', args: { date: upcomingWeekday(ZONE) } },
        { id: 'second', name: 'no_such_tool', args: {} },
        { id: 'third', name: 'release_hold', args: {} },
      ]);
      const response = await postVapi(stack.apiUrl, '/vapi/tools', message, SECRET);
      const results = (response.body as { results: { toolCallId: string }[] }).results;
      expect(results.map((result) => result.toolCallId)).toEqual(['first', 'second', 'third']);
      expect(resultOf(response.body, 0).ok).toBe(true);
      expect(resultOf(response.body, 1)).toMatchObject({ ok: false, error: 'unknown_tool' });
      expect(resultOf(response.body, 2)).toMatchObject({ ok: false, error: 'invalid_arguments' });
    });

    it.each([
      [{ slot_id: 42, name: 'Ada', email: 'ada@example.com' }, 'Which of the times'],
      [{ slot_id: 'S1', name: '', email: 'ada@example.com' }, 'your name'],
      [{ slot_id: 'S1', name: 'Ada', email: 'ada at example' }, 'spell your email'],
    ])('explains what is missing when hold_slot gets %j', async (args, hint) => {
      const result = await tool(newCall(), 'hold_slot', args);
      expect(result).toMatchObject({ ok: false, error: 'invalid_arguments' });
      expect(result.say).toContain(hint);
    });

    it('refuses a message that carries no call', async () => {
      const body = {
        message: {
          type: 'tool-calls',
          toolCallList: [{ id: 'x', function: { name: 'check_availability', arguments: {} } }],
        },
      };
      const response = await postVapi(stack.apiUrl, '/vapi/tools', body, SECRET);
      expect(resultOf(response.body)).toMatchObject({ ok: false, error: 'call_unknown' });
    });
  });

  describe('dates', () => {
    it.each([
      ['2020-01-01', 'already passed'],
      ['2026-02-30', ''],
      ['9999-01-01', 'days ahead'],
    ])('refuses %s with a speakable reason', async (date, words) => {
      const result = await tool(newCall(), 'check_availability', { date });
      expect(result).toMatchObject({ ok: false, error: 'invalid_arguments' });
      expect(result.say.length).toBeGreaterThan(10);
      expect(result.say).toContain(words);
    });

    it('refuses a phrase it cannot read', async () => {
      const result = await tool(newCall(), 'check_availability', { when: 'purple elephant' });
      expect(result).toMatchObject({ ok: false, error: 'invalid_arguments' });
    });

    it('repeats the resolved date when it reads a phrase', async () => {
      const result = await tool(newCall(), 'check_availability', { when: 'next tuesday afternoon' });
      expect(result.ok).toBe(true);
      expect((result.searched as { days: string }).days).toMatch(/Tuesday/);
      expect(result.say).toMatch(/Tuesday|next ones/);
    });
  });

  describe('slot and hold ids', () => {
    it('refuses a slot id the call was never offered', async () => {
      const result = await tool(newCall(), 'hold_slot', {
        slot_id: 'S999',
        name: 'Ada',
        email: 'ada@example.com',
      });
      expect(result).toMatchObject({ ok: false, error: 'unknown_slot' });
    });

    it('refuses a slot id offered to another call', async () => {
      const [slot] = await offeredSlots(newCall());
      const result = await tool(newCall(), 'hold_slot', {
        slot_id: slot?.id,
        name: 'Eve',
        email: 'eve@example.com',
      });
      expect(result).toMatchObject({ ok: false, error: 'unknown_slot' });
    });

    it('refuses to confirm or release a hold that belongs to another call', async () => {
      const owner = newCall();
      const [slot] = await offeredSlots(owner, 3);
      const hold = await tool(owner, 'hold_slot', {
        slot_id: slot?.id,
        name: 'Ada',
        email: 'ada@example.com',
      });
      const intruder = newCall();
      expect(await tool(intruder, 'confirm_booking', { hold_id: hold.hold_id })).toMatchObject({
        ok: false,
        error: 'not_your_hold',
      });
      expect(await tool(intruder, 'release_hold', { hold_id: hold.hold_id })).toMatchObject({
        ok: false,
        error: 'not_your_hold',
      });
    });

    it('refuses an unknown hold id', async () => {
      expect(await tool(newCall(), 'confirm_booking', { hold_id: 'H-NOTREAL1' })).toMatchObject({
        ok: false,
        error: 'unknown_hold',
      });
    });

    it('caps a call at two live holds', async () => {
      const testCall = newCall();
      const slots = await offeredSlots(testCall, 4);
      const hold = (slot: { id: string } | undefined) =>
        tool(testCall, 'hold_slot', { slot_id: slot?.id, name: 'Ada', email: 'ada@example.com' });
      expect((await hold(slots[0])).ok).toBe(true);
      expect((await hold(slots[1])).ok).toBe(true);
      expect(await hold(slots[2])).toMatchObject({ ok: false, error: 'too_many_holds' });
    });

    it('frees a released slot for the next caller', async () => {
      const first = newCall();
      const [slot] = await offeredSlots(first, 5);
      const hold = await tool(first, 'hold_slot', {
        slot_id: slot?.id,
        name: 'Ada',
        email: 'ada@example.com',
      });
      expect(await tool(first, 'release_hold', { hold_id: hold.hold_id })).toMatchObject({ ok: true });
      const second = newCall();
      const again = (await offeredSlots(second, 5)).find((offer) => offer.start === slot?.start);
      expect(again).toBeDefined();
      expect(
        (await tool(second, 'hold_slot', { slot_id: again?.id, name: 'Bo', email: 'bo@example.com' })).ok,
      ).toBe(true);
    });

    it('tells the caller when the hold ran out before the confirmation', async () => {
      const testCall = newCall();
      const [slot] = await offeredSlots(testCall, 6);
      const hold = await tool(testCall, 'hold_slot', {
        slot_id: slot?.id,
        name: 'Ada',
        email: 'ada@example.com',
      });
      // The lease ran out: what five minutes of silence leaves behind.
      await db().send(
        new UpdateCommand({
          TableName: stack.tableName,
          Key: keys.hold(String(hold.hold_id)),
          UpdateExpression: 'SET expiresAt = :past',
          ExpressionAttributeValues: { ':past': Date.now() - 1000 },
        }),
      );
      expect(await tool(testCall, 'confirm_booking', { hold_id: hold.hold_id })).toMatchObject({
        ok: false,
        error: 'hold_expired',
      });
    });
  });

  describe('precise error codes', () => {
    it('says unknown_service for a service the business does not offer, naming those it does', async () => {
      const result = await tool(newCall(), 'check_availability', { service: 'tattoo removal' });
      expect(result).toMatchObject({ ok: false, error: 'unknown_service' });
      expect(result.say).toContain('We can book');
    });

    it('says hold_released when a released hold is confirmed', async () => {
      const testCall = newCall();
      const slot = (await offeredSlots(testCall, 5)).at(-1);
      const hold = await tool(testCall, 'hold_slot', {
        slot_id: slot?.id,
        name: 'Ada',
        email: 'ada@example.com',
      });
      expect(await tool(testCall, 'release_hold', { hold_id: hold.hold_id })).toMatchObject({ ok: true });
      expect(await tool(testCall, 'confirm_booking', { hold_id: hold.hold_id })).toMatchObject({
        ok: false,
        error: 'hold_released',
      });
    });

    it('says hold_confirmed when a hold that is already a booking is released', async () => {
      const testCall = newCall();
      const slot = (await offeredSlots(testCall, 6)).at(-1);
      const hold = await tool(testCall, 'hold_slot', {
        slot_id: slot?.id,
        name: 'Ada',
        email: 'ada@example.com',
      });
      expect(await tool(testCall, 'confirm_booking', { hold_id: hold.hold_id })).toMatchObject({ ok: true });
      expect(await tool(testCall, 'release_hold', { hold_id: hold.hold_id })).toMatchObject({
        ok: false,
        error: 'hold_confirmed',
      });
    });
  });

  describe('time budget', () => {
    it('answers every tool call even when Calendly is slower than the function may run', async () => {
      const { handler } = await import('../../functions/vapi-tools/handler.ts');
      const sandbox = stack.sandbox;
      if (!sandbox) throw new Error('sandbox expected');
      sandbox.setLatency(4_000, 'available_times');
      try {
        // A service nobody asked for yet, so the cache cannot answer.
        const message = toolCallsMessage(newCall(), [
          {
            id: 'slow-1',
            name: 'check_availability',
            args: { service: 'consultation', date: upcomingWeekday(ZONE, 3) },
          },
        ]);
        const started = Date.now();
        const response = await handler(
          jsonEvent('/vapi/tools', message, { 'x-vapi-secret': SECRET }),
          lambdaContext({ functionName: 'vapi-tools', timeoutMs: 2_500 }),
        );
        expect(Date.now() - started).toBeLessThan(2_500);
        expect(response.statusCode).toBe(200);
        expect(resultOf(JSON.parse(String(response.body)))).toMatchObject({
          ok: false,
          error: 'calendar_unavailable',
        });
      } finally {
        sandbox.setLatency(0, 'available_times');
      }
    });
  });

  describe('call end', () => {
    it.each(['transport', 'variableValues', 'phoneCallProviderId'] as const)(
      'keys the call by the Twilio CallSid from %s, so a hang-up releases its holds',
      async (field) => {
        const caller = newCall();
        const date = upcomingWeekday(ZONE, 2);
        const offer = toolCallsMessage(caller, [{ name: 'check_availability', args: { date } }], field);
        const [slot] = resultOf((await postVapi(stack.apiUrl, '/vapi/tools', offer, SECRET)).body).slots as {
          id: string;
          start: string;
        }[];
        const holdMessage = toolCallsMessage(
          caller,
          [{ name: 'hold_slot', args: { slot_id: slot?.id, name: 'Ada', email: 'ada@example.com' } }],
          field,
        );
        expect(resultOf((await postVapi(stack.apiUrl, '/vapi/tools', holdMessage, SECRET)).body).ok).toBe(
          true,
        );

        // Twilio's final status callback names the call by its CallSid only.
        const params = { CallSid: caller.callSid, CallStatus: 'completed', From: '+14155550123' };
        const publicUrl = `${stack.env.PUBLIC_BASE_URL}/twilio/status`;
        const hangUp = await fetch(`${stack.apiUrl}/twilio/status`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': twilioSignature(stack.env.TWILIO_AUTH_TOKEN ?? '', publicUrl, params),
          },
          body: new URLSearchParams(params).toString(),
        });
        expect(hangUp.status).toBe(200);
        const again = (await offeredSlots(newCall(), 2)).find((next) => next.start === slot?.start);
        expect(again).toBeDefined();
      },
    );

    it.each([
      ['end-of-call-report', { type: 'end-of-call-report', endedReason: 'customer-ended-call' }],
      ['status-update ended', { type: 'status-update', status: 'ended' }],
    ])('releases the live holds of the call on %s', async (_label, event) => {
      const caller = newCall();
      const [slot] = await offeredSlots(caller, 2);
      const hold = await tool(caller, 'hold_slot', {
        slot_id: slot?.id,
        name: 'Ada',
        email: 'ada@example.com',
      });
      const message = toolCallsMessage(caller, []).message;
      const response = await postVapi(
        stack.apiUrl,
        '/vapi/events',
        { message: { ...event, call: message.call } },
        SECRET,
      );
      expect(response.status).toBe(200);
      const other = newCall();
      const again = (await offeredSlots(other, 2)).find((offer) => offer.start === slot?.start);
      expect(again).toBeDefined();
      expect(await tool(caller, 'confirm_booking', { hold_id: hold.hold_id })).toMatchObject({
        ok: false,
        error: 'hold_released',
      });
      const late = await tool(caller, 'hold_slot', {
        slot_id: slot?.id,
        name: 'Ada',
        email: 'ada@example.com',
      });
      expect(late).toMatchObject({ ok: false, error: 'call_ended' });
    });
  });
});
