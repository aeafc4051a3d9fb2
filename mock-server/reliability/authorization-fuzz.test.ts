import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { expectedChallenge, startHarness, type Harness } from '../../test-support/host-fixture.js';
import { caseVariant, httpWhitespace, opaqueToken, otherScheme } from '../../test-support/arbitraries.js';
import { checkAsync } from '../../test-support/fuzz.js';
import { grantsFor, tampering, type Grants } from '../../test-support/tokens.js';
import { wireTo, type Wire, type WireReply } from '../../test-support/wire.js';

/**
 * Hostile credentials against the bootstrapper and the WOPI endpoints: every Authorization
 * header and every token, forged or misused, gets its exact answer (status, challenge or not,
 * X-WOPI-ServerError, empty body), never a 5xx and never another user's data.
 */

let h: Harness;
let wire: Wire;
let alice: Grants;
let bob: Grants;
before(async () => {
  h = await startHarness();
  wire = wireTo(h);
  alice = await grantsFor(h, 'alice');
  bob = await grantsFor(h, 'bob');
});
after(async () => {
  wire.close();
  await h.close();
});

const noToken = 'no OAuth access token in the Authorization header';
const notBearerForm = 'Authorization header not of the form "Bearer <token>" or "Bearer: <token>"';
const sentTwice = 'Authorization header sent more than once';
const refusedToken = (kind: 'access' | 'wopi') =>
  new RegExp(
    `^(the ${kind} token is invalid \\(ERR_[A-Z_]+\\)|the ${kind} token's signature does not verify|the token uses an algorithm this host does not accept)$`,
  );

function assertDetail(reply: WireReply, detail: string | RegExp): void {
  const actual = reply.header('x-wopi-servererror');
  if (typeof detail === 'string') assert.equal(actual, detail);
  else assert.match(actual ?? '', detail);
}

/** A bootstrapper 401: the one challenge, the reason, and nothing else. */
function assertChallenged(reply: WireReply, detail: string | RegExp): void {
  assert.equal(reply.status, 401, reply.text);
  assert.deepEqual(reply.headers['www-authenticate'], [expectedChallenge(h.origin)]);
  assertDetail(reply, detail);
  assert.equal(reply.body.length, 0);
}

/** A WOPI endpoint's refusal: no challenge (only the bootstrapper sends one), the reason, no body. */
function assertRefused(reply: WireReply, status: 401 | 404, detail: string | RegExp): void {
  assert.equal(reply.status, status, `${reply.header('x-wopi-servererror')}`);
  assert.equal(reply.headers['www-authenticate'], undefined);
  assertDetail(reply, detail);
  assert.equal(reply.body.length, 0);
}

type Header = string | string[] | undefined;
type AuthCase = { kind: 'valid' | 'missing' | 'malformed' | 'several' | 'bad-token'; header: Header };

/** Authorization headers of every shape, each labelled with what it is, around one real token. */
function authorizationCases(token: string): fc.Arbitrary<AuthCase> {
  const bearer = fc.tuple(caseVariant('bearer'), fc.boolean()).map(([scheme, colon]) => scheme + (colon ? ':' : ''));
  const valid = fc
    .tuple(httpWhitespace(0), bearer, httpWhitespace(1), httpWhitespace(0))
    .map(([a, scheme, b, c]) => `${a}${scheme}${b}${token}${c}`);
  const badToken = fc
    .oneof(
      opaqueToken(200),
      fc.integer({ min: 1000, max: 14_000 }).map((n) => 'eyJ'.padEnd(n, 'A')),
    )
    .filter((t) => t !== token);
  return fc.oneof(
    valid.map((header) => ({ kind: 'valid' as const, header })),
    fc
      .oneof(
        fc.constant(undefined),
        httpWhitespace(0),
        fc.tuple(httpWhitespace(0), bearer, httpWhitespace(0)).map(([a, s, b]) => a + s + b),
      )
      .map((header) => ({ kind: 'missing' as const, header })),
    fc
      .oneof(
        fc.tuple(otherScheme, opaqueToken()).map(([scheme, t]) => `${scheme} ${t}`),
        fc.tuple(otherScheme, fc.constant(token)).map(([scheme, t]) => `${scheme} ${t}`),
        bearer.map((scheme) => `${scheme}${token}`),
        fc.tuple(bearer, opaqueToken()).map(([scheme, extra]) => `${scheme} ${token} ${extra}`),
        // 0xA0 (no-break space) is whitespace to a JavaScript regex but not to HTTP.
        bearer.map((scheme) => `${scheme}\u00a0${token}`),
      )
      .map((header) => ({ kind: 'malformed' as const, header })),
    fc
      .array(fc.oneof(valid, fc.constant(`Bearer ${token}`), opaqueToken(40)), { minLength: 2, maxLength: 3 })
      .map((header) => ({ kind: 'several' as const, header })),
    fc.tuple(bearer, httpWhitespace(1), badToken).map(([scheme, ws, t]) => ({ kind: 'bad-token' as const, header: `${scheme}${ws}${t}` })),
  );
}

