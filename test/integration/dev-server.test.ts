import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS } from '../../infra/local/defaults.ts';
import { freePort } from '../../infra/local/dynamodb-local.ts';
import { LOCAL_SETTING_NAMES, readEnvFile, resolveLocalSettings } from '../../infra/local/env-file.ts';
import { twilioSignature } from '../../infra/local/signers.ts';
import { type DevProcess, isRunning, processTree, REPO, startDevServer } from '../fixtures/dev-process.ts';
import { newCall, postVapi, resultOf, toolCallsMessage } from '../fixtures/vapi-messages.ts';

describe('npm run dev (infra/local/dev.ts as a child process, no credentials)', () => {
  let dev: DevProcess;
  let port: number;
  let baseUrl: string;
  const dataDir = join(mkdtempSync(join(tmpdir(), 'dev-data-')), 'data');

  beforeAll(async () => {
    port = await freePort();
    dev = await startDevServer({ port, args: ['--data', dataDir] });
    baseUrl = dev.baseUrl;
  }, 60_000);

  afterAll(() => {
    if (dev?.child.exitCode === null && dev.child.signalCode === null) dev.killTree();
  });

  it('answers GET /health without secrets', async () => {
    const response = await fetch(`${baseUrl}/health`);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ status: 'ok' });
    for (const secret of Object.values(LOCAL_DEFAULTS)) {
      if (secret.length > 8) expect(body).not.toContain(secret);
    }
  });

  it('serves a signed check_availability end to end on the sandbox', async () => {
    const response = await postVapi(
      baseUrl,
      '/vapi/tools',
      toolCallsMessage(newCall('+14155550111'), [
        { name: 'check_availability', args: { when: 'next week' } },
      ]),
      LOCAL_DEFAULTS.VAPI_SERVER_SECRET,
      'hmac',
    );
    expect(response.status).toBe(200);
    const result = resultOf(response.body);
    expect(result.ok).toBe(true);
    const slots = result.slots as { id: string; start: string }[];
    expect(slots.length).toBeGreaterThan(0);
    expect(slots[0]?.id).toMatch(/^S\d+$/);
  });

  it('validates Twilio signatures over the default PUBLIC_BASE_URL, http://localhost:$PORT', async () => {
    const params = {
      AccountSid: LOCAL_DEFAULTS.TWILIO_ACCOUNT_SID,
      CallSid: `CA${'1'.repeat(32)}`,
      CallStatus: 'ringing',
      From: '+14155550112',
      To: LOCAL_DEFAULTS.TWILIO_PHONE_NUMBER,
    };
    const post = (signedUrl: string) =>
      fetch(`${baseUrl}/twilio/voice`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(LOCAL_DEFAULTS.TWILIO_AUTH_TOKEN, signedUrl, params),
        },
        body: new URLSearchParams(params).toString(),
      });
    const accepted = await post(`http://localhost:${port}/twilio/voice`);
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toContain('<Record');
    const rejected = await post(`https://some-tunnel.example.com/twilio/voice`);
    expect(rejected.status).toBe(403);
  });

  it('prints every route, which integrations are local, what is missing, and no secret values', () => {
    const output = dev.output();
    for (const path of [
      '/twilio/voice',
      '/twilio/status',
      '/vapi/tools',
      '/vapi/events',
      '/calendly/webhook',
      '/health',
    ]) {
      expect(output).toContain(`http://localhost:${port}${path}`);
    }
    expect(output).toMatch(/Calendly +sandbox/);
    expect(output).toMatch(/Vapi +not configured/);
    expect(output).toMatch(/SMS +local outbox/);
    expect(output).toContain(`on disk in ${dataDir}/dynamodb (table voice-booking-dev; empty;`);
    expect(output).toMatch(/Missing for real calls: PUBLIC_BASE_URL, .*VAPI_API_KEY/);
    expect(output).toContain('PUBLIC_BASE_URL is\n  that tunnel URL');
    for (const secret of Object.values(LOCAL_DEFAULTS)) {
      if (secret.length > 8) expect(output).not.toContain(secret);
    }
  });

  it('stops everything on SIGINT, exits 0 within a few seconds, and leaves no DynamoDB Local behind', async () => {
    const javas = processTree(dev.child.pid ?? 0).filter((row) => row.args.includes('DynamoDBLocal'));
    expect(javas).toHaveLength(1);

    const started = Date.now();
    dev.child.kill('SIGINT');
    const { code, signal } = await dev.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(dev.output()).toContain('Stopped.');
    for (const java of javas) expect(isRunning(java.pid)).toBe(false);
  }, 15_000);
});

describe('resolveLocalSettings (.env and environment for npm run dev)', () => {
  it('lets the environment win over the file and drops empty values', () => {
    const settings = resolveLocalSettings(
      { PORT: '4000', VAPI_API_KEY: '', HOME: '/home/dev' },
      {
        values: {
          PORT: '3001',
          VAPI_ASSISTANT_ID: 'asst_1',
          VAPI_API_KEY: 'from-file',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        },
      },
    );
    expect(settings.values).toEqual({
      PORT: '4000',
      VAPI_ASSISTANT_ID: 'asst_1',
      VAPI_API_KEY: 'from-file',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    expect(settings.sources).toMatchObject({ PORT: 'environment', VAPI_ASSISTANT_ID: 'env-file' });
  });

  it('ignores wiring names and reports unknown names in the file', () => {
    const settings = resolveLocalSettings(
      { APP_SECRET_ID: 'prod-secret' },
      { values: { TABLE_NAME: 'prod-table', VAPI_APIKEY: 'typo' } },
    );
    expect(settings.values).toEqual({});
    expect(settings.ignoredWiring).toEqual(['APP_SECRET_ID', 'TABLE_NAME']);
    expect(settings.unknownInFile).toEqual(['VAPI_APIKEY']);
  });

  it('finds every configurable setting in .env.example, with no value filled in', () => {
    const example = readEnvFile(join(REPO, '.env.example'));
    expect(example.found).toBe(true);
    expect(Object.keys(example.values).sort()).toEqual(
      expect.arrayContaining([...LOCAL_SETTING_NAMES].sort()),
    );
    expect(Object.values(example.values).filter((value) => value !== '')).toEqual([]);
  });
});
