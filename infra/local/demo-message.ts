/**
 * The demo's last scene, (j): a third caller asks for a person. transfer_to_human moves the live call to a
 * dial of the front desk (Twilio's side is played here: the local Twilio fake records the redirect, then
 * Twilio fetches our TwiML), no one answers (so the whisper, played to whoever answers, is never fetched),
 * the caller leaves a message, the business is texted, and every call of the demo has left its record. Helpers come from ./demo-script.ts, which runs this.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createCallLog } from '../../shared/adapters/dynamodb/call-log.ts';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import type { CallOutcome } from '../../shared/domain/call-log.ts';
import type { DemoCaller, Invariant } from './demo-script.ts';
import { localDynamoDbClient } from './dynamodb-local.ts';
import type { SmsOutbox } from './sms-outbox.ts';
import type { LocalStack } from './stack.ts';
import type { Timeline } from './timeline.ts';

/** The demo's front desk (FALLBACK_PHONE_NUMBER) and the staff phone told of voicemails (NOTIFY_PHONE_NUMBER). */
export const FRONT_DESK = '+14155550100';

const CALLER_C = { label: 'Caller C', name: 'Chris Lee', email: 'chris@example.com', phone: '+14155550103' };

export interface DemoMessage {
  caller: string;
  /** What transfer_to_human answered. */
  transfer: string;
  /** Whether Twilio was given a dial of the front desk. */
  dialled: boolean;
  /** The business's texts about the voicemail. */
  texts: string[];
  /** Every call of the demo, as its record files it. */
  records: { caller: string; outcome: CallOutcome }[];
}

export interface MessageScene {
  stack: LocalStack;
  outbox: SmsOutbox;
  timeline: Timeline;
  /** Plays one tool call of `caller` and answers its result. */
  tool(
    caller: DemoCaller,
    name: string,
    args: Record<string, unknown>,
  ): Promise<{ ok: boolean; status?: string }>;
  /** Posts as Twilio, signed; answers status and TwiML. */
  twilio(
    path: string,
    caller: DemoCaller,
    params: Record<string, string>,
  ): Promise<{ status: number; text: string }>;
  /** Every caller of the demo so far, by the CallSid of each of their calls. */
  callsOf: ReadonlyMap<string, string>;
}

