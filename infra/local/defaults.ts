/**
 * The embedded defaults that let the whole product run on one machine with no accounts. None of these is a
 * real credential: each only opens a local fake (the SMS outbox, the Calendly sandbox) or is the shared
 * secret our own test signers use. Real values from the environment or `.env` always win.
 */
import { ENV } from '../../shared/env.ts';

export const LOCAL_DEFAULTS = {
  [ENV.TWILIO_ACCOUNT_SID]: `AC${'0'.repeat(32)}`,
  [ENV.TWILIO_AUTH_TOKEN]: 'local-twilio-auth-token',
  // Twilio's documented magic "From" number for test credentials.
  [ENV.TWILIO_PHONE_NUMBER]: '+15005550006',
  [ENV.VAPI_SERVER_SECRET]: 'local-vapi-server-secret',
  [ENV.CALENDLY_WEBHOOK_SIGNING_KEY]: 'local-calendly-signing-key',
  [ENV.HOLD_TTL_SECONDS]: '300',
} as const;

/** Sandbox-side values: the Calendly sandbox's token and its seeded business zone. */
export const LOCAL_SANDBOX = { token: 'sandbox-token', timezone: 'America/New_York' } as const;

/** Where `npm run dev` keeps its data unless --data names another folder (ignored by git), and its table. */
export const DEV_DATA = { dir: '.dev-data', tableName: 'voice-booking-dev' } as const;
