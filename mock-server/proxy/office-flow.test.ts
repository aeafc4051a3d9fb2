import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  appendPath,
  bearer,
  clientId,
  clientSecret,
  redirectUri,
  startHarness,
  withoutQuery,
  type Harness,
  type Reply,
} from '../../test-support/host-fixture.js';
import { startProxy } from '../../test-support/proxy-fixture.js';
import { checkHarness, results } from '../../test-support/check-fixture.js';
import { specWarnings } from '../analysis/spec-check.js';
import { toHar } from '../log/har.js';

/**
 * The whole Office flow through the reverse proxy answers what the upstream answers directly.
 * Two upstream engines start from one data dir (same keys, ids, files) on one frozen clock, so
 * their answers differ only where a token's random id lands; one is called directly, the other
 * through the proxy. What may differ: the origin (the proxy's, in every rewritten URL) and token strings.
 */

let dir: string;
let direct: Harness;
let upstream: Harness;
let proxy: Harness;
// Real time: the checker compares token expiry with its own clock.
const startAt = Date.now();

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-proxy-flow-'));
  const first = path.join(dir, 'a');
  const second = path.join(dir, 'b');
  // Made once and stopped, so everything is on disk before the copy.
  await (await startHarness({ dataDir: first, startAt })).close();
  await cp(first, second, { recursive: true });
  direct = await startHarness({ dataDir: first, startAt });
  upstream = await startHarness({ dataDir: second, startAt });
  proxy = await startProxy(upstream);
});
after(async () => {
  await Promise.all([proxy?.close(), direct?.close(), upstream?.close()]);
  await rm(dir, { recursive: true, force: true });
});

interface Step {
  name: string;
  reply: Reply;
}

