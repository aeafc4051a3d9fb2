import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import assert from 'node:assert/strict';
import { startEngine, type Engine, type EngineOptions } from '../mock-server/engine.js';
import type { LogEntry } from '../mock-server/log/entry.js';

/**
 * Test harness: a real engine on 127.0.0.1 (port 0) in a temp data dir, spoken to over real
 * HTTPS that verifies the engine's own CA. Time is frozen at a whole second (so JWT `exp`
 * arithmetic is exact) and moves only when a test calls `advance`.
 */

export interface Reply {
  status: number;
  /** Lowercased names; every header keeps all its values, in order. */
  headers: Record<string, string[]>;
  body: Buffer;
  text: string;
  /** The single value of a header; fails if it was sent more than once. */
  header(name: string): string | undefined;
  json<T = any>(): T;
}

export interface RequestOptions {
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Sent as application/x-www-form-urlencoded, in the given order. */
  form?: Record<string, string>;
}

export interface AdminOptions {
  headers?: Record<string, string>;
  /** The admin token to send; null sends none. Defaults to the engine's token. */
  token?: string | null;
}

export interface OAuthTokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export interface Harness {
  engine: Engine;
  /** https://localhost:<port> */
  origin: string;
  /** The CA certificate PEM every request is verified against. */
  ca: string;
  dataDir: string;
  now(): number;
  advance(ms: number): void;
  request(method: string, pathOrUrl: string, options?: RequestOptions): Promise<Reply>;
  admin(method: string, path: string, body?: unknown, options?: AdminOptions): Promise<Reply>;
  signIn(userId: string): Promise<OAuthTokens>;
  /** Sends a refresh_token grant as the configured client would; the answer, whatever it is. */
  refresh(refreshToken: string): Promise<Reply>;
  /** Stops the engine; removes the data dir only if the harness created it. */
  close(): Promise<void>;
}

export const clientId = 'office-mobile';
export const clientSecret = 'mock-client-secret';
export const redirectUri = 'https://localhost';

export interface HarnessOptions extends Partial<Omit<EngineOptions, 'clock'>> {
  /** Starting time in ms; rounded down to a whole second. Default: now. */
  startAt?: number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(os.tmpdir() + '/wopi-test-'));
  let now = Math.floor((options.startAt ?? Date.now()) / 1000) * 1000;
  const { startAt: _startAt, ...engineOptions } = options;
  let engine: Engine;
  try {
    engine = await startEngine({
      host: '127.0.0.1',
      port: 0,
      adminPort: 0,
      publicHost: 'localhost',
      ...engineOptions,
      dataDir,
      clock: () => now,
    });
  } catch (error) {
    if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const ca = await readFile(engine.urls.caCertificatePath, 'utf8');
  const origin = engine.urls.wopiOrigin;
  const port = Number(new URL(origin).port);
  const adminPort = Number(new URL(engine.urls.adminUrl).port);

  const request = (method: string, pathOrUrl: string, options: RequestOptions = {}): Promise<Reply> => {
    const url = new URL(pathOrUrl, origin);
    if (url.origin !== origin) throw new Error(`test requests go to ${origin}, not ${url.origin}`);
    const headers: Record<string, string | string[]> = { host: url.host, ...options.headers };
    let body = options.body;
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    }
    // Connect to 127.0.0.1 but verify the certificate for the name in the URL, as a phone would.
    const req = httpsRequest({
      host: '127.0.0.1',
      port,
      servername: url.hostname,
      ca,
      method,
      path: url.pathname + url.search,
      headers,
      agent: false,
    });
    return send(req, body);
  };

  const admin = (method: string, path: string, body?: unknown, options: AdminOptions = {}): Promise<Reply> => {
    const token = options.token === undefined ? engine.urls.adminToken : options.token;
    const headers: Record<string, string> = { ...(token !== null ? { authorization: `Bearer ${token}` } : {}) };
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const req = httpRequest({
      host: '127.0.0.1',
      port: adminPort,
      method,
      path,
      headers: { ...headers, ...options.headers },
      agent: false,
    });
    return send(req, payload);
  };

  const signIn = async (userId: string): Promise<OAuthTokens> => {
    const authorized = await request('POST', '/oauth/authorize', {
      form: { client_id: clientId, redirect_uri: redirectUri, response_type: 'code', user: userId },
    });
    if (authorized.status !== 302) throw new Error(`sign-in as ${userId}: authorize answered ${authorized.status}`);
    const code = new URL(authorized.header('location')!).searchParams.get('code');
    if (!code) throw new Error(`sign-in as ${userId}: no code in ${authorized.header('location')}`);
    const token = await request('POST', '/oauth/token', {
      form: { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, client_secret: clientSecret },
    });
    if (token.status !== 200) throw new Error(`sign-in as ${userId}: token answered ${token.status} ${token.text}`);
    const { access_token, refresh_token, expires_in } = token.json<OAuthTokens>();
    return { access_token, refresh_token, expires_in };
  };

  const refresh = (refreshToken: string) =>
    request('POST', '/oauth/token', {
      form: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, client_secret: clientSecret },
    });

  return {
    engine,
    origin,
    ca,
    dataDir,
    now: () => now,
    advance: (ms) => void (now += ms),
    request,
    admin,
    signIn,
    refresh,
    async close() {
      await engine.stop();
      if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function send(req: ReturnType<typeof httpRequest>, body: string | Buffer | undefined): Promise<Reply> {
  return new Promise((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve(toReply(res.statusCode ?? 0, res.headersDistinct as Record<string, string[]>, Buffer.concat(chunks))));
    });
    req.end(body);
  });
}

