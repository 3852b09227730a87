/**
 * Composition of twilio-voice: answering calls (Vapi, rebuilt when its key rotates) and ending them.
 */
import { createDynamoStore } from '../adapters/dynamodb/store.ts';
import { createVapiClient } from '../adapters/vapi-client.ts';
import { type Config, configSource } from '../config.ts';
import { type AnswerCallDeps, answerCall, type InboundCall } from '../domain/answer-call.ts';
import { systemClock } from '../domain/clock.ts';
import { voicemailLeft } from '../domain/voicemails.ts';
import { callEnding } from './call-end.ts';
import { rebuiltOnChange } from './rebuilt.ts';
import { voicemailAlerts } from './voicemail-alerts.ts';

const clock = systemClock;

/** Vapi with the assistant and number to hand calls to, when all three are configured; otherwise none. */
export function vapiHandOff(): (settings: Config) => AnswerCallDeps['vapi'] {
  const clientFor = rebuiltOnChange(
    (s: Config) => [s.VAPI_API_BASE_URL, s.VAPI_API_KEY],
    (s) =>
      s.VAPI_API_KEY ? createVapiClient({ apiKey: s.VAPI_API_KEY, baseUrl: s.VAPI_API_BASE_URL }) : null,
  );
  return (s) => {
    const port = clientFor(s);
    return port && s.VAPI_ASSISTANT_ID && s.VAPI_PHONE_NUMBER_ID
      ? { port, assistantId: s.VAPI_ASSISTANT_ID, phoneNumberId: s.VAPI_PHONE_NUMBER_ID }
      : null;
  };
}

/** twilio-voice: answering calls and ending them. */
export async function twilioVoiceServices() {
  const config = await configSource(['TWILIO_AUTH_TOKEN', 'PUBLIC_BASE_URL', 'TABLE_NAME']);
  const first = await config.get();
  const store = createDynamoStore({ tableName: first.TABLE_NAME });
  const vapiFor = vapiHandOff();
  const ending = callEnding(store, config.get, clock);
  const alerts = voicemailAlerts(first, config.get);
  return {
    /** Current configuration, re-read per request (an in-memory read; the secret is cached). */
    settings: config.get,
    async answerCall(call: InboundCall, options: { remainingMs: number; fallback: string }) {
      return await answerCall({ store, vapi: vapiFor(await config.get()), clock }, call, options);
    },
    ...ending,
    /**
     * A voicemail is ready: stored first, so nothing after it can lose it, and the business told (the
     * sweeper retries what fails); then noted on the call and its record, which may fail on its own.
     */
    async voicemailLeft(recording: {
      callId: string;
      recordingSid: string;
      recordingUrl: string;
      durationSeconds: number | null;
    }) {
      const call = await store.calls.get(recording.callId).catch(() => null);
      const now = clock.now();
      const alert = await voicemailLeft(
        { store, alerts },
        { ...recording, callerNumber: call?.callerNumber ?? null, recordedAt: now.getTime() },
        now,
      );
      const noted = await ending.noteMessage(recording.callId).then(
        () => true,
        () => false,
      );
      return { ...alert, noted };
    },
    transferReason: async (callId: string) => (await store.calls.get(callId))?.transferReason ?? null,
  };
}
