import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeJwt } from 'jose';
import { startHarness, type Harness } from '../../test-support/host-fixture.js';
import { caseVariant, headerValue, traversalSegment } from '../../test-support/arbitraries.js';
import { checkAsync } from '../../test-support/fuzz.js';
import { grantsFor, type Grants } from '../../test-support/tokens.js';
import { wireTo, type Wire } from '../../test-support/wire.js';

/**
 * GetNewAccessToken with generated X-WOPI-WopiSrc values: other origins, other ports, other
 * schemes, path traversal, encoded slashes, unknown ids and another user's resources. A token
 * comes back only for a resource of the caller named exactly by the normalised URL, and every
 * refusal is the 404 the spec asks for, with its reason.
 */

let h: Harness;
let wire: Wire;
let alice: Grants;
let bob: Grants;
let port: number;
let ourNames: string[];
before(async () => {
  h = await startHarness();
  wire = wireTo(h);
  alice = await grantsFor(h, 'alice');
  bob = await grantsFor(h, 'bob');
  port = Number(new URL(h.origin).port);
  ourNames = h.engine.status().leafSubjectAltNames.map((san) => san.replace(/^(DNS|IP):/, ''));
});
after(async () => {
  wire.close();
  await h.close();
});

type Resolution = { ok: true; kind: 'file' | 'container'; id: string } | { ok: false; reason: string };

/** GetNewAccessToken's rules for the header, from the spec and the host's documented leniency. */
function expectedResolution(raw: string | undefined): Resolution {
  const value = raw?.trim();
  if (value === undefined || value === '') return { ok: false, reason: 'X-WOPI-WopiSrc is missing' };
  if (!URL.canParse(value)) return { ok: false, reason: 'X-WOPI-WopiSrc is not an absolute URL' };
  const url = new URL(value);
  if (url.protocol !== 'https:') return { ok: false, reason: 'X-WOPI-WopiSrc is not an https URL' };
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!ourNames.includes(host)) return { ok: false, reason: `X-WOPI-WopiSrc names another host (${host})` };
  const urlPort = url.port === '' ? 443 : Number(url.port);
  if (urlPort !== port) return { ok: false, reason: `X-WOPI-WopiSrc names another port (${urlPort})` };
  const match = /^\/wopi\/(files|containers)\/([^/]+)\/?$/.exec(url.pathname);
  if (!match) return { ok: false, reason: 'X-WOPI-WopiSrc is not a /wopi/files/<id> or /wopi/containers/<id> URL' };
  let id: string;
  try {
    id = decodeURIComponent(match[2]!);
  } catch {
    return { ok: false, reason: 'X-WOPI-WopiSrc has a malformed percent-encoding' };
  }
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return { ok: false, reason: 'X-WOPI-WopiSrc has an invalid resource id' };
  return { ok: true, kind: match[1] === 'files' ? 'file' : 'container', id };
}

const headerSafe = (text: string) => text.replace(/[^\x20-\x7E]/g, '?').slice(0, 1000);

