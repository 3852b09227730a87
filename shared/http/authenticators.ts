/**
 * Authenticators for the chain's `authenticate` step, one per webhook source. Each gets the raw body and
 * lower-cased headers before anything is parsed, and throws AuthenticationError (401) or
 * SignatureMismatchError (403) on failure; returning normally means the request is authentic.
 * Secrets are read through a getter on every request so a rotated secret is picked up. Twilio's is in
 * ./twilio-authenticator.ts, so only the function that needs Twilio's verifier bundles it.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { verifyCalendlySignature } from '../webhooks/calendly-signature.ts';
import { type VapiAuthPlan, verifyVapiRequest } from '../webhooks/vapi-auth.ts';
import { AuthenticationError } from './errors.ts';

/** What an authenticator sees: the event, lower-cased headers and the decoded raw body. */
export interface AuthRequest {
  event: APIGatewayProxyEventV2;
  headers: Readonly<Record<string, string>>;
  rawBody: string;
}

/** Throws when the request is not authentic; resolves when it is. */
export type Authenticate = (request: AuthRequest) => void | Promise<void>;

export type SecretGetter = () => string | Promise<string>;

/** For routes that are public on purpose (e.g. GET /health); must be chosen explicitly. */
export const noAuthentication: Authenticate = () => undefined;

/** Vapi server-URL credentials (x-vapi-secret, Bearer, or HMAC, or exactly the configured plan); failure -> 401. */
export function vapiAuthenticator(options: {
  /** The secret and, when the operator configured one, the one plan to accept; read once per request. */
  credentials: () => Promise<{ secret: string; plan?: VapiAuthPlan | undefined }>;
  now?: () => Date;
}): Authenticate {
  return async ({ headers, rawBody }) => {
    const { secret, plan } = await options.credentials();
    const result = verifyVapiRequest({
      secret,
      ...(plan ? { plan } : {}),
      headers,
      rawBody,
      now: options.now?.() ?? new Date(),
    });
    if (!result.ok) throw new AuthenticationError(`vapi credentials ${result.reason}`);
  };
}

/** Calendly-Webhook-Signature (t=, v1=) with stale `t` rejected; failure -> 401. */
export function calendlyAuthenticator(options: { signingKey: SecretGetter; now?: () => Date }): Authenticate {
  return async ({ headers, rawBody }) => {
    const result = verifyCalendlySignature({
      signingKey: await options.signingKey(),
      header: headers['calendly-webhook-signature'],
      rawBody,
      now: options.now?.() ?? new Date(),
    });
    if (!result.ok) throw new AuthenticationError(`calendly signature ${result.reason}`);
  };
}
