/**
 * Our own TwiML, for when the assistant cannot take the call. Built with Twilio's VoiceResponse (escaping
 * and attribute names done by the vendor), deep-imported so the REST client never enters the bundle.
 */
import VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';

const VOICE = { voice: 'Polly.Joanna', language: 'en-US' } as const;

/** How long the fallback human's phone rings before Twilio gives up (Twilio's default is 30 s). */
export const FALLBACK_DIAL_TIMEOUT_SECONDS = 20;
/** Longest voicemail we record. */
export const VOICEMAIL_MAX_SECONDS = 120;

/** `<Response/>`: for status callbacks, and as the voicemail action's answer (no verbs left, so Twilio hangs up). */
export function emptyTwiml(): string {
  return new VoiceResponse().toString();
}

/** An apology and a hang-up, for when we cannot even tell whether the request is genuine. */
export function apologyTwiml(): string {
  const response = new VoiceResponse();
  response.say(VOICE, 'Sorry, we cannot take your call right now. Please try again later.');
  response.hangup();
  return response.toString();
}

/** Where Twilio posts what happens to a voicemail and a dial (our twilio-voice routes). */
export interface CallbackUrls {
  /**
   * Where Twilio posts a finished voicemail. It must answer with TwiML that ends the call: without an
   * action, Twilio re-requests the current document (our voice webhook) and the caller goes round again.
   */
  voicemailAction: string;
  /** Twilio's signed recording status callback: the recording is ready, the business is told. */
  recordingCallback: string;
  /** Where Twilio posts how a dial to a person ended (`DialCallStatus`). */
  dialAction: string;
}

export interface FallbackOptions extends CallbackUrls {
  /** A human to put the caller through to; voicemail when absent. */
  fallbackNumber?: string | undefined;
  /** Caller id shown to that human: our Twilio number, else the number the caller dialled. */
  callerId?: string | undefined;
}

/** What the caller hears before the tone: why, then what to leave. */
const LEAVE_A_MESSAGE =
  'Please leave your name, number and a short message after the tone, and we will call you back. Press the pound key when you are done.';

/** Apology, then `<Dial>` to the fallback human, or `<Record>` a voicemail and hang up. */
export function fallbackTwiml(options: FallbackOptions): string {
  if (options.fallbackNumber) {
    return dialTwiml({
      ...options,
      humanNumber: options.fallbackNumber,
      lead: 'Sorry, our booking assistant is not available right now. Connecting you to our team.',
    });
  }
  return voicemailTwiml({
    ...options,
    lead: 'Sorry, our booking assistant is not available right now.',
  });
}

/**
 * `<Say>` why, `<Record>` a voicemail (the recording callback tells the business), and hang up. The
 * action's empty answer ends the call after a recording; `<Hangup>` is reached only when nothing was
 * recorded (Twilio then skips the action and continues here).
 */
export function voicemailTwiml(options: Omit<CallbackUrls, 'dialAction'> & { lead: string }): string {
  const response = new VoiceResponse();
  response.say(VOICE, `${options.lead} ${LEAVE_A_MESSAGE}`);
  response.record({
    maxLength: VOICEMAIL_MAX_SECONDS,
    playBeep: true,
    finishOnKey: '#',
    action: options.voicemailAction,
    method: 'POST',
    recordingStatusCallback: options.recordingCallback,
    recordingStatusCallbackMethod: 'POST',
    recordingStatusCallbackEvent: ['completed'],
  });
  response.hangup();
  return response.toString();
}

/**
 * `<Say>` the lead, then `<Dial>` the person: our number as caller id, a ring timeout, the dial's outcome
 * posted to `dialAction` (which takes a message when no one answered), and, when given, a whisper played
 * to the person before they are connected.
 */
export function dialTwiml(options: {
  lead: string;
  humanNumber: string;
  callerId?: string | undefined;
  dialAction: string;
  whisperUrl?: string | undefined;
}): string {
  const response = new VoiceResponse();
  response.say(VOICE, options.lead);
  const dial = response.dial({
    timeout: FALLBACK_DIAL_TIMEOUT_SECONDS,
    action: options.dialAction,
    method: 'POST',
    ...(options.callerId ? { callerId: options.callerId } : {}),
  });
  dial.number(options.whisperUrl ? { url: options.whisperUrl, method: 'POST' } : {}, options.humanNumber);
  return response.toString();
}

/** Played to the person who answers a transfer, before the caller is connected. */
export function whisperTwiml(reason: string | null): string {
  const response = new VoiceResponse();
  response.say(
    VOICE,
    reason
      ? `A caller from the booking line, about: ${reason}. Connecting you now.`
      : 'A caller from the booking line. Connecting you now.',
  );
  return response.toString();
}
