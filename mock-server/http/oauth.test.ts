import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, clientId, clientSecret, redirectUri, startHarness, type Harness, type Reply } from '../../test-support/host-fixture.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const officeParams = {
  client_id: clientId,
  redirect_uri: redirectUri,
  response_type: 'code',
  rs: 'en-US',
  build: '16.0.7030',
  platform: 'iOS',
  scope: '',
};

function authorizeQuery(params: Record<string, string>): string {
  return '/oauth/authorize?' + new URLSearchParams(params).toString();
}

/** POST user=<id> to the authorization endpoint; returns the code from the redirect. */
async function codeFor(userId: string, params: Record<string, string> = officeParams): Promise<string> {
  const reply = await h.request('POST', '/oauth/authorize', { form: { ...params, user: userId } });
  assert.equal(reply.status, 302, reply.text);
  return new URL(reply.header('location')!).searchParams.get('code')!;
}

function redeem(form: Record<string, string>, headers: Record<string, string> = {}) {
  return h.request('POST', '/oauth/token', { form, headers });
}

const redeemCode = (code: string, extra: Record<string, string> = {}) =>
  redeem({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, client_secret: clientSecret, ...extra });

/** RFC 6749 §5.2: JSON `{error, error_description}`, not cached. */
function assertOAuthError(reply: Reply, status: number, error: string): void {
  assert.equal(reply.status, status, reply.text);
  assert.match(reply.header('content-type')!, /^application\/json(;|$)/);
  assert.equal(reply.header('cache-control'), 'no-store');
  const body = reply.json();
  assert.deepEqual(Object.keys(body), ['error', 'error_description']);
  assert.equal(body.error, error);
  assert.equal(typeof body.error_description, 'string');
  assert.match(body.error_description, /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/);
}

/** RFC 6749 §4.1.2.1: an untrusted client or redirect URI gets an error page, never a redirect. */
function assertErrorPage(reply: Reply, detail: RegExp): void {
  assert.equal(reply.status, 400);
  assert.equal(reply.headers['location'], undefined);
  assert.match(reply.header('content-type')!, /^text\/html(;|$)/);
  assert.match(reply.text, /Sign-in cannot continue/);
  assert.match(reply.text, detail);
}

async function bootstrapStatus(accessToken: string): Promise<number> {
  return (await h.request('GET', '/wopibootstrapper', { headers: bearer(accessToken) })).status;
}

async function updateConfig(change: (config: any) => void): Promise<void> {
  const config = (await h.admin('GET', '/api/config')).json();
  change(config);
  const reply = await h.admin('PUT', '/api/config', config);
  assert.equal(reply.status, 200, reply.text);
}

