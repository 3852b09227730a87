/**
 * The Lambda invocation context the local stack passes to handlers: the same fields the nodejs24.x runtime
 * provides, with the remaining time counting down from the function's configured timeout (infra/routes.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { type Clock, systemClock } from '../../shared/domain/clock.ts';
import { FUNCTIONS, type FunctionName } from '../routes.ts';

/** Account id used in every local ARN and queue URL; it matches no real account. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** Region of local ARNs: the configured one, else the region DynamoDB Local is started with. */
export function localRegion(): string {
  return process.env.AWS_REGION ?? 'us-east-1';
}

// One log stream per function per process, as one warm container would have.
const logStreams = new Map<FunctionName, string>();

function logStreamName(fn: FunctionName, now: number): string {
  let stream = logStreams.get(fn);
  if (!stream) {
    const day = new Date(now).toISOString().slice(0, 10).replaceAll('-', '/');
    stream = `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
    logStreams.set(fn, stream);
  }
  return stream;
}

const callbackStyle = (): never => {
  // The nodejs24.x runtime removed callback-style completion; failing loudly keeps local and AWS alike.
  throw new Error('context.done/succeed/fail are not supported on nodejs24.x: return a promise instead');
};

/** A fresh invocation context for `fn`; its deadline starts now on `clock`. */
export function createLambdaContext(
  fn: FunctionName,
  options: { clock?: Clock; awsRequestId?: string } = {},
): Context {
  const clock = options.clock ?? systemClock;
  const { timeoutSeconds, memoryMb } = FUNCTIONS[fn];
  const deadline = clock.now().getTime() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${localRegion()}:${LOCAL_ACCOUNT_ID}:function:${fn}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: options.awsRequestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${fn}`,
    logStreamName: logStreamName(fn, clock.now().getTime()),
    getRemainingTimeInMillis: () => Math.max(0, deadline - clock.now().getTime()),
    done: callbackStyle,
    fail: callbackStyle,
    succeed: callbackStyle,
  };
}
