import { describe, expect, it } from 'vitest';
import type { VoicemailBox } from '../../../../shared/domain/ports.ts';
import {
  MAX_ALERT_FAILURES,
  retryVoicemailAlerts,
  type Voicemail,
  type VoicemailAlerts,
  voicemailLeft,
} from '../../../../shared/domain/voicemails.ts';

/** Voicemails in a Map, due times kept as the box would. */
function memoryBox() {
  const items = new Map<string, { voicemail: Voicemail; dueAt: number | null }>();
  const box: VoicemailBox = {
    async record(voicemail, dueAt) {
      const known = items.get(voicemail.recordingSid);
      if (known) return { ...known.voicemail };
      const stored = { ...voicemail, smsSent: false, topicSent: false, failures: 0 };
      items.set(voicemail.recordingSid, { voicemail: stored, dueAt: dueAt.getTime() });
      return { ...stored };
    },
    async markSent(sid, channel) {
      const item = items.get(sid);
      if (item) item.voicemail[channel === 'sms' ? 'smsSent' : 'topicSent'] = true;
    },
    async retryAt(sid, dueAt) {
      const item = items.get(sid);
      if (item) {
        item.dueAt = dueAt.getTime();
        item.voicemail.failures += 1;
      }
    },
    async finish(sid) {
      const item = items.get(sid);
      if (item) item.dueAt = null;
    },
    async listDue(before, limit) {
      return [...items.values()]
        .filter((item) => item.dueAt !== null && item.dueAt < before.getTime())
        .slice(0, limit)
        .map((item) => ({ ...item.voicemail }));
    },
  };
  return { box, items };
}

function alertsWith(topicFailures: number) {
  const texts: string[] = [];
  const published: string[] = [];
  let failuresLeft = topicFailures;
  const alerts: VoicemailAlerts = {
    sms: {
      async send(message) {
        texts.push(message.body);
        return { id: `SM${texts.length}` };
      },
    },
    notifyNumber: '+14155550888',
    topic: {
      async publish(message) {
        if (failuresLeft-- > 0) throw new Error('SNS is down');
        published.push(message.subject);
      },
    },
    words: (voicemail) => ({
      subject: `from ${voicemail.callerNumber}`,
      body: `from ${voicemail.callerNumber}`,
    }),
  };
  return { alerts, texts, published };
}

const VOICEMAIL = {
  recordingSid: `RE${'1'.repeat(32)}`,
  callId: 'CA1',
  callerNumber: '+14155550123',
  recordedAt: Date.parse('2026-12-01T15:00:00Z'),
  recordingUrl: 'https://api.twilio.com/rec',
  durationSeconds: 12,
};

describe('voicemail alerts', () => {
  it('retries only the channel that failed, waiting longer each time, until every one has it', async () => {
    const { box, items } = memoryBox();
    const { alerts, texts, published } = alertsWith(2);
    const deps = { store: { voicemails: box }, alerts };
    const t0 = new Date('2026-12-01T15:00:00Z');

    expect(await voicemailLeft(deps, VOICEMAIL, t0)).toEqual({
      done: false,
      sent: ['sms'],
      failed: ['topic'],
      abandoned: false,
    });
    const firstWait = (items.get(VOICEMAIL.recordingSid)?.dueAt ?? 0) - t0.getTime();
    const t1 = new Date(t0.getTime() + firstWait + 1);
    expect(await retryVoicemailAlerts(deps, t1)).toEqual({ retried: 1, stillOwed: 1, abandoned: 0 });
    const secondWait = (items.get(VOICEMAIL.recordingSid)?.dueAt ?? 0) - t1.getTime();
    expect(secondWait).toBe(2 * firstWait);
    expect(await retryVoicemailAlerts(deps, new Date(t1.getTime() + secondWait + 1))).toEqual({
      retried: 1,
      stillOwed: 0,
      abandoned: 0,
    });
    expect(texts).toHaveLength(1);
    expect(published).toEqual(['from +14155550123']);
    expect(await retryVoicemailAlerts(deps, new Date(t1.getTime() + 3_600_000))).toEqual({
      retried: 0,
      stillOwed: 0,
      abandoned: 0,
    });
    // A repeat of the recording callback after everything went out sends nothing.
    await voicemailLeft(deps, VOICEMAIL, new Date(t1.getTime() + 3_600_000));
    expect(texts).toHaveLength(1);
    expect(published).toHaveLength(1);
  });

  it('needs no retry when nothing is configured to tell', async () => {
    const { box } = memoryBox();
    const alerts: VoicemailAlerts = {
      sms: null,
      notifyNumber: null,
      topic: null,
      words: () => ({ subject: '', body: '' }),
    };
    expect(await voicemailLeft({ store: { voicemails: box }, alerts }, VOICEMAIL, new Date())).toEqual({
      done: true,
      sent: [],
      failed: [],
      abandoned: false,
    });
  });

  it('gives up, loudly, on a channel that fails for a day, and keeps retrying the others until then', async () => {
    const { box, items } = memoryBox();
    const { alerts } = alertsWith(Number.POSITIVE_INFINITY);
    const deps = { store: { voicemails: box }, alerts };
    let now = Date.parse('2026-12-01T15:00:00Z');
    await voicemailLeft(deps, VOICEMAIL, new Date(now));
    let rounds = 1;
    let last = { retried: 0, stillOwed: 0, abandoned: 0 };
    while (items.get(VOICEMAIL.recordingSid)?.dueAt !== null) {
      now = (items.get(VOICEMAIL.recordingSid)?.dueAt ?? now) + 1;
      last = await retryVoicemailAlerts(deps, new Date(now));
      rounds += 1;
    }
    expect(rounds).toBe(MAX_ALERT_FAILURES);
    expect(last).toEqual({ retried: 1, stillOwed: 0, abandoned: 1 });
    const hours = (now - Date.parse('2026-12-01T15:00:00Z')) / 3_600_000;
    expect(hours).toBeGreaterThan(20);
    expect(hours).toBeLessThan(30);
  });
});
