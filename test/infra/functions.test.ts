import { App, Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppFunction } from '../../infra/constructs/app-function.ts';
import { FUNCTIONS, type FunctionName } from '../../infra/routes.ts';
import { readSettings, readStage, SettingsError, STAGES } from '../../infra/stages.ts';
import { ENV, SECRET_NAMES } from '../../shared/env.ts';
import { functionEnvironment, functionId, logicalId, resources, type Synth, synthApp } from './synth.ts';

const NAMES = Object.keys(FUNCTIONS) as FunctionName[];

/** Some settings given, the rest left out: given ones must arrive, missing ones must stay absent. */
const CONTEXT = {
  businessTimezone: 'Europe/Berlin',
  holdTtlSeconds: '240',
  twilioPhoneNumber: '+14155550123',
  vapiAssistantId: 'assistant-123',
  calendlyBookingsPerMinute: 8,
};

let synth: Synth;

beforeAll(() => {
  synth = synthApp({ context: CONTEXT });
});

const fnProps = (name: FunctionName) =>
  (synth.template.toJSON().Resources[functionId(synth, name)] as { Properties: Record<string, unknown> })
    .Properties;

describe('AppFunction', () => {
  it('deploys one Lambda per function folder', () => {
    expect(Object.keys(resources(synth.template, 'AWS::Lambda::Function'))).toHaveLength(NAMES.length);
  });

  it.each(NAMES)('runs %s on nodejs24.x arm64 with the timeout and memory of FUNCTIONS', (name) => {
    expect(fnProps(name)).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: FUNCTIONS[name].timeoutSeconds,
      MemorySize: FUNCTIONS[name].memoryMb,
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
    });
  });

  it.each(NAMES)('logs %s to its own log group with the stage retention', (name) => {
    const logGroupId = logicalId(synth, synth.stack.functions[name].logGroup);
    expect(fnProps(name).LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
    expect(
      (synth.template.toJSON().Resources[logGroupId] as { Properties: { RetentionInDays: number } })
        .Properties.RetentionInDays,
    ).toBe(STAGES.dev.logRetention);
  });

  it.each(NAMES)('sets Powertools and source-map environment on %s', (name) => {
    expect(functionEnvironment(synth, name)).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'voice-booking',
      POWERTOOLS_LOG_LEVEL: STAGES.dev.logLevel,
      POWERTOOLS_METRICS_NAMESPACE: STAGES.dev.metricsNamespace,
      NODE_OPTIONS: '--enable-source-maps',
    });
  });
});

describe('function environment', () => {
  it('passes context settings under their ENV names and leaves unset ones unset', () => {
    const environment = functionEnvironment(synth, 'vapi-tools');
    expect(environment).toMatchObject({
      [ENV.BUSINESS_TIMEZONE]: 'Europe/Berlin',
      [ENV.HOLD_TTL_SECONDS]: '240',
      [ENV.TWILIO_PHONE_NUMBER]: '+14155550123',
      [ENV.VAPI_ASSISTANT_ID]: 'assistant-123',
      [ENV.CALENDLY_BOOKINGS_PER_MINUTE]: '8',
    });
    for (const unset of [
      ENV.FALLBACK_PHONE_NUMBER,
      ENV.CALENDLY_EVENT_TYPE_URI,
      ENV.VAPI_PHONE_NUMBER_ID,
      ENV.CALENDLY_BOOKINGS_PER_HOUR,
    ]) {
      expect(environment).not.toHaveProperty(unset);
    }
  });

  it('never sets an empty string', () => {
    for (const name of NAMES) {
      for (const [key, value] of Object.entries(functionEnvironment(synth, name))) {
        expect(value, `${name} ${key}`).not.toBe('');
      }
    }
  });

  it('gives health no configuration at all', () => {
    expect(Object.keys(functionEnvironment(synth, 'health')).sort()).toEqual([
      'NODE_OPTIONS',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
    ]);
  });

  it('wires TABLE_NAME, BOOKING_QUEUE_URL and APP_SECRET_ID only where they are used', () => {
    const tableId = logicalId(synth, synth.stack.table.table);
    const queueId = logicalId(synth, synth.stack.bookingQueue.queue);
    const secretId = logicalId(synth, synth.stack.appSecret.secret);
    const wiring = Object.fromEntries(
      NAMES.map((name) => {
        const environment = functionEnvironment(synth, name);
        return [
          name,
          {
            table: environment.TABLE_NAME ? environment.TABLE_NAME : null,
            queue: environment.BOOKING_QUEUE_URL ? environment.BOOKING_QUEUE_URL : null,
            secret: environment.APP_SECRET_ID ? environment.APP_SECRET_ID : null,
          },
        ];
      }),
    );
    const table = { Ref: tableId };
    const queue = { Ref: queueId };
    const secret = { Ref: secretId };
    expect(wiring).toEqual({
      health: { table: null, queue: null, secret: null },
      'twilio-voice': { table, queue: null, secret },
      'vapi-tools': { table, queue, secret },
      'calendly-webhook': { table, queue: null, secret },
      'booking-worker': { table, queue, secret },
      // The sweeper reads the secret for the Twilio credentials of the voicemail texts it retries, and for the
      // Calendly token it refreshes the directory snapshot with.
      'booking-sweeper': { table, queue, secret },
    });
  });
});

