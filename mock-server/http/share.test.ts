import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { browse, startHarness, tokenOf, withoutQuery, type Harness, type Reply } from '../../test-support/host-fixture.js';
import { fileInfo, newFile, override } from '../../test-support/file-fixture.js';

let h: Harness;
let aliceRoot: string;
let bobRoot: string;

before(async () => {
  h = await startHarness();
  aliceRoot = (await browse(h, (await h.signIn('alice')).access_token)).rootUrl;
  bobRoot = (await browse(h, (await h.signIn('bob')).access_token)).rootUrl;
});
after(async () => {
  await h.close();
});

const getShareUrl = (url: string, urlType?: string) =>
  override(h, url, 'GET_SHARE_URL', urlType === undefined ? {} : { 'x-wopi-urltype': urlType });
const idOf = (url: string) => decodeURIComponent(new URL(url).pathname.split('/').pop()!);

async function shareUrlOf(url: string, urlType: string): Promise<string> {
  const reply = await getShareUrl(url, urlType);
  assert.equal(reply.status, 200, reply.text);
  assert.match(reply.header('content-type')!, /^application\/json/);
  const body = reply.json();
  assert.deepEqual(Object.keys(body), ['ShareUrl']);
  return body.ShareUrl;
}

/** The token of a share URL: its last path segment. */
const shareTokenOf = (shareUrl: string) => decodeURIComponent(new URL(shareUrl).pathname.slice('/share/'.length));

function assertPageHeaders(reply: Reply): void {
  assert.match(reply.header('content-type')!, /^text\/html/);
  assert.equal(
    reply.header('content-security-policy'),
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  );
  assert.equal(reply.header('referrer-policy'), 'no-referrer');
  assert.equal(reply.header('cache-control'), 'no-store');
}

function assertErrorPage(reply: Reply, status: number, title: string, detail: string): void {
  assert.equal(reply.status, status, reply.text);
  assertPageHeaders(reply);
  assert.ok(reply.text.includes(`<h1>${title}</h1>`), reply.text);
  assert.ok(reply.text.includes(`<p class="lead" id="detail">${detail}</p>`), reply.text);
}

