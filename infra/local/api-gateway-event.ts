/**
 * Pure translation between a raw HTTP exchange and API Gateway HTTP API (payload format 2.0) Lambda
 * events/results, following what API Gateway does rather than what is convenient:
 *
 * - header names lower-cased, repeated headers joined with ","; the Cookie header moves to `cookies`;
 *   API Gateway's own x-forwarded-* and x-amzn-trace-id headers are added;
 * - repeated query keys joined with ","; `rawQueryString` verbatim;
 * - the body is a UTF-8 string only for text/*, application/json, application/xml and
 *   application/javascript; anything else, including application/x-www-form-urlencoded and a missing
 *   Content-Type, arrives base64-encoded with isBase64Encoded true (observed on real HTTP APIs,
 *   ministackorg/ministack#766; the AWS docs only say "binary" bodies are encoded);
 * - a result without `statusCode` is "inferred": 200, application/json, the value itself as the body.
 *
 * See docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import { type Route, routeKey } from '../routes.ts';
import { LOCAL_ACCOUNT_ID } from './lambda-context.ts';

/** An HTTP request as it arrived on the socket. */
export interface RawHttpRequest {
  method: string;
  /** Request target as on the request line: path plus optional `?query`. */
  url: string;
  /** Header names and values alternating, in arrival order, repeats kept (Node's `rawHeaders`). */
  rawHeaders: readonly string[];
  /** Raw body bytes; undefined or empty means no body. */
  body: Buffer | undefined;
  /** Peer address of the connection (IPv4-mapped IPv6 addresses are unwrapped). */
  remoteAddress: string;
  /** Default "1.1". */
  httpVersion?: string;
  /** Port the request arrived on; becomes x-forwarded-port unless a proxy in front already set it. */
  localPort?: number;
  /** Scheme the client used; becomes x-forwarded-proto unless a proxy in front already set it. Default http. */
  protocol?: 'http' | 'https';
}

/** The per-request values API Gateway generates; injectable so fixtures can be compared exactly. */
export interface EventStamp {
  requestId: string;
  timeEpoch: number;
  /** Value of the x-amzn-trace-id header API Gateway adds. */
  traceId: string;
  accountId: string;
  apiId: string;
}

/** Media types API Gateway hands to Lambda as UTF-8 text; everything else is base64. */
const TEXT_MEDIA_TYPES = new Set(['application/json', 'application/xml', 'application/javascript']);

/** Whether API Gateway passes a body of this Content-Type as text (true) or base64 (false). */
export function isTextContentType(contentType: string | undefined): boolean {
  const media = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!media) return false;
  return media.startsWith('text/') || TEXT_MEDIA_TYPES.has(media);
}

