/**
 * CDK app entry (cdk.json runs it with tsx). Stage and non-secret settings come from context:
 *   npx cdk deploy -c stage=prod -c businessTimezone=America/New_York -c alarmEmail=ops@example.com
 * `-c nag=false` skips the cdk-nag AwsSolutions checks (tests that do not look at them use it for speed).
 */
import { pathToFileURL } from 'node:url';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BookingStack } from './booking-stack.ts';
import { readSettings, readStage, SettingsError } from './stages.ts';

/** Adds the booking stack for the context's stage to `app`, with cdk-nag unless `nag=false`. */
export function defineApp(app: App): BookingStack {
  const stage = readStage(app.node);
  const stack = new BookingStack(app, `VoiceBooking-${stage.name}`, {
    stage,
    settings: readSettings(app.node, stage),
    description: `Voice appointment booking (${stage.name}): Twilio -> Vapi -> Calendly`,
  });
  Tags.of(stack).add('project', 'voice-booking');
  Tags.of(stack).add('stage', stage.name);
  const nag: unknown = app.node.tryGetContext('nag');
  if (nag !== false && nag !== 'false') Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    defineApp(new App());
  } catch (error) {
    // A settings problem is the operator's to fix: say what, without a stack trace.
    if (!(error instanceof SettingsError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
