import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type FunctionName, VAPI_SERVER_TIMEOUT_SECONDS } from '../routes.ts';
import type { StageConfig } from '../stages.ts';
import { SERVICE_NAME } from './app-function.ts';

const PERIOD = Duration.minutes(5);

/**
 * Rates of the business metrics that mean "the phone line is failing" although every answer is a 200: a
 * caller who reaches voicemail instead of the assistant, a tool that crashed, a calendar out of reach. Each
 * counts only once a few calls or tool calls happened in the period, so one unlucky call pages nobody.
 */
const RATE_ALARMS = [
  {
    id: 'CallFallbackRate',
    failed: 'CallFallback',
    total: ['CallFallback', 'CallHandedToVapi'],
    minimum: 3,
    percent: 50,
    description:
      'Most calls got our fallback TwiML (voicemail or a human) instead of the assistant: Vapi is failing, slow or unconfigured.',
  },
  {
    id: 'ToolCrashRate',
    failed: 'ToolCrashed',
    total: ['ToolCalled'],
    minimum: 5,
    percent: 10,
    description: 'Tool calls crash: callers hear "something went wrong" instead of times and bookings.',
  },
  {
    id: 'ToolCalendarUnavailableRate',
    failed: 'ToolCalendarUnavailable',
    total: ['ToolCalled'],
    minimum: 5,
    percent: 25,
    description:
      'Tool calls cannot reach Calendly (timeouts, 5xx, token or scope problems): callers hear no times.',
  },
] as const;

/** twilio-voice hands over within about 4 s; slower than this, callers ring long and many get the fallback. */
const VOICE_P99_LIMIT_SECONDS = 5;

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
  /** Calls, bookings, fallbacks, failures and latency on one page. */
  readonly dashboard: Dashboard;

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

    const business = (metricName: string) =>
      new Metric({
        namespace: stage.metricsNamespace,
        metricName,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: 'Sum',
        period: PERIOD,
      });
    for (const rate of RATE_ALARMS) {
      // The failed metric may be part of the total: it is then referred to once, as `f`.
      const ids = rate.total.map((name, index) => (name === rate.failed ? 'f' : `t${index}`));
      const totals = Object.fromEntries(
        rate.total.flatMap((name, index) => (name === rate.failed ? [] : [[`t${index}`, business(name)]])),
      );
      const total = `(${ids.map((id) => `FILL(${id}, 0)`).join(' + ')})`;
      this.add(rate.id, {
        description: rate.description,
        metric: new MathExpression({
          expression: `IF(${total} >= ${rate.minimum}, 100 * FILL(f, 0) / ${total}, 0)`,
          usingMetrics: { f: business(rate.failed), ...totals },
          period: PERIOD,
          label: `${rate.failed}, % of ${rate.total.join(' + ')}`,
        }),
        threshold: rate.percent,
      });
    }
    for (const name of ['twilio-voice', 'vapi-tools'] as const) {
      this.add(`${pascal(name)}Errors`, {
        description: `${name} failed invocations: callers heard an error or silence instead of an answer.`,
        metric: functions[name].metricErrors({ period: PERIOD, statistic: 'Sum' }),
        threshold: thresholds.callPathErrors,
      });
    }
    this.add('ToolLatencyP99', {
      description: `vapi-tools p99 is over half of Vapi's ${VAPI_SERVER_TIMEOUT_SECONDS} s tool timeout: callers wait in silence, and some tool calls time out.`,
      metric: functions['vapi-tools'].metricDuration({ period: PERIOD, statistic: 'p99' }),
      threshold: (VAPI_SERVER_TIMEOUT_SECONDS * 1000) / 2,
    });
    this.add('VoiceLatencyP99', {
      description: `twilio-voice p99 is over ${VOICE_P99_LIMIT_SECONDS} s: callers ring long and get the fallback instead of the assistant.`,
      metric: functions['twilio-voice'].metricDuration({ period: PERIOD, statistic: 'p99' }),
      threshold: VOICE_P99_LIMIT_SECONDS * 1000,
    });

    const latency = (name: FunctionName) =>
      ['p50', 'p99'].map((statistic) =>
        functions[name].metricDuration({ period: PERIOD, statistic, label: `${name} ${statistic}` }),
      );
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `voice-booking-${stage.name}`,
      widgets: [
        [
          new GraphWidget({
            title: 'Calls',
            left: ['CallHandedToVapi', 'CallFallback', 'CallWebhookRepeated', 'CallEnded'].map(business),
          }),
          new GraphWidget({
            title: 'Bookings',
            left: ['BookingConfirmed', 'BookingReconciled', 'BookingDeferred', 'BookingFailed'].map(business),
          }),
        ],
        [
          new GraphWidget({
            title: 'Failures',
            left: ['ToolCrashed', 'ToolCalendarUnavailable', 'ToolOutOfTime', 'WebhookRejected'].map(
              business,
            ),
            right: [business('ToolCalled')],
          }),
          new GraphWidget({
            title: 'Latency (ms)',
            left: [...latency('vapi-tools'), ...latency('twilio-voice')],
          }),
        ],
        [new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
      ],
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

/** "vapi-tools" -> "VapiTools". */
function pascal(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_match, _dash, letter: string) => letter.toUpperCase());
}
