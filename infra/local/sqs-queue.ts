/**
 * In-process stand-in for the booking queue and its Lambda event source mapping: what the product relies
 * on (delays, the visibility timeout, redelivery, partial batch failures, the dead-letter queue) and
 * nothing else.
 *
 * Producers use the real @aws-sdk/client-sqs against ./sqs-endpoint.ts (set AWS_ENDPOINT_URL_SQS and the
 * queue URL, see `environment`). Delivery mimics the event source: batches of up to `batchSize` visible
 * messages go to `consumer(event, context)`, at most `maxConcurrency` batches at a time. A message received
 * stays invisible for the visibility timeout; messages the consumer reports in `batchItemFailures` (or the
 * whole batch, when it throws, times out or returns a malformed response) simply stay invisible until the
 * timeout runs out and are then received again, with ApproximateReceiveCount one higher. Once a message has
 * been received `maxReceiveCount` times, the next receive moves it to the dead-letter list instead, as an
 * SQS redrive policy does. A message whose visibility runs out while its batch is still running is delivered
 * again (duplicate delivery, as in SQS), and only the latest receipt handle deletes it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { type Clock, systemClock } from '../../shared/domain/clock.ts';
import { ENV } from '../../shared/env.ts';
import { FUNCTIONS, type FunctionName } from '../routes.ts';
import { createLambdaContext, LOCAL_ACCOUNT_ID, localRegion } from './lambda-context.ts';
import { md5Hex, type SentMessage, type SqsBackend, startSqsEndpoint } from './sqs-endpoint.ts';

/** The function behind the event source mapping. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler typed `Promise<void>` (nothing failed) must fit too.
export type SqsConsumer = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined | void>;

export interface LocalQueueOptions {
  queueName: string;
  consumer: SqsConsumer;
  /** Default 30, the SQS default. May be fractional locally to keep tests short. */
  visibilityTimeoutSeconds?: number;
  /** Receives before a message is dead-lettered; default 5. */
  maxReceiveCount?: number;
  /** Records per invocation; default 10, the event source default. */
  batchSize?: number;
  /** Batches in flight at once; default 1 (the event source's maximumConcurrency, when set, is 2 or more). */
  maxConcurrency?: number;
  /** Function whose name and timeout the consumer's context carries; default booking-worker. */
  functionName?: FunctionName;
  /** Largest message in bytes; default 262,144, so whatever fits locally also fits an AWS queue. */
  maxMessageBytes?: number;
  /** Drives delays, visibility timeouts and function timeouts; default wall clock. */
  clock?: Clock;
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Every state change, for timelines; without it, failed batches are printed to stderr. */
  onEvent?: (event: LocalQueueEvent) => void;
}

/** A change in a message's life, for timelines. */
export interface LocalQueueEvent {
  type: 'sent' | 'received' | 'deleted' | 'failed' | 'dead-lettered';
  messageId: string;
  receiveCount: number;
  /** Clock time in epoch ms. */
  at: number;
  /** For `failed`: reported in batchItemFailures, or the error that failed the whole batch. */
  reason?: string;
}

export interface LocalQueueStats {
  /** Messages accepted since start. */
  sent: number;
  /** Receivable now. */
  visible: number;
  /** Sent with DelaySeconds and not yet receivable. */
  delayed: number;
  /** Received and still invisible (being processed, or failed and waiting for the visibility timeout). */
  inFlight: number;
  /** Consumer invocations running now. */
  running: number;
  /** Consumer invocations started since start. */
  invocations: number;
  /** Receives since start (a redelivery counts again). */
  received: number;
  deleted: number;
  deadLettered: number;
}

/** A message moved aside after too many receives. */
export interface DeadLetter {
  messageId: string;
  body: string;
  receiveCount: number;
  sentTimestamp: number;
}

