/** The business's voicemail topic on SNS (TopicPort): one Publish per alert; email subscribers get it. */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { TopicPort } from '../domain/ports.ts';

/** SNS refuses an email subject over 100 characters. */
const MAX_SUBJECT = 100;

export function createSnsTopic(options: { topicArn: string; client?: SNSClient }): TopicPort {
  const client = options.client ?? new SNSClient({});
  return {
    async publish({ subject, body }) {
      await client.send(
        new PublishCommand({
          TopicArn: options.topicArn,
          Subject: subject.slice(0, MAX_SUBJECT),
          Message: body,
        }),
      );
    },
  };
}
