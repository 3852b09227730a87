import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS } from '../../infra/local/defaults.ts';
import { freePort } from '../../infra/local/dynamodb-local.ts';
import { LOCAL_SETTING_NAMES, readEnvFile, resolveLocalSettings } from '../../infra/local/env-file.ts';
import { ENV } from '../../shared/env.ts';
import { twilioSignature } from '../fixtures/signers.ts';
import { newCall, postVapi, resultOf, toolCallsMessage } from '../fixtures/vapi-messages.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TSX_CLI = join(REPO, 'node_modules/tsx/dist/cli.mjs');

/** The environment of a developer with no accounts: no product settings, no Powertools knobs. */
function cleanEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const names = new Set<string>(Object.values(ENV));
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (names.has(name) || name.startsWith('POWERTOOLS_') || name.startsWith('DOTENV_')) continue;
    // vitest's own worker variables would make the child think it is a test worker.
    if (name.startsWith('VITEST') || name === 'NODE_OPTIONS') continue;
    env[name] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Pids of `root` and every process below it, with their command lines. */
function processTree(root: number): { pid: number; args: string }[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), args: match[3] ?? '' }));
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) {
      if (tree.has(row.ppid) && !tree.has(row.pid)) {
        tree.add(row.pid);
        grew = true;
      }
    }
  }
  return rows.filter((row) => tree.has(row.pid)).map(({ pid, args }) => ({ pid, args }));
}

/** Running (a zombie has finished: it only waits for a parent to read its exit status). */
function isRunning(pid: number): boolean {
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return state !== '' && !state.startsWith('Z');
  } catch {
    return false;
  }
}

describe('npm run dev (infra/local/dev.ts as a child process, no credentials)', () => {
  let child: ChildProcess;
  let port: number;
  let baseUrl: string;
  let output = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  beforeAll(async () => {
    port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    // A .env in the developer's checkout must not leak real credentials into this test.
    const noEnvFile = join(mkdtempSync(join(tmpdir(), 'dev-server-')), '.env');
    child = spawn(process.execPath, [TSX_CLI, 'infra/local/dev.ts'], {
      cwd: REPO,
      env: cleanEnvironment({ PORT: String(port), DOTENV_CONFIG_PATH: noEnvFile }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    exited = new Promise((resolveExit) =>
      child.once('exit', (code, signal) => resolveExit({ code, signal })),
    );

    const deadline = Date.now() + 45_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`dev server exited early:\n${output}`);
      const healthy = await fetch(`${baseUrl}/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy && output.includes('Ready:')) break;
      if (Date.now() > deadline) throw new Error(`dev server not ready in time:\n${output}`);
      await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    }
  }, 60_000);

  afterAll(() => {
    if (child?.exitCode === null && child.signalCode === null) {
      for (const { pid } of processTree(child.pid ?? 0).reverse()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
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
    expect(output).toContain('IN MEMORY');
    expect(output).toMatch(/Missing for real calls: PUBLIC_BASE_URL, .*VAPI_API_KEY/);
    expect(output).toContain('PUBLIC_BASE_URL is\n  that tunnel URL');
    for (const secret of Object.values(LOCAL_DEFAULTS)) {
      if (secret.length > 8) expect(output).not.toContain(secret);
    }
  });

  it('stops everything on SIGINT, exits 0 within a few seconds, and leaves no DynamoDB Local behind', async () => {
    const javas = processTree(child.pid ?? 0).filter((row) => row.args.includes('DynamoDBLocal'));
    expect(javas).toHaveLength(1);

    const started = Date.now();
    child.kill('SIGINT');
    const { code, signal } = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(output).toContain('Stopped.');
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
