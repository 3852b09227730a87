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
import { twilioVoiceServices } from '../../shared/app/twilio-voice.ts';
import { SAFETY_MARGIN_MS, VAPI_BUDGET_MS } from '../../shared/domain/answer-call.ts';
import { twilioStatusBroke } from '../../shared/domain/call-log.ts';
import { AppError } from '../../shared/domain/errors.ts';
import { twilioAuthenticator } from '../../shared/http/authenticators.ts';
import { httpHandler } from '../../shared/http/http-handler.ts';
import type { HttpFailure } from '../../shared/http/middlewares.ts';
import { type HttpResponse, twiml } from '../../shared/http/responses.ts';
import { logger, maskPhone, metrics } from '../../shared/observability.ts';
import { reportAnswer } from './report.ts';
import {
  callerE164,
  FINAL_CALL_STATUSES,
  type TwilioCallWebhook,
  TwilioCallWebhookSchema,
} from './schema.ts';
import { apologyTwiml, emptyTwiml, fallbackTwiml } from './twiml.ts';

export const VOICE_ROUTE = 'POST /twilio/voice';
export const STATUS_ROUTE = 'POST /twilio/status';

const services = await twilioVoiceServices();
type VoiceSettings = Awaited<ReturnType<typeof services.settings>>;
/** The settings of the latest request, for the error responder (which cannot wait for a read). */
let current: VoiceSettings = await services.settings();

function routeOf(event: Pick<APIGatewayProxyEventV2, 'routeKey' | 'requestContext' | 'rawPath'>): string {
  // A catch-all ($default) integration still tells us the route by method and path.
  return event.routeKey === '$default'
    ? `${event.requestContext.http.method} ${event.rawPath}`
    : event.routeKey;
}

function fallbackFor(cfg: VoiceSettings, call: Pick<TwilioCallWebhook, 'To' | 'Called'> | undefined): string {
  return fallbackTwiml({
    fallbackNumber: cfg.FALLBACK_PHONE_NUMBER,
    callerId: cfg.TWILIO_PHONE_NUMBER ?? callerE164(call?.To ?? call?.Called) ?? undefined,
    // Our status route answers every request with empty TwiML, which ends the call after the recording.
    voicemailAction: `${cfg.PUBLIC_BASE_URL}/twilio/status`,
  });
}

async function answerCall(call: TwilioCallWebhook, remainingMs: number): Promise<HttpResponse> {
  // `current` is this request's settings: the authenticator read them a moment ago.
  const callerNumber = callerE164(call.From ?? call.Caller);
  logger.info('inbound call', {
    callSid: call.CallSid,
    caller: maskPhone(callerNumber),
    callerKnown: callerNumber !== null,
  });
  const answer = await services.answerCall(
    { callId: call.CallSid, callerNumber, dialledNumber: callerE164(call.To ?? call.Called) },
    { remainingMs, fallback: fallbackFor(current, call) },
  );
  reportAnswer(call.CallSid, answer);
  return twiml(answer.twiml);
}

async function callStatus(call: TwilioCallWebhook): Promise<HttpResponse> {
  if (call.RecordingSid) {
    logger.info('voicemail recorded', {
      callSid: call.CallSid,
      recordingSid: call.RecordingSid,
      durationSeconds: call.RecordingDuration,
    });
    metrics.addMetric('VoicemailRecorded', MetricUnit.Count, 1);
    await services.noteMessage(call.CallSid);
  }
  if (call.CallStatus && FINAL_CALL_STATUSES.has(call.CallStatus)) {
    const seconds = Number(call.CallDuration);
    const { releasedHoldIds } = await services.endCall({
      callId: call.CallSid,
      callerNumber: callerE164(call.From ?? call.Caller),
      callStatus: call.CallStatus,
      ...(call.CallDuration && Number.isInteger(seconds) ? { durationSeconds: seconds } : {}),
      broke: twilioStatusBroke(call.CallStatus),
    });
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
    authToken: async () => {
      current = await services.settings();
      return current.TWILIO_AUTH_TOKEN;
    },
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
