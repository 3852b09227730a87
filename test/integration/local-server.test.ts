import { Agent, request as httpRequest } from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../infra/local/clock.ts';
import {
  type LocalApi,
  type LocalHandler,
  type LocalRequestEntry,
  startLocalApi,
} from '../../infra/local/server.ts';
import type { FunctionName } from '../../infra/routes.ts';
import { BINARY_BODY, TWILIO_VOICE_FORM, VAPI_TOOL_CALLS_JSON } from '../fixtures/apigw/raw-requests.ts';

type Behaviour = (event: APIGatewayProxyEventV2, context: Context) => unknown;

interface Echo {
  event: APIGatewayProxyEventV2;
  context: { functionName: string; awsRequestId: string; remainingMs: number; memoryLimitInMB: string };
}

/** Answers with the event and context it received, so the test sees exactly what a function would. */
const echo: Behaviour = (event, context) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    event,
    context: {
      functionName: context.functionName,
      awsRequestId: context.awsRequestId,
      remainingMs: context.getRemainingTimeInMillis(),
      memoryLimitInMB: context.memoryLimitInMB,
    },
  }),
});

describe('local API server', () => {
  const behaviours = new Map<FunctionName, Behaviour>();
  const loads: FunctionName[] = [];
  const entries: LocalRequestEntry[] = [];
  let api: LocalApi;

  const loadHandler = async (fn: FunctionName): Promise<LocalHandler> => {
    loads.push(fn);
    return (async (event: APIGatewayProxyEventV2, context: Context) =>
      (behaviours.get(fn) ?? echo)(event, context)) as LocalHandler;
  };

  beforeAll(async () => {
    api = await startLocalApi({
      loadHandler,
      onRequest: (entry) => entries.push(entry),
      maxBodyBytes: 64 * 1024,
    });
  });

  afterAll(async () => {
    await api.stop();
  });

  beforeEach(() => {
    behaviours.clear();
    entries.length = 0;
  });

  const postEcho = async (path: string, contentType: string, body: string | Buffer): Promise<Echo> => {
    const response = await fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(Buffer.from(body)),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Echo;
  };

  it('delivers a Twilio form body base64-encoded with the route key and function context', async () => {
    const { event, context } = await postEcho(
      '/twilio/voice',
      'application/x-www-form-urlencoded',
      TWILIO_VOICE_FORM,
    );
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /twilio/voice',
      rawPath: '/twilio/voice',
      rawQueryString: '',
      isBase64Encoded: true,
      requestContext: {
        stage: '$default',
        routeKey: 'POST /twilio/voice',
        http: { method: 'POST', sourceIp: '127.0.0.1' },
      },
    });
    expect(Buffer.from(event.body ?? '', 'base64').toString()).toBe(TWILIO_VOICE_FORM);
    expect(event.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(event.headers['content-length']).toBe(String(TWILIO_VOICE_FORM.length));
    expect(context.functionName).toBe('twilio-voice');
    expect(context.memoryLimitInMB).toBe('512');
    expect(context.remainingMs).toBeGreaterThan(9_000);
    expect(context.remainingMs).toBeLessThanOrEqual(10_000);
  });

  it('delivers a JSON body as UTF-8 text', async () => {
    const { event, context } = await postEcho('/vapi/tools', 'application/json', VAPI_TOOL_CALLS_JSON);
    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBe(VAPI_TOOL_CALLS_JSON);
    expect(context.functionName).toBe('vapi-tools');
  });

  it('delivers a binary body base64-encoded without losing a byte', async () => {
    const { event } = await postEcho('/vapi/events', 'application/octet-stream', BINARY_BODY);
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(BINARY_BODY);
  });

  it('passes the query string verbatim and joins repeated query keys and headers with commas', async () => {
    const echoed = await new Promise<Echo>((resolve, reject) => {
      const request = httpRequest(
        `${api.url}/health?probe=a&probe=b&name=J%C3%B6rg+M&flag`,
        {
          method: 'GET',
          // Raw header list: each repeated header goes on the wire as its own line (and Host is not implied).
          // biome-ignore format: name/value pairs
          headers: [
            'Host', new URL(api.url).host,
            'X-Debug', 'first',
            'X-Debug', 'second',
            'Cookie', 'session=abc; theme=dark',
            'User-Agent', 'probe/1.0',
          ],
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString()) as Echo);
            } catch (error) {
              reject(
                new Error(`HTTP ${response.statusCode}: ${Buffer.concat(chunks).toString()}`, {
                  cause: error,
                }),
              );
            }
          });
        },
      );
      request.on('error', reject);
      request.end();
    });
    const { event } = echoed;
    expect(event.routeKey).toBe('GET /health');
    expect(event.rawQueryString).toBe('probe=a&probe=b&name=J%C3%B6rg+M&flag');
    expect(event.queryStringParameters).toEqual({ probe: 'a,b', name: 'Jörg M', flag: '' });
    expect(event.headers['x-debug']).toBe('first,second');
    expect(event.headers).not.toHaveProperty('cookie');
    expect(event.cookies).toEqual(['session=abc', 'theme=dark']);
    expect(event.requestContext.http.userAgent).toBe('probe/1.0');
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(event.headers['x-forwarded-port']).toBe(String(api.port));
    expect(event.body).toBeUndefined();
  });

  it('writes status, headers, cookies and a base64-decoded body back as API Gateway would', async () => {
    behaviours.set('vapi-tools', () => ({
      statusCode: 201,
      headers: { 'content-type': 'application/octet-stream', 'x-answer': 42 },
      cookies: ['a=1; Path=/', 'b=2; HttpOnly'],
      body: BINARY_BODY.toString('base64'),
      isBase64Encoded: true,
    }));
    const response = await fetch(`${api.url}/vapi/tools`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('x-answer')).toBe('42');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(response.headers.get('apigw-requestid')).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(BINARY_BODY);
  });

  it('infers a 200 JSON response from a result without statusCode', async () => {
    behaviours.set('vapi-tools', () => ({ results: [{ toolCallId: 'x', result: 'ok' }] }));
    const response = await fetch(`${api.url}/vapi/tools`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ results: [{ toolCallId: 'x', result: 'ok' }] });
  });

  it('answers 404 with API Gateway JSON for a path not in the route table', async () => {
    const response = await fetch(`${api.url}/twilio/voice/extra`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not Found' });
    expect(entries.at(-1)).toMatchObject({ method: 'POST', path: '/twilio/voice/extra', status: 404 });
  });

  it('answers 405 naming the allowed method for a known path with the wrong method', async () => {
    const response = await fetch(`${api.url}/vapi/tools`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toEqual({ message: 'Method Not Allowed' });
  });

  it('answers 500 Internal Server Error when a handler throws, and keeps serving', async () => {
    behaviours.set('calendly-webhook', () => {
      throw new Error('secret internals');
    });
    const failed = await fetch(`${api.url}/calendly/webhook`, { method: 'POST', body: '{}' });
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('{"message":"Internal Server Error"}');
    expect(entries.at(-1)).toMatchObject({ status: 500, functionName: 'calendly-webhook' });
    expect(entries.at(-1)?.error).toContain('secret internals');

    behaviours.delete('calendly-webhook');
    const next = await fetch(`${api.url}/calendly/webhook`, { method: 'POST', body: '{}' });
    expect(next.status).toBe(200);
  });

  it('answers 500 for a result API Gateway cannot map', async () => {
    behaviours.set('calendly-webhook', () => ({ statusCode: 'teapot' }));
    const response = await fetch(`${api.url}/calendly/webhook`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(500);
    expect(entries.at(-1)?.error).toContain('MalformedLambdaResultError');
  });

  it('loads each function once for all its routes', async () => {
    await fetch(`${api.url}/twilio/status`, { method: 'POST', body: 'a=1' });
    await fetch(`${api.url}/twilio/voice`, { method: 'POST', body: 'a=1' });
    await fetch(`${api.url}/twilio/voice`, { method: 'POST', body: 'a=1' });
    expect(loads.filter((fn) => fn === 'twilio-voice')).toHaveLength(1);
  });

  it('answers 413 for a body over the local cap without invoking the function', async () => {
    let invoked = false;
    behaviours.set('vapi-tools', () => {
      invoked = true;
      return 'ok';
    });
    const response = await fetch(`${api.url}/vapi/tools`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(65 * 1024),
    });
    expect(response.status).toBe(413);
    expect(invoked).toBe(false);
  });

  it('reports method, path, route, function, status and duration for every request', async () => {
    await fetch(`${api.url}/vapi/events`, { method: 'POST', body: '{}' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      method: 'POST',
      path: '/vapi/events',
      routeKey: 'POST /vapi/events',
      functionName: 'vapi-tools',
      status: 200,
    });
    expect(entries[0]?.ms).toBeGreaterThanOrEqual(0);
  });
});

