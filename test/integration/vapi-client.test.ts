import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/dynamodb-local.ts';
import { createVapiClient, looksLikeTwiml } from '../../shared/adapters/vapi-client.ts';
import {
  VendorRateLimitedError,
  VendorRejectedError,
  VendorUnavailableError,
} from '../../shared/domain/errors.ts';
import type { CreateVapiCallInput } from '../../shared/domain/ports.ts';
import { startVapiFake, type VapiFake } from '../fixtures/vapi-fake.ts';

const apiKey = 'vapi-private-key-test';
const input: CreateVapiCallInput = {
  assistantId: 'asst_123',
  phoneNumberId: 'pn_456',
  callerNumber: '+14155550123',
  variableValues: { twilioCallSid: 'CA0123456789abcdef0123456789abcdef' },
};

let fake: VapiFake;
beforeAll(async () => {
  fake = await startVapiFake({ apiKey });
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => fake.reset());

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('createVapiClient', () => {
  it('creates a bypass call and returns Vapi id and TwiML', async () => {
    const client = createVapiClient({ apiKey, baseUrl: fake.url });
    const result = await client.createCall(input, { timeoutMs: 2000 });
    expect(result.vapiCallId).toMatch(/[0-9a-f-]{36}/);
    expect(result.twiml).toContain(`<Stream url="wss://`);
    expect(result.twiml).toContain(result.vapiCallId);
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/call');
    expect(request?.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({
      assistantId: 'asst_123',
      phoneNumberId: 'pn_456',
      phoneCallProviderBypassEnabled: true,
      customer: { number: '+14155550123' },
      assistantOverrides: { variableValues: { twilioCallSid: 'CA0123456789abcdef0123456789abcdef' } },
    });
  });

  it('sends no customer for an anonymous caller', async () => {
    const client = createVapiClient({ apiKey, baseUrl: `${fake.url}/` });
    await client.createCall({ ...input, callerNumber: null }, { timeoutMs: 2000 });
    expect(fake.requests[0]?.body).not.toHaveProperty('customer');
  });

  it('gives up at the timeout without retrying', async () => {
    fake.behave({ latencyMs: 600 });
    const client = createVapiClient({ apiKey, baseUrl: fake.url });
    const started = Date.now();
    const error = await failureOf(client.createCall(input, { timeoutMs: 200 }));
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(VendorUnavailableError);
    expect((error as VendorUnavailableError).message).toContain('200 ms');
    expect(elapsed).toBeLessThan(550);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(fake.requests).toHaveLength(1);
  });

  it('maps a 5xx to a retryable VendorUnavailableError and makes one request', async () => {
    fake.behave({ status: 500 });
    const client = createVapiClient({ apiKey, baseUrl: fake.url });
    const error = await failureOf(client.createCall(input, { timeoutMs: 2000 }));
    expect(error).toBeInstanceOf(VendorUnavailableError);
    expect(error).toMatchObject({ vendor: 'vapi', status: 500, retryable: true });
    expect(fake.requests).toHaveLength(1);
  });

  it('maps a 429 to a retryable VendorRateLimitedError', async () => {
    fake.behave({ status: 429, body: { message: 'Too Many Requests' } });
    const client = createVapiClient({ apiKey, baseUrl: fake.url });
    const error = await failureOf(client.createCall(input, { timeoutMs: 2000 }));
    expect(error).toBeInstanceOf(VendorRateLimitedError);
    expect(error).toMatchObject({ retryable: true });
  });

  it('maps a 4xx to VendorRejectedError without keeping the body', async () => {
    fake.behave({
      status: 400,
      body: { message: ['customer.number must be a valid phone number +14155550123'] },
    });
    const client = createVapiClient({ apiKey, baseUrl: fake.url });
    const error = await failureOf(client.createCall(input, { timeoutMs: 2000 }));
    expect(error).toBeInstanceOf(VendorRejectedError);
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect((error as Error).message).not.toContain('4155550123');
  });

  it('is rejected with a wrong API key', async () => {
    const client = createVapiClient({ apiKey: 'wrong', baseUrl: fake.url });
    const error = await failureOf(client.createCall(input, { timeoutMs: 2000 }));
    expect(error).toMatchObject({ code: 'vendor_rejected', status: 401 });
  });

  it('rejects a success answer without usable TwiML', async () => {
    const client = createVapiClient({ apiKey, baseUrl: fake.url });
    for (const body of [
      { id: 'call_1' },
      { id: 'call_1', phoneCallProviderDetails: { twiml: '' } },
      { id: 'call_1', phoneCallProviderDetails: { twiml: '<html>oops</html>' } },
      { id: 'call_1', phoneCallProviderDetails: { twiml: '<Response><Connect>' } },
      { phoneCallProviderDetails: { twiml: '<Response/>' } },
      'not json',
    ]) {
      fake.behave({ status: 201, body });
      const error = await failureOf(client.createCall(input, { timeoutMs: 2000 }));
      expect(error).toBeInstanceOf(VendorUnavailableError);
    }
  });

  it('maps a refused connection to VendorUnavailableError', async () => {
    const client = createVapiClient({ apiKey, baseUrl: `http://127.0.0.1:${await freePort()}` });
    const error = await failureOf(client.createCall(input, { timeoutMs: 2000 }));
    expect(error).toMatchObject({
      code: 'vendor_unavailable',
      message: 'vapi could not be reached for POST /call',
    });
  });
});

describe('looksLikeTwiml', () => {
  it('accepts complete documents with or without an XML declaration', () => {
    expect(looksLikeTwiml('<Response/>')).toBe(true);
    expect(
      looksLikeTwiml('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Say>Hi</Say></Response>\n'),
    ).toBe(true);
  });

  it('rejects fragments and other documents', () => {
    expect(looksLikeTwiml('<Say>Hi</Say>')).toBe(false);
    expect(looksLikeTwiml('<Response><Say>Hi</Say>')).toBe(false);
    expect(looksLikeTwiml('<Responses/>')).toBe(false);
  });
});
