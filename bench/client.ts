import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** Where a server under test listens. Loopback by IP; `localhost` is what the certificate names. */
export interface Target {
  port: number;
  ca: string;
}
export const targetHost = '127.0.0.1';
export const targetServername = 'localhost';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** SHA-256 fingerprint of the certificate the server presented. */
  certificate: string;
}

export interface Send {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * One request on a fresh, fully verified TLS connection (the engine's CA, SNI `localhost`).
 * The setup and the checks use this; the load itself goes through autocannon.
 */
export function send(target: Target, what: Send): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: targetHost,
        servername: targetServername,
        port: target.port,
        ca: target.ca,
        method: what.method ?? 'GET',
        path: what.path,
        headers: { ...(what.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(what.body)) } : {}), ...what.headers },
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        const certificate = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), certificate }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${what.method ?? 'GET'} ${what.path} timed out`)));
    req.on('error', reject);
    req.end(what.body);
  });
}

const form = (values: Record<string, string>) => new URLSearchParams(values).toString();
const formHeaders = { 'Content-Type': 'application/x-www-form-urlencoded' };

function expectStatus(reply: Reply, status: number, step: string): void {
  if (reply.status !== status)
    throw new Error(
      `${step}: expected HTTP ${status}, got ${reply.status} (${String(reply.headers['x-wopi-servererror'] ?? '')}) ${reply.body.slice(0, 300)}`,
    );
}

function json<T>(reply: Reply, step: string): T {
  try {
    return JSON.parse(reply.body) as T;
  } catch {
    throw new Error(`${step}: the body is not JSON: ${reply.body.slice(0, 300)}`);
  }
}

export interface Credentials {
  accessToken: string;
  /** A file the user owns, as a WopiSrc (no token): what GetNewAccessToken asks about. */
  wopiSrc: string;
}

/** Signs alice in the way Office mobile does and finds a file of hers, through the public protocol only. */
export async function signIn(target: Target): Promise<Credentials> {
  const client = { client_id: 'office-mobile', redirect_uri: 'https://localhost' };
  const authorize = await send(target, {
    method: 'POST',
    path: '/oauth/authorize',
    headers: formHeaders,
    body: form({ ...client, response_type: 'code', user: 'alice' }),
  });
  expectStatus(authorize, 302, 'POST /oauth/authorize');
  const code = new URL(String(authorize.headers.location)).searchParams.get('code');
  if (!code) throw new Error(`POST /oauth/authorize: no code in Location ${String(authorize.headers.location)}`);

  const token = await send(target, {
    method: 'POST',
    path: '/oauth/token',
    headers: formHeaders,
    body: form({ ...client, grant_type: 'authorization_code', code, client_secret: 'mock-client-secret' }),
  });
  expectStatus(token, 200, 'POST /oauth/token');
  const accessToken = json<{ access_token?: string }>(token, 'POST /oauth/token').access_token;
  if (!accessToken) throw new Error('POST /oauth/token: no access_token');

  const root = await send(target, {
    method: 'POST',
    path: '/wopibootstrapper',
    headers: { Authorization: `Bearer ${accessToken}`, 'X-WOPI-EcosystemOperation': 'GET_ROOT_CONTAINER' },
  });
  expectStatus(root, 200, 'GET_ROOT_CONTAINER');
  const containerUrl = json<{ RootContainerInfo?: { ContainerPointer?: { Url?: string } } }>(root, 'GET_ROOT_CONTAINER').RootContainerInfo
    ?.ContainerPointer?.Url;
  if (!containerUrl) throw new Error('GET_ROOT_CONTAINER: no RootContainerInfo.ContainerPointer.Url');

  const container = new URL(containerUrl);
  const children = await send(target, { path: `${container.pathname}/children${container.search}` });
  expectStatus(children, 200, 'EnumerateChildren');
  const fileUrl = json<{ ChildFiles?: Array<{ Url?: string }> }>(children, 'EnumerateChildren').ChildFiles?.[0]?.Url;
  if (!fileUrl) throw new Error('EnumerateChildren: the root container has no files');
  const wopiSrc = new URL(fileUrl);
  wopiSrc.search = '';
  return { accessToken, wopiSrc: wopiSrc.href };
}

export { expectStatus, json };
