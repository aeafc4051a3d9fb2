import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import {
  bearer,
  browse,
  clientId,
  clientSecret,
  expectedChallenge,
  startHarness,
  withoutQuery,
  type Harness,
  type Reply,
} from '../../test-support/host-fixture.js';

let h: Harness;
let defaults: any;
before(async () => {
  h = await startHarness();
  defaults = (await h.admin('GET', '/api/config')).json();
});
after(async () => {
  await h.close();
});

const adminPort = () => new URL(h.engine.urls.adminUrl).port;

async function putConfig(config: unknown): Promise<Reply> {
  return h.admin('PUT', '/api/config', config);
}

async function restoreDefaults(): Promise<void> {
  assert.equal((await putConfig(defaults)).status, 200);
}

async function challenge(): Promise<string[] | undefined> {
  const reply = await h.request('GET', '/wopibootstrapper');
  assert.equal(reply.status, 401);
  return reply.headers['www-authenticate'];
}

const bootstrapStatus = async (token: string) => (await h.request('GET', '/wopibootstrapper', { headers: bearer(token) })).status;
describe('admin API guard', () => {
  test('no token, a wrong token or another scheme is a 401 with the admin challenge', async () => {
    for (const token of [null, 'wrong', h.engine.urls.adminToken + 'x', '']) {
      const reply = await h.admin('GET', '/api/config', undefined, { token });
      assert.equal(reply.status, 401, String(token));
      assert.deepEqual(reply.headers['www-authenticate'], ['Bearer realm="wopi-mock-host-admin"']);
      assert.equal(reply.json().errors[0].path, '$');
    }
    const basic = await h.admin('GET', '/api/config', undefined, {
      token: null,
      headers: { authorization: `Basic ${Buffer.from('admin:' + h.engine.urls.adminToken).toString('base64')}` },
    });
    assert.equal(basic.status, 401);
    // Mutations are guarded too, and nothing happens.
    assert.equal((await h.admin('POST', '/api/faults', { operation: '*', status: 500 }, { token: null })).status, 401);
    assert.equal((await h.admin('POST', '/api/users/alice/revoke', undefined, { token: 'wrong' })).status, 401);
    assert.deepEqual((await h.admin('GET', '/api/faults')).json().faults, []);
  });

  test('a Host other than loopback (DNS rebinding) is a 403, even with the token', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${adminPort()}`,
      '127.0.0.1',
      `127.0.0.1:${Number(adminPort()) + 1}`,
      `localhost.evil.example:${adminPort()}`,
    ]) {
      const reply = await h.admin('GET', '/api/config', undefined, { headers: { host } });
      assert.equal(reply.status, 403, host);
      assert.deepEqual(reply.json(), {
        errors: [{ path: '$', message: 'the admin API only answers to 127.0.0.1, localhost or [::1] as Host' }],
      });
    }
    for (const host of [`localhost:${adminPort()}`, `127.0.0.1:${adminPort()}`, `LOCALHOST:${adminPort()}`]) {
      assert.equal((await h.admin('GET', '/api/config', undefined, { headers: { host } })).status, 200, host);
    }
  });

  test('a foreign Origin is a 403; the admin origin itself is fine', async () => {
    for (const origin of [
      'https://evil.example',
      'null',
      `https://127.0.0.1:${adminPort()}`,
      `http://127.0.0.1:${Number(adminPort()) + 1}`,
    ]) {
      const reply = await h.admin('PUT', '/api/config', defaults, { headers: { origin } });
      assert.equal(reply.status, 403, origin);
      assert.deepEqual(reply.json(), { errors: [{ path: '$', message: `cross-origin requests are refused (Origin ${origin})` }] });
    }
    assert.equal((await h.admin('GET', '/api/config', undefined, { headers: { origin: `http://127.0.0.1:${adminPort()}` } })).status, 200);
    assert.equal((await h.admin('GET', '/api/config', undefined, { headers: { origin: `http://localhost:${adminPort()}` } })).status, 200);
  });

  test('unknown endpoints are 404 JSON', async () => {
    const reply = await h.admin('GET', '/api/nothing');
    assert.equal(reply.status, 404);
    assert.deepEqual(reply.json(), { errors: [{ path: '$', message: 'no admin endpoint GET /api/nothing' }] });
  });
});

