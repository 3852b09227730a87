import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionName } from '../../infra/routes.ts';
import { logicalId, resources, type Synth, synthApp } from './synth.ts';

const NAMES = Object.keys(FUNCTIONS) as FunctionName[];

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

let synth: Synth;
/** logical id -> what it is, so statements read as "actions on the table" rather than on a hash. */
let targets: Map<string, string>;

beforeAll(() => {
  synth = synthApp();
  const { stack } = synth;
  targets = new Map([
    [logicalId(synth, stack.table.table), 'table'],
    [logicalId(synth, stack.bookingQueue.queue), 'queue'],
    [logicalId(synth, stack.bookingQueue.deadLetterQueue), 'deadLetterQueue'],
    [logicalId(synth, stack.appSecret.secret), 'secret'],
    [logicalId(synth, stack.voicemails.topic), 'voicemailTopic'],
  ]);
  for (const name of NAMES) targets.set(logicalId(synth, stack.functions[name].logGroup), `logGroup:${name}`);
});

/** Names one IAM Resource entry: '*', 'table', 'table/index/pending', 'queue', 'secret', 'ownLogGroup'... */
function describeResource(resource: unknown): string {
  if (resource === '*') return '*';
  const json = resource as Record<string, unknown>;
  if (typeof json.Ref === 'string') return targets.get(json.Ref) ?? `?${json.Ref}`;
  const getAtt = json['Fn::GetAtt'] as string[] | undefined;
  if (getAtt?.[0]) return targets.get(getAtt[0]) ?? `?${getAtt[0]}`;
  const join = json['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map((part) => (typeof part === 'string' ? part : describeResource(part))).join('');
  return JSON.stringify(resource);
}

/** Every allowed action of a function's role, grouped by the resource it applies to. */
function accessOf(name: FunctionName): Record<string, string[]> {
  const roleId = logicalId(synth, synth.stack.functions[name].role);
  const policies = Object.values(resources(synth.template, 'AWS::IAM::Policy')).filter((policy) =>
    ((policy.Properties?.Roles ?? []) as { Ref: string }[]).some((role) => role.Ref === roleId),
  );
  const access: Record<string, string[]> = {};
  for (const policy of policies) {
    const document = policy.Properties?.PolicyDocument as { Statement: Statement[] };
    for (const statement of document.Statement) {
      expect(statement.Effect).toBe('Allow');
      for (const resource of [statement.Resource].flat()) {
        const described = describeResource(resource);
        const key = described === `logGroup:${name}` ? 'ownLogGroup' : described;
        access[key] = [...(access[key] ?? []), ...[statement.Action].flat()].sort();
      }
    }
  }
  return access;
}

const BASELINE = {
  ownLogGroup: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  '*': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
};
const SECRET_READ = { secret: ['secretsmanager:GetSecretValue'] };
const VOICEMAIL_PUBLISH = { voicemailTopic: ['sns:Publish'] };
const dynamo = (...actions: string[]) => actions.map((action) => `dynamodb:${action}`).sort();

describe('function roles', () => {
  it.each([
    ['health', { ...BASELINE }],
    // Records and ends calls, reads and releases holds, stores voicemails: no Put, Delete, ConditionCheck
    // or Query; publishes each voicemail's alert.
    [
      'twilio-voice',
      { ...BASELINE, ...SECRET_READ, table: dynamo('GetItem', 'UpdateItem'), ...VOICEMAIL_PUBLISH },
    ],
    [
      'vapi-tools',
      {
        ...BASELINE,
        ...SECRET_READ,
        table: dynamo('ConditionCheckItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'),
        queue: ['sqs:SendMessage'],
      },
    ],
    // Cancels bookings, mirrors invitees and invalidates cached days with Updates and Deletes: no Put,
    // ConditionCheck or Query.
    [
      'calendly-webhook',
      { ...BASELINE, ...SECRET_READ, table: dynamo('DeleteItem', 'GetItem', 'UpdateItem') },
    ],
    [
      'booking-worker',
      {
        ...BASELINE,
        ...SECRET_READ,
        table: dynamo('ConditionCheckItem', 'DeleteItem', 'GetItem', 'UpdateItem'),
        // SendMessage to re-enqueue; the rest is what the SQS event source mapping needs to consume.
        queue: [
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:ReceiveMessage',
          'sqs:SendMessage',
        ],
      },
    ],
    [
      'booking-sweeper',
      {
        ...BASELINE,
        // Reads the pending index and marks the voicemail alerts it retries (texting needs the secret);
        // reads the directory snapshot and stores a fresh one (Calendly's token is in the secret).
        ...SECRET_READ,
        table: dynamo('GetItem', 'UpdateItem'),
        'table/index/pending': ['dynamodb:Query'],
        queue: ['sqs:SendMessage'],
        ...VOICEMAIL_PUBLISH,
      },
    ],
  ] as [FunctionName, Record<string, string[]>][])('grants %s exactly what it needs', (name, expected) => {
    expect(accessOf(name)).toEqual(expected);
  });

  it('grants no Scan, Batch*, PartiQL or wildcard action anywhere', () => {
    for (const policy of Object.values(resources(synth.template, 'AWS::IAM::Policy'))) {
      const document = policy.Properties?.PolicyDocument as { Statement: Statement[] };
      for (const action of document.Statement.flatMap((statement) => [statement.Action].flat())) {
        expect(action).not.toMatch(/\*|Scan|Batch|PartiQL|DeleteTable|UpdateTable/);
      }
    }
  });

  it('uses a wildcard resource only for X-Ray, which has no resource-level permissions', () => {
    for (const policy of Object.values(resources(synth.template, 'AWS::IAM::Policy'))) {
      const document = policy.Properties?.PolicyDocument as { Statement: Statement[] };
      for (const statement of document.Statement.filter((candidate) => candidate.Resource === '*')) {
        for (const action of [statement.Action].flat()) expect(action).toMatch(/^xray:/);
      }
    }
  });

  it('lets only the booking producers send to the booking queue', () => {
    const senders = NAMES.filter((name) => accessOf(name).queue?.includes('sqs:SendMessage'));
    expect(senders.sort()).toEqual(['booking-sweeper', 'booking-worker', 'vapi-tools']);
  });

  it('gives each role a Lambda trust policy and no managed policies', () => {
    for (const role of Object.values(resources(synth.template, 'AWS::IAM::Role'))) {
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties?.AssumeRolePolicyDocument).toEqual({
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
        ],
        Version: '2012-10-17',
      });
    }
  });
});

