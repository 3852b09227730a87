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
  unusable_request: 400,
  unknown_service: 404,
  no_services: 503,
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
