/** Turns tool outcomes into the single-line JSON `result` string Vapi reads (README, "Tools the assistant sees"). */
import type { ToolError } from '../errors.ts';
import type { ToolSuccess } from './tool-deps.ts';

/** `{ok:false, error, say, ...details}` for a ToolError. */
export function toolFailure(error: ToolError): Record<string, unknown> {
  return { ok: false, error: error.code, say: error.say, ...error.details };
}

/** One line of JSON: JSON.stringify never emits raw newlines, and Vapi asks for none. */
export function resultLine(result: ToolSuccess | Record<string, unknown>): string {
  return JSON.stringify(result);
}
