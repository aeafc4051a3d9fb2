import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUpstream, splitUrl, toClientUrl, toUpstreamUrl, type ProxyOrigins } from './origins.js';
import { formatPath, jsonRewriteRows, rewriteJson, scanStrings, type JsonPath } from './json-rewrite.js';
import { challengeParameters, rewriteChallenge, toClientHeaders, toUpstreamHeaders } from './headers.js';
import { Operation } from '../protocol/operations.js';
import { UpstreamTimeoutError, upstreamFailure } from './failures.js';

/** The pure rewrite rules of the reverse proxy, without a socket. */

const U = 'https://wopi.contoso.test:9443';
const P = 'https://localhost:8443';
const origins: ProxyOrigins = {
  upstream: U,
  local: P,
  isLocal: (origin) => origin === P || origin === 'https://127.0.0.1:8443' || origin === 'https://[::1]:8443',
};

describe('origins', () => {
  test('a URL splits where its authority ends; the rest is kept byte for byte', () => {
    assert.deepEqual(splitUrl('HTTPS://WOPI.Contoso.test:9443/wopi/files/a%2Fb?access_token=x%2By&z=%7e#f'), {
      origin: U,
      rest: '/wopi/files/a%2Fb?access_token=x%2By&z=%7e#f',
    });
    assert.deepEqual(splitUrl(`${U}?q`), { origin: U, rest: '?q' });
    assert.deepEqual(splitUrl('https://h.test:443/x'), { origin: 'https://h.test', rest: '/x' });
    assert.deepEqual(splitUrl('https://[::1]:8443'), { origin: 'https://[::1]:8443', rest: '' });
  });

  test('relative references, other schemes and user info are never split', () => {
    for (const value of [
      '/wopi/files/a',
      'wopi.contoso.test:9443/x',
      'ms-word:ofe|u|https://x',
      'ftp://h/x',
      'https://user@h/x',
      'https://',
      '',
    ])
      assert.equal(splitUrl(value), null, value);
  });

  test('only the upstream origin moves to the proxy, and back only from the proxy origins', () => {
    assert.equal(toClientUrl(`${U}/wopi/files/1?access_token=t`, origins), `${P}/wopi/files/1?access_token=t`);
    assert.equal(toClientUrl('https://wopi.contoso.test/wopi/files/1', origins), null, 'another port is another origin');
    assert.equal(toClientUrl('http://wopi.contoso.test:9443/x', origins), null, 'another scheme is another origin');
    assert.equal(toUpstreamUrl('https://127.0.0.1:8443/wopi/files/1', origins), `${U}/wopi/files/1`);
    assert.equal(toUpstreamUrl(`${U}/wopi/files/1`, origins), null);
  });

  test('the upstream is an https origin and nothing more', () => {
    assert.deepEqual(parseUpstream('https://Their-Host.test:9443/'), {
      ok: true,
      origin: 'https://their-host.test:9443',
      host: 'their-host.test:9443',
      hostname: 'their-host.test',
      port: 9443,
    });
    assert.equal((parseUpstream('https://[::1]') as { hostname: string }).hostname, '::1');
    for (const bad of ['http://h.test', 'https://h.test/wopi', 'https://h.test/?a', 'https://u:p@h.test', 'h.test:443'])
      assert.equal(parseUpstream(bad).ok, false, bad);
  });
});

