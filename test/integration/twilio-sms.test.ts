import { createServer } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/dynamodb-local.ts';
import { type SmsOutbox, startSmsOutbox } from '../../infra/local/sms-outbox.ts';
import { createTwilioSms } from '../../shared/adapters/twilio-sms.ts';
import {
  VendorRateLimitedError,
  VendorRejectedError,
  VendorUnavailableError,
} from '../../shared/domain/errors.ts';

const accountSid = `AC${'0123456789abcdef'.repeat(2)}`;
const authToken = 'twilio-auth-token-test';
const from = '+14155550100';

let outbox: SmsOutbox;
beforeAll(async () => {
  outbox = await startSmsOutbox({ accountSid, authToken });
});
afterAll(async () => {
  await outbox.stop();
});
beforeEach(() => outbox.clear());

const sms = (overrides: Partial<Parameters<typeof createTwilioSms>[0]> = {}) =>
  createTwilioSms({ accountSid, authToken, from, baseUrl: outbox.url, ...overrides });

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('createTwilioSms', () => {
  it('sends one message and returns the Twilio sid', async () => {
    const result = await sms().send({ to: '+14155550123', body: 'Booked: Tue 3 Mar, 3:00 PM & see you' });
    expect(result.id).toMatch(/^SM[0-9a-f]{32}$/);
    expect(outbox.messages()).toEqual([
      expect.objectContaining({
        sid: result.id,
        accountSid,
        to: '+14155550123',
        from,
        body: 'Booked: Tue 3 Mar, 3:00 PM & see you',
      }),
    ]);
  });

  it('is rejected with wrong credentials and sends nothing', async () => {
    const error = await failureOf(sms({ authToken: 'wrong' }).send({ to: '+14155550123', body: 'hi' }));
    expect(error).toBeInstanceOf(VendorRejectedError);
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect((error as Error).message).toContain('20003');
    expect(outbox.messages()).toEqual([]);
  });

  it('maps an invalid number to a permanent rejection without quoting the number', async () => {
    const error = await failureOf(sms().send({ to: '555-0123', body: 'hi' }));
    expect(error).toMatchObject({ code: 'vendor_rejected', status: 400, retryable: false });
    expect((error as Error).message).toContain('21211');
    expect((error as Error).message).not.toContain('555');
  });

  it('maps 429 to a retryable VendorRateLimitedError and 5xx to a retryable VendorUnavailableError', async () => {
    outbox.failNext({ status: 429 });
    outbox.failNext({ status: 503 });
    const limited = await failureOf(sms().send({ to: '+14155550123', body: 'hi' }));
    expect(limited).toBeInstanceOf(VendorRateLimitedError);
    expect(limited).toMatchObject({ retryable: true, retryAfterSeconds: 60 });
    const down = await failureOf(sms().send({ to: '+14155550123', body: 'hi' }));
    expect(down).toBeInstanceOf(VendorUnavailableError);
    expect(down).toMatchObject({ status: 503, retryable: true });
    expect(outbox.messages()).toEqual([]);
    await sms().send({ to: '+14155550123', body: 'hi' });
    expect(outbox.messages()).toHaveLength(1);
  });

  it('maps a refused connection to VendorUnavailableError', async () => {
    const error = await failureOf(
      sms({ baseUrl: `http://127.0.0.1:${await freePort()}` }).send({ to: '+14155550123', body: 'hi' }),
    );
    expect(error).toMatchObject({ code: 'vendor_unavailable', retryable: true });
  });

  it('gives up at the timeout', async () => {
    // A server that accepts the request and never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const started = Date.now();
      const error = await failureOf(
        sms({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 150 }).send({ to: '+14155550123', body: 'hi' }),
      );
      expect(error).toMatchObject({
        code: 'vendor_unavailable',
        message: 'twilio did not answer POST Messages within 150 ms',
      });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('startSmsOutbox', () => {
  it('answers unknown paths with Twilio-shaped 404s', async () => {
    const response = await fetch(`${outbox.url}/2010-04-01/Accounts/${accountSid}/Calls.json`, {
      method: 'POST',
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 20404, status: 404 });
  });

  it('refuses a sid in the path that differs from the authenticated account', async () => {
    const other = `AC${'f'.repeat(32)}`;
    const response = await fetch(`${outbox.url}/2010-04-01/Accounts/${other}/Messages.json`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` },
      body: new URLSearchParams({ To: '+14155550123', From: from, Body: 'x' }),
    });
    expect(response.status).toBe(401);
  });
});
