/** The log lines and metrics of one answered call: what went wrong on the way, and how it was answered. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CallAnswer } from '../../shared/domain/answer-call.ts';
import { AppError } from '../../shared/domain/errors.ts';
import { logger, metrics } from '../../shared/observability.ts';

const STEP_NAMES = { record: 'recording the call', vapi: 'asking vapi', save: 'storing the answer' } as const;

/** One log line per problem and one for the outcome; metrics as before the use case moved to the domain. */
export function reportAnswer(callSid: string, answer: CallAnswer): void {
  for (const problem of answer.problems) {
    const appError = problem.error instanceof AppError ? problem.error : undefined;
    const what = STEP_NAMES[problem.step];
    if (problem.step === 'vapi') {
      logger.warn('vapi could not take the call, answering with fallback', {
        callSid,
        code: problem.kind === 'timed_out' ? 'timeout' : (appError?.code ?? 'internal'),
        reason: appError?.message,
        ...(problem.kind === 'failed' && appError === undefined ? { error: problem.error } : {}),
      });
    } else if (problem.kind === 'timed_out') logger.error(`${what} timed out`, { callSid });
    else logger.error(`${what} failed`, { callSid, error: problem.error });
  }
  if (answer.via === 'repeat') {
    logger.info('repeated voice webhook answered again', { callSid, stored: answer.stored });
    metrics.addMetric('CallWebhookRepeated', MetricUnit.Count, 1);
  } else if (answer.via === 'vapi') {
    logger.info('call handed to vapi', { callSid, vapiCallId: answer.vapiCallId, ms: answer.vapiMs });
    metrics.addMetric('CallHandedToVapi', MetricUnit.Count, 1);
  } else {
    if (answer.reason === 'vapi_unconfigured')
      logger.info('vapi not configured, answering with fallback', { callSid });
    metrics.addMetric('CallFallback', MetricUnit.Count, 1);
  }
}
