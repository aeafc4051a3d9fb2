import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startHarness, type Harness } from '../../test-support/host-fixture.js';

const policy =
  "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const indexHtml =
  '<!doctype html><html><head><title>WOPI Mock Host</title><script type="module" src="/assets/index-3f2a9c.js"></script></head><body><div id="root"></div></body></html>\n';
const script = 'console.log("ui");\n';

let uiDir: string;
let h: Harness;
let unbuilt: Harness;
before(async () => {
  uiDir = await mkdtemp(path.join(os.tmpdir(), 'wopi-ui-'));
  await mkdir(path.join(uiDir, 'assets'));
  await writeFile(path.join(uiDir, 'index.html'), indexHtml);
  await writeFile(path.join(uiDir, 'assets', 'index-3f2a9c.js'), script);
  await writeFile(path.join(uiDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  h = await startHarness({ uiDir });
  unbuilt = await startHarness({ uiDir: path.join(uiDir, 'not-built') });
});
after(async () => {
  await h.close();
  await unbuilt.close();
  await rm(uiDir, { recursive: true, force: true });
});

const publicGet = (harness: Harness, urlPath: string, headers: Record<string, string> = {}) =>
  harness.admin('GET', urlPath, undefined, { token: null, headers });

function assertSecurityHeaders(headers: Record<string, string[]>, what: string): void {
  assert.deepEqual(headers['content-security-policy'], [policy], what);
  assert.deepEqual(headers['x-content-type-options'], ['nosniff'], what);
  assert.deepEqual(headers['referrer-policy'], ['no-referrer'], what);
  assert.deepEqual(headers['x-frame-options'], ['DENY'], what);
}

describe('the UI on the admin listener', () => {
  test('the UI URL carries the admin token in the fragment', () => {
    assert.equal(h.engine.urls.uiUrl, `${h.engine.urls.adminUrl}/#token=${encodeURIComponent(h.engine.urls.adminToken)}`);
  });

  test('index.html is public, revalidated, and sent with the strict security headers', async () => {
    const reply = await publicGet(h, '/');
    assert.equal(reply.status, 200);
    assert.equal(reply.text, indexHtml);
    assert.equal(reply.header('content-type'), 'text/html; charset=utf-8');
    assert.equal(reply.header('cache-control'), 'no-cache');
    assertSecurityHeaders(reply.headers, '/');
  });

  test('hashed assets are public and cached for a year; a missing one is a 404, not index.html', async () => {
    const asset = await publicGet(h, '/assets/index-3f2a9c.js');
    assert.equal(asset.status, 200);
    assert.equal(asset.text, script);
    assert.equal(asset.header('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(asset.header('cache-control'), 'public, max-age=31536000, immutable');
    assertSecurityHeaders(asset.headers, 'asset');
    const missing = await publicGet(h, '/assets/index-000000.js');
    assert.equal(missing.status, 404);
    assert.equal(missing.text, 'no UI asset /assets/index-000000.js\n');
  });

  test('other files of the build are served, revalidated', async () => {
    const icon = await publicGet(h, '/favicon.svg');
    assert.equal(icon.status, 200);
    assert.equal(icon.header('content-type'), 'image/svg+xml');
    assert.equal(icon.header('cache-control'), 'no-cache');
  });

  test('unknown paths outside /api fall back to index.html (the UI routes itself); HEAD too', async () => {
    for (const route of ['/log', '/users/alice', '/flow?lane=2', '/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json']) {
      const reply = await publicGet(h, route);
      assert.equal(reply.status, 200, route);
      assert.equal(reply.text, indexHtml, route);
    }
    const head = await h.admin('HEAD', '/users/bob', undefined, { token: null });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
  });

  test('everything under /api still needs the token, however it is spelled', async () => {
    for (const route of [
      '/api',
      '/api/',
      '/api/config',
      '/API/config',
      '/Api/Status',
      '/api/nothing',
      '/api/users/alice/tokens',
      '/api/ca.crt',
    ]) {
      const reply = await publicGet(h, route);
      assert.equal(reply.status, 401, route);
      assert.deepEqual(reply.headers['www-authenticate'], ['Bearer realm="wopi-mock-host-admin"'], route);
      assertSecurityHeaders(reply.headers, route);
    }
    assert.equal((await h.admin('GET', '/API/config')).status, 200);
  });

  test('the Host and Origin checks apply to the UI too', async () => {
    const port = new URL(h.engine.urls.adminUrl).port;
    const rebound = await publicGet(h, '/', { host: `evil.example:${port}` });
    assert.equal(rebound.status, 403);
    assert.deepEqual(rebound.json(), {
      errors: [{ path: '$', message: 'the admin API only answers to 127.0.0.1, localhost or [::1] as Host' }],
    });
    const foreign = await publicGet(h, '/assets/index-3f2a9c.js', { origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
    assert.equal((await publicGet(h, '/', { host: `localhost:${port}`, origin: `http://localhost:${port}` })).status, 200);
  });

  test('other methods outside /api are 404 JSON, and need no token to say so', async () => {
    const reply = await h.admin('POST', '/', {}, { token: null });
    assert.equal(reply.status, 404);
    assert.deepEqual(reply.json(), { errors: [{ path: '$', message: 'nothing here: POST /' }] });
  });

  test('a raw request with a traversal path never reaches outside the build', async () => {
    const port = Number(new URL(h.engine.urls.adminUrl).port);
    const text = await new Promise<string>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/assets/../../../../package.json', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(`${res.statusCode} ${body}`));
      });
      req.on('error', reject);
      req.end();
    });
    assert.ok(!text.includes('"devDependencies"'), text.slice(0, 200));
  });
});

describe('without a built UI', () => {
  test('/ and UI routes answer a page that says how to build it; /api is unaffected', async () => {
    for (const route of ['/', '/users/alice']) {
      const reply = await publicGet(unbuilt, route);
      assert.equal(reply.status, 503, route);
      assert.equal(reply.header('content-type'), 'text/html; charset=utf-8');
      assert.equal(reply.header('cache-control'), 'no-store');
      assert.match(reply.text, /<h1>The WOPI Mock Host UI is not built<\/h1>/);
      assert.ok(reply.text.includes('Build it with <code>npm run build</code>'), reply.text);
      assert.ok(reply.text.includes(path.join(uiDir, 'not-built')), 'names the folder it looked in');
      assertSecurityHeaders(reply.headers, route);
    }
    assert.equal((await publicGet(unbuilt, '/assets/index-3f2a9c.js')).status, 404);
    assert.equal((await unbuilt.admin('GET', '/api/config')).status, 200);
  });
});
