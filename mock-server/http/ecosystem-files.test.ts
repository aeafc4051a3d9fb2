import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import {
  appendPath,
  bearer,
  browse,
  startHarness,
  tokenOf,
  withoutQuery,
  type ChildFile,
  type Harness,
  type Reply,
} from '../../test-support/host-fixture.js';

let h: Harness;
let alice: string;
let aliceBrowse: Awaited<ReturnType<typeof browse>>;
let bobBrowse: Awaited<ReturnType<typeof browse>>;

before(async () => {
  h = await startHarness();
  alice = (await h.signIn('alice')).access_token;
  aliceBrowse = await browse(h, alice);
  bobBrowse = await browse(h, (await h.signIn('bob')).access_token);
});
after(async () => {
  await h.close();
});

const expOf = (url: string) => decodeJwt(tokenOf(url)).exp;
const idOf = (url: string) => new URL(url).pathname.split('/').pop()!;
const withToken = (url: string, token: string) => `${withoutQuery(url)}?access_token=${encodeURIComponent(token)}`;

/** WOPI endpoints refuse with a bare 401: the Bearer challenge belongs to the bootstrapper only. */
function assertWopi401(reply: Reply): void {
  assert.equal(reply.status, 401, reply.text);
  assert.equal(reply.headers['www-authenticate'], undefined);
  assert.equal(reply.text, '');
  assert.ok(reply.header('x-wopi-servererror'));
}

function assertWopi404(reply: Reply): void {
  assert.equal(reply.status, 404, reply.text);
  assert.equal(reply.headers['www-authenticate'], undefined);
}

async function updateConfig(change: (config: any) => void): Promise<void> {
  const config = (await h.admin('GET', '/api/config')).json();
  change(config);
  const reply = await h.admin('PUT', '/api/config', config);
  assert.equal(reply.status, 200, reply.text);
}

function fileNamed(files: ChildFile[], name: string): ChildFile {
  const file = files.find((f) => f.Name === name);
  assert.ok(file, `no ${name}`);
  return file;
}

describe('ecosystem', () => {
  test('CheckEcosystem answers only to an ecosystem token', async () => {
    const ecosystemUrl = aliceBrowse.bootstrap.EcosystemUrl;
    assert.deepEqual((await h.request('GET', ecosystemUrl)).json(), { SupportsContainers: true });
    // The validator's style: the token in an Authorization header instead of the query.
    const viaHeader = await h.request('GET', '/wopi/ecosystem', { headers: bearer(tokenOf(ecosystemUrl)) });
    assert.equal(viaHeader.status, 200);
    assertWopi401(await h.request('GET', '/wopi/ecosystem'));
    assertWopi401(await h.request('GET', '/wopi/ecosystem?access_token=garbage'));
    assertWopi401(await h.request('GET', withToken(ecosystemUrl, tokenOf(aliceBrowse.files[0]!.Url))));
    assertWopi401(await h.request('GET', withToken(ecosystemUrl, tokenOf(aliceBrowse.rootUrl))));
    assertWopi401(await h.request('GET', `/wopi/ecosystem?access_token=${alice}`));
    assertWopi401(await h.request('GET', `/wopi/ecosystem?access_token=${tokenOf(ecosystemUrl)}&access_token=${tokenOf(ecosystemUrl)}`));
  });

  test('GetFileWopiSrc on the ecosystem, which this host does not implement, is a 501 that says so', async () => {
    const reply = await h.request('POST', aliceBrowse.bootstrap.EcosystemUrl, { headers: { 'X-WOPI-Override': 'GET_FILE_WOPI_SRC' } });
    assert.equal(reply.status, 501);
    assert.equal(reply.header('x-wopi-servererror'), 'GetFileWopiSrc is not implemented by this host');
  });

  test('GetEcosystem from a file and from a container points back at the ecosystem', async () => {
    for (const url of [aliceBrowse.files[0]!.Url, aliceBrowse.rootUrl]) {
      const reply = await h.request('GET', appendPath(url, '/ecosystem_pointer'));
      assert.equal(reply.status, 200);
      const { Url } = reply.json();
      assert.equal(withoutQuery(Url), `${h.origin}/wopi/ecosystem`);
      assert.equal(expOf(Url), expOf(url));
      assert.equal((await h.request('GET', Url)).status, 200);
    }
  });
});