describe('authorization endpoint', () => {
  test('an unknown client_id or an unconfigured redirect_uri gets an HTML error page and no redirect', async () => {
    for (const method of ['GET', 'POST']) {
      const send = (params: Record<string, string>) =>
        method === 'GET'
          ? h.request('GET', authorizeQuery(params))
          : h.request('POST', '/oauth/authorize', { form: { ...params, user: 'alice' } });
      assertErrorPage(
        await send({ ...officeParams, client_id: 'someone-else' }),
        /client_id &quot;someone-else&quot; is not the configured OAuth client/,
      );
      assertErrorPage(
        await send({ ...officeParams, redirect_uri: 'https://evil.example/steal' }),
        /redirect_uri &quot;https:\/\/evil.example\/steal&quot; is not one of the configured redirect URIs/,
      );
      assertErrorPage(
        await send({ ...officeParams, redirect_uri: 'https://localhost.evil.example' }),
        /is not one of the configured redirect URIs/,
      );
      const { client_id: _omitted, ...withoutClient } = officeParams;
      assertErrorPage(await send(withoutClient), /client_id is missing/);
    }
  });

  test('the registered redirect URI matches with or without its trailing slash, and is the default when omitted', async () => {
    for (const uri of ['https://localhost', 'https://localhost/', 'HTTPS://LOCALHOST:443']) {
      const reply = await h.request('POST', '/oauth/authorize', { form: { ...officeParams, redirect_uri: uri, user: 'alice' } });
      assert.equal(reply.status, 302, uri);
      assert.match(reply.header('location')!, /^https:\/\/localhost\/\?code=[^&]+$/);
    }
    const { redirect_uri: _omitted, ...withoutRedirect } = officeParams;
    const reply = await h.request('POST', '/oauth/authorize', { form: { ...withoutRedirect, user: 'alice' } });
    assert.equal(reply.status, 302);
    assert.match(reply.header('location')!, /^https:\/\/localhost\/\?code=[^&]+$/);
  });

  test('deny redirects with error=access_denied and the state', async () => {
    const reply = await h.request('POST', '/oauth/authorize', { form: { ...officeParams, state: 'xyz', action: 'deny' } });
    assert.equal(reply.status, 302);
    const location = new URL(reply.header('location')!);
    assert.equal(location.origin + location.pathname, 'https://localhost/');
    assert.deepEqual([...location.searchParams.keys()], ['error', 'error_description', 'state']);
    assert.equal(location.searchParams.get('error'), 'access_denied');
    assert.equal(location.searchParams.get('state'), 'xyz');
  });

  test('response_type=token redirects with error=unsupported_response_type', async () => {
    for (const method of ['GET', 'POST']) {
      const params = { ...officeParams, response_type: 'token', state: 'st' };
      const reply =
        method === 'GET'
          ? await h.request('GET', authorizeQuery(params))
          : await h.request('POST', '/oauth/authorize', { form: { ...params, user: 'alice' } });
      assert.equal(reply.status, 302, method);
      const location = new URL(reply.header('location')!);
      assert.equal(location.searchParams.get('error'), 'unsupported_response_type');
      assert.equal(location.searchParams.get('state'), 'st');
      assert.equal(location.searchParams.get('code'), null);
    }
  });

  test('an unknown user or no user re-renders the page with a 400 and no code', async () => {
    const unknown = await h.request('POST', '/oauth/authorize', { form: { ...officeParams, user: 'mallory' } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.headers['location'], undefined);
    assert.match(unknown.text, /There is no mock user &quot;mallory&quot;\./);
    const none = await h.request('POST', '/oauth/authorize', { form: officeParams });
    assert.equal(none.status, 400);
    assert.match(none.text, /Choose a user to sign in as\./);
  });
});

describe('token endpoint', () => {
  test('a code is single-use: the second redemption is invalid_grant', async () => {
    const code = await codeFor('alice');
    const first = await redeemCode(code);
    assert.equal(first.status, 200);
    assert.equal(await bootstrapStatus(first.json().access_token), 200);
    assertOAuthError(await redeemCode(code), 400, 'invalid_grant');
  });

  test('a replayed code revokes every token issued for it, refreshed ones included, and nothing else', async () => {
    const other = await h.signIn('alice');
    const code = await codeFor('alice');
    const first = (await redeemCode(code)).json();
    const refreshed = (
      await redeem({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: clientId, client_secret: clientSecret })
    ).json();
    assert.equal(await bootstrapStatus(refreshed.access_token), 200);

    const replay = await redeemCode(code);
    assertOAuthError(replay, 400, 'invalid_grant');
    assert.equal(
      replay.json().error_description,
      'the code was already used; the tokens issued for it are revoked (RFC 6749 section 4.1.2)',
    );
    for (const access of [first.access_token, refreshed.access_token]) assert.equal(await bootstrapStatus(access), 401);
    for (const refresh of [first.refresh_token, refreshed.refresh_token]) {
      const reply = await redeem({ grant_type: 'refresh_token', refresh_token: refresh, client_id: clientId, client_secret: clientSecret });
      assertOAuthError(reply, 400, 'invalid_grant');
      assert.match(reply.json().error_description, /redeemed a second time \(RFC 6749 section 4\.1\.2\)$/);
    }
    // Another sign-in of the same user is a different grant and keeps working.
    assert.equal(await bootstrapStatus(other.access_token), 200);
  });

  test('a code is bound to its redirect_uri', async () => {
    const code = await codeFor('alice');
    assertOAuthError(await redeemCode(code, { redirect_uri: 'https://localhost/elsewhere' }), 400, 'invalid_grant');
    assertOAuthError(await redeemCode(code, { redirect_uri: 'https://evil.example' }), 400, 'invalid_grant');
    // The same URI in another spelling is the same URI.
    assert.equal((await redeemCode(code, { redirect_uri: 'https://localhost/' })).status, 200);
  });

  test('a code is bound to the client it was issued to', async () => {
    const code = await codeFor('alice');
    await updateConfig((config) => (config.oauth.clientId = 'another-client'));
    try {
      assertOAuthError(await redeemCode(code, { client_id: 'another-client' }), 400, 'invalid_grant');
      assertOAuthError(await redeemCode(code), 400, 'invalid_client');
    } finally {
      await updateConfig((config) => (config.oauth.clientId = clientId));
    }
  });

  test('a wrong or missing client secret is invalid_client (400 without Basic)', async () => {
    const code = await codeFor('alice');
    const wrong = await redeemCode(code, { client_secret: 'nope' });
    assertOAuthError(wrong, 400, 'invalid_client');
    assert.equal(wrong.headers['www-authenticate'], undefined);
    assertOAuthError(
      await redeem({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId }),
      400,
      'invalid_client',
    );
    assertOAuthError(await redeemCode(code, { client_id: 'office-desktop' }), 400, 'invalid_client');
    // The code was not burnt by the failed client authentication.
    assert.equal((await redeemCode(code)).status, 200);
  });

  test('HTTP Basic client authentication works; a wrong one is 401 invalid_client with a Basic challenge', async () => {
    const basic = (id: string, secret: string) => ({
      authorization: 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64'),
    });
    const code = await codeFor('bob');
    const wrong = await redeem({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }, basic(clientId, 'wrong'));
    assertOAuthError(wrong, 401, 'invalid_client');
    assert.deepEqual(wrong.headers['www-authenticate'], ['Basic realm="wopi-mock-host"']);
    const garbled = await redeem({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }, { authorization: 'Basic !!!' });
    assertOAuthError(garbled, 401, 'invalid_client');
    // Credentials in both places are refused outright.
    assertOAuthError(
      await redeem(
        { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_secret: clientSecret },
        basic(clientId, clientSecret),
      ),
      400,
      'invalid_request',
    );

    const ok = await redeem({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }, basic(clientId, clientSecret));
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.header('cache-control'), 'no-store');
    const boot = await h.request('GET', '/wopibootstrapper', { headers: bearer(ok.json().access_token) });
    assert.equal(boot.json().Bootstrap.UserId, 'bob');
  });

  test('an unsupported, missing or malformed grant is refused with the RFC 6749 code', async () => {
    const client = { client_id: clientId, client_secret: clientSecret };
    assertOAuthError(await redeem({ ...client, grant_type: 'password', username: 'alice', password: 'x' }), 400, 'unsupported_grant_type');
    assertOAuthError(await redeem({ ...client, grant_type: 'client_credentials' }), 400, 'unsupported_grant_type');
    // Names every object has are not grants either.
    for (const grant_type of ['constructor', '__proto__', 'toString'])
      assertOAuthError(await redeem({ ...client, grant_type }), 400, 'unsupported_grant_type');
    assertOAuthError(await redeem(client), 400, 'invalid_request');
    assertOAuthError(await redeem({ ...client, grant_type: 'authorization_code' }), 400, 'invalid_request');
    assertOAuthError(await redeem({ ...client, grant_type: 'refresh_token' }), 400, 'invalid_request');
    assertOAuthError(
      await redeem({ ...client, grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: redirectUri }),
      400,
      'invalid_grant',
    );
    assertOAuthError(await h.request('GET', '/oauth/token'), 400, 'invalid_request');
    assertOAuthError(
      await h.request('POST', '/oauth/token', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...client, grant_type: 'refresh_token' }),
      }),
      400,
      'invalid_request',
    );
  });

  test('tokens of other kinds are not grants: an access or refresh token as a code, an access token as a refresh token', async () => {
    const { access_token, refresh_token } = await h.signIn('alice');
    const client = { client_id: clientId, client_secret: clientSecret };
    assertOAuthError(
      await redeem({ ...client, grant_type: 'authorization_code', code: access_token, redirect_uri: redirectUri }),
      400,
      'invalid_grant',
    );
    assertOAuthError(
      await redeem({ ...client, grant_type: 'authorization_code', code: refresh_token, redirect_uri: redirectUri }),
      400,
      'invalid_grant',
    );
    assertOAuthError(await redeem({ ...client, grant_type: 'refresh_token', refresh_token: access_token }), 400, 'invalid_grant');
  });

  test('the refresh_token grant issues a working access token', async () => {
    const first = await h.signIn('alice');
    h.advance(10_000);
    const refreshed = await redeem({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
      client_id: clientId,
      client_secret: clientSecret,
    });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.equal(refreshed.header('cache-control'), 'no-store');
    const body = refreshed.json();
    assert.deepEqual(Object.keys(body), ['access_token', 'token_type', 'expires_in', 'refresh_token']);
    assert.equal(body.token_type, 'bearer');
    assert.equal(body.expires_in, 3600);
    assert.notEqual(body.access_token, first.access_token);
    assert.equal(await bootstrapStatus(body.access_token), 200);
    // The new access token outlives the old one by the 10 s that passed.
    h.advance(3600_000 - 10_000);
    assert.equal(await bootstrapStatus(first.access_token), 401);
    assert.equal(await bootstrapStatus(body.access_token), 200);
  });

  test('expires_in is the configured lifetime even when issued mid-second', async () => {
    for (const offset of [1, 499, 500, 999]) {
      h.advance(offset);
      const { access_token, expires_in } = await h.signIn('alice');
      assert.equal(expires_in, 3600, `at +${offset} ms`);
      // The token lives until the end of that many whole seconds on the JWT clock.
      const exp = JSON.parse(Buffer.from(access_token.split('.')[1]!, 'base64url').toString()).exp;
      assert.equal(exp, Math.floor(h.now() / 1000) + 3600);
      h.advance(1000 - offset);
    }
  });

  test('a refresh token expires after tokenTtlSeconds.refreshToken', async () => {
    await updateConfig((config) => (config.tokenTtlSeconds.refreshToken = 120));
    try {
      const { refresh_token } = await h.signIn('bob');
      const refreshWith = (token: string) =>
        redeem({ grant_type: 'refresh_token', refresh_token: token, client_id: clientId, client_secret: clientSecret });
      h.advance(119_999);
      const early = await refreshWith(refresh_token);
      assert.equal(early.status, 200);
      h.advance(1);
      assertOAuthError(await refreshWith(refresh_token), 400, 'invalid_grant');
      // The refresh token issued with the last refresh has a lifetime of its own.
      assert.equal((await refreshWith(early.json().refresh_token)).status, 200);
    } finally {
      await updateConfig((config) => (config.tokenTtlSeconds.refreshToken = 30 * 86400));
    }
  });

  test('a refresh token stops working once its user is revoked', async () => {
    const { refresh_token } = await h.signIn('alice');
    assert.equal((await h.admin('POST', '/api/users/alice/revoke')).status, 200);
    assertOAuthError(
      await redeem({ grant_type: 'refresh_token', refresh_token, client_id: clientId, client_secret: clientSecret }),
      400,
      'invalid_grant',
    );
  });

  test('a code expires after tokenTtlSeconds.authorizationCode (600 s)', async () => {
    const early = await codeFor('alice');
    const late = await codeFor('alice');
    h.advance(600_000 - 1);
    assert.equal((await redeemCode(early)).status, 200);
    h.advance(1);
    assertOAuthError(await redeemCode(late), 400, 'invalid_grant');
  });

  test('a code issued before the user was revoked is refused', async () => {
    const code = await codeFor('bob');
    assert.equal((await h.admin('POST', '/api/users/bob/revoke')).status, 200);
    assertOAuthError(await redeemCode(code), 400, 'invalid_grant');
  });
});

