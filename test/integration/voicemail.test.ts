import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.ts';
import { keys, pendingSortKey } from '../../shared/adapters/dynamodb/keys.ts';
import { createDynamoStore } from '../../shared/adapters/dynamodb/store.ts';
import { lambdaContext } from '../fixtures/http-events.ts';
import { stackDb, startTestStack } from '../fixtures/test-stack.ts';
import { postTwilio } from '../fixtures/twilio-requests.ts';
import { newCall, type TestCall } from '../fixtures/vapi-messages.ts';

const STAFF = '+14155550888';
const DAY_MS = 24 * 3600 * 1000;

describe('voicemail alerts (real handlers, DynamoDB Local, local Twilio fake, the real sweeper)', () => {
  let stack: LocalStack;
  const store = () => createDynamoStore({ tableName: stack.tableName, documentClient: stackDb(stack) });
  const textsToStaff = () => stack.outbox?.messages().filter((message) => message.to === STAFF) ?? [];

  beforeAll(async () => {
    // No Vapi: every call gets the fallback voicemail.
    stack = await startTestStack({
      env: { NOTIFY_PHONE_NUMBER: STAFF, BUSINESS_TIMEZONE: 'America/New_York' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** A caller reaches the fallback, leaves a message, and Twilio reports the recording. */
  async function leaveVoicemail(call: TestCall, recordingSid: string) {
    const answer = await postTwilio(stack, '/twilio/voice', call, { CallStatus: 'ringing' });
    expect(answer.twiml).toMatch(/<Record [^>]*recordingStatusCallback="[^"]*\/twilio\/recording"/);
    await postTwilio(stack, '/twilio/status', call, {
      CallStatus: 'in-progress',
      RecordingSid: recordingSid,
      RecordingDuration: '42',
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/${recordingSid}`,
    });
    await postTwilio(stack, '/twilio/status', call, { CallStatus: 'completed', CallDuration: '60' });
    return await recordingReady(call, recordingSid);
  }

  /** Twilio's recording status callback. */
  async function recordingReady(call: TestCall, recordingSid: string) {
    return await postTwilio(stack, '/twilio/recording', call, {
      RecordingSid: recordingSid,
      RecordingStatus: 'completed',
      RecordingDuration: '42',
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/${recordingSid}`,
    });
  }

  async function sweepOnce() {
    const { handler } = await import('../../functions/booking-sweeper/handler.ts');
    return (await handler({}, lambdaContext())) as {
      voicemails: { retried: number; stillOwed: number; abandoned: number };
    };
  }

  /** Makes a voicemail due now, as if its retry wait had passed. */
  async function makeDue(recordingSid: string) {
    await stackDb(stack).send(
      new UpdateCommand({
        TableName: stack.tableName,
        Key: keys.voicemail(recordingSid),
        UpdateExpression: 'SET pendingSk = :sk',
        ExpressionAttributeValues: { ':sk': pendingSortKey(Date.now() - 1000, recordingSid) },
      }),
    );
  }

  it('texts the staff number once with who called, when and the link, however often Twilio reports it', async () => {
    const call = newCall('+14155550701');
    const sid = `RE${'a'.repeat(32)}`;
    expect((await leaveVoicemail(call, sid)).status).toBe(200);
    await recordingReady(call, sid);
    expect(textsToStaff()).toHaveLength(1);
    const body = textsToStaff()[0]?.body ?? '';
    expect(body).toContain('+14155550701');
    expect(body).toContain('(42 s)');
    expect(body).toMatch(/E[SD]T/);
    expect(body).toContain(`Recordings/${sid}`);
    expect(
      (await store().voicemails.listDue(new Date(Date.now() + DAY_MS), 50)).map((v) => v.recordingSid),
    ).not.toContain(sid);

    const records = await store().callLog.list(
      { from: new Date(Date.now() - DAY_MS), to: new Date(Date.now() + 60_000) },
      100,
    );
    expect(records.find((record) => record.callId === call.callSid)?.outcome).toBe('message');
  });

  it('keeps a voicemail whose text failed, and the sweeper sends it once', async () => {
    const call = newCall('+14155550702');
    const sid = `RE${'b'.repeat(32)}`;
    const before = textsToStaff().length;
    stack.outbox?.failNext({ status: 500 });
    expect((await leaveVoicemail(call, sid)).status).toBe(200);
    expect(textsToStaff()).toHaveLength(before);
    const owed = await store().voicemails.listDue(new Date(Date.now() + DAY_MS), 50);
    expect(owed.find((v) => v.recordingSid === sid)).toMatchObject({ smsSent: false, failures: 1 });

    // Not yet due: the sweeper leaves it for later.
    expect((await sweepOnce()).voicemails.retried).toBe(0);
    await makeDue(sid);
    expect((await sweepOnce()).voicemails).toEqual({ retried: 1, stillOwed: 0, abandoned: 0 });
    expect(textsToStaff()).toHaveLength(before + 1);
    expect(textsToStaff().at(-1)?.body).toContain('+14155550702');
    // Sent: no longer listed, so no later sweep texts it again.
    expect(
      (await store().voicemails.listDue(new Date(Date.now() + DAY_MS), 50)).map((v) => v.recordingSid),
    ).not.toContain(sid);
  });
});
