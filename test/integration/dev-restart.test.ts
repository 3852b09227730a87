/**
 * `npm run dev` killed hard in the middle of confirmed-but-not-yet-booked work, then started again on the
 * same data folder. Calendly (the sandbox) and Twilio (the SMS outbox) run in this test process, outside
 * the dev server, as the real vendors would: they outlive the crash.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CalendlySandbox, startCalendlySandbox } from '../../infra/local/calendly-sandbox/server.ts';
import { LOCAL_DEFAULTS, LOCAL_SANDBOX } from '../../infra/local/defaults.ts';
import { freePort } from '../../infra/local/dynamodb-local.ts';
import { type SmsOutbox, startSmsOutbox } from '../../infra/local/sms-outbox.ts';
import {
  type DevProcess,
  isRunning,
  killHard,
  processTree,
  startDevServer,
} from '../fixtures/dev-process.ts';
import {
  newCall,
  postVapi,
  resultOf,
  type TestCall,
  toolCallsMessage,
  upcomingWeekday,
} from '../fixtures/vapi-messages.ts';

const CALLERS = 6;
const ACCOUNT_SID = `AC${'7'.repeat(32)}`;
const AUTH_TOKEN = 'restart-test-twilio-token';
/** Longer than confirm_booking waits (3 s), shorter than the client's timeout (8 s). */
const CALENDLY_POST_LATENCY_MS = 6_000;

describe('npm run dev killed with SIGKILL mid-booking, then restarted', () => {
  let sandbox: CalendlySandbox;
  let outbox: SmsOutbox;
  let port: number;
  const dataDir = join(mkdtempSync(join(tmpdir(), 'dev-restart-')), 'data');
  const running: DevProcess[] = [];
  let vendorEnv: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startCalendlySandbox({ timezone: LOCAL_SANDBOX.timezone, token: 'restart-test-token' });
    outbox = await startSmsOutbox({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    port = await freePort();
    vendorEnv = {
      CALENDLY_API_TOKEN: sandbox.token,
      CALENDLY_API_BASE_URL: sandbox.url,
      CALENDLY_EVENT_TYPE_URI: sandbox.eventTypes.consultation.uri,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_PHONE_NUMBER: LOCAL_DEFAULTS.TWILIO_PHONE_NUMBER,
      TWILIO_API_BASE_URL: outbox.url,
    };
  });

  afterAll(async () => {
    for (const dev of running) dev.killTree();
    await sandbox?.stop();
    await outbox?.stop();
  });

  const tool = async (call: TestCall, name: string, args: Record<string, unknown>, baseUrl: string) => {
    const response = await postVapi(
      baseUrl,
      '/vapi/tools',
      toolCallsMessage(call, [{ name, args }]),
      LOCAL_DEFAULTS.VAPI_SERVER_SECRET,
    );
    expect(response.status).toBe(200);
    return resultOf(response.body);
  };

  it('books every confirmed booking exactly once and texts each caller once', async () => {
    const first = await startDevServer({ port, args: ['--data', dataDir], env: vendorEnv });
    running.push(first);
    expect(first.output()).toMatch(/Calendly +REAL/);
    expect(first.output()).toMatch(/SMS +REAL/);

    // Six callers each hold a different time, one after the other.
    const date = upcomingWeekday(LOCAL_SANDBOX.timezone, 2);
    const calls = Array.from({ length: CALLERS }, (_, index) => newCall(`+1415555020${index}`));
    const holds: string[] = [];
    for (const [index, call] of calls.entries()) {
      const offer = await tool(call, 'check_availability', { date }, first.baseUrl);
      const slot = (offer.slots as { id: string }[] | undefined)?.[0];
      if (!slot) throw new Error(`no time offered: ${offer.say}`);
      const hold = await tool(
        call,
        'hold_slot',
        { slot_id: slot.id, name: `Caller ${index}`, email: `caller${index}@example.com` },
        first.baseUrl,
      );
      expect(hold.ok).toBe(true);
      holds.push(String(hold.hold_id));
    }

    // Calendly now answers each booking after 6 s (it books at once): confirmations come back "pending",
    // the first posts are in flight and the rest are queued when the dev server dies.
    sandbox.setLatency(CALENDLY_POST_LATENCY_MS, 'create_invitee');
    const confirmations = calls.map(async (call, index) => {
      await new Promise((resolve) => setTimeout(resolve, index * 100));
      return await tool(call, 'confirm_booking', { hold_id: holds[index] }, first.baseUrl);
    });
    const confirmed = await Promise.all(confirmations);
    for (const confirmation of confirmed) expect(confirmation).toMatchObject({ ok: true, status: 'pending' });
    const bookingIds = confirmed.map((confirmation) => String(confirmation.booking_id));

    // kill -9 of the server (tsx and node), as a crash would: DynamoDB Local's JVM is left orphaned.
    const tree = processTree(first.child.pid ?? 0);
    const java = tree.find((row) => row.args.includes('DynamoDBLocal'));
    if (!java) throw new Error('no DynamoDB Local under the dev server');
    killHard(tree.filter((row) => row.pid !== java.pid).map((row) => row.pid));
    await first.exited;
    sandbox.setLatency(0, 'create_invitee');

    const landed = sandbox.invitees().length;
    expect(landed).toBeGreaterThan(0);
    expect(landed).toBeLessThan(CALLERS);
    expect(outbox.messages()).toHaveLength(0);
    expect(isRunning(java.pid)).toBe(true);

    const second = await startDevServer({ port, args: ['--data', dataDir], env: vendorEnv });
    running.push(second);
    expect(second.output()).toContain('Stopped the DynamoDB Local a crashed dev server left running');
    expect(isRunning(java.pid)).toBe(false);
    expect(second.output()).toContain('data of earlier runs kept');

    await expect.poll(() => outbox.messages().length, { timeout: 30_000, interval: 200 }).toBe(CALLERS);
    await expect
      .poll(() => second.output(), { timeout: 5_000 })
      .toContain(`resumed ${CALLERS} booking(s) the last run left unfinished`);
    // Nothing more arrives: every booking is finished and none is due any more.
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    for (const bookingId of bookingIds) {
      const invitees = sandbox.invitees().filter((invitee) => invitee.tracking.utm_content === bookingId);
      expect(invitees.map((invitee) => invitee.status)).toEqual(['active']);
    }
    expect(sandbox.invitees()).toHaveLength(CALLERS);
    const starts = sandbox.invitees().map((invitee) => invitee.start);
    expect(new Set(starts).size).toBe(CALLERS);
    const texts = outbox.messages();
    expect(texts).toHaveLength(CALLERS);
    expect(new Set(texts.map((text) => text.to))).toEqual(new Set(calls.map((call) => call.callerNumber)));
    for (const text of texts) expect(text.body).toContain("You're booked");

    second.child.kill('SIGINT');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});
