/**
 * The control surface under /__sandbox/..., for driving a sandbox that runs in another process (the demo,
 * `npm run dev`). Kept apart from the API paths: no token, not rate limited, not in the request log.
 *
 *   GET    /__sandbox/state              everything, in Calendly shapes
 *   GET    /__sandbox/requests           request log      DELETE clears it
 *   POST   /__sandbox/faults             { endpoint, status, times?, resetSeconds?, afterCommit? }
 *   DELETE /__sandbox/faults             clears armed faults
 *   POST   /__sandbox/latency            { ms, endpoint? }
 *   POST   /__sandbox/book-elsewhere     { event_type, start_time }
 */
import * as z from 'zod';
import { SANDBOX_ENDPOINTS } from './endpoints.ts';
import type { JsonBody } from './http.ts';
import type { CalendlySandbox } from './server.ts';

const FaultSchema = z.strictObject({
  endpoint: z.enum([...SANDBOX_ENDPOINTS, 'any']),
  status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal('drop')]),
  times: z.number().int().min(1).optional(),
  resetSeconds: z.number().int().min(0).optional(),
  afterCommit: z.boolean().optional(),
});
const LatencySchema = z.strictObject({
  ms: z.number().int().min(0),
  endpoint: z.enum(SANDBOX_ENDPOINTS).optional(),
});
const BookElsewhereSchema = z.strictObject({ event_type: z.string().min(1), start_time: z.string().min(1) });

/** A control answer: status plus optional JSON body. */
export interface ControlResult {
  status: number;
  body?: unknown;
}

/** Serves one /__sandbox request by calling the sandbox's own test handles. */
export function handleControlRequest(
  sandbox: CalendlySandbox,
  method: string,
  pathname: string,
  body: JsonBody,
): ControlResult {
  const json = body.kind === 'json' ? body.value : undefined;
  const route = `${method} ${pathname.replace(/\/+$/, '')}`;
  const invalid = (error: z.ZodError): ControlResult => ({
    status: 400,
    body: { title: 'Invalid Argument', message: z.prettifyError(error) },
  });
  switch (route) {
    case 'GET /__sandbox/state':
      return { status: 200, body: sandbox.state() };
    case 'GET /__sandbox/requests':
      return { status: 200, body: { collection: sandbox.requests() } };
    case 'DELETE /__sandbox/requests':
      sandbox.clearRequests();
      return { status: 204 };
    case 'POST /__sandbox/faults': {
      const parsed = FaultSchema.safeParse(json);
      if (!parsed.success) return invalid(parsed.error);
      sandbox.injectFault(parsed.data);
      return { status: 201, body: { armed: parsed.data } };
    }
    case 'DELETE /__sandbox/faults':
      sandbox.clearFaults();
      return { status: 204 };
    case 'POST /__sandbox/latency': {
      const parsed = LatencySchema.safeParse(json);
      if (!parsed.success) return invalid(parsed.error);
      sandbox.setLatency(parsed.data.ms, parsed.data.endpoint);
      return { status: 204 };
    }
    case 'POST /__sandbox/book-elsewhere': {
      const parsed = BookElsewhereSchema.safeParse(json);
      if (!parsed.success) return invalid(parsed.error);
      try {
        return {
          status: 201,
          body: { invitee: sandbox.bookElsewhere(parsed.data.event_type, parsed.data.start_time) },
        };
      } catch (error) {
        return {
          status: 400,
          body: {
            title: 'Invalid Argument',
            message: error instanceof Error ? error.message : String(error),
          },
        };
      }
    }
    default:
      return {
        status: 404,
        body: { title: 'Resource Not Found', message: 'The server could not find the requested resource.' },
      };
  }
}
