import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../../infra/local/clock.ts';
import { createLambdaContext } from '../../../../infra/local/lambda-context.ts';

describe('createManualClock', () => {
  it('fires due timers in due order, each at its own due time', () => {
    const clock = createManualClock(1_000);
    const fired: Array<[string, number]> = [];
    clock.setTimer(() => fired.push(['late', clock.now().getTime()]), 300);
    clock.setTimer(() => fired.push(['early', clock.now().getTime()]), 100);
    clock.setTimer(() => fired.push(['never', clock.now().getTime()]), 1_000);
    clock.advance(500);
    expect(fired).toEqual([
      ['early', 1_100],
      ['late', 1_300],
    ]);
    expect(clock.now().getTime()).toBe(1_500);
  });

  it('fires timers set by a firing timer when they fall inside the window', () => {
    const clock = createManualClock(0);
    const fired: number[] = [];
    clock.setTimer(() => {
      fired.push(clock.now().getTime());
      clock.setTimer(() => fired.push(clock.now().getTime()), 50);
    }, 100);
    clock.advance(200);
    expect(fired).toEqual([100, 150]);
  });

  it('does not fire a cancelled timer', () => {
    const clock = createManualClock(0);
    let fired = false;
    const cancel = clock.setTimer(() => {
      fired = true;
    }, 10);
    cancel();
    clock.advance(100);
    expect(fired).toBe(false);
  });
});

describe('createLambdaContext', () => {
  it('counts the remaining time down from the function timeout', () => {
    const clock = createManualClock();
    const context = createLambdaContext('vapi-tools', { clock });
    expect(context.getRemainingTimeInMillis()).toBe(15_000);
    clock.advance(4_000);
    expect(context.getRemainingTimeInMillis()).toBe(11_000);
    clock.advance(20_000);
    expect(context.getRemainingTimeInMillis()).toBe(0);
  });

  it('names the function and its memory as Lambda does', () => {
    const context = createLambdaContext('booking-worker');
    expect(context).toMatchObject({
      functionName: 'booking-worker',
      functionVersion: '$LATEST',
      memoryLimitInMB: '512',
      logGroupName: '/aws/lambda/booking-worker',
    });
    expect(context.invokedFunctionArn).toMatch(
      /^arn:aws:lambda:[a-z0-9-]+:000000000000:function:booking-worker$/,
    );
    expect(context.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(createLambdaContext('booking-worker').awsRequestId).not.toBe(context.awsRequestId);
  });
});
