import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTransferStack, type TransferStack } from '../fixtures/transfer-stack.ts';
import { OUR_NUMBER } from '../fixtures/twilio-requests.ts';
import { newCall } from '../fixtures/vapi-messages.ts';

const PERSON = '+14155550999';

describe('transfer_to_human during business hours (real handlers, local Twilio fake)', () => {
  let t: TransferStack;

  beforeAll(async () => {
    t = await startTransferStack({ FALLBACK_PHONE_NUMBER: PERSON, BUSINESS_HOURS: 'mon-sun 00:00-24:00' });
  });

  afterAll(async () => {
    await t?.stack.stop();
  });

  it('moves the live call to a dial of the person, who hears why before the caller is connected', async () => {
    const call = newCall('+14155550601');
    const answer = await t.tool(call, 'transfer_to_human', { reason: 'a question about my bill' });
    expect(answer).toMatchObject({ ok: true, status: 'transferring' });
    expect(answer.say).toMatch(/connecting you/i);

    const target = t.redirectOf(call);
    expect(target).toBe('/twilio/transfer');
    const dial = await t.twilio(target, call, { CallStatus: 'in-progress' });
    expect(dial.status).toBe(200);
    expect(dial.twiml).toContain('<Say');
    expect(dial.twiml).toMatch(/Connecting you now/);
    expect(dial.twiml).toMatch(new RegExp(`<Dial [^>]*callerId="\\${OUR_NUMBER}"`));
    expect(dial.twiml).toMatch(/<Dial [^>]*timeout="20"/);
    expect(dial.twiml).toMatch(/<Dial [^>]*action="[^"]*\/twilio\/dial-result"/);
    const whisperUrl = /<Number url="([^"]+)"/.exec(dial.twiml)?.[1]?.replaceAll('&amp;', '&') ?? '';
    expect(dial.twiml).toContain(`>${PERSON}</Number>`);

    // Twilio asks the whisper URL for the person's leg (a child call of its own).
    const whisper = await t.twilio(new URL(whisperUrl).pathname + new URL(whisperUrl).search, {
      callSid: `CA${'b'.repeat(32)}`,
      callerNumber: OUR_NUMBER,
    });
    expect(whisper.twiml).toContain('about: a question about my bill');

    const result = await t.twilio('/twilio/dial-result', call, {
      DialCallStatus: 'completed',
      DialCallDuration: '75',
    });
    expect(result.twiml).not.toContain('<Record');
    expect(result.twiml).not.toContain('<Dial');
    await t.twilio('/twilio/status', call, { CallStatus: 'completed', CallDuration: '120' });
    expect((await t.recordOf(call))?.outcome).toBe('transferred');
  });

  it('files the transfer even when Twilio posts the final status before the dial result', async () => {
    const call = newCall('+14155550606');
    await t.tool(call, 'transfer_to_human', {});
    await t.twilio(t.redirectOf(call), call, { CallStatus: 'in-progress' });
    await t.twilio('/twilio/status', call, { CallStatus: 'completed', CallDuration: '80' });
    expect((await t.recordOf(call))?.outcome).toBe('no_action');
    await t.twilio('/twilio/dial-result', call, { DialCallStatus: 'completed', DialCallDuration: '60' });
    expect((await t.recordOf(call))?.outcome).toBe('transferred');
  });

  it('takes a message when the person does not answer, and the recording marks the call', async () => {
    const call = newCall('+14155550602');
    await t.tool(call, 'transfer_to_human', {});
    await t.twilio(t.redirectOf(call), call, { CallStatus: 'in-progress' });
    const result = await t.twilio('/twilio/dial-result', call, { DialCallStatus: 'no-answer' });
    expect(result.twiml).toMatch(/no one could take your call/i);
    expect(result.twiml).toMatch(/<Record [^>]*recordingStatusCallback="[^"]*\/twilio\/recording"/);
    expect(result.twiml).toMatch(/<Record [^>]*action="[^"]*\/twilio\/status"/);

    await t.twilio('/twilio/status', call, {
      CallStatus: 'completed',
      RecordingSid: `RE${'1'.repeat(32)}`,
      RecordingDuration: '9',
    });
    await t.twilio('/twilio/status', call, { CallStatus: 'completed', CallDuration: '44' });
    expect((await t.recordOf(call))?.outcome).toBe('message');
  });

  it('answers once to a replayed tool call, and says it cannot transfer a call that is over or not a phone call', async () => {
    const call = newCall('+14155550603');
    const first = await t.tool(call, 'transfer_to_human', { reason: 'billing' }, 'transfer-replay-1');
    const again = await t.tool(call, 'transfer_to_human', { reason: 'billing' }, 'transfer-replay-1');
    expect(again).toEqual(first);
    expect(t.redirectOf(call)).toBe('/twilio/transfer');

    const over = newCall('+14155550604');
    t.outbox().endCall(over.callSid);
    expect(await t.tool(over, 'transfer_to_human', {})).toMatchObject({
      ok: false,
      error: 'transfer_unavailable',
      reason: 'call_over',
    });

    const webCall = { callSid: 'vapi-web-call-1', callerNumber: null };
    expect(await t.tool(webCall, 'transfer_to_human', {})).toMatchObject({
      ok: false,
      error: 'transfer_unavailable',
      reason: 'no_phone_line',
    });
  });

  it('says it cannot transfer when Twilio cannot be reached', async () => {
    const call = newCall('+14155550605');
    t.outbox().failNext({ status: 500 });
    expect(await t.tool(call, 'transfer_to_human', {})).toMatchObject({
      ok: false,
      error: 'transfer_unavailable',
      reason: 'twilio_failed',
    });
  });
});
