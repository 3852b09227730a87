import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { VendorUnavailableError } from '../../../../shared/domain/errors.ts';
import { type Authenticate, noAuthentication } from '../../../../shared/http/authenticators.ts';
import { MAX_BODY_BYTES } from '../../../../shared/http/body.ts';
import {
  AuthenticationError,
  BadRequestError,
  SignatureMismatchError,
} from '../../../../shared/http/errors.ts';
import { httpHandler } from '../../../../shared/http/http-handler.ts';
import type { HttpFailure } from '../../../../shared/http/middlewares.ts';
import { empty, json, twiml } from '../../../../shared/http/responses.ts';
import { apiEvent, formEvent, jsonEvent, lambdaContext } from '../../../fixtures/http-events.ts';

const TOKEN = 'let-me-in';

/** A tiny app whose authenticator and handler record what they saw, so tests can check order and reach. */
function app(
  options: {
    parse?: 'form' | 'json' | 'none';
    schema?: z.ZodType;
    fail?: unknown;
    onError?: (f: HttpFailure) => ReturnType<typeof json> | undefined;
  } = {},
) {
  const seen = { auth: [] as string[], handled: [] as unknown[] };
  const authenticate: Authenticate = ({ headers, rawBody }) => {
    seen.auth.push(rawBody);
    if (headers['x-token'] !== TOKEN) throw new AuthenticationError('bad token');
  };
  const handler = httpHandler({
    authenticate,
    parse: options.parse ?? 'json',
    ...(options.schema ? { schema: options.schema } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
    handle: ({ body, rawBody, headers }) => {
      seen.handled.push(body);
      if (options.fail !== undefined) throw options.fail;
      return json(200, { body, rawLength: rawBody.length, hasToken: headers['x-token'] === TOKEN });
    },
  });
  return { handler, seen, invoke: (event: ReturnType<typeof apiEvent>) => handler(event, lambdaContext()) };
}

const authed = { 'x-token': TOKEN };
const parseBody = (body: string | undefined): unknown => JSON.parse(body ?? 'null');

describe('httpHandler', () => {
  it('passes an authenticated, parsed and validated body to the handler', async () => {
    const { invoke } = app({ schema: z.object({ n: z.number() }) });
    const response = await invoke(jsonEvent('/x', { n: 1 }, authed));
    expect(response.statusCode).toBe(200);
    expect(parseBody(response.body)).toMatchObject({ body: { n: 1 }, hasToken: true });
  });

  it('authenticates on the raw body before parsing it', async () => {
    const { invoke, seen } = app();
    const response = await invoke(jsonEvent('/x', '{not json', { 'x-token': 'wrong' }));
    // A bad body from an unauthenticated sender is a 401, not a 400: parsing never happened.
    expect(response.statusCode).toBe(401);
    expect(seen.auth).toEqual(['{not json']);
    expect(seen.handled).toEqual([]);
  });

  it('never reaches the handler when authentication fails', async () => {
    const { invoke, seen } = app();
    const response = await invoke(jsonEvent('/x', { n: 1 }));
    expect(response.statusCode).toBe(401);
    expect(parseBody(response.body)).toMatchObject({ error: { code: 'unauthenticated' } });
    expect(seen.handled).toEqual([]);
  });

  it('answers 403 for a signature mismatch', async () => {
    const handler = httpHandler({
      authenticate: () => {
        throw new SignatureMismatchError('nope');
      },
      parse: 'none',
      handle: () => empty(),
    });
    expect((await handler(jsonEvent('/x', {}), lambdaContext())).statusCode).toBe(403);
  });

  it('rejects a body over 256 KB with 413 before authenticating', async () => {
    const { invoke, seen } = app();
    const big = JSON.stringify({ pad: 'x'.repeat(MAX_BODY_BYTES) });
    const response = await invoke(jsonEvent('/x', big, authed));
    expect(response.statusCode).toBe(413);
    expect(seen.auth).toEqual([]);
  });

  it('rejects an oversized base64 body with 413 without decoding it', async () => {
    const { invoke, seen } = app({ parse: 'form' });
    const response = await invoke(formEvent('/x', { pad: 'x'.repeat(MAX_BODY_BYTES) }, authed));
    expect(response.statusCode).toBe(413);
    expect(seen.auth).toEqual([]);
  });

  it('accepts a body of exactly 256 KB', async () => {
    const { invoke } = app({ parse: 'none' });
    const response = await invoke(
      apiEvent({
        path: '/x',
        headers: { ...authed, 'content-type': 'text/plain' },
        body: 'x'.repeat(MAX_BODY_BYTES),
      }),
    );
    expect(response.statusCode).toBe(200);
  });

  it('decodes a base64 body once and hands the raw text to the authenticator', async () => {
    const { invoke, seen } = app({ parse: 'form' });
    const response = await invoke(
      formEvent('/x', { Body: 'a+b c', Repeated: ['1', '2'] }, authed, { base64: true }),
    );
    expect(response.statusCode).toBe(200);
    expect(seen.auth).toEqual(['Body=a%2Bb+c&Repeated=1&Repeated=2']);
    expect(parseBody(response.body)).toMatchObject({ body: { Body: 'a+b c', Repeated: ['1', '2'] } });
  });

  it('parses a plain (not base64) JSON body', async () => {
    const { invoke } = app();
    const response = await invoke(jsonEvent('/x', { a: 'é' }, authed, { base64: false }));
    expect(parseBody(response.body)).toMatchObject({ body: { a: 'é' } });
  });

  it('reads headers regardless of their case', async () => {
    const { invoke } = app();
    const event = jsonEvent('/x', { n: 1 });
    event.headers = { 'Content-Type': 'application/json', 'X-Token': TOKEN };
    expect((await invoke(event)).statusCode).toBe(200);
  });

  it('answers 415 for a content type the route does not parse', async () => {
    const { invoke, seen } = app({ parse: 'json' });
    const response = await invoke(formEvent('/x', { a: '1' }, authed));
    expect(response.statusCode).toBe(415);
    expect(seen.handled).toEqual([]);
    const form = app({ parse: 'form' });
    expect((await form.invoke(jsonEvent('/x', { a: 1 }, authed))).statusCode).toBe(415);
  });

  it('answers 400 for malformed JSON', async () => {
    const { invoke } = app();
    const response = await invoke(jsonEvent('/x', '{"a":', authed));
    expect(response.statusCode).toBe(400);
    expect(parseBody(response.body)).toMatchObject({
      error: { code: 'bad_request', message: 'body is not valid JSON' },
    });
  });

  it('answers 400 naming invalid fields without echoing their values', async () => {
    const { invoke, seen } = app({ schema: z.object({ email: z.email(), n: z.number() }) });
    const response = await invoke(jsonEvent('/x', { email: 'secret-value-not-an-email', n: 'x' }, authed));
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('email');
    expect(response.body).not.toContain('secret-value');
    expect(seen.handled).toEqual([]);
  });

  it('maps AppError codes to statuses with their safe messages', async () => {
    const { invoke } = app({ fail: new BadRequestError('date must be YYYY-MM-DD') });
    const response = await invoke(jsonEvent('/x', {}, authed));
    expect(response.statusCode).toBe(400);
    expect(parseBody(response.body)).toMatchObject({ error: { message: 'date must be YYYY-MM-DD' } });
  });

  it('answers 503 for an unavailable vendor without its details', async () => {
    const { invoke } = app({ fail: new VendorUnavailableError('calendly', 'calendly 502 at /event_types') });
    const response = await invoke(jsonEvent('/x', {}, authed));
    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain('calendly');
  });

  it('answers 500 for an unexpected error without message or stack', async () => {
    const { invoke } = app({ fail: new Error('connect ECONNREFUSED db-password=hunter2') });
    const event = jsonEvent('/x', {}, authed);
    const response = await invoke(event);
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toMatch(/hunter2|ECONNREFUSED|at .*\.ts/);
    expect(parseBody(response.body)).toEqual({
      error: { code: 'internal', message: 'internal error' },
      requestId: event.requestContext.requestId,
    });
  });

  it('lets a function shape error responses, telling it whether authentication passed', async () => {
    const failures: Array<{ status: number; authenticated: boolean }> = [];
    const onError = (failure: HttpFailure) => {
      failures.push({ status: failure.status, authenticated: failure.authenticated });
      return failure.status === 401 ? undefined : twiml('<Response/>');
    };
    const { invoke } = app({ fail: new Error('boom'), onError });
    const unauthenticated = await invoke(jsonEvent('/x', {}));
    const failed = await invoke(jsonEvent('/x', {}, authed));
    expect(unauthenticated.statusCode).toBe(401);
    expect(failed).toMatchObject({
      statusCode: 200,
      body: '<Response/>',
      headers: { 'content-type': 'text/xml' },
    });
    expect(failures).toEqual([
      { status: 401, authenticated: false },
      { status: 500, authenticated: true },
    ]);
  });

  it('falls back to the default error when the function responder throws', async () => {
    const { invoke } = app({
      fail: new Error('boom'),
      onError: () => {
        throw new Error('responder broke');
      },
    });
    expect((await invoke(jsonEvent('/x', {}, authed))).statusCode).toBe(500);
  });

  it('does not carry state from one invocation of the same event into the next', async () => {
    const { invoke, seen } = app();
    const event = jsonEvent('/x', { n: 1 }, authed);
    expect((await invoke(event)).statusCode).toBe(200);
    event.headers['x-token'] = 'wrong';
    expect((await invoke(event)).statusCode).toBe(401);
    expect(seen.handled).toHaveLength(1);
  });

  it('serves a deliberately public route with noAuthentication', async () => {
    const handler = httpHandler({ authenticate: noAuthentication, parse: 'none', handle: () => empty(204) });
    expect((await handler(apiEvent({ method: 'GET', path: '/health' }), lambdaContext())).statusCode).toBe(
      204,
    );
  });
});
