import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_SANDBOX } from '../../infra/local/defaults.ts';
import { startTransferStack, type TransferStack } from '../fixtures/transfer-stack.ts';
import { newCall } from '../fixtures/vapi-messages.ts';

/** Open only on a weekday that is not today in the business zone: closed whenever the test runs. */
function hoursClosedToday(): string {
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  const today = DateTime.now().setZone(LOCAL_SANDBOX.timezone).weekday; // 1 = Monday
  return `${days[today % 7]} 09:00-17:00`;
}

describe('transfer_to_human outside business hours (real handlers, local Twilio fake)', () => {
  let t: TransferStack;

  beforeAll(async () => {
    t = await startTransferStack({
      FALLBACK_PHONE_NUMBER: '+14155550999',
      BUSINESS_HOURS: hoursClosedToday(),
    });
  });

  afterAll(async () => {
    await t?.stack.stop();
  });

  it('says so, and moves the call to a voicemail that says why, instead of dialling anyone', async () => {
    const call = newCall('+14155550611');
    const answer = await t.tool(call, 'transfer_to_human', { reason: 'reschedule' });
    expect(answer).toMatchObject({ ok: true, status: 'message', reason: 'closed' });
    expect(answer.say).toMatch(/closed/);
    const target = t.redirectOf(call);
    expect(target).toBe('/twilio/voicemail?why=closed');
    const voicemail = await t.twilio(target, call, { CallStatus: 'in-progress' });
    expect(voicemail.twiml).toMatch(/closed right now/);
    expect(voicemail.twiml).toContain('<Record');
    expect(voicemail.twiml).not.toContain('<Dial');
  });
});