describe('config', () => {
  test('the defaults, and a GET/PUT round trip that changes the host', async () => {
    assert.deepEqual(defaults, {
      providerId: 'WopiMockHost',
      urlSchemes: { iOS: [], Android: [], UWP: [] },
      tokenTtlSeconds: { authorizationCode: 600, oauthAccessToken: 3600, refreshToken: 2_592_000, wopiAccessToken: 36_000 },
      oauth: {
        clientId: 'office-mobile',
        clientSecret: 'mock-client-secret',
        redirectUris: ['https://localhost'],
        sessionContext: '',
        alternativeTokenEndpoint: false,
        refreshTokens: { rotate: true, reuse: 'allow', graceSeconds: 0, omitOnRefresh: false, absoluteLifetimeSeconds: 0 },
        requirePkce: false,
        strict: false,
      },
      users: [
        { id: 'alice', signInName: 'alice@contoso.test', friendlyName: 'Alice Adams' },
        { id: 'bob', signInName: 'bob@contoso.test', friendlyName: 'Bob Baker' },
      ],
      faults: [],
      maxFileSizeBytes: 104_857_600,
      clockOffsetSeconds: 0,
      wopi: {},
      compatibility: { unknownEcosystemOperation: 'bootstrap', expiresInAsString: false, challengeErrorParameter: false },
      capabilities: { putRelativeFile: true, containers: true },
      knownBugs: {
        accessTokenExpiryInSeconds: false,
        oauthTokenInEcosystemUrl: false,
        challengeTrailingComma: false,
        challengeLowercaseParameters: false,
        challengeUnencodedUrlSchemes: false,
        challengeMissingOn401: false,
        challengeOn200: false,
        missingWopiSrcAnswers500: false,
        rootContainerAsBootstrap: false,
        checkFileInfoUserIdMismatch: false,
        childUrlsWithoutTokens: false,
        tokenResponseCacheable: false,
      },
      proxy: { reverse: null, forward: null, upstreamCa: null, insecureUpstream: false, timeoutMs: 30_000 },
    });
    const changed = structuredClone(defaults);
    changed.tokenTtlSeconds.oauthAccessToken = 120;
    changed.users.push({ id: 'carol', signInName: 'carol@contoso.test', friendlyName: 'Carol Clark' });
    try {
      const put = await putConfig(changed);
      assert.equal(put.status, 200);
      assert.deepEqual(put.json(), { config: changed, warnings: [] });
      assert.deepEqual((await h.admin('GET', '/api/config')).json(), changed);
      // In effect at once: carol can sign in, and gets the new lifetime and her own documents.
      const carol = await h.signIn('carol');
      assert.equal(carol.expires_in, 120);
      const { bootstrap, files } = await browse(h, carol.access_token);
      assert.equal(bootstrap.UserId, 'carol');
      assert.deepEqual(
        files.map((f) => f.Name),
        ['Budget.xlsx', 'Pitch deck.pptx', 'Welcome.docx'],
      );
    } finally {
      await restoreDefaults();
    }
    assert.deepEqual((await h.admin('GET', '/api/config')).json(), defaults);
  });

  test('a user added at run time gets exactly one root, even when the first requests race its creation', async () => {
    const added = structuredClone(defaults);
    const ids = ['dave', 'erin', 'frank', 'grace'];
    for (const id of ids) added.users.push({ id, signInName: `${id}@contoso.test`, friendlyName: '' });
    try {
      assert.equal((await putConfig(added)).status, 200);
      for (const id of ids) {
        const { access_token } = await h.signIn(id);
        const racing = await Promise.all([browse(h, access_token), browse(h, access_token), browse(h, access_token)]);
        const later = await browse(h, access_token);
        const roots = [...racing, later].map((b) => withoutQuery(b.rootUrl));
        assert.deepEqual(roots, [roots[0], roots[0], roots[0], roots[0]], `${id} got more than one root`);
        assert.deepEqual(
          later.files.map((f) => f.Name),
          ['Budget.xlsx', 'Pitch deck.pptx', 'Welcome.docx'],
        );
      }
    } finally {
      await restoreDefaults();
    }
  });

  test('omitted fields take their defaults', async () => {
    const put = await putConfig({ providerId: 'Contoso' });
    try {
      assert.equal(put.status, 200);
      assert.deepEqual(put.json().config, { ...defaults, providerId: 'Contoso' });
    } finally {
      await restoreDefaults();
    }
  });

  test('an invalid config is a 400 with exact paths, and nothing is applied', async () => {
    const { access_token } = await h.signIn('alice');
    const refuse = async (config: unknown, errors: Array<{ path: string; message: string }>) => {
      const reply = await putConfig(config);
      assert.equal(reply.status, 400, JSON.stringify(config));
      assert.deepEqual(reply.json(), { errors });
      assert.deepEqual((await h.admin('GET', '/api/config')).json(), defaults);
    };
    const duplicate = structuredClone(defaults);
    duplicate.users[1].id = 'alice';
    duplicate.providerId = 'ShouldNotApply';
    await refuse(duplicate, [{ path: '$.users[1].id', message: 'duplicates users[0].id "alice"' }]);

    const zeroTtl = structuredClone(defaults);
    zeroTtl.tokenTtlSeconds.wopiAccessToken = 0;
    await refuse(zeroTtl, [{ path: '$.tokenTtlSeconds.wopiAccessToken', message: 'must be at least 1 second' }]);

    const fractional = structuredClone(defaults);
    fractional.tokenTtlSeconds.oauthAccessToken = 1.5;
    await refuse(fractional, [{ path: '$.tokenTtlSeconds.oauthAccessToken', message: 'must be a whole number of seconds' }]);

    const badUser = structuredClone(defaults);
    badUser.users[0].id = 'a/b';
    badUser.users.splice(1, 1);
    await refuse(badUser, [
      { path: '$.users[0].id', message: 'must not contain any of \\ / : * ? " < > | # { } ^ [ ] ` % (Office iOS cannot load such ids)' },
    ]);

    const unknownField = { ...structuredClone(defaults), colour: 'blue' };
    await refuse(unknownField, [{ path: '$', message: 'unknown field: colour' }]);

    const badRedirect = structuredClone(defaults);
    badRedirect.oauth.redirectUris = ['not a url'];
    await refuse(badRedirect, [{ path: '$.oauth.redirectUris[0]', message: 'must be an absolute URL' }]);

    // The old config still rules: the challenge is unchanged and alice's token still works.
    assert.deepEqual(await challenge(), [expectedChallenge(h.origin)]);
    assert.equal(await bootstrapStatus(access_token), 200);
  });

  test('a body that is not JSON is a 400 and changes nothing', async () => {
    const reply = await h.admin('PUT', '/api/config', '{"providerId": "Broken",');
    assert.equal(reply.status, 400);
    const body = reply.json();
    assert.equal(body.errors.length, 1);
    assert.equal(body.errors[0].path, '$');
    assert.match(body.errors[0].message, /^the body is not valid JSON: /);
    assert.deepEqual((await h.admin('GET', '/api/config')).json(), defaults);
    const notAnObject = await h.admin('PUT', '/api/config', 'null');
    assert.equal(notAnObject.status, 400);
    assert.equal(notAnObject.json().errors[0].path, '$');
  });

  test('providerId tp_contoso is accepted with a warning and changes the next challenge', async () => {
    try {
      const put = await putConfig({ ...defaults, providerId: 'tp_contoso' });
      assert.equal(put.status, 200);
      assert.deepEqual(put.json().warnings, [
        {
          path: '$.providerId',
          message:
            'contains characters outside [A-Za-z0-9], which the Bootstrap spec does not allow (its own sample "tp_contoso" does the same); accepted',
        },
      ]);
      assert.deepEqual(await challenge(), [
        `Bearer authorization_uri="${h.origin}/oauth/authorize",tokenIssuance_uri="${h.origin}/oauth/token",providerId="tp_contoso"`,
      ]);
      assert.deepEqual((await h.admin('GET', '/api/status')).json().warnings, put.json().warnings);
      // An empty providerId is left out of the challenge.
      assert.equal((await putConfig({ ...defaults, providerId: '' })).status, 200);
      assert.deepEqual(await challenge(), [
        `Bearer authorization_uri="${h.origin}/oauth/authorize",tokenIssuance_uri="${h.origin}/oauth/token"`,
      ]);
    } finally {
      await restoreDefaults();
    }
    assert.deepEqual(await challenge(), [expectedChallenge(h.origin)]);
  });

  test('urlSchemes become the percent-encoded UrlSchemes parameter, empty platforms omitted', async () => {
    try {
      const schemes = { iOS: ['contoso', 'contoso-EMM'], Android: [], UWP: ['contoso'] };
      assert.equal((await putConfig({ ...defaults, providerId: 'Contoso', urlSchemes: schemes })).status, 200);
      const encoded = encodeURIComponent(JSON.stringify({ iOS: ['contoso', 'contoso-EMM'], UWP: ['contoso'] }));
      assert.equal(encoded, '%7B%22iOS%22%3A%5B%22contoso%22%2C%22contoso-EMM%22%5D%2C%22UWP%22%3A%5B%22contoso%22%5D%7D');
      assert.deepEqual(await challenge(), [expectedChallenge(h.origin, 'Contoso', encoded)]);
      // Every platform empty: no UrlSchemes parameter at all.
      assert.equal((await putConfig({ ...defaults, providerId: 'Contoso', urlSchemes: { iOS: [], Android: [], UWP: [] } })).status, 200);
      assert.deepEqual(await challenge(), [expectedChallenge(h.origin, 'Contoso')]);
    } finally {
      await restoreDefaults();
    }
  });
});

