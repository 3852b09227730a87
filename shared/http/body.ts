/**
 * Raw-body helpers shared by the chain and by verifiers: base64 decoding with a size guard, content-type
 * parsing, and form decoding that keeps repeated keys (Twilio signs every value).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PayloadTooLargeError } from './errors.ts';

/** Largest request body a route accepts unless it says otherwise (README, "Tools the assistant sees"). */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Largest body of a Vapi server message. An end-of-call-report or final status-update carries the whole
 * call (`call.messages`, `call.artifact`): a ten-minute call already exceeds 360 KB, so the contract's
 * 256 KB would answer 413 to real messages. 3 MB leaves room for calls several times that long while a
 * base64-encoded body (4 MB) plus the event stays well inside Lambda's 6 MB request payload.
 */
export const MAX_VAPI_BODY_BYTES = 3 * 1024 * 1024;

/** Form parameters; a key sent more than once keeps every value, in order. */
export type FormParams = Record<string, string | string[]>;

/** The request body as UTF-8 text, decoded from base64 if API Gateway encoded it; throws when too large. */
export function readRawBody(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>,
  maxBytes = MAX_BODY_BYTES,
): string {
  const body = event.body ?? '';
  if (event.isBase64Encoded) {
    // Reject from the encoded length first, so an oversized body is never decoded into memory.
    if (body.length > Math.ceil(maxBytes / 3) * 4 + 4) throw new PayloadTooLargeError(maxBytes);
    const bytes = Buffer.from(body, 'base64');
    if (bytes.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
    return bytes.toString('utf8');
  }
  if (Buffer.byteLength(body, 'utf8') > maxBytes) throw new PayloadTooLargeError(maxBytes);
  return body;
}

/** The media type of a Content-Type header, lower-cased, without parameters ("application/json"). */
export function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
}

/** True for application/json and structured-syntax JSON types such as application/vnd.api+json. */
export function isJsonMediaType(type: string | undefined): boolean {
  return type === 'application/json' || (type?.endsWith('+json') ?? false);
}

/** Decodes an x-www-form-urlencoded body (`+` is a space); repeated keys become arrays. */
export function parseForm(rawBody: string): FormParams {
  // No prototype: a key such as "__proto__" or "constructor" must be plain data, not an inherited member.
  const params: FormParams = Object.create(null);
  for (const [key, value] of new URLSearchParams(rawBody)) {
    const existing = params[key];
    if (existing === undefined) params[key] = value;
    else if (typeof existing === 'string') params[key] = [existing, value];
    else existing.push(value);
  }
  return params;
}
