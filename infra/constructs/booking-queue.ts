import { Duration } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from '../stages.ts';

/** Deliveries before a booking request is parked in the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;
/** Messages per worker invocation; small, so one slow Calendly call delays few bookings. */
export const WORKER_BATCH_SIZE = 5;
/** Concurrent worker invocations: Calendly allows about 10 bookings a minute per user, so keep it narrow. */
export const WORKER_MAX_CONCURRENCY = 2;

export interface BookingQueueProps {
  readonly stage: StageConfig;
  /** Timeout of the consuming function; the visibility timeout is six times it (AWS guidance for Lambda). */
  readonly consumerTimeout: Duration;
}

/** The booking queue the worker drains, with a dead-letter queue for requests that keep failing. */
export class BookingQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: BookingQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: props.stage.removalPolicy,
    });
    this.queue = new Queue(this, 'Queue', {
      // Six times the worker timeout: a message is never visible again while an invocation may still hold it.
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      // The worker re-enqueues bookings over the Calendly budget; four days is plenty for them to drain.
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: props.stage.removalPolicy,
    });
  }

  /** sqs:SendMessage only (grantSendMessages would add GetQueueAttributes/GetQueueUrl we never call). */
  grantSend(grantee: IGrantable): void {
    Grant.addToPrincipal({ grantee, actions: ['sqs:SendMessage'], resourceArns: [this.queue.queueArn] });
  }

  /** Wires the worker: partial batch failures, small batches, at most two concurrent invocations. */
  attachWorker(worker: IFunction): void {
    worker.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: WORKER_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency: WORKER_MAX_CONCURRENCY,
      }),
    );
  }
}
