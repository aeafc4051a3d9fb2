import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { parseBearerAuthorization } from '../protocol/authorization.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

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
 * The admin API's trust boundary: loopback Host (DNS rebinding), same-origin browsers only
 * (no CORS, so other pages cannot read or write), and the per-run bearer token compared in
 * constant time.
 */
export function adminGuard(options: { token: string; port: () => number; publicPaths: ReadonlySet<string> }) {
  const expected = digest(options.token);
  return (req: Request, res: Response, next: NextFunction) => {
    const port = options.port();
    if (!hostIsLoopback(req.headers.host, port)) return deny(res, 403, 'the admin API only answers to 127.0.0.1, localhost or [::1] as Host');
    const origin = req.headers.origin;
    if (origin !== undefined && !originIsAdmin(origin, port)) return deny(res, 403, `cross-origin requests are refused (Origin ${origin})`);
    if (options.publicPaths.has(req.path) && (req.method === 'GET' || req.method === 'HEAD')) return next();
    const parsed = parseBearerAuthorization(req.headers.authorization);
    if (parsed.kind !== 'bearer' || !timingSafeEqual(digest(parsed.token), expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="wopi-mock-host-admin"');
      return deny(res, 401, parsed.kind === 'bearer' ? 'the admin token is wrong' : 'send the admin token as "Authorization: Bearer <token>"');
    }
    next();
  };
}

export function deny(res: Response, status: number, message: string): void {
  res.status(status).json({ errors: [{ path: '$', message }] });
}
