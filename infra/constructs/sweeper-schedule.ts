import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** How often the sweeper looks for bookings stuck in `pending`. */
export const SWEEP_INTERVAL = Duration.minutes(2);

export interface SweeperScheduleProps {
  readonly sweeper: IFunction;
}

/**
 * Runs the booking sweeper on a schedule: the safety net that re-enqueues bookings whose SQS send failed,
 * so a confirmed booking is never lost.
 */
export class SweeperSchedule extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: SweeperScheduleProps) {
    super(scope, id);
    this.rule = new Rule(this, 'Rule', {
      description: 'voice-booking: re-enqueue bookings pending too long',
      schedule: Schedule.rate(SWEEP_INTERVAL),
    });
    // A failed sweep is retried by the next tick; retrying it as well would only overlap two sweeps.
    this.rule.addTarget(new LambdaFunction(props.sweeper, { retryAttempts: 0, maxEventAge: SWEEP_INTERVAL }));
    props.sweeper.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: SWEEP_INTERVAL });
  }
}