describe('compatibility switches', () => {
  test('expiresInAsString, unknownEcosystemOperation "notImplemented" and challengeErrorParameter', async () => {
    const { access_token } = await h.signIn('alice');
    try {
      const put = await putConfig({
        ...defaults,
        compatibility: { unknownEcosystemOperation: 'notImplemented', expiresInAsString: true, challengeErrorParameter: true },
      });
      assert.equal(put.status, 200);

      // The token issuance doc's sample: expires_in as a string.
      assert.equal((await h.signIn('alice')).expires_in, '3600' as unknown as number);

      // WopiHost's behaviour: an unknown operation is a 501, known ones and plain Bootstrap still work.
      const ecosystemOperation = (operation: string) =>
        h.request('POST', '/wopibootstrapper', { headers: { ...bearer(access_token), 'x-wopi-ecosystemoperation': operation } });
      assert.equal((await ecosystemOperation('FROBNICATE')).status, 501);
      assert.equal((await ecosystemOperation('GET_ROOT_CONTAINER')).status, 200);
      assert.equal((await h.request('POST', '/wopibootstrapper', { headers: bearer(access_token) })).status, 200);
      assert.equal(
        (await h.request('GET', '/wopibootstrapper', { headers: { ...bearer(access_token), 'x-wopi-ecosystemoperation': 'FROBNICATE' } }))
          .status,
        200,
      );
      // Unauthenticated still comes first.
      assert.equal((await h.request('POST', '/wopibootstrapper', { headers: { 'x-wopi-ecosystemoperation': 'FROBNICATE' } })).status, 401);

      // RFC 6750 error="invalid_token" only when a token was sent and refused.
      const bad = await h.request('GET', '/wopibootstrapper', { headers: bearer('garbage') });
      assert.deepEqual(bad.headers['www-authenticate'], [expectedChallenge(h.origin) + ',error="invalid_token"']);
      assert.deepEqual(await challenge(), [expectedChallenge(h.origin)]);
    } finally {
      await restoreDefaults();
    }
    assert.equal((await h.signIn('alice')).expires_in, 3600);
  });
});