describe('JSON rewrite', () => {
  const url = (path = '/wopi/files/1?access_token=t') => `${U}${path}`;

  test('the scanner finds every string value with its path, not the property names', () => {
    const seen: string[] = [];
    const text = '{"a":[{"b":"x"},"y",1,true,null],"c":{"d\\u0022":"z"},"e":"w"}';
    scanStrings(text, (path: JsonPath, start, end) => seen.push(`${formatPath(path)}=${text.slice(start, end)}`));
    assert.deepEqual(seen, ['a[0].b="x"', 'a[1]="y"', 'c.d"="z"', 'e="w"']);
  });

  // One case per row of the table: the operation, a body with the URL where the row says, and its path.
  const rows: Array<{ row: string; operation: (typeof Operation)[keyof typeof Operation]; body: (u: string) => unknown; path: string }> = [
    {
      row: 'EcosystemUrl',
      operation: Operation.Bootstrap,
      body: (u) => ({ Bootstrap: { EcosystemUrl: u } }),
      path: 'Bootstrap.EcosystemUrl',
    },
    {
      row: 'ContainerPointer.Url',
      operation: Operation.GetRootContainerBootstrapper,
      body: (u) => ({ RootContainerInfo: { ContainerPointer: { Name: 'Root', Url: u } } }),
      path: 'RootContainerInfo.ContainerPointer.Url',
    },
    {
      row: 'ChildContainers[].Url',
      operation: Operation.EnumerateChildren,
      body: (u) => ({ ChildContainers: [{ Url: u }] }),
      path: 'ChildContainers[0].Url',
    },
    {
      row: 'ChildFiles[].Url',
      operation: Operation.EnumerateChildren,
      body: (u) => ({ ChildFiles: [{ Name: 'a', Url: u }] }),
      path: 'ChildFiles[0].Url',
    },
    {
      row: 'AncestorsWithRootFirst[].Url',
      operation: Operation.EnumerateAncestorsFile,
      body: (u) => ({ AncestorsWithRootFirst: [{ Url: u, Name: 'Root' }] }),
      path: 'AncestorsWithRootFirst[0].Url',
    },
    {
      row: 'Url, HostViewUrl, HostEditUrl (CreateChildFile, PutRelativeFile)',
      operation: Operation.PutRelativeFile,
      body: (u) => ({ Name: 'a.docx', Url: u }),
      path: 'Url',
    },
    { row: 'Url (GetEcosystem, GetFileWopiSrc)', operation: Operation.GetEcosystemFile, body: (u) => ({ Url: u }), path: 'Url' },
    {
      row: 'FileUrl (CheckFileInfo)',
      operation: Operation.CheckFileInfo,
      body: (u) => ({ BaseFileName: 'a', FileUrl: u }),
      path: 'FileUrl',
    },
  ];
  assert.deepEqual(
    rows.map((r) => r.row),
    jsonRewriteRows.map((r) => r.name),
    'every row of the table has its case here',
  );
  for (const { row, operation, body, path } of rows) {
    test(`row ${row}: moved to the proxy's origin`, () => {
      const result = rewriteJson(JSON.stringify(body(url())), operation, origins);
      assert.ok(result.ok);
      assert.deepEqual(JSON.parse(result.text), body(`${P}/wopi/files/1?access_token=t`));
      assert.deepEqual(result.rewrites, [{ where: path, from: url(), to: `${P}/wopi/files/1?access_token=t` }]);
    });
  }

  test('the rows bound to an operation do not fire on another one', () => {
    for (const [operation, body] of [
      [Operation.CheckFileInfo, { Url: url() }],
      [Operation.EnumerateChildren, { FileUrl: url() }],
      [Operation.CheckFileInfo, { HostEditUrl: url() }],
    ] as const) {
      const result = rewriteJson(JSON.stringify(body), operation, origins);
      assert.ok(result.ok && result.rewrites.length === 0, `${operation} ${JSON.stringify(body)}`);
    }
    const created = rewriteJson(
      JSON.stringify({ Url: url(), HostViewUrl: url('/view'), HostEditUrl: url('/edit') }),
      Operation.CreateChildFile,
      origins,
    );
    assert.ok(created.ok);
    assert.deepEqual(
      created.rewrites.map((r) => r.where),
      ['Url', 'HostViewUrl', 'HostEditUrl'],
    );
  });

  test('browser and sharing URLs stay on the upstream unless rewriteAll asks', () => {
    const body = JSON.stringify({ HostUrl: url('/view'), HostEditUrl: url('/edit'), ShareUrl: url('/share/x'), FileUrl: url() });
    const kept = rewriteJson(body, Operation.CheckFileInfo, origins);
    assert.ok(kept.ok);
    assert.deepEqual(
      kept.rewrites.map((r) => r.where),
      ['FileUrl'],
    );
    const all = rewriteJson(body, Operation.CheckFileInfo, origins, true);
    assert.ok(all.ok);
    assert.deepEqual(
      all.rewrites.map((r) => r.where),
      ['HostUrl', 'HostEditUrl', 'ShareUrl', 'FileUrl'],
    );
  });

  test('every other byte is kept: spacing, number spelling, escapes, key order, other origins', () => {
    const text = `{ "Size" : 1.50e3, "Big": 12345678901234567890,\n  "Name": "caf\\u00e9 \\"x\\"",\n  "ChildFiles": [ {"Url":"${U.replace(/\//g, '\\/')}\\/wopi\\/files\\/1"}, {"Url": "https://elsewhere.test/x"} ] }`;
    const result = rewriteJson(text, Operation.EnumerateChildren, origins);
    assert.ok(result.ok);
    assert.equal(
      result.text,
      `{ "Size" : 1.50e3, "Big": 12345678901234567890,\n  "Name": "caf\\u00e9 \\"x\\"",\n  "ChildFiles": [ {"Url":"${P}/wopi/files/1"}, {"Url": "https://elsewhere.test/x"} ] }`,
    );
    const untouched = '{"ChildFiles":[{"Url":"https://elsewhere.test/x"}]}';
    assert.equal((rewriteJson(untouched, Operation.EnumerateChildren, origins) as { text: string }).text, untouched);
  });

  test('a body that is not JSON is reported and left alone', () => {
    const result = rewriteJson(`{"EcosystemUrl": "${U}/x"`, Operation.Bootstrap, origins);
    assert.equal(result.ok, false);
  });
});