// Connection-level headers end at API Gateway's edge and never reach the function.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's request time format, e.g. "12/Mar/2020:19:03:58 +0000". */
export function formatRequestTime(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

/** A fresh stamp: API Gateway-style request id (16 base64 chars) and an X-Ray root trace id. */
export function newEventStamp(now = Date.now()): EventStamp {
  const epochSeconds = Math.floor(now / 1000).toString(16);
  return {
    requestId: randomBytes(11).toString('base64'),
    timeEpoch: now,
    traceId: `Root=1-${epochSeconds}-${randomBytes(12).toString('hex')}`,
    accountId: LOCAL_ACCOUNT_ID,
    apiId: 'local',
  };
}

function unwrapAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

/** Splits a request target into path and query, accepting the absolute form proxies send. */
export function splitTarget(url: string): { path: string; query: string } {
  let target = url;
  if (!target.startsWith('/')) {
    try {
      const parsed = new URL(target);
      target = `${parsed.pathname}${parsed.search}`;
    } catch {
      target = `/${target}`;
    }
  }
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const question = target.indexOf('?');
  return question < 0
    ? { path: target, query: '' }
    : { path: target.slice(0, question), query: target.slice(question + 1) };
}

function joinRepeated(into: Record<string, string>, key: string, value: string): void {
  const existing = into[key];
  into[key] = existing === undefined ? value : `${existing},${value}`;
}

/** Builds the payload 2.0 event API Gateway would send for `request` matched to `route`. */
export function toApiGatewayEvent(
  request: RawHttpRequest,
  route: Pick<Route, 'method' | 'path'>,
  stamp: EventStamp = newEventStamp(),
): APIGatewayProxyEventV2 {
  const { path, query } = splitTarget(request.url);
  const sourceIp = unwrapAddress(request.remoteAddress);

  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) {
    const name = (request.rawHeaders[index] ?? '').toLowerCase();
    const value = request.rawHeaders[index + 1] ?? '';
    if (HOP_BY_HOP.has(name)) continue;
    if (name === 'cookie') {
      for (const cookie of value.split(';')) {
        const trimmed = cookie.trim();
        if (trimmed) cookies.push(trimmed);
      }
      continue;
    }
    joinRepeated(headers, name, value);
  }

  const body = request.body && request.body.length > 0 ? request.body : undefined;
  // A chunked upload reaches the function with the length API Gateway counted.
  if (body && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  // API Gateway is the edge in AWS; locally a tunnel may already be the edge, so its values are kept.
  headers['x-forwarded-for'] =
    headers['x-forwarded-for'] === undefined ? sourceIp : `${headers['x-forwarded-for']}, ${sourceIp}`;
  headers['x-forwarded-proto'] ??= request.protocol ?? 'http';
  headers['x-forwarded-port'] ??= String(request.localPort ?? (request.protocol === 'https' ? 443 : 80));
  headers['x-amzn-trace-id'] ??= stamp.traceId;

  const domainName = (headers.host ?? 'localhost').replace(/:\d+$/, '');
  const key = routeKey(route);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: key,
    rawPath: path,
    rawQueryString: query,
    headers,
    requestContext: {
      accountId: stamp.accountId,
      apiId: stamp.apiId,
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: request.method.toUpperCase(),
        path,
        protocol: `HTTP/${request.httpVersion ?? '1.1'}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: stamp.requestId,
      routeKey: key,
      stage: '$default',
      time: formatRequestTime(stamp.timeEpoch),
      timeEpoch: stamp.timeEpoch,
    },
    isBase64Encoded: false,
  };
  if (cookies.length > 0) event.cookies = cookies;
  if (query !== '') {
    const parameters: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(query)) joinRepeated(parameters, name, value);
    event.queryStringParameters = parameters;
  }
  if (body) {
    const text = isTextContentType(headers['content-type']);
    event.body = text ? body.toString('utf8') : body.toString('base64');
    event.isBase64Encoded = !text;
  }
  return event;
}

/** What API Gateway writes back to the client for one Lambda result. */
export interface HttpResponseParts {
  statusCode: number;
  /** Name/value pairs in order; `set-cookie` may repeat. */
  headers: Array<[string, string]>;
  body: Buffer;
}

/** Lambda's synchronous response payload limit. */
const MAX_RESULT_BYTES = 6 * 1024 * 1024;

/** Thrown for a result API Gateway cannot turn into a response; API Gateway answers 500 to those. */
export class MalformedLambdaResultError extends Error {
  override readonly name = 'MalformedLambdaResultError';
}

const StructuredResultSchema = z.object({
  statusCode: z.number().int().min(100).max(599),
  headers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  cookies: z.array(z.string()).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().optional(),
});

// API Gateway owns framing; a function cannot set these on the wire.
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/**
 * Turns a handler's return value into the HTTP response API Gateway sends, after the JSON round trip the
 * Lambda runtime performs (so `undefined` fields vanish and Dates become strings, as in AWS).
 */
export function toHttpResponse(result: unknown): HttpResponseParts {
  const payload = JSON.stringify(result ?? null) ?? 'null';
  if (Buffer.byteLength(payload) > MAX_RESULT_BYTES) {
    throw new MalformedLambdaResultError('the function response exceeds the 6 MB Lambda payload limit');
  }
  const value: unknown = JSON.parse(payload);

  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject || !('statusCode' in value)) {
    // Inferred format: any JSON without statusCode is the body of a 200 application/json response.
    const body = typeof value === 'string' ? value : payload;
    return {
      statusCode: 200,
      headers: [['content-type', 'application/json']],
      body: Buffer.from(body, 'utf8'),
    };
  }

  const parsed = StructuredResultSchema.safeParse(value);
  if (!parsed.success) {
    throw new MalformedLambdaResultError(`malformed Lambda result: ${parsed.error.message}`);
  }
  const structured = parsed.data;
  const headers: Array<[string, string]> = [];
  for (const [name, headerValue] of Object.entries(structured.headers ?? {})) {
    if (!FRAMING_HEADERS.has(name.toLowerCase())) headers.push([name, String(headerValue)]);
  }
  for (const cookie of structured.cookies ?? []) headers.push(['set-cookie', cookie]);
  const text = structured.body ?? '';
  return {
    statusCode: structured.statusCode,
    headers,
    body: structured.isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
  };
}
