import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeJwt } from 'jose';
import { startHarness, type Harness } from '../../test-support/host-fixture.js';
import { anyJson, caseVariant, opaqueToken } from '../../test-support/arbitraries.js';
import { checkAsync } from '../../test-support/fuzz.js';
import { wireTo, type Wire } from '../../test-support/wire.js';

/**
 * The sign-in page and the token endpoint under generated parameters: missing, repeated,
 * oversized, redirect URIs that differ by case, slash or scheme, client authentication both
 * ways and both at once, and bodies that are not forms. Each case is checked against the answer
 * RFC 6749 and the host's rules give, down to the error code and description.
 */

let h: Harness;
let wire: Wire;
const registered = ['https://localhost', 'https://app.contoso.test/oauth/Callback'];
before(async () => {
  h = await startHarness();
  wire = wireTo(h);
  const config = (await wire.admin('GET', '/api/config')).json();
  config.oauth.redirectUris = registered;
  assert.equal((await wire.admin('PUT', '/api/config', { body: JSON.stringify(config) })).status, 200);
});
after(async () => {
  wire.close();
  await h.close();
});

type Pair = [string, string];
const encodePairs = (pairs: readonly Pair[]) => pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');
/** What map-errors puts in X-WOPI-ServerError: printable ASCII, at most 1000 characters. */
const headerSafe = (text: string) => text.replace(/[^\x20-\x7E]/g, '?').slice(0, 1000);
/** What RFC 6749 allows in error_description, as the host sanitises it. */
const descriptionSafe = (text: string) => text.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '?');

const value = (maxLength = 40) => fc.string({ unit: 'grapheme', maxLength });
const extraName = fc
  .stringMatching(/^[a-z][a-z_]{0,8}$/)
  .filter((n) => !['client_id', 'redirect_uri', 'response_type', 'state', 'user', 'action', 'client_secret', 'constructor'].includes(n));

/** A parameter that is absent, sent once with one of the given values, or sent twice. */
function parameter(name: string, values: fc.Arbitrary<string>): fc.Arbitrary<Pair[]> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant<Pair[]>([]) },
    { weight: 5, arbitrary: values.map((v): Pair[] => [[name, v]]) },
    {
      weight: 1,
      arbitrary: fc.tuple(values, values).map(([a, b]): Pair[] => [
        [name, a],
        [name, b],
      ]),
    },
  );
}

const redirectUri = fc.oneof(
  fc.constantFrom(...registered),
  // Equal as parsed URLs: scheme and host case, an empty path's slash, the default port.
  fc.constantFrom(
    'HTTPS://LOCALHOST',
    'https://localhost/',
    'https://localhost:443',
    'https://APP.contoso.test/oauth/Callback',
    'HTTPS://app.contoso.test:443/oauth/Callback',
  ),
  // Different: path case, a trailing slash on a path, another scheme, port, host or path.
  fc.constantFrom(
    'https://app.contoso.test/oauth/callback',
    'https://app.contoso.test/oauth/Callback/',
    'http://localhost',
    'http://app.contoso.test/oauth/Callback',
    'https://localhost:8443',
    'https://localhost.evil.example',
    'https://localhost/x',
    'https://app.contoso.test/oauth/Callback?x=1',
    'https://app.contoso.test/oauth/Callback#f',
    'localhost',
    '',
  ),
  value(60),
);

const sameAsRegistered = (uri: string) =>
  registered.some((r) => {
    try {
      return new URL(r).href === new URL(uri).href;
    } catch {
      return false;
    }
  });

interface AuthorizeCase {
  method: 'GET' | 'POST';
  pairs: Pair[];
}

