import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { startHarness, type Harness } from '../../test-support/host-fixture.js';
import { caseVariant, headerValue, opaqueToken, traversalSegment } from '../../test-support/arbitraries.js';
import { checkAsync } from '../../test-support/fuzz.js';
import { grantsFor, type Grants } from '../../test-support/tokens.js';
import { openAdminSocket, rawExchange, wireTo, type Wire, type WireReply } from '../../test-support/wire.js';

/**
 * Who can reach what. The WOPI origin is on the LAN on purpose; the admin API and the UI are
 * not, and answer only loopback Hosts, same-origin browsers and the per-run token. One user's
 * tokens never open another user's resources, and no URL reaches outside the data dir or the
 * UI build.
 */

const indexHtml = '<!doctype html><title>WOPI Mock Host</title><div id="root"></div>\n';
const asset = 'console.log("ui");\n';
const canary = `canary-${Math.random().toString(36).slice(2)}`;

let workDir: string;
let uiDir: string;
let h: Harness;
let wire: Wire;
let users: Grants[];
let adminPort: number;
before(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'wopi-isolation-'));
  uiDir = path.join(workDir, 'ui');
  await mkdir(path.join(uiDir, 'assets'), { recursive: true });
  await writeFile(path.join(uiDir, 'index.html'), indexHtml);
  await writeFile(path.join(uiDir, 'assets', 'app.js'), asset);
  // Files a traversal would be after: beside the UI build, beside and inside the data dir.
  await writeFile(path.join(workDir, 'secret.txt'), canary);
  const dataDir = path.join(workDir, 'data');
  await mkdir(path.join(dataDir, 'storage'), { recursive: true });
  await writeFile(path.join(dataDir, 'canary.txt'), canary);
  await writeFile(path.join(dataDir, 'storage', 'canary.txt'), canary);
  // No host, as the CLI by default: the WOPI origin listens on every interface, the LAN must reach it.
  h = await startHarness({ dataDir, uiDir, host: undefined });
  wire = wireTo(h);
  const config = (await wire.admin('GET', '/api/config')).json();
  config.users.push(
    { id: 'carol', signInName: 'carol@contoso.test', friendlyName: 'Carol' },
    { id: 'dave', signInName: 'dave@contoso.test', friendlyName: '' },
  );
  assert.equal((await wire.admin('PUT', '/api/config', { body: JSON.stringify(config) })).status, 200);
  users = [];
  for (const id of ['alice', 'bob', 'carol', 'dave']) users.push(await grantsFor(h, id));
  adminPort = Number(new URL(h.engine.urls.adminUrl).port);
});
after(async () => {
  wire.close();
  await h.close();
  await rm(workDir, { recursive: true, force: true });
});

/** Every address of this machine other than loopback, as a LAN client would dial it. */
function lanAddresses(): string[] {
  const found: string[] = [];
  for (const [name, infos] of Object.entries(os.networkInterfaces())) {
    for (const info of infos ?? []) {
      if (info.internal) continue;
      found.push(info.family === 'IPv6' && info.address.startsWith('fe80:') ? `${info.address}%${name}` : info.address);
    }
  }
  return found;
}

