/**
 * Twilio voice webhooks, one function for two routes (infra/routes.ts):
 *   POST /twilio/voice   a call arrives: record it, ask Vapi to take it (bypass mode) and return Vapi's TwiML,
 *                        or our fallback TwiML (apology, then a human or voicemail) when Vapi cannot.
 *   POST /twilio/status  status callbacks and the voicemail action: a final status ends the call and
 *                        releases its live holds; the answer is always empty TwiML.
 * Both are authenticated by X-Twilio-Signature over PUBLIC_BASE_URL + path. A caller must never hear silence
 * or an application error, so after authentication every failure still answers 200 with TwiML.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createDynamoStore } from '../../shared/adapters/dynamodb/store.ts';
import { createVapiClient } from '../../shared/adapters/vapi-client.ts';
import { configSource } from '../../shared/config.ts';
import { endCall, recordInboundCall } from '../../shared/domain/calls.ts';
import { AppError } from '../../shared/domain/errors.ts';
import type { VapiPort } from '../../shared/domain/ports.ts';
import { twilioAuthenticator } from '../../shared/http/authenticators.ts';
import { httpHandler } from '../../shared/http/http-handler.ts';
import type { HttpFailure } from '../../shared/http/middlewares.ts';
import { type HttpResponse, twiml } from '../../shared/http/responses.ts';
import { logger, maskPhone, metrics } from '../../shared/observability.ts';
import {
  callerE164,
  FINAL_CALL_STATUSES,
  type TwilioCallWebhook,
  TwilioCallWebhookSchema,
} from './schema.ts';
import { apologyTwiml, emptyTwiml, fallbackTwiml } from './twiml.ts';

/**
 * Most the caller waits for Vapi before we answer with our own TwiML. Twilio allows 15 s in total for the
 * webhook, which must also cover a cold start; a few seconds of ringing is what a caller tolerates.
 */
export const VAPI_BUDGET_MS = 4000;
/** Time kept back from the Lambda's remaining time so the fallback can always be sent. */
const SAFETY_MARGIN_MS = 500;

export const VOICE_ROUTE = 'POST /twilio/voice';
export const STATUS_ROUTE = 'POST /twilio/status';

const config = await configSource(['TWILIO_AUTH_TOKEN', 'PUBLIC_BASE_URL', 'TABLE_NAME']);
type VoiceConfig = Awaited<ReturnType<typeof config.get>>;
let current: VoiceConfig = await config.get();
const store = createDynamoStore({ tableName: current.TABLE_NAME });

// Built once, and again only if a secret rotation changes the key or base URL.
let vapi: { key: string; client: VapiPort } | undefined;
function vapiClientFor(apiKey: string, baseUrl: string): VapiPort {
  const key = `${baseUrl} ${apiKey}`;
  if (vapi?.key !== key) vapi = { key, client: createVapiClient({ apiKey, baseUrl }) };
  return vapi.client;
}

async function freshConfig(): Promise<VoiceConfig> {
  current = await config.get();
  return current;
}

function routeOf(event: Pick<APIGatewayProxyEventV2, 'routeKey' | 'requestContext' | 'rawPath'>): string {
  // A catch-all ($default) integration still tells us the route by method and path.
  return event.routeKey === '$default'
    ? `${event.requestContext.http.method} ${event.rawPath}`
    : event.routeKey;
}

function fallbackFor(cfg: VoiceConfig, call: Pick<TwilioCallWebhook, 'To' | 'Called'> | undefined): string {
  return fallbackTwiml({
    fallbackNumber: cfg.FALLBACK_PHONE_NUMBER,
    callerId: cfg.TWILIO_PHONE_NUMBER ?? callerE164(call?.To ?? call?.Called) ?? undefined,
    // Our status route answers every request with empty TwiML, which ends the call after the recording.
    voicemailAction: `${cfg.PUBLIC_BASE_URL}/twilio/status`,
  });
}

/**
 * Resolves with `work`'s value, or with undefined once `budgetMs` has passed or `work` failed. Never
 * rejects: a caller is answered even when DynamoDB is down or slow, and the failure is logged as `what`.
 */
