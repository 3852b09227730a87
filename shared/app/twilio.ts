/**
 * The Twilio side of the composition root: SMS through the Messages API when an account, token and
 * sender number are configured, control of live calls when an account and token are; each rebuilt when
 * the token rotates (./rebuilt.ts), otherwise none.
 */
import { createTwilioCalls } from '../adapters/twilio-calls.ts';
import { createTwilioSms } from '../adapters/twilio-sms.ts';
import type { Config } from '../config.ts';
import type { CallControlPort, SmsPort } from '../domain/ports.ts';
import { rebuiltOnChange } from './rebuilt.ts';

/** The SMS sender for the settings of the moment, or null when Twilio is not configured. */
export function smsSender(): (settings: Config) => SmsPort | null {
  return rebuiltOnChange(
    (s: Config) => [s.TWILIO_API_BASE_URL, s.TWILIO_ACCOUNT_SID, s.TWILIO_AUTH_TOKEN, s.TWILIO_PHONE_NUMBER],
    (s) =>
      s.TWILIO_ACCOUNT_SID && s.TWILIO_AUTH_TOKEN && s.TWILIO_PHONE_NUMBER
        ? createTwilioSms({
            baseUrl: s.TWILIO_API_BASE_URL,
            accountSid: s.TWILIO_ACCOUNT_SID,
            authToken: s.TWILIO_AUTH_TOKEN,
            from: s.TWILIO_PHONE_NUMBER,
          })
        : null,
  );
}

/**
 * One SMS port for a long-lived service: null when Twilio was not configured at start, else a port that
 * sends with the sender of the moment.
 */
export function smsPort(first: Config, settings: () => Promise<Config>): SmsPort | null {
  const senderFor = smsSender();
  if (senderFor(first) === null) return null;
  return {
    async send(message) {
      const sender = senderFor(await settings());
      if (!sender) throw new Error('Twilio is no longer configured');
      return await sender.send(message);
    },
  };
}

/** Control of live calls for a long-lived service: null when Twilio was not configured at start. */
export function callControlPort(first: Config, settings: () => Promise<Config>): CallControlPort | null {
  const controlFor = rebuiltOnChange(
    (s: Config) => [s.TWILIO_API_BASE_URL, s.TWILIO_ACCOUNT_SID, s.TWILIO_AUTH_TOKEN],
    (s) =>
      s.TWILIO_ACCOUNT_SID && s.TWILIO_AUTH_TOKEN
        ? createTwilioCalls({
            baseUrl: s.TWILIO_API_BASE_URL,
            accountSid: s.TWILIO_ACCOUNT_SID,
            authToken: s.TWILIO_AUTH_TOKEN,
          })
        : null,
  );
  if (controlFor(first) === null) return null;
  return {
    async redirect(callSid, url) {
      const control = controlFor(await settings());
      if (!control) throw new Error('Twilio is no longer configured');
      return await control.redirect(callSid, url);
    },
  };
}
