import { randomBytes } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { twilioSignature } from '../../infra/local/signers.ts';
import { createDynamoStore } from '../../shared/adapters/dynamodb/store.ts';
import { newHoldId } from '../../shared/domain/ids.ts';
import type { HttpLambdaHandler } from '../../shared/http/http-handler.ts';
import { createTestTable, type TestTable } from '../fixtures/dynamodb.ts';
import { type FormParams, formEvent, lambdaContext } from '../fixtures/http-events.ts';
import { startVapiFake, type VapiFake, vapiTwiml as vapiTwimlFor } from '../fixtures/vapi-fake.ts';

const PUBLIC_BASE_URL = 'https://voice.example.com';
const AUTH_TOKEN = 'twilio-auth-token-for-tests';
const OUR_NUMBER = '+14155550100';
const CALLER = '+14155550123';
const HUMAN = '+14155550199';
const VAPI = {
  VAPI_API_KEY: 'vapi-private-key',
  VAPI_ASSISTANT_ID: 'asst_test',
  VAPI_PHONE_NUMBER_ID: 'pn_test',
};

let table: TestTable;
let vapi: VapiFake;

beforeAll(async () => {
  table = await createTestTable('twilio-voice');
  vapi = await startVapiFake({ apiKey: VAPI.VAPI_API_KEY });
});
afterAll(async () => {
  await vapi.stop();
});
beforeEach(() => vapi.reset());

/**
 * Imports the real handler with a fresh module graph, so configuration read at cold start reflects `env`
 * (just as a new Lambda container would).
 */
async function coldStart(env: Record<string, string | undefined>): Promise<HttpLambdaHandler> {
  const names = [
    'FALLBACK_PHONE_NUMBER',
    'TWILIO_PHONE_NUMBER',
    'VAPI_API_KEY',
    'VAPI_ASSISTANT_ID',
    'VAPI_PHONE_NUMBER_ID',
  ];
  for (const name of names) delete process.env[name];
  Object.assign(process.env, {
    PUBLIC_BASE_URL,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_PHONE_NUMBER: OUR_NUMBER,
    TABLE_NAME: table.tableName,
    VAPI_API_BASE_URL: vapi.url,
  });
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  vi.resetModules();
  const module = await import('../../functions/twilio-voice/handler.ts');
  return module.handler;
}

const newCallSid = () => `CA${randomBytes(16).toString('hex')}`;

function callParams(callSid: string, from: string = CALLER): FormParams {
  return {
    AccountSid: `AC${'0'.repeat(32)}`,
    ApiVersion: '2010-04-01',
    CallSid: callSid,
    CallStatus: 'ringing',
    Called: OUR_NUMBER,
    Caller: from,
    Direction: 'inbound',
    From: from,
    FromCity: 'SAN FRANCISCO',
    StirVerstat: 'TN-Validation-Passed-A',
    To: OUR_NUMBER,
  };
}

/** A Twilio request to `path`, signed for `signedUrl` (by default exactly the URL Twilio would use). */
function twilioEvent(
  path: string,
  params: FormParams,
  options: {
    signedUrl?: string;
    token?: string;
    signature?: string | null;
    base64?: boolean;
    query?: string;
  } = {},
): APIGatewayProxyEventV2 {
  const query = options.query ?? '';
  const url = options.signedUrl ?? `${PUBLIC_BASE_URL}${path}${query ? `?${query}` : ''}`;
  const signature =
    options.signature === undefined
      ? twilioSignature(options.token ?? AUTH_TOKEN, url, params)
      : options.signature;
  const headers: Record<string, string> = signature === null ? {} : { 'X-Twilio-Signature': signature };
  return formEvent(path, params, headers, {
    query,
    ...(options.base64 === undefined ? {} : { base64: options.base64 }),
  });
}

async function tableItems(): Promise<Record<string, unknown>[]> {
  const { Items } = await table.documentClient.send(
    new ScanCommand({ TableName: table.tableName, ConsistentRead: true }),
  );
  return Items ?? [];
}

async function callItem(callSid: string): Promise<Record<string, unknown> | undefined> {
  return (await tableItems()).find((item) => item.callId === callSid && String(item.pk).includes(callSid));
}