describe('GetShareUrl (files)', () => {
  test('ReadOnly and ReadWrite: a link on the WOPI origin whose page shows the file, the rights and a download', async () => {
    const { url } = await newFile(h, aliceRoot, 'shared bytes', 'Shared report.docx');
    const info = await fileInfo(h, url);
    for (const [urlType, badge, explanation] of [
      ['ReadOnly', 'Read-only link', 'Anyone with this link can view and download it, not change it.'],
      ['ReadWrite', 'Read-write link', 'Anyone with this link can view and edit it.'],
    ] as const) {
      const shareUrl = await shareUrlOf(url, urlType);
      const token = shareTokenOf(shareUrl);
      assert.equal(shareUrl, `${h.origin}/share/${token}`);
      const claims = decodeJwt(token);
      assert.equal(claims.sub, 'alice');
      assert.equal(claims['res'], `share:${urlType}:file:${idOf(url)}`);
      // Token trading: the link expires with the token GetShareUrl was called with.
      assert.equal(claims.exp, decodeJwt(tokenOf(url)).exp);

      const page = await h.request('GET', shareUrl);
      assert.equal(page.status, 200, page.text);
      assertPageHeaders(page);
      for (const fragment of [
        '<p class="lead">File shared by Alice Adams (alice) from the WOPI Mock Host</p>',
        '<h1 id="name">Shared report.docx</h1>',
        `<span class="access" id="access">${badge}</span> ${explanation}`,
        '<td id="owner">Alice Adams</td>',
        '<td id="size">12 bytes</td>',
        `<td id="version">${info.Version}</td>`,
        `<td id="modified">${info.LastModifiedTime}</td>`,
        `<a class="download" id="download" href="/share/${token}/content" download="Shared report.docx">Download</a>`,
        `<time id="expires" datetime="${new Date(claims.exp! * 1000).toISOString()}">`,
      ]) {
        assert.ok(page.text.includes(fragment), `page lacks ${fragment}`);
      }

      const download = await h.request('GET', `${shareUrl}/content`);
      assert.equal(download.status, 200);
      assert.equal(download.text, 'shared bytes');
      assert.equal(download.header('content-type'), 'application/octet-stream');
      assert.equal(download.header('content-disposition'), "attachment; filename*=UTF-8''Shared%20report.docx");
    }
  });

  test('an unknown or missing X-WOPI-UrlType is a 501, on files and containers', async () => {
    const { url } = await newFile(h, aliceRoot);
    for (const target of [url, aliceRoot]) {
      const unknown = await getShareUrl(target, 'UnknownType');
      assert.equal(unknown.status, 501);
      assert.equal(unknown.text, '');
      assert.equal(
        unknown.header('x-wopi-servererror'),
        'X-WOPI-UrlType "UnknownType" is not a share URL type this host supports (ReadOnly, ReadWrite)',
      );
      const missing = await getShareUrl(target);
      assert.equal(missing.status, 501);
      assert.equal(missing.header('x-wopi-servererror'), 'X-WOPI-UrlType is missing');
    }
    // Parsed tolerantly: the case of the value does not matter.
    assert.equal((await getShareUrl(url, 'readwrite')).status, 200);
  });

  test("another user's file is a 404, and a bad token a 401, as for every WOPI operation", async () => {
    const { url } = await newFile(h, aliceRoot);
    const { url: bobFile } = await newFile(h, bobRoot);
    const withBobsToken = `${withoutQuery(url)}?access_token=${encodeURIComponent(tokenOf(bobFile))}`;
    const reply = await getShareUrl(withBobsToken, 'ReadOnly');
    assert.equal(reply.status, 404);
    assert.equal(reply.header('x-wopi-servererror'), `no file ${idOf(url)} that user bob can access`);
    assert.equal((await getShareUrl(`${withoutQuery(url)}?access_token=garbage`, 'ReadOnly')).status, 401);
  });
});

describe('GetShareUrl (containers)', () => {
  test("the page lists the folder's children with their sizes, and offers no download", async () => {
    const folder = await override(h, aliceRoot, 'CREATE_CHILD_CONTAINER', { 'x-wopi-relativetarget': 'Shared folder' });
    assert.equal(folder.status, 200, folder.text);
    const folderUrl: string = folder.json().ContainerPointer.Url;
    await newFile(h, folderUrl, 'abc', 'Notes.docx');
    assert.equal((await override(h, folderUrl, 'CREATE_CHILD_CONTAINER', { 'x-wopi-relativetarget': 'Inner' })).status, 200);
    const shareUrl = await shareUrlOf(folderUrl, 'ReadOnly');
    assert.equal(decodeJwt(shareTokenOf(shareUrl))['res'], `share:ReadOnly:container:${idOf(folderUrl)}`);

    const page = await h.request('GET', shareUrl);
    assert.equal(page.status, 200, page.text);
    assertPageHeaders(page);
    assert.ok(page.text.includes('<p class="lead">Folder shared by Alice Adams (alice) from the WOPI Mock Host</p>'));
    assert.ok(page.text.includes('<h1 id="name">Shared folder</h1>'));
    assert.ok(
      page.text.includes(
        '<tbody><tr><td>Inner</td><td>folder</td><td class="size"></td></tr>\n<tr><td>Notes.docx</td><td>file</td><td class="size">3 bytes</td></tr></tbody>',
      ),
      page.text,
    );
    assert.ok(!page.text.includes('id="download"'));
    assertErrorPage(
      await h.request('GET', `${shareUrl}/content`),
      404,
      'Nothing to download',
      'A shared folder has no download; open its page instead.',
    );
  });
});

