/**
 * `npm run provision` against local fakes over real HTTP (Vapi API, Twilio IncomingPhoneNumbers, the
 * Calendly sandbox's webhook subscriptions) and AWS through aws-sdk-client-mock (the stack's outputs, its
 * secret). A first run creates everything and a call then works end to end through the local stack, wired
 * only by what provisioning made; a second run writes nothing; drift is repaired; --dry-run writes nothing;
 * bad credentials and unreachable vendors stop with one sentence and change nothing.
 */
import { createServer } from 'node:net';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAssistantConfig } from '../../assistant/config.ts';
import { TOOLS } from '../../functions/vapi-tools/tools/catalog.ts';
import { type CalendlySandbox, startCalendlySandbox } from '../../infra/local/calendly-sandbox/server.ts';
import { twilioSignature } from '../../infra/local/signers.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import { main } from '../../provision/main.ts';
import { provision } from '../../provision/provision.ts';
import { stackTarget } from '../../provision/target.ts';
import { startTestStack } from '../fixtures/test-stack.ts';
import { startTwilioApiFake, type TwilioApiFake } from '../fixtures/twilio-api-fake.ts';
import { startVapiApiFake, type VapiApiFake } from '../fixtures/vapi-api-fake.ts';
import { newCall, upcomingWeekday } from '../fixtures/vapi-messages.ts';

