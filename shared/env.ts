/**
 * Every configuration and secret NAME the product knows, in one place.
 * Imported by infra (to wire environment variables and the secret) and by runtime (to read them).
 * Values never live here.
 */
export const ENV = {
  // Public surface
  PUBLIC_BASE_URL: 'PUBLIC_BASE_URL',
  PORT: 'PORT',
  // Twilio
  TWILIO_ACCOUNT_SID: 'TWILIO_ACCOUNT_SID',
  TWILIO_AUTH_TOKEN: 'TWILIO_AUTH_TOKEN',
  TWILIO_PHONE_NUMBER: 'TWILIO_PHONE_NUMBER',
  TWILIO_API_BASE_URL: 'TWILIO_API_BASE_URL',
  // Vapi
  VAPI_API_KEY: 'VAPI_API_KEY',
  VAPI_ASSISTANT_ID: 'VAPI_ASSISTANT_ID',
  VAPI_PHONE_NUMBER_ID: 'VAPI_PHONE_NUMBER_ID',
  VAPI_SERVER_SECRET: 'VAPI_SERVER_SECRET',
  VAPI_AUTH_PLAN: 'VAPI_AUTH_PLAN',
  VAPI_API_BASE_URL: 'VAPI_API_BASE_URL',
  // Calendly
  CALENDLY_API_TOKEN: 'CALENDLY_API_TOKEN',
  CALENDLY_API_BASE_URL: 'CALENDLY_API_BASE_URL',
  CALENDLY_EVENT_TYPE_URI: 'CALENDLY_EVENT_TYPE_URI',
  CALENDLY_WEBHOOK_SIGNING_KEY: 'CALENDLY_WEBHOOK_SIGNING_KEY',
  CALENDLY_BOOKINGS_PER_MINUTE: 'CALENDLY_BOOKINGS_PER_MINUTE',
  CALENDLY_BOOKINGS_PER_HOUR: 'CALENDLY_BOOKINGS_PER_HOUR',
  CALENDLY_BOOKINGS_PER_DAY: 'CALENDLY_BOOKINGS_PER_DAY',
  // Business rules
  BUSINESS_TIMEZONE: 'BUSINESS_TIMEZONE',
  FALLBACK_PHONE_NUMBER: 'FALLBACK_PHONE_NUMBER',
  HOLD_TTL_SECONDS: 'HOLD_TTL_SECONDS',
  // Wiring (set by infra, never by users)
  TABLE_NAME: 'TABLE_NAME',
  BOOKING_QUEUE_URL: 'BOOKING_QUEUE_URL',
  APP_SECRET_ID: 'APP_SECRET_ID',
  // Written by `npm run provision` (a record of what it made; the functions do not read it)
  CALENDLY_WEBHOOK_SUBSCRIPTION_URI: 'CALENDLY_WEBHOOK_SUBSCRIPTION_URI',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

/** Names whose values are secrets: stored in Secrets Manager in AWS, never in a function's plain environment. */
export const SECRET_NAMES = [
  ENV.TWILIO_ACCOUNT_SID,
  ENV.TWILIO_AUTH_TOKEN,
  ENV.VAPI_API_KEY,
  ENV.VAPI_SERVER_SECRET,
  ENV.CALENDLY_API_TOKEN,
  ENV.CALENDLY_WEBHOOK_SIGNING_KEY,
] as const satisfies readonly EnvName[];

export type SecretName = (typeof SECRET_NAMES)[number];
