/**
 * THE route table: every HTTP route and which function serves it. The CDK stack and the local server
 * both read this list, so AWS and a laptop cannot disagree about what answers where.
 */

/** Lambda functions of the product; each is a folder under functions/ with a handler.ts exporting `handler`. */
export const FUNCTIONS = {
  'twilio-voice': { timeoutSeconds: 10, memoryMb: 512, budgetKb: 500 },
  'vapi-tools': { timeoutSeconds: 15, memoryMb: 1024, budgetKb: 500 },
  'calendly-webhook': { timeoutSeconds: 10, memoryMb: 512, budgetKb: 500 },
  health: { timeoutSeconds: 3, memoryMb: 256, budgetKb: 500 },
  'booking-worker': { timeoutSeconds: 30, memoryMb: 512, budgetKb: 1024 },
  'booking-sweeper': { timeoutSeconds: 60, memoryMb: 256, budgetKb: 500 },
} as const;

export type FunctionName = keyof typeof FUNCTIONS;

/**
 * How long Vapi waits for /vapi/tools and /vapi/events (`server.timeoutSeconds`, Vapi's default): longer
 * than vapi-tools may run, so every tool call gets the answer the function gives inside its own limit.
 */
export const VAPI_SERVER_TIMEOUT_SECONDS = 20;

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  function: FunctionName;
}

export const ROUTES = [
  { method: 'POST', path: '/twilio/voice', function: 'twilio-voice' },
  { method: 'POST', path: '/twilio/status', function: 'twilio-voice' },
  // Where transfer_to_human sends the live call, and what the dial and the voicemail post back.
  { method: 'POST', path: '/twilio/transfer', function: 'twilio-voice' },
  { method: 'POST', path: '/twilio/whisper', function: 'twilio-voice' },
  { method: 'POST', path: '/twilio/dial-result', function: 'twilio-voice' },
  { method: 'POST', path: '/twilio/voicemail', function: 'twilio-voice' },
  { method: 'POST', path: '/twilio/recording', function: 'twilio-voice' },
  { method: 'POST', path: '/vapi/tools', function: 'vapi-tools' },
  { method: 'POST', path: '/vapi/events', function: 'vapi-tools' },
  { method: 'POST', path: '/calendly/webhook', function: 'calendly-webhook' },
  { method: 'GET', path: '/health', function: 'health' },
] as const satisfies readonly Route[];

/** API Gateway HTTP API route key, e.g. "POST /twilio/voice"; handlers serving two routes switch on it. */
export const routeKey = (route: Pick<Route, 'method' | 'path'>): string => `${route.method} ${route.path}`;

/** Entry file of a function, relative to the repository root. */
export const functionEntry = (name: FunctionName): string => `functions/${name}/handler.ts`;

export type RoutePath = (typeof ROUTES)[number]['path'];

/** A route's public URL under `baseUrl`, which may carry a path of its own (a tunnel, a stage). */
export function routeUrl(baseUrl: string, path: RoutePath): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}