describe('containers', () => {
  test('CheckContainerInfo on the root carries the mobile licensing fields, equal to its files', async () => {
    const reply = await h.request('GET', aliceBrowse.rootUrl);
    assert.equal(reply.status, 200);
    const info = reply.json();
    assert.equal(info.Name, 'Documents');
    const file = (await h.request('GET', aliceBrowse.files[0]!.Url)).json();
    assert.equal(typeof info.IsEduUser, 'boolean');
    assert.equal(typeof info.LicenseCheckForEditIsEnabled, 'boolean');
    assert.equal(info.IsEduUser, file.IsEduUser);
    assert.equal(info.LicenseCheckForEditIsEnabled, file.LicenseCheckForEditIsEnabled);
  });

  test('EnumerateChildren filters on X-WOPI-FileExtensionFilterList, case-insensitively', async () => {
    const children = (filter: string) =>
      h.request('GET', appendPath(aliceBrowse.rootUrl, '/children'), { headers: { 'x-wopi-fileextensionfilterlist': filter } });
    const names = async (filter: string) => (await children(filter)).json().ChildFiles.map((f: ChildFile) => f.Name);
    assert.deepEqual(await names('.DOCX,.xlsx'), ['Budget.xlsx', 'Welcome.docx']);
    assert.deepEqual(await names('.pptx'), ['Pitch deck.pptx']);
    assert.deepEqual(await names('.doc'), []);
    assert.deepEqual(await names(''), ['Budget.xlsx', 'Pitch deck.pptx', 'Welcome.docx']);
    assert.equal((await children('docx')).status, 400);
  });

  test('EnumerateAncestors: a file has its root above it, the root has nothing', async () => {
    const file = await h.request('GET', appendPath(aliceBrowse.files[0]!.Url, '/ancestry'));
    assert.equal(file.status, 200);
    const ancestors = file.json().AncestorsWithRootFirst;
    assert.deepEqual(
      ancestors.map((a: { Name: string }) => a.Name),
      ['Documents'],
    );
    assert.equal(withoutQuery(ancestors[0].Url), withoutQuery(aliceBrowse.rootUrl));
    assert.equal(expOf(ancestors[0].Url), expOf(aliceBrowse.files[0]!.Url));
    const root = await h.request('GET', appendPath(aliceBrowse.rootUrl, '/ancestry'));
    assert.deepEqual(root.json(), { AncestorsWithRootFirst: [] });
  });
});

describe('files', () => {
  test('CheckFileInfo and GetFile agree on size, for every seeded document', async () => {
    const magic: Record<string, string> = { '.docx': 'PK', '.xlsx': 'PK', '.pptx': 'PK' };
    for (const file of aliceBrowse.files) {
      const info = (await h.request('GET', file.Url)).json();
      const content = await h.request('GET', appendPath(file.Url, '/contents'));
      assert.equal(content.status, 200);
      assert.equal(info.Size, file.Size);
      assert.equal(content.body.length, info.Size);
      assert.equal(content.body.subarray(0, 2).toString('latin1'), magic[info.FileExtension]);
      assert.equal(info.UserId, 'alice');
      assert.equal(info.BaseFileName, file.Name);
      assert.equal(info.Version, file.Version);
    }
  });

  test('GetFile honours X-WOPI-MaxExpectedSize and HEAD', async () => {
    const file = aliceBrowse.files[0]!;
    const contents = appendPath(file.Url, '/contents');
    assert.equal((await h.request('GET', contents, { headers: { 'x-wopi-maxexpectedsize': String(file.Size - 1) } })).status, 412);
    assert.equal((await h.request('GET', contents, { headers: { 'x-wopi-maxexpectedsize': String(file.Size) } })).status, 200);
    assert.equal((await h.request('GET', contents, { headers: { 'x-wopi-maxexpectedsize': 'lots' } })).status, 400);
    const head = await h.request('HEAD', contents);
    assert.equal(head.status, 200);
    assert.equal(head.header('content-length'), String(file.Size));
    assert.equal(head.body.length, 0);
  });
});

