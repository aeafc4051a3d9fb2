import type { Request, Response } from 'express';
import { ErrorCode, HostError, insufficientStorage } from '../errors.js';
import { StorageWriteError } from '../storage/file-store.js';
import { OAuthErrorCode, oauthErrorBody, oauthErrorStatus, type OAuthErrorCode as OAuthCode } from '../protocol/oauth-errors.js';
import { WopiHeader } from '../protocol/headers.js';
import { BearerError } from '../protocol/challenge.js';
import { setChallenge } from './challenge.js';
import { familyOf } from './families.js';
import type { Call } from './call.js';
import type { HostContext } from './context.js';
import { renderErrorPage } from './signin-page.js';

/**
 * The only place an error becomes a status. Anything that is not a HostError is a bug or an I/O
 * failure: its detail goes to the request log and the client sees a generic 500.
 */
export function respondWithError(error: unknown, req: Request, res: Response, call: Call, context: HostContext): void {
  let hostError: HostError;
  if (error instanceof HostError) {
    hostError = error;
  } else if (error instanceof StorageWriteError) {
    // The store has undone the change (storage/file-store.ts); the reason names no path.
    call.notes.push(error.message);
    hostError = insufficientStorage(`the mock host could not save the ${error.what}: ${error.reason}; nothing was changed`);
  } else if (isBodyParserError(error)) {
    hostError = new HostError(ErrorCode.BadRequest, error.status, `the request body could not be read: ${error.message}`);
  } else if (clientWentAway(error, req, res)) {
    // Not a fault of the host: there is nobody left to answer, and the log should say why it stopped.
    call.notes.push('the client closed the connection before the exchange was complete');
    return;
  } else {
    call.notes.push(`internal error: ${(error as Error)?.stack ?? String(error)}`);
    hostError = new HostError(ErrorCode.Internal, 500, 'internal error in the mock host; see its request log');
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  writeError(req, res, call, context, hostError.status, hostError.detail, hostError.oauthError);
}

/** Writes an error the way the operation's family expects; also used by forced-status fault rules. */
export function writeError(
  req: Request,
  res: Response,
  call: Call,
  context: HostContext,
  status: number,
  detail: string,
  oauthError?: OAuthCode,
): void {
  call.notes.push(detail);
  const family = familyOf(call.operation);
  res.status(status);
  if (family === 'token') {
    const error = oauthError ?? oauthErrorForStatus(status);
    const usedBasic = /^\s*basic\s/i.test(req.headers.authorization ?? '');
    res.status(oauthError ? oauthErrorStatus(error, usedBasic) : status);
    if (res.statusCode === 401) res.setHeader('WWW-Authenticate', 'Basic realm="wopi-mock-host"');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    res.json(oauthErrorBody(error, detail));
    return;
  }
  res.setHeader(WopiHeader.ServerError, headerSafe(detail));
  // Spec: a 401 from the bootstrapper "must include a WWW-Authenticate response header".
  const config = context.store.config;
  if (family === 'bootstrapper' && status === 401 && !call.bends(config, 'challengeMissingOn401')) {
    // RFC 6750 error="invalid_token" when a token was sent and refused, only if the config asks for it.
    const refused = 'result' in call.credential && !call.credential.result.ok;
    setChallenge(
      res,
      call,
      config,
      context.origin(),
      refused && config.compatibility.challengeErrorParameter ? { error: BearerError.InvalidToken } : {},
    );
  }
  if (family === 'authorize') {
    res.type('html').send(renderErrorPage(status, detail));
    return;
  }
  res.end();
}

function oauthErrorForStatus(status: number): OAuthCode {
  if (status === 401) return OAuthErrorCode.InvalidClient;
  if (status === 503) return OAuthErrorCode.TemporarilyUnavailable;
  if (status >= 500) return OAuthErrorCode.ServerError;
  return OAuthErrorCode.InvalidRequest;
}

/** Header values must be visible ASCII; anything else is replaced rather than risking a throw. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7E]/g, '?').slice(0, 1000);
}

const connectionGone = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** A stream error that only says the client's connection is gone (a download or upload cut short). */
function clientWentAway(error: unknown, req: Request, res: Response): boolean {
  return (res.destroyed || req.destroyed) && connectionGone.has(String((error as NodeJS.ErrnoException | null)?.code));
}

function isBodyParserError(error: unknown): error is { status: number; message: string; type: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    'type' in error &&
    typeof (error as { status?: unknown }).status === 'number' &&
    (error as unknown as { status: number }).status < 500
  );
}