describe('voicemail topic', () => {
  it('is handed to the two functions that publish to it, and nobody else', () => {
    const arn = { Ref: logicalId(synth, synth.stack.voicemails.topic) };
    for (const name of NAMES) {
      const variables = (
        synth.template.toJSON().Resources[logicalId(synth, synth.stack.functions[name].function)] as {
          Properties: { Environment?: { Variables?: Record<string, unknown> } };
        }
      ).Properties.Environment?.Variables;
      const expected = name === 'twilio-voice' || name === 'booking-sweeper' ? arn : undefined;
      expect(variables?.NOTIFY_TOPIC_ARN).toEqual(expected);
    }
  });

  it('enforces TLS, and gets the email subscription -c notifyEmail asks for', () => {
    const withEmail = synthApp({ context: { notifyEmail: 'desk@example.com' } });
    const subscriptions = Object.values(resources(withEmail.template, 'AWS::SNS::Subscription'));
    expect(subscriptions.map((subscription) => subscription.Properties)).toContainEqual({
      Protocol: 'email',
      Endpoint: 'desk@example.com',
      TopicArn: { Ref: logicalId(withEmail, withEmail.stack.voicemails.topic) },
    });
    const policies = Object.values(resources(synth.template, 'AWS::SNS::TopicPolicy'));
    expect(JSON.stringify(policies)).toContain('aws:SecureTransport');
  });
});
