import { readFileSync } from 'node:fs';
import { validateRequest } from 'twilio/lib/webhooks/webhooks.js';
import { describe, expect, it } from 'vitest';
import {
  isTextContentType,
  MalformedLambdaResultError,
  type RawHttpRequest,
  toApiGatewayEvent,
  toHttpResponse,
} from '../../../../infra/local/api-gateway-event.ts';
import {
  BINARY_BODY,
  FIXTURE_STAMP,
  RAW_REQUESTS,
  TWILIO_FIXTURE_AUTH_TOKEN,
  TWILIO_FIXTURE_URL,
  VAPI_TOOL_CALLS_JSON,
} from '../../../fixtures/apigw/raw-requests.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/apigw/${name}`, import.meta.url), 'utf8'));

const post = (contentType: string | undefined, body: Buffer | undefined): RawHttpRequest => ({
  method: 'POST',
  url: '/vapi/events',
  rawHeaders: ['Host', 'localhost:3000', ...(contentType === undefined ? [] : ['Content-Type', contentType])],
  body,
  remoteAddress: '127.0.0.1',
  localPort: 3000,
});

const vapiEvents = { method: 'POST', path: '/vapi/events' } as const;

/** The event built from the named fixture's raw request. */
function eventFor(name: string) {
  const raw = RAW_REQUESTS.find((candidate) => candidate.fixture === name);
  if (!raw) throw new Error(`no raw request for ${name}`);
  return toApiGatewayEvent(raw.request, raw.route, FIXTURE_STAMP);
}

