/**
 * Composition of vapi-tools: everything the tools use, the tool-call replay guard, and ending calls.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createSqsBookingQueue } from '../adapters/booking-queue.ts';
import { createAvailabilityCache } from '../adapters/dynamodb/availability-cache.ts';
import { createDocumentClient } from '../adapters/dynamodb/client.ts';
import { createDynamoStore } from '../adapters/dynamodb/store.ts';
import { createToolCallReplays } from '../adapters/dynamodb/tool-call-idempotency.ts';
import { configSource } from '../config.ts';
import { createAvailabilityReader } from '../domain/availability.ts';
import { systemClock } from '../domain/clock.ts';
import { createOpenSlotFinder } from '../domain/open-slots.ts';
import { DEFAULT_USE_CASE_SETTINGS } from '../domain/use-cases/deps.ts';
import { CALLER_TEXTS } from '../speech/booking-sms.ts';
import { calendlyPort, directoryOf } from './calendly.ts';
import { callEnding } from './call-end.ts';
import { smsPort } from './sms.ts';

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
  const dynamo = new DynamoDBClient({});
  const documentClient = createDocumentClient(dynamo);
  const store = createDynamoStore({ tableName: first.TABLE_NAME, documentClient });
  const calendly = calendlyPort(config.get);
  const settings = { ...DEFAULT_USE_CASE_SETTINGS, holdTtlSeconds: first.HOLD_TTL_SECONDS };
  const availability = createAvailabilityReader({
    calendly,
    cache: createAvailabilityCache(documentClient, first.TABLE_NAME),
    clock,
  });
  return {
    settings: config.get,
    tools: {
      store,
      calendly,
      sms: smsPort(first, config.get),
      texts: CALLER_TEXTS,
      availability,
      directory: directoryOf(calendly, first, clock),
      queue: createSqsBookingQueue({ queueUrl: first.BOOKING_QUEUE_URL }),
      clock,
      settings,
      slots: createOpenSlotFinder({ store, availability, clock, ...settings }),
    },
    replays: createToolCallReplays({ tableName: first.TABLE_NAME, client: dynamo }),
    endCall: callEnding(store, config.get, clock).endCall,
  };
}