const authorizeCase: fc.Arbitrary<AuthorizeCase> = fc
  .record({
    method: fc.constantFrom('GET' as const, 'POST' as const),
    clientId: parameter(
      'client_id',
      fc.oneof(
        { weight: 4, arbitrary: fc.constant('office-mobile') },
        { weight: 1, arbitrary: fc.constantFrom('', 'Office-Mobile', 'office-mobile ') },
        { weight: 1, arbitrary: value() },
      ),
    ),
    redirect: parameter('redirect_uri', redirectUri),
    responseType: parameter(
      'response_type',
      fc.oneof(
        { weight: 4, arbitrary: fc.constant('code') },
        { weight: 1, arbitrary: fc.constantFrom('token', 'Code', 'code id_token', '') },
        { weight: 1, arbitrary: value(10) },
      ),
    ),
    state: parameter(
      'state',
      fc.oneof(
        value(40),
        fc.integer({ min: 500, max: 4000 }).map((n) => '<script>"&\''.repeat(Math.ceil(n / 11)).slice(0, n)),
      ),
    ),
    user: parameter('user', fc.constantFrom('alice', 'bob', 'mallory', '')),
    action: fc.oneof({ weight: 5, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.constant([['action', 'deny']] as Pair[]) }),
    extras: fc.array(fc.tuple(fc.oneof(extraName, fc.constantFrom('rs', 'build', 'platform', 'scope', 'Build', 'Platform')), value(20)), {
      maxLength: 4,
    }),
    order: fc.nat(),
  })
  .map(({ method, clientId, redirect, responseType, state, user, action, extras, order }) => {
    const pairs: Pair[] = [
      ...clientId,
      ...redirect,
      ...responseType,
      ...state,
      ...(method === 'POST' ? [...user, ...action] : []),
      ...extras,
    ];
    // Office sends its parameters in no fixed order.
    const rotated = pairs.length ? [...pairs.slice(order % pairs.length), ...pairs.slice(0, order % pairs.length)] : pairs;
    return { method, pairs: rotated };
  });

type AuthorizeOutcome =
  | { kind: 'error-page'; detail: string }
  | { kind: 'sign-in-page'; status: 200 | 400; message?: string; received: Pair[] }
  | { kind: 'redirect'; to: string; params: Pair[] }
  | { kind: 'code'; to: string; state: string | undefined; userId: string };