describe('revoking and removing users', () => {
  test("revoke: alice's access, refresh and WOPI tokens all stop working; bob's do not", async () => {
    const a = await h.signIn('alice');
    const b = await h.signIn('bob');
    const aliceFile = (await browse(h, a.access_token)).files[0]!;
    const bobFile = (await browse(h, b.access_token)).files[0]!;
    const revoked = await h.admin('POST', '/api/users/alice/revoke');
    assert.equal(revoked.status, 200);
    assert.deepEqual(revoked.json(), { userId: 'alice', revoked: true });

    const boot = await h.request('GET', '/wopibootstrapper', { headers: bearer(a.access_token) });
    assert.equal(boot.status, 401);
    assert.deepEqual(boot.headers['www-authenticate'], [expectedChallenge(h.origin)]);
    const refused = await h.refresh(a.refresh_token);
    assert.equal(refused.status, 400);
    assert.equal(refused.json().error, 'invalid_grant');
    assert.equal((await h.request('GET', aliceFile.Url)).status, 401);
    assert.equal((await h.request('GET', `${withoutQuery(aliceFile.Url)}/contents${new URL(aliceFile.Url).search}`)).status, 401);

    assert.equal(await bootstrapStatus(b.access_token), 200);
    assert.equal((await h.refresh(b.refresh_token)).status, 200);
    assert.equal((await h.request('GET', bobFile.Url)).status, 200);

    // Signing in again works.
    assert.equal(await bootstrapStatus((await h.signIn('alice')).access_token), 200);
    const unknown = await h.admin('POST', '/api/users/mallory/revoke');
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.json(), { errors: [{ path: '$', message: 'no mock user with id "mallory"' }] });
  });

  test('deleting a user invalidates their tokens, and re-adding the id does not bring them back', async () => {
    const a = await h.signIn('alice');
    const b = await h.signIn('bob');
    const aliceFile = (await browse(h, a.access_token)).files[0]!;
    try {
      assert.equal((await putConfig({ ...defaults, users: defaults.users.filter((u: { id: string }) => u.id !== 'alice') })).status, 200);
      assert.equal(await bootstrapStatus(a.access_token), 401);
      assert.equal((await h.refresh(a.refresh_token)).json().error, 'invalid_grant');
      assert.equal((await h.request('GET', aliceFile.Url)).status, 401);
      assert.equal(await bootstrapStatus(b.access_token), 200);
      const signIn = await h.request('POST', '/oauth/authorize', {
        form: { client_id: clientId, redirect_uri: 'https://localhost', response_type: 'code', user: 'alice' },
      });
      assert.equal(signIn.status, 400);

      await restoreDefaults();
      assert.equal(await bootstrapStatus(a.access_token), 401);
      assert.equal((await h.refresh(a.refresh_token)).json().error, 'invalid_grant');
      assert.equal((await h.request('GET', aliceFile.Url)).status, 401);
      assert.equal(await bootstrapStatus(b.access_token), 200);
    } finally {
      await restoreDefaults();
    }
  });

  test('renaming a user id invalidates the old id’s tokens; the new id signs in fresh', async () => {
    const a = await h.signIn('alice');
    const aliceFile = (await browse(h, a.access_token)).files[0]!;
    try {
      const renamed = structuredClone(defaults);
      renamed.users[0].id = 'alicia';
      assert.equal((await putConfig(renamed)).status, 200);
      assert.equal(await bootstrapStatus(a.access_token), 401);
      assert.equal((await h.request('GET', aliceFile.Url)).status, 401);
      const alicia = await h.signIn('alicia');
      const { bootstrap, files } = await browse(h, alicia.access_token);
      assert.equal(bootstrap.UserId, 'alicia');
      assert.equal(files.length, 3);
      // alice's documents are not alicia's.
      const fresh = await h.request('POST', '/wopibootstrapper', {
        headers: {
          ...bearer(alicia.access_token),
          'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN',
          'x-wopi-wopisrc': withoutQuery(aliceFile.Url),
        },
      });
      assert.equal(fresh.status, 404);
    } finally {
      await restoreDefaults();
    }
  });
});