export interface LocalQueue {
  queueUrl: string;
  /** Value for AWS_ENDPOINT_URL_SQS. */
  endpoint: string;
  queueArn: string;
  /** What a producer function needs: BOOKING_QUEUE_URL and AWS_ENDPOINT_URL_SQS. */
  environment: Record<string, string>;
  stats(): LocalQueueStats;
  deadLetters(): DeadLetter[];
  /** Resolves once no message is left (visible, delayed or in flight) and no batch is running. */
  drain(timeoutMs?: number): Promise<void>;
  /**
   * Resolves once nothing can happen without time passing: no batch running and no message receivable.
   * With a manual clock, call this before `advance()`.
   */
  settled(timeoutMs?: number): Promise<void>;
  /** Stops delivery, waits for running batches (at most 5 s) and closes the endpoint. */
  stop(): Promise<void>;
}

interface StoredMessage {
  messageId: string;
  seq: number;
  body: string;
  md5OfBody: string;
  sentTimestamp: number;
  firstReceiveTimestamp: number | undefined;
  receiveCount: number;
  /** Receivable from this time on: the end of a delay or of a visibility timeout. */
  visibleAt: number;
  /** The latest receipt handle; only it deletes the message. */
  receiptHandle: string | undefined;
}

interface Waiter {
  done: () => boolean;
  resolve: () => void;
  reject: (error: Error) => void;
}

// SQS reports the sender's IAM id here; locally every producer is the same anonymous principal.
const LOCAL_SENDER_ID = 'AIDALOCALSQSPRODUCER';
const STOP_GRACE_MS = 5_000;

// The event source mapping's reading of a function's response (docs: "Reporting batch item failures").
const BatchResponseSchema = z
  .object({
    batchItemFailures: z.array(z.object({ itemIdentifier: z.string().min(1) })).nullish(),
  })
  .nullish();

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

class QueueCore implements SqsBackend {
  readonly queueName: string;
  readonly maxMessageBytes: number;
  readonly queueArn: string;
  private readonly clock: Clock;
  private readonly messages = new Map<string, StoredMessage>();
  private readonly dead: DeadLetter[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly runningBatches = new Set<Promise<void>>();
  private counters = { sent: 0, invocations: 0, received: 0, deleted: 0 };
  private seq = 0;
  private pumpQueued = false;
  private wake: { at: number; cancel: () => void } | undefined;
  private stopped = false;

  constructor(private readonly options: LocalQueueOptions & { clock: Clock }) {
    this.queueName = options.queueName;
    this.clock = options.clock;
    this.maxMessageBytes = options.maxMessageBytes ?? 262_144;
    this.queueArn = `arn:aws:sqs:${localRegion()}:${LOCAL_ACCOUNT_ID}:${options.queueName}`;
  }

  private get visibilityMs(): number {
    return (this.options.visibilityTimeoutSeconds ?? 30) * 1000;
  }

  private get maxReceiveCount(): number {
    return this.options.maxReceiveCount ?? 5;
  }

  private emit(type: LocalQueueEvent['type'], message: StoredMessage, reason?: string): void {
    const event: LocalQueueEvent = {
      type,
      messageId: message.messageId,
      receiveCount: message.receiveCount,
      at: this.clock.now().getTime(),
      ...(reason === undefined ? {} : { reason }),
    };
    if (this.options.onEvent) {
      try {
        this.options.onEvent(event);
      } catch {
        // A broken observer must not stop delivery.
      }
    } else if (type === 'failed' && reason && !reason.startsWith('batchItemFailures')) {
      console.error(`[local-queue] ${this.queueName}: batch failed for ${message.messageId}: ${reason}`);
    }
  }

  // ------------------------------------------------------------------ SqsBackend

  send(input: SentMessage): string {
    const now = this.clock.now().getTime();
    const message: StoredMessage = {
      messageId: randomUUID(),
      seq: this.seq++,
      body: input.body,
      md5OfBody: md5Hex(input.body),
      sentTimestamp: now,
      firstReceiveTimestamp: undefined,
      receiveCount: 0,
      visibleAt: now + input.delaySeconds * 1000,
      receiptHandle: undefined,
    };
    this.messages.set(message.messageId, message);
    this.counters.sent++;
    this.emit('sent', message);
    this.schedulePump();
    return message.messageId;
  }

  // ------------------------------------------------------------------ delivery

  private remove(message: StoredMessage): void {
    if (!this.messages.delete(message.messageId)) return;
    this.counters.deleted++;
    this.emit('deleted', message);
    this.checkWaiters();
  }

  private schedulePump(): void {
    if (this.pumpQueued || this.stopped) return;
    this.pumpQueued = true;
    // Coalesces a burst of sends into one look at the queue, like a poll would.
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.stopped) return;
    const now = this.clock.now().getTime();
    for (const message of [...this.messages.values()]) {
      if (message.visibleAt <= now && message.receiveCount >= this.maxReceiveCount) {
        this.messages.delete(message.messageId);
        this.dead.push({
          messageId: message.messageId,
          body: message.body,
          receiveCount: message.receiveCount,
          sentTimestamp: message.sentTimestamp,
        });
        this.emit('dead-lettered', message);
      }
    }
    const maxConcurrency = this.options.maxConcurrency ?? 1;
    const batchSize = this.options.batchSize ?? 10;
    while (this.runningBatches.size < maxConcurrency) {
      const batch = [...this.messages.values()]
        .filter((message) => message.visibleAt <= now)
        .sort((a, b) => a.visibleAt - b.visibleAt || a.seq - b.seq)
        .slice(0, batchSize);
      if (batch.length === 0) break;
      const records = batch.map((message) => this.receive(message, now));
      const running = this.invoke(records).finally(() => {
        this.runningBatches.delete(running);
        this.pump();
      });
      this.runningBatches.add(running);
    }
    this.scheduleWake(now);
    this.checkWaiters();
  }