/** RFC 6749 §4.1.2.1 and the host's rules: what the authorization endpoint must answer. */
function expectedAuthorize({ method, pairs }: AuthorizeCase): AuthorizeOutcome {
  // Parsers group repeated names at their first occurrence.
  const grouped = new Map<string, string[]>();
  for (const [n, v] of pairs) grouped.set(n, [...(grouped.get(n) ?? []), v]);
  const first = (n: string) => grouped.get(n)?.[0];
  for (const name of ['client_id', 'redirect_uri', 'response_type', 'state'])
    if ((grouped.get(name)?.length ?? 0) > 1) return { kind: 'error-page', detail: `${name} was sent more than once` };
  const clientId = first('client_id');
  if (clientId === undefined || clientId === '') return { kind: 'error-page', detail: 'client_id is missing' };
  if (clientId !== 'office-mobile') return { kind: 'error-page', detail: `client_id "${clientId}" is not the configured OAuth client` };
  const redirect = first('redirect_uri');
  if (redirect === undefined || redirect === '')
    return { kind: 'error-page', detail: 'redirect_uri is missing and more than one is configured' };
  if (!sameAsRegistered(redirect))
    return { kind: 'error-page', detail: `redirect_uri "${redirect}" is not one of the configured redirect URIs` };
  const state = first('state');
  const responseType = first('response_type');
  const stateParam: Pair[] = state !== undefined ? [['state', state]] : [];
  if (responseType !== undefined && responseType !== 'code') {
    return {
      kind: 'redirect',
      to: redirect,
      params: [
        ['error', 'unsupported_response_type'],
        ['error_description', descriptionSafe(`response_type ${responseType} is not supported; use code`)],
        ...stateParam,
      ],
    };
  }
  const received = [...grouped].flatMap(([n, vs]) => vs.map((v): Pair => [n, v]));
  if (method === 'GET') return { kind: 'sign-in-page', status: 200, received };
  if (first('action') === 'deny')
    return {
      kind: 'redirect',
      to: redirect,
      params: [['error', 'access_denied'], ['error_description', 'the user denied access'], ...stateParam],
    };
  const user = first('user');
  if (user === undefined) return { kind: 'sign-in-page', status: 400, message: 'Choose a user to sign in as.', received };
  if (user !== 'alice' && user !== 'bob')
    return { kind: 'sign-in-page', status: 400, message: `There is no mock user &quot;${escapeHtml(user)}&quot;.`, received };
  return { kind: 'code', to: redirect, state, userId: user };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The hidden fields of the sign-in form, read back as a browser would submit them. */
function hiddenFields(html: string): Pair[] {
  const form = html.slice(html.indexOf('<form'), html.indexOf('</form>'));
  const unescape = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return [...form.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [unescape(m[1]!), unescape(m[2]!)]);
}

describe('the authorization endpoint', () => {
  test('generated parameters, GET and POST: error page, sign-in page, error redirect or code, exactly as the rules say', async (t) => {
    await checkAsync(
      t,
      [authorizeCase],
      async (c) => {
        const query = encodePairs(c.pairs);
        const reply =
          c.method === 'GET'
            ? await wire.wopi('GET', `/oauth/authorize${query ? `?${query}` : ''}`)
            : await wire.wopi('POST', '/oauth/authorize', {
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: query,
              });
        const expected = expectedAuthorize(c);
        const context = `${c.method} ${query.slice(0, 300)} → ${reply.status} ${reply.header('x-wopi-servererror') ?? ''}`;
        switch (expected.kind) {
          case 'error-page':
            // Spec: RFC 6749 §4.1.2.1: a bad client or redirect URI is shown to the user, never redirected to.
            assert.equal(reply.status, 400, context);
            assert.equal(reply.headers['location'], undefined);
            assert.equal(reply.header('x-wopi-servererror'), headerSafe(expected.detail));
            assert.match(reply.header('content-type')!, /^text\/html/);
            assert.ok(reply.text.includes(escapeHtml(expected.detail)), context);
            return;
          case 'sign-in-page':
            assert.equal(reply.status, expected.status, context);
            assert.equal(reply.headers['location'], undefined);
            assert.match(reply.header('content-type')!, /^text\/html/);
            // Every value is echoed escaped, so a parameter can never inject markup.
            assert.deepEqual(
              hiddenFields(reply.text),
              expected.received.filter(([n]) => n !== 'user' && n !== 'action'),
            );
            if (expected.message) assert.ok(reply.text.includes(expected.message), context);
            return;
          case 'redirect': {
            assert.equal(reply.status, 302, context);
            const location = new URL(reply.header('location')!);
            assert.equal(location.origin + location.pathname, new URL(expected.to).origin + new URL(expected.to).pathname);
            assert.deepEqual([...location.searchParams], [...new URL(expected.to).searchParams, ...expected.params]);
            return;
          }
          case 'code': {
            assert.equal(reply.status, 302, context);
            const location = new URL(reply.header('location')!);
            assert.equal(location.origin + location.pathname, new URL(expected.to).origin + new URL(expected.to).pathname);
            assert.deepEqual([...location.searchParams.keys()], ['code', ...(expected.state !== undefined ? ['state'] : [])]);
            if (expected.state !== undefined) assert.equal(location.searchParams.get('state'), expected.state);
            const claims = decodeJwt(location.searchParams.get('code')!);
            assert.deepEqual(
              [claims['sub'], claims['cid'], new URL(claims['ru'] as string).href],
              [expected.userId, 'office-mobile', new URL(expected.to).href],
            );
            return;
          }
        }
      },
      { weight: 2 },
    );
  });

  test('a query over the 16 KiB header limit is a bare 431', async () => {
    const reply = await wire.wopi('GET', `/oauth/authorize?client_id=office-mobile&state=${'x'.repeat(17_000)}`);
    assert.equal(reply.status, 431);
    assert.equal(reply.body.length, 0);
  });
});

type ClientAuth =
  | 'post'
  | 'post-wrong-secret'
  | 'post-no-secret'
  | 'none'
  | 'basic'
  | 'basic-url'
  | 'basic-wrong'
  | 'basic-unreadable'
  | 'basic-and-post-secret'
  | 'basic-other-body-id'
  | 'two-headers';
type Grant =
  | {
      type: 'authorization_code';
      code: 'fresh' | 'used' | 'access' | 'refresh' | 'garbage' | 'missing';
      redirect: 'same' | 'same-spelled-differently' | 'omitted' | 'other';
    }
  | { type: 'refresh_token'; token: 'valid' | 'access' | 'code' | 'garbage' | 'missing' }
  | { type: 'missing' }
  | { type: 'unsupported'; value: string }
  | { type: 'repeated' };
type Body =
  | { kind: 'form'; contentType: string }
  | { kind: 'json' | 'text' | 'untyped' | 'huge' | 'many' | 'charset' }
  | { kind: 'garbage'; text: string };

interface TokenCase {
  body: Body;
  auth: ClientAuth;
  grant: Grant;
  extras: Pair[];
}

const tokenCase: fc.Arbitrary<TokenCase> = fc.record({
  body: fc.oneof(
    {
      weight: 10,
      arbitrary: fc
        .constantFrom(
          'application/x-www-form-urlencoded',
          'application/x-www-form-urlencoded; charset=utf-8',
          'APPLICATION/X-WWW-FORM-URLENCODED',
          'application/x-www-form-urlencoded;charset=UTF-8',
        )
        .map((contentType) => ({ kind: 'form' as const, contentType })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { kind: 'json' as const },
        { kind: 'text' as const },
        { kind: 'untyped' as const },
        { kind: 'huge' as const },
        { kind: 'many' as const },
        { kind: 'charset' as const },
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
        .map((s) => s.replace(/[=&]/g, '%'))
        .map((text) => ({ kind: 'garbage' as const, text })),
    },
  ),
  auth: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom<ClientAuth>('post', 'basic', 'basic-url') },
    {
      weight: 3,
      arbitrary: fc.constantFrom<ClientAuth>(
        'post-wrong-secret',
        'post-no-secret',
        'none',
        'basic-wrong',
        'basic-unreadable',
        'basic-and-post-secret',
        'basic-other-body-id',
        'two-headers',
      ),
    },
  ),
  grant: fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        type: fc.constant('authorization_code' as const),
        code: fc.constantFrom(
          'fresh' as const,
          'fresh' as const,
          'used' as const,
          'access' as const,
          'refresh' as const,
          'garbage' as const,
          'missing' as const,
        ),
        redirect: fc.constantFrom('same' as const, 'same-spelled-differently' as const, 'omitted' as const, 'other' as const),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        type: fc.constant('refresh_token' as const),
        token: fc.constantFrom(
          'valid' as const,
          'valid' as const,
          'access' as const,
          'code' as const,
          'garbage' as const,
          'missing' as const,
        ),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ type: 'missing' as const }) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.constantFrom('password', 'client_credentials', 'Authorization_Code', 'implicit', ''), value(20))
        .filter((v) => v !== 'authorization_code' && v !== 'refresh_token')
        .map((v) => ({ type: 'unsupported' as const, value: v })),
    },
    { weight: 1, arbitrary: fc.constant({ type: 'repeated' as const }) },
  ),
  extras: fc
    .array(
      fc.tuple(
        extraName.filter((n) => !['code', 'grant_type', 'refresh_token', 'via'].includes(n)),
        value(20),
      ),
      { maxLength: 3 },
    )
    .map((extras) => [...new Map(extras)]),
});

