import type { Weekday } from './time/calendar-day.ts';

/** Codes of the failures the domain names: what the caller asked for, vendors, configuration, our own code. */
export type ErrorCode =
  | 'unusable_request'
  | 'unknown_service'
  | 'no_services'
  | 'not_found'
  | 'config_invalid'
  | 'vendor_unavailable'
  | 'vendor_rate_limited'
  | 'vendor_rejected'
  | 'slot_unavailable'
  | 'internal';

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

/**
 * Why what a caller asked for cannot be searched, with what it takes to say so: the words are the
 * speaking layer's, the facts are these.
 */
export type RequestProblem =
  | { reason: 'malformed_date'; date: string }
  /** A date that does not exist: February 30 (`month` 2), or a month that does not exist (`month` null). */
  | { reason: 'invalid_date'; month: number | null; day: number; date?: string; when?: string }
  /** "The 32nd". */
  | { reason: 'no_such_day_of_month'; day: number; when: string }
  | { reason: 'unrecognized_phrase'; when: string }
  | { reason: 'conflicting_days'; when: string }
  /** The phrase names a weekday that none of its days is ("Monday the 2nd" when the 2nd is a Wednesday). */
  | {
      reason: 'weekday_mismatch';
      when: string;
      weekday: Weekday;
      firstDay: string;
      lastDay: string;
      today: string;
    }
  /** "Later this week" said on the week's last day. */
  | { reason: 'week_over'; when: string }
  | { reason: 'past'; firstDay: string; lastDay: string; today: string; partOfDay: string }
  | {
      reason: 'beyond_horizon';
      firstDay: string;
      lastBookableDay: string;
      horizonDays: number;
      today: string;
    }
  | { reason: 'invalid_part_of_day'; partOfDay: string }
  | { reason: 'invalid_time'; time: string };

/** The caller asked for days or times that cannot be searched (unreadable, impossible, past, too far). */
export class UnusableRequestError extends AppError {
  override name = 'UnusableRequestError';
  readonly problem: RequestProblem;

  constructor(problem: RequestProblem) {
    super('unusable_request', `unusable request: ${problem.reason}`);
    this.problem = problem;
  }
}

/** The caller named a service the business does not offer; `services` are the ones it does. */
export class UnknownServiceError extends AppError {
  override name = 'UnknownServiceError';
  readonly asked: string;
  readonly services: string[];

  constructor(asked: string, services: string[]) {
    super('unknown_service', 'no event type matches the service asked for');
    this.asked = asked;
    this.services = services;
  }
}

/** The calendar has no active event type to book. */
export class NoServicesError extends AppError {
  override name = 'NoServicesError';
  constructor() {
    super('no_services', 'the calendar has no active event type');
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
