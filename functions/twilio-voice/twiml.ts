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

export interface FallbackOptions {
  /** A human to put the caller through to; voicemail when absent. */
  fallbackNumber?: string | undefined;
  /** Caller id shown to that human: our Twilio number when known, else Twilio's default (the caller's). */
  callerId?: string | undefined;
  /**
   * Where Twilio posts a finished voicemail. It must answer with TwiML that ends the call: without an
   * action, Twilio re-requests the current document (our voice webhook) and the caller goes round again.
   */
  voicemailAction: string;
}

/** Apology, then `<Dial>` to the fallback human, or `<Record>` a voicemail and hang up. */
export function fallbackTwiml(options: FallbackOptions): string {
  const response = new VoiceResponse();
  if (options.fallbackNumber) {
    response.say(
      VOICE,
      'Sorry, our booking assistant is not available right now. Connecting you to our team.',
    );
    const dial = response.dial({
      timeout: FALLBACK_DIAL_TIMEOUT_SECONDS,
      ...(options.callerId ? { callerId: options.callerId } : {}),
    });
    dial.number(options.fallbackNumber);
    return response.toString();
  }
  response.say(
    VOICE,
    'Sorry, our booking assistant is not available right now. Please leave your name, number and a short message after the tone, and we will call you back. Press the pound key when you are done.',
  );
  response.record({
    maxLength: VOICEMAIL_MAX_SECONDS,
    playBeep: true,
    finishOnKey: '#',
    action: options.voicemailAction,
    method: 'POST',
  });
  // Reached only when nothing was recorded (Twilio then skips the action and continues here).
  response.hangup();
  return response.toString();
}
