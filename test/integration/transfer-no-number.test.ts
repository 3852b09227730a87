import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTransferStack, type TransferStack } from '../fixtures/transfer-stack.ts';
import { newCall } from '../fixtures/vapi-messages.ts';

describe('transfer_to_human with no FALLBACK_PHONE_NUMBER (real handlers, local Twilio fake)', () => {
  let t: TransferStack;

  beforeAll(async () => {
    t = await startTransferStack({});
  });

  afterAll(async () => {
    await t?.stack.stop();
  });

  it('takes a message at any hour, and the transfer route itself never dials without a number', async () => {
    const call = newCall('+14155550621');
    const answer = await t.tool(call, 'transfer_to_human', {});
    expect(answer).toMatchObject({ ok: true, status: 'message', reason: 'no_number' });
    const target = t.redirectOf(call);
    expect(target).toBe('/twilio/voicemail?why=no_number');
    const voicemail = await t.twilio(target, call, { CallStatus: 'in-progress' });
    expect(voicemail.twiml).toContain('<Record');
    expect(voicemail.twiml).not.toContain('<Dial');
    // A stale redirect to the dial route (the number was removed meanwhile) takes a message too.
    expect((await t.twilio('/twilio/transfer', call)).twiml).not.toContain('<Dial');
  });
});
