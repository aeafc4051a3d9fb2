import type { OAuthErrorCode } from './protocol/oauth-errors.js';

/** Stable codes for every failure the host reports on purpose. */
export const ErrorCode = {
  Unauthenticated: 'unauthenticated',
  NotFound: 'not-found',
  NotImplemented: 'not-implemented',
  BadRequest: 'bad-request',
  PreconditionFailed: 'precondition-failed',
  Conflict: 'conflict',
  TooLarge: 'too-large',
  InsufficientStorage: 'insufficient-storage',
  OAuth: 'oauth',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * A failure that becomes an HTTP answer in one place (http/map-errors.ts). `detail` is safe to
 * show the client; anything thrown that is not a HostError is answered as a generic 500.
 */
export class HostError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    readonly detail: string,
    readonly oauthError?: OAuthErrorCode,
  ) {
    // These are expected answers (a 401 is the bootstrapper's normal first reply), not bugs: a
    // stack trace through the framework would cost more than the rest of the request.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(detail);
    Error.stackTraceLimit = limit;
  }
}

export const unauthenticated = (detail: string) => new HostError(ErrorCode.Unauthenticated, 401, detail);
export const notFound = (detail: string) => new HostError(ErrorCode.NotFound, 404, detail);
export const notImplemented = (detail: string) => new HostError(ErrorCode.NotImplemented, 501, detail);
export const badRequest = (detail: string) => new HostError(ErrorCode.BadRequest, 400, detail);
export const preconditionFailed = (detail: string) => new HostError(ErrorCode.PreconditionFailed, 412, detail);
export const conflict = (detail: string) => new HostError(ErrorCode.Conflict, 409, detail);
export const tooLarge = (detail: string) => new HostError(ErrorCode.TooLarge, 413, detail);
/** The disk refused a write (full, too large a file, read-only): RFC 4918's 507 Insufficient Storage. */
export const insufficientStorage = (detail: string) => new HostError(ErrorCode.InsufficientStorage, 507, detail);
/** A 500 sent on purpose (a known-bug switch), as opposed to one the host could not help. */
export const serverError = (detail: string) => new HostError(ErrorCode.Internal, 500, detail);
export const oauthFailure = (error: OAuthErrorCode, detail: string) => new HostError(ErrorCode.OAuth, 400, detail, error);
