/**
 * Powertools logger and metrics, one instance per Lambda container, plus the masking helpers every log
 * line with personal data must go through. Log messages are static lower-case phrases; data goes in keys.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'voice-booking';

export const logger = new Logger({ serviceName });

export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'VoiceBooking',
});

/** "+14155550123" -> "***0123": enough to correlate, not enough to identify. */
export function maskPhone(phone: string | null | undefined): string | undefined {
  if (!phone) return undefined;
  const digits = phone.replace(/\D/g, '');
  return `***${digits.slice(-4)}`;
}

/** "jane.doe@example.com" -> "j***@example.com". */
export function maskEmail(email: string | null | undefined): string | undefined {
  if (!email) return undefined;
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
