import { SecretValue, Validations } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SECRET_NAMES } from '../../shared/env.ts';
import type { StageConfig } from '../stages.ts';

/**
 * Initial value of the app secret: every secret name, set to null. config.ts treats null as unset, so a fresh
 * deploy runs exactly like an unconfigured local setup (fallback TwiML, sandbox) and a function that requires
 * a credential fails its cold start naming it. No real value is ever in the template.
 */
export const SECRET_PLACEHOLDER: Readonly<Record<string, null>> = Object.fromEntries(
  SECRET_NAMES.map((name) => [name, null]),
);

export interface AppSecretProps {
  readonly stage: StageConfig;
}

/**
 * The one secret holding vendor credentials, a JSON object keyed by SECRET_NAMES. Fill it after the first
 * deploy (values never pass through CloudFormation):
 *   aws secretsmanager put-secret-value --secret-id <SecretName output> --secret-string file://secret.json
 * CloudFormation writes the placeholder again only if the placeholder itself changes (a name added to
 * SECRET_NAMES); after such a deploy, put the full JSON again.
 */
export class AppSecret extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: AppSecretProps) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: `voice-booking ${props.stage.name} vendor credentials: JSON object keyed by ${SECRET_NAMES.join(', ')}`,
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify(SECRET_PLACEHOLDER)),
      removalPolicy: props.stage.removalPolicy,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Twilio, Vapi and Calendly issue these credentials; a rotation Lambda cannot mint new ones. They are rotated in the vendor consoles and put here; functions re-read the secret every 5 minutes.',
    });
  }

  /** secretsmanager:GetSecretValue on this secret only (grantRead would add DescribeSecret). */
  grantRead(grantee: IGrantable): void {
    Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue'],
      resourceArns: [this.secret.secretArn],
    });
  }
}