async function within<T>(
  what: string,
  callSid: string,
  budgetMs: number,
  work: Promise<T>,
): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      logger.error(`${what} timed out`, { callSid, budgetMs });
      resolve(undefined);
    }, budgetMs);
  });
  const done = work.catch((error: unknown) => {
    logger.error(`${what} failed`, { callSid, error });
    return undefined;
  });
  try {
    return await Promise.race([done, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** The most of the caller's wait that recording the call may take (DynamoDB answers in milliseconds). */
const RECORD_BUDGET_MS = 1000;

async function askVapi(
  cfg: VoiceConfig,
  call: TwilioCallWebhook,
  caller: string | null,
  budgetMs: number,
): Promise<string | undefined> {
  const { VAPI_API_KEY, VAPI_ASSISTANT_ID, VAPI_PHONE_NUMBER_ID } = cfg;
  if (!VAPI_API_KEY || !VAPI_ASSISTANT_ID || !VAPI_PHONE_NUMBER_ID) {
    logger.info('vapi not configured, answering with fallback', { callSid: call.CallSid });
    return undefined;
  }
  const started = Date.now();
  try {
    const result = await vapiClientFor(VAPI_API_KEY, cfg.VAPI_API_BASE_URL).createCall(
      {
        assistantId: VAPI_ASSISTANT_ID,
        phoneNumberId: VAPI_PHONE_NUMBER_ID,
        customerNumber: caller,
        // Vapi already has the caller's number (customer.number); these only help the prompt and tools.
        variableValues: {
          twilioCallSid: call.CallSid,
          callerKnown: caller ? 'true' : 'false',
          ...(caller ? { callerLast4: caller.slice(-4) } : {}),
        },
      },
      { timeoutMs: budgetMs },
    );
    logger.info('call handed to vapi', {
      callSid: call.CallSid,
      vapiCallId: result.vapiCallId,
      ms: Date.now() - started,
    });
    metrics.addMetric('CallHandedToVapi', MetricUnit.Count, 1);
    return result.twiml;
  } catch (error) {
    const appError = error instanceof AppError ? error : undefined;
    logger.warn('vapi could not take the call, answering with fallback', {
      callSid: call.CallSid,
      code: appError?.code ?? 'internal',
      reason: appError?.message,
      ms: Date.now() - started,
      ...(appError === undefined ? { error } : {}),
    });
    return undefined;
  }
}

async function answerCall(call: TwilioCallWebhook, remainingMs: number): Promise<HttpResponse> {
  const cfg = await freshConfig();
  const caller = callerE164(call.From ?? call.Caller);
  const budgetMs = Math.max(0, Math.min(VAPI_BUDGET_MS, remainingMs - SAFETY_MARGIN_MS));
  logger.info('inbound call', {
    callSid: call.CallSid,
    caller: maskPhone(caller),
    callerKnown: caller !== null,
  });

  // Recording comes first because it tells a repeated webhook (Twilio's retry, or a replay) from a new call:
  // a repeat is given the first answer again and never asks Vapi for a second call. When recording fails
  // or is slow, the call is answered anyway (tools then find no call record, which they already handle).
  const started = Date.now();
  const arrival = await within(
    'recording the call',
    call.CallSid,
    Math.min(RECORD_BUDGET_MS, budgetMs),
    recordInboundCall(store, {
      callId: call.CallSid,
      from: caller,
      to: callerE164(call.To ?? call.Called),
      now: new Date(),
    }),
  );
  if (arrival?.kind === 'repeat') {
    logger.info('repeated voice webhook answered again', {
      callSid: call.CallSid,
      stored: arrival.answer !== null,
    });
    metrics.addMetric('CallWebhookRepeated', MetricUnit.Count, 1);
    // No stored answer: the first request is still waiting on Vapi, or could not store what it answered.
    return twiml(arrival.answer ?? fallbackFor(cfg, call));
  }
  const vapiTwiml = await askVapi(cfg, call, caller, Math.max(0, budgetMs - (Date.now() - started)));
  if (vapiTwiml === undefined) metrics.addMetric('CallFallback', MetricUnit.Count, 1);
  const answer = vapiTwiml ?? fallbackFor(cfg, call);
  if (arrival !== undefined) {
    const leftMs = remainingMs - SAFETY_MARGIN_MS - (Date.now() - started);
    await within(
      'storing the answer',
      call.CallSid,
      Math.max(0, Math.min(RECORD_BUDGET_MS, leftMs)),
      store.calls.saveAnswer(call.CallSid, answer),
    );
  }
  return twiml(answer);
}

async function callStatus(call: TwilioCallWebhook): Promise<HttpResponse> {
  if (call.RecordingSid) {
    logger.info('voicemail recorded', {
      callSid: call.CallSid,
      recordingSid: call.RecordingSid,
      durationSeconds: call.RecordingDuration,
    });
    metrics.addMetric('VoicemailRecorded', MetricUnit.Count, 1);
  }
  if (call.CallStatus && FINAL_CALL_STATUSES.has(call.CallStatus)) {
    const { releasedHoldIds } = await endCall(store, call.CallSid, new Date());
    logger.info('call ended', {
      callSid: call.CallSid,
      callStatus: call.CallStatus,
      releasedHolds: releasedHoldIds.length,
    });
    metrics.addMetric('CallEnded', MetricUnit.Count, 1);
    if (releasedHoldIds.length > 0)
      metrics.addMetric('HoldsReleasedOnHangup', MetricUnit.Count, releasedHoldIds.length);
  }
  // Empty TwiML rather than 204: this route is also the voicemail <Record> action, which must get TwiML.
  return twiml(emptyTwiml());
}

/** Twilio gets TwiML for every failure: 403 for a bad signature, otherwise something safe to play. */
function twilioErrorResponse(failure: HttpFailure): HttpResponse {
  if (failure.status === 401 || failure.status === 403) return twiml(emptyTwiml(), 403);
  const route = routeOf(failure.event);
  if (!failure.authenticated) {
    // We could not tell whether this is Twilio: reveal nothing (no fallback number), but a genuine caller
    // still hears an apology rather than an application error.
    return failure.status < 500
      ? twiml(emptyTwiml(), failure.status)
      : twiml(route === VOICE_ROUTE ? apologyTwiml() : emptyTwiml());
  }
  if (route === VOICE_ROUTE) return twiml(fallbackFor(current, undefined));
  // Status callbacks: holds whose release failed expire with their lease anyway; the error is logged.
  return twiml(emptyTwiml());
}

/** Lambda entry for POST /twilio/voice and POST /twilio/status. */
export const handler = httpHandler({
  authenticate: twilioAuthenticator({
    authToken: async () => (await freshConfig()).TWILIO_AUTH_TOKEN,
    publicBaseUrl: () => current.PUBLIC_BASE_URL,
  }),
  parse: 'form',
  schema: TwilioCallWebhookSchema,
  handle: async ({ event, context, body }) => {
    switch (routeOf(event)) {
      case VOICE_ROUTE:
        return await answerCall(
          body,
          context.getRemainingTimeInMillis?.() ?? VAPI_BUDGET_MS + SAFETY_MARGIN_MS,
        );
      case STATUS_ROUTE:
        return await callStatus(body);
      default:
        throw new AppError('not_found', 'no such twilio route');
    }
  },
  onError: twilioErrorResponse,
});
