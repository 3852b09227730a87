/**
 * Vapi server messages as they arrive (Vapi's OpenAPI spec,
 * `ServerMessageToolCalls`, `Call`, `TwilioTransport`). Provider shapes: unknown keys are kept, only what
 * the spec requires is required (a tool-calls message needs `toolCallList`, not `type`), and both documented
 * forms of a tool call are accepted - `{id, function:{name, arguments}}` with arguments as an object or a
 * JSON string, and the older `{id, name, arguments|parameters}`. The spec sets no length for a tool-call id.
 */
import { type CallEndReport, isBrokenEnding } from '../../shared/domain/call-log.ts';
import type { CallContext } from '../../shared/domain/model.ts';
import { callerE164 } from '../../shared/domain/phone.ts';
import * as z from '../../shared/zod.ts';
import type { ToolError } from './tool-answer.ts';
import { prepareToolCall } from './tools/catalog.ts';
import type { ToolInvocation } from './tools/define.ts';

const ToolCallSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  name: z.optional(z.string()),
  arguments: z.optional(z.unknown()),
  parameters: z.optional(z.unknown()),
  function: z.optional(
    z.looseObject({
      name: z.optional(z.string()),
      arguments: z.optional(z.unknown()),
      parameters: z.optional(z.unknown()),
    }),
  ),
});

const CustomerSchema = z.nullish(z.looseObject({ number: z.nullish(z.string()) }));

const CallSchema = z.nullish(
  z.looseObject({
    id: z.nullish(z.string()),
    /** Deprecated in Vapi's spec in favour of `transport.callSid`; still read from older senders. */
    phoneCallProviderId: z.nullish(z.string()),
    transport: z.nullish(z.looseObject({ callSid: z.nullish(z.string()) })),
    assistantOverrides: z.nullish(
      z.looseObject({
        variableValues: z.nullish(z.looseObject({ twilioCallSid: z.nullish(z.string()) })),
      }),
    ),
    customer: CustomerSchema,
  }),
);

const text = z.nullish(z.string());

export const VapiServerMessageSchema = z.looseObject({
  message: z.looseObject({
    type: z.optional(z.string()),
    toolCallList: z.optional(z.array(ToolCallSchema)),
    toolCalls: z.optional(z.array(ToolCallSchema)),
    call: CallSchema,
    customer: CustomerSchema,
    status: z.optional(z.string()),
    // end-of-call-report (`ServerMessageEndOfCallReport`); `endedReason` also on an `ended` status-update.
    endedReason: text,
    startedAt: text,
    endedAt: text,
    analysis: z.nullish(z.looseObject({ summary: text })),
    artifact: z.nullish(
      z.looseObject({
        transcript: text,
        /** Deprecated in the spec for `recording.mono.combinedUrl`; still read from older senders. */
        recordingUrl: text,
        recording: z.nullish(z.looseObject({ mono: z.nullish(z.looseObject({ combinedUrl: text })) })),
      }),
    ),
  }),
});
export type VapiServerMessage = z.infer<typeof VapiServerMessageSchema>;
export type VapiMessage = VapiServerMessage['message'];

/**
 * One tool call, read: its arguments checked against its tool's schema (./tools/catalog.ts) (so one bad call cannot sink the
 * others, its problem is the answer to that call alone).
 */
export interface ToolCallRequest {
  toolCallId: string;
  name: string;
  /** Ready to run, or what to answer instead. */
  invocation: ToolInvocation | ToolError;
}

/** The message's type; the spec does not require `type` on a tool-calls message, only its `toolCallList`. */
export function messageType(message: VapiMessage): string | undefined {
  return message.type ?? (message.toolCallList || message.toolCalls ? 'tool-calls' : undefined);
}

/** The tool calls of a `tool-calls` message, in order (toolCallList first, legacy toolCalls otherwise). */
export function toolCallsOf(message: VapiMessage): ToolCallRequest[] {
  const list = message.toolCallList ?? message.toolCalls ?? [];
  return list.map((call) => ({
    toolCallId: call.id,
    name: call.function?.name ?? call.name ?? '',
    invocation: prepareToolCall(
      call.function?.name ?? call.name ?? '',
      call.function?.arguments ?? call.function?.parameters ?? call.arguments ?? call.parameters ?? {},
    ),
  }));
}

/**
 * Who is calling: keyed by the Twilio CallSid when the call came through Twilio (so /twilio/voice, the
 * status callback and Vapi agree on the id), else by Vapi's call id. The CallSid is read from the spec's
 * current field (`call.transport.callSid`), then from the variable /twilio/voice passes with every call,
 * then from the deprecated `phoneCallProviderId`. Null when the message carries no call at all.
 */
export function callContextOf(message: VapiMessage): CallContext | null {
  const call = message.call;
  const callId =
    call?.transport?.callSid ??
    call?.assistantOverrides?.variableValues?.twilioCallSid ??
    call?.phoneCallProviderId ??
    call?.id;
  if (!callId) return null;
  return { callId, callerNumber: callerE164(message.call?.customer?.number ?? message.customer?.number) };
}

/** What a message that ends the call says about it (only the fields it carries). */
export function endReportOf(message: VapiMessage, callId: string): CallEndReport {
  const instant = (value: string | null | undefined) => {
    const epoch = value ? Date.parse(value) : Number.NaN;
    return Number.isNaN(epoch) ? undefined : epoch;
  };
  const present = <T>(value: T | null | undefined) => value ?? undefined;
  return {
    callId,
    callerNumber: callerE164(message.call?.customer?.number ?? message.customer?.number),
    startedAt: instant(message.startedAt),
    endedAt: instant(message.endedAt),
    endedReason: present(message.endedReason),
    summary: present(message.analysis?.summary),
    recordingUrl: present(message.artifact?.recording?.mono?.combinedUrl ?? message.artifact?.recordingUrl),
    transcript: present(message.artifact?.transcript),
    broke: message.endedReason ? isBrokenEnding(message.endedReason) : false,
  };
}