/** 401 → sign-in → token → Bootstrap → GET_ROOT_CONTAINER → EnumerateChildren → GetNewAccessToken → CheckFileInfo → GetFile → Lock → PutFile → Unlock. */
async function officeFlow(h: Harness): Promise<Step[]> {
  const steps: Step[] = [];
  const step = async (name: string, reply: Promise<Reply>) => {
    const r = await reply;
    steps.push({ name, reply: r });
    return r;
  };
  await step('401', h.request('GET', '/wopibootstrapper'));
  const authorized = await step(
    'sign-in',
    h.request('POST', '/oauth/authorize', {
      form: { client_id: clientId, redirect_uri: redirectUri, response_type: 'code', user: 'alice' },
    }),
  );
  const code = new URL(authorized.header('location')!).searchParams.get('code')!;
  const token = await step(
    'token',
    h.request('POST', '/oauth/token', {
      form: { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, client_secret: clientSecret },
    }),
  );
  const access = bearer(token.json().access_token);
  await step('Bootstrap', h.request('GET', '/wopibootstrapper', { headers: access }));
  const root = await step(
    'GET_ROOT_CONTAINER',
    h.request('POST', '/wopibootstrapper', { headers: { ...access, 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' } }),
  );
  const rootUrl: string = root.json().RootContainerInfo.ContainerPointer.Url;
  const children = await step('EnumerateChildren', h.request('GET', appendPath(rootUrl, '/children')));
  const file = (children.json().ChildFiles as Array<{ Name: string; Url: string }>).find((f) => f.Name === 'Welcome.docx')!;
  const wopiSrc = withoutQuery(file.Url);
  const fresh = await step(
    'GetNewAccessToken',
    h.request('POST', '/wopibootstrapper', {
      headers: { ...access, 'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN', 'x-wopi-wopisrc': wopiSrc },
    }),
  );
  const fileUrl = `${wopiSrc}?access_token=${encodeURIComponent(fresh.json().AccessTokenInfo.AccessToken)}`;
  await step('CheckFileInfo', h.request('GET', fileUrl));
  const content = await step('GetFile', h.request('GET', appendPath(fileUrl, '/contents')));
  const lock = '{"S":"proxy-flow-lock"}';
  await step('Lock', h.request('POST', fileUrl, { headers: { 'x-wopi-override': 'LOCK', 'x-wopi-lock': lock } }));
  await step(
    'PutFile',
    h.request('POST', appendPath(fileUrl, '/contents'), {
      headers: { 'x-wopi-override': 'PUT', 'x-wopi-lock': lock },
      body: Buffer.concat([content.body, Buffer.from('edited through the flow')]),
    }),
  );
  await step('Unlock', h.request('POST', fileUrl, { headers: { 'x-wopi-override': 'UNLOCK', 'x-wopi-lock': lock } }));
  return steps;
}

const transport = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);
const jwt = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/** An answer with the origin and token strings named instead of spelled out. */
function normalized(reply: Reply, origins: string[]) {
  const clean = (text: string) => origins.reduce((t, origin) => t.split(origin).join('<origin>'), text).replace(jwt, '<token>');
  const headers = Object.entries(reply.headers)
    .filter(([name]) => !transport.has(name))
    .map(([name, values]) => [name, values.map(clean)]);
  const binary = !/json|text|html/.test(reply.header('content-type') ?? '');
  return { status: reply.status, headers, body: binary ? reply.body.toString('base64') : clean(reply.text) };
}

test('the Office flow through the proxy answers as the upstream does directly, apart from origins', async () => {
  const directSteps = await officeFlow(direct);
  const proxiedSteps = await officeFlow(proxy);
  assert.deepEqual(
    proxiedSteps.map((s) => `${s.name} ${s.reply.status}`),
    directSteps.map((s) => `${s.name} ${s.reply.status}`),
  );
  assert.deepEqual(
    directSteps.map((s) => s.reply.status),
    [401, 302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  );
  for (const [i, step] of proxiedSteps.entries()) {
    assert.deepEqual(
      normalized(step.reply, [proxy.origin, upstream.origin]),
      normalized(directSteps[i]!.reply, [direct.origin]),
      `${step.name} differs`,
    );
    // A rewritten body is sent with its own, correct length.
    const length = step.reply.header('content-length');
    if (length !== undefined) assert.equal(Number(length), step.reply.body.length, `${step.name} Content-Length`);
  }
  // Every URL the client was handed through the proxy names the proxy, never the upstream...
  for (const step of proxiedSteps.slice(3)) assert.ok(!step.reply.text.includes(upstream.origin), `${step.name} leaks the upstream origin`);
  // ...except the page a browser opens to sign in, which stays on the real host.
  assert.match(
    proxiedSteps[0]!.reply.header('www-authenticate')!,
    new RegExp(`authorization_uri="${upstream.origin}/oauth/authorize",tokenIssuance_uri="${proxy.origin}/oauth/token"`),
  );
  // The upstream saw every request of the flow, and changed the file it was asked to.
  await Promise.all([logged(upstream, 12), logged(direct, 12)]);
  assert.deepEqual(
    upstream.engine.log.list().map((e) => `${e.operation} ${e.status}`),
    direct.engine.log.list().map((e) => `${e.operation} ${e.status}`),
  );
});

/** Entries are written when the server side of an exchange closes, which may follow the client's last byte. */
async function logged(h: Harness, count: number): Promise<void> {
  const deadline = Date.now() + 2000;
  while (h.engine.log.size < count) {
    if (Date.now() > deadline) throw new Error(`${h.engine.log.size} entries logged, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('each proxied exchange is one log entry: operation named, user decoded, upstream and its time to first byte', async () => {
  await Promise.all([logged(proxy, 12), logged(direct, 12)]);
  const entries = proxy.engine.log.list();
  assert.deepEqual(
    entries.map((e) => [e.operation, e.status, e.userId]),
    [
      ['Bootstrap', 401, null],
      ['Authorize', 302, 'alice'],
      ['Token', 200, 'alice'],
      ['Bootstrap', 200, 'alice'],
      ['GetRootContainer(bootstrapper)', 200, 'alice'],
      ['EnumerateChildren', 200, 'alice'],
      ['GetNewAccessToken', 200, 'alice'],
      ['CheckFileInfo', 200, 'alice'],
      ['GetFile', 200, 'alice'],
      ['Lock', 200, 'alice'],
      ['PutFile', 200, 'alice'],
      ['Unlock', 200, 'alice'],
    ],
  );
  for (const entry of entries) {
    assert.equal(entry.source, 'proxy');
    assert.equal(entry.upstream, upstream.origin);
    assert.ok(
      typeof entry.upstreamTtfbMs === 'number' && entry.upstreamTtfbMs >= 0 && entry.upstreamTtfbMs <= entry.durationMs,
      `${entry.operation} ttfb`,
    );
  }
  // The mock's own entries carry none of the proxy's fields.
  const mocked = JSON.parse(JSON.stringify(direct.engine.log.list()[0]));
  assert.ok(!('source' in mocked) && !('upstream' in mocked) && !('upstreamTtfbMs' in mocked));
  // Bodies: the client secret never reaches the log, and every body has its size and SHA-256.
  const token = entries.find((e) => e.operation === 'Token')!;
  assert.match(token.requestBody!.text, /client_secret=%5Bredacted%5D/);
  assert.match(token.requestBody!.sha256!, /^[0-9a-f]{64}$/);
  const put = entries.find((e) => e.operation === 'PutFile')!;
  assert.equal(put.requestBody!.size, direct.engine.log.list().find((e) => e.operation === 'PutFile')!.requestBody!.size);
  // Spec warnings come from the shared rulebook, on the proxied entries as on the direct ones.
  const warnings = (list: typeof entries) => list.map((e) => specWarnings(e).map((f) => f.rule));
  assert.deepEqual(warnings(entries), warnings(direct.engine.log.list()));
});

test('the HAR export carries _source, _upstream and _upstreamTtfbMs', () => {
  const har = toHar(proxy.engine.log.list(), { creator: { name: 'test', version: '0' }, origin: proxy.origin });
  for (const entry of har.log.entries) {
    assert.equal(entry._source, 'proxy');
    assert.equal(entry._upstream, upstream.origin);
    assert.equal(typeof entry._upstreamTtfbMs, 'number');
  }
  const mocked = toHar(direct.engine.log.list(), { creator: { name: 'test', version: '0' }, origin: direct.origin });
  assert.ok(mocked.log.entries.every((e) => !('_source' in e)));
});

test('the admin API keeps working in proxy mode and its status names the upstream', async () => {
  const status = await proxy.admin('GET', '/api/status');
  assert.equal(status.status, 200);
  const { proxy: proxyStatus } = status.json();
  assert.equal(proxyStatus.mode, 'reverse');
  assert.equal(proxyStatus.upstream, upstream.origin);
  assert.equal(proxyStatus.insecure, false);
  assert.ok(proxyStatus.forwarded >= 12);
  assert.equal((await direct.admin('GET', '/api/status')).json().proxy, undefined);
  const log = await proxy.admin('GET', '/api/log');
  assert.equal(log.json().entries[0].source, 'proxy');
});

test('the host checker through the proxy passes as it does directly', async () => {
  // The sign-in page stays on the upstream (authorization_uri is not rewritten): trust both CAs.
  const throughProxy = await checkHarness(proxy, { ca: `${proxy.ca}\n${upstream.ca}` });
  const directly = await checkHarness(direct);
  const summary = (report: typeof directly.report) => results(report).map((r) => `${r.rule} ${r.status}`);
  const failures = (report: typeof directly.report) =>
    results(report)
      .filter((r) => r.status === 'failed' || r.status === 'warning')
      .map((r) => `${r.rule}: ${r.evidence[0]?.message}`)
      .join('\n');
  assert.equal(directly.report.outcome, 'passed', failures(directly.report));
  assert.equal(throughProxy.report.outcome, 'passed', failures(throughProxy.report));
  assert.deepEqual(summary(throughProxy.report), summary(directly.report));
});
