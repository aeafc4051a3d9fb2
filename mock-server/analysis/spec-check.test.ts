import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { CapturedBody, HeaderLine, LogEntry } from '../log/entry.js';
import { logEntry } from '../../test-support/entry-fixture.js';
import { specWarnings } from './spec-check.js';
import { rules, Source } from './rulebook.js';
import { appendPath, bearer, startHarness, tokenOf, withoutQuery, type Harness } from '../../test-support/host-fixture.js';

const time = '2026-11-23T18:00:00.000Z';
const timeMs = Date.parse(time);
const origin = 'https://localhost:8443';
const goodChallenge = `Bearer authorization_uri="${origin}/oauth/authorize",tokenIssuance_uri="${origin}/oauth/token",providerId="WopiMockHost"`;
const specSample =
  'Bearer authorization_uri="https://contoso.com/api/oauth2/authorize",tokenIssuance_uri="https://contoso.com/api/oauth2/token",providerId="tp_contoso", UrlSchemes="%7B%22iOS%22%20%3A%20%5B%22contoso%22%2C%22contoso-EMM%22%5D%2C%20%22Android%22%20%3A%20%5B%22contoso%22%2C%22contoso-EMM%22%5D%2C%20%22UWP%22%3A%20%5B%22contoso%22%2C%22contoso-EMM%22%5D%7D"';

