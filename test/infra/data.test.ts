import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionName } from '../../infra/routes.ts';
import { STAGES } from '../../infra/stages.ts';
import { TABLE_SCHEMA } from '../../shared/adapters/dynamodb/table-schema.ts';
import { SECRET_NAMES } from '../../shared/env.ts';
import { functionId, logicalId, resources, type Synth, synthApp } from './synth.ts';

let dev: Synth;
let prod: Synth;

beforeAll(() => {
  dev = synthApp();
  prod = synthApp({
    context: { stage: 'prod', alarmEmail: 'ops@example.com', twilioPhoneNumber: '+14155550100' },
  });
});

const resourceOf = (synth: Synth, construct: { node: { defaultChild?: unknown } }) =>
  synth.template.toJSON().Resources[logicalId(synth, construct)] as {
    Properties: Record<string, unknown>;
    DeletionPolicy?: string;
  };

describe('BookingTable', () => {
  it('builds the table of TABLE_SCHEMA: on demand, TTL, point-in-time recovery, pending index', () => {
    const { partitionKey, sortKey, ttlAttribute, pendingIndex } = TABLE_SCHEMA;
    dev.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: pendingIndex.name,
          KeySchema: [
            { AttributeName: pendingIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: pendingIndex.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  it('is destroyed with a dev stack', () => {
    const table = resourceOf(dev, dev.stack.table.table);
    expect(table.DeletionPolicy).toBe('Delete');
    expect(table.Properties.DeletionProtectionEnabled).toBe(false);
  });

  it('is retained and deletion-protected in prod', () => {
    const table = resourceOf(prod, prod.stack.table.table);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
  });
});

describe('BookingQueue', () => {
  it('parks a booking in the dead-letter queue after 5 receives and keeps it 14 days', () => {
    const queue = resourceOf(dev, dev.stack.bookingQueue.queue);
    const deadLetterQueue = resourceOf(dev, dev.stack.bookingQueue.deadLetterQueue);
    expect(queue.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(dev, dev.stack.bookingQueue.deadLetterQueue), 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(deadLetterQueue.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it('keeps a message invisible for at least six worker timeouts', () => {
    const queue = resourceOf(dev, dev.stack.bookingQueue.queue);
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(
      6 * FUNCTIONS['booking-worker'].timeoutSeconds,
    );
  });

  it('encrypts both queues and denies non-TLS access to them', () => {
    for (const construct of [dev.stack.bookingQueue.queue, dev.stack.bookingQueue.deadLetterQueue]) {
      expect(resourceOf(dev, construct).Properties.SqsManagedSseEnabled).toBe(true);
      dev.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalId(dev, construct) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });
});

describe('booking worker event source', () => {
  it('feeds the booking queue to the worker in small batches with partial batch failures and 2 at a time', () => {
    const mappings = Object.values(resources(dev.template, 'AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toEqual(
      expect.objectContaining({
        EventSourceArn: { 'Fn::GetAtt': [logicalId(dev, dev.stack.bookingQueue.queue), 'Arn'] },
        FunctionName: { Ref: functionId(dev, 'booking-worker') },
        BatchSize: 5,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
      }),
    );
  });
});

describe('SweeperSchedule', () => {
  it('runs the booking sweeper every 2 minutes without overlapping retries', () => {
    dev.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(2 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId(dev, 'booking-sweeper'), 'Arn'] } })],
    });
    dev.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId(dev, 'booking-sweeper') },
      MaximumRetryAttempts: 0,
    });
  });
});

describe('AppSecret', () => {
  it('starts as a JSON object of every secret name set to null, with nothing generated', () => {
    const secret = resourceOf(dev, dev.stack.appSecret.secret);
    expect(secret.Properties.GenerateSecretString).toBeUndefined();
    const placeholder = JSON.parse(secret.Properties.SecretString as string) as Record<string, unknown>;
    expect(Object.keys(placeholder).sort()).toEqual([...SECRET_NAMES].sort());
    expect(Object.values(placeholder).every((value) => value === null)).toBe(true);
  });

  it('is retained in prod and destroyed with a dev stack', () => {
    expect(resourceOf(dev, dev.stack.appSecret.secret).DeletionPolicy).toBe('Delete');
    expect(resourceOf(prod, prod.stack.appSecret.secret).DeletionPolicy).toBe('Retain');
  });
});

describe('log retention per stage', () => {
  it('keeps prod logs three months and retains them with the stack', () => {
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const logGroup = resourceOf(prod, prod.stack.functions[name].logGroup);
      expect(logGroup.Properties.RetentionInDays).toBe(STAGES.prod.logRetention);
      expect(logGroup.DeletionPolicy).toBe('Retain');
    }
  });
});