describe('the challenge', () => {
  const canonical = `Bearer authorization_uri="${U}/oauth/authorize",tokenIssuance_uri="${U}/oauth/token",providerId="Contoso"`;

  test('tokenIssuance_uri moves, authorization_uri (a browser page) stays', () => {
    const { value, rewrites } = rewriteChallenge(canonical, origins);
    assert.equal(value, `Bearer authorization_uri="${U}/oauth/authorize",tokenIssuance_uri="${P}/oauth/token",providerId="Contoso"`);
    assert.deepEqual(rewrites, [{ where: 'tokenIssuance_uri', from: `${U}/oauth/token`, to: `${P}/oauth/token` }]);
  });

  test('rewriteAll moves authorization_uri too', () => {
    assert.equal(
      rewriteChallenge(canonical, origins, true).value,
      `Bearer authorization_uri="${P}/oauth/authorize",tokenIssuance_uri="${P}/oauth/token",providerId="Contoso"`,
    );
  });

  test("a sloppy host's challenge is rewritten in place, its sloppiness kept", () => {
    const sloppy = `Bearer authorization_uri=${U}/oauth/authorize?a=b, tokenissuance_uri = "${U}/oauth/token?x=1" ,providerid="c",`;
    assert.equal(
      rewriteChallenge(sloppy, origins).value,
      `Bearer authorization_uri=${U}/oauth/authorize?a=b, tokenissuance_uri = "${P}/oauth/token?x=1" ,providerid="c",`,
    );
    assert.deepEqual(
      challengeParameters(`Basic realm="a\\"b", Bearer x=1`).map((p) => [p.name, p.value]),
      [
        ['realm', 'a"b'],
        ['x', '1'],
      ],
    );
    const elsewhere = `Bearer tokenIssuance_uri="https://login.test/token"`;
    assert.equal(rewriteChallenge(elsewhere, origins).value, elsewhere);
  });
});