describe('the share page', () => {
  test('a share token is not a WOPI access token, nor is a WOPI access token a share link', async () => {
    const { url } = await newFile(h, aliceRoot);
    const token = shareTokenOf(await shareUrlOf(url, 'ReadWrite'));
    const asWopi = await h.request('GET', `${withoutQuery(url)}?access_token=${encodeURIComponent(token)}`);
    assert.equal(asWopi.status, 401);
    assert.equal(asWopi.header('x-wopi-servererror'), `the access token is for share:ReadWrite:file:${idOf(url)}, not file:${idOf(url)}`);
    assertErrorPage(
      await h.request('GET', `/share/${encodeURIComponent(tokenOf(url))}`),
      404,
      'No such share link',
      `This address carries a token for file:${idOf(url)}, not a share link.`,
    );
    assertErrorPage(
      await h.request('GET', '/share/not-a-token'),
      404,
      'No such share link',
      'This address is not a share link of this host.',
    );
  });

  test("revoking the owner's tokens revokes the link: 410", async () => {
    const carol = { id: 'carol', signInName: 'carol@contoso.test', friendlyName: 'Carol Clark' };
    const config = (await h.admin('GET', '/api/config')).json();
    assert.equal((await h.admin('PUT', '/api/config', { ...config, users: [...config.users, carol] })).status, 200);
    const carolRoot = (await browse(h, (await h.signIn('carol')).access_token)).rootUrl;
    const { url } = await newFile(h, carolRoot, 'x');
    const shareUrl = await shareUrlOf(url, 'ReadOnly');
    assert.equal((await h.request('GET', shareUrl)).status, 200);
    assert.equal((await h.admin('POST', '/api/users/carol/revoke')).status, 200);
    const detail = 'This share link no longer works: the wopi token was revoked (user &quot;carol&quot; was revoked after it was issued).';
    assertErrorPage(await h.request('GET', shareUrl), 410, 'Share link revoked', detail);
    assertErrorPage(await h.request('GET', `${shareUrl}/content`), 410, 'Share link revoked', detail);
  });

  test('a deleted file is a 404, a link past its expiry a 410, and only GET is allowed', async () => {
    const { url } = await newFile(h, aliceRoot, 'bye');
    const shareUrl = await shareUrlOf(url, 'ReadOnly');
    const post = await h.request('POST', shareUrl);
    assert.equal(post.status, 405);
    assert.equal(post.header('allow'), 'GET, HEAD');
    assert.equal((await override(h, url, 'DELETE')).status, 200);
    assertErrorPage(await h.request('GET', shareUrl), 404, 'Shared item not found', 'The shared file no longer exists.');

    const { url: other } = await newFile(h, aliceRoot, 'later');
    const expiring = await shareUrlOf(other, 'ReadOnly');
    const pastExpiry = decodeJwt(shareTokenOf(expiring)).exp! * 1000 - h.now();
    h.advance(pastExpiry);
    try {
      assertErrorPage(
        await h.request('GET', expiring),
        410,
        'Share link expired',
        'This share link has expired. Ask the owner for a new one.',
      );
    } finally {
      h.advance(-pastExpiry);
    }
  });

  test('the log names GetShareUrl, the page and the download, with the user', async () => {
    const { url, name } = await newFile(h, aliceRoot, 'logged');
    const shareUrl = await shareUrlOf(url, 'ReadOnly');
    await h.request('GET', shareUrl);
    await h.request('GET', `${shareUrl}/content`);
    await getShareUrl(aliceRoot, 'Nope');
    const entries = (await h.admin('GET', '/api/log?limit=4')).json().entries as Array<{
      operation: string;
      status: number;
      userId: string | null;
      notes: string[];
    }>;
    assert.deepEqual(
      entries.map((e) => [e.operation, e.status, e.userId]),
      [
        ['GetShareUrl(file)', 200, 'alice'],
        ['SharePage', 200, 'alice'],
        ['ShareDownload', 200, 'alice'],
        ['GetShareUrl(container)', 501, 'alice'],
      ],
    );
    assert.deepEqual(entries[1]!.notes, [`ReadOnly share link to file ${idOf(url)} (${name})`]);
    assert.deepEqual(entries[3]!.notes, ['X-WOPI-UrlType "Nope" is not a share URL type this host supports (ReadOnly, ReadWrite)']);
  });
});
