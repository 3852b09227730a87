/**
 * POST /vapi/tools and POST /vapi/events. Tool calls always get HTTP 200 with one result per call
 * (domain failures are `ok:false` results); other server messages are acknowledged, and a call that has
 * ended gets its live holds released. Bad credentials get 401 before anything is read or written.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAvailabilityCache } from '../../shared/adapters/dynamodb/availability-cache.ts';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { createDynamoStore } from '../../shared/adapters/dynamodb/store.ts';
import { createToolCallIdempotency } from '../../shared/adapters/dynamodb/tool-call-idempotency.ts';
import { createBookingQueue, createCalendly } from '../../shared/adapters/factories.ts';
import { configSource } from '../../shared/config.ts';
import { createAvailabilityReader } from '../../shared/domain/availability.ts';
import { createCalendarDirectory } from '../../shared/domain/calendar-directory.ts';
import { endCall } from '../../shared/domain/calls.ts';
import { createOpenSlotFinder } from '../../shared/domain/open-slots.ts';
import { systemClock } from '../../shared/domain/ports.ts';
import { DEFAULT_TOOL_SETTINGS } from '../../shared/domain/tools/tool-deps.ts';
import { vapiAuthenticator } from '../../shared/http/authenticators.ts';
import { MAX_VAPI_BODY_BYTES } from '../../shared/http/body.ts';
import { httpHandler } from '../../shared/http/http-handler.ts';
import { json } from '../../shared/http/responses.ts';
import { logger, metrics } from '../../shared/observability.ts';
import { createToolCallRunner } from './run-tool-calls.ts';
import {
  callContextOf,
  messageType,
  toolCallsOf,
  type VapiMessage,
  VapiServerMessageSchema,
} from './schema.ts';

const config = await configSource([
  'TABLE_NAME',
  'BOOKING_QUEUE_URL',
  'VAPI_SERVER_SECRET',
  'CALENDLY_API_TOKEN',
]);
const settings = await config.get();

const clock = systemClock;
const dynamo = new DynamoDBClient({});
const documentClient = createDocumentClient(dynamo);
const store = createDynamoStore({ tableName: settings.TABLE_NAME, documentClient });
const calendly = createCalendly(config);
const directory = createCalendarDirectory({
  calendly,
  clock,
  defaultEventTypeUri: settings.CALENDLY_EVENT_TYPE_URI,
  businessTimezone: settings.BUSINESS_TIMEZONE,
});
const toolSettings = { ...DEFAULT_TOOL_SETTINGS, holdTtlSeconds: settings.HOLD_TTL_SECONDS };
const availability = createAvailabilityReader({
  calendly,
  cache: createAvailabilityCache(documentClient, settings.TABLE_NAME),
  clock,
});
const slots = createOpenSlotFinder({ store, availability, clock, ...toolSettings });
const idempotency = createToolCallIdempotency({ tableName: settings.TABLE_NAME, client: dynamo });
const runner = createToolCallRunner(
  {
    store,
    availability,
    directory,
    queue: createBookingQueue(settings),
    clock,
    settings: toolSettings,
    slots,
    onEnqueueFailure: (error) =>
      logger.error('booking enqueue failed; the sweeper will retry', { error: error as Error }),
  },
  idempotency,
);

/** Messages after which the call can no longer use its holds. */
function isCallOver(message: VapiMessage): boolean {
  const type = messageType(message);
  return type === 'end-of-call-report' || (type === 'status-update' && message.status === 'ended');
}

export const handler = httpHandler({
  authenticate: vapiAuthenticator({
    credentials: async () => {
      const { VAPI_SERVER_SECRET, VAPI_AUTH_PLAN } = await config.get();
      return { secret: VAPI_SERVER_SECRET, plan: VAPI_AUTH_PLAN };
    },
  }),
  parse: 'json',
  maxBodyBytes: MAX_VAPI_BODY_BYTES,
  schema: VapiServerMessageSchema,
  async handle({ body, context }) {
    idempotency.config.registerLambdaContext(context);
    const { message } = body;
    const call = callContextOf(message);
    if (messageType(message) === 'tool-calls') {
      const results = await runner.run(toolCallsOf(message), call, () => context.getRemainingTimeInMillis());
      return json(200, { results });
    }
    if (isCallOver(message) && call) {
      const { releasedHoldIds } = await endCall(store, call.callId, clock.now());
      if (releasedHoldIds.length > 0)
        metrics.addMetric('HoldsReleasedAtCallEnd', 'Count', releasedHoldIds.length);
    }
    return json(200, {});
  },
  onError({ authenticated, status }) {
    // A body we cannot read (not JSON, not declared JSON, not a server message) gets its 4xx. Anything else
    // failing after authentication still gets 200: Vapi ignores other answers to tool calls.
    if (authenticated && status >= 500)
      return json(200, { results: [], error: 'the request could not be handled' });
    return undefined;
  },
});
