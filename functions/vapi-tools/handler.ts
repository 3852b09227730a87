/**
 * POST /vapi/tools and POST /vapi/events. Tool calls always get HTTP 200 with one result per call
 * (domain failures are `ok:false` results); other server messages are acknowledged, and a call that has
 * ended gets its live holds released. Bad credentials get 401 before anything is read or written.
 */
import { vapiToolsServices } from '../../shared/app/vapi-tools.ts';
import { vapiAuthenticator } from '../../shared/http/authenticators.ts';
import { MAX_VAPI_BODY_BYTES } from '../../shared/http/body.ts';
import { httpHandler } from '../../shared/http/http-handler.ts';
import { json } from '../../shared/http/responses.ts';
import { logger, metrics } from '../../shared/observability.ts';
import { createToolCallRunner } from './run-tool-calls.ts';
import {
  callContextOf,
  endReportOf,
  messageType,
  toolCallsOf,
  type VapiMessage,
  VapiServerMessageSchema,
} from './schema.ts';

const services = await vapiToolsServices();
const runner = createToolCallRunner(
  {
    ...services.tools,
    onEnqueueFailure: (error) =>
      logger.error('booking enqueue failed; the sweeper will retry', { error: error as Error }),
  },
  services.replays,
);

/** Messages after which the call can no longer use its holds. */
function isCallOver(message: VapiMessage): boolean {
  const type = messageType(message);
  return type === 'end-of-call-report' || (type === 'status-update' && message.status === 'ended');
}

export const handler = httpHandler({
  authenticate: vapiAuthenticator({
    credentials: async () => {
      const { VAPI_SERVER_SECRET, VAPI_AUTH_PLAN } = await services.settings();
      return { secret: VAPI_SERVER_SECRET, plan: VAPI_AUTH_PLAN };
    },
  }),
  parse: 'json',
  maxBodyBytes: MAX_VAPI_BODY_BYTES,
  schema: VapiServerMessageSchema,
  async handle({ body, context }) {
    services.replays.startInvocation(context);
    const { message } = body;
    const call = callContextOf(message);
    if (messageType(message) === 'tool-calls') {
      const results = await runner.run(toolCallsOf(message), call, () => context.getRemainingTimeInMillis());
      return json(200, { results });
    }
    if (isCallOver(message) && call) {
      const { releasedHoldIds } = await services.endCall(endReportOf(message, call.callId));
      if (releasedHoldIds.length > 0)
        metrics.addMetric('HoldsReleasedAtCallEnd', 'Count', releasedHoldIds.length);
    }
    return json(200, {});
  },
  onError({ authenticated, status }) {
    // A body we cannot read (not JSON, not declared JSON, not a server message) gets its 4xx. Anything else
    // failing after authentication still gets 200: Vapi ignores other answers to tool calls.
    if (authenticated && status >= 500)
      return json(200, { results: [], error: 'the request could not be handled' });
    return undefined;
  },
});
