import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CalendlySandbox, startCalendlySandbox } from '../../infra/local/calendly-sandbox/server.ts';
import { type SmsOutbox, startSmsOutbox } from '../../infra/local/sms-outbox.ts';
import { calendlyPort } from '../../shared/app/calendly.ts';
import { smsSender } from '../../shared/app/twilio.ts';
import { vapiHandOff } from '../../shared/app/twilio-voice.ts';
import { type Config, parseConfig } from '../../shared/config.ts';
import { VendorRejectedError, VendorUnavailableError } from '../../shared/domain/errors.ts';
import { startVapiFake, type VapiFake } from '../fixtures/vapi-fake.ts';

const ACCOUNT_SID = `AC${'1'.repeat(32)}`;

/** Settings as a warm container reads them after the secret changed under it. */
function settings(values: Record<string, string>): Config {
  return parseConfig(values, []);
}

describe('vendor clients in a warm container (shared/app/)', () => {
  let sandbox: CalendlySandbox;
  let outbox: SmsOutbox;
  let vapi: VapiFake;

  beforeAll(async () => {
    sandbox = await startCalendlySandbox();
    outbox = await startSmsOutbox({ accountSid: ACCOUNT_SID, authToken: 'rotated-twilio-token' });
    vapi = await startVapiFake({ apiKey: 'rotated-vapi-key' });
  });

  afterAll(async () => {
    await Promise.all([sandbox?.stop(), outbox?.stop(), vapi?.stop()]);
  });

  it('picks up a rotated Calendly token without a new container', async () => {
    let token = 'revoked-token';
    const calendly = calendlyPort(async () => ({
      CALENDLY_API_BASE_URL: sandbox.url,
      CALENDLY_API_TOKEN: token,
    }));
    await expect(calendly.getCurrentUser()).rejects.toBeInstanceOf(VendorUnavailableError);
    token = sandbox.token;
    expect((await calendly.getCurrentUser()).uri).toBe(sandbox.user.uri);
  });

  it('picks up a rotated Twilio auth token for SMS, and keeps one client while nothing changes', async () => {
    const smsFor = smsSender();
    const twilio = {
      TWILIO_API_BASE_URL: outbox.url,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_PHONE_NUMBER: '+14155550100',
    };
    const before = settings({ ...twilio, TWILIO_AUTH_TOKEN: 'old-twilio-token' });
    expect(smsFor(before)).toBe(smsFor(settings({ ...twilio, TWILIO_AUTH_TOKEN: 'old-twilio-token' })));
    await expect(smsFor(before)?.send({ to: '+14155550123', body: 'hi' })).rejects.toBeInstanceOf(
      VendorRejectedError,
    );
    const after = settings({ ...twilio, TWILIO_AUTH_TOKEN: 'rotated-twilio-token' });
    await expect(smsFor(after)?.send({ to: '+14155550123', body: 'hi' })).resolves.toHaveProperty('id');
    expect(outbox.messages()).toHaveLength(1);
  });

  it('sends no SMS at all once Twilio is unconfigured', () => {
    expect(smsSender()(settings({}))).toBeNull();
  });

  it('picks up a rotated Vapi key, and hands off only with an assistant and a phone number', async () => {
    const handOff = vapiHandOff();
    const ids = { VAPI_ASSISTANT_ID: 'asst_1', VAPI_PHONE_NUMBER_ID: 'pn_1', VAPI_API_BASE_URL: vapi.url };
    expect(handOff(settings({ VAPI_API_KEY: 'rotated-vapi-key', VAPI_API_BASE_URL: vapi.url }))).toBeNull();
    const input = { assistantId: 'asst_1', phoneNumberId: 'pn_1', callerNumber: null, variableValues: {} };
    const old = handOff(settings({ ...ids, VAPI_API_KEY: 'old-vapi-key' }));
    await expect(old?.port.createCall(input, { timeoutMs: 2_000 })).rejects.toBeInstanceOf(
      VendorRejectedError,
    );
    const rotated = handOff(settings({ ...ids, VAPI_API_KEY: 'rotated-vapi-key' }));
    await expect(rotated?.port.createCall(input, { timeoutMs: 2_000 })).resolves.toHaveProperty('twiml');
  });
});
