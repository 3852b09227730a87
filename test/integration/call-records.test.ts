import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as callsCommand } from '../../ops/calls.ts';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import type { CallLogEntry } from '../../shared/domain/call-log.ts';
import { endCall } from '../../shared/domain/calls.ts';
import { type LifecycleStack, startLifecycleStack } from '../fixtures/phone-lifecycle.ts';
import { stackDb, TEST_VAPI_SECRET } from '../fixtures/test-stack.ts';
import { postTwilio } from '../fixtures/twilio-requests.ts';
import { newCall, postVapi, type TestCall, vapiCall } from '../fixtures/vapi-messages.ts';

const DAY_MS = 24 * 3600 * 1000;

describe('call records (Twilio status and Vapi end-of-call report through the real handlers)', () => {
  let life: LifecycleStack;
  const stack = () => life.stack;

  beforeAll(async () => {
    life = await startLifecycleStack();
  });

  afterAll(async () => {
    await life?.stack.stop();
  });

  /** Twilio's POST to /twilio/status. */
  async function twilioStatus(call: TestCall, params: Record<string, string>) {
    expect((await postTwilio(stack(), '/twilio/status', call, params)).status).toBe(200);
  }

  /** Vapi's end-of-call-report (spec: ServerMessageEndOfCallReport) to /vapi/events. */
  async function endOfCallReport(call: TestCall, fields: Record<string, unknown> = {}) {
    const response = await postVapi(
      stack().apiUrl,
      '/vapi/events',
      {
        message: {
          type: 'end-of-call-report',
          endedReason: 'customer-ended-call',
          startedAt: new Date(Date.now() - 95_000).toISOString(),
          endedAt: new Date().toISOString(),
          analysis: { summary: 'The caller booked a consultation.' },
          artifact: {
            transcript: 'AI: Hello! User: I would like to book.',
            recording: { mono: { combinedUrl: 'https://storage.vapi.ai/recording-1.wav' } },
          },
          call: vapiCall(call),
          ...fields,
        },
      },
      TEST_VAPI_SECRET,
    );
    expect(response.status).toBe(200);
  }

  async function recordOf(call: TestCall): Promise<CallLogEntry> {
    const entries = await life
      .store()
      .callLog.list({ from: new Date(Date.now() - DAY_MS), to: new Date(Date.now() + 60_000) }, 1000);
    const entry = entries.find((candidate) => candidate.callId === call.callSid);
    if (!entry) throw new Error(`no record of ${call.callSid}`);
    return entry;
  }

  async function storedItemOf(call: TestCall) {
    const record = await recordOf(call);
    const { Item } = await stackDb(stack()).send(
      new GetCommand({ TableName: stack().tableName, Key: keys.callRecord(record.startedAt, call.callSid) }),
    );
    return Item ?? {};
  }

  it('files a booked call once from both senders, with Vapi summary and recording, no transcript, and a 90-day TTL', async () => {
    const booked = await life.bookByPhone('+14155550501');
    await twilioStatus(booked.call, { CallStatus: 'completed', CallDuration: '97' });
    await endOfCallReport(booked.call);
    // Both senders again: a retried callback changes nothing.
    await twilioStatus(booked.call, { CallStatus: 'completed', CallDuration: '97' });
    await endOfCallReport(booked.call);

    const record = await recordOf(booked.call);
    expect(record).toMatchObject({
      callerNumber: '+14155550501',
      outcome: 'booked',
      deeds: ['booked'],
      bookingIds: [booked.bookingId],
      durationSeconds: 97,
      endedReason: 'customer-ended-call',
      summary: 'The caller booked a consultation.',
      recordingUrl: 'https://storage.vapi.ai/recording-1.wav',
      transcript: null,
    });
    const item = await storedItemOf(booked.call);
    expect(item.transcript).toBeUndefined();
    const retentionSeconds = Number(item.ttl) - Math.ceil(record.startedAt / 1000);
    expect(retentionSeconds).toBe(90 * 24 * 3600);
  });

  it('files the same record whichever sender comes first', async () => {
    const booked = await life.bookByPhone('+14155550502');
    await endOfCallReport(booked.call, { endedReason: 'assistant-ended-call' });
    await twilioStatus(booked.call, { CallStatus: 'completed', CallDuration: '61' });
    expect(await recordOf(booked.call)).toMatchObject({
      outcome: 'booked',
      durationSeconds: 61,
      endedReason: 'assistant-ended-call',
    });
  });

  it('files a call that canceled its appointment as canceled, with the booking it touched', async () => {
    const number = '+14155550503';
    const booked = await life.bookByPhone(number);
    const call = newCall(number);
    const found = await life.find(call);
    const ref = (found.bookings as { ref: string }[])[0]?.ref;
    expect(await life.tool(call, 'cancel_booking', { booking_ref: ref })).toMatchObject({ ok: true });
    await twilioStatus(call, { CallStatus: 'completed', CallDuration: '40' });
    expect(await recordOf(call)).toMatchObject({
      outcome: 'canceled',
      bookingIds: [booked.bookingId],
    });
  });

  it('files a call that moved its appointment as rescheduled, with the old and the new booking', async () => {
    const number = '+14155550504';
    const booked = await life.bookByPhone(number);
    const call = newCall(number);
    const found = await life.find(call);
    const ref = (found.bookings as { ref: string }[])[0]?.ref;
    const [next] = await life.offered(call);
    const moved = await life.tool(call, 'reschedule_booking', { booking_ref: ref, slot_id: next?.id });
    expect(moved, JSON.stringify(moved)).toMatchObject({ ok: true });
    await stack().queue.drain(10_000);
    await endOfCallReport(call);
    const record = await recordOf(call);
    expect(record.outcome).toBe('rescheduled');
    expect(record.deeds).not.toContain('booked');
    expect(record.bookingIds).toEqual([booked.bookingId, String(moved.booking_id)].sort());
  });

  it("files a voicemail left on the fallback's <Record> as a message, whatever order Twilio posts in", async () => {
    const call = newCall('+14155550505');
    await twilioStatus(call, {
      CallStatus: 'in-progress',
      RecordingSid: 'RE0123456789abcdef0123456789abcdef',
      RecordingDuration: '14',
    });
    await twilioStatus(call, { CallStatus: 'completed', CallDuration: '31' });
    expect(await recordOf(call)).toMatchObject({ outcome: 'message', endedReason: 'completed' });

    // The recording's request arriving after the final status still files the message.
    const late = newCall('+14155550515');
    await twilioStatus(late, { CallStatus: 'completed', CallDuration: '31' });
    expect((await recordOf(late)).outcome).toBe('no_action');
    await twilioStatus(late, { CallStatus: 'completed', RecordingSid: 'RE0123456789abcdef0123456789abcdee' });
    expect((await recordOf(late)).outcome).toBe('message');
  });

  it('keeps a withheld caller withheld, whatever placeholder number Vapi reports', async () => {
    const call = newCall(null);
    // Twilio's keypad spelling of ANONYMOUS, as Vapi passes it on.
    await endOfCallReport(call, { call: { ...vapiCall(call), customer: { number: '+266696687' } } });
    await twilioStatus(call, { CallStatus: 'completed', CallDuration: '15', From: '+266696687' });
    expect((await recordOf(call)).callerNumber).toBeNull();

    // A number only the second sender knows still reaches the record.
    const known = newCall('+14155550516');
    await endOfCallReport(known, { call: { ...vapiCall(known), customer: {} } });
    await twilioStatus(known, { CallStatus: 'completed', CallDuration: '15' });
    expect((await recordOf(known)).callerNumber).toBe('+14155550516');
  });

  it('files a call that did nothing as no_action, and one that broke as failed', async () => {
    const idle = newCall('+14155550506');
    await life.offered(idle);
    await twilioStatus(idle, { CallStatus: 'completed', CallDuration: '12' });
    await endOfCallReport(idle, { endedReason: 'silence-timed-out' });
    expect(await recordOf(idle)).toMatchObject({ outcome: 'no_action', deeds: [] });

    const broken = newCall('+14155550507');
    await endOfCallReport(broken, { endedReason: 'pipeline-error-openai-llm-failed' });
    expect((await recordOf(broken)).outcome).toBe('failed');

    const unreachable = newCall('+14155550508');
    await twilioStatus(unreachable, { CallStatus: 'failed' });
    expect((await recordOf(unreachable)).outcome).toBe('failed');
  });

  it('keeps the transcript only when the operator turned it on, for the retention configured', async () => {
    const call = newCall('+14155550509');
    await life.offered(call);
    const now = new Date();
    await endCall(
      life.store(),
      { callId: call.callSid, endedReason: 'customer-ended-call', transcript: 'AI: Hello! User: Bye.' },
      { retentionDays: 30, keepTranscripts: true, now },
    );
    const record = await recordOf(call);
    expect(record.transcript).toBe('AI: Hello! User: Bye.');
    const item = await storedItemOf(call);
    expect(Number(item.ttl) - Math.ceil(record.startedAt / 1000)).toBe(30 * 24 * 3600);
  });

  it('lists the recent calls and the day’s counts with `npm run calls`, callers masked', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await callsCommand(
      ['--endpoint', stack().dynamoEndpoint, '--table', stack().tableName, '--limit', '50'],
      { out: (text) => out.push(text), err: (text) => err.push(text) },
    );
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('***0501');
    expect(text).not.toContain('+14155550501');
    expect(text).toMatch(/booked\s+customer-ended-call/);
    const today = text.split('\n').at(-1) ?? '';
    const all = await life
      .store()
      .callLog.list(
        { from: new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS), to: new Date(Date.now() + 1) },
        1000,
      );
    expect(today).toContain(`${all.length} calls`);
    expect(today).toContain(`booked ${all.filter((entry) => entry.outcome === 'booked').length}`);
    expect(today).toContain('message 2');

    const json: string[] = [];
    await callsCommand(['--endpoint', stack().dynamoEndpoint, '--table', stack().tableName, '--json'], {
      out: (line) => json.push(line),
      err: () => undefined,
    });
    const parsed = JSON.parse(json.join('\n')) as { recent: CallLogEntry[]; today: Record<string, number> };
    expect(parsed.today.failed).toBe(2);
  });

  it('refuses an unclear command with its usage', async () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (text: string) => err.push(text) };
    expect(await callsCommand([], io)).toBe(2);
    expect(await callsCommand(['--local', '--stage', 'prod'], io)).toBe(2);
    expect(await callsCommand(['--endpoint', 'http://127.0.0.1:1'], io)).toBe(2);
    expect(await callsCommand(['--stage', 'prod', '--days', '0'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/usage: npm run calls/);
  });
});
