/**
 * Typed configuration. Values come from the environment and, in AWS, from one Secrets Manager secret
 * (a JSON object keyed by the names in ./env.ts, id in APP_SECRET_ID) that overrides the environment.
 * A function asks for the names it cannot work without; anything missing or malformed fails the cold start
 * with every problem listed at once.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { parseBusinessHours } from './domain/business-hours.ts';
import { ConfigError } from './domain/errors.ts';
import { E164_PATTERN } from './domain/phone.ts';
import { ENV } from './env.ts';
import { VapiAuthPlanSchema } from './webhooks/vapi-auth.ts';
// Runtime code uses zod/mini (through ./zod.ts) for bundle size; infra/local stays on classic zod.
import * as z from './zod.ts';

const withoutTrailingSlash = z.transform((url: string) => url.replace(/\/+$/, ''));
const optionalString = z.optional(z.string().check(z.minLength(1)));
const httpUrl = () => z.url({ protocol: /^https?$/ });
const baseUrl = (fallback: string) => z.pipe(z._default(httpUrl(), fallback), withoutTrailingSlash);
const boundedInt = (min: number, max: number, fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)), fallback);
const flag = (fallback: boolean) =>
  z._default(
    z.pipe(
      z.enum(['true', 'false'], 'must be true or false'),
      z.transform((value) => value === 'true'),
    ),
    fallback,
  );
const e164 = z.string().check(z.regex(E164_PATTERN, 'must be an E.164 number like +14155550123'));
const timeZone = z.string().check(
  z.refine((zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return zone.includes('/') || zone === 'UTC';
    } catch {
      return false;
    }
  }, 'must be an IANA time zone like America/New_York'),
);
/** A JSON text, parsed; what it must hold is the next step of the pipe. */
const jsonText = z.transform((text: string, context) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    context.issues.push({ code: 'custom', message: 'must be JSON', input: text });
    return z.NEVER;
  }
});
/** BUSINESS_HOURS, read into open minutes per weekday. */
const businessHours = z.pipe(
  z.string(),
  z.transform((text: string, context) => {
    const parsed = parseBusinessHours(text);
    if (parsed.ok) return parsed.hours;
    context.issues.push({ code: 'custom', message: parsed.problem, input: text });
    return z.NEVER;
  }),
);
const secretKey = z.string().check(z.minLength(16, 'must be at least 16 characters'));

