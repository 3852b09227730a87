/**
 * Composition of vapi-tools: everything the tools use, the tool-call replay guard, and ending calls.
 */
import { createSqsBookingQueue } from '../adapters/booking-queue.ts';
import { createAvailabilityCache } from '../adapters/dynamodb/availability-cache.ts';
import { createDocumentClient } from '../adapters/dynamodb/client.ts';
import { createDynamoStore } from '../adapters/dynamodb/store.ts';
import { createToolCallReplays } from '../adapters/dynamodb/tool-call-idempotency.ts';
import { type Config, configSource } from '../config.ts';
import { createAvailabilityReader } from '../domain/availability.ts';
import { systemClock } from '../domain/clock.ts';
import { createOpenSlotFinder } from '../domain/open-slots.ts';
import { DEFAULT_USE_CASE_SETTINGS } from '../domain/use-cases/deps.ts';
import type { TransferSetup } from '../domain/use-cases/transfer-to-human.ts';
import { CALLER_TEXTS } from '../speech/booking-sms.ts';
import { calendlyPort, directoryOf } from './calendly.ts';
import { callEnding } from './call-end.ts';
import { callControlPort, smsPort } from './twilio.ts';

const clock = systemClock;

/** vapi-tools: everything the tools use, the tool-call replay guard, and ending calls. */
export async function vapiToolsServices() {
  const config = await configSource([
    'TABLE_NAME',
    'BOOKING_QUEUE_URL',
    'VAPI_SERVER_SECRET',
    'CALENDLY_API_TOKEN',
  ]);
  const first = await config.get();
  const documentClient = createDocumentClient();
  const store = createDynamoStore({ tableName: first.TABLE_NAME, documentClient });
  const calendly = calendlyPort(config.get);
  const settings = { ...DEFAULT_USE_CASE_SETTINGS, holdTtlSeconds: first.HOLD_TTL_SECONDS };
  const availability = createAvailabilityReader({
    calendly,
    cache: createAvailabilityCache(documentClient, first.TABLE_NAME),
    clock,
  });
  const directory = directoryOf(calendly, store.directory, first, clock);
  return {
    settings: config.get,
    tools: {
      store,
      calendly,
      sms: smsPort(first, config.get),
      texts: CALLER_TEXTS,
      availability,
      directory,
      queue: createSqsBookingQueue({ queueUrl: first.BOOKING_QUEUE_URL }),
      clock,
      settings,
      transfer: transferSetup(first, config.get),
      slots: createOpenSlotFinder({
        store,
        availability,
        clock,
        schedules: directory.scheduleOf,
        ...settings,
      }),
    },
    replays: createToolCallReplays({ tableName: first.TABLE_NAME, documentClient }),
    endCall: callEnding(store, config.get, clock).endCall,
  };
}

/** How transfer_to_human reaches a person: Twilio redirects the call to twilio-voice's routes. */
function transferSetup(first: Config, settings: () => Promise<Config>): TransferSetup {
  const base = first.PUBLIC_BASE_URL;
  return {
    callControl: base ? callControlPort(first, settings) : null,
    humanNumber: first.FALLBACK_PHONE_NUMBER ?? null,
    hours: first.BUSINESS_HOURS ?? null,
    dialUrl: `${base}/twilio/transfer`,
    messageUrl: (why) => `${base}/twilio/voicemail?why=${why}`,
  };
}