  private receive(message: StoredMessage, now: number): SQSRecord {
    message.receiveCount++;
    message.firstReceiveTimestamp ??= now;
    message.visibleAt = now + this.visibilityMs;
    message.receiptHandle = randomBytes(96).toString('base64');
    this.counters.received++;
    this.emit('received', message);
    return {
      messageId: message.messageId,
      receiptHandle: message.receiptHandle,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentTimestamp),
        SenderId: LOCAL_SENDER_ID,
        ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp),
      },
      messageAttributes: {},
      md5OfBody: message.md5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: this.queueArn,
      awsRegion: localRegion(),
    };
  }

  /** One invocation: returns after successes are deleted; failures just wait out their visibility. */
  private async invoke(records: SQSRecord[]): Promise<void> {
    this.counters.invocations++;
    const fn = this.options.functionName ?? 'booking-worker';
    const context = createLambdaContext(fn, { clock: this.clock });
    const timeoutMs = FUNCTIONS[fn].timeoutSeconds * 1000;
    const ids = new Set(records.map((record) => record.messageId));
    // The function gets its own copy, as it would after Lambda's JSON serialisation.
    const event: SQSEvent = JSON.parse(JSON.stringify({ Records: records }));

    let failed: Map<string, string>;
    let cancelTimer = () => {};
    try {
      const timedOut = new Promise<never>((_, reject) => {
        cancelTimer = this.clock.setTimer(
          () => reject(new Error(`Task timed out after ${timeoutMs / 1000} seconds`)),
          timeoutMs,
        );
      });
      const result = await Promise.race([
        Promise.resolve().then(() => this.options.consumer(event, context)),
        timedOut,
      ]);
      const parsed = BatchResponseSchema.safeParse(JSON.parse(JSON.stringify(result ?? null)));
      const failures = parsed.success ? (parsed.data?.batchItemFailures ?? []) : undefined;
      const unknown = failures?.find((failure) => !ids.has(failure.itemIdentifier));
      if (!failures || unknown) {
        // An unreadable response or an unknown itemIdentifier fails the whole batch, as in AWS.
        const why = unknown
          ? `batchItemFailures names ${unknown.itemIdentifier}, which is not in the batch`
          : 'malformed batch response';
        failed = new Map(records.map((record) => [record.messageId, why]));
      } else {
        failed = new Map(failures.map((failure) => [failure.itemIdentifier, 'batchItemFailures']));
      }
    } catch (error) {
      const why = describe(error);
      failed = new Map(records.map((record) => [record.messageId, why]));
    } finally {
      cancelTimer();
    }

    for (const record of records) {
      const message = this.messages.get(record.messageId);
      const reason = failed.get(record.messageId);
      if (reason !== undefined) {
        if (message) this.emit('failed', message, reason);
      } else if (message?.receiptHandle === record.receiptHandle) {
        this.remove(message);
      }
    }
  }

  private scheduleWake(now: number): void {
    let next: number | undefined;
    for (const message of this.messages.values()) {
      if (message.visibleAt > now && (next === undefined || message.visibleAt < next))
        next = message.visibleAt;
    }
    if (this.wake && this.wake.at === next) return;
    this.wake?.cancel();
    this.wake = undefined;
    if (next === undefined || this.stopped) return;
    const at = next;
    this.wake = {
      at,
      cancel: this.clock.setTimer(() => {
        if (this.wake?.at === at) this.wake = undefined;
        this.pump();
      }, at - now),
    };
  }

  // ------------------------------------------------------------------ observation

  stats(): LocalQueueStats {
    const now = this.clock.now().getTime();
    let visible = 0;
    let delayed = 0;
    let inFlight = 0;
    for (const message of this.messages.values()) {
      if (message.visibleAt <= now) visible++;
      else if (message.receiveCount === 0) delayed++;
      else inFlight++;
    }
    return {
      sent: this.counters.sent,
      visible,
      delayed,
      inFlight,
      running: this.runningBatches.size,
      invocations: this.counters.invocations,
      received: this.counters.received,
      deleted: this.counters.deleted,
      deadLettered: this.dead.length,
    };
  }

  deadLetters(): DeadLetter[] {
    return this.dead.map((letter) => ({ ...letter }));
  }

  isDrained(): boolean {
    return this.messages.size === 0 && this.runningBatches.size === 0 && !this.pumpQueued;
  }

  isSettled(): boolean {
    if (this.runningBatches.size > 0 || this.pumpQueued) return false;
    const now = this.clock.now().getTime();
    for (const message of this.messages.values()) if (message.visibleAt <= now) return false;
    return true;
  }

  waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(
            `local queue ${this.queueName} not ${what} after ${timeoutMs} ms: ${JSON.stringify(this.stats())}`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        done,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  private checkWaiters(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.done()) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.cancel();
    this.wake = undefined;
    const grace = new Promise<void>((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
    await Promise.race([Promise.allSettled([...this.runningBatches]), grace]);
    for (const waiter of this.waiters) waiter.reject(new Error(`local queue ${this.queueName} stopped`));
    this.waiters.clear();
  }
}

/** Starts the queue's SQS endpoint and its delivery loop. */
export async function startLocalQueue(options: LocalQueueOptions): Promise<LocalQueue> {
  const core = new QueueCore({ ...options, clock: options.clock ?? systemClock });
  const endpoint = await startSqsEndpoint(core, {
    accountId: LOCAL_ACCOUNT_ID,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
  });
  let stopping: Promise<void> | undefined;
  return {
    queueUrl: endpoint.queueUrl,
    endpoint: endpoint.endpoint,
    queueArn: core.queueArn,
    environment: { [ENV.BOOKING_QUEUE_URL]: endpoint.queueUrl, AWS_ENDPOINT_URL_SQS: endpoint.endpoint },
    stats: () => core.stats(),
    deadLetters: () => core.deadLetters(),
    drain: (timeoutMs = 10_000) => core.waitFor(() => core.isDrained(), timeoutMs, 'drained'),
    settled: (timeoutMs = 10_000) => core.waitFor(() => core.isSettled(), timeoutMs, 'settled'),
    stop() {
      stopping ??= core.stop().then(() => endpoint.close());
      return stopping;
    },
  };
}