describe('request headers toward the upstream', () => {
  const to = (raw: string[]) =>
    toUpstreamHeaders(raw, { origins, upstreamHost: 'wopi.contoso.test:9443', remoteAddress: '::ffff:192.168.1.31' });

  test('Host names the upstream, X-Forwarded-* say who asked and how, in the same order otherwise', () => {
    const { headers } = to([
      'host',
      'localhost:8443',
      'Authorization',
      'Bearer t',
      'X-Forwarded-For',
      '10.0.0.1',
      'x-forwarded-proto',
      'http',
    ]);
    assert.deepEqual(headers, [
      'host',
      'wopi.contoso.test:9443',
      'Authorization',
      'Bearer t',
      'X-Forwarded-For',
      '10.0.0.1, 192.168.1.31',
      'X-Forwarded-Proto',
      'https',
      'X-Forwarded-Host',
      'localhost:8443',
    ]);
  });

  test('X-WOPI-WopiSrc and other URL-valued WOPI headers naming any proxy origin are restored', () => {
    const { headers, rewrites } = to([
      'Host',
      'localhost:8443',
      'X-WOPI-WopiSrc',
      'https://127.0.0.1:8443/wopi/files/1',
      'X-WOPI-Other',
      `${P}/wopi/containers/2?x`,
    ]);
    assert.deepEqual(headers.slice(0, 6), [
      'Host',
      'wopi.contoso.test:9443',
      'X-WOPI-WopiSrc',
      `${U}/wopi/files/1`,
      'X-WOPI-Other',
      `${U}/wopi/containers/2?x`,
    ]);
    assert.deepEqual(
      rewrites.map((r) => r.where),
      ['X-WOPI-WopiSrc', 'X-WOPI-Other'],
    );
  });

  test('locks, versions and proofs pass untouched even when they look like proxy URLs; proofs are reported', () => {
    const raw = [
      'X-WOPI-Lock',
      `${P}/x`,
      'X-WOPI-OldLock',
      '',
      'X-WOPI-ItemVersion',
      `${P}/v`,
      'X-WOPI-Proof',
      'abc=',
      'X-WOPI-ProofOld',
      'def=',
    ];
    const { headers, proofHeaders } = to(['Host', 'localhost:8443', ...raw]);
    assert.deepEqual(headers.slice(2, 2 + raw.length), raw);
    assert.deepEqual(proofHeaders, ['X-WOPI-Proof', 'X-WOPI-ProofOld']);
  });

  test('hop-by-hop headers, those Connection names included, stay on their side', () => {
    const { headers } = to([
      'Host',
      'h',
      'Connection',
      'keep-alive, X-Hop',
      'Keep-Alive',
      'timeout=5',
      'X-Hop',
      '1',
      'TE',
      'trailers',
      'Expect',
      '100-continue',
      'X-Kept',
      '',
    ]);
    assert.deepEqual(headers.slice(0, 4), ['Host', 'wopi.contoso.test:9443', 'X-Kept', '']);
  });
});

describe('response headers toward the client', () => {
  test('Location on the upstream moves; others, and an empty X-WOPI-Lock, pass as they came', () => {
    const { headers, rewrites } = toClientHeaders(
      [
        'Location',
        `${U}/wopi/files/1`,
        'X-WOPI-Lock',
        '',
        'Connection',
        'close',
        'Transfer-Encoding',
        'chunked',
        'Set-Cookie',
        'a=1',
        'Set-Cookie',
        'b=2',
      ],
      origins,
    );
    assert.deepEqual(headers, ['Location', `${P}/wopi/files/1`, 'X-WOPI-Lock', '', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']);
    assert.equal(rewrites.length, 1);
    assert.deepEqual(toClientHeaders(['Location', 'https://localhost/?code=x'], origins).headers, [
      'Location',
      'https://localhost/?code=x',
    ]);
  });
});

describe('failures', () => {
  test('refused and unreachable are 502, a timeout 504, each cause named', () => {
    const failure = (code: string, message = 'x') => upstreamFailure(Object.assign(new Error(message), { code }), U);
    assert.deepEqual(failure('ECONNREFUSED'), {
      status: 502,
      cause: `upstream ${U} refused the connection (ECONNREFUSED): is it running?`,
    });
    assert.equal(failure('ENOTFOUND').status, 502);
    assert.equal(failure('EHOSTUNREACH').status, 502);
    assert.match(failure('DEPTH_ZERO_SELF_SIGNED_CERT').cause, /does not trust.*--upstream-ca/);
    assert.match(failure('ERR_TLS_CERT_ALTNAME_INVALID').cause, /does not trust/);
    assert.equal(failure('ECONNRESET').status, 502);
    assert.equal(failure('ETIMEDOUT').status, 504);
    assert.deepEqual(upstreamFailure(new UpstreamTimeoutError(250), U), {
      status: 504,
      cause: `upstream ${U} did not answer within 250 ms (timeoutMs)`,
    });
  });
});
