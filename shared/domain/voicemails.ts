/**
 * Voicemails: a caller's recorded message, and telling the business about it. The business hears of each
 * one by SMS to NOTIFY_PHONE_NUMBER and on the SNS topic (email, in AWS), each channel once it succeeds.
 * Never lost: the voicemail is stored before anyone is told, a channel that fails leaves it due, and the
 * sweeper tries again with a growing wait until every configured channel has it, for a day; after that
 * (a channel that cannot work, such as a number Twilio refuses) it stops, loudly. Alerts are at least
 * once: a channel that worked but could not be marked, or two reports of one recording at the same
 * moment, may tell the business twice; a repeated alert beats a lost one.
 */
import type { SmsPort, Store, TopicPort } from './ports.ts';

export interface Voicemail {
  /** Twilio's RecordingSid: one voicemail, however often Twilio reports it. */
  recordingSid: string;
  callId: string;
  /** The caller's number (E.164), null when withheld. */
  callerNumber: string | null;
  /** Epoch ms. */
  recordedAt: number;
  recordingUrl: string;
  durationSeconds: number | null;
  smsSent: boolean;
  topicSent: boolean;
  /** Rounds of alerts that failed so far. */
  failures: number;
}

export type Channel = 'sms' | 'topic';

/** Who is told, and in which words (shared/speech/voicemail.ts, injected). */
export interface VoicemailAlerts {
  sms: SmsPort | null;
  /** NOTIFY_PHONE_NUMBER; no text without it. */
  notifyNumber: string | null;
  topic: TopicPort | null;
  words(voicemail: Voicemail): { subject: string; body: string };
}

/** A first alert that has not finished by then is the sweeper's (it is being retried, or it died). */
export const FIRST_ALERT_GRACE_MS = 60_000;
const RETRY_BASE_MS = 60_000;
const RETRY_MAX_MS = 30 * 60_000;
const RETRY_BATCH = 25;
/** Rounds of failed alerts before the sweeper gives up: with the waits above, about a day. */
export const MAX_ALERT_FAILURES = 54;

/** Stores a new voicemail and tells the business; a repeat of one already told changes nothing. */
export async function voicemailLeft(
  deps: { store: Pick<Store, 'voicemails'>; alerts: VoicemailAlerts },
  voicemail: Omit<Voicemail, 'smsSent' | 'topicSent' | 'failures'>,
  now: Date,
): Promise<AlertResult> {
  const stored = await deps.store.voicemails.record(
    voicemail,
    new Date(now.getTime() + FIRST_ALERT_GRACE_MS),
  );
  return await alert(deps, stored, now);
}

/** The sweeper's part: every voicemail still owed an alert is tried again. */
export async function retryVoicemailAlerts(
  deps: { store: Pick<Store, 'voicemails'>; alerts: VoicemailAlerts },
  now: Date,
): Promise<{ retried: number; stillOwed: number; abandoned: number }> {
  const due = await deps.store.voicemails.listDue(now, RETRY_BATCH);
  let stillOwed = 0;
  let abandoned = 0;
  for (const voicemail of due) {
    // One voicemail that cannot even be marked must not keep the others from their alerts.
    const result = await alert(deps, voicemail, now).catch(() => null);
    if (result?.abandoned) abandoned += 1;
    else if (!result?.done) stillOwed += 1;
  }
  return { retried: due.length, stillOwed, abandoned };
}

export interface AlertResult {
  done: boolean;
  sent: Channel[];
  failed: Channel[];
  /** The alerts kept failing for so long that they are no longer retried. */
  abandoned: boolean;
}

async function alert(
  deps: { store: Pick<Store, 'voicemails'>; alerts: VoicemailAlerts },
  voicemail: Voicemail,
  now: Date,
): Promise<AlertResult> {
  const { alerts } = deps;
  const words = alerts.words(voicemail);
  const sends: [Channel, (() => Promise<unknown>) | null][] = [
    [
      'sms',
      alerts.sms && alerts.notifyNumber && !voicemail.smsSent
        ? () => (alerts.sms as SmsPort).send({ to: alerts.notifyNumber as string, body: words.body })
        : null,
    ],
    ['topic', alerts.topic && !voicemail.topicSent ? () => (alerts.topic as TopicPort).publish(words) : null],
  ];
  const sent: Channel[] = [];
  const failed: Channel[] = [];
  for (const [channel, send] of sends) {
    if (!send) continue;
    try {
      await send();
    } catch {
      failed.push(channel);
      continue;
    }
    await deps.store.voicemails.markSent(voicemail.recordingSid, channel);
    sent.push(channel);
  }
  if (failed.length > 0 && voicemail.failures + 1 >= MAX_ALERT_FAILURES) {
    await deps.store.voicemails.finish(voicemail.recordingSid);
    return { done: false, sent, failed, abandoned: true };
  }
  if (failed.length > 0) {
    const waitMs = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** voicemail.failures);
    await deps.store.voicemails.retryAt(voicemail.recordingSid, new Date(now.getTime() + waitMs));
    return { done: false, sent, failed, abandoned: false };
  }
  await deps.store.voicemails.finish(voicemail.recordingSid);
  return { done: true, sent, failed, abandoned: false };
}
