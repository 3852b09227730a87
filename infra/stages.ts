/**
 * Deployment stages and the non-secret settings read from CDK context (`-c stage=prod -c businessTimezone=...`).
 * Everything that differs between dev and prod lives in STAGES, so the stack itself has no `if (prod)`.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { isValidPhoneNumber } from 'libphonenumber-js/min';
import { parseBusinessHours } from '../shared/domain/business-hours.ts';
import { ENV, type EnvName, type SecretName } from '../shared/env.ts';
import { VapiAuthPlanSchema } from '../shared/webhooks/vapi-auth.ts';

export const STAGE_NAMES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** Alarm thresholds; an alarm fires when its metric goes above the number. */
export interface AlarmThresholds {
  /** booking-worker errors in 5 minutes (each one is a booking retried or sent to the DLQ). */
  readonly workerErrors: number;
  /** API Gateway 5xx responses in 5 minutes. */
  readonly api5xx: number;
  /** Lambda throttles across all functions in 5 minutes. */
  readonly throttles: number;
  /** Age of the oldest booking waiting in the queue (a caller is waiting for that SMS). */
  readonly oldestBookingAge: Duration;
  /** twilio-voice or vapi-tools failed invocations in 5 minutes (the caller heard an error or silence). */
  readonly callPathErrors: number;
}

export interface StageConfig {
  readonly name: StageName;
  /** POWERTOOLS_LOG_LEVEL of every function. */
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Retention of function and API access logs. */
  readonly logRetention: RetentionDays;
  /** Applied to everything that holds data: table, secret, queues, log groups. */
  readonly removalPolicy: RemovalPolicy;
  readonly tableDeletionProtection: boolean;
  /** CloudWatch namespace of the business metrics; per stage so dev traffic never moves prod graphs. */
  readonly metricsNamespace: string;
  /** Default-stage throttling of the HTTP API (requests per second, burst). */
  readonly apiThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly alarms: AlarmThresholds;
  /** Context keys the stage will not synthesize without (each with why it is needed). */
  readonly requiredSettings: Readonly<Partial<Record<SettingKey | 'alarmEmail', string>>>;
}

export const STAGES = {
  dev: {
    name: 'dev',
    logLevel: 'DEBUG',
    logRetention: RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
    tableDeletionProtection: false,
    metricsNamespace: 'VoiceBookingDev',
    apiThrottle: { rateLimit: 10, burstLimit: 20 },
    alarms: {
      workerErrors: 5,
      api5xx: 10,
      throttles: 5,
      oldestBookingAge: Duration.minutes(30),
      callPathErrors: 5,
    },
    requiredSettings: {},
  },
  prod: {
    name: 'prod',
    logLevel: 'INFO',
    logRetention: RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.RETAIN,
    tableDeletionProtection: true,
    metricsNamespace: 'VoiceBooking',
    // A small business takes a few calls at once; each call is a handful of webhooks per second at most.
    apiThrottle: { rateLimit: 50, burstLimit: 100 },
    alarms: {
      workerErrors: 0,
      api5xx: 0,
      throttles: 0,
      oldestBookingAge: Duration.minutes(15),
      callPathErrors: 0,
    },
    requiredSettings: {
      alarmEmail: 'where alarms are sent; without it a failing phone line pages nobody',
      twilioPhoneNumber: 'the number callers dial, and the sender of every confirmation SMS',
    },
  },
} as const satisfies Record<StageName, StageConfig>;

/** Reads `-c stage=dev|prod` (default dev). */
export function readStage(node: Node): StageConfig {
  const raw = node.tryGetContext('stage') ?? 'dev';
  if (!STAGE_NAMES.includes(raw)) {
    throw new SettingsError([
      `context stage must be one of ${STAGE_NAMES.join(', ')}, got ${JSON.stringify(raw)}`,
    ]);
  }
  return STAGES[raw as StageName];
}

type Validator = (value: string) => string | undefined;

const integerIn =
  (min: number, max: number): Validator =>
  (value) =>
    /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max
      ? undefined
      : `must be an integer from ${min} to ${max}`;
// Numbers people type are checked against the full numbering plan here, at synth time, so a typo fails the
// deploy instead of a call; the functions only re-check the E.164 shape.
const e164: Validator = (value) =>
  value.startsWith('+') && isValidPhoneNumber(value)
    ? undefined
    : 'must be a valid E.164 number like +14155550123';
const nonEmpty: Validator = () => undefined;
// The runtime's own reader, so hours the functions could not read fail the deploy instead.
const hoursOfBusiness: Validator = (value) => {
  const parsed = parseBusinessHours(value);
  return parsed.ok ? undefined : parsed.problem;
};
const trueOrFalse: Validator = (value) =>
  value === 'true' || value === 'false' ? undefined : 'must be true or false';