describe('local API server timeouts and lifecycle', () => {
  it('answers 500 once a handler runs past its function timeout', async () => {
    const clock = createManualClock();
    const entries: LocalRequestEntry[] = [];
    let entered: () => void = () => {};
    const reachedHandler = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const api = await startLocalApi({
      clock,
      onRequest: (entry) => entries.push(entry),
      loadHandler: async () =>
        (() => {
          entered();
          return new Promise(() => {});
        }) as LocalHandler,
    });
    try {
      const pending = fetch(`${api.url}/health`);
      await reachedHandler;
      clock.advance(3_000);
      const response = await pending;
      expect(response.status).toBe(500);
      expect(entries[0]?.error).toContain('Task timed out after 3 seconds');
    } finally {
      await api.stop();
    }
  });

  it('answers 500 when a function fails to load, and loads it again on the next request', async () => {
    const loads: FunctionName[] = [];
    const entries: LocalRequestEntry[] = [];
    const api = await startLocalApi({
      onRequest: (entry) => entries.push(entry),
      loadHandler: async (fn) => {
        loads.push(fn);
        if (loads.length === 1) throw new Error('module init failed');
        return (() => 'ok') as LocalHandler;
      },
    });
    try {
      const failed = await fetch(`${api.url}/health`);
      expect(failed.status).toBe(500);
      expect(entries[0]?.error).toContain('module init failed');
      const retried = await fetch(`${api.url}/health`);
      expect(retried.status).toBe(200);
      expect(loads).toEqual(['health', 'health']);
    } finally {
      await api.stop();
    }
  });

  it('serves GET /health from the real function module by default', async () => {
    const api = await startLocalApi();
    try {
      const response = await fetch(`${api.url}/health`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/json');
    } finally {
      await api.stop();
    }
  });

  it('stops promptly while a client holds an idle keep-alive connection', async () => {
    const api = await startLocalApi({ loadHandler: async () => (() => 'ok') as LocalHandler });
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      httpRequest(`${api.url}/health`, { agent }, (response) => {
        response.resume();
        response.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
    const started = Date.now();
    await api.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    agent.destroy();
    await expect(fetch(`${api.url}/health`)).rejects.toThrow();
  });
});
