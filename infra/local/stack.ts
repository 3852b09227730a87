/**
 * The whole product on one machine: DynamoDB Local (the real engine) with the table from the shared
 * schema, the Calendly sandbox (or real Calendly when a token is given), the SMS outbox (or real Twilio),
 * the in-process SQS queue feeding the real booking worker, and the local API serving the shared route
 * table with the real handlers. Functions are configured exactly as in AWS - through environment names
 * and the AWS SDK's own endpoint variables - so no handler has a local branch.
 *
 * Used by `npm run demo`, `npm run dev` and the end-to-end tests.
 */
import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Clock } from '../../shared/domain/clock.ts';
import { ConfigError } from '../../shared/domain/errors.ts';
import type { SweepDeps } from '../../shared/domain/sweep.ts';
import { ENV } from '../../shared/env.ts';
import {
  type CalendlySandbox,
  type CalendlySandboxOptions,
  startCalendlySandbox,
} from './calendly-sandbox/server.ts';
import { LOCAL_DEFAULTS, LOCAL_SANDBOX } from './defaults.ts';
import {
  createAppTable,
  LOCAL_AWS_CREDENTIALS,
  LOCAL_AWS_REGION,
  startDynamoDbLocal,
} from './dynamodb-local.ts';
import { importFunctionHandler, type LocalApi, type LocalRequestEntry, startLocalApi } from './server.ts';
import { type OutboxMessage, type SmsOutbox, startSmsOutbox } from './sms-outbox.ts';
import { type LocalQueue, type LocalQueueEvent, type SqsConsumer, startLocalQueue } from './sqs-queue.ts';

export interface LocalStackOptions {
  /** Reuse a running DynamoDB Local (tests share one); otherwise one is started and stopped with the stack. */
  dynamoEndpoint?: string;
  /** For the DynamoDB Local the stack starts: keep its data in this directory (default: in memory). */
  dynamoDbPath?: string;
  tableName?: string;
  /** API port; 0 picks a free one. */
  port?: number;
  host?: string;
  /** Configuration on top of the embedded defaults (e.g. real credentials read from `.env`). */
  env?: Record<string, string | undefined>;
  sandbox?: CalendlySandboxOptions;
  queue?: {
    visibilityTimeoutSeconds?: number;
    maxConcurrency?: number;
    maxReceiveCount?: number;
    /** The queue's time line (delays, visibility, function timeouts); default the wall clock. */
    clock?: Clock;
    /** Puts something between the queue and the worker, e.g. a fault campaign that loses deliveries. */
    wrapWorker?: (worker: SqsConsumer) => SqsConsumer;
  };
  onRequest?: (entry: LocalRequestEntry) => void;
  onQueueEvent?: (event: LocalQueueEvent) => void;
  onSms?: (message: OutboxMessage) => void;
}

export interface LocalStack {
  apiUrl: string;
  tableName: string;
  dynamoEndpoint: string;
  /** Process id of the DynamoDB Local the stack started (null when it reuses one). */
  dynamoPid: number | null;
  /** The environment the functions run with (values of secrets included: keep it out of logs). */
  env: Record<string, string>;
  /** Present unless a real CALENDLY_API_TOKEN was configured. */
  sandbox: CalendlySandbox | null;
  /** Present unless real Twilio credentials were configured. */
  outbox: SmsOutbox | null;
  queue: LocalQueue;
  api: LocalApi;
  stop(): Promise<void>;
}

type Worker = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

/** Real credentials configured for a vendor mean "use the real vendor", not the local fake. */
function usesRealTwilio(env: Record<string, string | undefined>): boolean {
  return !!env[ENV.TWILIO_ACCOUNT_SID] && !!env[ENV.TWILIO_AUTH_TOKEN] && !!env[ENV.TWILIO_PHONE_NUMBER];
}

/** Secrets whose embedded local values are public (they are in this repository). */
const SIGNING_SECRETS = [
  ENV.TWILIO_AUTH_TOKEN,
  ENV.VAPI_SERVER_SECRET,
  ENV.CALENDLY_WEBHOOK_SIGNING_KEY,
] as const;