type TokenOutcome = { status: 200 } | { status: number; error: string; description: string | RegExp; basicChallenge?: boolean };

/** RFC 6749 §4.1.3, §5.2 and §6, in the order the host checks them. */
function expectedToken(c: TokenCase): TokenOutcome {
  const invalid = (error: string, description: string | RegExp, status = 400) => ({ status, error, description });
  if (c.body.kind === 'huge') return invalid('invalid_request', 'the form body could not be read: request entity too large');
  if (c.body.kind === 'many') return invalid('invalid_request', 'the form body could not be read: too many parameters');
  if (c.body.kind === 'charset') return invalid('invalid_request', 'the form body could not be read: unsupported charset ?LATIN1?');
  if (c.body.kind === 'json' || c.body.kind === 'text' || c.body.kind === 'untyped')
    return invalid('invalid_request', 'the body must be application/x-www-form-urlencoded');
  if (c.body.kind === 'garbage') return invalid('invalid_client', 'client authentication is missing (send client_id and client_secret)');
  if (c.grant.type === 'repeated') return invalid('invalid_request', 'grant_type sent more than once');
  const basic = c.auth.startsWith('basic');
  switch (c.auth) {
    case 'two-headers':
      return invalid('invalid_request', 'the Authorization header was sent more than once');
    case 'basic-unreadable':
      return { ...invalid('invalid_client', 'the Basic Authorization header cannot be read', 401), basicChallenge: true };
    case 'basic-and-post-secret':
      return invalid('invalid_request', 'client credentials were sent both in the Authorization header and in the body');
    case 'basic-other-body-id':
      return invalid('invalid_request', 'client_id in the body differs from the Basic credentials');
    case 'none':
    case 'post-no-secret':
      return invalid('invalid_client', 'client authentication is missing (send client_id and client_secret)');
    case 'post-wrong-secret':
    case 'basic-wrong':
      return {
        ...invalid('invalid_client', 'unknown client or wrong client secret', basic ? 401 : 400),
        ...(basic ? { basicChallenge: true } : {}),
      };
  }
  switch (c.grant.type) {
    case 'missing':
      return invalid('invalid_request', 'grant_type is missing');
    case 'unsupported':
      return invalid(
        'unsupported_grant_type',
        descriptionSafe(`grant_type ${c.grant.value} is not supported; use authorization_code or refresh_token`),
      );
    case 'authorization_code': {
      const { code, redirect } = c.grant;
      if (code === 'missing') return invalid('invalid_request', 'code is missing');
      if (code === 'access' || code === 'refresh') return invalid('invalid_grant', 'not a code token');
      if (code === 'garbage') return invalid('invalid_grant', /^the code token (is invalid \(ERR_[A-Z_]+\)|'s signature does not verify)$/);
      if (redirect === 'other') return invalid('invalid_grant', 'redirect_uri differs from the one the code was issued for');
      if (code === 'used')
        return invalid('invalid_grant', 'the code was already used; the tokens issued for it are revoked (RFC 6749 section 4.1.2)');
      return { status: 200 };
    }
    case 'refresh_token': {
      const { token } = c.grant;
      if (token === 'missing') return invalid('invalid_request', 'refresh_token is missing');
      if (token === 'access' || token === 'code') return invalid('invalid_grant', 'not a refresh token');
      if (token === 'garbage')
        return invalid('invalid_grant', /^the refresh token (is invalid \(ERR_[A-Z_]+\)|'s signature does not verify)$/);
      return { status: 200 };
    }
  }
}

describe('the token endpoint', () => {
  let access: string;
  let refresh: string;
  const usedCodes: string[] = [];
  const codeFor = async (redirect = 'https://localhost'): Promise<string> => {
    const reply = await wire.wopi('POST', '/oauth/authorize', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodePairs([
        ['client_id', 'office-mobile'],
        ['redirect_uri', redirect],
        ['user', 'alice'],
      ]),
    });
    assert.equal(reply.status, 302, reply.text);
    return new URL(reply.header('location')!).searchParams.get('code')!;
  };
  before(async () => {
    ({ access_token: access, refresh_token: refresh } = await h.signIn('alice'));
    for (let i = 0; i < 3; i++) {
      const code = await codeFor();
      const redeemed = await wire.wopi('POST', '/oauth/token', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: encodePairs([
          ['grant_type', 'authorization_code'],
          ['code', code],
          ['client_id', 'office-mobile'],
          ['client_secret', 'mock-client-secret'],
        ]),
      });
      assert.equal(redeemed.status, 200);
      usedCodes.push(code);
    }
  });

  async function buildRequest(c: TokenCase): Promise<{ headers: Record<string, string | string[]>; body: string }> {
    const basicOf = (id: string, secret: string, url = false) =>
      `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString(url ? 'base64url' : 'base64')}`;
    const headers: Record<string, string | string[]> = {};
    const pairs: Pair[] = [];
    if (c.body.kind === 'huge')
      return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=refresh_token&x=${'y'.repeat(70_000)}` };
    if (c.body.kind === 'many')
      return {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Array.from({ length: 101 }, (_, i) => `p${i}=1`).join('&'),
      };
    if (c.body.kind === 'charset')
      return { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=latin1' }, body: 'grant_type=refresh_token' };
    if (c.body.kind === 'garbage') return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: c.body.text };
    switch (c.auth) {
      case 'post':
        pairs.push(['client_id', 'office-mobile'], ['client_secret', 'mock-client-secret']);
        break;
      case 'post-wrong-secret':
        pairs.push(['client_id', 'office-mobile'], ['client_secret', 'mock-client-secret!']);
        break;
      case 'post-no-secret':
        pairs.push(['client_id', 'office-mobile']);
        break;
      case 'none':
        break;
      case 'basic':
        headers['authorization'] = basicOf('office-mobile', 'mock-client-secret');
        break;
      case 'basic-url':
        headers['authorization'] = basicOf('office-mobile', 'mock-client-secret', true).replace(/^Basic/, 'basic');
        break;
      case 'basic-wrong':
        headers['authorization'] = basicOf('office-mobile', 'wrong');
        break;
      case 'basic-unreadable':
        headers['authorization'] = `Basic ${Buffer.from('no colon here').toString('base64')}`;
        break;
      case 'basic-and-post-secret':
        headers['authorization'] = basicOf('office-mobile', 'mock-client-secret');
        pairs.push(['client_secret', 'mock-client-secret']);
        break;
      case 'basic-other-body-id':
        headers['authorization'] = basicOf('office-mobile', 'mock-client-secret');
        pairs.push(['client_id', 'someone-else']);
        break;
      case 'two-headers':
        headers['authorization'] = [basicOf('office-mobile', 'mock-client-secret'), basicOf('office-mobile', 'mock-client-secret')];
        break;
    }
    const g = c.grant;
    if (g.type === 'authorization_code') {
      pairs.push(['grant_type', 'authorization_code']);
      const code = {
        fresh: g.code === 'fresh' ? await codeFor() : '',
        used: usedCodes[0]!,
        access,
        refresh,
        garbage: 'eyJ' + 'x'.repeat(30),
        missing: '',
      }[g.code];
      if (g.code !== 'missing') pairs.push(['code', code]);
      const redirect = {
        same: 'https://localhost',
        'same-spelled-differently': 'HTTPS://LocalHost/',
        omitted: undefined,
        other: 'https://app.contoso.test/oauth/Callback',
      }[g.redirect];
      if (redirect !== undefined) pairs.push(['redirect_uri', redirect]);
    } else if (g.type === 'refresh_token') {
      pairs.push(['grant_type', 'refresh_token']);
      const token = { valid: refresh, access, code: usedCodes[1]!, garbage: 'not.a.token', missing: '' }[g.token];
      if (g.token !== 'missing') pairs.push(['refresh_token', token]);
    } else if (g.type === 'unsupported') {
      pairs.push(['grant_type', g.value]);
    } else if (g.type === 'repeated') {
      pairs.push(['grant_type', 'refresh_token'], ['grant_type', 'refresh_token'], ['refresh_token', refresh]);
    }
    pairs.push(...c.extras);
    const body = encodePairs(pairs);
    if (c.body.kind === 'json')
      return { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(Object.fromEntries(pairs)) };
    if (c.body.kind === 'text') return { headers: { ...headers, 'content-type': 'text/plain' }, body };
    if (c.body.kind === 'untyped') return { headers, body };
    return { headers: { ...headers, 'content-type': c.body.kind === 'form' ? c.body.contentType : '' }, body };
  }

  test('generated requests: tokens or the RFC 6749 error, exactly', async (t) => {
    await checkAsync(
      t,
      [tokenCase],
      async (c) => {
        const { headers, body } = await buildRequest(c);
        const reply = await wire.wopi('POST', '/oauth/token', { headers, body });
        const expected = expectedToken(c);
        const context = `${JSON.stringify(c)} → ${reply.status} ${reply.text.slice(0, 200)}`;
        assert.equal(reply.status, expected.status, context);
        // Spec: RFC 6749 §5.1/§5.2: no caching of token answers, success or error.
        assert.equal(reply.header('cache-control'), 'no-store');
        assert.equal(reply.header('pragma'), 'no-cache');
        assert.match(reply.header('content-type')!, /^application\/json/);
        const json = reply.json();
        if (!('error' in expected)) {
          assert.deepEqual(Object.keys(json), ['access_token', 'token_type', 'expires_in', 'refresh_token'], context);
          assert.deepEqual(
            [json.token_type, json.expires_in, decodeJwt(json.access_token).sub, decodeJwt(json.refresh_token).sub],
            ['bearer', 3600, 'alice', 'alice'],
          );
          return;
        }
        assert.deepEqual(Object.keys(json), ['error', 'error_description'], context);
        assert.equal(json.error, expected.error, context);
        if (typeof expected.description === 'string') assert.equal(json.error_description, expected.description, context);
        else assert.match(json.error_description, expected.description, context);
        assert.deepEqual(
          reply.headers['www-authenticate'],
          expected.basicChallenge ? ['Basic realm="wopi-mock-host"'] : undefined,
          context,
        );
      },
      { weight: 2 },
    );
  });

  test('any header and body bytes: a JSON RFC 6749 answer, never a 5xx', async (t) => {
    const contentType = fc.oneof(
      fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'multipart/form-data; boundary=x', ''),
      fc.string({ maxLength: 30 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
    );
    // Deep and large JSON too: the token endpoint must refuse it without parsing it.
    const bytes = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a).toString('latin1')),
      anyJson.map((v) => JSON.stringify(v)),
    );
    const authorization = fc.option(
      fc.oneof(
        opaqueToken(60).map((t) => `Basic ${t}`),
        caseVariant('basic').map((b) => `${b} ${Buffer.from('office-mobile:mock-client-secret').toString('base64')}`),
        opaqueToken(60),
      ),
      { nil: undefined },
    );
    await checkAsync(t, [contentType, bytes, authorization], async (type, body, auth) => {
      const reply = await wire.wopi('POST', '/oauth/token', {
        headers: { 'content-type': type || undefined, authorization: auth },
        body: Buffer.from(body, 'latin1'),
      });
      assert.ok([400, 401].includes(reply.status), `${reply.status} ${reply.text}`);
      const json = reply.json();
      assert.deepEqual(Object.keys(json), ['error', 'error_description']);
      assert.ok(['invalid_request', 'invalid_client', 'invalid_grant', 'unsupported_grant_type'].includes(json.error), json.error);
      assert.match(json.error_description, /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/);
    });
  });
});
