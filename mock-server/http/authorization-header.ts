import type { IncomingMessage } from 'node:http';

/**
 * The request's Authorization header as the client sent it. Node keeps only the first line of a
 * repeated Authorization header in `req.headers`, so a client that sent two credentials would be
 * read as if it had sent the first alone; here every line comes back when there are several, and
 * the parsers refuse that.
 */
export function authorizationHeader(req: IncomingMessage): string | string[] | undefined {
  const first = req.headers.authorization;
  if (first === undefined) return undefined;
  let lines: string[] | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 13 && name.toLowerCase() === 'authorization') (lines ??= []).push(raw[i + 1]!);
  }
  return lines !== undefined && lines.length > 1 ? lines : first;
}
