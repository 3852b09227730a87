import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** GET /health: liveness only. Reads no configuration and returns nothing secret. */
export const handler = async (): Promise<APIGatewayProxyStructuredResultV2> => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify({ status: 'ok', service: 'voice-booking', time: new Date().toISOString() }),
});
