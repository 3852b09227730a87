/**
 * Error codes a Vapi tool result may carry: the contract's (README, "Tools the assistant sees"), each for what it means there, and
 * precise ones where one contract code would stand for several cases (so a log line says what happened).
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
  /** Our own code failed; nothing is wrong with the calendar. */
  'internal_error',
] as const;
export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];

/** Codes for failures that are not tool results: vendors, configuration, our own code. */
export type SystemErrorCode =
  | 'not_found'
  | 'config_invalid'
  | 'vendor_unavailable'
  | 'vendor_rate_limited'
  | 'vendor_rejected'
  | 'slot_unavailable'
  | 'internal';

export type ErrorCode = ToolErrorCode | SystemErrorCode;

export interface AppErrorOptions {
  cause?: unknown;
  retryable?: boolean;
}

/**
 * Base of every error this product throws on purpose: a stable code, whether a retry can help, the cause.
 * Each layer owns its codes: these here, the HTTP edge's in shared/http/errors.ts.
 */
export class AppError<C extends string = ErrorCode> extends Error {
  // Spelled out (not new.target.name) so minified bundles still log readable error names.
  override name = 'AppError';
  readonly code: C;
  readonly retryable: boolean;

  constructor(code: C, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** A tool failed in a way the conversation can recover from; `say` is what the assistant should hear. */
export class ToolError extends AppError {
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

/** Configuration is missing or invalid; thrown at cold start so a bad deploy fails loudly. */
export class ConfigError extends AppError {
  override name = 'ConfigError';
  readonly problems: string[];

  constructor(problems: string[]) {
    super('config_invalid', `invalid configuration: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

/** A vendor (Calendly, Vapi, Twilio) failed or timed out; retrying later may help. */
export class VendorUnavailableError extends AppError {
  override name = 'VendorUnavailableError';
  readonly vendor: string;
  readonly status: number | undefined;

  constructor(vendor: string, message: string, options: AppErrorOptions & { status?: number } = {}) {
    super('vendor_unavailable', message, { retryable: true, ...options });
    this.vendor = vendor;
    this.status = options.status;
  }
}

/** A vendor said "too many requests"; `retryAfterSeconds` comes from its rate-limit headers. */
export class VendorRateLimitedError extends AppError {
  override name = 'VendorRateLimitedError';
  readonly vendor: string;
  readonly retryAfterSeconds: number;

  constructor(vendor: string, retryAfterSeconds: number) {
    super('vendor_rate_limited', `${vendor} rate limit reached; retry in ${retryAfterSeconds}s`, {
      retryable: true,
    });
    this.vendor = vendor;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A vendor refused the request for good (4xx that a retry cannot fix). */
export class VendorRejectedError extends AppError {
  override name = 'VendorRejectedError';
  readonly vendor: string;
  readonly status: number;

  constructor(vendor: string, status: number, message: string, options: AppErrorOptions = {}) {
    super('vendor_rejected', message, options);
    this.vendor = vendor;
    this.status = status;
  }
}

/** Calendly says the slot can no longer be booked; final, never retried. */
export class SlotUnavailableError extends AppError {
  override name = 'SlotUnavailableError';
  constructor(message: string, options: AppErrorOptions = {}) {
    super('slot_unavailable', message, options);
  }
}

/** Another run of the same tool call has not finished yet: wait for its answer rather than run twice. */
export class ToolCallInProgressError extends AppError {
  override name = 'ToolCallInProgressError';
  constructor(options: AppErrorOptions = {}) {
    super('internal', 'the same tool call is still running', options);
  }
}
