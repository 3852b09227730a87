/**
 * THE middy chain for HTTP functions. Every HTTP Lambda is `httpHandler({...})`; the order is fixed here:
 *
 *   1. observability     Powertools injectLambdaContext (keys reset per request) + logMetrics (flushed on
 *                         success and on error), API request id and route key on every log line
 *   2. header normalizer  header names lower-cased
 *   3. body guard         raw body decoded from base64 once; over the route's cap (256 KB unless set) -> 413 first
 *   4. authenticate       the function's verifier over the RAW body and headers; 401/403 on failure.
 *                         Nothing below runs (and nothing is written) for an unauthenticated request
 *   5. body parser        form or JSON by content type ('none' skips); other types -> 415, bad JSON -> 400
 *   6. zod validation     schema.safeParse; 400 naming the fields, never echoing values
 *   7. handle             the function's use case, given typed body, headers, raw body, request id
 *   8. error handler      registered last (so first on error): error -> status via error-status.ts; the
 *                         function's `onError` may shape the response (TwiML for Twilio, 200 results for
 *                         Vapi); otherwise JSON `{error:{code,message},requestId}`, 5xx without details
 *
 * Errors are thrown (AppError subclasses), never returned; the error handler is the only place they turn
 * into responses.
 */
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type * as z from '../zod.ts';
import type { Authenticate } from './authenticators.ts';
import { MAX_BODY_BYTES } from './body.ts';
import {
  authenticator,
  type BodyKind,
  bodyGuard,
  bodyParser,
  type ErrorResponder,
  errorHandler,
  type HttpRequest,
  headerNormalizer,
  httpState,
  observability,
  validator,
} from './middlewares.ts';
import type { HttpResponse } from './responses.ts';

/** What `handle` receives: the authenticated, parsed and validated request. */
export interface HttpInput<TBody> {
  event: APIGatewayProxyEventV2;
  context: Context;
  /** Header names lower-cased. */
  headers: Readonly<Record<string, string>>;
  /** The body exactly as received (base64-decoded), for anything that must see raw bytes. */
  rawBody: string;
  body: TBody;
  /** API Gateway's request id (the one to quote in logs and error bodies). */
  requestId: string;
  /** Aborted just before the Lambda times out. */
  signal: AbortSignal;
}

export interface HttpHandlerOptions<TSchema extends z.ZodMiniType> {
  /** Verifier over the raw body; use `noAuthentication` for deliberately public routes. */
  authenticate: Authenticate;
  parse: BodyKind;
  schema?: TSchema;
  handle: (input: HttpInput<z.output<TSchema>>) => Promise<HttpResponse> | HttpResponse;
  /** Shapes error responses for this function; return undefined to keep the default. */
  onError?: ErrorResponder;
  maxBodyBytes?: number;
}

/** The Lambda handler type every HTTP function exports. */
export type HttpLambdaHandler = MiddyfiedHandler<APIGatewayProxyEventV2, HttpResponse, Error, Context>;

/** Builds an HTTP Lambda handler wrapped in the one chain (see the module comment for the order). */
export function httpHandler<TSchema extends z.ZodMiniType = z.ZodMiniUnknown>(
  options: HttpHandlerOptions<TSchema>,
): HttpLambdaHandler {
  // middy passes (event, context, { signal }); the request object itself is not handed to the handler,
  // so the chain state is looked up through the event, which is the same object for the whole request.
  const requests = new WeakMap<APIGatewayProxyEventV2, HttpRequest>();
  const remember = {
    before: (request: HttpRequest) => {
      requests.set(request.event, request);
    },
  };
  const base = async (
    event: APIGatewayProxyEventV2,
    context: Context,
    { signal }: { signal: AbortSignal },
  ): Promise<HttpResponse> => {
    const request = requests.get(event);
    if (request === undefined) throw new Error('http chain state missing');
    const state = httpState(request);
    return await options.handle({
      event,
      context,
      headers: state.headers,
      rawBody: state.rawBody,
      // The validator replaced the body with schema.parse output, so this is z.output<TSchema>.
      body: state.body as z.output<TSchema>,
      requestId: event.requestContext?.requestId ?? context.awsRequestId,
      signal,
    });
  };
  return middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>(base)
    .use(observability())
    .use(remember)
    .use(headerNormalizer())
    .use(bodyGuard(options.maxBodyBytes ?? MAX_BODY_BYTES))
    .use(authenticator(options.authenticate))
    .use(bodyParser(options.parse))
    .use(validator(options.schema))
    .use(errorHandler(options.onError));
}