/** A whole answer as the tests read it; the reliability suites' keep-alive client builds the same. */
export function toReply(status: number, headers: Record<string, string[]>, body: Buffer): Reply {
  const text = body.toString('utf8');
  return {
    status,
    headers,
    body,
    text,
    header(name) {
      const values = headers[name.toLowerCase()];
      if (values && values.length > 1) throw new Error(`${name} was sent ${values.length} times: ${JSON.stringify(values)}`);
      return values?.[0];
    },
    json() {
      return JSON.parse(text);
    },
  };
}

/** The exact WWW-Authenticate value a bootstrapper 401 carries. */
export function expectedChallenge(origin: string, providerId = 'WopiMockHost', urlSchemes?: string): string {
  return (
    `Bearer authorization_uri="${origin}/oauth/authorize",tokenIssuance_uri="${origin}/oauth/token",providerId="${providerId}"` +
    (urlSchemes !== undefined ? `,UrlSchemes="${urlSchemes}"` : '')
  );
}

/** The access_token query parameter of a URL the host handed out. */
export function tokenOf(url: string): string {
  const token = new URL(url).searchParams.get('access_token');
  if (token === null) throw new Error(`no access_token in ${url}`);
  return token;
}

/** The URL without its query: a WopiSrc. */
export function withoutQuery(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  return parsed.href;
}

/** `<url path + suffix>?<url query>`: how clients derive /children, /contents, /root_container_pointer. */
export function appendPath(url: string, suffix: string): string {
  const parsed = new URL(url);
  parsed.pathname += suffix;
  return parsed.href;
}

/** Bootstrap, GetNewAccessToken and friends, as Office calls them with an OAuth token. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export interface ChildFile {
  Url: string;
  Name: string;
  Size: number;
  Version: string;
  LastModifiedTime: string;
}

/** Bootstrap, then GET_ROOT_CONTAINER, then EnumerateChildren on the root: what a user can see. */
export async function browse(
  h: Harness,
  accessToken: string,
): Promise<{ bootstrap: { EcosystemUrl: string; UserId: string }; rootUrl: string; files: ChildFile[] }> {
  const boot = await h.request('GET', '/wopibootstrapper', { headers: bearer(accessToken) });
  if (boot.status !== 200) throw new Error(`Bootstrap answered ${boot.status}`);
  const root = await h.request('POST', '/wopibootstrapper', {
    headers: { ...bearer(accessToken), 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' },
  });
  if (root.status !== 200) throw new Error(`GET_ROOT_CONTAINER answered ${root.status}`);
  const rootUrl: string = root.json().RootContainerInfo.ContainerPointer.Url;
  const children = await h.request('GET', appendPath(rootUrl, '/children'));
  if (children.status !== 200) throw new Error(`EnumerateChildren answered ${children.status}`);
  return { bootstrap: boot.json().Bootstrap, rootUrl, files: children.json().ChildFiles };
}

/** The newest log entry that matches, waiting for it: the log records an exchange when its connection side closes, just after the client has the answer. */
export async function loggedEntry(h: Harness, match: (entry: LogEntry) => boolean, timeoutMs = 2000): Promise<LogEntry> {
  for (const deadline = Date.now() + timeoutMs; ;) {
    const found = h.engine.log.list().findLast(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error('no log entry matched');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Adds a fault rule through the admin API, as a user would, and fails the test unless it is stored. */
export async function addFault(
  h: Harness,
  rule: Record<string, unknown>,
): Promise<{ id: string; remaining?: number } & Record<string, unknown>> {
  const reply = await h.admin('POST', '/api/faults', rule);
  assert.equal(reply.status, 201, reply.text);
  return reply.json();
}
