/**
 * Twilio voice webhooks, one function for these routes (infra/routes.ts):
 *   POST /twilio/voice        a call arrives: record it, ask Vapi to take it (bypass mode) and return Vapi's
 *                             TwiML, or our fallback TwiML (apology, then a human or voicemail) when Vapi cannot.
 *   POST /twilio/status       status callbacks and the voicemail action: a recording notes the message; a
 *                             final status ends the call, releases its live holds and files its record.
 *   POST /twilio/transfer     where transfer_to_human redirects the call: dial the person (or take a message).
 *   POST /twilio/whisper      played to the person who answers: why the caller wants them.
 *   POST /twilio/dial-result  how the dial ended: answered is a transfer; anything else takes a message.
 *   POST /twilio/voicemail    take a message (`?why=closed|no_number` picks the words).
 *   POST /twilio/recording    the recording status callback: a voicemail is ready for the business.
 * All are authenticated by X-Twilio-Signature over PUBLIC_BASE_URL + path + query. A caller must never hear
 * silence or an application error, so after authentication every failure still answers 200 with TwiML, but
 * for the recording callback, whose failure (the voicemail could not be stored) answers 500 to show in
 * Twilio's debugger and our alarms.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { twilioVoiceServices } from '../../shared/app/twilio-voice.ts';
import { SAFETY_MARGIN_MS, VAPI_BUDGET_MS } from '../../shared/domain/answer-call.ts';
import { twilioStatusBroke } from '../../shared/domain/call-log.ts';
import { AppError } from '../../shared/domain/errors.ts';
import { callerE164 } from '../../shared/domain/phone.ts';
import { httpHandler } from '../../shared/http/http-handler.ts';
import type { HttpFailure } from '../../shared/http/middlewares.ts';
import { type HttpResponse, twiml } from '../../shared/http/responses.ts';
import { twilioAuthenticator } from '../../shared/http/twilio-authenticator.ts';
import { logger, maskPhone, metrics } from '../../shared/observability.ts';
import { reportAnswer } from './report.ts';
import { FINAL_CALL_STATUSES, type TwilioCallWebhook, TwilioCallWebhookSchema } from './schema.ts';
import {
  apologyTwiml,
  type CallbackUrls,
  dialTwiml,
  emptyTwiml,
  fallbackTwiml,
  voicemailTwiml,
  whisperTwiml,
} from './twiml.ts';

export const VOICE_ROUTE = 'POST /twilio/voice';
export const STATUS_ROUTE = 'POST /twilio/status';
const TRANSFER_ROUTE = 'POST /twilio/transfer';
const WHISPER_ROUTE = 'POST /twilio/whisper';
const DIAL_RESULT_ROUTE = 'POST /twilio/dial-result';
const VOICEMAIL_ROUTE = 'POST /twilio/voicemail';
const RECORDING_ROUTE = 'POST /twilio/recording';

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

function callbacksOf(cfg: VoiceSettings): CallbackUrls {
  return {
    // Our status route answers every request with empty TwiML, which ends the call after the recording.
    voicemailAction: `${cfg.PUBLIC_BASE_URL}/twilio/status`,
    recordingCallback: `${cfg.PUBLIC_BASE_URL}/twilio/recording`,
    dialAction: `${cfg.PUBLIC_BASE_URL}/twilio/dial-result`,
  };
}

/** Caller id for a dial to a person: our Twilio number when known, else the number the caller dialled. */
function callerIdFor(cfg: VoiceSettings, call: Pick<TwilioCallWebhook, 'To' | 'Called'> | undefined) {
  return cfg.TWILIO_PHONE_NUMBER ?? callerE164(call?.To ?? call?.Called) ?? undefined;
}

function fallbackFor(cfg: VoiceSettings, call: Pick<TwilioCallWebhook, 'To' | 'Called'> | undefined): string {
  return fallbackTwiml({
    ...callbacksOf(cfg),
    fallbackNumber: cfg.FALLBACK_PHONE_NUMBER,
    callerId: callerIdFor(cfg, call),
  });
}

/** Why the caller is asked for a message, in the words they hear before the tone. */
const MESSAGE_LEADS = {
  closed: "We're closed right now, so no one can take your call.",
  no_number: 'No one can take your call in person right now.',
  no_answer: 'Sorry, no one could take your call right now.',
} as const;

function messageTwiml(cfg: VoiceSettings, why: keyof typeof MESSAGE_LEADS): string {
  return voicemailTwiml({ ...callbacksOf(cfg), lead: MESSAGE_LEADS[why] });
}

