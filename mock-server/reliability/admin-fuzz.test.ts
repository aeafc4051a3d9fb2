import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { startHarness, type Harness } from '../../test-support/host-fixture.js';
import { operationNames } from '../protocol/operations.js';
import { anyJson, notJson } from '../../test-support/arbitraries.js';
import { checkAsync } from '../../test-support/fuzz.js';
import { wireTo, type Wire, type WireReply } from '../../test-support/wire.js';

/**
 * The admin API's documents and bodies under generated input. A document is either refused
 * with `400 {"errors": [{path, message}]}` and nothing changes (memory and state.json), or
 * accepted and then it is what GET returns, what state.json holds, and a valid config.
 */

let h: Harness;
let wire: Wire;
let defaults: any;
before(async () => {
  h = await startHarness();
  wire = wireTo(h);
  defaults = (await wire.admin('GET', '/api/config')).json();
});
after(async () => {
  wire.close();
  await h.close();
});

const stateFile = () => path.join(h.dataDir, 'state.json');
const put = (document: unknown) => wire.admin('PUT', '/api/config', { body: JSON.stringify(document) });

function assertErrors(reply: WireReply, status: number): void {
  assert.equal(reply.status, status, reply.text);
  let body;
  try {
    body = reply.json();
  } catch {
    assert.fail(`a ${reply.status} whose body is not JSON: ${JSON.stringify(reply.text.slice(0, 200))} ${JSON.stringify(reply.headers)}`);
  }
  assert.deepEqual(Object.keys(body), ['errors']);
  assert.ok(Array.isArray(body.errors) && body.errors.length > 0);
  for (const error of body.errors) {
    assert.deepEqual(Object.keys(error), ['path', 'message']);
    assert.match(error.path, /^\$/);
    assert.ok(typeof error.message === 'string' && error.message.length > 0);
  }
}

