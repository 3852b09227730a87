/**
 * Who hears of a new voicemail, from configuration: a text to NOTIFY_PHONE_NUMBER through Twilio, and the
 * SNS topic in AWS (NOTIFY_TOPIC_ARN, wired by the stack), in the business zone's words.
 */
import { createSnsTopic } from '../adapters/sns-topic.ts';
import type { Config } from '../config.ts';
import type { VoicemailAlerts } from '../domain/voicemails.ts';
import { voicemailAlert } from '../speech/voicemail.ts';
import { smsPort } from './twilio.ts';

export function voicemailAlerts(first: Config, settings: () => Promise<Config>): VoicemailAlerts {
  // Without BUSINESS_TIMEZONE there is no Calendly directory here to ask: times are given in UTC.
  const zone = first.BUSINESS_TIMEZONE ?? 'UTC';
  return {
    sms: smsPort(first, settings),
    notifyNumber: first.NOTIFY_PHONE_NUMBER ?? null,
    topic: first.NOTIFY_TOPIC_ARN ? createSnsTopic({ topicArn: first.NOTIFY_TOPIC_ARN }) : null,
    words: (voicemail) => voicemailAlert(voicemail, zone),
  };
}
