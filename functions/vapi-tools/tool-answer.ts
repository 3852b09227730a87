/**
 * What a tool call answers: one line of JSON in Vapi's `result`, `ok` and a speakable `say` always, and on
 * failure an `error` code the assistant's prompt knows what to do with.
 */
import { AppError, type AppErrorOptions } from '../../shared/domain/errors.ts';

/**
 * Error codes a tool result may carry: the contract's, each for what it means there, and precise ones
 * where one contract code would stand for several cases (so a log line, and the prompt, can tell them apart).
 */
export const TOOL_ERROR_CODES = [
  'invalid_arguments',
  'unknown_slot',
  'slot_taken',
  'too_many_holds',
  'unknown_hold',
  'hold_expired',
  'not_your_hold',
  'calendar_unavailable',
  'booking_failed',
  'unknown_booking',
  'not_found',
  'too_many_lookups',
  'transfer_unavailable',
  // Precise codes.
  /** The tool name is not one of ours. */
  'unknown_tool',
  /** The message carries no call to scope the tool to. */
  'call_unknown',
  /** The call has ended (hang-up, end-of-call report): its holds are gone. */
  'call_ended',
  /** The caller named a service the business does not offer. */
  'unknown_service',
  /** The calendar has no active event type to book. */
  'no_services',
  /** The hold was released (by the caller, or when the call ended). */
  'hold_released',
  /** The hold is already confirmed: it is a booking now, not a hold. */
  'hold_confirmed',
  /** No email was given and the caller's number is withheld: nothing to find appointments by. */
  'caller_number_unknown',
  /** The appointment has started or passed: Calendly cancels only upcoming ones. */
  'booking_started',
  /** A group event: canceling it through the API would cancel it for every invitee. */
  'group_booking',
  /** The appointment is being moved or canceled by another request right now. */
  'booking_changing',
  /** The new time asked for is the appointment's own time. */
  'same_time',
  /** Our own code failed; nothing is wrong with the calendar. */
  'internal_error',
] as const;
export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];

/** A tool failed in a way the conversation can recover from; `say` is what the assistant should hear. */
export class ToolError extends AppError<ToolErrorCode> {
  override name = 'ToolError';
  readonly say: string;
  readonly details: Record<string, unknown>;

  constructor(
    code: ToolErrorCode,
    say: string,
    details: Record<string, unknown> = {},
    options: AppErrorOptions = {},
  ) {
    super(code, say, options);
    this.say = say;
    this.details = details;
  }
}

/** A successful tool answer: `ok` and a speakable `say`, plus tool-specific fields. */
export type ToolSuccess = { ok: true; say: string } & Record<string, unknown>;

/** The first answer of a tool call, kept in the call's ledger, given again word for word to its replay. */
export class ReplayedAnswer {
  constructor(readonly line: string) {}
}

/** What running a tool gives: its answer, the ToolError to answer with, or a replay's kept answer. */
export type ToolAnswer = ToolSuccess | ToolError | ReplayedAnswer;

/** Answers that may change on a retry of the same tool call, so they are never kept as its replay answer. */
export const NOT_REPLAYED: ReadonlySet<string> = new Set<ToolErrorCode>([
  'calendar_unavailable',
  'no_services',
]);

/** The line an answer is given as. */
export function answerLine(answer: ToolAnswer): string {
  if (answer instanceof ReplayedAnswer) return answer.line;
  return resultLine(answer instanceof ToolError ? toolFailure(answer) : answer);
}

/** The line a replay of the tool call should hear again, or null for an answer a retry may change. */
export function keptLine(answer: ToolAnswer): string | null {
  return answer instanceof ToolError && NOT_REPLAYED.has(answer.code) ? null : answerLine(answer);
}

/** `{ok:false, error, say, ...details}` for a ToolError. */
export function toolFailure(error: ToolError): Record<string, unknown> {
  return { ok: false, error: error.code, say: error.say, ...error.details };
}

/** One line of JSON: JSON.stringify never emits raw newlines, and Vapi asks for none. */
export function resultLine(result: ToolSuccess | Record<string, unknown>): string {
  return JSON.stringify(result);
}
