import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, UnsecuredJWT, decodeProtectedHeader, decodeJwt } from 'jose';
import { TokenService, type TokenKind } from './token-service.js';

const secret = new Uint8Array(32).fill(7);
const frozenNow = 1_767_225_600_000; // 2026-01-01T00:00:00Z, a whole second
const alice = { userId: 'alice', epoch: 'e1' };

async function serviceAt(now: () => number) {
  return TokenService.create(secret, now);
}

describe('TokenService', () => {
  test('claims and expiry: exp = now + ttl, expiresAtMs in milliseconds', async () => {
    const tokens = await serviceAt(() => frozenNow);
    const issued = await tokens.issue('wopi', alice, { res: 'file:abc' }, { ttlSeconds: 600 });
    assert.equal(issued.expiresAtMs, frozenNow + 600_000);
    const claims = decodeJwt(issued.token);
    assert.equal(claims.sub, 'alice');
    assert.equal(claims['ep'], 'e1');
    assert.equal(claims['res'], 'file:abc');
    assert.equal(claims.iat, frozenNow / 1000);
    assert.equal(claims.exp, frozenNow / 1000 + 600);
    assert.deepEqual(decodeProtectedHeader(issued.token), { alg: 'HS256', typ: 'wopi-mock-wopi+jwt' });
    const verified = await tokens.verify('wopi', issued.token);
    assert.deepEqual(verified.ok && { res: verified.claims.res, sub: verified.claims.sub, kind: verified.claims.kind }, {
      res: 'file:abc',
      sub: 'alice',
      kind: 'wopi',
    });
  });

  test('token trading: an absolute expiry is kept to the second', async () => {
    const tokens = await serviceAt(() => frozenNow);
    const issued = await tokens.issue('wopi', alice, { res: 'container:c' }, { expiresAtMs: frozenNow + 1234_567 });
    assert.equal(issued.expiresAtMs, frozenNow + 1234_000);
  });

  test('expired exactly at exp, valid 1 ms before', async () => {
    let now = frozenNow;
    const tokens = await serviceAt(() => now);
    const issued = await tokens.issue('access', alice, { cid: 'c' }, { ttlSeconds: 60 });
    now = issued.expiresAtMs - 1;
    assert.equal((await tokens.verify('access', issued.token)).ok, true);
    now = issued.expiresAtMs;
    assert.deepEqual(await tokens.verify('access', issued.token), { ok: false, failure: 'expired', detail: 'the access token expired' });
  });

  test('identical WOPI grants within one second share a token; OAuth tokens and later seconds do not', async () => {
    let now = frozenNow;
    const tokens = await serviceAt(() => now);
    const first = await tokens.issue('wopi', alice, { res: 'file:a' }, { ttlSeconds: 60 });
    now += 999;
    assert.equal((await tokens.issue('wopi', alice, { res: 'file:a' }, { ttlSeconds: 60 })).token, first.token);
    assert.notEqual((await tokens.issue('wopi', alice, { res: 'file:b' }, { ttlSeconds: 60 })).token, first.token);
    assert.notEqual((await tokens.issue('wopi', { ...alice, epoch: 'e2' }, { res: 'file:a' }, { ttlSeconds: 60 })).token, first.token);
    assert.notEqual(
      (await tokens.issue('access', alice, { cid: 'c' }, { ttlSeconds: 60 })).token,
      (await tokens.issue('access', alice, { cid: 'c' }, { ttlSeconds: 60 })).token,
    );
    now += 1;
    const nextSecond = await tokens.issue('wopi', alice, { res: 'file:a' }, { ttlSeconds: 60 });
    assert.notEqual(nextSecond.token, first.token);
    assert.equal(nextSecond.expiresAtMs, first.expiresAtMs + 1000);
  });

  test('a verified token is remembered but still expires and still is only its own kind', async () => {
    let now = frozenNow;
    const tokens = await serviceAt(() => now);
    const issued = await tokens.issue('refresh', alice, { cid: 'c' }, { ttlSeconds: 5 });
    assert.equal((await tokens.verify('refresh', issued.token)).ok, true);
    assert.equal((await tokens.verify('refresh', issued.token)).ok, true);
    assert.deepEqual(await tokens.verify('access', issued.token), { ok: false, failure: 'wrong-kind', detail: 'not an access token' });
    now = issued.expiresAtMs;
    assert.deepEqual(await tokens.verify('refresh', issued.token), { ok: false, failure: 'expired', detail: 'the refresh token expired' });
  });

  test('kinds are not interchangeable', async () => {
    const tokens = await serviceAt(() => frozenNow);
    const kinds: Array<[TokenKind, object]> = [
      ['access', { cid: 'c' }],
      ['refresh', { cid: 'c' }],
      ['code', { cid: 'c', ru: 'https://localhost' }],
      ['wopi', { res: 'ecosystem' }],
    ];
    for (const [issuedKind, extra] of kinds) {
      const { token } = await tokens.issue(issuedKind, alice, extra, { ttlSeconds: 60 });
      for (const [expectedKind] of kinds) {
        const result = await tokens.verify(expectedKind, token);
        if (issuedKind === expectedKind) assert.equal(result.ok, true);
        else
          assert.deepEqual(
            result,
            { ok: false, failure: 'wrong-kind', detail: `not ${expectedKind === 'access' ? 'an' : 'a'} ${expectedKind} token` },
            `${issuedKind} accepted as ${expectedKind}`,
          );
      }
    }
  });

  test('another key, alg none, truncation and garbage are refused with a reason', async () => {
    const tokens = await serviceAt(() => frozenNow);
    const { token } = await tokens.issue('access', alice, { cid: 'c' }, { ttlSeconds: 60 });
    const otherKey = await TokenService.create(new Uint8Array(32).fill(8), () => frozenNow);
    const foreign = (await otherKey.issue('access', alice, { cid: 'c' }, { ttlSeconds: 60 })).token;
    assert.deepEqual(await tokens.verify('access', foreign), {
      ok: false,
      failure: 'bad-signature',
      detail: "the access token's signature does not verify",
    });

    const unsecured = new UnsecuredJWT({ ep: 'e1', cid: 'c' })
      .setSubject('alice')
      .setJti('j')
      .setExpirationTime(frozenNow / 1000 + 60)
      .setAudience('urn:wopi-mock-host:access')
      .setIssuer('urn:wopi-mock-host')
      .encode();
    assert.equal((await tokens.verify('access', unsecured)).ok, false);

    const hs512 = await new SignJWT({ ep: 'e1' })
      .setProtectedHeader({ alg: 'HS512', typ: 'wopi-mock-access+jwt' })
      .setSubject('alice')
      .sign(new Uint8Array(64).fill(7));
    assert.deepEqual(await tokens.verify('access', hs512), {
      ok: false,
      failure: 'bad-signature',
      detail: 'the token uses an algorithm this host does not accept',
    });

    assert.equal((await tokens.verify('access', token.slice(0, -3))).ok, false);
    assert.deepEqual(await tokens.verify('access', 'not-a-jwt'), {
      ok: false,
      failure: 'malformed',
      detail: 'the access token is invalid (ERR_JWS_INVALID)',
    });
  });
});
