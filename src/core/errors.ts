/** @module core/errors — the small closed set of error classes; `http/problem.ts` maps them to RFC 9457. */

/** One field-level validation message, addressed by a JSON-pointer-like path. */
export interface FieldError {
  path: string;
  message: string;
}

/** Base class of every error a client may see; anything else is an internal error. */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  /** Short machine-readable code, becomes the problem `type` suffix. */
  abstract readonly code: string;
}

/** The request is well-formed JSON but breaks a rule (400). */
export class ValidationError extends AppError {
  readonly status = 400;
  readonly title = 'Invalid request';
  readonly code = 'validation';
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

/** No or bad credentials (401). The message never says which part was wrong. */
export class UnauthenticatedError extends AppError {
  readonly status = 401;
  readonly title = 'Authentication required';
  readonly code = 'unauthenticated';
}

/** Authenticated, but the role or ownership does not allow it (403). */
export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly title = 'Forbidden';
  readonly code = 'forbidden';
}

/** The thing does not exist, or the caller may not know that it does (404). */
export class NotFoundError extends AppError {
  readonly status = 404;
  readonly title = 'Not found';
  readonly code = 'not-found';
}

/** The change conflicts with current state, e.g. a duplicate handle (409). */
export class ConflictError extends AppError {
  readonly status = 409;
  readonly title = 'Conflict';
  readonly code = 'conflict';
}

/** Too many attempts; the client should wait (429). */
export class RateLimitedError extends AppError {
  readonly status = 429;
  readonly title = 'Too many requests';
  readonly code = 'rate-limited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The server is stopping or cannot serve right now; another instance, or a retry, will (503). */
export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly title = 'Service unavailable';
  readonly code = 'unavailable';
}
