import express, { type Request, type Response } from 'express';
import { classifyRequest } from '../protocol/classify.js';
import { Operation } from '../protocol/operations.js';
import { parseBearerAuthorization, type BearerForm } from '../protocol/authorization.js';
import { authenticate } from '../tokens/authenticate.js';
import { badRequest } from '../errors.js';
import { recordExchange } from './record.js';
import { Call } from './call.js';
import type { HostContext } from './context.js';
import { familyOf } from './families.js';
import { authorizationHeader } from './authorization-header.js';

/**
 * The steps every request on the WOPI origin goes through, in app.ts's order. They are plain
 * functions of one request, not separate Express layers: the bootstrapper's 401 is the hottest
 * path Office hits, and each layer costs a router pass.
 */

/** Names the operation, starts the clock, and logs the exchange when it ends, however it ends. */
export function startCall(req: Request, res: Response, context: HostContext): Call {
  const call = new Call(classifyRequest(req.method, req.path, req.headers), context.wallClock());
  call.remoteAddress = req.socket?.remoteAddress ?? '';
  const offset = context.store.config.clockOffsetSeconds;
  if (offset !== 0) {
    // Virtual time: the Date header says the host's time, and the log says why it differs.
    res.setHeader('Date', new Date(context.clock()).toUTCString());
    call.notes.push(
      `host clock ${offset > 0 ? '+' : ''}${offset} s (clockOffsetSeconds): token times, AccessTokenExpiry and the Date header are shifted`,
    );
  }
  res.locals['call'] = call;
  // 'close' follows 'finish' on every response, and alone on one the client abandoned; it is
  // emitted once, so a plain listener does (no once-wrapper per request).
  res.on('close', () => context.log.add(recordExchange(req, res, call, context, !res.writableFinished)));
  return call;
}

const formParser = express.urlencoded({
  extended: false,
  limit: '64kb',
  parameterLimit: 100,
  verify: (_req, res, buffer) => {
    ((res as Response).locals['call'] as Call).requestBody = buffer;
  },
});

/** Reads the form body of the OAuth endpoints before credentials are looked at. */
export function readForm(req: Request, res: Response, call: Call): Promise<void> | undefined {
  if (
    req.method !== 'POST' ||
    (call.operation !== Operation.Token && call.operation !== Operation.Authorize && call.operation !== Operation.Revoke)
  )
    return undefined;
  return new Promise((resolve, reject) => {
    formParser(req, res, (error?: unknown) => {
      if (error) return reject(badRequest(`the form body could not be read: ${(error as Error).message}`));
      if (req.body === undefined) req.body = {};
      resolve();
    });
  });
}

/**
 * Works out who is calling from whatever credential the operation takes, so fault rules can
 * match on the user and handlers reuse the result instead of verifying twice. Never rejects:
 * refusing is the handler's job. Returns a promise only when a token has to be checked; a
 * request without one (the bootstrapper's first call) is identified on the spot.
 */
export function identifyCaller(req: Request, call: Call, context: HostContext): Promise<void> | undefined {
  switch (familyOf(call.operation)) {
    case 'bootstrapper': {
      const parsed = parseBearerAuthorization(authorizationHeader(req));
      if (parsed.kind === 'bearer') return identifyBearer(call, context, parsed.token, parsed.form);
      if (parsed.kind === 'malformed') {
        const reason = `Authorization header ${parsed.reason}`;
        call.credential = { kind: 'malformed', reason };
        call.notes.push(reason);
      }
      return undefined;
    }
    case 'wopi':
      return identifyWopiCaller(req, call, context);
    case 'token':
      return identifyTokenCaller(req, call, context);
    case 'authorize': {
      const user = (req.body as Record<string, unknown> | undefined)?.['user'];
      if (typeof user === 'string' && context.store.findUser(user)) call.userId = user;
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The user a checked credential names, for the log and the fault rules. */
function takeUser(call: Call): void {
  const { credential } = call;
  if ('result' in credential) call.userId = credential.result.ok ? credential.result.user.id : credential.result.userId;
}

async function identifyBearer(call: Call, context: HostContext, token: string, form: BearerForm): Promise<void> {
  const result = await authenticate('access', token, context);
  call.credential = { kind: 'bearer', form, token, tokenKind: 'access', result };
  takeUser(call);
}

async function identifyTokenCaller(req: Request, call: Call, context: HostContext): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const code = body['code'];
  const refresh = body['refresh_token'];
  if (body['grant_type'] === 'authorization_code' && typeof code === 'string')
    call.credential = { kind: 'form', tokenKind: 'code', result: await authenticate('code', code, context) };
  else if (body['grant_type'] === 'refresh_token' && typeof refresh === 'string')
    call.credential = { kind: 'form', tokenKind: 'refresh', result: await authenticate('refresh', refresh, context) };
  takeUser(call);
}

/** WOPI clients put the token in `?access_token=`; the validator also sends it as a Bearer header. */
async function identifyWopiCaller(req: Request, call: Call, context: HostContext): Promise<void> {
  const query = req.query['access_token'];
  if (typeof query === 'string' && query !== '') {
    call.credential = { kind: 'query', tokenKind: 'wopi', result: await authenticate('wopi', query, context) };
  } else if (Array.isArray(query)) {
    call.notes.push('access_token appears more than once in the query');
  } else {
    const parsed = parseBearerAuthorization(authorizationHeader(req));
    if (parsed.kind === 'bearer') {
      const result = await authenticate('wopi', parsed.token, context);
      call.credential = { kind: 'bearer', form: parsed.form, token: parsed.token, tokenKind: 'wopi', result };
    }
  }
  takeUser(call);
}