describe('token scoping', () => {
  test("alice's token for file A is a 401 on her file B, a 404 on bob's file", async () => {
    const [a, b] = aliceBrowse.files;
    const tokenA = tokenOf(a!.Url);
    assertWopi401(await h.request('GET', withToken(b!.Url, tokenA)));
    assertWopi401(await h.request('GET', appendPath(withToken(b!.Url, tokenA), '/contents')));
    assertWopi404(await h.request('GET', withToken(bobBrowse.files[0]!.Url, tokenA)));
    assertWopi404(await h.request('GET', appendPath(withToken(bobBrowse.files[0]!.Url, tokenA), '/contents')));
    // Even alice's own root container token cannot open bob's root.
    assertWopi404(await h.request('GET', appendPath(withToken(bobBrowse.rootUrl, tokenOf(aliceBrowse.rootUrl)), '/children')));
  });

  test('a container token on a file URL: 401 on a real file of the user, 404 where no such file exists', async () => {
    const containerToken = tokenOf(aliceBrowse.rootUrl);
    assertWopi401(await h.request('GET', withToken(aliceBrowse.files[0]!.Url, containerToken)));
    assertWopi404(await h.request('GET', `${h.origin}/wopi/files/${idOf(aliceBrowse.rootUrl)}?access_token=${containerToken}`));
    // And the other way round: a file token on the container routes.
    const fileToken = tokenOf(aliceBrowse.files[0]!.Url);
    assertWopi401(await h.request('GET', appendPath(withToken(aliceBrowse.rootUrl, fileToken), '/children')));
    assertWopi404(await h.request('GET', `${h.origin}/wopi/containers/${idOf(aliceBrowse.files[0]!.Url)}?access_token=${fileToken}`));
    // The ecosystem token opens no resource.
    assertWopi401(await h.request('GET', withToken(aliceBrowse.files[0]!.Url, tokenOf(aliceBrowse.bootstrap.EcosystemUrl))));
  });

  test('URLs minted from a WOPI token keep its expiry (no token trading)', async () => {
    const boot = await h.request('GET', '/wopibootstrapper', { headers: bearer(alice) });
    const ecosystemUrl: string = boot.json().Bootstrap.EcosystemUrl;
    const ecosystemExp = expOf(ecosystemUrl);
    assert.equal(ecosystemExp, h.now() / 1000 + 36_000);

    h.advance(100_000);
    const pointer = (await h.request('GET', appendPath(ecosystemUrl, '/root_container_pointer'))).json();
    assert.equal(expOf(pointer.ContainerPointer.Url), ecosystemExp);

    h.advance(100_000);
    const children = (await h.request('GET', appendPath(pointer.ContainerPointer.Url, '/children'))).json();
    assert.equal(children.ChildFiles.length, 3);
    for (const child of children.ChildFiles) assert.equal(expOf(child.Url), ecosystemExp);

    h.advance(100_000);
    const ancestry = (await h.request('GET', appendPath(children.ChildFiles[0].Url, '/ancestry'))).json();
    assert.equal(expOf(ancestry.AncestorsWithRootFirst[0].Url), ecosystemExp);
    const back = (await h.request('GET', appendPath(children.ChildFiles[0].Url, '/ecosystem_pointer'))).json();
    assert.equal(expOf(back.Url), ecosystemExp);

    // Tokens minted from OAuth start a fresh lifetime.
    const rootViaBootstrapper = await h.request('POST', '/wopibootstrapper', {
      headers: { ...bearer(alice), 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' },
    });
    assert.equal(expOf(rootViaBootstrapper.json().RootContainerInfo.ContainerPointer.Url), h.now() / 1000 + 36_000);
  });
});

describe('expiry by a short TTL', () => {
  test('wopiAccessToken 60 s: the token works for 60 s, then CheckFileInfo is a 401', async () => {
    await updateConfig((config) => (config.tokenTtlSeconds.wopiAccessToken = 60));
    try {
      const { access_token } = await h.signIn('alice');
      const file = fileNamed(aliceBrowse.files, 'Welcome.docx');
      const reply = await h.request('POST', '/wopibootstrapper', {
        headers: { ...bearer(access_token), 'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN', 'x-wopi-wopisrc': withoutQuery(file.Url) },
      });
      const { AccessToken, AccessTokenExpiry } = reply.json().AccessTokenInfo;
      assert.equal(AccessTokenExpiry, h.now() + 60_000);
      const ecosystemUrl: string = reply.json().Bootstrap.EcosystemUrl;
      assert.equal(expOf(ecosystemUrl), h.now() / 1000 + 60);

      h.advance(59_999);
      assert.equal((await h.request('GET', withToken(file.Url, AccessToken))).status, 200);
      assert.equal((await h.request('GET', ecosystemUrl)).status, 200);
      h.advance(1);
      assertWopi401(await h.request('GET', withToken(file.Url, AccessToken)));
      assertWopi401(await h.request('GET', appendPath(withToken(file.Url, AccessToken), '/contents')));
      assertWopi401(await h.request('GET', ecosystemUrl));
      // The OAuth token (3600 s) still gets a fresh WOPI token.
      const again = await h.request('POST', '/wopibootstrapper', {
        headers: { ...bearer(access_token), 'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN', 'x-wopi-wopisrc': withoutQuery(file.Url) },
      });
      assert.equal(again.status, 200);
      assert.equal((await h.request('GET', withToken(file.Url, again.json().AccessTokenInfo.AccessToken))).status, 200);
    } finally {
      await updateConfig((config) => (config.tokenTtlSeconds.wopiAccessToken = 36_000));
    }
  });

  test('oauthAccessToken 60 s: expires_in is 60 and Bootstrap is a 401 with the challenge after 60 s', async () => {
    await updateConfig((config) => (config.tokenTtlSeconds.oauthAccessToken = 60));
    try {
      const { access_token, expires_in } = await h.signIn('alice');
      assert.equal(expires_in, 60);
      h.advance(59_999);
      assert.equal((await h.request('GET', '/wopibootstrapper', { headers: bearer(access_token) })).status, 200);
      h.advance(1);
      const reply = await h.request('GET', '/wopibootstrapper', { headers: bearer(access_token) });
      assert.equal(reply.status, 401);
      assert.deepEqual(reply.headers['www-authenticate'], [
        `Bearer authorization_uri="${h.origin}/oauth/authorize",tokenIssuance_uri="${h.origin}/oauth/token",providerId="WopiMockHost"`,
      ]);
    } finally {
      await updateConfig((config) => (config.tokenTtlSeconds.oauthAccessToken = 3600));
    }
  });
});

test('paths that are not WOPI resources are 404s', async () => {
  const token = tokenOf(aliceBrowse.files[0]!.Url);
  for (const path of [
    '/',
    '/wopi',
    '/wopi/files',
    `/wopi/files/${idOf(aliceBrowse.files[0]!.Url)}/children`,
    '/wopi/things/x',
    '/favicon.ico',
  ]) {
    assert.equal((await h.request('GET', `${path}?access_token=${token}`)).status, 404, path);
  }
});
