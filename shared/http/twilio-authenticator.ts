/**
 * X-Twilio-Signature authentication, apart from the other authenticators (./authenticators.ts) because
 * it bundles Twilio's own verifier, a CommonJS module that tree-shaking cannot drop from functions that
 * never use it.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { isValidTwilioSignature } from '../webhooks/twilio-signature.ts';
import type { Authenticate, SecretGetter } from './authenticators.ts';
import { mediaType, parseForm } from './body.ts';
import { SignatureMismatchError } from './errors.ts';

/** The exact URL Twilio requested, rebuilt from our configured public base URL (never from Host headers). */
export function publicRequestUrl(
  publicBaseUrl: string,
  event: Pick<APIGatewayProxyEventV2, 'rawPath' | 'rawQueryString'>,
): string {
  const base = publicBaseUrl.replace(/\/+$/, '');
  return event.rawQueryString ? `${base}${event.rawPath}?${event.rawQueryString}` : `${base}${event.rawPath}`;
}

/**
 * X-Twilio-Signature over PUBLIC_BASE_URL + rawPath (+ query) and the form params. Missing or wrong -> 403,
 * the status Twilio's own middleware uses. JSON bodies are not signed this way and are rejected.
 */
export function twilioAuthenticator(options: {
  authToken: SecretGetter;
  publicBaseUrl: () => string | Promise<string>;
}): Authenticate {
  return async ({ event, headers, rawBody }) => {
    const signature = headers['x-twilio-signature'];
    if (!signature) throw new SignatureMismatchError('missing twilio signature');
    // Twilio signs form params; a JSON body (bodySHA256 scheme) is not something our routes receive.
    if (mediaType(headers['content-type']) !== 'application/x-www-form-urlencoded') {
      throw new SignatureMismatchError('unsigned content type');
    }
    const params = parseForm(rawBody);
    const [authToken, publicBaseUrl] = await Promise.all([options.authToken(), options.publicBaseUrl()]);
    const url = publicRequestUrl(publicBaseUrl, event);
    if (!isValidTwilioSignature({ authToken, signature, url, params })) {
      throw new SignatureMismatchError('invalid twilio signature');
    }
  };
}
