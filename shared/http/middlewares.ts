/**
 * The pieces of the HTTP middy chain, in the order shared/http/http-handler.ts registers them. Each piece
 * reads and writes a per-request HttpState (never the parsed body on the event), so the raw body stays
 * available to authentication and nothing downstream can mistake unparsed data for validated data.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { AppError } from '../domain/errors.ts';
import { logger, metrics } from '../observability.ts';
import type * as z from '../zod.ts';
import type { Authenticate } from './authenticators.ts';
import { isJsonMediaType, MAX_BODY_BYTES, mediaType, parseForm, readRawBody } from './body.ts';
import { publicError, statusForError, toAppError } from './error-status.ts';
import { BadRequestError, UnsupportedMediaTypeError } from './errors.ts';
import { type HttpResponse, json } from './responses.ts';

/** The middy request of an HTTP function. */
export type HttpRequest = Request<APIGatewayProxyEventV2, HttpResponse, Error, Context>;
type HttpMiddleware = MiddlewareObj<APIGatewayProxyEventV2, HttpResponse, Error, Context>;

/** What the chain has established about the current request so far. */
export interface HttpState {
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** Body bytes as UTF-8 text, base64-decoded once. */
  rawBody: string;
  /** Parsed (and, after validation, schema-checked) body. */
  body: unknown;
  /** True once the authenticate step has passed; errors before that must not leak anything. */
  authenticated: boolean;
}

const states = new WeakMap<HttpRequest, HttpState>();

/** The chain state of a request (created on first use). */
export function httpState(request: HttpRequest): HttpState {
  let state = states.get(request);
  if (state === undefined) {
    state = { headers: {}, rawBody: '', body: undefined, authenticated: false };
    states.set(request, state);
  }
  return state;
}

/** Which body parser a route uses. */
export type BodyKind = 'form' | 'json' | 'none';

/** What an error responder learns about a failed request. */
export interface HttpFailure {
  error: AppError<string>;
  /** The status ERROR_STATUS maps the error to. */
  status: number;
  event: APIGatewayProxyEventV2;
  /** False when the request failed before authentication passed: answer without revealing anything. */
  authenticated: boolean;
  requestId: string;
}

/** Lets a function shape its own error responses; returning undefined keeps the default JSON error. */
export type ErrorResponder = (failure: HttpFailure) => HttpResponse | undefined;

function requestIdOf(request: HttpRequest): string {
  return request.event?.requestContext?.requestId ?? request.context?.awsRequestId ?? 'unknown';
}

/** 1. Powertools logger context + metrics flush, plus the API request id and route on every log line. */
export function observability(): HttpMiddleware[] {
  const requestKeys: HttpMiddleware = {
    before: (request) => {
      logger.appendKeys({ apiRequestId: requestIdOf(request), routeKey: request.event.routeKey });
    },
  };
  const flushMetrics = logMetrics(metrics, { captureColdStartMetric: true });
  // Powertools warns on every flush with nothing stored; most requests record no metric, so flush only when
  // there is something to publish (the cold-start metric is published on its own, in `before`).
  const flushIfAny = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return [
    injectLambdaContext(logger, { resetKeys: true }),
    { before: flushMetrics.before, after: flushIfAny, onError: flushIfAny },
    requestKeys,
  ];
}

/** 2. Lower-cases header names (API Gateway v2 already does; local servers and tests may not). */
export function headerNormalizer(): HttpMiddleware {
  return {
    before: (request) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.event.headers ?? {})) {
        if (value === undefined) continue;
        const key = name.toLowerCase();
        const existing = headers[key];
        // Same header sent twice with different casing: join as HTTP does for repeated headers.
        headers[key] = existing === undefined ? value : `${existing},${value}`;
      }
      request.event.headers = headers;
      httpState(request).headers = headers;
    },
  };
}

/** 3. Decodes the body once (base64 if flagged) and rejects oversized bodies with 413 before any work. */
export function bodyGuard(maxBytes = MAX_BODY_BYTES): HttpMiddleware {
  return {
    before: (request) => {
      httpState(request).rawBody = readRawBody(request.event, maxBytes);
    },
  };
}

/** 4. Runs the function's authenticator on the raw body; nothing after it runs for an unauthenticated request. */
export function authenticator(authenticate: Authenticate): HttpMiddleware {
  return {
    before: async (request) => {
      const state = httpState(request);
      try {
        await authenticate({ event: request.event, headers: state.headers, rawBody: state.rawBody });
      } catch (error) {
        const appError = toAppError(error);
        if (appError.code === 'unauthenticated' || appError.code === 'forbidden') {
          metrics.addMetric('WebhookRejected', MetricUnit.Count, 1);
        }
        throw appError;
      }
      state.authenticated = true;
    },
  };
}

/** 5. Parses form or JSON by content type; anything else is 415. */
export function bodyParser(kind: BodyKind): HttpMiddleware {
  return {
    before: (request) => {
      if (kind === 'none') return;
      const state = httpState(request);
      const type = mediaType(state.headers['content-type']);
      if (kind === 'form') {
        if (type !== 'application/x-www-form-urlencoded') {
          throw new UnsupportedMediaTypeError('expected application/x-www-form-urlencoded');
        }
        state.body = parseForm(state.rawBody);
        return;
      }
      if (!isJsonMediaType(type)) throw new UnsupportedMediaTypeError('expected application/json');
      try {
        state.body = JSON.parse(state.rawBody);
      } catch (error) {
        throw new BadRequestError('body is not valid JSON', { cause: error });
      }
    },
  };
}

/** 6. Validates the parsed body with zod; 400 names the offending fields, never the values. */
export function validator(schema: z.ZodMiniType | undefined): HttpMiddleware {
  return {
    before: (request) => {
      if (schema === undefined) return;
      const state = httpState(request);
      const result = schema.safeParse(state.body);
      if (!result.success) {
        const fields = [...new Set(result.error.issues.map((issue) => issue.path.join('.') || '(body)'))];
        throw new BadRequestError(`invalid request: ${fields.slice(0, 5).join(', ')}`, {
          cause: result.error,
        });
      }
      state.body = result.data;
    },
  };
}

/**
 * 7. Error handler, registered last so it runs first on the way out: maps any error to a status through
 * error-status.ts, logs it (5xx with the error, 4xx as a warning), and sets the response: the function's
 * own responder first, the default JSON error otherwise. 5xx bodies never carry messages or stacks.
 */
export function errorHandler(respond?: ErrorResponder): HttpMiddleware {
  return {
    onError: (request) => {
      const error = toAppError(request.error);
      const status = statusForError(error);
      const requestId = requestIdOf(request);
      const state = httpState(request);
      if (status >= 500) {
        // The API request id is already on every line (apiRequestId, appended by the observability step).
        logger.error('request failed', { code: error.code, status, error });
      } else {
        logger.warn('request rejected', { code: error.code, status, reason: error.message });
      }
      const failure: HttpFailure = {
        error,
        status,
        event: request.event,
        authenticated: state.authenticated,
        requestId,
      };
      let response: HttpResponse | undefined;
      try {
        response = respond?.(failure);
      } catch (responderError) {
        logger.error('error responder failed', { error: responderError });
      }
      request.response = response ?? json(status, { error: publicError(error, status), requestId });
    },
  };
}
