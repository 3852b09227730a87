/**
 * The business's voicemail topic: every new voicemail is published here (by twilio-voice, and by the
 * sweeper when a first try failed), with an email subscription when `-c notifyEmail=...` is given. SNS
 * asks the address to confirm before it delivers.
 */
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { StageConfig } from '../stages.ts';

export class VoicemailTopic extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: { stage: StageConfig; notifyEmail?: string | undefined }) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      displayName: `voice-booking ${props.stage.name} voicemails`,
      enforceSSL: true,
    });
    if (props.notifyEmail) this.topic.addSubscription(new EmailSubscription(props.notifyEmail));
  }
}