test("generated WopiSrc values: a token for exactly the caller's named resource, or a 404 with the reason", async (t) => {
  const ids = [
    ...alice.files.map((f) => f.id),
    alice.rootId,
    ...bob.files.map((f) => f.id),
    bob.rootId,
    'AAAAAAAAAAAAAAAA',
    'unknown-id_0',
  ];
  const id = fc.constantFrom(...ids);
  const kindPath = fc.constantFrom('files', 'containers', 'Files', 'file', 'ecosystem');
  const scheme = fc.oneof(
    { weight: 5, arbitrary: caseVariant('https') },
    { weight: 1, arbitrary: fc.constantFrom('http', 'ftp', 'wss', 'javascript') },
  );
  const host = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...ourNames.map((n) => (n.includes(':') ? `[${n}]` : n))).chain((n) => caseVariant(n)) },
    // Spellings a URL parser normalises to one of our names, and near misses it does not.
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '127.1',
        '0x7f000001',
        '2130706433',
        '127.0.0.01',
        '%6c%6fcalhost',
        'localhost.',
        'localhost.evil.example',
        'evil.example',
        '127.0.0.2',
        '[::2]',
        'user:pass@localhost',
        'localhost@evil.example',
        '0.0.0.0',
      ),
    },
  );
  const portPart = fc.oneof(
    { weight: 6, arbitrary: fc.constant(() => `:${port}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        () => '',
        () => ':443',
        () => `:${port + 1}`,
        () => `:0${port}`,
        () => ':',
      ),
    },
  );
  const path = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(kindPath, id, fc.constantFrom('', '/')).map(([k, i, slash]) => `/wopi/${k}/${i}${slash}`) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          kindPath,
          id,
          fc.array(fc.oneof(traversalSegment, id, fc.constantFrom('wopi', 'files', 'containers', 'contents', '')), { maxLength: 4 }),
          fc.nat(3),
        )
        .map(
          ([k, i, extra, where]) =>
            [
              `/wopi/${k}/${i}/${extra.join('/')}`,
              `/wopi/${extra.join('/')}/${k}/${i}`,
              `/${extra.join('/')}/wopi/${k}/${i}`,
              `/wopi/${k}/${extra.join('%2F')}${i}`,
            ][where]!,
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(kindPath, id, fc.constantFrom('%2F', '%2f', '%5C', '%00', '%2e', '%ZZ', '%'))
        .map(([k, i, sneak]) => `/wopi/${k}/${i.slice(0, 4)}${sneak}${i.slice(4)}`),
    },
  );
  const tail = fc.constantFrom('', '', '?access_token=stray', '#fragment', '?a=1&b=2');
  const wopiSrc = fc.oneof(
    {
      weight: 12,
      arbitrary: fc
        .tuple(scheme, fc.constantFrom('://', '://', ':/', ':///'), host, portPart, path, tail)
        .map(([s, sep, hst, p, pth, tl]) => `${s}${sep}${hst}${p()}${pth}${tl}`),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        headerValue(80),
        fc.constant(undefined),
        fc.constantFrom('', '   ', '/wopi/files/x', 'https://', 'https:///wopi/files/x'),
      ),
    },
  );
  await checkAsync(
    t,
    [wopiSrc, fc.constantFrom(alice, bob)],
    async (value, caller) => {
      const reply = await wire.wopi('POST', '/wopibootstrapper', {
        headers: { authorization: `Bearer ${caller.access}`, 'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN', 'x-wopi-wopisrc': value },
      });
      const expected = expectedResolution(value);
      const context = `${JSON.stringify(value)} as ${caller.userId} → ${reply.status} ${reply.header('x-wopi-servererror') ?? ''}`;
      const owned =
        caller.files.some((f) => expected.ok && expected.kind === 'file' && f.id === expected.id) ||
        (expected.ok && expected.kind === 'container' && caller.rootId === expected.id);
      if (expected.ok && owned) {
        assert.equal(reply.status, 200, context);
        const { AccessToken, AccessTokenExpiry } = reply.json().AccessTokenInfo;
        const claims = decodeJwt(AccessToken);
        assert.deepEqual([claims['sub'], claims['res']], [caller.userId, `${expected.kind}:${expected.id}`], context);
        assert.equal(AccessTokenExpiry, (claims['exp'] as number) * 1000);
        return;
      }
      assert.equal(reply.status, 404, context);
      assert.equal(reply.headers['www-authenticate'], undefined);
      assert.equal(reply.body.length, 0);
      const reason = expected.ok ? `no ${expected.kind} ${expected.id} that user ${caller.userId} can access` : expected.reason;
      assert.equal(reply.header('x-wopi-servererror'), headerSafe(reason), context);
    },
    { weight: 3 },
  );
});

test('a token obtained through any accepted spelling opens exactly that resource and no other', async (t) => {
  const file = alice.files[1]!;
  const spellings = fc.constantFrom(
    `https://LOCALHOST:${port}/wopi/files/${file.id}/`,
    `https://127.1:${port}/wopi/files/${file.id}`,
    `https://localhost:${port}/wopi/containers/../files/${file.id}`,
    `https://localhost:${port}/wopi/files/%2e%2e/files/${file.id}?access_token=x`,
  );
  await checkAsync(
    t,
    [spellings, fc.constantFrom(...alice.files, ...bob.files)],
    async (wopiSrc, target) => {
      const granted = await wire.wopi('POST', '/wopibootstrapper', {
        headers: {
          authorization: `Bearer ${alice.access}`,
          'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN',
          'x-wopi-wopisrc': wopiSrc,
        },
      });
      assert.equal(granted.status, 200, wopiSrc);
      const token = granted.json().AccessTokenInfo.AccessToken;
      const reply = await wire.wopi('GET', `/wopi/files/${target.id}?access_token=${token}`);
      if (target.id === file.id) return assert.equal(reply.json().BaseFileName, file.name);
      const aliceOwns = alice.files.some((f) => f.id === target.id);
      assert.equal(reply.status, aliceOwns ? 401 : 404);
    },
    { weight: 0.3 },
  );
});
