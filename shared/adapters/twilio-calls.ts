/**
 * Live-call control through Twilio's Calls API (./twilio-rest.ts): `POST /Calls/{CallSid}.json` with `Url`
 * makes Twilio fetch that URL at once and play its TwiML instead of what the call was doing (in bypass
 * mode, Vapi's stream). A call that is no longer in progress cannot be redirected: Twilio answers 400/404.
 */
import { VendorRejectedError } from '../domain/errors.ts';
import type { CallControlPort } from '../domain/ports.ts';
import { postTwilioForm, TWILIO, type TwilioAccount } from './twilio-rest.ts';

/** Twilio's "call is not in progress" (21220) and unknown-resource (20404) codes: the call is over. */
const CALL_OVER_CODES = new Set([21220, 20404]);

export function createTwilioCalls(account: TwilioAccount): CallControlPort {
  return {
    async redirect(callSid, url) {
      const answer = await postTwilioForm(
        account,
        'POST Calls',
        `Calls/${encodeURIComponent(callSid)}.json`,
        {
          Url: url,
          Method: 'POST',
        },
      );
      if (answer.ok) return 'redirected';
      if (answer.status === 404 || (answer.code !== undefined && CALL_OVER_CODES.has(answer.code))) {
        return 'call_over';
      }
      throw new VendorRejectedError(
        TWILIO,
        answer.status,
        `twilio refused to redirect the call (${answer.status}${answer.code === undefined ? '' : `, code ${answer.code}`})`,
      );
    },
  };
}