function jwt(typ: string, payload: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ })}.${part(payload)}.c2ln`;
}
const exp = timeMs / 1000 + 3600;
const accessToken = jwt('wopi-mock-access+jwt', { sub: 'alice', exp });
const wopiToken = jwt('wopi-mock-wopi+jwt', { sub: 'alice', res: 'ecosystem', exp });

const json = (value: unknown, mimeType = 'application/json; charset=utf-8'): CapturedBody => ({
  text: typeof value === 'string' ? value : JSON.stringify(value),
  encoding: 'utf8',
  size: 0,
  truncated: false,
  mimeType,
});
const jsonType: HeaderLine = { name: 'content-type', value: 'application/json; charset=utf-8' };
const challenge = (value: string): HeaderLine => ({ name: 'www-authenticate', value });
const bootstrap401 = (...headers: HeaderLine[]) =>
  logEntry({ time, operation: 'Bootstrap', url: '/wopibootstrapper', status: 401, responseHeaders: headers });
const noStore: HeaderLine = { name: 'cache-control', value: 'no-store' };
const token = (body: unknown) => ok('Token', body, { responseHeaders: [jsonType, noStore] });
const ok = (operation: LogEntry['operation'], body: unknown, overrides: Partial<LogEntry> = {}) =>
  logEntry({ time, operation, status: 200, responseHeaders: [jsonType], responseBody: json(body), ...overrides });
const goodBootstrap = {
  EcosystemUrl: `${origin}/wopi/ecosystem?access_token=${wopiToken}`,
  UserId: 'alice',
  SignInName: 'alice@contoso.test',
  UserFriendlyName: 'Alice Adams',
};
const goodFileInfo = {
  BaseFileName: 'Welcome.docx',
  OwnerId: 'alice',
  Size: 10,
  UserId: 'alice',
  Version: '1',
  IsEduUser: false,
  LicenseCheckForEditIsEnabled: false,
};

const rulesOf = (entry: LogEntry) => specWarnings(entry).map((w) => `${w.severity} ${w.rule}`);

describe('specWarnings: the bootstrapper 401 challenge', () => {
  const table: Array<[string, LogEntry, string[]]> = [
    ["the host's own challenge", bootstrap401(challenge(goodChallenge)), []],
    [
      'the spec sample: tp_contoso breaks the charset, and Android lists are triples',
      bootstrap401(challenge(specSample)),
      ['warning provider-id-characters', 'warning url-schemes-android-triples'],
    ],
    ['no challenge at all', bootstrap401(), ['failure challenge-missing']],
    ['only a non-Bearer challenge', bootstrap401(challenge('Basic realm="x"')), ['failure challenge-missing']],
    [
      'a second Bearer challenge',
      bootstrap401(challenge(goodChallenge), challenge('Bearer realm="other"')),
      ['failure challenge-not-single'],
    ],
    ['a Basic challenge beside the Bearer one is allowed', bootstrap401(challenge('Basic realm="x"'), challenge(goodChallenge)), []],
    [
      'parameter names in the wrong case',
      bootstrap401(challenge(`Bearer authorization_uri="${origin}/a",tokenissuance_uri="${origin}/t"`)),
      ['failure challenge-parameter-casing', 'failure challenge-missing-parameter'],
    ],
    ['a trailing comma', bootstrap401(challenge(goodChallenge + ',')), ['failure challenge-trailing-comma']],
    [
      'an unquoted value',
      bootstrap401(challenge(`Bearer authorization_uri=${origin}/a,tokenIssuance_uri="${origin}/t"`)),
      ['failure challenge-unquoted-value'],
    ],
    ['lower-case scheme', bootstrap401(challenge(goodChallenge.replace('Bearer', 'bearer'))), ['warning challenge-scheme-casing']],
    [
      'plain http URIs',
      bootstrap401(challenge(`Bearer authorization_uri="http://h/a",tokenIssuance_uri="http://h/t"`)),
      ['failure challenge-uri-not-https', 'failure challenge-uri-not-https'],
    ],
    [
      'a query string in authorization_uri',
      bootstrap401(challenge(`Bearer authorization_uri="https://h/a?x=1",tokenIssuance_uri="https://h/t"`)),
      ['warning challenge-unsafe-value'],
    ],
    [
      'RFC 6750 error parameter (the compatibility switch)',
      bootstrap401(challenge(goodChallenge + ',error="invalid_token"')),
      ['warning challenge-unknown-parameter'],
    ],
    ['a duplicated parameter', bootstrap401(challenge(goodChallenge + ',providerId="Other"')), ['failure challenge-duplicate-parameter']],
    [
      'UrlSchemes not percent-encoded JSON',
      bootstrap401(challenge(goodChallenge + ',UrlSchemes="%7Bios"')),
      ['failure url-schemes-not-encoded'],
    ],
    [
      'UrlSchemes with an unknown platform and a non-list',
      bootstrap401(challenge(goodChallenge + `,UrlSchemes="${encodeURIComponent('{"Windows":["a"],"iOS":"a"}')}"`)),
      ['warning url-schemes-platform', 'failure url-schemes-shape'],
    ],
    ['garbage', bootstrap401(challenge('Bearer ===')), ['failure challenge-unparseable']],
    [
      'raw JSON in UrlSchemes, quotes and all',
      bootstrap401(challenge(goodChallenge + ',UrlSchemes="{"iOS":["contoso"]}"')),
      ['failure challenge-unparseable', 'failure url-schemes-not-encoded'],
    ],
    [
      'a challenge on a 200 is held to the same format',
      ok('Bootstrap', { Bootstrap: goodBootstrap }, { responseHeaders: [jsonType, challenge(goodChallenge + ',')] }),
      ['failure challenge-trailing-comma', 'warning challenge-on-non-401'],
    ],
    [
      'a challenge on a 200',
      ok('Bootstrap', { Bootstrap: goodBootstrap }, { responseHeaders: [jsonType, challenge(goodChallenge)] }),
      ['warning challenge-on-non-401'],
    ],
  ];
  for (const [name, entry, expected] of table) test(name, () => assert.deepEqual(rulesOf(entry), expected));

  test('a missing challenge on GetNewAccessToken cites that document', () => {
    assert.deepEqual(
      specWarnings(
        logEntry({
          time,
          operation: 'GetNewAccessToken',
          method: 'POST',
          status: 401,
          requestHeaders: [{ name: 'X-WOPI-WopiSrc', value: `${origin}/wopi/files/f` }],
        }),
      ),
      [
        {
          rule: 'challenge-missing',
          severity: 'failure',
          message: '401 from the bootstrapper without a WWW-Authenticate: Bearer challenge; the client cannot learn where to sign in.',
        },
      ],
    );
  });

  test('the casing warning names both spellings', () => {
    const [casing] = specWarnings(bootstrap401(challenge(`Bearer Authorization_URI="${origin}/a",tokenIssuance_uri="${origin}/t"`)));
    assert.equal(
      casing?.message,
      'The parameter is named "Authorization_URI"; it must be "authorization_uri" (clients look names up case-sensitively).',
    );
    assert.deepEqual(
      rules[casing.rule].sources.map((source) => source.url),
      [
        'https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/bootstrapper/bootstrap#www-authenticate-response-header-format',
        'https://github.com/gtritchie/WOPIAuth/blob/ce7ff14a93048562794663f99dafe36a4a6e9042/WOPIAuth/BootstrapInfo.swift',
      ],
    );
  });

  test('401s elsewhere are not bootstrapper challenges', () => {
    assert.deepEqual(rulesOf(logEntry({ time, operation: 'CheckFileInfo', url: '/wopi/files/f?access_token=x', status: 401 })), []);
  });
});

describe('specWarnings: authenticated bootstrapper answers', () => {
  const table: Array<[string, LogEntry, string[]]> = [
    [
      'a good Bootstrap',
      ok('Bootstrap', { Bootstrap: goodBootstrap }, { requestHeaders: [{ name: 'Authorization', value: `Bearer ${accessToken}` }] }),
      [],
    ],
    [
      'Bootstrap 200 that is not JSON',
      logEntry({
        time,
        operation: 'Bootstrap',
        status: 200,
        responseHeaders: [{ name: 'content-type', value: 'text/plain' }],
        responseBody: json('ok', 'text/plain'),
      }),
      ['failure json-content-type', 'failure not-json'],
    ],
    [
      'Bootstrap 200 with an empty body',
      logEntry({ time, operation: 'Bootstrap', status: 200, responseHeaders: [jsonType] }),
      ['failure not-json'],
    ],
    ['properties at top level, no Bootstrap wrapper', ok('Bootstrap', goodBootstrap), ['failure missing-property']],
    [
      'SignInName and UserId missing',
      ok('Bootstrap', { Bootstrap: { EcosystemUrl: goodBootstrap.EcosystemUrl } }),
      ['failure missing-property'],
    ],
    [
      'EcosystemUrl without a token',
      ok('Bootstrap', { Bootstrap: { ...goodBootstrap, EcosystemUrl: `${origin}/wopi/ecosystem` } }),
      ['failure ecosystem-url-without-token'],
    ],
    [
      'EcosystemUrl with the OAuth token',
      ok('Bootstrap', { Bootstrap: { ...goodBootstrap, EcosystemUrl: `${origin}/wopi/ecosystem?access_token=${accessToken}` } }),
      ['failure ecosystem-url-oauth-token'],
    ],
    [
      'EcosystemUrl ending in a slash',
      ok('Bootstrap', { Bootstrap: { ...goodBootstrap, EcosystemUrl: `${origin}/wopi/ecosystem/?access_token=${wopiToken}` } }),
      ['warning ecosystem-url-trailing-slash'],
    ],
    [
      'null RootContainerInfo and AccessTokenInfo on plain Bootstrap',
      ok('Bootstrap', { Bootstrap: goodBootstrap, RootContainerInfo: null, AccessTokenInfo: null }),
      ['warning null-properties'],
    ],
    [
      'a truncated body is not judged',
      logEntry({
        time,
        operation: 'Bootstrap',
        status: 200,
        responseHeaders: [jsonType],
        responseBody: { ...json('{"Boot'), truncated: true },
      }),
      [],
    ],
    [
      'unknown shortcut answered 501',
      logEntry({
        time,
        operation: 'Bootstrap',
        method: 'POST',
        status: 501,
        requestHeaders: [{ name: 'X-WOPI-EcosystemOperation', value: 'SOMETHING_NEW' }],
      }),
      ['warning shortcut-not-implemented'],
    ],
    [
      'GetRootContainer without ContainerPointer',
      ok('GetRootContainer(bootstrapper)', { Bootstrap: goodBootstrap, RootContainerInfo: {} }),
      ['failure root-container-missing'],
    ],
    [
      'GET_ROOT_CONTAINER answered as a plain Bootstrap',
      ok('GetRootContainer(bootstrapper)', { Bootstrap: goodBootstrap }),
      ['failure root-container-missing'],
    ],
    [
      'GetRootContainer with a ContainerPointer without Name',
      ok('GetRootContainer(bootstrapper)', {
        Bootstrap: goodBootstrap,
        RootContainerInfo: { ContainerPointer: { Url: `${origin}/wopi/containers/r?access_token=${wopiToken}` } },
      }),
      ['failure missing-property'],
    ],
    [
      'GetRootContainer (ecosystem) without Name',
      ok('GetRootContainer', { ContainerPointer: { Url: `${origin}/wopi/containers/c?access_token=t` } }),
      ['failure missing-property'],
    ],
  ];
  for (const [name, entry, expected] of table) test(name, () => assert.deepEqual(rulesOf(entry), expected));

  const gnat = (expiry: unknown, headers: HeaderLine[] = [{ name: 'X-WOPI-WopiSrc', value: `${origin}/wopi/files/f` }]) =>
    ok(
      'GetNewAccessToken',
      { Bootstrap: goodBootstrap, AccessTokenInfo: { AccessToken: wopiToken, AccessTokenExpiry: expiry } },
      { method: 'POST', requestHeaders: headers },
    );
  const expiryTable: Array<[string, LogEntry, string[]]> = [
    ['AccessTokenExpiry in ms', gnat(timeMs + 36_000_000), []],
    [
      'an X-WOPI-WopiSrc that is no URL, answered 500',
      logEntry({
        time,
        operation: 'GetNewAccessToken',
        method: 'POST',
        status: 500,
        requestHeaders: [{ name: 'X-WOPI-WopiSrc', value: 'not a url' }],
      }),
      ['failure wopi-src-not-found'],
    ],
    [
      'an X-WOPI-WopiSrc that is no URL, answered 404',
      logEntry({
        time,
        operation: 'GetNewAccessToken',
        method: 'POST',
        status: 404,
        requestHeaders: [{ name: 'X-WOPI-WopiSrc', value: 'not a url' }],
      }),
      [],
    ],
    ['AccessTokenExpiry 0 (unknown)', gnat(0), []],
    ['AccessTokenExpiry in seconds', gnat(timeMs / 1000 + 36_000), ['failure access-token-expiry-seconds']],
    [
      'the spec sample value 1234567890 (seconds, 2009: too old for ms and for s within ten years)',
      gnat(1234567890),
      ['failure access-token-expiry-implausible'],
    ],
    ['AccessTokenExpiry as a string', gnat(String(timeMs)), ['failure property-type']],
    ['AccessTokenExpiry missing', gnat(undefined), ['failure missing-property']],
    ['no X-WOPI-WopiSrc yet a 200', gnat(timeMs + 1000, []), ['failure wopi-src-missing', 'failure wopi-src-not-found']],
  ];
  for (const [name, entry, expected] of expiryTable) test(name, () => assert.deepEqual(rulesOf(entry), expected));

  test('the seconds warning gives the instant it would mean and the ms value', () => {
    const [warning] = specWarnings(gnat(1795471200));
    assert.equal(
      warning?.message,
      'AccessTokenExpiry 1795471200 looks like seconds since the epoch (2026-11-23T22:00:00.000Z); it must be milliseconds (1795471200000).',
    );
    assert.deepEqual(rules[warning.rule].sources, [Source.GetNewAccessToken, Source.Concepts, Source.ValidatorSecondsIssue]);
  });

  test('GetNewAccessToken without X-WOPI-WopiSrc, answered 404: the client broke the rule, the host did not', () => {
    const [warning] = specWarnings(logEntry({ time, operation: 'GetNewAccessToken', method: 'POST', status: 404 }));
    assert.equal(warning?.message, 'GetNewAccessToken was sent without the X-WOPI-WopiSrc header.');
  });
});

describe('specWarnings: WOPI and token endpoint answers', () => {
  const table: Array<[string, LogEntry, string[]]> = [
    ['a good CheckFileInfo', ok('CheckFileInfo', goodFileInfo, { url: `/wopi/files/f?access_token=${wopiToken}` }), []],
    [
      'CheckFileInfo without the mobile-required booleans',
      ok('CheckFileInfo', { ...goodFileInfo, IsEduUser: undefined, LicenseCheckForEditIsEnabled: 'false' }),
      ['failure mobile-required-property', 'failure mobile-required-property'],
    ],
    [
      'CheckFileInfo with a numeric Version and a fractional Size',
      ok('CheckFileInfo', { ...goodFileInfo, Version: 3, Size: 1.5 }),
      ['failure property-type', 'failure property-type'],
    ],
    ['CheckFileInfo without OwnerId', ok('CheckFileInfo', { ...goodFileInfo, OwnerId: undefined }), ['failure missing-property']],
    ['a # in BaseFileName', ok('CheckFileInfo', { ...goodFileInfo, BaseFileName: 'Q#1.docx' }), ['failure office-invalid-characters']],
    [
      'CheckContainerInfo without Name',
      ok('CheckContainerInfo', { IsEduUser: false, LicenseCheckForEditIsEnabled: false }),
      ['failure missing-property'],
    ],
    ['EnumerateChildren without ChildContainers', ok('EnumerateChildren', { ChildFiles: [] }), ['failure missing-property']],
    [
      'EnumerateChildren with a relative child URL',
      ok('EnumerateChildren', { ChildContainers: [], ChildFiles: [{ Url: '/wopi/files/f?access_token=t', Name: 'a.docx' }] }),
      ['failure child-url-without-token'],
    ],
    [
      'Token with expires_in as a string (the compatibility switch)',
      token({ access_token: 'a', token_type: 'bearer', expires_in: '3600', refresh_token: 'r' }),
      ['warning expires-in-not-number'],
    ],
    ['a complete token response', token({ access_token: 'a', token_type: 'Bearer', expires_in: 3600, refresh_token: 'r' }), []],
    ['Token without token_type', token({ access_token: 'a', expires_in: 3600, refresh_token: 'r' }), ['failure token-response-fields']],
    [
      'Token with another token_type',
      token({ access_token: 'a', token_type: 'mac', expires_in: 3600, refresh_token: 'r' }),
      ['failure token-response-fields'],
    ],
    ['Token without expires_in', token({ access_token: 'a', token_type: 'bearer', refresh_token: 'r' }), ['warning expires-in-not-number']],
    [
      'Token without refresh_token',
      token({ access_token: 'a', token_type: 'bearer', expires_in: 3600 }),
      ['warning token-response-refresh-token'],
    ],
    [
      'Token without Cache-Control: no-store (RFC 6749 5.1)',
      ok(
        'Token',
        { access_token: 'a', token_type: 'bearer', expires_in: 3600, refresh_token: 'r' },
        { responseHeaders: [jsonType, { name: 'cache-control', value: 'no-cache' }] },
      ),
      ['failure token-response-no-store'],
    ],
    [
      'Token as text/plain',
      ok(
        'Token',
        { access_token: 'a', token_type: 'bearer', expires_in: 3600, refresh_token: 'r' },
        { responseHeaders: [{ name: 'content-type', value: 'text/plain' }, noStore] },
      ),
      ['failure token-response-json'],
    ],
    ['a forced 404 is not judged by the 200 rules', logEntry({ time, operation: 'CheckFileInfo', status: 404 }), []],
  ];
  for (const [name, entry, expected] of table) test(name, () => assert.deepEqual(rulesOf(entry), expected));
});

describe('specWarnings: where tokens travel', () => {
  const table: Array<[string, LogEntry, string[]]> = [
    [
      'WOPI token only in the Authorization header',
      logEntry({
        time,
        operation: 'CheckFileInfo',
        url: '/wopi/files/f',
        status: 404,
        requestHeaders: [{ name: 'Authorization', value: `Bearer ${wopiToken}` }],
      }),
      ['warning wopi-token-in-header'],
    ],
    [
      'query token and header both sent (as the validator does)',
      logEntry({
        time,
        operation: 'CheckFileInfo',
        url: `/wopi/files/f?access_token=${wopiToken}`,
        status: 404,
        requestHeaders: [{ name: 'Authorization', value: `Bearer ${wopiToken}` }],
      }),
      [],
    ],
    [
      'a WOPI token sent to the bootstrapper',
      logEntry({
        time,
        operation: 'Bootstrap',
        url: '/wopibootstrapper',
        status: 401,
        requestHeaders: [{ name: 'Authorization', value: `Bearer: ${wopiToken}` }],
        responseHeaders: [challenge(goodChallenge)],
      }),
      ['failure wopi-token-at-bootstrapper'],
    ],
    [
      'an OAuth access token sent to a WOPI endpoint',
      logEntry({ time, operation: 'CheckEcosystem', url: `/wopi/ecosystem?access_token=${accessToken}`, status: 401 }),
      ['failure oauth-token-at-wopi-endpoint'],
    ],
    [
      'access_token_ttl in seconds',
      logEntry({
        time,
        operation: 'CheckFileInfo',
        url: `/wopi/files/f?access_token=${wopiToken}&access_token_ttl=${timeMs / 1000 + 60}`,
        status: 404,
      }),
      ['failure access-token-ttl-not-ms'],
    ],
    [
      'access_token_ttl as a duration',
      logEntry({ time, operation: 'CheckFileInfo', url: `/wopi/files/f?access_token=${wopiToken}&access_token_ttl=36000000`, status: 404 }),
      ['failure access-token-ttl-not-ms'],
    ],
    [
      'access_token_ttl in ms, and 0',
      logEntry({
        time,
        operation: 'CheckFileInfo',
        url: `/wopi/files/f?access_token=${wopiToken}&access_token_ttl=${timeMs + 60_000}`,
        status: 404,
      }),
      [],
    ],
  ];
  for (const [name, entry, expected] of table) test(name, () => assert.deepEqual(rulesOf(entry), expected));

  test('the seconds hint is in the message', () => {
    const [warning] = specWarnings(table[4]![1]);
    assert.equal(
      warning?.message,
      `access_token_ttl=${timeMs / 1000 + 60} is not an expiry instant in milliseconds since the epoch (it looks like seconds); despite its name it is not a duration, and 0 means unknown.`,
    );
  });
});

describe('specWarnings: locks', () => {
  const lockHeader: HeaderLine = { name: 'x-wopi-lock', value: 'L1' };
  const version: HeaderLine = { name: 'x-wopi-itemversion', value: '2' };
  const table: Array<[string, LogEntry, string[]]> = [
    ['Lock 200 with ItemVersion', logEntry({ time, operation: 'Lock', status: 200, responseHeaders: [version] }), []],
    ['Lock 200 without ItemVersion', logEntry({ time, operation: 'Lock', status: 200 }), ['failure item-version-missing']],
    ['PutFile 200 without ItemVersion', logEntry({ time, operation: 'PutFile', status: 200 }), ['failure item-version-missing']],
    [
      'Lock 200 that sends X-WOPI-Lock',
      logEntry({ time, operation: 'Lock', status: 200, responseHeaders: [version, lockHeader] }),
      ['warning lock-header-on-success'],
    ],
    ['Unlock 409 without X-WOPI-Lock', logEntry({ time, operation: 'Unlock', status: 409 }), ['failure lock-header-missing']],
    [
      'Unlock 409 with an empty X-WOPI-Lock',
      logEntry({ time, operation: 'Unlock', status: 409, responseHeaders: [{ name: 'X-WOPI-Lock', value: '' }] }),
      [],
    ],
    ['GetLock 200 without X-WOPI-Lock', logEntry({ time, operation: 'GetLock', status: 200 }), ['failure lock-header-missing']],
    ['GetLock 200 with X-WOPI-Lock', logEntry({ time, operation: 'GetLock', status: 200, responseHeaders: [lockHeader] }), []],
  ];
  for (const [name, entry, expected] of table) test(name, () => assert.deepEqual(rulesOf(entry), expected));
});

describe('specWarnings on the real engine', () => {
  let h: Harness;
  before(async () => void (h = await startHarness()));
  after(() => h.close());

  const warningsSince = async (afterSeq: number) => {
    const { entries } = (await h.admin('GET', `/api/log?after=${afterSeq}`)).json<{ entries: LogEntry[] }>();
    return entries.map((e) => [e.operation, e.status, specWarnings(e).map((w) => w.rule)]);
  };
  const lastSeq = async () => (await h.admin('GET', '/api/log?limit=1')).json<{ lastSeq: number }>().lastSeq;

  test('the whole sign-in and browse flow breaks no rule', async () => {
    const start = await lastSeq();
    assert.equal((await h.request('GET', '/wopibootstrapper')).status, 401);
    const tokens = await h.signIn('alice');
    const headers = bearer(tokens.access_token);
    await h.request('GET', '/wopibootstrapper', { headers });
    const root = (
      await h.request('POST', '/wopibootstrapper', { headers: { ...headers, 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' } })
    ).json();
    const rootUrl: string = root.RootContainerInfo.ContainerPointer.Url;
    await h.request('GET', rootUrl);
    const children = (await h.request('GET', appendPath(rootUrl, '/children'))).json();
    const fileUrl: string = children.ChildFiles[0].Url;
    const fresh = (
      await h.request('POST', '/wopibootstrapper', {
        headers: { ...headers, 'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN', 'x-wopi-wopisrc': withoutQuery(fileUrl) },
      })
    ).json();
    await h.request('GET', `${withoutQuery(fileUrl)}?access_token=${fresh.AccessTokenInfo.AccessToken}`);
    await h.request('GET', appendPath(fileUrl, '/contents'));
    const ecosystem = (await h.request('GET', '/wopibootstrapper', { headers })).json().Bootstrap.EcosystemUrl as string;
    await h.request('GET', `/wopi/ecosystem?access_token=${tokenOf(ecosystem)}`);
    await h.request('GET', appendPath(ecosystem, '/root_container_pointer'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(await warningsSince(start), [
      ['Bootstrap', 401, []],
      ['Authorize', 302, []],
      ['Token', 200, []],
      ['Bootstrap', 200, []],
      ['GetRootContainer(bootstrapper)', 200, []],
      ['CheckContainerInfo', 200, []],
      ['EnumerateChildren', 200, []],
      ['GetNewAccessToken', 200, []],
      ['CheckFileInfo', 200, []],
      ['GetFile', 200, []],
      ['Bootstrap', 200, []],
      ['CheckEcosystem', 200, []],
      ['GetRootContainer', 200, []],
    ]);
  });

  test('a forced 401 still carries a good challenge; the compatibility switches are flagged', async () => {
    const tokens = await h.signIn('bob');
    const config = (await h.admin('GET', '/api/config')).json();
    assert.equal(
      (
        await h.admin('PUT', '/api/config', {
          ...config,
          compatibility: { ...config.compatibility, expiresInAsString: true, challengeErrorParameter: true },
        })
      ).status,
      200,
    );
    assert.equal((await h.admin('POST', '/api/faults', { operation: 'Bootstrap', status: 401, remaining: 1 })).status, 201);
    const start = await lastSeq();
    await h.request('GET', '/wopibootstrapper', { headers: bearer(tokens.access_token) });
    await h.request('GET', '/wopibootstrapper', { headers: bearer('not-a-token') });
    await h.signIn('bob');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(await warningsSince(start), [
      ['Bootstrap', 401, []],
      ['Bootstrap', 401, ['challenge-unknown-parameter']],
      ['Authorize', 302, []],
      ['Token', 200, ['expires-in-not-number']],
    ]);
  });
});
