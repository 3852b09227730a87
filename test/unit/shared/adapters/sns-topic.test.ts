import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createSnsTopic } from '../../../../shared/adapters/sns-topic.ts';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:voicemails';

describe('createSnsTopic', () => {
  afterEach(() => sns.reset());

  it('publishes the subject and body to the topic, the subject cut to the 100 characters SNS allows', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const topic = createSnsTopic({ topicArn: TOPIC, client: new SNSClient({ region: 'us-east-1' }) });
    await topic.publish({
      subject: `New voicemail ${'x'.repeat(200)}`,
      body: 'Listen: https://example.com/r',
    });
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toEqual({
      TopicArn: TOPIC,
      Subject: expect.any(String),
      Message: 'Listen: https://example.com/r',
    });
    expect(input?.Subject).toHaveLength(100);
  });

  it('lets an SNS failure reach the caller, which keeps the alert owed', async () => {
    sns.on(PublishCommand).rejects(new Error('Throttling'));
    const topic = createSnsTopic({ topicArn: TOPIC, client: new SNSClient({ region: 'us-east-1' }) });
    await expect(topic.publish({ subject: 's', body: 'b' })).rejects.toThrow('Throttling');
  });
});