describe('persistence', () => {
  test('a restart on the same data dir keeps the config, the CA and the signing key; revoked stays revoked', async () => {
    const dataDir = await mkdtemp(os.tmpdir() + '/wopi-test-');
    let second: Harness | undefined;
    try {
      const first = await startHarness({ dataDir });
      const config = {
        ...defaults,
        providerId: 'Persisted',
        tokenTtlSeconds: { ...defaults.tokenTtlSeconds, wopiAccessToken: 7200 },
        faults: [{ id: 'kept', operation: 'GetFile', status: 503 }],
      };
      assert.equal((await first.admin('PUT', '/api/config', config)).status, 200);
      const a = await first.signIn('alice');
      const b = await first.signIn('bob');
      const aliceFile = (await browse(first, a.access_token)).files[0]!;
      assert.equal((await first.admin('POST', '/api/users/bob/revoke')).status, 200);
      await first.close();

      second = await startHarness({ dataDir, startAt: first.now() + 1000 });
      assert.notEqual(second.origin, first.origin);
      assert.equal(second.ca, first.ca);
      assert.deepEqual((await second.admin('GET', '/api/config')).json(), config);
      assert.deepEqual((await second.request('GET', '/wopibootstrapper')).headers['www-authenticate'], [
        expectedChallenge(second.origin, 'Persisted'),
      ]);

      const boot = await second.request('GET', '/wopibootstrapper', { headers: bearer(a.access_token) });
      assert.equal(boot.status, 200);
      assert.equal(boot.json().Bootstrap.UserId, 'alice');
      const moved = (url: string) => second!.origin + new URL(url).pathname + new URL(url).search;
      const info = await second.request('GET', moved(aliceFile.Url));
      assert.equal(info.status, 200);
      assert.equal(info.json().BaseFileName, aliceFile.Name);
      assert.equal(info.json().Size, aliceFile.Size);
      // The persisted fault rule still fires.
      assert.equal(
        (await second.request('GET', moved(`${withoutQuery(aliceFile.Url)}/contents${new URL(aliceFile.Url).search}`))).status,
        503,
      );
      const refreshed = await second.request('POST', '/oauth/token', {
        form: { grant_type: 'refresh_token', refresh_token: a.refresh_token, client_id: clientId, client_secret: clientSecret },
      });
      assert.equal(refreshed.status, 200);

      assert.equal((await second.request('GET', '/wopibootstrapper', { headers: bearer(b.access_token) })).status, 401);
      const bobRefresh = await second.request('POST', '/oauth/token', {
        form: { grant_type: 'refresh_token', refresh_token: b.refresh_token, client_id: clientId, client_secret: clientSecret },
      });
      assert.equal(bobRefresh.json().error, 'invalid_grant');
    } finally {
      await second?.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

test('GET /api/status describes the running host', async () => {
  const status = (await h.admin('GET', '/api/status')).json();
  assert.equal(status.wopiOrigin, h.origin);
  assert.equal(status.bootstrapperUrl, `${h.origin}/wopibootstrapper`);
  assert.equal(status.adminUrl, h.engine.urls.adminUrl);
  assert.equal(status.publicHost, 'localhost');
  assert.equal(status.dataDir, h.dataDir);
  assert.equal(status.caCertificatePath, h.engine.urls.caCertificatePath);
  assert.ok(status.leafSubjectAltNames.includes('DNS:localhost'));
  assert.ok(status.lanBootstrapperUrls.includes(`${h.origin}/wopibootstrapper`));
});