/** 'connected', 'timeout', or the error code the dial ended with. */
function tcpOutcome(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = netConnect({ host, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('the admin listener is loopback only', () => {
  test('from every non-loopback address of this machine the admin port refuses, while the WOPI port answers TLS', async (t) => {
    const wopiPort = Number(new URL(h.origin).port);
    const handshake = (address: string) =>
      new Promise<string>((resolve) => {
        const socket = tlsConnect({ host: address, port: wopiPort, ca: h.ca, servername: 'localhost', timeout: 3000 }, () => {
          resolve(socket.authorized ? 'authorized' : String(socket.authorizationError));
          socket.destroy();
        });
        socket.once('timeout', () => socket.destroy(new Error('timeout')));
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      });
    // An address counts when the LAN listener answers on it (an interface that is down answers nothing);
    // Linux routes all of 127/8 to loopback, so 127.0.0.2 is "not 127.0.0.1" even without a LAN.
    const probes = [...lanAddresses(), '127.0.0.2'];
    const reachable: string[] = [];
    for (const address of probes) if ((await handshake(address)) === 'authorized') reachable.push(address);
    t.diagnostic(`probed ${reachable.join(', ')}; unreachable: ${probes.filter((a) => !reachable.includes(a)).join(', ') || 'none'}`);
    assert.ok(reachable.length > 0, `the WOPI listener answered on none of ${probes.join(', ')}`);
    for (const address of reachable) assert.equal(await tcpOutcome(address, adminPort), 'ECONNREFUSED', `admin port on ${address}`);
    assert.equal(h.engine.urls.adminUrl, `http://127.0.0.1:${adminPort}`);
  });

  test('the WOPI origin serves none of the admin API or the UI, with or without the admin token', async (t) => {
    const adminPath = fc.constantFrom(
      '/api/config',
      '/api/status',
      '/api/faults',
      '/api/log',
      '/api/log/har',
      '/api/log/1/curl',
      '/api/users/alice/tokens',
      '/api/files',
      '/api/ca.crt',
      '/',
      '/index.html',
      '/assets/app.js',
      '/API/config',
      '/api/../api/config',
    );
    await checkAsync(
      t,
      [
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        adminPath,
        fc.boolean(),
        fc.constantFrom(h.origin.replace('https://', ''), `127.0.0.1:${adminPort}`, `localhost:${adminPort}`),
      ],
      async (method, route, withToken, host) => {
        const reply = await wire.wopi(method, route, {
          headers: { host, ...(withToken ? { authorization: `Bearer ${h.engine.urls.adminToken}` } : {}) },
          ...(method === 'GET' ? {} : { body: '{}' }),
        });
        assert.equal(reply.status, 404, `${method} ${route}`);
        assert.match(reply.header('x-wopi-servererror')!, /^nothing here: /);
        assert.equal(reply.body.length, 0);
      },
      { weight: 0.5 },
    );
  });
});

describe('the admin listener checks Host, Origin and the token', () => {
  const allowedHosts = () => new Set(['127.0.0.1', 'localhost', '[::1]'].map((n) => `${n}:${adminPort}`));

  test('Host: only 127.0.0.1, localhost or [::1] with the admin port (DNS rebinding), for the API and the UI', async (t) => {
    const host = fc.oneof(
      fc
        .constantFrom('127.0.0.1', 'localhost', '[::1]', 'LOCALHOST', 'LocalHost')
        .chain((n) => fc.constantFrom(`${n}:${adminPort}`, n, `${n}:${adminPort + 1}`, `${n}.:${adminPort}`, `${n}:0${adminPort}`)),
      fc.constantFrom(
        `evil.example:${adminPort}`,
        `localhost.evil.example:${adminPort}`,
        `127.0.0.1.nip.io:${adminPort}`,
        `[::ffff:127.0.0.1]:${adminPort}`,
        `127.0.0.2:${adminPort}`,
        `0.0.0.0:${adminPort}`,
        `2130706433:${adminPort}`,
      ),
      headerValue(40)
        .map((v) => v.replace(/[\t]/g, ''))
        .filter((v) => v.trim() !== ''),
    );
    await checkAsync(
      t,
      [host, fc.constantFrom('/api/config', '/', '/assets/app.js')],
      async (value, route) => {
        const reply = await wire.admin('GET', route, { headers: { host: value } });
        // The name decides (DNS rebinding); the port only has to be ours, however it is written.
        const named = /^(127\.0\.0\.1|localhost|\[::1\]):(\d+)$/.exec(value.trim().toLowerCase());
        if (named && Number(named[2]) === adminPort) return assert.equal(reply.status, 200, value);
        assert.equal(reply.status, 403, JSON.stringify(value));
        assert.deepEqual(reply.json(), {
          errors: [{ path: '$', message: 'the admin API only answers to 127.0.0.1, localhost or [::1] as Host' }],
        });
      },
      {
        examples: [
          [`localhost:${adminPort}`, '/api/config'],
          [`evil.example:${adminPort}`, '/'],
        ],
      },
    );
  });

  test('a request without any Host header is refused', async () => {
    const socket = await openAdminSocket(h);
    const { text } = await rawExchange(socket, `GET /api/config HTTP/1.0\r\nAuthorization: Bearer ${h.engine.urls.adminToken}\r\n\r\n`);
    assert.match(text, /^HTTP\/1\.1 403 Forbidden\r\n/);
    assert.ok(
      text.endsWith('{"errors":[{"path":"$","message":"the admin API only answers to 127.0.0.1, localhost or [::1] as Host"}]}'),
      text,
    );
  });

  test('Origin: absent or the admin origin itself; anything else is a 403, even with the token', async (t) => {
    const origin = fc.oneof(
      fc
        .tuple(
          caseVariant('http'),
          fc.constantFrom('127.0.0.1', 'localhost', 'LOCALHOST', '[::1]'),
          fc.constantFrom(
            () => `:${adminPort}`,
            () => `:${adminPort + 1}`,
            () => '',
          ),
        )
        .map(([s, host, p]) => `${s}://${host}${p()}`),
      fc.constantFrom(
        'null',
        'https://evil.example',
        `https://127.0.0.1:${adminPort}`,
        `http://127.0.0.1:${adminPort}.evil.example`,
        `http://evil.example:${adminPort}`,
        'file://',
        '',
      ),
      fc.webUrl().map((u) => new URL(u).origin),
    );
    await checkAsync(
      t,
      [origin, fc.constantFrom('GET /api/config', 'PUT /api/config', 'POST /api/faults', 'GET /')],
      async (value, endpoint) => {
        const [method, route] = endpoint.split(' ') as [string, string];
        const before = (await wire.admin('GET', '/api/config')).text;
        const reply = await wire.admin(method, route, {
          headers: { origin: value },
          ...(method === 'GET' ? {} : { body: method === 'PUT' ? before : '{"operation":"*","status":500}' }),
        });
        let expectedOk = false;
        try {
          const url = new URL(value);
          expectedOk = url.protocol === 'http:' && allowedHosts().has(url.host.toLowerCase());
        } catch {
          expectedOk = false;
        }
        if (expectedOk) {
          assert.ok([200, 201].includes(reply.status), `${value} ${reply.status}`);
          if (method === 'POST') await wire.admin('DELETE', '/api/faults');
          return;
        }
        assert.equal(reply.status, 403, value);
        assert.deepEqual(reply.json(), { errors: [{ path: '$', message: `cross-origin requests are refused (Origin ${value})` }] });
        assert.equal((await wire.admin('GET', '/api/config')).text, before, 'nothing changed');
        assert.deepEqual((await wire.admin('GET', '/api/faults')).json().faults, []);
      },
    );
  });

  test('CORS: a preflight is refused and no answer ever carries Access-Control-* headers', async (t) => {
    await checkAsync(
      t,
      [
        fc.constantFrom('https://evil.example', `http://localhost:${adminPort}`, 'null'),
        fc.constantFrom('/api/config', '/api/faults', '/api/log', '/'),
        fc.constantFrom('PUT', 'POST', 'DELETE', 'GET'),
      ],
      async (origin, route, requested) => {
        const reply = await wire.admin('OPTIONS', route, {
          headers: {
            authorization: undefined,
            origin,
            'access-control-request-method': requested,
            'access-control-request-headers': 'authorization, content-type',
          },
        });
        const sameOrigin = origin === `http://localhost:${adminPort}`;
        assert.equal(reply.status, sameOrigin ? (route.startsWith('/api') ? 401 : 404) : 403, `${origin} ${route}`);
        assert.deepEqual(
          Object.keys(reply.headers).filter((n) => n.startsWith('access-control-')),
          [],
        );
      },
      { weight: 0.3 },
    );
    // The WOPI origin does not invite cross-origin reads either: a web page cannot read a token out of Bootstrap.
    const { access } = users[0]!;
    const boot = await wire.wopi('GET', '/wopibootstrapper', {
      headers: { authorization: `Bearer ${access}`, origin: 'https://evil.example' },
    });
    assert.equal(boot.status, 200);
    assert.deepEqual(
      Object.keys(boot.headers).filter((n) => n.startsWith('access-control-')),
      [],
    );
  });

  test('anything but "Bearer <the token>" is a 401 that changes nothing', async (t) => {
    const token = h.engine.urls.adminToken;
    const near = fc.oneof(
      fc.nat(token.length - 1).map((i) => token.slice(0, i) + String.fromCharCode(token.charCodeAt(i) ^ 1) + token.slice(i + 1)),
      fc.nat(token.length - 1).map((i) => token.slice(0, i)),
      opaqueToken(4).map((extra) => token + extra),
      fc.constant(token.toUpperCase()).filter((t) => t !== token),
      opaqueToken(60),
    );
    const header = fc.oneof(
      near.map((t) => `Bearer ${t}`),
      fc.constant(undefined),
      fc.constantFrom(
        `Basic ${Buffer.from(`admin:${token}`).toString('base64')}`,
        `Token ${token}`,
        `Bearer${token}`,
        `Bearer ${token} x`,
        'Bearer',
        '',
      ),
      fc.constant<string[]>([`Bearer ${token}`, `Bearer ${token}`]),
      near.map((t) => [`Bearer ${token}`, `Bearer ${t}`]),
    );
    const change = fc.constantFrom(
      { method: 'PUT', route: '/api/config', body: '{"providerId":"Hacked"}' },
      { method: 'POST', route: '/api/faults', body: '{"operation":"*","status":500}' },
      { method: 'POST', route: '/api/users/alice/revoke', body: undefined },
      { method: 'POST', route: '/api/reset', body: undefined },
      { method: 'DELETE', route: '/api/log', body: undefined },
      { method: 'GET', route: '/api/log/har', body: undefined },
      { method: 'GET', route: '/Api/Config', body: undefined },
    );
    await checkAsync(t, [header, change], async (authorization, c) => {
      const before = [(await wire.admin('GET', '/api/config')).text, (await wire.admin('GET', '/api/log')).json().lastSeq];
      const reply = await wire.admin(c.method, c.route, { headers: { authorization }, ...(c.body !== undefined ? { body: c.body } : {}) });
      assert.equal(reply.status, 401, JSON.stringify(authorization));
      assert.deepEqual(reply.headers['www-authenticate'], ['Bearer realm="wopi-mock-host-admin"']);
      assert.equal(reply.json().errors[0].path, '$');
      assert.ok(!reply.text.includes(token), 'the refusal never echoes the token');
      assert.deepEqual([(await wire.admin('GET', '/api/config')).text, (await wire.admin('GET', '/api/log')).json().lastSeq], before);
      assert.equal(
        (await wire.wopi('GET', '/wopibootstrapper', { headers: { authorization: `Bearer ${users[0]!.access}` } })).status,
        200,
        'alice was not revoked',
      );
    });
  });
});

describe("one user's tokens never reach another user's resources", () => {
  test('CheckFileInfo, GetFile, CheckContainerInfo, EnumerateChildren, EnumerateAncestors, GetEcosystem and GetNewAccessToken, across four users', async (t) => {
    type Target = { kind: 'file' | 'container'; id: string; owner: Grants };
    const targets: Target[] = users.flatMap((u) => [
      { kind: 'container' as const, id: u.rootId, owner: u },
      ...u.files.map((f) => ({ kind: 'file' as const, id: f.id, owner: u })),
    ]);
    const suffixes = {
      file: ['', '/contents', '/ancestry', '/ecosystem_pointer'],
      container: ['', '/children', '/ancestry', '/ecosystem_pointer'],
    };
    const tokensOf = (u: Grants) => [u.ecosystem, u.rootToken, ...u.files.map((f) => f.token)];
    await checkAsync(
      t,
      [fc.constantFrom(...users), fc.constantFrom(...targets), fc.nat(3), fc.nat(10), fc.boolean()],
      async (caller, target, suffixIndex, tokenIndex, viaBootstrapper) => {
        if (viaBootstrapper) {
          const reply = await wire.wopi('POST', '/wopibootstrapper', {
            headers: {
              authorization: `Bearer ${caller.access}`,
              'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN',
              'x-wopi-wopisrc': `${h.origin}/wopi/${target.kind}s/${target.id}`,
            },
          });
          if (caller === target.owner) return assert.equal(reply.status, 200);
          assert.deepEqual(
            [reply.status, reply.header('x-wopi-servererror'), reply.body.length],
            [404, `no ${target.kind} ${target.id} that user ${caller.userId} can access`, 0],
          );
          return;
        }
        const tokens = tokensOf(caller);
        const token = tokens[tokenIndex % tokens.length]!;
        const suffix = suffixes[target.kind][suffixIndex]!;
        const reply = await wire.wopi('GET', `/wopi/${target.kind}s/${target.id}${suffix}?access_token=${token}`);
        if (caller !== target.owner) {
          assert.deepEqual(
            [reply.status, reply.header('x-wopi-servererror'), reply.body.length],
            [404, `no ${target.kind} ${target.id} that user ${caller.userId} can access`, 0],
          );
          return;
        }
        // The owner: 200 with the token for this very resource, 401 with any other of theirs.
        const scoped =
          (target.kind === 'container' && token === caller.rootToken) ||
          (target.kind === 'file' && caller.files.find((f) => f.id === target.id)?.token === token);
        assert.equal(reply.status, scoped ? 200 : 401);
      },
      { weight: 3 },
    );
  });

  test("another user's data never appears in an answer: names, ids and content stay with their owner", async () => {
    for (const caller of users) {
      const children = await wire.wopi('GET', `/wopi/containers/${caller.rootId}/children?access_token=${caller.rootToken}`);
      const others = users.filter((u) => u !== caller);
      for (const other of others) {
        assert.ok(!children.text.includes(other.rootId));
        for (const f of other.files) assert.ok(!children.text.includes(f.id), `${caller.userId} sees ${other.userId}'s file id`);
      }
      const info = await wire.wopi('GET', `/wopi/files/${caller.files[0]!.id}?access_token=${caller.files[0]!.token}`);
      assert.deepEqual([info.json().OwnerId, info.json().UserId], [caller.userId, caller.userId]);
    }
  });
});

describe('no URL leaves the data dir or the UI build', () => {
  const mustNotLeak = (reply: WireReply, what: string) => {
    assert.ok(!reply.text.includes(canary), `${what} served a file outside its folder`);
    assert.ok(!/PRIVATE KEY|"userEpochs"|"schemaVersion"/.test(reply.text), `${what} served a data dir file`);
  };

  test('WOPI paths with traversal in file and container ids: 401 or 404, never a file from disk', async (t) => {
    const alice = users[0]!;
    const file = alice.files[0]!;
    const segments = fc.array(
      fc.oneof(
        traversalSegment,
        fc.constantFrom(
          'wopi',
          'files',
          'containers',
          'contents',
          'children',
          file.id,
          alice.rootId,
          '..%2f..%2f..%2fcanary.txt',
          '%2e%2e%2f%2e%2e%2fsecret.txt',
        ),
      ),
      { minLength: 1, maxLength: 7 },
    );
    await checkAsync(
      t,
      [segments, fc.constantFrom('/wopi/files/', '/wopi/containers/', '/wopi/', '/'), fc.constantFrom(file.token, alice.rootToken)],
      async (parts, prefix, token) => {
        const route = `${prefix}${parts.join('/')}`;
        const reply = await wire.wopi('GET', `${route}?access_token=${token}`);
        mustNotLeak(reply, route);
        if (reply.status === 200) {
          // Only a real resource of alice's, named exactly, with the token for it.
          const named = /^\/wopi\/(files|containers)\/([^/]+)(\/[a-z_]+)?\/?$/.exec(route);
          assert.ok(named && [file.id, alice.rootId].includes(decodeURIComponent(named[2]!)), `200 for ${route}`);
          return;
        }
        assert.ok([401, 404].includes(reply.status), `${route} → ${reply.status}`);
        assert.equal(reply.body.length, 0);
      },
      { weight: 2 },
    );
  });

  test('raw request targets that a client library would normalise: never a file from disk', async (t) => {
    const target = fc
      .array(fc.oneof(traversalSegment, fc.constantFrom('canary.txt', 'secret.txt', 'data', 'ui', 'assets', 'state.json')), {
        minLength: 1,
        maxLength: 6,
      })
      .map((s) => '/' + s.join('/'));
    await checkAsync(t, [target, fc.constantFrom('wopi' as const, 'admin' as const)], async (route, listener) => {
      const reply =
        listener === 'wopi' ? await wire.wopi('GET', route) : await wire.admin('GET', route, { headers: { authorization: undefined } });
      mustNotLeak(reply, route);
      if (listener === 'admin') {
        // The UI's own files, the index.html fallback, or a JSON refusal: nothing else.
        assert.ok(
          [indexHtml, asset].includes(reply.text) || [400, 403, 404].includes(reply.status),
          `${route} → ${reply.status} ${reply.text.slice(0, 80)}`,
        );
      } else {
        assert.equal(reply.status, 404, route);
      }
    });
  });

  test('the canaries are still where they were, unread by any answer above', async () => {
    assert.equal(await readFile(path.join(workDir, 'secret.txt'), 'utf8'), canary);
    assert.equal(await readFile(path.join(h.dataDir, 'canary.txt'), 'utf8'), canary);
  });
});
