import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { clientId, clientSecret, redirectUri, startHarness, type Harness } from '../../test-support/host-fixture.js';
import type { Config } from '../state/config-schema.js';
import { pkceMethod, pkceProblem } from '../protocol/pkce.js';

/** RFC 7636 PKCE and the oauth.strict switch, over real HTTPS; the pure rules on their own. */

let h: Harness;
let defaults: Config;
before(async () => {
  h = await startHarness();
  defaults = (await h.admin('GET', '/api/config')).json();
});
after(() => h.close());
beforeEach(() => h.admin('PUT', '/api/config', defaults));

const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const s256 = (v: string) => createHash('sha256').update(v).digest('base64url');

/** Signs in through the form with these extra authorization parameters; gives the redirect's parameters. */
async function authorize(extra: Record<string, string>): Promise<URLSearchParams> {
  const form = { client_id: clientId, redirect_uri: redirectUri, response_type: 'code', state: 's', ...extra, user: 'alice' };
  const answer = await h.request('POST', '/oauth/authorize', { form });
  assert.equal(answer.status, 302, answer.text);
  return new URL(answer.header('location')!).searchParams;
}
const redeem = (code: string, extra: Record<string, string> = {}) =>
  h.request('POST', '/oauth/token', {
    form: { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, client_secret: clientSecret, ...extra },
  });

describe('PKCE (RFC 7636)', () => {
  test('S256: the right verifier redeems the code, a wrong or missing one gets invalid_grant', async () => {
    const challenge = { code_challenge: s256(verifier), code_challenge_method: 'S256' };
    const wrong = await redeem((await authorize(challenge)).get('code')!, { code_verifier: verifier.replace(/.$/, 'A') });
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.json(), {
      error: 'invalid_grant',
      error_description: 'code_verifier does not match the code_challenge (S256; RFC 7636 section 4.6)',
    });
    const missing = await redeem((await authorize(challenge)).get('code')!);
    assert.equal(missing.json().error, 'invalid_grant');
    assert.match(missing.json().error_description, /code_verifier is missing/);
    const right = await redeem((await authorize(challenge)).get('code')!, { code_verifier: verifier });
    assert.equal(right.status, 200, right.text);
  });

  test('plain is the default method', async () => {
    const code = (await authorize({ code_challenge: verifier })).get('code')!;
    assert.equal((await redeem(code, { code_verifier: verifier })).status, 200);
  });

  test('an unknown method or a malformed challenge is refused at the authorization endpoint', async () => {
    const bad = await authorize({ code_challenge: s256(verifier), code_challenge_method: 'S512' });
    assert.equal(bad.get('error'), 'invalid_request');
    assert.match(bad.get('error_description')!, /S256 or plain/);
    assert.equal((await authorize({ code_challenge: 'short' })).get('error'), 'invalid_request');
  });

  test('without a challenge nothing changes (Office sends none); requirePkce refuses such requests', async () => {
    assert.equal((await redeem((await authorize({})).get('code')!)).status, 200);
    await h.admin('PUT', '/api/config', { ...defaults, oauth: { ...defaults.oauth, requirePkce: true } });
    const refused = await authorize({});
    assert.equal(refused.get('error'), 'invalid_request');
    assert.match(refused.get('error_description')!, /code_challenge is required/);
    assert.equal(refused.get('state'), 's');
  });

  test('the pure rules', () => {
    assert.equal(pkceMethod(undefined), 'plain');
    assert.equal(pkceMethod('S256'), 'S256');
    assert.equal(pkceMethod('s256'), null);
    // RFC 7636 appendix B's example pair.
    assert.equal(s256(verifier), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    assert.equal(pkceProblem('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'S256', verifier, s256), null);
    assert.match(pkceProblem(verifier, 'plain', 'x'.repeat(42), s256)!, /43 to 128/);
  });
});

describe('oauth.strict', () => {
  test('off (default): a missing response_type and a code redeemed without redirect_uri are accepted with a note', async () => {
    const form = { client_id: clientId, redirect_uri: redirectUri, state: 's', user: 'alice' };
    const code = new URL((await h.request('POST', '/oauth/authorize', { form })).header('location')!).searchParams.get('code');
    assert.ok(code, 'a code although response_type was not sent');
    const answer = await h.request('POST', '/oauth/token', {
      form: { grant_type: 'authorization_code', code, client_id: clientId, client_secret: clientSecret },
    });
    assert.equal(answer.status, 200);
  });

  test('on: both are refused, with descriptions a strict client accepts', async () => {
    await h.admin('PUT', '/api/config', { ...defaults, oauth: { ...defaults.oauth, strict: true } });
    const form = { client_id: clientId, redirect_uri: redirectUri, state: 's', user: 'alice' };
    const noType = new URL((await h.request('POST', '/oauth/authorize', { form })).header('location')!).searchParams;
    assert.equal(noType.get('error'), 'invalid_request');
    assert.match(noType.get('error_description')!, /response_type is missing/);
    const code = (await authorize({})).get('code')!;
    const answer = await h.request('POST', '/oauth/token', {
      form: { grant_type: 'authorization_code', code, client_id: clientId, client_secret: clientSecret },
    });
    assert.equal(answer.json().error, 'invalid_grant');
    assert.match(answer.json().error_description, /redirect_uri is missing/);
    // RFC 6749 §5.2: error_description is printable ASCII without " and \.
    for (const text of [noType.get('error_description')!, answer.json().error_description as string])
      assert.match(text, /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/);
  });
});