describe('POST /twilio/voice', () => {
  it('hands a signed call to Vapi and returns its TwiML verbatim', async () => {
    const handler = await coldStart(VAPI);
    const callSid = newCallSid();
    const vapiTwiml = vapiTwimlFor('6f1c1b8e-5a7e-4b9a-9f0e-2d7c3c1a0b11');
    vapi.behave({
      body: { id: '6f1c1b8e-5a7e-4b9a-9f0e-2d7c3c1a0b11', phoneCallProviderDetails: { twiml: vapiTwiml } },
    });
    const response = await handler(twilioEvent('/twilio/voice', callParams(callSid)), lambdaContext());

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/xml');
    expect(response.body).toBe(vapiTwiml);
    expect(vapi.requests).toHaveLength(1);
    const [request] = vapi.requests;
    expect(request?.headers.authorization).toBe(`Bearer ${VAPI.VAPI_API_KEY}`);
    expect(request?.body).toEqual({
      assistantId: VAPI.VAPI_ASSISTANT_ID,
      phoneNumberId: VAPI.VAPI_PHONE_NUMBER_ID,
      phoneCallProviderBypassEnabled: true,
      customer: { number: CALLER },
      assistantOverrides: {
        variableValues: { twilioCallSid: callSid, callerKnown: 'true', callerLast4: '0123' },
      },
    });
    expect(await callItem(callSid)).toMatchObject({ from: CALLER, to: OUR_NUMBER, status: 'in-progress' });
    // No retry shows up later either.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(vapi.requests).toHaveLength(1);
  });

  it('answers a repeated webhook for the same call with the first answer, without a second Vapi call', async () => {
    const handler = await coldStart(VAPI);
    const callSid = newCallSid();
    const first = await handler(twilioEvent('/twilio/voice', callParams(callSid)), lambdaContext());
    const again = await handler(twilioEvent('/twilio/voice', callParams(callSid)), lambdaContext());
    expect(first.body).toContain('<Connect>');
    expect(again).toEqual(first);
    expect(vapi.requests).toHaveLength(1);
    expect(
      (await tableItems()).filter((item) => item.callId === callSid && String(item.pk).includes(callSid)),
    ).toHaveLength(1);
  });

  it('asks Vapi once when the same call arrives twice at the same moment', async () => {
    const handler = await coldStart({ ...VAPI, FALLBACK_PHONE_NUMBER: HUMAN });
    const callSid = newCallSid();
    const responses = await Promise.all(
      [1, 2].map(() => handler(twilioEvent('/twilio/voice', callParams(callSid)), lambdaContext())),
    );
    expect(vapi.requests).toHaveLength(1);
    // One request handed the call to Vapi; the other, arriving before any answer was stored, got the fallback.
    expect(responses.filter((response) => response.body?.includes('<Connect>'))).toHaveLength(1);
    expect(responses.every((response) => response.statusCode === 200)).toBe(true);
  });

  it('repeats the fallback it gave, rather than asking Vapi on a repeated webhook', async () => {
    const handler = await coldStart({ ...VAPI, FALLBACK_PHONE_NUMBER: HUMAN });
    const callSid = newCallSid();
    vapi.behave({ status: 500 });
    const first = await handler(twilioEvent('/twilio/voice', callParams(callSid)), lambdaContext());
    vapi.reset();
    const again = await handler(twilioEvent('/twilio/voice', callParams(callSid)), lambdaContext());
    expect(first.body).toContain(`<Number>${HUMAN}</Number>`);
    expect(again).toEqual(first);
    expect(vapi.requests).toHaveLength(0);
  });

  it('answers with the fallback when Vapi is slower than the time left, without retrying', async () => {
    const handler = await coldStart({ ...VAPI, FALLBACK_PHONE_NUMBER: HUMAN });
    vapi.behave({ latencyMs: 5_000 });
    // 1.5 s left in the function: Vapi gets what is left after the safety margin (the budget's arithmetic
    // is proven on fake time in test/unit/shared/domain/answer-call.test.ts).
    const response = await handler(
      twilioEvent('/twilio/voice', callParams(newCallSid())),
      lambdaContext({ timeoutMs: 1_500 }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(
      `<Dial timeout="20" action="https://voice.example.com/twilio/dial-result" method="POST" callerId="${OUR_NUMBER}"><Number>${HUMAN}</Number></Dial>`,
    );
    expect(vapi.requests).toHaveLength(1);
  });

  it('answers with the fallback when Vapi fails', async () => {
    const handler = await coldStart({ ...VAPI, FALLBACK_PHONE_NUMBER: HUMAN });
    vapi.behave({ status: 500 });
    const response = await handler(twilioEvent('/twilio/voice', callParams(newCallSid())), lambdaContext());
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/xml');
    expect(response.body).toContain('<Say');
    expect(response.body).toContain(`<Number>${HUMAN}</Number>`);
    expect(vapi.requests).toHaveLength(1);
  });

  it('answers with the fallback when Vapi returns something that is not TwiML', async () => {
    const handler = await coldStart({ ...VAPI, FALLBACK_PHONE_NUMBER: HUMAN });
    vapi.behave({ status: 201, body: { id: 'call_x', phoneCallProviderDetails: { twiml: '<html/>' } } });
    const response = await handler(twilioEvent('/twilio/voice', callParams(newCallSid())), lambdaContext());
    expect(response.body).toContain(`<Number>${HUMAN}</Number>`);
  });

  it('dials the fallback human without asking Vapi when Vapi is not configured', async () => {
    const handler = await coldStart({ FALLBACK_PHONE_NUMBER: HUMAN });
    const callSid = newCallSid();
    const response = await handler(twilioEvent('/twilio/voice', callParams(callSid)), lambdaContext());
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(
      new RegExp(
        // An unanswered dial posts to dial-result, which takes a message.
        `<Response><Say[^>]*>[^<]+</Say><Dial timeout="20" action="https://voice\\.example\\.com/twilio/dial-result" method="POST" callerId="\\${OUR_NUMBER}"><Number>\\${HUMAN}</Number></Dial></Response>$`,
      ),
    );
    expect(vapi.requests).toHaveLength(0);
    expect(await callItem(callSid)).toBeDefined();
  });

  it('takes a voicemail that ends on our status route when there is no fallback human', async () => {
    const handler = await coldStart({});
    const response = await handler(twilioEvent('/twilio/voice', callParams(newCallSid())), lambdaContext());
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(
      /<Say[^>]*>[^<]+<\/Say><Record maxLength="120" playBeep="true" finishOnKey="#" action="https:\/\/voice\.example\.com\/twilio\/status" method="POST" recordingStatusCallback="https:\/\/voice\.example\.com\/twilio\/recording" recordingStatusCallbackMethod="POST" recordingStatusCallbackEvent="completed"\/><Hangup\/><\/Response>$/,
    );
    expect(response.body).not.toContain('<Dial');
  });

  it('sends no customer number to Vapi for a withheld caller id', async () => {
    const handler = await coldStart(VAPI);
    for (const withheld of ['+266696687', 'anonymous', 'client:alice']) {
      vapi.reset();
      const callSid = newCallSid();
      const response = await handler(
        twilioEvent('/twilio/voice', callParams(callSid, withheld)),
        lambdaContext(),
      );
      expect(response.body).toContain('<Connect>');
      expect(vapi.requests[0]?.body).not.toHaveProperty('customer');
      expect(vapi.requests[0]?.body).toMatchObject({
        assistantOverrides: { variableValues: { twilioCallSid: callSid, callerKnown: 'false' } },
      });
      expect(await callItem(callSid)).toMatchObject({ from: null });
    }
  });

  it('still answers with Vapi TwiML when recording the call fails', async () => {
    const handler = await coldStart({ ...VAPI, TABLE_NAME: 'no-such-table' });
    const response = await handler(twilioEvent('/twilio/voice', callParams(newCallSid())), lambdaContext());
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<Connect>');
  });

  it('answers a signed but malformed request with fallback TwiML', async () => {
    const handler = await coldStart({ FALLBACK_PHONE_NUMBER: HUMAN });
    const response = await handler(twilioEvent('/twilio/voice', { From: CALLER }), lambdaContext());
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`<Number>${HUMAN}</Number>`);
  });

  it('accepts a body that is not base64-encoded', async () => {
    const handler = await coldStart(VAPI);
    const response = await handler(
      twilioEvent('/twilio/voice', callParams(newCallSid()), { base64: false }),
      lambdaContext(),
    );
    expect(response.body).toContain('<Connect>');
  });

  it('verifies a signature that covers the query string', async () => {
    const handler = await coldStart(VAPI);
    const response = await handler(
      twilioEvent('/twilio/voice', callParams(newCallSid()), { query: 'tenant=main' }),
      lambdaContext(),
    );
    expect(response.body).toContain('<Connect>');
  });
});

describe('POST /twilio/voice rejects', () => {
  const rejected = async (event: APIGatewayProxyEventV2, status = 403) => {
    const handler = await coldStart({ ...VAPI, FALLBACK_PHONE_NUMBER: HUMAN });
    const before = await tableItems();
    const response = await handler(event, lambdaContext());
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toBe('text/xml');
    expect(response.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(await tableItems()).toEqual(before);
    expect(vapi.requests).toHaveLength(0);
  };

  it('rejects a missing signature with 403 and writes nothing', async () => {
    await rejected(twilioEvent('/twilio/voice', callParams(newCallSid()), { signature: null }));
  });

  it('rejects a signature made with another auth token', async () => {
    await rejected(twilioEvent('/twilio/voice', callParams(newCallSid()), { token: 'someone-elses-token' }));
  });

  it('rejects a signature over another host', async () => {
    await rejected(
      twilioEvent('/twilio/voice', callParams(newCallSid()), {
        signedUrl: 'https://attacker.example.com/twilio/voice',
      }),
    );
  });

  it('rejects a signature over another path', async () => {
    await rejected(
      twilioEvent('/twilio/voice', callParams(newCallSid()), {
        signedUrl: `${PUBLIC_BASE_URL}/twilio/status`,
      }),
    );
  });

  it('rejects tampered parameters', async () => {
    const callSid = newCallSid();
    const event = twilioEvent('/twilio/voice', callParams(callSid));
    const tampered = twilioEvent('/twilio/voice', callParams(callSid, '+14155550999'));
    tampered.headers['x-twilio-signature'] = event.headers['x-twilio-signature'] ?? '';
    await rejected(tampered);
  });

  it('rejects an oversized body with 413 before verifying it', async () => {
    const params = { ...callParams(newCallSid()), Padding: 'x'.repeat(300 * 1024) };
    await rejected(twilioEvent('/twilio/voice', params), 413);
  });
});

describe('POST /twilio/status', () => {
  it('releases the live holds of a call that completed', async () => {
    const handler = await coldStart(VAPI);
    const callSid = newCallSid();
    await handler(twilioEvent('/twilio/voice', callParams(callSid)), lambdaContext());
    const store = createDynamoStore({ tableName: table.tableName, documentClient: table.documentClient });
    const outcome = await store.slots.hold({
      holdId: newHoldId(),
      call: { callId: callSid, callerNumber: CALLER },
      slot: {
        eventTypeUri: 'https://api.calendly.com/event_types/ET-VOICE',
        start: '2030-01-07T15:00:00.000000Z',
        durationMinutes: 30,
      },
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      now: new Date(),
      leaseMs: 300_000,
      maxLiveHolds: 2,
    });
    if (outcome.kind !== 'held') throw new Error(`expected a hold, got ${outcome.kind}`);

    const ringing = await handler(
      twilioEvent('/twilio/status', { ...callParams(callSid), CallStatus: 'in-progress' }),
      lambdaContext(),
    );
    expect(ringing.statusCode).toBe(200);
    expect((await store.slots.getHold(outcome.hold.holdId))?.status).toBe('held');

    const completed = await handler(
      twilioEvent('/twilio/status', { ...callParams(callSid), CallStatus: 'completed', CallDuration: '42' }),
      lambdaContext(),
    );
    expect(completed.statusCode).toBe(200);
    expect(completed.headers['content-type']).toBe('text/xml');
    expect(completed.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect((await store.slots.getHold(outcome.hold.holdId))?.status).toBe('released');
    expect(await callItem(callSid)).toMatchObject({ status: 'ended' });
  });

  it('answers the voicemail action with empty TwiML so the call ends', async () => {
    const handler = await coldStart({});
    const response = await handler(
      twilioEvent('/twilio/status', {
        ...callParams(newCallSid()),
        CallStatus: 'in-progress',
        RecordingSid: `RE${'1'.repeat(32)}`,
        RecordingUrl: 'https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE1',
        RecordingDuration: '17',
        Digits: '#',
      }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });

  it('ends a call it never recorded without failing', async () => {
    const handler = await coldStart({});
    const response = await handler(
      twilioEvent('/twilio/status', { ...callParams(newCallSid()), CallStatus: 'no-answer' }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(200);
  });

  it('rejects an unsigned status callback and changes nothing', async () => {
    const handler = await coldStart({});
    const callSid = newCallSid();
    await handler(twilioEvent('/twilio/voice', callParams(callSid)), lambdaContext());
    const response = await handler(
      twilioEvent(
        '/twilio/status',
        { ...callParams(callSid), CallStatus: 'completed' },
        { signature: 'bm9wZQ==' },
      ),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(403);
    expect(await callItem(callSid)).toMatchObject({ status: 'in-progress' });
  });
});