export async function asksForAPerson(scene: MessageScene): Promise<DemoMessage> {
  const { timeline, outbox } = scene;
  timeline.section(
    `(j) ${CALLER_C.label} asks for a person: the call moves to the front desk, no one answers, a message is left`,
  );
  const caller: DemoCaller = { ...CALLER_C, callSid: `CA${randomBytes(16).toString('hex')}` };
  const textsBefore = outbox.messages().filter((message) => message.to === FRONT_DESK).length;
  const twilio = async (path: string, what: string, params: Record<string, string> = {}) => {
    const requestId = timeline.request('Twilio', `POST ${path} ${what}`);
    const started = performance.now();
    const answer = await scene.twilio(path, caller, params);
    const said =
      path === '/twilio/voice' ? 'answered (here without Vapi; we play the assistant)' : gist(answer.text);
    timeline.response(requestId, said, { latencyMs: performance.now() - started, ok: answer.status === 200 });
    return answer;
  };

  await twilio('/twilio/voice', `(${caller.label} calls in from ${caller.phone})`, { CallStatus: 'ringing' });
  const transfer = await scene.tool(caller, 'transfer_to_human', { reason: 'a question about a bill' });
  const redirects = outbox.redirects().filter((redirect) => redirect.callSid === caller.callSid);
  const target = redirects[0] ? new URL(redirects[0].url) : null;
  timeline.event(
    'Twilio',
    target
      ? `REST update of the live call: Url=${target.pathname}${target.search} (Vapi's stream is replaced)`
      : 'the call was not redirected',
    target !== null,
  );
  let dialled = false;
  if (target) {
    const next = await twilio(`${target.pathname}${target.search}`, '(fetching the new TwiML)', {
      CallStatus: 'in-progress',
    });
    dialled = next.text.includes(`>${FRONT_DESK}</Number>`);
    if (/<Number url="/.test(next.text)) {
      timeline.detail(
        '(had the desk picked up, Twilio would first fetch the whisper of why the caller rang)',
      );
    }
    if (dialled) {
      await twilio('/twilio/dial-result', '{DialCallStatus: "no-answer"} (nobody at the desk for 20 s)', {
        DialCallStatus: 'no-answer',
      });
    }
  }
  const recordingSid = `RE${randomBytes(16).toString('hex')}`;
  const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/${recordingSid}`;
  await twilio('/twilio/status', '(the <Record> action: a 17 s message)', {
    CallStatus: 'completed',
    RecordingSid: recordingSid,
    RecordingDuration: '17',
    RecordingUrl: recordingUrl,
  });
  await twilio('/twilio/status', '{CallStatus: "completed"}', {
    CallStatus: 'completed',
    CallDuration: '48',
  });
  await twilio('/twilio/recording', '{RecordingStatus: "completed"} (the signed recording callback)', {
    RecordingSid: recordingSid,
    RecordingStatus: 'completed',
    RecordingDuration: '17',
    RecordingUrl: recordingUrl,
  });
  const texts = outbox
    .messages()
    .filter((message) => message.to === FRONT_DESK)
    .slice(textsBefore)
    .map((message) => message.body);
  for (const body of texts) {
    timeline.event('SMS', `to ${FRONT_DESK} (the business):`);
    timeline.detail(body);
  }

  const callsOf = new Map([...scene.callsOf, [caller.callSid, caller.label]]);
  const log = createCallLog(
    createDocumentClient(localDynamoDbClient(scene.stack.dynamoEndpoint)),
    scene.stack.tableName,
  );
  const now = Date.now();
  const entries = await log.list({ from: new Date(now - 3_600_000), to: new Date(now + 60_000) }, 100);
  const records = entries
    .filter((entry) => callsOf.has(entry.callId))
    .reverse()
    .map((entry) => ({ caller: callsOf.get(entry.callId) ?? '?', outcome: entry.outcome }));
  timeline.event('calls', 'every call left a record (what `npm run calls` lists):');
  for (const record of records) timeline.detail(`${record.caller}: ${record.outcome}`);
  return {
    caller: caller.label,
    transfer: transfer.status ?? (transfer.ok ? 'ok' : 'failed'),
    dialled,
    texts,
    records,
  };
}

/** What a TwiML answer does, in a few words. */
function gist(xml: string): string {
  if (/<Dial[\s>]/.test(xml))
    return `dial ${/<Number[^>]*>([^<]+)</.exec(xml)?.[1] ?? '?'} (20 s, our caller ID)`;
  if (/<Record[\s>]/.test(xml))
    return 'voicemail: "... leave your name, number and a short message after the tone"';
  const said = /<Say[^>]*>([^<]+)</.exec(xml)?.[1];
  if (said) return `says to the front desk: "${said}"`;
  return 'empty TwiML';
}

/** The promises of scene (j), checked against the Twilio fake's redirects, the outbox and the call log. */
export function messageInvariants(
  message: DemoMessage,
  expected: ReadonlyMap<string, CallOutcome>,
): Invariant[] {
  const outcomes = new Map(message.records.map((record) => [record.caller, record.outcome]));
  return [
    {
      name: 'the caller who asked for a person was put through to the front desk',
      ok: message.transfer === 'transferring' && message.dialled,
      detail: `transfer_to_human: ${message.transfer}; front desk dialled: ${message.dialled}`,
    },
    {
      name: 'no one answered, so a message was taken and the business texted once about it',
      ok: message.texts.length === 1 && (message.texts[0]?.includes(CALLER_C.phone) ?? false),
      detail: `${message.texts.length} text(s) to ${FRONT_DESK}`,
    },
    {
      name: 'every call left one record with its outcome',
      ok:
        message.records.length === expected.size &&
        [...expected].every(([caller, outcome]) => outcomes.get(caller) === outcome),
      detail: message.records.map((record) => `${record.caller} ${record.outcome}`).join(', '),
    },
  ];
}
