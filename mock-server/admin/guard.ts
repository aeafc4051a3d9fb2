import type { NextFunction, Request, Response } from 'express';
import { parseBearerAuthorization } from '../protocol/authorization.js';
import { safeEqual } from '../tokens/safe-equal.js';
import { authorizationHeader } from '../http/authorization-header.js';

/** Hostnames the admin listener may be addressed by; anything else is a rebinding attempt. */
const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function hostIsLoopback(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader.trim().toLowerCase());
  if (!match || !loopbackHosts.has(match[1]!)) return false;
  return match[2] === undefined ? port === 80 : Number(match[2]) === port;
}

export function originIsAdmin(origin: string, port: number): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && hostIsLoopback(url.host, port);
  } catch {
    return false;
  }
}

/**
 * The admin listener's trust boundary, part one, for every path: loopback Host (DNS rebinding)
 * and same-origin browsers only (no CORS, so other pages cannot read or write).
 */
export function originGuard(options: { port: () => number }) {
  return (req: Request, res: Response, next: NextFunction) => {
    const port = options.port();
    if (!hostIsLoopback(req.headers.host, port))
      return deny(res, 403, 'the admin API only answers to 127.0.0.1, localhost or [::1] as Host');
    const origin = req.headers.origin;
    if (origin !== undefined && !originIsAdmin(origin, port)) return deny(res, 403, `cross-origin requests are refused (Origin ${origin})`);
    next();
  };
}

/**
 * Part two, mounted on /api: the per-run bearer token, compared in constant time. Mounted rather
 * than matched by hand so it covers exactly the paths the API routes match (Express matches
 * them case-insensitively), whatever spelling a request uses.
 */
export function tokenGuard(options: { token: string }) {
  return (req: Request, res: Response, next: NextFunction) => {
    const parsed = parseBearerAuthorization(authorizationHeader(req));
    if (parsed.kind !== 'bearer' || !safeEqual(parsed.token, options.token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="wopi-mock-host-admin"');
      return deny(
        res,
        401,
        parsed.kind === 'bearer' ? 'the admin token is wrong' : 'send the admin token as "Authorization: Bearer <token>"',
      );
    }
    next();
  };
}

export function deny(res: Response, status: number, message: string): void {
  res.status(status).json({ errors: [{ path: '$', message }] });
}

/**
 * The document endpoints take a JSON body and nothing else. The JSON parser reads an empty body
 * as `{}`, which PUT /api/config would take for "all defaults": an empty or non-JSON body is refused.
 */
export function requireJsonDocument(req: Request, res: Response, next: NextFunction): void {
  if (req.is('application/json') === false)
    return deny(
      res,
      415,
      `send the document as JSON with Content-Type: application/json, not ${JSON.stringify(req.headers['content-type'])}`,
    );
  if (!res.locals['jsonBytes']) return deny(res, 400, 'the body is empty; send a JSON document (POST /api/reset puts the defaults back)');
  next();
}
