/**
 * Ending calls, as twilio-voice and vapi-tools both do it: holds released, the record filed with the
 * retention and transcript choice configured now (re-read per call, like every setting).
 */
import type { Config } from '../config.ts';
import type { CallEndReport } from '../domain/call-log.ts';
import { type CallLogSettings, endCall, noteDeed } from '../domain/calls.ts';
import type { Clock } from '../domain/clock.ts';
import type { Store } from '../domain/ports.ts';

function callLogSettings(config: Config): CallLogSettings {
  return {
    retentionDays: config.CALL_RECORD_RETENTION_DAYS,
    keepTranscripts: config.CALL_RECORD_TRANSCRIPTS,
  };
}

export function callEnding(store: Store, settings: () => Promise<Config>, clock: Clock) {
  const options = async () => ({ ...callLogSettings(await settings()), now: clock.now() });
  return {
    endCall: async (report: CallEndReport) => await endCall(store, report, await options()),
    noteMessage: async (callId: string) => await noteDeed(store, callId, 'message', await options()),
    noteTransferred: async (callId: string) => await noteDeed(store, callId, 'transferred', await options()),
  };
}
