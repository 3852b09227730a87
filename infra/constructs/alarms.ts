import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionName } from '../routes.ts';
import type { StageConfig } from '../stages.ts';

const PERIOD = Duration.minutes(5);

export interface BookingAlarmsProps {
  readonly stage: StageConfig;
  readonly api: HttpApi;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly functions: Readonly<Record<FunctionName, IFunction>>;
  /** Subscribed to the alarm topic when given (context `alarmEmail`). */
  readonly alarmEmail?: string;
}

/** Alarms on the signals that mean a caller is let down, all notifying one SNS topic. */
export class BookingAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: BookingAlarmsProps) {
    super(scope, id);
    const { stage, functions } = props;
    const thresholds = stage.alarms;

    this.topic = new Topic(this, 'Topic', {
      displayName: `voice-booking ${stage.name} alarms`,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    this.add('DeadLetterQueueNotEmpty', {
      description:
        'A booking request failed 5 deliveries and is parked in the DLQ: book it by hand or redrive.',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
    });
    this.add('OldestBookingTooOld', {
      description:
        'The oldest booking request has waited too long: the worker is failing, throttled or over budget.',
      metric: props.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: thresholds.oldestBookingAge.toSeconds(),
    });
    this.add('BookingWorkerErrors', {
      description: 'The booking worker failed invocations (whole batches, not single bookings).',
      metric: functions['booking-worker'].metricErrors({ period: PERIOD, statistic: 'Sum' }),
      threshold: thresholds.workerErrors,
    });
    this.add('BookingSweeperErrors', {
      description: 'The booking sweeper (the net under lost SQS sends) is failing.',
      metric: functions['booking-sweeper'].metricErrors({ period: PERIOD, statistic: 'Sum' }),
      // More than one failed sweep in 5 minutes: a single failure can be a transient DynamoDB/SQS error.
      threshold: 1,
    });
    this.add('Api5xx', {
      description:
        'The HTTP API answered 5xx: Twilio or Vapi got an error instead of TwiML or a tool result.',
      metric: props.api.metricServerError({ period: PERIOD, statistic: 'Sum' }),
      threshold: thresholds.api5xx,
    });
    const throttles = Object.fromEntries(
      Object.values(functions).map((fn, index) => [
        `t${index}`,
        fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
      ]),
    );
    this.add('LambdaThrottles', {
      description: 'Lambda throttled invocations (account concurrency reached): callers may hear errors.',
      metric: new MathExpression({
        expression: `SUM([${Object.keys(throttles).join(', ')}])`,
        usingMetrics: throttles,
        period: PERIOD,
        label: 'Throttles, all functions',
      }),
      threshold: thresholds.throttles,
    });
  }

  private add(id: string, options: { description: string; metric: IMetric; threshold: number }): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