const NUMBER = '+14155550100';
const CREDENTIALS = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'VAPI_API_KEY', 'CALENDLY_API_TOKEN'];
const STAGE = 'test';
const SECRET_ID = 'voice-booking-test-secret';
const CONFIG = parseAssistantConfig({ businessName: 'Riverside Dental', timezone: 'America/New_York' });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('npm run provision', () => {
  let sandbox: CalendlySandbox;
  let twilio: TwilioApiFake;
  let vapi: VapiApiFake;
  let stack: LocalStack | undefined;
  let baseUrl: string;
  let port: number;
  let secret: Record<string, string | null>;
  let secretWrites = 0;
  const cloudFormation = mockClient(CloudFormationClient);
  const secrets = mockClient(SecretsManagerClient);

  const environment = () => ({
    VAPI_API_BASE_URL: vapi.url,
    TWILIO_API_BASE_URL: twilio.url,
    CALENDLY_API_BASE_URL: sandbox.url,
  });
  const run = async (dryRun = false) =>
    provision({ target: await stackTarget(STAGE, environment()), config: CONFIG, dryRun });
  const writes = () => ({
    vapi: vapi.writes(),
    twilio: twilio.writes(),
    calendly:
      sandbox.requestCount('create_webhook_subscription') +
      sandbox.requestCount('delete_webhook_subscription'),
    secret: secretWrites,
  });
  const actions = (rows: Array<{ resource: string; action: string }>) =>
    rows.map((row) => `${row.resource}: ${row.action}`);

  beforeAll(async () => {
    sandbox = await startCalendlySandbox();
    twilio = await startTwilioApiFake({ phoneNumber: NUMBER });
    // Importing a number into Vapi points its voice webhook at Vapi, as the real import does.
    vapi = await startVapiApiFake({
      onImport: () => twilio.repoint('https://api.vapi.ai/twilio/inbound_call'),
    });
    port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    secret = {
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      VAPI_API_KEY: vapi.apiKey,
      CALENDLY_API_TOKEN: sandbox.token,
      VAPI_SERVER_SECRET: null,
      CALENDLY_WEBHOOK_SIGNING_KEY: null,
    };
    cloudFormation.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => {
      if (input.StackName !== `VoiceBooking-${STAGE}`) {
        throw Object.assign(new Error(`Stack with id ${input.StackName} does not exist`), {
          name: 'ValidationError',
        });
      }
      const outputs = { PublicBaseUrl: baseUrl, SecretName: SECRET_ID, TwilioPhoneNumber: NUMBER };
      return {
        Stacks: [
          {
            StackName: input.StackName,
            Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
          },
        ],
      };
    });
    secrets.on(GetSecretValueCommand).callsFake(() => ({ SecretString: JSON.stringify(secret) }));
    secrets.on(PutSecretValueCommand).callsFake((input: { SecretString: string }) => {
      secretWrites += 1;
      secret = JSON.parse(input.SecretString) as Record<string, string | null>;
      return {};
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([sandbox?.stop(), twilio?.stop(), vapi?.stop()]);
    cloudFormation.restore();
    secrets.restore();
  });

  it('plans everything as a creation on a dry run, and writes nothing', async () => {
    const result = await run(true);
    expect(actions(result.rows)).toEqual([
      'secrets: generate',
      'Vapi credential: create',
      ...TOOLS.map(() => 'Vapi tool: create'),
      'Vapi assistant: create',
      'Vapi phone number: create',
      'ids for the functions: update',
      'Calendly webhook: create',
      'Twilio number webhooks: update',
    ]);
    expect(writes()).toEqual({ vapi: 0, twilio: 0, calendly: 0, secret: 0 });
    expect(result.checklist[0]).toMatch(/Dry run: nothing was changed/);
  });

  it('creates everything on a first run, then a call books end to end through the local stack', async () => {
    const result = await run();
    expect(result.rows.every((row) => row.action !== 'unchanged')).toBe(true);
    expect(vapi.list('credential')).toHaveLength(1);
    expect(vapi.list('tool')).toHaveLength(TOOLS.length);
    expect(vapi.list('assistant')).toHaveLength(1);
    expect(vapi.list('phone-number')).toHaveLength(1);
    // The Twilio number was re-pointed by Vapi's import, and provisioning pointed it back last.
    expect(twilio.number()).toMatchObject({
      voice_url: `${baseUrl}/twilio/voice`,
      status_callback: `${baseUrl}/twilio/status`,
    });
    const [subscription] = sandbox.state().webhook_subscriptions as Array<{
      callback_url: string;
      events: string[];
    }>;
    expect(subscription).toMatchObject({
      callback_url: `${baseUrl}/calendly/webhook`,
      events: ['invitee.created', 'invitee.canceled'],
    });
    expect(secret.VAPI_SERVER_SECRET?.length).toBeGreaterThanOrEqual(32);
    expect(secret.CALENDLY_WEBHOOK_SIGNING_KEY?.length).toBeGreaterThanOrEqual(32);
    expect(secret.VAPI_ASSISTANT_ID).toBe(vapi.list('assistant')[0]?.id);
    expect(secret.VAPI_PHONE_NUMBER_ID).toBe(vapi.list('phone-number')[0]?.id);
    expect(result.checklist[0]).toBe(
      `Call ${NUMBER} in 5 minutes (once the functions have read the new ids): the assistant answers and books into ${sandbox.user.name}'s Calendly.`,
    );

    // The stack reads only its secret (through the mocked Secrets Manager) and the vendors' base URLs.
    stack = await startTestStack({
      port,
      env: {
        APP_SECRET_ID: SECRET_ID,
        PUBLIC_BASE_URL: baseUrl,
        ...environment(),
        // Present so the local stack uses these "real" vendors instead of its own sandbox and outbox;
        // the values the functions use come from the secret, which wins.
        CALENDLY_API_TOKEN: 'from-the-secret',
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: 'from-the-secret',
        TWILIO_PHONE_NUMBER: NUMBER,
        VAPI_SERVER_SECRET: undefined,
      },
    });
    const call = newCall('+14155550123');
    const params = {
      CallSid: call.callSid,
      From: '+14155550123',
      To: NUMBER,
      Caller: '+14155550123',
      Called: NUMBER,
      CallStatus: 'ringing',
      Direction: 'inbound',
    };
    const voiceUrl = twilio.number().voice_url ?? '';
    const voice = await fetch(voiceUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(twilio.authToken, voiceUrl, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(voice.status).toBe(200);
    expect(await voice.text()).toContain('<Connect><Stream');
    expect(vapi.calls()).toEqual([
      { assistantId: secret.VAPI_ASSISTANT_ID, phoneNumberId: secret.VAPI_PHONE_NUMBER_ID },
    ]);

    const offer = await vapi.sendToolCall(
      'check_availability',
      { date: upcomingWeekday('America/New_York', 2) },
      call,
    );
    expect(offer.ok).toBe(true);
    const [slot] = offer.slots as Array<{ id: string }>;
    const held = await vapi.sendToolCall(
      'hold_slot',
      { slot_id: slot?.id, name: 'Ada Lovelace', email: 'ada@example.com' },
      call,
    );
    expect(held.ok).toBe(true);
    const booked = await vapi.sendToolCall('confirm_booking', { hold_id: held.hold_id }, call);
    expect(booked).toMatchObject({ ok: true });
    await expect.poll(() => sandbox.invitees().length, { timeout: 10_000 }).toBe(1);
    // Calendly's webhook for the booking was signed with the generated key, and the stack accepted it.
    await expect
      .poll(
        async () => {
          await sandbox.settleWebhooks();
          return sandbox.webhookDeliveries().map((delivery) => delivery.status);
        },
        { timeout: 10_000 },
      )
      .toContain(200);
  });

  it('changes nothing on a second run (zero writes)', async () => {
    const before = writes();
    const result = await run();
    expect(result.rows.map((row) => row.action)).toEqual(Array(result.rows.length).fill('unchanged'));
    expect(writes()).toEqual(before);
  });

  it('repairs drift: a tool edited in the dashboard, the number re-pointed, the webhook deleted', async () => {
    const [tool] = vapi.list('tool');
    if (!tool) throw new Error('no tool');
    vapi.edit('tool', tool.id, { function: { ...(tool.function as object), description: 'edited by hand' } });
    twilio.repoint('https://example.com/elsewhere');
    const [subscription] = sandbox.state().webhook_subscriptions as Array<{ uri: string }>;
    await fetch(subscription?.uri ?? '', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${sandbox.token}` },
    });

    const planned = await run(true);
    expect(
      planned.rows.filter((row) => row.action !== 'unchanged').map((row) => `${row.resource}: ${row.action}`),
    ).toEqual(['Vapi tool: update', 'Calendly webhook: create', 'Twilio number webhooks: update']);
    const result = await run();
    expect(result.rows.filter((row) => row.action !== 'unchanged')).toHaveLength(3);
    expect(vapi.list('tool').find((item) => item.id === tool.id)?.function).toEqual(tool.function);
    expect(twilio.number().voice_url).toBe(`${baseUrl}/twilio/voice`);
    expect(sandbox.state().webhook_subscriptions).toHaveLength(1);
    expect(vapi.list('tool')).toHaveLength(TOOLS.length);

    const again = await run();
    expect(again.rows.every((row) => row.action === 'unchanged')).toBe(true);
  });

  it('re-creates the Calendly webhook when its events changed (Calendly has no update)', async () => {
    const [ours] = sandbox.state().webhook_subscriptions as Array<{ uri: string }>;
    const headers = { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' };
    await fetch(ours?.uri ?? '', { method: 'DELETE', headers });
    await fetch(`${sandbox.url}/webhook_subscriptions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        url: `${baseUrl}/calendly/webhook`,
        events: ['invitee.created'],
        organization: sandbox.user.organizationUri,
        user: sandbox.user.uri,
        scope: 'user',
        signing_key: secret.CALENDLY_WEBHOOK_SIGNING_KEY,
      }),
    });
    const result = await run();
    expect(result.rows.find((row) => row.resource === 'Calendly webhook')).toMatchObject({
      action: 'recreate',
      note: 'its events changed',
    });
    const subscriptions = sandbox.state().webhook_subscriptions as Array<{ events: string[]; uri: string }>;
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]?.events).toEqual(['invitee.created', 'invitee.canceled']);
    expect(secret.CALENDLY_WEBHOOK_SUBSCRIPTION_URI).toMatch(
      new RegExp(`^${subscriptions[0]?.uri}#key=[0-9a-f]{8}$`),
    );
  });

  it('updates the credential, and only it, when the server secret was rotated', async () => {
    secret.VAPI_SERVER_SECRET = 'a-rotated-server-secret-0123456789';
    const [before] = vapi.list('credential');
    const result = await run();
    expect(
      result.rows.filter((row) => row.action !== 'unchanged').map((row) => `${row.resource}: ${row.action}`),
    ).toEqual(['Vapi credential: update']);
    const [after] = vapi.list('credential');
    expect(after?.id).toBe(before?.id);
    expect(after?.name).not.toBe(before?.name);
    // The tools keep pointing at the same credential, so nothing else changes.
    expect(
      vapi.list('tool').every((tool) => (tool.server as { credentialId: string }).credentialId === after?.id),
    ).toBe(true);
  });

  it('re-creates the Calendly webhook when the signing key in the secret changed', async () => {
    secret.CALENDLY_WEBHOOK_SIGNING_KEY = 'a-rotated-signing-key-0123456789';
    const result = await run();
    expect(result.rows.filter((row) => row.action !== 'unchanged')).toEqual([
      expect.objectContaining({
        resource: 'Calendly webhook',
        action: 'recreate',
        note: 'its signing key is not the one in the secret',
      }),
    ]);
    expect((await run()).rows.every((row) => row.action === 'unchanged')).toBe(true);
  });

  it("leaves another stage's tools of the same names alone", async () => {
    const before = vapi.list('tool');
    const other = await stackTarget(STAGE, environment());
    const elsewhere = {
      ...other,
      stage: 'other',
      baseUrl: 'https://other.example.com',
      endpoints: { ...other.endpoints, tools: 'https://other.example.com/vapi/tools' },
    };
    const planned = await provision({ target: elsewhere, config: CONFIG, dryRun: true });
    expect(planned.rows.filter((row) => row.resource === 'Vapi tool').map((row) => row.action)).toEqual(
      TOOLS.map(() => 'create'),
    );
    expect(vapi.list('tool')).toEqual(before);
  });

  it('keeps credentials given in the environment in the secret, never printing them', async () => {
    const token = secret.TWILIO_AUTH_TOKEN;
    delete secret.TWILIO_AUTH_TOKEN;
    const target = await stackTarget(STAGE, { ...environment(), TWILIO_AUTH_TOKEN: token ?? '' });
    const result = await provision({ target, config: CONFIG, dryRun: false });
    expect(result.rows[0]).toMatchObject({
      resource: 'secrets',
      action: 'update',
      note: 'stores TWILIO_AUTH_TOKEN',
    });
    expect(secret.TWILIO_AUTH_TOKEN).toBe(token);
    expect(JSON.stringify(result)).not.toContain(token);
    expect((await run()).rows.every((row) => row.action === 'unchanged')).toBe(true);
  });

  it('stops with one sentence, exit 1 and no writes for a bad Calendly token, an unreachable vendor or a missing stack', async () => {
    const before = writes();
    const messages: string[] = [];
    const io = { out: () => undefined, err: (text: string) => messages.push(text) };
    const saved = { ...process.env };
    Object.assign(process.env, environment());
    // The running local stack put its own settings into process.env; the operator's shell has none of them.
    for (const name of CREDENTIALS) delete process.env[name];
    try {
      const token = secret.CALENDLY_API_TOKEN;
      secret.CALENDLY_API_TOKEN = 'not-the-token';
      expect(await main(['--stage', STAGE], io)).toBe(1);
      secret.CALENDLY_API_TOKEN = token ?? null;

      process.env.VAPI_API_BASE_URL = `http://127.0.0.1:${await freePort()}`;
      expect(await main(['--stage', STAGE], io)).toBe(1);
      process.env.VAPI_API_BASE_URL = vapi.url;

      expect(await main(['--stage', 'nowhere'], io)).toBe(1);
      const key = secret.VAPI_API_KEY;
      delete secret.VAPI_API_KEY;
      expect(await main(['--stage', STAGE], io)).toBe(1);
      secret.VAPI_API_KEY = key ?? null;
      expect(await main([], io)).toBe(2);
    } finally {
      process.env = saved;
    }
    expect(messages[0]).toMatch(/^Calendly rejected the credentials \(HTTP 401 to GET \/users\/me\)/);
    expect(messages[1]).toMatch(
      /^Vapi is unreachable at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); nothing more was changed\.$/,
    );
    expect(messages[2]).toBe(
      'There is no stack VoiceBooking-nowhere in this account and region: deploy it first (npx cdk deploy -c stage=nowhere).',
    );
    expect(messages[3]).toBe(
      `Give VAPI_API_KEY in the environment (provisioning keeps them in secret ${SECRET_ID}) and run again.`,
    );
    expect(messages[4]).toMatch(/Give exactly one of --stage and --base-url/);
    for (const message of messages.slice(0, 4)) expect(message.split('\n')).toHaveLength(1);
    expect(writes()).toEqual(before);
  });

  it('prints the plan as a table with a checklist', async () => {
    const lines: string[] = [];
    const saved = { ...process.env };
    Object.assign(process.env, environment());
    // The running local stack put its own settings into process.env; the operator's shell has none of them.
    for (const name of CREDENTIALS) delete process.env[name];
    try {
      expect(
        await main(['--stage', STAGE, '--dry-run'], {
          out: (text) => lines.push(text),
          err: (text) => lines.push(text),
        }),
      ).toBe(0);
    } finally {
      process.env = saved;
    }
    const [printed] = lines;
    expect(printed).toMatch(/^Plan for stack VoiceBooking-test\n\nresource +name +plan +why\n-+/);
    expect(printed).toMatch(/Vapi assistant +Riverside Dental booking +unchanged/);
    expect(printed).toMatch(/- Dry run: nothing was changed/);
    expect(printed).not.toContain(secret.VAPI_SERVER_SECRET ?? 'never');
  });
});