export const ConfigSchema = z.object({
  [ENV.PUBLIC_BASE_URL]: z.optional(z.pipe(httpUrl(), withoutTrailingSlash)),
  [ENV.PORT]: boundedInt(1, 65_535, 3000),
  [ENV.TWILIO_ACCOUNT_SID]: z.optional(
    z.string().check(z.regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits')),
  ),
  [ENV.TWILIO_AUTH_TOKEN]: optionalString,
  [ENV.TWILIO_PHONE_NUMBER]: z.optional(e164),
  [ENV.TWILIO_API_BASE_URL]: baseUrl('https://api.twilio.com'),
  [ENV.VAPI_API_KEY]: optionalString,
  [ENV.VAPI_ASSISTANT_ID]: optionalString,
  [ENV.VAPI_PHONE_NUMBER_ID]: optionalString,
  [ENV.VAPI_SERVER_SECRET]: z.optional(secretKey),
  [ENV.VAPI_AUTH_PLAN]: z.optional(z.pipe(z.string(), z.pipe(jsonText, VapiAuthPlanSchema))),
  [ENV.VAPI_API_BASE_URL]: baseUrl('https://api.vapi.ai'),
  [ENV.CALENDLY_API_TOKEN]: optionalString,
  [ENV.CALENDLY_API_BASE_URL]: baseUrl('https://api.calendly.com'),
  [ENV.CALENDLY_EVENT_TYPE_URI]: z.optional(z.url()),
  [ENV.CALENDLY_WEBHOOK_SIGNING_KEY]: z.optional(secretKey),
  [ENV.CALENDLY_BOOKINGS_PER_MINUTE]: boundedInt(1, 10_000, 10),
  [ENV.CALENDLY_BOOKINGS_PER_HOUR]: boundedInt(1, 100_000, 50),
  [ENV.CALENDLY_BOOKINGS_PER_DAY]: boundedInt(1, 1_000_000, 100),
  [ENV.BUSINESS_TIMEZONE]: z.optional(timeZone),
  [ENV.FALLBACK_PHONE_NUMBER]: z.optional(e164),
  [ENV.BUSINESS_HOURS]: z.optional(businessHours),
  [ENV.NOTIFY_PHONE_NUMBER]: z.optional(e164),
  [ENV.HOLD_TTL_SECONDS]: boundedInt(30, 3600, 300),
  [ENV.CALL_RECORD_RETENTION_DAYS]: boundedInt(1, 3650, 90),
  [ENV.CALL_RECORD_TRANSCRIPTS]: flag(false),
  [ENV.TABLE_NAME]: z.optional(z.string().check(z.minLength(3))),
  [ENV.BOOKING_QUEUE_URL]: z.optional(z.url()),
  [ENV.NOTIFY_TOPIC_ARN]: z.optional(
    z.string().check(z.regex(/^arn:aws[a-z-]*:sns:/, 'must be an SNS topic ARN')),
  ),
  [ENV.APP_SECRET_ID]: optionalString,
  [ENV.CALENDLY_WEBHOOK_SUBSCRIPTION_URI]: z.optional(z.url()),
});

export type Config = z.infer<typeof ConfigSchema>;

export type ConfigName = keyof Config;

/** Config in which the named entries are guaranteed present. */
export type ConfigWith<R extends ConfigName> = Config & { [K in R]-?: NonNullable<Config[K]> };

type RawSource = Record<string, string | undefined>;

const KNOWN_NAMES = new Set<string>(Object.keys(ConfigSchema.shape));

/** Seconds a fetched secret is reused before Secrets Manager is asked again (picks up rotations). */
const SECRET_MAX_AGE_SECONDS = 300;

/** Validates raw values; throws ConfigError naming every missing or malformed entry. */
export function parseConfig<const R extends ConfigName>(
  raw: RawSource,
  required: readonly R[],
): ConfigWith<R> {
  // Unset and empty values are the same thing: no empty-string defaults anywhere.
  const present = Object.fromEntries(
    Object.entries(raw).filter(
      ([name, value]) => KNOWN_NAMES.has(name) && value !== undefined && value !== '',
    ),
  );
  const problems: string[] = [];
  for (const name of required) {
    if (!(name in present) && !ConfigSchema.shape[name].safeParse(undefined).data) {
      problems.push(`${name} is required`);
    }
  }
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')} ${issue.message}`);
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data as ConfigWith<R>;
}

async function readSecret(secretId: string): Promise<RawSource> {
  const value = await getSecret(secretId, { transform: 'json', maxAge: SECRET_MAX_AGE_SECONDS });
  const object = z.record(z.string(), z.unknown()).safeParse(value);
  if (!object.success) throw new ConfigError([`secret ${ENV.APP_SECRET_ID} is not a JSON object`]);
  return Object.fromEntries(
    Object.entries(object.data).map(([name, item]) => [name, item === null ? undefined : String(item)]),
  );
}

/** Loads configuration once: environment first, then the app secret (if APP_SECRET_ID is set) on top. */
export async function loadConfig<const R extends ConfigName>(
  required: readonly R[],
  env: RawSource = process.env,
): Promise<ConfigWith<R>> {
  const secretId = env[ENV.APP_SECRET_ID];
  const fromSecret = secretId ? await readSecret(secretId) : {};
  return parseConfig({ ...env, ...fromSecret }, required);
}

/**
 * Configuration for a long-lived Lambda container: loaded at cold start (fails fast), then re-read at most
 * every few minutes so a rotated secret is picked up without a redeploy. The secret fetch is cached by
 * Powertools, so `get()` is an in-memory read on the hot path.
 */
export async function configSource<const R extends ConfigName>(
  required: readonly R[],
  env: RawSource = process.env,
): Promise<{ get(): Promise<ConfigWith<R>> }> {
  let current = await loadConfig(required, env);
  const secretId = env[ENV.APP_SECRET_ID];
  return {
    async get() {
      if (secretId) current = await loadConfig(required, env);
      return current;
    },
  };
}
