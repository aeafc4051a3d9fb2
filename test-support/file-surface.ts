import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import { encode as encodeUtf7 } from 'utf7';
import { appendPath, type Harness } from './host-fixture.js';
import { toReply } from './host-fixture.js';
import type { Wire, WireReply } from './wire.js';

/**
 * Helpers for the file-surface suites (lock model, override and name fuzz, cross-user writes):
 * fresh files and folders made through the WOPI surface itself, over a keep-alive wire.
 */

/** `/wopi/files/<id>?access_token=…` of a URL the host handed out. */
export function pathOf(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

/** The resource id at the end of a host URL's path. */
export function idOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.split('/').pop()!);
}

/** Token lifetimes long enough that a suite moving the frozen clock by hours never outlives them. */
export async function useLongTokenLifetimes(h: Harness): Promise<void> {
  const day = 86_400;
  const reply = await h.admin('PUT', '/api/config', {
    tokenTtlSeconds: { authorizationCode: 3600, oauthAccessToken: 366 * day, refreshToken: 3660 * day, wopiAccessToken: 366 * day },
  });
  assert.equal(reply.status, 200, reply.text);
}

export interface Created {
  url: string;
  path: string;
  id: string;
  name: string;
}

/** CreateChildContainer (suggested name) in the container; its URL carries a token scoped to it. */
export async function newContainer(wire: Wire, containerUrl: string, name = 'folder'): Promise<Created> {
  const reply = await wire.wopi('POST', pathOf(containerUrl), {
    headers: { 'x-wopi-override': 'CREATE_CHILD_CONTAINER', 'x-wopi-suggestedtarget': encodeUtf7(name) },
  });
  assert.equal(reply.status, 200, reply.text);
  const { Url, Name } = reply.json().ContainerPointer;
  return { url: Url, path: pathOf(Url), id: idOf(Url), name: Name };
}

/** CreateChildFile (suggested name), then PutFile of `content` when given (a 0-byte file takes it unlocked). */
export async function newFileIn(wire: Wire, containerUrl: string, content?: Buffer | string, name = 'file.docx'): Promise<Created> {
  const reply = await wire.wopi('POST', pathOf(containerUrl), {
    headers: { 'x-wopi-override': 'CREATE_CHILD_FILE', 'x-wopi-suggestedtarget': encodeUtf7(name) },
  });
  assert.equal(reply.status, 200, reply.text);
  const { Url, Name } = reply.json();
  if (content !== undefined && content.length > 0) {
    const put = await wire.wopi('POST', pathOf(appendPath(Url, '/contents')), { headers: { 'x-wopi-override': 'PUT' }, body: content });
    assert.equal(put.status, 200, put.text);
  }
  return { url: Url, path: pathOf(Url), id: idOf(Url), name: Name };
}

/** The X-WOPI-* headers of a reply, lowercased, each with all its values: what a leak check reads. */
export function wopiHeaders(reply: WireReply): Record<string, string[]> {
  return Object.fromEntries(Object.entries(reply.headers).filter(([name]) => name.startsWith('x-wopi-')));
}

/** What the host writes in X-WOPI-ServerError for a detail (map-errors.ts): visible ASCII, at most 1000 characters. */
export function serverErrorOf(detail: string): string {
  return detail.replace(/[^\x20-\x7E]/g, '?').slice(0, 1000);
}

/** A host started as a separate process (cli-process.ts), spoken to over verified HTTPS with fresh connections. */
export interface RemoteHost {
  request(method: string, path: string, request?: { headers?: Record<string, string>; body?: string | Buffer }): Promise<WireReply>;
  /** Signs the user in through OAuth and returns their root container URL (with a token). */
  rootOf(userId: string): Promise<string>;
}

export function remoteHost(ready: Record<string, unknown>, ca: string): RemoteHost {
  const origin = new URL(String(ready['wopiOrigin']));
  const request: RemoteHost['request'] = (method, path, options = {}) =>
    new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: Number(origin.port),
          servername: origin.hostname,
          ca,
          agent: false,
          method,
          path,
          headers: { host: origin.host, ...options.headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () =>
            resolve(toReply(res.statusCode ?? 0, res.headersDistinct as Record<string, string[]>, Buffer.concat(chunks))),
          );
        },
      );
      req.on('error', reject);
      if (options.body !== undefined) req.setHeader('content-length', Buffer.byteLength(options.body));
      req.end(typeof options.body === 'string' ? Buffer.from(options.body) : options.body);
    });
  const form = (values: Record<string, string>) => ({
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(values).toString(),
  });
  return {
    request,
    async rootOf(userId) {
      const client = { client_id: 'office-mobile', redirect_uri: 'https://localhost' };
      const authorized = await request('POST', '/oauth/authorize', form({ ...client, response_type: 'code', user: userId }));
      assert.equal(authorized.status, 302, authorized.text);
      const code = new URL(authorized.header('location')!).searchParams.get('code')!;
      const token = await request(
        'POST',
        '/oauth/token',
        form({ ...client, grant_type: 'authorization_code', code, client_secret: 'mock-client-secret' }),
      );
      assert.equal(token.status, 200, token.text);
      const root = await request('POST', '/wopibootstrapper', {
        headers: { authorization: `Bearer ${token.json().access_token}`, 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' },
      });
      assert.equal(root.status, 200, root.text);
      return root.json().RootContainerInfo.ContainerPointer.Url;
    },
  };
}

export interface StorageAudit {
  /** `.incoming-*` blobs and `.index.json.*.tmp` files: what an interrupted write leaves. */
  temporaries: string[];
  /** Blobs no file record points at. */
  orphans: string[];
  /** Records whose blob is missing or of another size than the record says. */
  broken: string[];
  /** Each file's content as the index on disk says, by id. */
  contents: Map<string, Buffer>;
}

/** Reads `<dataDir>/storage` from disk, as a restart would: index, blobs and leftovers. */
export async function auditStorage(dataDir: string): Promise<StorageAudit> {
  const storage = path.join(dataDir, 'storage');
  const index = JSON.parse(await readFile(path.join(storage, 'index.json'), 'utf8')) as {
    resources: Record<string, { kind: string; id: string; size: number; blob: string | null }>;
  };
  const files = Object.values(index.resources).filter((r) => r.kind === 'file');
  const referenced = new Set(files.flatMap((f) => (f.blob ? [f.blob] : [])));
  const blobEntries = await readdir(path.join(storage, 'blobs'));
  const temporaries = [
    ...blobEntries.filter((e) => e.startsWith('.')).map((e) => `blobs/${e}`),
    ...(await readdir(storage)).filter((e) => e.startsWith('.')),
  ];
  const orphans = blobEntries.filter((e) => !e.startsWith('.') && !referenced.has(e));
  const broken: string[] = [];
  const contents = new Map<string, Buffer>();
  for (const file of files) {
    if (file.blob === null) {
      contents.set(file.id, Buffer.alloc(0));
      if (file.size !== 0) broken.push(`${file.id}: no blob but size ${file.size}`);
      continue;
    }
    try {
      const bytes = await readFile(path.join(storage, 'blobs', file.blob));
      contents.set(file.id, bytes);
      if (bytes.length !== file.size) broken.push(`${file.id}: blob of ${bytes.length} bytes, record says ${file.size}`);
    } catch (error) {
      broken.push(`${file.id}: ${(error as Error).message}`);
    }
  }
  return { temporaries, orphans, broken, contents };
}
