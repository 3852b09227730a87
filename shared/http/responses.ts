/**
 * Typed API Gateway HTTP API (payload 2.0) responses. Handlers return these instead of hand-built objects
 * so content types and caching headers are always set.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** A structured Lambda proxy response with a status and headers always present. */
export type HttpResponse = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
};

/** JSON body with `status`. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** TwiML document for Twilio; Twilio requires text/xml (a wrong content type is error 11200). */
export function twiml(xml: string, status = 200): HttpResponse {
  return {
    statusCode: status,
    headers: { 'content-type': 'text/xml', 'cache-control': 'no-store' },
    body: xml,
  };
}

/** No body (204 by default). */
export function empty(status = 204): HttpResponse {
  return { statusCode: status, headers: { 'cache-control': 'no-store' } };
}
