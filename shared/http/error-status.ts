/**
 * THE mapping from AppError codes to HTTP statuses, and what a client may see of an error. Every HTTP
 * function goes through it (via the chain's error handler), so a code means the same status everywhere.
 */
import { AppError, type ErrorCode } from '../domain/errors.ts';
import type { HttpErrorCode } from './errors.ts';

/** HTTP status for every error code; exhaustive, so a new code cannot be added without a status. */
export const ERROR_STATUS: Readonly<Record<ErrorCode | HttpErrorCode, number>> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  config_invalid: 500,
  internal: 500,
  vendor_rejected: 502,
  vendor_unavailable: 503,
  vendor_rate_limited: 503,
  slot_unavailable: 409,
  // Tool errors normally become `ok:false` tool results; these apply only if one escapes to HTTP.
  invalid_arguments: 400,
  unknown_slot: 404,
  slot_taken: 409,
  too_many_holds: 409,
  unknown_hold: 404,
  hold_expired: 410,
  not_your_hold: 403,
  calendar_unavailable: 503,
  booking_failed: 502,
  unknown_tool: 404,
  call_unknown: 400,
  call_ended: 409,
  unknown_service: 404,
  no_services: 503,
  hold_released: 410,
  hold_confirmed: 409,
  internal_error: 500,
};

/** Wraps anything thrown into an AppError; unknown errors become `internal` with the original as cause. */
export function toAppError(error: unknown): AppError<string> {
  if (error instanceof AppError) return error as AppError<string>;
  return new AppError('internal', 'internal error', { cause: error });
}

/** HTTP status for an error. */
export function statusForError(error: AppError<string>): number {
  return Object.hasOwn(ERROR_STATUS, error.code)
    ? ERROR_STATUS[error.code as keyof typeof ERROR_STATUS]
    : 500;
}

/** The part of an error a client may see: 4xx keep our own (safe) message, 5xx reveal nothing. */
export function publicError(error: AppError<string>, status: number): { code: string; message: string } {
  if (status < 500) return { code: error.code, message: error.message };
  if (status === 503) return { code: 'unavailable', message: 'temporarily unavailable, try again later' };
  return { code: 'internal', message: 'internal error' };
}