describe('session context (sc) and alternative token endpoint (tk)', () => {
  const lastNotes = async () => {
    const { entries } = (await h.admin('GET', '/api/log?limit=1')).json();
    return entries[0].notes as string[];
  };

  test('off by default: the redirect carries only code and state', async () => {
    const reply = await h.request('POST', '/oauth/authorize', { form: { ...officeParams, state: 's1', user: 'alice' } });
    assert.deepEqual([...new URL(reply.header('location')!).searchParams.keys()], ['code', 'state']);
  });

  test('configured: the redirect adds tk and sc, and the log says when the client does not honour them', async () => {
    await updateConfig((config) => {
      config.oauth.sessionContext = 'hello:World';
      config.oauth.alternativeTokenEndpoint = true;
    });
    try {
      const reply = await h.request('POST', '/oauth/authorize', { form: { ...officeParams, state: 's1', user: 'alice' } });
      const location = new URL(reply.header('location')!);
      assert.deepEqual([...location.searchParams.keys()], ['code', 'state', 'tk', 'sc']);
      assert.equal(location.searchParams.get('sc'), 'hello:World');
      assert.match(reply.header('location')!, /&sc=hello%3AWorld$/);
      const tk = location.searchParams.get('tk')!;
      assert.equal(tk, `${h.engine.urls.wopiOrigin}/oauth/token?via=tk`);

      const code = location.searchParams.get('code')!;
      const form = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, client_secret: clientSecret };
      const viaTk = await h.request('POST', tk, { form, headers: { 'X-WOPI-SessionContext': 'hello:World' } });
      assert.equal(viaTk.status, 200, viaTk.text);
      assert.deepEqual(await lastNotes(), ['token request sent to the tk URL returned at sign-in']);

      const refresh = await redeem({
        grant_type: 'refresh_token',
        refresh_token: viaTk.json().refresh_token,
        client_id: clientId,
        client_secret: clientSecret,
      });
      assert.equal(refresh.status, 200);
      assert.deepEqual(await lastNotes(), [
        'token request sent to tokenIssuance_uri although sign-in returned tk; clients must use tk for all later code exchanges and refreshes (see https://github.com/microsoft/Office-Online-Test-Tools-and-Documentation/blob/4c39bf7a801bc8ee7974926d318d7f60bb3e8e16/docs/native/src/identity/specifytokenissuance.rst)',
        'X-WOPI-SessionContext missing: sign-in returned sc="hello:World", which the client should echo (see https://github.com/microsoft/Office-Online-Test-Tools-and-Documentation/blob/4c39bf7a801bc8ee7974926d318d7f60bb3e8e16/docs/native/src/identity/sessioncontext.rst)',
      ]);

      const gnat = await h.request('POST', '/wopibootstrapper', {
        headers: {
          ...bearer(viaTk.json().access_token),
          'X-WOPI-EcosystemOperation': 'GET_ROOT_CONTAINER',
          'X-WOPI-SessionContext': 'other',
        },
      });
      assert.equal(gnat.status, 200);
      assert.deepEqual(await lastNotes(), ['X-WOPI-SessionContext "other" differs from the sc="hello:World" returned at sign-in']);
    } finally {
      await updateConfig((config) => {
        config.oauth.sessionContext = '';
        config.oauth.alternativeTokenEndpoint = false;
      });
    }
  });
});