describe('toApiGatewayEvent', () => {
  for (const { fixture: name, route, request } of RAW_REQUESTS) {
    it(`builds ${name} field for field`, () => {
      expect(toApiGatewayEvent(request, route, FIXTURE_STAMP)).toEqual(fixture(name));
    });
  }

  it('delivers the Twilio form base64-encoded, still verifiable against its signature', () => {
    const event = eventFor('twilio-voice-form.json');
    expect(event.isBase64Encoded).toBe(true);
    const params = Object.fromEntries(
      new URLSearchParams(Buffer.from(event.body ?? '', 'base64').toString()),
    );
    expect(params.CallerCity).toBe('SAN FRANCISCO');
    expect(
      validateRequest(
        TWILIO_FIXTURE_AUTH_TOKEN,
        event.headers['x-twilio-signature'] ?? '',
        TWILIO_FIXTURE_URL,
        params,
      ),
    ).toBe(true);
  });

  it('keeps a JSON body as UTF-8 text byte for byte', () => {
    const event = eventFor('vapi-tools-json.json');
    expect(event.body).toBe(VAPI_TOOL_CALLS_JSON);
    expect(event.body).toContain('José');
  });

  it('round-trips a binary body through base64', () => {
    const event = eventFor('vapi-events-binary.json');
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(BINARY_BODY);
  });

  it.each([
    ['text/plain', true],
    ['text/xml; charset=utf-8', true],
    ['application/json', true],
    ['Application/JSON; charset=UTF-8', true],
    ['application/xml', true],
    ['application/javascript', true],
    ['application/x-www-form-urlencoded', false],
    ['application/octet-stream', false],
    ['multipart/form-data; boundary=x', false],
    ['image/png', false],
  ])('passes a %s body as text: %s', (contentType, text) => {
    expect(isTextContentType(contentType)).toBe(text);
    const event = toApiGatewayEvent(post(contentType, Buffer.from('a=1')), vapiEvents);
    expect(event.isBase64Encoded).toBe(!text);
    expect(event.body).toBe(text ? 'a=1' : Buffer.from('a=1').toString('base64'));
  });

  it('base64-encodes a body that has no content type', () => {
    const event = toApiGatewayEvent(post(undefined, Buffer.from('{}')), vapiEvents);
    expect(event).toMatchObject({ isBase64Encoded: true, body: 'e30=' });
  });

  it('leaves the body out when the request has none', () => {
    for (const body of [undefined, Buffer.alloc(0)]) {
      const event = toApiGatewayEvent(post('application/json', body), vapiEvents);
      expect(event.body).toBeUndefined();
      expect(event.isBase64Encoded).toBe(false);
      expect(event).not.toHaveProperty('queryStringParameters');
      expect(event).not.toHaveProperty('cookies');
    }
  });

  it('stamps each event with a fresh request id and the current time', () => {
    const before = Date.now();
    const first = toApiGatewayEvent(post('application/json', undefined), vapiEvents);
    const second = toApiGatewayEvent(post('application/json', undefined), vapiEvents);
    expect(first.requestContext.requestId).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    expect(first.requestContext.requestId).not.toBe(second.requestContext.requestId);
    expect(first.requestContext.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(first.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(first.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(first.headers['x-forwarded-proto']).toBe('http');
    expect(first.headers['x-forwarded-port']).toBe('3000');
    expect(first.requestContext.domainName).toBe('localhost');
  });

  it('reads the path and query of an absolute-form request target', () => {
    const request = { ...post('application/json', undefined), url: 'http://localhost:3000/vapi/events?x=1' };
    const event = toApiGatewayEvent(request, vapiEvents);
    expect(event.rawPath).toBe('/vapi/events');
    expect(event.rawQueryString).toBe('x=1');
    expect(event.queryStringParameters).toEqual({ x: '1' });
  });
});

describe('toHttpResponse', () => {
  it('writes a structured result with its status, headers and cookies', () => {
    const response = toHttpResponse({
      statusCode: 201,
      headers: { 'Content-Type': 'text/xml', 'X-Count': 3, 'X-Flag': true },
      cookies: ['a=1; Path=/', 'b=2; HttpOnly'],
      body: '<Response/>',
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers).toEqual([
      ['Content-Type', 'text/xml'],
      ['X-Count', '3'],
      ['X-Flag', 'true'],
      ['set-cookie', 'a=1; Path=/'],
      ['set-cookie', 'b=2; HttpOnly'],
    ]);
    expect(response.body.toString()).toBe('<Response/>');
  });

  it('decodes a base64 body to bytes', () => {
    const response = toHttpResponse({
      statusCode: 200,
      headers: { 'content-type': 'application/octet-stream' },
      body: BINARY_BODY.toString('base64'),
      isBase64Encoded: true,
    });
    expect(response.body).toEqual(BINARY_BODY);
  });

  it('answers an empty body when a structured result has none', () => {
    const response = toHttpResponse({ statusCode: 204 });
    expect(response).toEqual({ statusCode: 204, headers: [], body: Buffer.alloc(0) });
  });

  it('infers 200 application/json for a string result and sends the string as is', () => {
    const response = toHttpResponse('Hello from Lambda!');
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual([['content-type', 'application/json']]);
    expect(response.body.toString()).toBe('Hello from Lambda!');
  });

  it('infers a JSON body for an object without statusCode, even one that looks structured', () => {
    const response = toHttpResponse({ body: 'x', headers: { a: 'b' } });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body.toString())).toEqual({ body: 'x', headers: { a: 'b' } });
  });

  it('drops framing headers API Gateway sets itself', () => {
    const response = toHttpResponse({
      statusCode: 200,
      headers: { 'Content-Length': '999', 'transfer-encoding': 'chunked', 'x-kept': '1' },
      body: 'ok',
    });
    expect(response.headers).toEqual([['x-kept', '1']]);
  });

  it('serialises the result like the Lambda runtime (undefined fields vanish)', () => {
    const response = toHttpResponse({ statusCode: 200, headers: { 'x-gone': undefined }, body: undefined });
    expect(response).toEqual({ statusCode: 200, headers: [], body: Buffer.alloc(0) });
  });

  it.each([
    ['a non-numeric status', { statusCode: 'ok', body: '' }],
    ['an out-of-range status', { statusCode: 99 }],
    ['a non-string body', { statusCode: 200, body: { a: 1 } }],
    ['non-string cookies', { statusCode: 200, cookies: [1] }],
  ])('rejects %s as malformed', (_, result) => {
    expect(() => toHttpResponse(result)).toThrow(MalformedLambdaResultError);
  });
});