/** A PUBLIC_BASE_URL that is not loopback means the stack is reachable from outside (a tunnel). */
export function isPublicBaseUrl(url: string | undefined): boolean {
  if (!url || !URL.canParse(url)) return false;
  return !['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname);
}

/**
 * The functions' configuration: what was given, plus the embedded defaults - except that a stack reachable
 * from outside never authenticates webhooks with the public embedded secrets.
 */
function composeEnvironment(given: Record<string, string>): Record<string, string> {
  const exposed = isPublicBaseUrl(given[ENV.PUBLIC_BASE_URL]);
  const missing = exposed ? SIGNING_SECRETS.filter((name) => !given[name]) : [];
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map(
        (name) =>
          `${name} is required when PUBLIC_BASE_URL is public (the built-in test value is not secret)`,
      ),
    );
  }
  const defaults: Record<string, string> = { ...LOCAL_DEFAULTS };
  // With a real Twilio account, the test account id and magic sender number must not be mixed in.
  if (usesRealTwilio(given)) {
    delete defaults[ENV.TWILIO_ACCOUNT_SID];
    delete defaults[ENV.TWILIO_PHONE_NUMBER];
  }
  return { ...defaults, ...given };
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const given: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.env ?? {})) if (value) given[name] = value;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    let dynamoEndpoint = options.dynamoEndpoint;
    let dynamoPid: number | null = null;
    if (!dynamoEndpoint) {
      const dynamo = await startDynamoDbLocal({ dbPath: options.dynamoDbPath });
      stops.push(dynamo.stop);
      dynamoEndpoint = dynamo.endpoint;
      dynamoPid = dynamo.pid;
    }
    const tableName = options.tableName ?? `voice-booking-${randomUUID().slice(0, 8)}`;
    await createAppTable(dynamoEndpoint, tableName);

    const env: Record<string, string> = {
      AWS_REGION: LOCAL_AWS_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_AWS_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
      [ENV.TABLE_NAME]: tableName,
      ...composeEnvironment(given),
    };

    let sandbox: CalendlySandbox | null = null;
    if (!given[ENV.CALENDLY_API_TOKEN]) {
      sandbox = await startCalendlySandbox({
        timezone: LOCAL_SANDBOX.timezone,
        token: LOCAL_SANDBOX.token,
        ...options.sandbox,
      });
      stops.push(sandbox.stop);
      env[ENV.CALENDLY_API_BASE_URL] = sandbox.url;
      env[ENV.CALENDLY_API_TOKEN] = sandbox.token;
    }

    let outbox: SmsOutbox | null = null;
    if (!usesRealTwilio(given)) {
      outbox = await startSmsOutbox({
        accountSid: env[ENV.TWILIO_ACCOUNT_SID],
        authToken: env[ENV.TWILIO_AUTH_TOKEN],
        onMessage: options.onSms,
      });
      stops.push(outbox.stop);
      env[ENV.TWILIO_API_BASE_URL] = outbox.url;
    }

    let worker: Worker | null = null;
    const consumer: SqsConsumer = async (event, context) => {
      worker ??= (await importFunctionHandler('booking-worker')) as unknown as Worker;
      return await worker(event, context);
    };
    const queue = await startLocalQueue({
      queueName: `booking-${tableName}`,
      consumer: options.queue?.wrapWorker?.(consumer) ?? consumer,
      ...(options.queue?.clock ? { clock: options.queue.clock } : {}),
      visibilityTimeoutSeconds: options.queue?.visibilityTimeoutSeconds ?? 30,
      maxConcurrency: options.queue?.maxConcurrency ?? 2,
      maxReceiveCount: options.queue?.maxReceiveCount ?? 5,
      batchSize: 5,
      onEvent: options.onQueueEvent,
    });
    stops.push(queue.stop);
    Object.assign(env, queue.environment);

    const api = await startLocalApi({
      port: options.port ?? 0,
      host: options.host,
      onRequest: options.onRequest,
    });
    stops.push(api.stop);
    env[ENV.PUBLIC_BASE_URL] = given[ENV.PUBLIC_BASE_URL] ?? `http://localhost:${api.port}`;
    // Handlers read configuration when first imported (on their first request). Only the stack decides
    // what they see: a vendor key that happens to be in the shell must not reach them unasked.
    for (const name of Object.values(ENV)) {
      if (!(name in env)) delete process.env[name];
    }
    Object.assign(process.env, env);

    return {
      apiUrl: api.url,
      tableName,
      dynamoEndpoint,
      dynamoPid,
      env,
      sandbox,
      outbox,
      queue,
      api,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * What the booking sweeps need, built as the functions build it: from the stack's environment (so only
 * once the stack has started, hence the late imports).
 */
export async function sweepDepsOf(stack: LocalStack): Promise<SweepDeps> {
  const { createDynamoStore } = await import('../../shared/adapters/dynamodb/store.ts');
  const { createSqsBookingQueue } = await import('../../shared/adapters/booking-queue.ts');
  return {
    store: createDynamoStore({ tableName: stack.tableName }),
    queue: createSqsBookingQueue({ queueUrl: stack.env[ENV.BOOKING_QUEUE_URL] ?? '' }),
  };
}
