/**
 * The tool catalog: every tool the assistant can call, one module each. The server runs them from here and
 * the Vapi function-tool definitions are generated from here (assistant/tools.ts), so the two cannot
 * disagree. `prepareToolCall` is the one place a tool call's arguments are read: JSON text or object,
 * checked against the tool's schema, once, at the edge.
 */
import { ToolError } from '../tool-answer.ts';
import { cancelBookingTool } from './cancel-booking.ts';
import { checkAvailabilityTool } from './check-availability.ts';
import { confirmBookingTool } from './confirm-booking.ts';
import type { Tool, ToolInvocation } from './define.ts';
import { findBookingTool } from './find-booking.ts';
import { holdSlotTool } from './hold-slot.ts';
import { releaseHoldTool } from './release-hold.ts';
import { rescheduleBookingTool } from './reschedule-booking.ts';
import { transferToHumanTool } from './transfer-to-human.ts';

export const TOOLS: readonly Tool[] = [
  checkAvailabilityTool,
  holdSlotTool,
  confirmBookingTool,
  releaseHoldTool,
  findBookingTool,
  cancelBookingTool,
  rescheduleBookingTool,
  transferToHumanTool,
];

const BY_NAME = new Map(TOOLS.map((tool) => [tool.name, tool]));

/** Arguments as Vapi sends them: an object, or JSON text (empty text meaning none). */
function argumentsOf(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw ?? {};
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    return new ToolError('invalid_arguments', "Sorry, I didn't get that. Could you say it again?", {
      reason: 'arguments are not valid JSON',
    });
  }
}

/** Reads one tool call: the tool's invocation with its parsed arguments, or the ToolError to answer with. */
export function prepareToolCall(name: string, rawArguments: unknown): ToolInvocation | ToolError {
  const tool = BY_NAME.get(name);
  if (!tool) {
    return new ToolError('unknown_tool', "Sorry, that's not something I can do on this line.", {
      reason: `unknown tool ${name || '(none)'}`,
    });
  }
  const args = argumentsOf(rawArguments);
  return args instanceof ToolError ? args : tool.prepare(args);
}
