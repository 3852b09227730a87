/** Calendly's error bodies: `{ title, message, details? }` (Calendly's API v2 reference), thrown by handlers and sent as is. */
import type * as z from 'zod';

/** One entry of an error's `details` array; Calendly names the offending request parameter. */
export interface ErrorDetail {
  parameter?: string;
  message: string;
}

/** Calendly's error response body. */
export interface CalendlyErrorBody {
  title: string;
  message: string;
  details?: ErrorDetail[];
  /** Only on the 403 for a token without the scope an operation needs ([OAS] InsufficientScopeError). */
  required_scopes?: string[];
}

/** An API error with the status and body Calendly would answer; the server turns it into a response. */
export class SandboxApiError extends Error {
  readonly status: number;
  readonly body: CalendlyErrorBody;

  constructor(status: number, body: CalendlyErrorBody) {
    super(`${status} ${body.title}: ${body.message}`);
    this.status = status;
    this.body = body;
  }
}

/** 400 with per-parameter details, e.g. `{ parameter: 'start_time', message: 'is not available' }`. */
export function invalidArgument(details: ErrorDetail[]): SandboxApiError {
  return new SandboxApiError(400, {
    title: 'Invalid Argument',
    message: 'The supplied parameters are invalid.',
    details,
  });
}

/** 400 built from a zod failure (parse with `reportInput: true` so a missing key reads "is required"). */
export function invalidArgumentFrom(error: z.ZodError): SandboxApiError {
  return invalidArgument(
    error.issues.map((issue) => ({
      parameter: issue.path.join('.'),
      message: issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message,
    })),
  );
}

/** 401 for a missing or wrong bearer token. */
export function unauthenticated(): SandboxApiError {
  return new SandboxApiError(401, { title: 'Unauthenticated', message: 'The access token is invalid' });
}

/** 403 as Calendly words it for actions the user may not take (e.g. "Event is already canceled"). */
export function permissionDenied(message: string): SandboxApiError {
  return new SandboxApiError(403, { title: 'Permission Denied', message });
}

/** 403 for a token without `scope` ([OAS] InsufficientScopeError; reference §1.2). */
export function insufficientScopeBody(scope: string): CalendlyErrorBody {
  return {
    title: 'Insufficient scope',
    message: "This operation requires the scopes listed in the 'required_scopes' array.",
    required_scopes: [scope],
  };
}

/** 404 for unknown paths and unknown resources alike. */
export function notFound(): SandboxApiError {
  return new SandboxApiError(404, {
    title: 'Resource Not Found',
    message: 'The server could not find the requested resource.',
  });
}

/** 409 when a webhook subscription for the same URL already exists. */
export function alreadyExists(message: string): SandboxApiError {
  return new SandboxApiError(409, { title: 'Already Exists', message });
}

const SERVER_ERRORS: Record<number, CalendlyErrorBody> = {
  429: { title: 'Too Many Requests', message: 'You have exceeded the rate limit. Please try again later.' },
  500: {
    title: 'Internal Server Error',
    message: 'The server encountered an unexpected condition that prevented it from fulfilling the request.',
  },
  502: { title: 'Bad Gateway', message: 'The server received an invalid response from an upstream server.' },
  503: { title: 'Service Unavailable', message: 'The server is temporarily unable to handle the request.' },
};

/** The body Calendly sends with a 429 or a 5xx. */
export function serverErrorBody(status: number): CalendlyErrorBody {
  return SERVER_ERRORS[status] ?? { title: 'Error', message: `HTTP ${status}` };
}
