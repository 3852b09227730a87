/** Error codes a Vapi tool result may carry (CONTRACT §4). */
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
] as const;
export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];

/** Codes for failures that are not tool results (HTTP edges, vendors, configuration). */
export type SystemErrorCode =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'not_found'
  | 'config_invalid'
  | 'vendor_unavailable'
  | 'vendor_rate_limited'
  | 'vendor_rejected'
  | 'slot_unavailable'
  | 'internal';

export type ErrorCode = ToolErrorCode | SystemErrorCode;

interface AppErrorOptions {
  cause?: unknown;
  retryable?: boolean;
}

/** Base of every error this product throws on purpose: a stable code, whether a retry can help, the cause. */
export class AppError extends Error {
  // Spelled out (not new.target.name) so minified bundles still log readable error names.
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
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

/** A request was malformed (bad JSON, wrong content type, schema mismatch). */
export class BadRequestError extends AppError {
  override name = 'BadRequestError';
  constructor(message: string, options: AppErrorOptions = {}) {
    super('bad_request', message, options);
  }
}

/** The caller could not be authenticated (missing, wrong or stale credentials). */
export class AuthenticationError extends AppError {
  override name = 'AuthenticationError';
  constructor(message: string) {
    super('unauthenticated', message);
  }
}

/** A webhook signature was present but did not verify (Twilio answers 403 for this). */
export class SignatureMismatchError extends AppError {
  override name = 'SignatureMismatchError';
  constructor(message: string) {
    super('forbidden', message);
  }
}

/** The request body is larger than the edge accepts. */
export class PayloadTooLargeError extends AppError {
  override name = 'PayloadTooLargeError';
  constructor(limitBytes: number) {
    super('payload_too_large', `request body exceeds ${limitBytes} bytes`);
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

/** The request body's content type is not one the route accepts. */
export class UnsupportedMediaTypeError extends AppError {
  override name = 'UnsupportedMediaTypeError';
  constructor(message: string) {
    super('unsupported_media_type', message);
  }
}

/** Another run of the same tool call has not finished yet: wait for its answer rather than run twice. */
export class ToolCallInProgressError extends AppError {
  override name = 'ToolCallInProgressError';
  constructor(options: AppErrorOptions = {}) {
    super('internal', 'the same tool call is still running', options);
  }
}