describe('secrets in function environment', () => {
  it('puts no secret name in any function environment', () => {
    for (const name of NAMES) {
      const keys = Object.keys(functionEnvironment(synth, name));
      expect(
        keys.filter((key) => (SECRET_NAMES as readonly string[]).includes(key)),
        name,
      ).toEqual([]);
    }
  });

  it('refuses to put a secret name in a plain environment', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Guard');
    expect(
      () =>
        new AppFunction(stack, 'Leaky', {
          name: 'twilio-voice',
          stage: STAGES.dev,
          environment: { [ENV.TWILIO_AUTH_TOKEN]: 'not-a-real-token' },
        }),
    ).toThrow(/TWILIO_AUTH_TOKEN must not be in the environment/);
  });

  it('passes the secret by id only, never its value or a dynamic reference to it', () => {
    const secretString = (
      synth.template.toJSON().Resources[logicalId(synth, synth.stack.appSecret.secret)] as {
        Properties: { SecretString: string };
      }
    ).Properties.SecretString;
    for (const name of NAMES) {
      for (const [key, value] of Object.entries(functionEnvironment(synth, name))) {
        const text = JSON.stringify(value);
        expect(text, `${name} ${key}`).not.toContain('resolve:secretsmanager');
        expect(text, `${name} ${key}`).not.toContain('SecretString');
        expect(value, `${name} ${key}`).not.toBe(secretString);
        expect(text, `${name} ${key}`).not.toMatch(/REPLACE_ME/);
      }
    }
  });
});

describe('readSettings', () => {
  const nodeWith = (context: Record<string, unknown>) => new App({ context }).node;

  it('rejects malformed settings, naming every bad key', () => {
    expect(() =>
      readSettings(
        nodeWith({ holdTtlSeconds: 'five', fallbackPhoneNumber: '555-0100', businessTimezone: 'Mars/Base' }),
      ),
    ).toThrow(/holdTtlSeconds[\s\S]*fallbackPhoneNumber|fallbackPhoneNumber[\s\S]*holdTtlSeconds/);
  });

  it('refuses business hours the functions could not read, at synth', () => {
    expect(() => readSettings(nodeWith({ businessHours: 'mon-fri 9-5' }))).toThrow(
      /businessHours cannot read/,
    );
    expect(readSettings(nodeWith({ businessHours: 'mon-fri 09:00-17:00' })).environment).toMatchObject({
      BUSINESS_HOURS: 'mon-fri 09:00-17:00',
    });
  });

  it('passes call-record settings through and refuses malformed ones', () => {
    expect(
      readSettings(nodeWith({ callRecordRetentionDays: '30', callRecordTranscripts: 'true' })).environment,
    ).toMatchObject({ CALL_RECORD_RETENTION_DAYS: '30', CALL_RECORD_TRANSCRIPTS: 'true' });
    expect(() => readSettings(nodeWith({ callRecordTranscripts: 'on' }))).toThrow(
      /callRecordTranscripts must be true or false/,
    );
    expect(() => readSettings(nodeWith({ callRecordRetentionDays: '0' }))).toThrow(/callRecordRetentionDays/);
  });

  it('refuses at synth a Vapi credential plan the functions would refuse at cold start', () => {
    expect(() =>
      readSettings(nodeWith({ vapiAuthPlan: '{"type":"hmac","algorithm":"sha1","includeTimestamp":false}' })),
    ).toThrow(/vapiAuthPlan includeTimestamp false is not supported/);
    expect(
      readSettings(nodeWith({ vapiAuthPlan: '{"type":"hmac","algorithm":"sha512"}' })).environment,
    ).toEqual({
      VAPI_AUTH_PLAN: '{"type":"hmac","algorithm":"sha512"}',
    });
  });

  it('refuses to make a prod stack without the alarm email and the phone number, saying why', () => {
    const prod = STAGES.prod;
    expect(() => readSettings(nodeWith({}), prod)).toThrow(SettingsError);
    expect(() => readSettings(nodeWith({}), prod)).toThrow(
      /needs -c alarmEmail=[\s\S]*needs -c twilioPhoneNumber=/,
    );
    expect(
      readSettings(nodeWith({ alarmEmail: 'ops@example.com', twilioPhoneNumber: '+14155550100' }), prod),
    ).toMatchObject({
      alarmEmail: 'ops@example.com',
    });
    expect(readSettings(nodeWith({}), STAGES.dev)).toEqual({ environment: {} });
  });

  it('treats a blank context value as unset', () => {
    expect(readSettings(nodeWith({ fallbackPhoneNumber: ' ' })).environment).toEqual({});
  });

  it('reads the alarm email separately from the function environment', () => {
    const settings = readSettings(nodeWith({ alarmEmail: 'ops@example.com' }));
    expect(settings).toEqual({ environment: {}, alarmEmail: 'ops@example.com' });
  });
});

describe('readStage', () => {
  it('defaults to dev and rejects unknown stages', () => {
    expect(readStage(new App().node).name).toBe('dev');
    expect(readStage(new App({ context: { stage: 'prod' } }).node).name).toBe('prod');
    expect(() => readStage(new App({ context: { stage: 'staging' } }).node)).toThrow(/dev, prod/);
  });
});