describe('Authorization headers', () => {
  test('on the bootstrapper (GET, POST, both shortcut operations): the exact answer for each', async (t) => {
    const operations = [
      { method: 'GET', headers: {}, keys: ['Bootstrap'] },
      { method: 'POST', headers: {}, keys: ['Bootstrap'] },
      { method: 'POST', headers: { 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' }, keys: ['Bootstrap', 'RootContainerInfo'] },
      {
        method: 'POST',
        headers: { 'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN', 'x-wopi-wopisrc': `${h.origin}/wopi/files/${alice.files[0]!.id}` },
        keys: ['Bootstrap', 'AccessTokenInfo'],
      },
    ];
    await checkAsync(t, [authorizationCases(alice.access), fc.constantFrom(...operations)], async (auth, operation) => {
      const reply = await wire.wopi(operation.method, '/wopibootstrapper', {
        headers: { ...operation.headers, authorization: auth.header },
      });
      switch (auth.kind) {
        case 'valid':
          assert.equal(reply.status, 200, reply.header('x-wopi-servererror'));
          assert.deepEqual(Object.keys(reply.json()), operation.keys);
          assert.equal(reply.json().Bootstrap.UserId, 'alice');
          return;
        case 'missing':
          return assertChallenged(reply, noToken);
        case 'malformed':
          return assertChallenged(reply, notBearerForm);
        case 'several':
          return assertChallenged(reply, sentTwice);
        case 'bad-token':
          return assertChallenged(reply, refusedToken('access'));
      }
    });
  });

  test('on CheckFileInfo, GetFile and CheckContainerInfo (token in the header only): the exact answer for each', async (t) => {
    const file = alice.files[0]!;
    const endpoints = [
      { path: `/wopi/files/${file.id}`, token: file.token, check: (r: WireReply) => assert.equal(r.json().BaseFileName, file.name) },
      { path: `/wopi/files/${file.id}/contents`, token: file.token, check: (r: WireReply) => assert.equal(r.body.length, file.size) },
      {
        path: `/wopi/containers/${alice.rootId}`,
        token: alice.rootToken,
        check: (r: WireReply) => assert.equal(r.json().Name, 'Documents'),
      },
    ];
    await checkAsync(
      t,
      [fc.constantFrom(...endpoints).chain((e) => fc.tuple(fc.constant(e), authorizationCases(e.token)))],
      async ([endpoint, auth]) => {
        const reply = await wire.wopi('GET', endpoint.path, { headers: { authorization: auth.header } });
        if (auth.kind === 'valid') {
          assert.equal(reply.status, 200, reply.header('x-wopi-servererror'));
          return endpoint.check(reply);
        }
        if (auth.kind === 'bad-token') return assertRefused(reply, 401, refusedToken('wopi'));
        // Anything that is not one Bearer token is no token at all to a WOPI endpoint.
        assertRefused(reply, 401, 'no WOPI access token (?access_token=)');
      },
    );
  });

  test('a header over the 16 KiB limit is a bare 431 and the host goes on serving', async () => {
    const reply = await wire.wopi('GET', '/wopibootstrapper', { headers: { authorization: `Bearer ${'A'.repeat(17_000)}` } });
    assert.equal(reply.status, 431);
    assert.equal(reply.body.length, 0);
    assert.equal((await wire.wopi('GET', '/wopibootstrapper', { headers: { authorization: `Bearer ${alice.access}` } })).status, 200);
  });
});

type Kind = 'access' | 'refresh' | 'code' | 'wopi';
interface PoolToken {
  label: string;
  token: string;
  kind: Kind;
  userId: string;
  /** A WOPI token's scope. */
  scope?: string;
  /** How it was damaged, if it was. */
  damage?: 'algorithm' | 'signature' | 'truncated';
}

interface Endpoint {
  name: string;
  family: 'bootstrapper' | 'wopi';
  request(token: string, transport: 'query' | 'Bearer' | 'Bearer:'): { method: string; path: string; headers: Record<string, string> };
  /** For WOPI endpoints: the resource the path names, or the ecosystem. */
  resource?: { kind: 'file' | 'container'; id: string; ownerId: string } | 'ecosystem';
  /** For GetNewAccessToken: whose resource the WopiSrc names. */
  wopiSrcOwner?: { kind: 'file' | 'container'; id: string; ownerId: string };
  /** What a 200 must carry, for the user the token belongs to. */
  check(reply: WireReply, userId: string): void;
}

/** The answer the spec and the scoping rules give for this token on this endpoint. */
function expectedOutcome(endpoint: Endpoint, token: PoolToken): { status: 200 } | { status: 401 | 404; detail: string | RegExp } {
  const wanted = endpoint.family === 'bootstrapper' ? 'access' : 'wopi';
  if (token.damage === 'algorithm') return { status: 401, detail: 'the token uses an algorithm this host does not accept' };
  if (token.damage === 'signature') return { status: 401, detail: `the ${wanted} token's signature does not verify` };
  if (token.damage === 'truncated') return { status: 401, detail: refusedToken(wanted) };
  if (token.kind !== wanted) return { status: 401, detail: `not ${wanted === 'access' ? 'an' : 'a'} ${wanted} token` };
  if (endpoint.family === 'bootstrapper') {
    const target = endpoint.wopiSrcOwner;
    if (target && target.ownerId !== token.userId)
      return { status: 404, detail: `no ${target.kind} ${target.id} that user ${token.userId} can access` };
    return { status: 200 };
  }
  const resource = endpoint.resource!;
  if (resource === 'ecosystem')
    return token.scope === 'ecosystem'
      ? { status: 200 }
      : { status: 401, detail: `the access token is for ${token.scope}, not the ecosystem` };
  // Another user's resource is a 404 whatever the token's scope: ids cannot be probed.
  if (resource.ownerId !== token.userId)
    return { status: 404, detail: `no ${resource.kind} ${resource.id} that user ${token.userId} can access` };
  return token.scope === `${resource.kind}:${resource.id}`
    ? { status: 200 }
    : { status: 401, detail: `the access token is for ${token.scope}, not ${resource.kind}:${resource.id}` };
}

describe('tokens of every kind, scope and user, genuine and forged, on every endpoint', () => {
  let pool: PoolToken[];
  let endpoints: Endpoint[];
  before(async () => {
    const genuine: PoolToken[] = [];
    for (const g of [alice, bob]) {
      genuine.push(
        { label: `${g.userId} access`, token: g.access, kind: 'access', userId: g.userId },
        { label: `${g.userId} refresh`, token: g.refresh, kind: 'refresh', userId: g.userId },
        { label: `${g.userId} code`, token: g.code, kind: 'code', userId: g.userId },
        { label: `${g.userId} ecosystem`, token: g.ecosystem, kind: 'wopi', userId: g.userId, scope: 'ecosystem' },
        { label: `${g.userId} root`, token: g.rootToken, kind: 'wopi', userId: g.userId, scope: `container:${g.rootId}` },
        ...g.files.map((f) => ({
          label: `${g.userId} ${f.name}`,
          token: f.token,
          kind: 'wopi' as const,
          userId: g.userId,
          scope: `file:${f.id}`,
        })),
      );
    }
    const forged: PoolToken[] = [];
    for (const base of genuine) {
      const as = (damage: PoolToken['damage'], label: string, token: string): PoolToken => ({
        ...base,
        label: `${base.label}, ${label}`,
        token,
        damage,
      });
      forged.push(
        as('algorithm', 'alg none', tampering.algNone(base.token)),
        as('algorithm', 'alg HS512', tampering.otherAlgorithm(base.token, 'HS512')),
        as('algorithm', 'alg RS256', tampering.otherAlgorithm(base.token, 'RS256')),
        as('signature', 're-signed with another key', await tampering.resigned(base.token)),
        as('signature', 'sub changed to the other user', tampering.withClaim(base.token, 'sub', base.userId === 'alice' ? 'bob' : 'alice')),
        as('signature', 'exp pushed a year on', tampering.withClaim(base.token, 'exp', Math.floor(h.now() / 1000) + 366 * 86400)),
        as(
          'signature',
          'scope widened',
          tampering.withClaim(
            base.token,
            'res',
            base.scope === `file:${bob.files[0]!.id}` ? `container:${bob.rootId}` : `file:${bob.files[0]!.id}`,
          ),
        ),
        as(
          'signature',
          'typ claims another kind',
          tampering.withType(base.token, base.kind === 'access' ? 'wopi-mock-wopi+jwt' : 'wopi-mock-access+jwt'),
        ),
      );
    }
    // A forgery that came out byte-identical to the genuine token would be mislabelled.
    pool = [...genuine, ...forged.filter((f) => !genuine.some((g) => g.token === f.token))];
    const file = alice.files[0]!;
    const aliceFile = { kind: 'file' as const, id: file.id, ownerId: 'alice' };
    const aliceRoot = { kind: 'container' as const, id: alice.rootId, ownerId: 'alice' };
    const bobFile = { kind: 'file' as const, id: bob.files[1]!.id, ownerId: 'bob' };
    const wopiRequest =
      (path: string) =>
      (token: string, transport: 'query' | 'Bearer' | 'Bearer:'): { method: string; path: string; headers: Record<string, string> } =>
        transport === 'query'
          ? { method: 'GET', path: `${path}?access_token=${encodeURIComponent(token)}`, headers: {} }
          : { method: 'GET', path, headers: { authorization: `${transport} ${token}` } };
    const gnat = (target: { kind: 'file' | 'container'; id: string }) => (token: string) => ({
      method: 'POST',
      path: '/wopibootstrapper',
      headers: {
        authorization: `Bearer ${token}`,
        'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN',
        'x-wopi-wopisrc': `${h.origin}/wopi/${target.kind}s/${target.id}`,
      },
    });
    endpoints = [
      {
        name: 'Bootstrap',
        family: 'bootstrapper',
        request: (token) => ({ method: 'GET', path: '/wopibootstrapper', headers: { authorization: `Bearer ${token}` } }),
        check: (r, u) => assert.equal(r.json().Bootstrap.UserId, u),
      },
      {
        name: 'GetRootContainer',
        family: 'bootstrapper',
        request: (token) => ({
          method: 'POST',
          path: '/wopibootstrapper',
          headers: { authorization: `Bearer ${token}`, 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' },
        }),
        check: (r, u) =>
          assert.equal(
            new URL(r.json().RootContainerInfo.ContainerPointer.Url).pathname,
            `/wopi/containers/${(u === 'alice' ? alice : bob).rootId}`,
          ),
      },
      {
        name: "GetNewAccessToken for alice's file",
        family: 'bootstrapper',
        wopiSrcOwner: aliceFile,
        request: gnat(aliceFile),
        check: (r) => assert.equal(typeof r.json().AccessTokenInfo.AccessToken, 'string'),
      },
      {
        name: "GetNewAccessToken for bob's file",
        family: 'bootstrapper',
        wopiSrcOwner: bobFile,
        request: gnat(bobFile),
        check: (r) => assert.equal(typeof r.json().AccessTokenInfo.AccessToken, 'string'),
      },
      {
        name: 'CheckEcosystem',
        family: 'wopi',
        resource: 'ecosystem',
        request: wopiRequest('/wopi/ecosystem'),
        check: (r) => assert.equal(r.json().SupportsContainers, true),
      },
      {
        name: 'CheckFileInfo',
        family: 'wopi',
        resource: aliceFile,
        request: wopiRequest(`/wopi/files/${file.id}`),
        check: (r) => assert.deepEqual([r.json().BaseFileName, r.json().OwnerId, r.json().UserId], [file.name, 'alice', 'alice']),
      },
      {
        name: 'GetFile',
        family: 'wopi',
        resource: aliceFile,
        request: wopiRequest(`/wopi/files/${file.id}/contents`),
        check: (r) => assert.equal(r.body.length, file.size),
      },
      {
        name: "CheckFileInfo on bob's file",
        family: 'wopi',
        resource: bobFile,
        request: wopiRequest(`/wopi/files/${bobFile.id}`),
        check: (r) => assert.equal(r.json().OwnerId, 'bob'),
      },
      {
        name: 'CheckContainerInfo',
        family: 'wopi',
        resource: aliceRoot,
        request: wopiRequest(`/wopi/containers/${alice.rootId}`),
        check: (r) => assert.equal(r.json().Name, 'Documents'),
      },
      {
        name: 'EnumerateChildren',
        family: 'wopi',
        resource: aliceRoot,
        request: wopiRequest(`/wopi/containers/${alice.rootId}/children`),
        check: (r) =>
          assert.deepEqual(
            r.json().ChildFiles.map((f: { Name: string }) => f.Name),
            alice.files.map((f) => f.name),
          ),
      },
    ];
  });

  test('each token on each endpoint, in the query or either Bearer form', async (t) => {
    const truncated = fc.tuple(fc.nat(), fc.nat()).map(([i, cut]) => {
      const base = pool[i % pool.length]!;
      return {
        ...base,
        label: `${base.label}, truncated`,
        token: tampering.truncated(base.token, cut % base.token.length),
        damage: 'truncated' as const,
      };
    });
    const token = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: truncated });
    await checkAsync(
      t,
      [fc.constantFrom(...endpoints), token, fc.constantFrom('query' as const, 'Bearer' as const, 'Bearer:' as const)],
      async (endpoint, candidate, transport) => {
        const { method, path, headers } = endpoint.request(candidate.token, transport);
        const reply = await wire.wopi(method, path, { headers });
        const expected = expectedOutcome(endpoint, candidate);
        const context = `${candidate.label} on ${endpoint.name}: ${reply.status} ${reply.header('x-wopi-servererror')}`;
        if (expected.status === 200) {
          assert.equal(reply.status, 200, context);
          return endpoint.check(reply, candidate.userId);
        }
        if (endpoint.family === 'bootstrapper' && expected.status === 401) return assertChallenged(reply, expected.detail);
        assert.equal(reply.status, expected.status, context);
        assertRefused(reply, expected.status, expected.detail);
      },
      { weight: 3 },
    );
  });
});

describe('expiry, with the clock frozen', () => {
  test('OAuth and WOPI tokens work until exp and not one millisecond longer', async (t) => {
    const clock = await startHarness();
    const clockWire = wireTo(clock);
    try {
      const defaults = (await clockWire.admin('GET', '/api/config')).json();
      const offset = fc.oneof(fc.constantFrom(-1, 0, 1), fc.integer({ min: -5000, max: 5000 }));
      await checkAsync(
        t,
        [fc.constantFrom('access' as const, 'wopi' as const), fc.integer({ min: 6, max: 86_400 }), offset],
        async (kind, ttl, delta) => {
          const config = structuredClone(defaults);
          config.tokenTtlSeconds[kind === 'access' ? 'oauthAccessToken' : 'wopiAccessToken'] = ttl;
          assert.equal((await clockWire.admin('PUT', '/api/config', { body: JSON.stringify(config) })).status, 200);
          const { access_token } = await clock.signIn('alice');
          const issuedAt = Math.floor(clock.now() / 1000);
          const boot = await clockWire.wopi('GET', '/wopibootstrapper', { headers: { authorization: `Bearer ${access_token}` } });
          const ecosystem = new URL(boot.json().Bootstrap.EcosystemUrl);
          // Tokens carry whole seconds: exp = the second it was issued in, plus the lifetime.
          const expiresAtMs = (issuedAt + ttl) * 1000;
          clock.advance(expiresAtMs + delta - clock.now());
          const reply =
            kind === 'access'
              ? await clockWire.wopi('GET', '/wopibootstrapper', { headers: { authorization: `Bearer ${access_token}` } })
              : await clockWire.wopi('GET', ecosystem.pathname + ecosystem.search);
          if (delta < 0) return assert.equal(reply.status, 200, `${kind} token ${-delta} ms before expiry`);
          if (kind === 'access') assertChallengedAt(reply, clock.origin, 'the access token expired');
          else assert.deepEqual([reply.status, reply.header('x-wopi-servererror')], [401, 'the wopi token expired']);
        },
        {
          weight: 0.5,
          examples: [
            ['access', 60, 0],
            ['access', 60, -1],
            ['wopi', 60, 0],
            ['wopi', 60, -1],
            ['wopi', 60, 1],
          ],
        },
      );
    } finally {
      clockWire.close();
      await clock.close();
    }
  });
});

function assertChallengedAt(reply: WireReply, origin: string, detail: string): void {
  assert.equal(reply.status, 401);
  assert.deepEqual(reply.headers['www-authenticate'], [expectedChallenge(origin)]);
  assert.equal(reply.header('x-wopi-servererror'), detail);
}
