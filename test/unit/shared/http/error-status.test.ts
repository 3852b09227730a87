import { describe, expect, it } from 'vitest';
import { AppError, VendorUnavailableError } from '../../../../shared/domain/errors.ts';
import {
  ERROR_STATUS,
  publicError,
  statusForError,
  toAppError,
} from '../../../../shared/http/error-status.ts';
import {
  AuthenticationError,
  BadRequestError,
  PayloadTooLargeError,
  SignatureMismatchError,
  UnsupportedMediaTypeError,
} from '../../../../shared/http/errors.ts';

describe('statusForError', () => {
  it('maps the HTTP edge errors to their statuses', () => {
    expect(statusForError(new BadRequestError('x'))).toBe(400);
    expect(statusForError(new AuthenticationError('x'))).toBe(401);
    expect(statusForError(new SignatureMismatchError('x'))).toBe(403);
    expect(statusForError(new PayloadTooLargeError(1))).toBe(413);
    expect(statusForError(new UnsupportedMediaTypeError('x'))).toBe(415);
    expect(statusForError(new VendorUnavailableError('vapi', 'x'))).toBe(503);
  });

  it('has a valid HTTP status for every code', () => {
    for (const status of Object.values(ERROR_STATUS)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });
});

describe('toAppError', () => {
  it('turns an unknown throw into an internal error keeping the cause', () => {
    const original = new TypeError('x is undefined');
    const error = toAppError(original);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('internal');
    expect(error.cause).toBe(original);
    expect(statusForError(toAppError('a string'))).toBe(500);
  });
});

describe('publicError', () => {
  it('keeps our message for 4xx', () => {
    expect(publicError(new BadRequestError('date must be YYYY-MM-DD'), 400)).toEqual({
      code: 'bad_request',
      message: 'date must be YYYY-MM-DD',
    });
  });

  it('reveals neither code details nor message for 5xx', () => {
    const error = new AppError('config_invalid', 'invalid configuration: TWILIO_AUTH_TOKEN is required');
    expect(JSON.stringify(publicError(error, 500))).not.toContain('TWILIO');
    expect(
      publicError(new VendorUnavailableError('calendly', 'calendly 502 on /event_types'), 503).message,
    ).not.toContain('calendly');
  });
});
