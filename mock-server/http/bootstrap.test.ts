import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import {
  appendPath,
  bearer,
  browse,
  clientId,
  clientSecret,
  expectedChallenge,
  startHarness,
  tokenOf,
  withoutQuery,
  type Harness,
  type Reply,
} from '../../test-support/host-fixture.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const wopiTtlMs = 10 * 3600 * 1000;

function assertChallenge(reply: Reply, origin = h.origin): void {
  assert.equal(reply.status, 401, reply.text);
  assert.deepEqual(reply.headers['www-authenticate'], [expectedChallenge(origin)]);
}

function getNewAccessToken(token: string | null, wopiSrc?: string, extra: Record<string, string> = {}) {
  return h.request('POST', '/wopibootstrapper', {
    headers: {
      ...(token !== null ? bearer(token) : {}),
      'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN',
      ...(wopiSrc !== undefined ? { 'x-wopi-wopisrc': wopiSrc } : {}),
      ...extra,
    },
  });
}

/** Reads the hidden fields of the sign-in form, as a browser would submit them. */
function hiddenFields(html: string): Array<[string, string]> {
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

describe('Office mobile, end to end', () => {
  test('unauthenticated Bootstrap → sign-in → token → Bootstrap → ecosystem → root → children → GetNewAccessToken → CheckFileInfo → GetFile', async () => {
    // 1. Unauthenticated Bootstrap: 401 with exactly one Bearer challenge.
    const first = await h.request('GET', '/wopibootstrapper', {
      headers: { 'user-agent': 'Word/1.22.16051600 CFNetwork/758.2.8 Darwin/15.4.0' },
    });
    assertChallenge(first);
    const authorizationUri = `${h.origin}/oauth/authorize`;
    const tokenUri = `${h.origin}/oauth/token`;

    // 2. The authorization page, with the query Office builds (leading "&" and empty scope included).
    const query = `?&rs=en-US&build=16.0.7030&platform=iOS&client_id=${clientId}&redirect_uri=${encodeURIComponent('https://localhost')}&response_type=code&scope=&state=s%20%261`;
    const page = await h.request('GET', authorizationUri + query, { headers: { 'accept-language': 'en-US' } });
    assert.equal(page.status, 200);
    assert.match(page.header('content-type')!, /^text\/html(;|$)/);
    assert.equal(page.header('cache-control'), 'no-store');
    for (const shown of [
      'Alice Adams',
      'alice@contoso.test',
      'Bob Baker',
      'bob@contoso.test',
      'name="user" value="alice"',
      'name="user" value="bob"',
    ]) {
      assert.ok(page.text.includes(shown), `sign-in page lacks ${shown}`);
    }
    for (const [name, value] of [
      ['rs', 'en-US'],
      ['build', '16.0.7030'],
      ['platform', 'iOS'],
      ['client_id', clientId],
      ['redirect_uri', 'https://localhost'],
      ['response_type', 'code'],
      ['state', 's &amp;1'],
    ]) {
      assert.ok(page.text.includes(`<tr><th scope="row">${name}</th><td>${value}</td></tr>`), `parameter ${name} not echoed as ${value}`);
    }
    assert.ok(page.text.includes('<tr><th scope="row">scope</th><td><span class="absent">(empty)</span></td></tr>'));
    const fields = hiddenFields(page.text);
    assert.deepEqual(fields, [
      ['rs', 'en-US'],
      ['build', '16.0.7030'],
      ['platform', 'iOS'],
      ['client_id', clientId],
      ['redirect_uri', 'https://localhost'],
      ['response_type', 'code'],
      ['scope', ''],
      ['state', 's &1'],
    ]);

    // 3. The person picks alice: 302 to the redirect URI with the code and the state.
    const signedIn = await h.request('POST', authorizationUri, { form: Object.fromEntries([...fields, ['user', 'alice']]) });
    assert.equal(signedIn.status, 302);
    const location = new URL(signedIn.header('location')!);
    assert.equal(location.origin + location.pathname, 'https://localhost/');
    assert.deepEqual([...location.searchParams.keys()], ['code', 'state']);
    assert.equal(location.searchParams.get('state'), 's &1');
    const code = location.searchParams.get('code')!;

    // 4. The Identity Service redeems the code (client_secret_post).
    const tokenReply = await h.request('POST', tokenUri, {
      headers: { accept: 'application/json', 'user-agent': 'Microsoft Office Identity Service' },
      form: { client_id: clientId, client_secret: clientSecret, code, grant_type: 'authorization_code', redirect_uri: 'https://localhost' },
    });
    assert.equal(tokenReply.status, 200, tokenReply.text);
    assert.match(tokenReply.header('content-type')!, /^application\/json(;|$)/);
    assert.equal(tokenReply.header('cache-control'), 'no-store');
    const tokens = tokenReply.json();
    assert.deepEqual(Object.keys(tokens), ['access_token', 'token_type', 'expires_in', 'refresh_token']);
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.expires_in, 3600);
    assert.equal(typeof tokens.access_token, 'string');
    assert.equal(typeof tokens.refresh_token, 'string');
    assert.notEqual(tokens.access_token, tokens.refresh_token);

    // 5. Authenticated Bootstrap (the profile call).
    const boot = await h.request('GET', '/wopibootstrapper', {
      headers: { ...bearer(tokens.access_token), 'user-agent': 'Microsoft Office Identity Service' },
    });
    assert.equal(boot.status, 200);
    assert.match(boot.header('content-type')!, /^application\/json(;|$)/);
    assert.equal(boot.headers['www-authenticate'], undefined);
    const bootstrap = boot.json().Bootstrap;
    assert.deepEqual(Object.keys(boot.json()), ['Bootstrap']);
    assert.deepEqual(
      { ...bootstrap, EcosystemUrl: '…' },
      { EcosystemUrl: '…', UserId: 'alice', SignInName: 'alice@contoso.test', UserFriendlyName: 'Alice Adams' },
    );
    const ecosystemToken = tokenOf(bootstrap.EcosystemUrl);
    assert.equal(bootstrap.EcosystemUrl, `${h.origin}/wopi/ecosystem?access_token=${ecosystemToken}`);
    assert.notEqual(ecosystemToken, tokens.access_token, 'EcosystemUrl must carry a WOPI token, not the OAuth one');
    assert.equal(decodeProtectedHeader(ecosystemToken).typ, 'wopi-mock-wopi+jwt');
    assert.equal(decodeJwt(ecosystemToken)['res'], 'ecosystem');

    // 6. CheckEcosystem on EcosystemUrl, then GetRootContainer by appending to its path.
    const ecosystem = await h.request('GET', bootstrap.EcosystemUrl);
    assert.equal(ecosystem.status, 200);
    assert.deepEqual(ecosystem.json(), { SupportsContainers: true });
    const pointer = await h.request('GET', appendPath(bootstrap.EcosystemUrl, '/root_container_pointer'));
    assert.equal(pointer.status, 200);
    const rootFromEcosystem = pointer.json();
    assert.equal(rootFromEcosystem.ContainerPointer.Name, 'Documents');
    assert.match(rootFromEcosystem.ContainerPointer.Url, new RegExp(`^${h.origin}/wopi/containers/[A-Za-z0-9_-]+\\?access_token=[^&]+$`));
    assert.equal(rootFromEcosystem.ContainerInfo.IsEduUser, false);
    assert.equal(rootFromEcosystem.ContainerInfo.LicenseCheckForEditIsEnabled, false);

    // 7. GetRootContainer through the bootstrapper, as Office starts browsing.
    const rootReply = await h.request('POST', '/wopibootstrapper', {
      headers: { ...bearer(tokens.access_token), 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' },
    });
    assert.equal(rootReply.status, 200);
    const rootInfo = rootReply.json();
    assert.deepEqual(Object.keys(rootInfo), ['Bootstrap', 'RootContainerInfo']);
    assert.equal(rootInfo.Bootstrap.UserId, 'alice');
    const rootUrl: string = rootInfo.RootContainerInfo.ContainerPointer.Url;
    assert.equal(withoutQuery(rootUrl), withoutQuery(rootFromEcosystem.ContainerPointer.Url));
    assert.deepEqual(rootInfo.RootContainerInfo.ContainerInfo, rootFromEcosystem.ContainerInfo);

    // 8. EnumerateChildren on the root: the three seeded documents, absolute URLs with tokens.
    const children = await h.request('GET', appendPath(rootUrl, '/children'));
    assert.equal(children.status, 200);
    const listing = children.json();
    assert.deepEqual(listing.ChildContainers, []);
    assert.deepEqual(
      listing.ChildFiles.map((f: { Name: string }) => f.Name),
      ['Budget.xlsx', 'Pitch deck.pptx', 'Welcome.docx'],
    );
    for (const file of listing.ChildFiles) {
      assert.match(file.Url, new RegExp(`^${h.origin}/wopi/files/[A-Za-z0-9_-]+\\?access_token=[^&]+$`));
      assert.equal(file.Version, '1');
      assert.ok(Number.isInteger(file.Size) && file.Size > 0);
    }
    const docx = listing.ChildFiles[2];

    // 9. GetNewAccessToken for the file's WopiSrc: AccessTokenExpiry in ms.
    const fresh = await getNewAccessToken(tokens.access_token, withoutQuery(docx.Url));
    assert.equal(fresh.status, 200, fresh.text);
    assert.match(fresh.header('content-type')!, /^application\/json(;|$)/);
    const freshBody = fresh.json();
    assert.deepEqual(Object.keys(freshBody), ['Bootstrap', 'AccessTokenInfo']);
    assert.equal(freshBody.Bootstrap.UserId, 'alice');
    assert.equal(freshBody.AccessTokenInfo.AccessTokenExpiry, h.now() + wopiTtlMs);
    const fileToken: string = freshBody.AccessTokenInfo.AccessToken;
    assert.equal(decodeJwt(fileToken).exp, (h.now() + wopiTtlMs) / 1000);

    // 10. CheckFileInfo with that token.
    const info = await h.request('GET', `${withoutQuery(docx.Url)}?access_token=${encodeURIComponent(fileToken)}`);
    assert.equal(info.status, 200, info.text);
    const cfi = info.json();
    assert.equal(cfi.UserId, bootstrap.UserId);
    assert.equal(cfi.UserFriendlyName, bootstrap.UserFriendlyName);
    assert.equal(cfi.BaseFileName, 'Welcome.docx');
    assert.equal(cfi.OwnerId, 'alice');
    assert.equal(cfi.FileExtension, '.docx');
    assert.equal(cfi.Version, '1');
    assert.equal(cfi.IsEduUser, false);
    assert.equal(cfi.LicenseCheckForEditIsEnabled, false);
    assert.equal(cfi.SupportsContainers, true);
    assert.equal(cfi.Size, docx.Size);

    // 11. GetFile: the zip bytes, exactly Size long.
    const content = await h.request('GET', `${withoutQuery(docx.Url)}/contents?access_token=${encodeURIComponent(fileToken)}`);
    assert.equal(content.status, 200);
    assert.equal(content.body.length, cfi.Size);
    assert.equal(content.header('content-length'), String(cfi.Size));
    assert.equal(content.body.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
    assert.equal(content.header('x-wopi-itemversion'), '1');
  });
});

describe('Bootstrap authentication', () => {
  test('both "Bearer <t>" and "Bearer: <t>" are accepted, in any case', async () => {
    const { access_token } = await h.signIn('alice');
    for (const authorization of [
      `Bearer ${access_token}`,
      `Bearer: ${access_token}`,
      `bearer ${access_token}`,
      `  Bearer:   ${access_token}  `,
    ]) {
      const reply = await h.request('GET', '/wopibootstrapper', { headers: { authorization } });
      assert.equal(reply.status, 200, authorization);
      assert.equal(reply.json().Bootstrap.UserId, 'alice');
    }
  });

  test('a missing, blank, malformed or unknown credential is a 401 with the challenge', async () => {
    const { access_token } = await h.signIn('alice');
    const cases: Array<Record<string, string>> = [
      {},
      { authorization: '' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer:' },
      { authorization: `Basic ${Buffer.from('alice:x').toString('base64')}` },
      { authorization: `Token ${access_token}` },
      { authorization: `Bearer ${access_token} extra` },
      { authorization: 'Bearer not-a-jwt' },
      { authorization: `Bearer ${access_token.slice(0, -4)}AAAA` },
    ];
    for (const headers of cases) {
      assertChallenge(await h.request('GET', '/wopibootstrapper', { headers }));
      // POST with a shortcut operation, and POST with none, answer the same.
      assertChallenge(
        await h.request('POST', '/wopibootstrapper', { headers: { ...headers, 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' } }),
      );
      assertChallenge(await h.request('POST', '/wopibootstrapper', { headers }));
    }
  });

  test('a WOPI token or a refresh token is not an OAuth access token', async () => {
    const { access_token, refresh_token } = await h.signIn('alice');
    const boot = await h.request('GET', '/wopibootstrapper', { headers: bearer(access_token) });
    const wopiToken = tokenOf(boot.json().Bootstrap.EcosystemUrl);
    assertChallenge(await h.request('GET', '/wopibootstrapper', { headers: bearer(wopiToken) }));
    assertChallenge(await h.request('GET', '/wopibootstrapper', { headers: bearer(refresh_token) }));
    // Nor is the OAuth token a WOPI token.
    const ecosystem = await h.request('GET', `${h.origin}/wopi/ecosystem?access_token=${access_token}`);
    assert.equal(ecosystem.status, 401);
    assert.equal(ecosystem.headers['www-authenticate'], undefined);
  });

  test('an expired OAuth access token is a 401 with the challenge, one second exactly', async () => {
    const { access_token, expires_in } = await h.signIn('alice');
    assert.equal(expires_in, 3600);
    h.advance(3600 * 1000 - 1);
    assert.equal((await h.request('GET', '/wopibootstrapper', { headers: bearer(access_token) })).status, 200);
    h.advance(1);
    assertChallenge(await h.request('GET', '/wopibootstrapper', { headers: bearer(access_token) }));
    assertChallenge(await getNewAccessToken(access_token, `${h.origin}/wopi/files/whatever`));
  });

  test('a revoked OAuth access token is a 401 with the challenge', async () => {
    const { access_token } = await h.signIn('bob');
    assert.equal((await h.request('GET', '/wopibootstrapper', { headers: bearer(access_token) })).status, 200);
    assert.equal((await h.admin('POST', '/api/users/bob/revoke')).status, 200);
    assertChallenge(await h.request('GET', '/wopibootstrapper', { headers: bearer(access_token) }));
  });
});

describe('GetNewAccessToken', () => {
  let alice: string;
  let aliceFiles: Awaited<ReturnType<typeof browse>>['files'];
  let aliceRoot: string;
  let bobFiles: Awaited<ReturnType<typeof browse>>['files'];
  before(async () => {
    alice = (await h.signIn('alice')).access_token;
    ({ files: aliceFiles, rootUrl: aliceRoot } = await browse(h, alice));
    bobFiles = (await browse(h, (await h.signIn('bob')).access_token)).files;
  });

  const notFound = (reply: Reply) => {
    assert.equal(reply.status, 404, reply.text);
    assert.equal(reply.headers['www-authenticate'], undefined);
    assert.equal(reply.text, '');
  };

  test('a missing, unparseable, foreign, unknown or not-yours WopiSrc is a 404', async () => {
    const port = new URL(h.origin).port;
    const fileId = new URL(aliceFiles[0]!.Url).pathname.split('/').pop()!;
    notFound(await getNewAccessToken(alice));
    notFound(await getNewAccessToken(alice, ''));
    notFound(await getNewAccessToken(alice, 'not a url'));
    notFound(await getNewAccessToken(alice, `/wopi/files/${fileId}`));
    notFound(await getNewAccessToken(alice, `http://localhost:${port}/wopi/files/${fileId}`));
    notFound(await getNewAccessToken(alice, `https://evil.example:${port}/wopi/files/${fileId}`));
    notFound(await getNewAccessToken(alice, `https://localhost:${Number(port) + 1}/wopi/files/${fileId}`));
    notFound(await getNewAccessToken(alice, `${h.origin}/wopi/files/AAAAAAAAAAAAAAAA`));
    notFound(await getNewAccessToken(alice, `${h.origin}/wopi/files/${fileId}/contents`));
    notFound(await getNewAccessToken(alice, `${h.origin}/wopi/files/..%2F${fileId}`));
    notFound(await getNewAccessToken(alice, `${h.origin}/wopi/containers/${fileId}`));
    notFound(await getNewAccessToken(alice, withoutQuery(bobFiles[0]!.Url)));
  });

  test('unauthenticated is a 401 with the challenge, even for a good WopiSrc', async () => {
    assertChallenge(await getNewAccessToken(null, withoutQuery(aliceFiles[0]!.Url)));
    assertChallenge(await getNewAccessToken('garbage', withoutQuery(aliceFiles[0]!.Url)));
  });

  test('the WopiSrc may name the host by IP, end in "/" or carry a stray token; the new token opens the file', async () => {
    const src = withoutQuery(aliceFiles[1]!.Url);
    const viaIp = src.replace('//localhost:', '//127.0.0.1:');
    for (const wopiSrc of [src, src + '/', viaIp, aliceFiles[1]!.Url, src.replace('localhost', 'LOCALHOST')]) {
      const reply = await getNewAccessToken(alice, wopiSrc, { 'x-wopi-sessioncontext': 'hello:World' });
      assert.equal(reply.status, 200, wopiSrc);
      const { AccessToken, AccessTokenExpiry } = reply.json().AccessTokenInfo;
      assert.equal(AccessTokenExpiry, h.now() + wopiTtlMs);
      const info = await h.request('GET', `${src}?access_token=${AccessToken}`);
      assert.equal(info.status, 200);
      assert.equal(info.json().BaseFileName, aliceFiles[1]!.Name);
    }
  });

  test('a container WopiSrc gives a token for that container', async () => {
    const reply = await getNewAccessToken(alice, withoutQuery(aliceRoot));
    assert.equal(reply.status, 200);
    const { AccessToken } = reply.json().AccessTokenInfo;
    const children = await h.request('GET', `${withoutQuery(aliceRoot)}/children?access_token=${AccessToken}`);
    assert.equal(children.status, 200);
    assert.equal(children.json().ChildFiles.length, 3);
  });

  test('an unknown X-WOPI-EcosystemOperation is answered as a plain Bootstrap', async () => {
    for (const operation of ['FROBNICATE', '', 'get_new_access_token_please']) {
      const reply = await h.request('POST', '/wopibootstrapper', { headers: { ...bearer(alice), 'x-wopi-ecosystemoperation': operation } });
      assert.equal(reply.status, 200, operation);
      assert.deepEqual(Object.keys(reply.json()), ['Bootstrap']);
      assert.equal(reply.json().Bootstrap.UserId, 'alice');
    }
    // The operation name is matched case-insensitively, as other WOPI headers are.
    const lower = await getNewAccessToken(alice, withoutQuery(aliceFiles[0]!.Url), { 'x-wopi-ecosystemoperation': 'get_new_access_token' });
    assert.equal(lower.status, 200);
    assert.deepEqual(Object.keys(lower.json()), ['Bootstrap', 'AccessTokenInfo']);
  });
});

test('/ca.crt serves exactly the CA certificate and nothing secret', async () => {
  const reply = await h.request('GET', '/ca.crt');
  assert.equal(reply.status, 200);
  assert.equal(reply.text, h.ca);
  assert.match(reply.text, /^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n?$/);
  assert.equal((reply.text.match(/BEGIN CERTIFICATE/g) ?? []).length, 1);
  assert.doesNotMatch(reply.text, /PRIVATE KEY/);
  assert.equal(reply.header('content-type'), 'application/x-x509-ca-cert');
});