const httpsUrl: Validator = (value) =>
  URL.canParse(value) && new URL(value).protocol === 'https:' ? undefined : 'must be an https URL';
// The runtime's own schema, so a plan that would fail every cold start fails the deploy instead.
const vapiAuthPlan: Validator = (value) => {
  let plan: unknown;
  try {
    plan = JSON.parse(value);
  } catch {
    return 'must be JSON, e.g. {"type":"hmac","algorithm":"sha512"}';
  }
  const parsed = VapiAuthPlanSchema.safeParse(plan);
  if (parsed.success) return undefined;
  return parsed.error.issues.map((issue) => `${issue.path.join('.') || 'plan'} ${issue.message}`).join('; ');
};
const ianaZone: Validator = (value) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return value.includes('/') || value === 'UTC' ? undefined : 'must be an IANA time zone';
  } catch {
    return 'must be an IANA time zone like America/New_York';
  }
};

/**
 * Context keys that become function environment variables. Secret names are excluded by type: a secret
 * passed with `-c` would end up in plain text in the template.
 */
export const SETTINGS = {
  businessTimezone: { env: ENV.BUSINESS_TIMEZONE, validate: ianaZone },
  fallbackPhoneNumber: { env: ENV.FALLBACK_PHONE_NUMBER, validate: e164 },
  businessHours: { env: ENV.BUSINESS_HOURS, validate: hoursOfBusiness },
  notifyPhoneNumber: { env: ENV.NOTIFY_PHONE_NUMBER, validate: e164 },
  holdTtlSeconds: { env: ENV.HOLD_TTL_SECONDS, validate: integerIn(30, 3600) },
  callRecordRetentionDays: { env: ENV.CALL_RECORD_RETENTION_DAYS, validate: integerIn(1, 3650) },
  callRecordTranscripts: { env: ENV.CALL_RECORD_TRANSCRIPTS, validate: trueOrFalse },
  calendlyEventTypeUri: { env: ENV.CALENDLY_EVENT_TYPE_URI, validate: httpsUrl },
  twilioPhoneNumber: { env: ENV.TWILIO_PHONE_NUMBER, validate: e164 },
  vapiAssistantId: { env: ENV.VAPI_ASSISTANT_ID, validate: nonEmpty },
  vapiPhoneNumberId: { env: ENV.VAPI_PHONE_NUMBER_ID, validate: nonEmpty },
  vapiAuthPlan: { env: ENV.VAPI_AUTH_PLAN, validate: vapiAuthPlan },
  calendlyBookingsPerMinute: { env: ENV.CALENDLY_BOOKINGS_PER_MINUTE, validate: integerIn(1, 10_000) },
  calendlyBookingsPerHour: { env: ENV.CALENDLY_BOOKINGS_PER_HOUR, validate: integerIn(1, 100_000) },
  calendlyBookingsPerDay: { env: ENV.CALENDLY_BOOKINGS_PER_DAY, validate: integerIn(1, 1_000_000) },
} as const satisfies Record<string, { env: Exclude<EnvName, SecretName>; validate: Validator }>;

export type SettingKey = keyof typeof SETTINGS;

export interface AppSettings {
  /** Function environment from context; a key that was not given is absent (never an empty string). */
  readonly environment: Readonly<Partial<Record<EnvName, string>>>;
  /** Where alarm notifications go, if anywhere. */
  readonly alarmEmail?: string;
  /** Who gets an email about each new voicemail (the voicemail topic's subscription), if anyone. */
  readonly notifyEmail?: string;
}

function contextString(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/** Settings that cannot make a stack: the message lists every problem and is meant to be printed as is. */
export class SettingsError extends Error {
  constructor(problems: readonly string[]) {
    super(`invalid settings:\n  ${problems.join('\n  ')}`);
    this.name = 'SettingsError';
  }
}

/** Reads and validates the non-secret settings; throws listing every bad or missing value at once. */
export function readSettings(node: Node, stage?: StageConfig): AppSettings {
  const environment: Partial<Record<EnvName, string>> = {};
  const problems: string[] = [];
  for (const [key, why] of Object.entries(stage?.requiredSettings ?? {})) {
    if (contextString(node, key) === undefined)
      problems.push(`stage ${stage?.name} needs -c ${key}=...: ${why}`);
  }
  for (const [key, setting] of Object.entries(SETTINGS)) {
    const value = contextString(node, key);
    if (value === undefined) continue;
    const problem = setting.validate(value);
    if (problem) problems.push(`context ${key} ${problem}`);
    else environment[setting.env] = value;
  }
  const emails: { alarmEmail?: string; notifyEmail?: string } = {};
  for (const key of ['alarmEmail', 'notifyEmail'] as const) {
    const email = contextString(node, key);
    if (email === undefined) continue;
    if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) emails[key] = email;
    else problems.push(`context ${key} must be an email address`);
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return { environment, ...emails };
}
