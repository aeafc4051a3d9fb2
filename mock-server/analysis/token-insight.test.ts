import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenService } from '../tokens/token-service.js';
import { logEntry } from '../../test-support/entry-fixture.js';
import { decodeToken, tokensInEntry, TokenPlace, type TokenInsight } from './token-insight.js';

const now = Date.UTC(2026, 10, 23, 18, 0, 0);
const nowSeconds = now / 1000;
const subject = { userId: 'alice', epoch: 'e1' };

function jwt(header: unknown, payload: unknown): string {
  const part = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(payload)}.c2ln`;
}

function insightOf(token: string, at = now): TokenInsight {
  const decoded = decodeToken(token, at);
  if (!decoded.ok) throw new Error(`expected a decodable token: ${decoded.reason}`);
  return decoded.insight;
}

describe('decodeToken: tokens the engine mints', async () => {
  const service = await TokenService.create(new Uint8Array(32).fill(7), () => now);
  const cases = [
    { kind: 'access', extra: { cid: 'office-mobile' }, ttl: 3600, scope: null, clientId: 'office-mobile' },
    { kind: 'refresh', extra: { cid: 'office-mobile' }, ttl: 2_592_000, scope: null, clientId: 'office-mobile' },
    { kind: 'code', extra: { cid: 'office-mobile', ru: 'https://localhost' }, ttl: 600, scope: null, clientId: 'office-mobile' },
    { kind: 'wopi', extra: { res: 'file:f-123' }, ttl: 36_000, scope: 'file:f-123', clientId: null },
    { kind: 'wopi', extra: { res: 'ecosystem' }, ttl: 10, scope: 'ecosystem', clientId: null },
  ] as const;
  for (const c of cases) {
    test(`${c.kind} token${c.scope ? ` for ${c.scope}` : ''}: kind, user, scope, issued and expiry in ms`, async () => {
      const issued = await service.issue(c.kind, subject, c.extra, { ttlSeconds: c.ttl });
      const insight = insightOf(issued.token);
      assert.equal(insight.kind, c.kind);
      assert.equal(insight.typ, `wopi-mock-${c.kind}+jwt`);
      assert.equal(insight.algorithm, 'HS256');
      assert.equal(insight.userId, 'alice');
      assert.equal(insight.scope, c.scope);
      assert.equal(insight.clientId, c.clientId);
      assert.match(insight.tokenId ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(insight.issuedAtMs, now);
      assert.equal(insight.expiresAtMs, now + c.ttl * 1000);
      assert.equal(insight.expiresAtMs, issued.expiresAtMs);
      assert.equal(insight.expired, false);
      assert.equal(insight.remainingMs, c.ttl * 1000);
    });
  }

  test('expired from the millisecond its exp names, as the engine decides', async () => {
    const issued = await service.issue('wopi', subject, { res: 'container:c-1' }, { ttlSeconds: 60 });
    const table: Array<[number, boolean, number]> = [
      [now + 59_999, false, 1],
      [now + 60_000, true, 0],
      [now + 61_500, true, -1500],
    ];
    for (const [at, expired, remainingMs] of table) {
      const insight = insightOf(issued.token, at);
      assert.equal(insight.expired, expired, `at +${at - now} ms`);
      assert.equal(insight.remainingMs, remainingMs, `at +${at - now} ms`);
    }
  });
});

describe('decodeToken: foreign and broken tokens', () => {
  test('a JWT from elsewhere decodes with kind unknown', () => {
    const insight = insightOf(
      jwt({ alg: 'RS256', typ: 'JWT' }, { sub: 'someone@contoso.com', iat: nowSeconds - 100, exp: nowSeconds - 1 }),
    );
    assert.deepEqual(insight, {
      kind: 'unknown',
      typ: 'JWT',
      algorithm: 'RS256',
      userId: 'someone@contoso.com',
      scope: null,
      clientId: null,
      tokenId: null,
      issuedAtMs: now - 100_000,
      expiresAtMs: now - 1000,
      expired: true,
      remainingMs: -1000,
    });
  });

  test('no exp: expiry and expired are null; a scope not of our form is dropped', () => {
    const insight = insightOf(jwt({ alg: 'none' }, { sub: 'bob', res: 'everything' }));
    assert.equal(insight.expiresAtMs, null);
    assert.equal(insight.expired, null);
    assert.equal(insight.remainingMs, null);
    assert.equal(insight.scope, null);
    assert.equal(insight.typ, null);
  });

  test('non-ASCII claims decode as UTF-8', () => {
    assert.equal(insightOf(jwt({ alg: 'HS256' }, { sub: 'zoë-ünïcode' })).userId, 'zoë-ünïcode');
  });

  const bad: Array<[string, string, string]> = [
    ['opaque string', '1234567890abcdef', 'not a JWT (expected three base64url parts separated by dots)'],
    ['two parts', 'abc.def', 'not a JWT (expected three base64url parts separated by dots)'],
    ['characters outside base64url', 'a+b.c/d.e', 'not a JWT (expected three base64url parts separated by dots)'],
    [
      'header not JSON',
      `${Buffer.from('nope').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.x`,
      'the JWT header is not base64url-encoded JSON',
    ],
    ['payload a JSON array', jwt({ alg: 'HS256' }, '[1,2]'), 'the JWT payload is not base64url-encoded JSON'],
    [
      'payload not UTF-8',
      `${Buffer.from('{}').toString('base64url')}.${Buffer.from([0xff, 0xfe]).toString('base64url')}.x`,
      'the JWT payload is not base64url-encoded JSON',
    ],
  ];
  for (const [name, token, reason] of bad) {
    test(`${name} → ${reason}`, () => assert.deepEqual(decodeToken(token, now), { ok: false, reason }));
  }
});

describe('tokensInEntry', () => {
  const access = jwt({ alg: 'HS256', typ: 'wopi-mock-access+jwt' }, { sub: 'alice', exp: nowSeconds + 60 });
  const wopi = jwt({ alg: 'HS256', typ: 'wopi-mock-wopi+jwt' }, { sub: 'alice', res: 'ecosystem', exp: nowSeconds + 60 });
  const wopi2 = jwt({ alg: 'HS256', typ: 'wopi-mock-wopi+jwt' }, { sub: 'alice', res: 'file:f-1', exp: nowSeconds + 60 });
  const code = jwt({ alg: 'HS256', typ: 'wopi-mock-code+jwt' }, { sub: 'bob', exp: nowSeconds + 60 });
  const refresh = jwt({ alg: 'HS256', typ: 'wopi-mock-refresh+jwt' }, { sub: 'bob', exp: nowSeconds + 60 });
  const json = (value: unknown) => ({
    text: JSON.stringify(value),
    encoding: 'utf8' as const,
    size: 0,
    truncated: false,
    mimeType: 'application/json',
  });
  const places = (seen: ReturnType<typeof tokensInEntry>) =>
    seen.map((s) => [s.direction, s.place, s.path ?? null, s.decoded.ok ? s.decoded.insight.kind : 'bad']);

  test('authenticated Bootstrap: the bearer token in, the WOPI token in EcosystemUrl out', () => {
    const seen = tokensInEntry(
      logEntry({
        requestHeaders: [{ name: 'Authorization', value: `Bearer: ${access}` }],
        responseBody: json({ Bootstrap: { EcosystemUrl: `https://localhost:8443/wopi/ecosystem?access_token=${wopi}`, UserId: 'alice' } }),
      }),
      now,
    );
    assert.deepEqual(places(seen), [
      ['request', TokenPlace.AuthorizationHeader, null, 'access'],
      ['response', TokenPlace.UrlInJson, 'Bootstrap.EcosystemUrl', 'wopi'],
    ]);
  });

  test('GetNewAccessToken: AccessTokenInfo.AccessToken is named as such', () => {
    const seen = tokensInEntry(logEntry({ responseBody: json({ AccessTokenInfo: { AccessToken: wopi2, AccessTokenExpiry: now } }) }), now);
    assert.deepEqual(places(seen), [['response', TokenPlace.AccessTokenInfoJson, null, 'wopi']]);
  });

  test('a WOPI call: the query token; child URLs in arrays get indexed paths', () => {
    const seen = tokensInEntry(
      logEntry({
        url: `/wopi/containers/c-1/children?access_token=${wopi}`,
        responseBody: json({
          ChildContainers: [],
          ChildFiles: [{ Url: `https://h/wopi/files/f-1?access_token=${wopi2}`, Name: 'a.docx' }],
        }),
      }),
      now,
    );
    assert.deepEqual(places(seen), [
      ['request', TokenPlace.AccessTokenQuery, null, 'wopi'],
      ['response', TokenPlace.UrlInJson, 'ChildFiles[0].Url', 'wopi'],
    ]);
  });

  test('sign-in redirect and code redemption', () => {
    const redirect = tokensInEntry(
      logEntry({ responseHeaders: [{ name: 'location', value: `https://localhost/?code=${code}&state=s` }] }),
      now,
    );
    assert.deepEqual(places(redirect), [['response', TokenPlace.LocationCode, null, 'code']]);
    const redeem = tokensInEntry(
      logEntry({
        requestBody: {
          text: `grant_type=authorization_code&code=${code}&client_secret=%5Bredacted%5D`,
          encoding: 'utf8',
          size: 0,
          truncated: false,
          mimeType: 'application/x-www-form-urlencoded',
        },
        responseBody: json({ access_token: access, token_type: 'bearer', expires_in: 3600, refresh_token: refresh }),
      }),
      now,
    );
    assert.deepEqual(places(redeem), [
      ['request', TokenPlace.CodeForm, null, 'code'],
      ['response', TokenPlace.AccessTokenJson, null, 'access'],
      ['response', TokenPlace.RefreshTokenJson, null, 'refresh'],
    ]);
  });

  test('an opaque bearer token is reported with the reason it could not be read', () => {
    const seen = tokensInEntry(logEntry({ requestHeaders: [{ name: 'authorization', value: 'Bearer 1234567890abcdef' }] }), now);
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0]!.decoded, { ok: false, reason: 'not a JWT (expected three base64url parts separated by dots)' });
  });

  test('nothing to read: no token, a truncated or binary body, Basic credentials', () => {
    const truncated = { ...json({ access_token: access }), truncated: true };
    assert.deepEqual(tokensInEntry(logEntry({ responseBody: truncated }), now), []);
    assert.deepEqual(
      tokensInEntry(
        logEntry({ responseBody: { text: 'AAEC', encoding: 'base64', size: 3, truncated: false, mimeType: 'application/octet-stream' } }),
        now,
      ),
      [],
    );
    assert.deepEqual(tokensInEntry(logEntry({ requestHeaders: [{ name: 'Authorization', value: 'Basic [redacted]' }] }), now), []);
  });
});