/** transfer_to_human moved the call here: dial the person, telling them why the caller wants them. */
function transferTwiml(call: TwilioCallWebhook): string {
  if (!current.FALLBACK_PHONE_NUMBER) return messageTwiml(current, 'no_number');
  return dialTwiml({
    lead: 'Connecting you now. Please hold.',
    humanNumber: current.FALLBACK_PHONE_NUMBER,
    callerId: callerIdFor(current, call),
    dialAction: callbacksOf(current).dialAction,
    whisperUrl: `${current.PUBLIC_BASE_URL}/twilio/whisper?call=${encodeURIComponent(call.CallSid)}`,
  });
}

/** Twilio's `DialCallStatus` values for a dial the person answered. */
const ANSWERED = new Set(['completed', 'answered']);

async function dialResult(call: TwilioCallWebhook): Promise<HttpResponse> {
  if (call.DialCallStatus && ANSWERED.has(call.DialCallStatus)) {
    // The caller has talked to a person: a failure to note it must not play them the voicemail.
    await services
      .noteTransferred(call.CallSid)
      .catch((error: unknown) =>
        logger.error('transfer not noted', { callSid: call.CallSid, error: error as Error }),
      );
    metrics.addMetric('CallTransferred', MetricUnit.Count, 1);
    return twiml(emptyTwiml());
  }
  logger.info('transfer not answered', { callSid: call.CallSid, dialCallStatus: call.DialCallStatus });
  return twiml(messageTwiml(current, 'no_answer'));
}

async function whisper(event: Pick<APIGatewayProxyEventV2, 'queryStringParameters'>): Promise<HttpResponse> {
  const callSid = event.queryStringParameters?.call;
  const reason = callSid ? await services.transferReason(callSid) : null;
  return twiml(whisperTwiml(reason));
}

function voicemailFor(event: Pick<APIGatewayProxyEventV2, 'queryStringParameters'>): HttpResponse {
  const why = event.queryStringParameters?.why;
  return twiml(messageTwiml(current, why === 'closed' ? 'closed' : 'no_number'));
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

/**
 * The recording status callback: a completed voicemail is noted on the call (and its record), stored,
 * and the business is told. An alert that fails is retried by the sweeper, so this still answers 200.
 */
async function recordingReady(call: TwilioCallWebhook): Promise<HttpResponse> {
  if (call.RecordingStatus !== 'completed' || !call.RecordingSid || !call.RecordingUrl) {
    return twiml(emptyTwiml());
  }
  const seconds = Number(call.RecordingDuration);
  const alert = await services.voicemailLeft({
    callId: call.CallSid,
    recordingSid: call.RecordingSid,
    recordingUrl: call.RecordingUrl,
    durationSeconds: call.RecordingDuration && Number.isInteger(seconds) ? seconds : null,
  });
  logger.info('voicemail ready', {
    callSid: call.CallSid,
    recordingSid: call.RecordingSid,
    alertsSent: alert.sent,
    alertsFailed: alert.failed,
  });
  if (!alert.noted) logger.error('voicemail not noted on its call', { callSid: call.CallSid });
  metrics.addMetric('VoicemailStored', MetricUnit.Count, 1);
  if (alert.failed.length > 0) metrics.addMetric('VoicemailAlertFailed', MetricUnit.Count, 1);
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
  // A caller on the way to a person still gets to leave a message.
  if (route === TRANSFER_ROUTE || route === DIAL_RESULT_ROUTE || route === VOICEMAIL_ROUTE) {
    return twiml(messageTwiml(current, 'no_answer'));
  }
  if (route === RECORDING_ROUTE) return twiml(emptyTwiml(), 500);
  // Status callbacks: holds whose release failed expire with their lease anyway; the error is logged.
  return twiml(emptyTwiml());
}

/** Lambda entry for every Twilio voice route (infra/routes.ts). */
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
      case TRANSFER_ROUTE:
        return twiml(transferTwiml(body));
      case WHISPER_ROUTE:
        return await whisper(event);
      case DIAL_RESULT_ROUTE:
        return await dialResult(body);
      case VOICEMAIL_ROUTE:
        return voicemailFor(event);
      case RECORDING_ROUTE:
        return await recordingReady(body);
      default:
        throw new AppError('not_found', 'no such twilio route');
    }
  },
  onError: twilioErrorResponse,
});