const forbiddenInIds = /[\\/:*?"<>|#{}^[\]`%]/;

/** The documented rules of a stored config, checked without the engine's own schema. */
function assertValidConfig(config: any): void {
  assert.equal(typeof config.providerId, 'string');
  assert.ok(config.providerId.length <= 128);
  for (const platform of ['iOS', 'Android', 'UWP'])
    assert.ok(
      Array.isArray(config.urlSchemes[platform]) &&
        config.urlSchemes[platform].every((s: unknown) => typeof s === 'string' && s !== '' && !/\s/.test(s)),
    );
  const ttl = config.tokenTtlSeconds;
  for (const [name, max] of [
    ['authorizationCode', 3600],
    ['oauthAccessToken', 366 * 86400],
    ['refreshToken', 10 * 366 * 86400],
    ['wopiAccessToken', 366 * 86400],
  ] as const) {
    assert.ok(Number.isInteger(ttl[name]) && ttl[name] >= 1 && ttl[name] <= max, `${name} ${ttl[name]}`);
  }
  assert.ok(typeof config.oauth.clientId === 'string' && config.oauth.clientId !== '');
  assert.ok(typeof config.oauth.clientSecret === 'string' && config.oauth.clientSecret !== '');
  assert.ok(config.oauth.redirectUris.every((u: string) => URL.canParse(u)));
  const ids = config.users.map((u: any) => u.id);
  assert.equal(new Set(ids).size, ids.length, 'user ids are unique');
  for (const user of config.users) {
    assert.ok(
      typeof user.id === 'string' &&
        user.id.length >= 1 &&
        user.id.length <= 64 &&
        !forbiddenInIds.test(user.id) &&
        user.id.trim() === user.id,
      user.id,
    );
    assert.ok(typeof user.signInName === 'string' && user.signInName !== '');
    assert.equal(typeof user.friendlyName, 'string');
  }
  const faultIds = config.faults.map((f: any) => f.id);
  assert.equal(new Set(faultIds).size, faultIds.length, 'fault ids are unique');
  for (const fault of config.faults) assertValidRule(fault);
  assert.ok(['bootstrap', 'notImplemented'].includes(config.compatibility.unknownEcosystemOperation));
}

function assertValidRule(rule: any): void {
  assert.ok(rule.operation === '*' || operationNames.includes(rule.operation), rule.operation);
  assert.ok(typeof rule.id === 'string' && rule.id.length >= 1 && rule.id.length <= 64);
  assert.ok(rule.status !== undefined || rule.delayMs !== undefined || rule.dropConnection === true);
  if (rule.status !== undefined) assert.ok(Number.isInteger(rule.status) && rule.status >= 200 && rule.status <= 599);
  if (rule.delayMs !== undefined) assert.ok(Number.isInteger(rule.delayMs) && rule.delayMs >= 0 && rule.delayMs <= 300_000);
  assert.ok(!(rule.dropConnection === true && rule.status !== undefined));
}

/** What the host holds now, in memory and on disk. */
async function snapshot(): Promise<{ config: unknown; file: string }> {
  await h.engine.store.flush();
  return { config: (await wire.admin('GET', '/api/config')).json(), file: await readFile(stateFile(), 'utf8') };
}

const safeId = fc.stringMatching(/^[A-Za-z0-9_.@ -]{1,20}$/).filter((s) => s.trim() === s);
const validRule = fc.record(
  {
    operation: fc.constantFrom('*', ...operationNames),
    status: fc.integer({ min: 200, max: 599 }),
    delayMs: fc.integer({ min: 0, max: 300_000 }),
    userId: safeId,
    method: fc.constantFrom('GET', 'POST', 'PUT'),
    remaining: fc.integer({ min: 1, max: 1_000_000 }),
  },
  { requiredKeys: ['operation', 'status'] },
);
/** Configs that satisfy every documented rule, so acceptance is exercised as often as refusal. */
const validConfig = fc.record(
  {
    providerId: fc.stringMatching(/^[A-Za-z0-9]{0,30}$/),
    tokenTtlSeconds: fc.record(
      {
        authorizationCode: fc.integer({ min: 1, max: 3600 }),
        oauthAccessToken: fc.integer({ min: 1, max: 86400 }),
        refreshToken: fc.integer({ min: 1, max: 86400 * 30 }),
        wopiAccessToken: fc.integer({ min: 1, max: 86400 }),
      },
      { requiredKeys: [] },
    ),
    users: fc.uniqueArray(fc.record({ id: safeId, signInName: fc.emailAddress(), friendlyName: fc.string({ maxLength: 20 }) }), {
      selector: (u) => u.id,
      maxLength: 5,
    }),
    faults: fc.array(validRule, { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

/** The defaults with one value somewhere replaced by arbitrary JSON: near misses of a valid config. */
const paths: Array<Array<string | number>> = [
  ['providerId'],
  ['urlSchemes'],
  ['urlSchemes', 'iOS'],
  ['urlSchemes', 'Android', 0],
  ['tokenTtlSeconds', 'wopiAccessToken'],
  ['tokenTtlSeconds'],
  ['oauth', 'clientSecret'],
  ['oauth', 'redirectUris'],
  ['oauth', 'redirectUris', 0],
  ['users'],
  ['users', 0],
  ['users', 0, 'id'],
  ['users', 1, 'friendlyName'],
  ['faults'],
  ['faults', 0],
  ['faults', 0, 'status'],
  ['compatibility', 'unknownEcosystemOperation'],
  ['surprise'],
];
const nearMiss = fc.tuple(fc.constantFrom(...paths), anyJson).map(([where, value]) => {
  const document = structuredClone(defaults);
  let node = document;
  where.slice(0, -1).forEach((key, i) => {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = typeof where[i + 1] === 'number' ? [] : {};
    node = node[key];
  });
  node[where.at(-1)!] = value;
  return document;
});

describe('PUT /api/config', () => {
  test('generated documents: refused and nothing changes, or stored, returned and valid', async (t) => {
    await checkAsync(
      t,
      [fc.oneof({ weight: 3, arbitrary: validConfig }, { weight: 3, arbitrary: nearMiss }, { weight: 1, arbitrary: anyJson })],
      async (document) => {
        const before = await snapshot();
        const reply = await put(document);
        if (reply.status === 400) {
          assertErrors(reply, 400);
          assert.deepEqual(await snapshot(), before, 'a refused document changed nothing, in memory or on disk');
          return;
        }
        assert.equal(reply.status, 200, reply.text);
        const { config, warnings } = reply.json();
        assertValidConfig(config);
        assert.ok(Array.isArray(warnings));
        const after = await snapshot();
        assert.deepEqual(after.config, config);
        assert.deepEqual(JSON.parse(after.file).config, config);
        // What the document said is what was stored; the rest took its default.
        for (const [key, value] of Object.entries(JSON.parse(JSON.stringify(document)) as object)) {
          if (key === 'faults')
            assert.deepEqual(
              config.faults.map(({ id: _id, ...rule }: any) => rule),
              value,
            );
          else if (key === 'tokenTtlSeconds' || key === 'oauth' || key === 'urlSchemes' || key === 'compatibility')
            assert.deepEqual(config[key], { ...config[key], ...(value as object) });
          else if (key === 'users')
            assert.deepEqual(
              config.users,
              (value as any[]).map((u) => ({ friendlyName: '', ...u })),
            );
          else assert.deepEqual(config[key], value);
        }
      },
      { examples: [[{}], [{ users: [] }]] },
    );
    assert.equal((await put(defaults)).status, 200);
  });

  test('bodies that are not a JSON document: the exact refusal, and nothing changes', async (t) => {
    const body = fc.oneof(
      notJson.map((text) => ({ text, type: 'application/json', status: 400, message: /^the body is not valid JSON: / })),
      fc.constantFrom(
        { text: '', type: 'application/json', status: 400, message: /^the body is empty; send a JSON document/ },
        {
          text: '{}',
          type: 'text/plain',
          status: 415,
          message: /^send the document as JSON with Content-Type: application\/json, not "text\/plain"$/,
        },
        {
          text: 'providerId=x',
          type: 'application/x-www-form-urlencoded',
          status: 415,
          message: /^send the document as JSON with Content-Type: application\/json/,
        },
        { text: '{}', type: 'application/json; charset=latin9', status: 415, message: /^unsupported charset "LATIN9"$/ },
      ),
      fc.integer({ min: 1_048_577, max: 1_300_000 }).map((n) => ({
        text: JSON.stringify({ providerId: 'x'.repeat(n) }),
        type: 'application/json',
        status: 413,
        message: /^the body is larger than 1 MB$/,
      })),
    );
    await checkAsync(
      t,
      [body, fc.constantFrom('PUT /api/config', 'POST /api/faults')],
      async (b, endpoint) => {
        const [method, url] = endpoint.split(' ') as [string, string];
        const before = await snapshot();
        const reply = await wire.admin(method, url, { headers: { 'content-type': b.type }, body: b.text });
        assertErrors(reply, b.status);
        assert.match(reply.json().errors[0].message, b.message);
        assert.deepEqual(await snapshot(), before);
      },
      { weight: 0.5 },
    );
  });
});

describe('POST /api/faults', () => {
  const field = <T>(valid: fc.Arbitrary<T>) =>
    fc.oneof(
      { weight: 4, arbitrary: valid.map((v) => ({ v, ok: true })) },
      { weight: 1, arbitrary: anyJson.map((v) => ({ v, ok: false })) },
    );
  const bodyAction = fc.oneof(
    fc.record({ kind: fc.constant('stall'), ms: fc.integer({ min: 1, max: 300_000 }) }, { noNullPrototype: true }),
    fc.record({ kind: fc.constant('dribble'), bytesPerSecond: fc.integer({ min: 1, max: 100 * 1024 ** 2 }) }, { noNullPrototype: true }),
    fc.record({ kind: fc.constant('truncate'), cutBytes: fc.integer({ min: 1, max: 4 * 1024 ** 3 }) }, { noNullPrototype: true }),
    fc.record({ kind: fc.constant('reset'), afterBytes: fc.integer({ min: 0, max: 4 * 1024 ** 3 }) }, { noNullPrototype: true }),
    fc.constant({ kind: 'malformedJson' }),
    fc.record(
      { kind: fc.constant('contentType'), value: fc.stringMatching(/^[a-z]{1,10}\/[a-z0-9.+-]{1,20}$/) },
      { noNullPrototype: true },
    ),
    fc.constant({ kind: 'empty200' }),
  );
  /** Body actions one step off the documented shape: a bound crossed, a field missing or extra, an unknown kind. */
  const nearMissBodyAction = fc.oneof(
    fc.record({ kind: fc.constant('stall'), ms: fc.constantFrom(0, -1, 300_001, 1.5, '10') }, { noNullPrototype: true }),
    fc.record({ kind: fc.constant('truncate'), cutBytes: fc.constantFrom(0, 4 * 1024 ** 3 + 1) }, { noNullPrototype: true }),
    fc.record({ kind: fc.constant('reset'), afterBytes: fc.constant(-1) }, { noNullPrototype: true }),
    fc.record({ kind: fc.constant('dribble') }, { noNullPrototype: true }),
    fc.record(
      { kind: fc.constant('contentType'), value: fc.constantFrom('', ' ', 'text/html\r\nX-Evil: 1', 'x'.repeat(257)) },
      { noNullPrototype: true },
    ),
    fc.record({ kind: fc.constant('empty200'), extra: fc.integer() }, { noNullPrototype: true }),
    fc.record({ kind: fc.constantFrom('shred', 'Truncate', '') }, { noNullPrototype: true }),
  );
  const ruleCase = fc.record(
    {
      // "*" half the time, so rules with exceptOperations are accepted often enough to matter.
      operation: field(fc.oneof(fc.constant('*'), fc.constantFrom(...operationNames))),
      exceptOperations: field(fc.array(fc.constantFrom(...operationNames), { maxLength: 3 })),
      status: field(fc.integer({ min: 200, max: 599 })),
      retryAfter: field(fc.oneof(fc.integer({ min: 0, max: 31_536_000 }), fc.constant('Wed, 21 Oct 2026 07:28:00 GMT'))),
      phase: field(fc.constantFrom('before', 'after', 'mutate')),
      probability: field(fc.double({ min: 0.001, max: 1, noNaN: true })),
      seed: field(fc.integer({ min: 0, max: 0xffff_ffff })),
      delayMs: field(fc.integer({ min: 0, max: 300_000 })),
      dropConnection: field(fc.boolean()),
      userId: field(fc.oneof(fc.constantFrom('alice', 'bob'), safeId)),
      method: field(fc.constantFrom('GET', 'POST', 'DELETE')),
      remaining: field(fc.integer({ min: 1, max: 1_000_000 })),
      id: field(fc.stringMatching(/^[a-z0-9-]{1,20}$/)),
      body: fc.oneof(
        { weight: 4, arbitrary: bodyAction.map((v) => ({ v, ok: true })) },
        { weight: 1, arbitrary: nearMissBodyAction.map((v) => ({ v, ok: false })) },
        { weight: 1, arbitrary: anyJson.map((v) => ({ v, ok: false })) },
      ),
      surprise: field(fc.constant(undefined)).map(({ v }) => ({ v, ok: false })),
    },
    { requiredKeys: [] },
  );

  /** The documented rule constraints, decided without the engine's schema; null when valid. */
  function problem(fields: Record<string, { v: unknown; ok: boolean }>, existingIds: Set<string>): string | null {
    const rule = Object.fromEntries(Object.entries(fields).map(([k, { v }]) => [k, v]));
    const bad = Object.entries(fields).find(([name, f]) => !f.ok && !isAlsoValid(name, f.v));
    if (bad) return bad[0];
    if (rule['operation'] === undefined) return 'operation';
    if (rule['status'] === undefined && rule['delayMs'] === undefined && rule['dropConnection'] !== true && rule['body'] === undefined)
      return 'no action';
    if (rule['dropConnection'] === true && rule['body'] !== undefined) return 'drop with body';
    if ((rule['body'] as { kind?: unknown } | undefined)?.kind === 'empty200' && rule['status'] !== undefined)
      return 'empty200 with status';
    if (rule['body'] !== undefined && rule['phase'] !== undefined && rule['phase'] !== 'before') return 'body with phase after or mutate';
    if (rule['dropConnection'] === true && rule['status'] !== undefined) return 'drop with status';
    if (rule['retryAfter'] !== undefined && rule['status'] === undefined) return 'retryAfter without status';
    if (rule['exceptOperations'] !== undefined && rule['operation'] !== '*') return 'exceptOperations without "*"';
    if (rule['seed'] !== undefined && rule['probability'] === undefined) return 'seed without probability';
    if (rule['phase'] === 'mutate') return 'mutate (not available yet)';
    if (rule['phase'] === 'after' && rule['status'] === undefined && rule['dropConnection'] !== true) return 'after without an answer';
    if (typeof rule['id'] === 'string' && existingIds.has(rule['id'])) return 'duplicate id';
    return null;
  }
  function isBodyAction(v: unknown): boolean {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const { kind, ...fields } = v as Record<string, unknown>;
    const names = Object.keys(fields);
    const only = (name: string, valid: (value: unknown) => boolean) => names.length === 1 && names[0] === name && valid(fields[name]);
    const wholeIn = (min: number, max: number) => (value: unknown) =>
      Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
    switch (kind) {
      case 'stall':
        return only('ms', wholeIn(1, 300_000));
      case 'dribble':
        return only('bytesPerSecond', wholeIn(1, 100 * 1024 ** 2));
      case 'truncate':
        return only('cutBytes', wholeIn(1, 4 * 1024 ** 3));
      case 'reset':
        return only('afterBytes', wholeIn(0, 4 * 1024 ** 3));
      case 'contentType':
        return only('value', (value) => typeof value === 'string' && value.length <= 256 && /^[!-~](?:[\t -~]*[!-~])?$/.test(value));
      case 'malformedJson':
      case 'empty200':
        return names.length === 0;
      default:
        return false;
    }
  }
  /** Random JSON can land on a valid value by chance; judge it by the same rules. */
  function isAlsoValid(name: string, v: unknown): boolean {
    switch (name) {
      case 'operation':
        return v === '*' || operationNames.includes(v as never);
      case 'status':
        return Number.isInteger(v) && (v as number) >= 200 && (v as number) <= 599;
      case 'delayMs':
        return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 300_000;
      case 'dropConnection':
        return typeof v === 'boolean';
      case 'userId':
        return typeof v === 'string' && v.length >= 1;
      case 'method':
        return typeof v === 'string' && /^[A-Z]+$/.test(v);
      case 'remaining':
        return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 1_000_000;
      case 'id':
        return typeof v === 'string' && v.length >= 1 && v.length <= 64;
      case 'exceptOperations':
        return Array.isArray(v) && v.length <= 64 && v.every((o) => operationNames.includes(o as never));
      case 'retryAfter':
        return (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 31_536_000) || v === 'Wed, 21 Oct 2026 07:28:00 GMT';
      case 'phase':
        return v === 'before' || v === 'after' || v === 'mutate';
      case 'probability':
        return typeof v === 'number' && v > 0 && v <= 1;
      case 'seed':
        return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff_ffff;
      case 'body':
        return isBodyAction(v);
      default:
        return false;
    }
  }

  test('generated rules: 201 and stored as sent with an id and explanation, or 400 and the list unchanged', async (t) => {
    await wire.admin('DELETE', '/api/faults');
    await checkAsync(
      t,
      [ruleCase],
      async (fields) => {
        const rule = Object.fromEntries(
          Object.entries(fields)
            .filter(([, f]) => f.v !== undefined)
            .map(([k, { v }]) => [k, v]),
        );
        const before = (await wire.admin('GET', '/api/faults')).json().faults;
        const reply = await wire.admin('POST', '/api/faults', { body: JSON.stringify(rule) });
        const expectedProblem = problem(
          Object.fromEntries(Object.entries(fields).filter(([, f]) => f.v !== undefined)),
          new Set(before.map((f: { id: string }) => f.id)),
        );
        if (expectedProblem !== null) {
          assertErrors(reply, 400);
          assert.deepEqual((await wire.admin('GET', '/api/faults')).json().faults, before, expectedProblem);
          return;
        }
        assert.equal(reply.status, 201, `${JSON.stringify(rule)} → ${reply.text}`);
        const stored = reply.json();
        const { id, explanation, warnings, ...rest } = stored;
        const sent = Object.fromEntries(Object.entries(rule).filter(([k]) => k !== 'id'));
        // A chaos rule sent without a seed is given one, so its run can be replayed.
        if (sent['probability'] !== undefined && sent['seed'] === undefined) {
          assert.ok(Number.isInteger(rest.seed) && rest.seed >= 0 && rest.seed <= 0xffff_ffff, JSON.stringify(rest));
          sent['seed'] = rest.seed;
        }
        assert.deepEqual(rest, sent);
        if (rule['id'] !== undefined) assert.equal(id, rule['id']);
        else assert.match(id, /^f-[0-9a-f]{8}$/);
        assert.equal(reply.header('location'), `/api/faults/${encodeURIComponent(id)}`);
        assert.ok(typeof explanation === 'string' && explanation.length > 0);
        assert.deepEqual(
          warnings,
          typeof rule['userId'] === 'string' && !['alice', 'bob'].includes(rule['userId'])
            ? [{ path: '$.userId', message: `no mock user has id "${rule['userId']}" yet; the rule fires once one does` }]
            : [],
        );
        assertValidRule(stored);
        const listed = (await wire.admin('GET', '/api/faults')).json().faults;
        assert.deepEqual(listed, [...before, { ...rule, ...sent, id, explanation }]);
        // Keep the list short and the WOPI origin free of forced answers.
        assert.equal((await wire.admin('DELETE', `/api/faults/${encodeURIComponent(id)}`)).status, 204);
      },
      { weight: 2 },
    );
  });

  test('the 1001st rule is refused, so the saved state always loads again', async () => {
    const full = {
      ...defaults,
      faults: Array.from({ length: 1000 }, (_, i) => ({ id: `r${i}`, operation: 'Bootstrap', delayMs: 0, userId: 'nobody' })),
    };
    assert.equal((await put(full)).status, 200);
    const reply = await wire.admin('POST', '/api/faults', {
      body: JSON.stringify({ operation: 'Bootstrap', delayMs: 0, userId: 'nobody' }),
    });
    assertErrors(reply, 400);
    assert.deepEqual(reply.json().errors, [
      { path: '$', message: 'there are 1000 fault rules already, the most a config holds; remove some first' },
    ]);
    await h.engine.store.flush();
    const restarted = await startHarness({ dataDir: h.dataDir });
    try {
      assert.deepEqual(restarted.engine.startupWarnings, []);
      assert.equal(restarted.engine.store.config.faults.length, 1000);
    } finally {
      await restarted.close();
    }
    assert.equal((await put(defaults)).status, 200);
  });
});

describe('every admin route', () => {
  test('generated methods, paths and bodies with the token: a JSON answer, never a 5xx', async (t) => {
    const segment = fc.oneof(
      fc.constantFrom(
        'api',
        'API',
        'config',
        'faults',
        'users',
        'alice',
        'bob',
        'revoke',
        'tokens',
        'log',
        'har',
        'curl',
        '1',
        '0',
        'status',
        'challenge',
        'reset',
        'files',
        'containers',
        'content',
        'lock',
        'ca.crt',
        '..',
        '%2e%2e',
        '%00',
        '%ZZ',
        '',
      ),
      fc.string({ maxLength: 8 }).map(encodeURIComponent),
    );
    const route = fc
      .array(segment, { minLength: 1, maxLength: 5 })
      .map((s) => '/api/' + s.join('/'))
      .filter((p) => !/stream/i.test(p));
    const query = fc.constantFrom(
      '',
      '?after=1',
      '?limit=0',
      '?limit=-1',
      '?after=x',
      '?name=a.docx',
      '?name=',
      '?overwrite=maybe',
      '?after=1&after=2',
    );
    const body = fc.option(
      fc.oneof(
        anyJson.map((v) => JSON.stringify(v)),
        notJson,
      ),
      { nil: undefined },
    );
    await checkAsync(
      t,
      [fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'), route, query, body],
      async (method, url, q, payload) => {
        const reply = await wire.admin(
          method,
          url + q,
          payload === undefined ? {} : { body: payload.length > 100_000 ? payload.slice(0, 100_000) : payload },
        );
        assert.ok(reply.status < 500, `${method} ${url}${q} → ${reply.status} ${reply.text.slice(0, 200)}`);
        assert.equal(Object.keys(reply.headers).filter((n) => n.startsWith('access-control-')).length, 0);
        if (reply.status >= 400 && method !== 'HEAD') assertErrors(reply, reply.status);
      },
      { weight: 2 },
    );
    // Whatever ran above, the host still answers and its state still loads.
    assert.equal((await put(defaults)).status, 200);
  });
});
