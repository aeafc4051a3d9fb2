import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpsRequest, Agent } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  appendPath,
  bearer,
  clientId,
  clientSecret,
  redirectUri,
  startHarness,
  withoutQuery,
  type Harness,
} from '../../test-support/host-fixture.js';
import type { ProxyChildMessage } from '../../test-support/proxy-child.js';

/**
 * A 50 MiB PutFile and GetFile through the reverse proxy, with the proxy in a process of its own
 * whose RSS is sampled throughout: a streamed body must not be held, so it grows by far less
 * than the file.
 */

const size = 50 * 1024 * 1024;
const chunkSize = 64 * 1024;
const allowedGrowth = 30 * 1024 * 1024;

let upstream: Harness;
let child: ChildProcess;
let dir: string;
let origin: string;
let agent: Agent;
const messages: ProxyChildMessage[] = [];
const waiting: Array<(message: ProxyChildMessage) => void> = [];

function next(type: ProxyChildMessage['type']): Promise<ProxyChildMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the proxy child sent no ${type}`)), 60_000);
    const take = () => {
      const index = messages.findIndex((m) => m.type === type);
      if (index < 0) return false;
      clearTimeout(timer);
      resolve(messages.splice(index, 1)[0]!);
      return true;
    };
    if (!take()) waiting.push(() => void take());
  });
}

before(async () => {
  upstream = await startHarness({ startAt: Date.now() });
  dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-proxy-large-'));
  const script = fileURLToPath(new URL('../../test-support/proxy-child.js', import.meta.url));
  child = fork(script, [JSON.stringify({ dataDir: dir, upstream: upstream.origin, ca: upstream.ca })], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('message', (message: ProxyChildMessage) => {
    messages.push(message);
    for (const wake of waiting.splice(0)) wake(message);
  });
  const ready = (await next('ready')) as Extract<ProxyChildMessage, { type: 'ready' }>;
  origin = ready.origin;
  agent = new Agent({ keepAlive: true, ca: await readFile(ready.caPath, 'utf8') });
});
after(async () => {
  agent?.destroy();
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send({ type: 'stop' });
    await exited;
  }
  await upstream?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  bytes: number;
  sha256: string;
}

/** One request to the proxy; the answer is hashed as it streams and kept only when small. */
function call(method: string, target: string, headers: Record<string, string>, body?: Readable | Buffer): Promise<Answer> {
  const url = new URL(target, origin);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: Number(url.port), servername: 'localhost', agent, method, path: url.pathname + url.search, headers },
      (res) => {
        const hash = createHash('sha256');
        const kept: Buffer[] = [];
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          bytes += chunk.length;
          if (bytes <= 1 << 20) kept.push(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(kept), bytes, sha256: hash.digest('hex') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body instanceof Readable) body.pipe(req);
    else req.end(body);
  });
}

/** 50 MiB produced chunk by chunk: the test process never holds it either. */
function fiftyMiB(): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const chunk = Buffer.alloc(chunkSize, sent / chunkSize);
      hash.update(chunk);
      sent += chunkSize;
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

const json = (answer: Answer) => JSON.parse(answer.body.toString('utf8'));

test('a 50 MiB PutFile and GetFile pass through the proxy without its memory growing by the file', async () => {
  // Sign in and find a file, through the proxy.
  const form = (fields: Record<string, string>) => Buffer.from(new URLSearchParams(fields).toString());
  const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
  const authorized = await call(
    'POST',
    '/oauth/authorize',
    formHeaders,
    form({ client_id: clientId, redirect_uri: redirectUri, response_type: 'code', user: 'alice' }),
  );
  const code = new URL(String(authorized.headers['location'])).searchParams.get('code')!;
  const token = await call(
    'POST',
    '/oauth/token',
    formHeaders,
    form({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, client_secret: clientSecret }),
  );
  const access = bearer(json(token).access_token as string);
  const root = await call('POST', '/wopibootstrapper', { ...access, 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' });
  const rootUrl = json(root).RootContainerInfo.ContainerPointer.Url as string;
  assert.ok(rootUrl.startsWith(origin), 'the container URL names the proxy');
  const children = await call('GET', appendPath(rootUrl, '/children'), {});
  const fileUrl = (json(children).ChildFiles as Array<{ Name: string; Url: string }>).find((f) => f.Name === 'Welcome.docx')!.Url;
  const lock = { 'x-wopi-override': 'LOCK', 'x-wopi-lock': 'big-upload' };
  assert.equal((await call('POST', fileUrl, lock)).status, 200);
  // Warm up the paths the big transfer takes, then take the baseline.
  const put = { 'x-wopi-override': 'PUT', 'x-wopi-lock': 'big-upload' };
  assert.equal((await call('POST', appendPath(fileUrl, '/contents'), put, Buffer.alloc(1 << 20, 1))).status, 200);
  assert.equal((await call('GET', appendPath(fileUrl, '/contents'), {})).bytes, 1 << 20);

  /** The highest RSS of the proxy over `transfer`, less its settled RSS before it. */
  const growthDuring = async <T>(transfer: () => Promise<T>): Promise<{ result: T; growth: number }> => {
    child.send({ type: 'baseline' });
    const baseline = (await next('baseline')) as Extract<ProxyChildMessage, { type: 'baseline' }>;
    const result = await transfer();
    child.send({ type: 'peak' });
    const peak = (await next('peak')) as Extract<ProxyChildMessage, { type: 'peak' }>;
    return { result, growth: peak.rss - baseline.rss };
  };

  const upload = fiftyMiB();
  const putting = await growthDuring(() =>
    call('POST', appendPath(fileUrl, '/contents'), { ...put, 'content-length': String(size) }, upload.stream),
  );
  assert.equal(putting.result.status, 200, putting.result.body.toString());
  const getting = await growthDuring(() => call('GET', appendPath(fileUrl, '/contents'), {}));
  const download = getting.result;
  assert.equal(download.status, 200);
  assert.equal(download.bytes, size);
  assert.equal(download.sha256, upload.sha256(), 'the bytes came back as they went');
  const fileId = new URL(withoutQuery(fileUrl)).pathname.split('/').at(-1)!;
  assert.equal((await upstream.admin('GET', `/api/files/${fileId}/content`)).body.length, size, 'the upstream stored all of it');

  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  // The figures the README quotes: printed so every run shows them.
  console.log(
    `# proxy RSS growth: 50 MiB PutFile +${mib(putting.growth)}, 50 MiB GetFile +${mib(getting.growth)} (allowed: under ${mib(allowedGrowth)})`,
  );
  assert.ok(putting.growth < allowedGrowth, `PutFile: the proxy's RSS grew by ${mib(putting.growth)}`);
  assert.ok(getting.growth < allowedGrowth, `GetFile: the proxy's RSS grew by ${mib(getting.growth)}`);
});
