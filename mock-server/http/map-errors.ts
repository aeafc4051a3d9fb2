import type { OutgoingHttpHeaders } from 'node:http';
import type { Request, Response } from 'express';
import { ErrorCode, HostError, insufficientStorage } from '../errors.js';
import { StorageWriteError } from '../storage/file-store.js';
import { OAuthErrorCode, oauthErrorBody, oauthErrorStatus, type OAuthErrorCode as OAuthCode } from '../protocol/oauth-errors.js';
import { WopiHeader } from '../protocol/headers.js';
import { BearerError } from '../protocol/challenge.js';
import { bootstrapChallenge } from './challenge.js';
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
    if (!call.answerBent) call.notes.push('the client closed the connection before the exchange was complete');
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
  // Spec: a 401 from the bootstrapper "must include a WWW-Authenticate response header".
  const config = context.store.config;
  // RFC 6750 error="invalid_token" when a token was sent and refused, only if the config asks for it.
  const refused = 'result' in call.credential && !call.credential.result.ok;
  const challenge =
    family === 'bootstrapper' && status === 401 && !call.bends(config, 'challengeMissingOn401')
      ? bootstrapChallenge(
          config,
          context.origin(),
          refused && config.compatibility.challengeErrorParameter ? { error: BearerError.InvalidToken } : {},
        )
      : null;
  if (challenge) for (const key of challenge.knownBugs) call.markKnownBug(key);
  if (family === 'authorize' || res.getHeaderNames().length > 0) {
    // An HTML page, or headers a handler set before it failed: through the header API, so they all go out.
    res.statusCode = status;
    res.setHeader(WopiHeader.ServerError, headerSafe(detail));
    if (challenge) res.setHeader('WWW-Authenticate', challenge.header);
    if (family === 'authorize') res.type('html').send(renderErrorPage(status, detail));
    else res.end();
    return;
  }
  // Everything else is an empty body and one or two headers: written in one go with header lines
  // prepared once per detail and challenge (the bootstrapper's 401 is Office's first call, every time).
  const answer = emptyAnswer(detail, challenge?.header);
  res.writeHead(status, answer.wire);
  call.sentHeaders = answer.logged;
  res.end();
}

/** An empty-bodied error answer: its header lines for `writeHead`, and the record of them for the log. */
interface EmptyAnswer {
  /** Name, value, name, value… as they go on the wire; `Content-Length: 0` included, so no chunked encoding. */
  wire: string[];
  /** What `res.getHeaders()` would have said had the headers been set one by one (the log shows these). */
  logged: Readonly<OutgoingHttpHeaders>;
}

/**
 * Prepared answers by challenge (none: '') and detail. Both are strings the engine reuses (the
 * cached challenge, the handlers' literals), so the lookups hash nothing new. Few distinct details
 * reach here on a busy path; bounded anyway, since a detail can name an id.
 */
let emptyAnswers = new Map<string, Map<string, EmptyAnswer>>();
let emptyAnswerCount = 0;
const emptyAnswerCacheSize = 256;

function emptyAnswer(detail: string, challenge: string | undefined): EmptyAnswer {
  let byDetail = emptyAnswers.get(challenge ?? '');
  const cached = byDetail?.get(detail);
  if (cached) return cached;
  const serverError = headerSafe(detail);
  const answer: EmptyAnswer =
    challenge === undefined
      ? {
          wire: [WopiHeader.ServerError, serverError, 'Content-Length', '0'],
          logged: Object.freeze({ 'x-wopi-servererror': serverError }),
        }
      : {
          wire: [WopiHeader.ServerError, serverError, 'WWW-Authenticate', challenge, 'Content-Length', '0'],
          logged: Object.freeze({ 'x-wopi-servererror': serverError, 'www-authenticate': challenge }),
        };
  if (emptyAnswerCount >= emptyAnswerCacheSize) {
    emptyAnswers = new Map();
    emptyAnswerCount = 0;
    byDetail = undefined;
  }
  if (!byDetail) emptyAnswers.set(challenge ?? '', (byDetail = new Map<string, EmptyAnswer>()));
  byDetail.set(detail, answer);
  emptyAnswerCount++;
  return answer;
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
