/**
 * Errors of the HTTP edge: a request that is malformed, unauthenticated, too large or of the wrong type.
 * The chain (./middlewares.ts) throws them; ./error-status.ts maps their codes to statuses.
 */
import { AppError, type AppErrorOptions } from '../domain/errors.ts';

/** Codes only the HTTP edge uses. */
export type HttpErrorCode =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'payload_too_large'
  | 'unsupported_media_type';

/** A request was malformed (bad JSON, wrong content type, schema mismatch). */
export class BadRequestError extends AppError<HttpErrorCode> {
  override name = 'BadRequestError';
  constructor(message: string, options: AppErrorOptions = {}) {
    super('bad_request', message, options);
  }
}

/** The caller could not be authenticated (missing, wrong or stale credentials). */
export class AuthenticationError extends AppError<HttpErrorCode> {
  override name = 'AuthenticationError';
  constructor(message: string) {
    super('unauthenticated', message);
  }
}

/** A webhook signature was present but did not verify (Twilio answers 403 for this). */
export class SignatureMismatchError extends AppError<HttpErrorCode> {
  override name = 'SignatureMismatchError';
  constructor(message: string) {
    super('forbidden', message);
  }
}

/** The request body is larger than the edge accepts. */
export class PayloadTooLargeError extends AppError<HttpErrorCode> {
  override name = 'PayloadTooLargeError';
  constructor(limitBytes: number) {
    super('payload_too_large', `request body exceeds ${limitBytes} bytes`);
  }
}

/** The request body's content type is not one the route accepts. */
export class UnsupportedMediaTypeError extends AppError<HttpErrorCode> {
  override name = 'UnsupportedMediaTypeError';
  constructor(message: string) {
    super('unsupported_media_type', message);
  }
}