describe('BookingAlarms', () => {
  const alarmFor = (synth: Synth, metricName: string, dimension: unknown) =>
    Object.values(resources(synth.template, 'AWS::CloudWatch::Alarm')).filter(
      (alarm) =>
        alarm.Properties?.MetricName === metricName &&
        JSON.stringify(alarm.Properties?.Dimensions).includes(JSON.stringify(dimension)),
    );

  it('alarms as soon as one message is in the dead-letter queue', () => {
    const dlq = logicalId(prod, prod.stack.bookingQueue.deadLetterQueue);
    const [alarm] = alarmFor(prod, 'ApproximateNumberOfMessagesVisible', {
      'Fn::GetAtt': [dlq, 'QueueName'],
    });
    expect(alarm?.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('alarms on booking worker errors, API 5xx and the age of the oldest booking', () => {
    expect(alarmFor(prod, 'Errors', { Ref: functionId(prod, 'booking-worker') })).toHaveLength(1);
    expect(
      alarmFor(prod, '5xx', { Ref: logicalId(prod, prod.stack.api.httpApi) })[0]?.Properties?.Namespace,
    ).toBe('AWS/ApiGateway');
    const [oldest] = alarmFor(prod, 'ApproximateAgeOfOldestMessage', {
      'Fn::GetAtt': [logicalId(prod, prod.stack.bookingQueue.queue), 'QueueName'],
    });
    expect(oldest?.Properties?.Threshold).toBe(STAGES.prod.alarms.oldestBookingAge.toSeconds());
  });

  it('alarms on throttles summed over every function', () => {
    const [alarm] = Object.values(resources(prod.template, 'AWS::CloudWatch::Alarm')).filter((candidate) =>
      JSON.stringify(candidate.Properties?.Metrics ?? []).includes('"Expression":"SUM('),
    );
    const metrics = alarm?.Properties?.Metrics as {
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Dimensions: { Value: { Ref: string } }[] } };
    }[];
    expect(metrics.find((metric) => metric.Expression)?.Expression).toMatch(/^SUM\(/);
    const throttled = metrics
      .filter((metric) => metric.MetricStat?.Metric.MetricName === 'Throttles')
      .map((metric) => metric.MetricStat?.Metric.Dimensions[0]?.Value.Ref);
    expect(throttled.sort()).toEqual(
      (Object.keys(FUNCTIONS) as FunctionName[]).map((name) => functionId(prod, name)).sort(),
    );
  });

  it('notifies one TLS-only topic from every alarm', () => {
    const topicId = logicalId(prod, prod.stack.alarms.topic);
    for (const alarm of Object.values(resources(prod.template, 'AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties?.AlarmActions).toEqual([{ Ref: topicId }]);
    }
    prod.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  const businessAlarm = (id: string) => {
    const alarm = prod.template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { AlarmDescription: Match.anyValue() },
    });
    return Object.entries(alarm).find(([logical]) => logical.includes(id))?.[1]?.Properties as
      | {
          Threshold: number;
          Metrics: {
            Id: string;
            Expression?: string;
            MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: unknown[] } };
          }[];
        }
      | undefined;
  };

  it.each([
    ['CallFallbackRate', 'CallFallback', ['CallFallback', 'CallHandedToVapi'], 50],
    ['ToolCrashRate', 'ToolCrashed', ['ToolCrashed', 'ToolCalled'], 10],
    ['ToolCalendarUnavailableRate', 'ToolCalendarUnavailable', ['ToolCalendarUnavailable', 'ToolCalled'], 25],
  ])(
    'alarms on the %s of the business metrics, which answer 200 while the line fails',
    (id, failed, metrics, percent) => {
      const alarm = businessAlarm(id);
      expect(alarm?.Threshold).toBe(percent);
      const stats = alarm?.Metrics.filter((metric) => metric.MetricStat) ?? [];
      expect(stats.map((metric) => metric.MetricStat?.Metric.MetricName).sort()).toEqual([...metrics].sort());
      for (const metric of stats) {
        expect(metric.MetricStat?.Metric).toMatchObject({
          Namespace: STAGES.prod.metricsNamespace,
          Dimensions: [{ Name: 'service', Value: 'voice-booking' }],
        });
      }
      const expression = alarm?.Metrics.find((metric) => metric.Expression)?.Expression ?? '';
      expect(expression).toMatch(/^IF\(.* >= \d+, 100 \* FILL\(f, 0\) \/ /);
      expect(stats.find((metric) => metric.Id === 'f')?.MetricStat?.Metric.MetricName).toBe(failed);
    },
  );

  it("alarms on call-path function errors and on p99 latency against the vendors' timeouts", () => {
    for (const name of ['twilio-voice', 'vapi-tools'] as const) {
      expect(alarmFor(prod, 'Errors', { Ref: functionId(prod, name) })[0]?.Properties?.Threshold).toBe(0);
    }
    const [tools] = alarmFor(prod, 'Duration', { Ref: functionId(prod, 'vapi-tools') });
    expect(tools?.Properties).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 10_000 });
    const [voice] = alarmFor(prod, 'Duration', { Ref: functionId(prod, 'twilio-voice') });
    expect(voice?.Properties).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 5_000 });
  });

  it('draws calls, bookings, failures, latency and every alarm on one dashboard', () => {
    const dashboards = resources(prod.template, 'AWS::CloudWatch::Dashboard');
    expect(Object.keys(dashboards)).toHaveLength(1);
    const body = JSON.stringify(Object.values(dashboards)[0]?.Properties?.DashboardBody);
    for (const words of [
      'Calls',
      'Bookings',
      'Failures',
      'Latency',
      'CallFallback',
      'BookingConfirmed',
      'ToolCrashed',
      'p99',
    ]) {
      expect(body).toContain(words);
    }
    // The alarm status widget lists every alarm by its ARN.
    for (const alarmId of Object.keys(resources(prod.template, 'AWS::CloudWatch::Alarm'))) {
      expect(body).toContain(`"${alarmId}","Arn"`);
    }
  });

  it('subscribes the alarm email only when one is given', () => {
    dev.template.resourceCountIs('AWS::SNS::Subscription', 0);
    prod.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: logicalId(prod, prod.stack.alarms.topic) },
    });
  });
});
