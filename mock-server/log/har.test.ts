import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEntry } from './entry.js';
import { logEntry as entry } from '../../test-support/entry-fixture.js';
import { absoluteUrl, parseQueryString, reasonPhrase, toHar } from './har.js';

const origin = 'https://192.168.1.5:8443';
const creator = { name: 'WOPI Mock Host', version: '0.1.0' };

const challenge =
  'Bearer authorization_uri="https://192.168.1.5:8443/oauth/authorize",tokenIssuance_uri="https://192.168.1.5:8443/oauth/token"';

const bootstrap401 = entry({
  seq: 1,
  operation: 'Bootstrap',
  url: '/wopibootstrapper',
  status: 401,
  durationMs: 3.5,
  requestHeaders: [
    { name: 'Host', value: '192.168.1.5:8443' },
    { name: 'User-Agent', value: 'Microsoft Office Word/2.80' },
  ],
  responseHeaders: [
    { name: 'WWW-Authenticate', value: challenge },
    { name: 'Content-Length', value: '0' },
  ],
});

const formText = 'grant_type=authorization_code&code=c%2F1%2B2&redirect_uri=ms-word%3A%2F%2Fcb&client_id=office+mobile';
const tokenJson = '{"access_token":"t1","token_type":"Bearer","expires_in":3600}';

const tokenPost = entry({
  seq: 2,
  time: '2025-03-01T10:00:01.250Z',
  operation: 'Token',
  method: 'POST',
  url: '/oauth/token',
  durationMs: 12,
  userId: 'alice',
  requestHeaders: [
    { name: 'Host', value: '192.168.1.5:8443' },
    { name: 'Content-Type', value: 'application/x-www-form-urlencoded; charset=UTF-8' },
    { name: 'Cookie', value: 'session=abc; theme=dark' },
    { name: 'Content-Length', value: '100' },
  ],
  responseHeaders: [
    { name: 'Content-Type', value: 'application/json; charset=utf-8' },
    { name: 'Set-Cookie', value: 'sid=xyz; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly; Secure; SameSite=Lax' },
  ],
  requestBody: {
    text: formText,
    encoding: 'utf8',
    size: 100,
    truncated: false,
    mimeType: 'application/x-www-form-urlencoded; charset=UTF-8',
  },
  responseBody: { text: tokenJson, encoding: 'utf8', size: 61, truncated: false, mimeType: 'application/json' },
});

const getFileBinary = entry({
  seq: 3,
  operation: 'GetFile',
  url: '/wopi/files/abc/contents?access_token=tok',
  durationMs: 4,
  userId: 'alice',
  responseHeaders: [
    { name: 'Content-Type', value: 'application/octet-stream' },
    { name: 'X-WOPI-ItemVersion', value: '7' },
  ],
  responseBody: { text: 'AAECA/8=', encoding: 'base64', size: 5, truncated: false, mimeType: 'application/octet-stream' },
});

const putFileTruncated = entry({
  seq: 4,
  operation: 'PutFile',
  method: 'POST',
  url: '/wopi/files/abc/contents?access_token=tok',
  durationMs: 30,
  userId: 'alice',
  faultId: 'slow-putfile',
  requestHeaders: [
    { name: 'X-WOPI-Override', value: 'PUT' },
    { name: 'X-WOPI-Lock', value: 'lock-1' },
  ],
  requestBody: { text: 'AAECAwQF', encoding: 'base64', size: 120000, truncated: true, mimeType: 'application/octet-stream' },
});

const childrenTruncated = entry({
  seq: 5,
  operation: 'EnumerateChildren',
  url: '/wopi/containers/root/children?access_token=tok',
  durationMs: 2,
  responseHeaders: [{ name: 'Content-Type', value: 'application/json' }],
  // 34 characters, 36 UTF-8 bytes: the two é take two bytes each.
  responseBody: {
    text: '{"Children":[{"Name":"Résumé.docx"',
    encoding: 'utf8',
    size: 52000,
    truncated: true,
    mimeType: 'application/json',
  },
});

const abortedGetFile = entry({
  seq: 6,
  operation: 'GetFile',
  url: '/wopi/files/abc/contents?access_token=tok',
  status: 0,
  durationMs: 5000,
  faultId: 'drop-getfile',
  aborted: true,
});

const queryUrl = '/wopi/files/folder%2Fdoc.docx?access_token=x%2Fy%2Bz&q=a+b&k=1&k=2&empty=&flag&&bad=%E0%A4%A&utf=%E2%9C%93&sp%20ace=1';

const queryEntry = entry({ seq: 7, operation: 'CheckFileInfo', url: queryUrl });

const authorizeRedirect = entry({
  seq: 8,
  operation: 'Authorize',
  url: '/oauth/authorize?state=s1',
  status: 302,
  responseHeaders: [{ name: 'Location', value: 'ms-word://cb?code=c1&state=s1' }],
});

const allEntries = [
  bootstrap401,
  tokenPost,
  getFileBinary,
  putFileTruncated,
  childrenTruncated,
  abortedGetFile,
  queryEntry,
  authorizeRedirect,
];

function onlyEntry(logEntry: LogEntry) {
  const har = toHar([logEntry], { creator, origin });
  assert.equal(har.log.entries.length, 1);
  return har.log.entries[0];
}

// ---------------------------------------------------------------------------------------------
// Structural check against the HAR 1.2 spec: every required field present with the right type,
// optional fields typed when present, and any field the spec does not define prefixed with `_`.

type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'object or null';

class HarChecker {
  readonly errors: string[] = [];

  private kindOf(value: unknown): string {
    if (Array.isArray(value)) return 'array';
    if (value === null) return 'null';
    return typeof value;
  }

  private is(value: unknown, kind: Kind): boolean {
    if (kind === 'integer') return Number.isInteger(value);
    if (kind === 'number') return typeof value === 'number' && Number.isFinite(value);
    if (kind === 'object or null') return value === null || this.kindOf(value) === 'object';
    return this.kindOf(value) === kind;
  }

  /** Checks the fields of `obj`; `spec` maps field name to [kind, required]. Returns obj typed loosely. */
  fields(obj: unknown, path: string, spec: Record<string, [Kind, boolean]>): Record<string, unknown> | undefined {
    if (!this.is(obj, 'object')) {
      this.errors.push(`${path}: expected object, got ${this.kindOf(obj)}`);
      return undefined;
    }
    const record = obj as Record<string, unknown>;
    for (const [name, [kind, required]] of Object.entries(spec)) {
      if (!(name in record)) {
        if (required) this.errors.push(`${path}.${name}: required field missing`);
        continue;
      }
      if (!this.is(record[name], kind)) {
        this.errors.push(`${path}.${name}: expected ${kind}, got ${this.kindOf(record[name])}`);
      }
    }
    for (const name of Object.keys(record)) {
      if (!(name in spec) && name !== 'comment' && !name.startsWith('_')) {
        this.errors.push(`${path}.${name}: not a HAR 1.2 field and not _-prefixed`);
      }
    }
    if ('comment' in record && typeof record.comment !== 'string') this.errors.push(`${path}.comment: expected string`);
    return record;
  }

  list(value: unknown, path: string, each: (item: unknown, itemPath: string) => void): void {
    if (!Array.isArray(value)) return; // type already reported by fields()
    value.forEach((item, i) => each(item, `${path}[${i}]`));
  }

  isoDate(value: unknown, path: string): void {
    if (typeof value === 'string' && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)) {
      this.errors.push(`${path}: not an ISO 8601 date-time with zone: ${value}`);
    }
  }

  nameValue(item: unknown, path: string): void {
    this.fields(item, path, { name: ['string', true], value: ['string', true] });
  }

  cookie(item: unknown, path: string): void {
    const c = this.fields(item, path, {
      name: ['string', true],
      value: ['string', true],
      path: ['string', false],
      domain: ['string', false],
      expires: ['string', false],
      httpOnly: ['boolean', false],
      secure: ['boolean', false],
    });
    if (c && 'expires' in c) this.isoDate(c.expires, `${path}.expires`);
  }

  creator(value: unknown, path: string): void {
    this.fields(value, path, { name: ['string', true], version: ['string', true] });
  }

  request(value: unknown, path: string): void {
    const r = this.fields(value, path, {
      method: ['string', true],
      url: ['string', true],
      httpVersion: ['string', true],
      cookies: ['array', true],
      headers: ['array', true],
      queryString: ['array', true],
      postData: ['object', false],
      headersSize: ['integer', true],
      bodySize: ['integer', true],
    });
    if (!r) return;
    if (typeof r.url === 'string' && !URL.canParse(r.url)) this.errors.push(`${path}.url: not an absolute URL`);
    this.list(r.cookies, `${path}.cookies`, (c, p) => this.cookie(c, p));
    this.list(r.headers, `${path}.headers`, (h, p) => this.nameValue(h, p));
    this.list(r.queryString, `${path}.queryString`, (q, p) => this.nameValue(q, p));
    if ('postData' in r) {
      const pd = this.fields(r.postData, `${path}.postData`, {
        mimeType: ['string', true],
        params: ['array', false],
        text: ['string', false],
      });
      if (pd) {
        this.list(pd.params, `${path}.postData.params`, (param, p) =>
          this.fields(param, p, {
            name: ['string', true],
            value: ['string', false],
            fileName: ['string', false],
            contentType: ['string', false],
          }),
        );
      }
    }
    this.sizes(r, path);
  }

  response(value: unknown, path: string): void {
    const r = this.fields(value, path, {
      status: ['integer', true],
      statusText: ['string', true],
      httpVersion: ['string', true],
      cookies: ['array', true],
      headers: ['array', true],
      content: ['object', true],
      redirectURL: ['string', true],
      headersSize: ['integer', true],
      bodySize: ['integer', true],
    });
    if (!r) return;
    this.list(r.cookies, `${path}.cookies`, (c, p) => this.cookie(c, p));
    this.list(r.headers, `${path}.headers`, (h, p) => this.nameValue(h, p));
    const content = this.fields(r.content, `${path}.content`, {
      size: ['integer', true],
      compression: ['integer', false],
      mimeType: ['string', true],
      text: ['string', false],
      encoding: ['string', false],
    });
    if (content && typeof content.size === 'number' && content.size < 0) {
      this.errors.push(`${path}.content.size: negative`);
    }
    this.sizes(r, path);
  }

  private sizes(r: Record<string, unknown>, path: string): void {
    for (const key of ['headersSize', 'bodySize']) {
      const n = r[key];
      if (typeof n === 'number' && n < -1) this.errors.push(`${path}.${key}: below -1`);
    }
  }

  cacheEntry(value: unknown, path: string): void {
    if (value === null) return;
    const c = this.fields(value, path, {
      expires: ['string', false],
      lastAccess: ['string', true],
      eTag: ['string', true],
      hitCount: ['integer', true],
    });
    if (c) this.isoDate(c.lastAccess, `${path}.lastAccess`);
  }

  entry(value: unknown, path: string): void {
    const e = this.fields(value, path, {
      pageref: ['string', false],
      startedDateTime: ['string', true],
      time: ['number', true],
      request: ['object', true],
      response: ['object', true],
      cache: ['object', true],
      timings: ['object', true],
      serverIPAddress: ['string', false],
      connection: ['string', false],
    });
    if (!e) return;
    this.isoDate(e.startedDateTime, `${path}.startedDateTime`);
    this.request(e.request, `${path}.request`);
    this.response(e.response, `${path}.response`);
    const cache = this.fields(e.cache, `${path}.cache`, {
      beforeRequest: ['object or null', false],
      afterRequest: ['object or null', false],
    });
    for (const key of ['beforeRequest', 'afterRequest']) {
      if (cache && key in cache) this.cacheEntry(cache[key], `${path}.cache.${key}`);
    }
    const timings = this.fields(e.timings, `${path}.timings`, {
      blocked: ['number', false],
      dns: ['number', false],
      connect: ['number', false],
      send: ['number', true],
      wait: ['number', true],
      receive: ['number', true],
      ssl: ['number', false],
    });
    if (!timings) return;
    let sum = 0;
    for (const key of ['blocked', 'dns', 'connect', 'send', 'wait', 'receive']) {
      const t = timings[key];
      if (typeof t !== 'number') continue;
      const floor = ['send', 'wait', 'receive'].includes(key) ? 0 : -1;
      if (t < floor) this.errors.push(`${path}.timings.${key}: below ${floor}`);
      // ssl is already included in connect, so the spec leaves it out of the sum.
      if (t !== -1) sum += t;
    }
    if (typeof e.time === 'number' && Math.abs(e.time - sum) > 1e-9) {
      this.errors.push(`${path}.time: ${e.time} is not the sum of the timings (${sum})`);
    }
  }
}

function harErrors(har: unknown): string[] {
  const check = new HarChecker();
  const root = check.fields(har, 'har', { log: ['object', true] });
  const log =
    root &&
    check.fields(root.log, 'har.log', {
      version: ['string', true],
      creator: ['object', true],
      browser: ['object', false],
      pages: ['array', false],
      entries: ['array', true],
    });
  if (!log) return check.errors;
  if (log.version !== '1.2') check.errors.push(`har.log.version: expected "1.2", got ${String(log.version)}`);
  check.creator(log.creator, 'har.log.creator');
  if ('browser' in log) check.creator(log.browser, 'har.log.browser');
  check.list(log.pages, 'har.log.pages', (page, p) =>
    check.fields(page, p, {
      startedDateTime: ['string', true],
      id: ['string', true],
      title: ['string', true],
      pageTimings: ['object', true],
    }),
  );
  check.list(log.entries, 'har.log.entries', (e, p) => check.entry(e, p));
  return check.errors;
}

function assertValidHar(har: unknown): void {
  assert.deepEqual(harErrors(har), []);
}

// ---------------------------------------------------------------------------------------------

test('every fixture together yields a valid HAR 1.2 log that survives JSON', () => {
  const har = toHar(allEntries, { creator, origin });
  assertValidHar(har);
  // Catches undefined or NaN values, which JSON would drop or turn into null.
  assert.deepEqual(JSON.parse(JSON.stringify(har)), har);
});

test('the structural check rejects missing, mistyped and unprefixed fields', () => {
  const har = JSON.parse(JSON.stringify(toHar([bootstrap401], { creator, origin })));
  delete har.log.entries[0].response.statusText;
  har.log.entries[0].request.headersSize = '-1';
  har.log.entries[0].operation = 'Bootstrap';
  har.log.entries[0].timings.wait = 99;
  assert.deepEqual(harErrors(har), [
    'har.log.entries[0].operation: not a HAR 1.2 field and not _-prefixed',
    'har.log.entries[0].request.headersSize: expected integer, got string',
    'har.log.entries[0].response.statusText: required field missing',
    'har.log.entries[0].time: 3.5 is not the sum of the timings (99)',
  ]);
});

test('log header and entry order follow the input', () => {
  const har = toHar([queryEntry, bootstrap401, tokenPost], { creator, origin });
  assert.equal(har.log.version, '1.2');
  assert.deepEqual(har.log.creator, { name: 'WOPI Mock Host', version: '0.1.0' });
  assert.deepEqual(
    har.log.entries.map((e) => e._seq),
    [7, 1, 2],
  );
  assert.deepEqual(Object.keys(har), ['log']);
  assert.deepEqual(Object.keys(har.log), ['version', 'creator', 'entries']);
});

test('an empty log is a valid HAR with no entries', () => {
  const har = toHar([], { creator, origin });
  assert.deepEqual(har, { log: { version: '1.2', creator, entries: [] } });
  assertValidHar(har);
});

test('Bootstrap 401 keeps the WWW-Authenticate challenge and has an empty content', () => {
  assert.deepEqual(onlyEntry(bootstrap401), {
    startedDateTime: '2025-03-01T10:00:00.000Z',
    time: 3.5,
    request: {
      method: 'GET',
      url: 'https://192.168.1.5:8443/wopibootstrapper',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [
        { name: 'Host', value: '192.168.1.5:8443' },
        { name: 'User-Agent', value: 'Microsoft Office Word/2.80' },
      ],
      queryString: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: 401,
      statusText: 'Unauthorized',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [
        { name: 'WWW-Authenticate', value: challenge },
        { name: 'Content-Length', value: '0' },
      ],
      content: { size: 0, mimeType: '' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 0,
    },
    cache: {},
    timings: { send: 0, wait: 3.5, receive: 0 },
    _operation: 'Bootstrap',
    _userId: null,
    _faultId: null,
    _knownBugs: [],
    _seq: 1,
    _aborted: false,
    _notes: [],
  });
});

test('token POST: form params decoded, cookies parsed from Cookie and Set-Cookie', () => {
  assert.deepEqual(onlyEntry(tokenPost), {
    startedDateTime: '2025-03-01T10:00:01.250Z',
    time: 12,
    request: {
      method: 'POST',
      url: 'https://192.168.1.5:8443/oauth/token',
      httpVersion: 'HTTP/1.1',
      cookies: [
        { name: 'session', value: 'abc' },
        { name: 'theme', value: 'dark' },
      ],
      headers: [
        { name: 'Host', value: '192.168.1.5:8443' },
        { name: 'Content-Type', value: 'application/x-www-form-urlencoded; charset=UTF-8' },
        { name: 'Cookie', value: 'session=abc; theme=dark' },
        { name: 'Content-Length', value: '100' },
      ],
      queryString: [],
      postData: {
        mimeType: 'application/x-www-form-urlencoded; charset=UTF-8',
        params: [
          { name: 'grant_type', value: 'authorization_code' },
          { name: 'code', value: 'c/1+2' },
          { name: 'redirect_uri', value: 'ms-word://cb' },
          { name: 'client_id', value: 'office mobile' },
        ],
        text: formText,
      },
      headersSize: -1,
      bodySize: 100,
    },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      cookies: [{ name: 'sid', value: 'xyz', path: '/', expires: '2026-10-21T07:28:00.000Z', httpOnly: true, secure: true }],
      headers: [
        { name: 'Content-Type', value: 'application/json; charset=utf-8' },
        {
          name: 'Set-Cookie',
          value: 'sid=xyz; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly; Secure; SameSite=Lax',
        },
      ],
      content: { size: 61, mimeType: 'application/json', text: tokenJson },
      redirectURL: '',
      headersSize: -1,
      bodySize: 61,
    },
    cache: {},
    timings: { send: 0, wait: 12, receive: 0 },
    _operation: 'Token',
    _userId: 'alice',
    _faultId: null,
    _knownBugs: [],
    _seq: 2,
    _aborted: false,
    _notes: [],
  });
});

test('binary GetFile response is carried as base64 content', () => {
  const harEntry = onlyEntry(getFileBinary);
  assert.deepEqual(harEntry?.response, {
    status: 200,
    statusText: 'OK',
    httpVersion: 'HTTP/1.1',
    cookies: [],
    headers: [
      { name: 'Content-Type', value: 'application/octet-stream' },
      { name: 'X-WOPI-ItemVersion', value: '7' },
    ],
    content: { size: 5, mimeType: 'application/octet-stream', text: 'AAECA/8=', encoding: 'base64' },
    redirectURL: '',
    headersSize: -1,
    bodySize: 5,
  });
  assert.deepEqual(harEntry?.request.queryString, [{ name: 'access_token', value: 'tok' }]);
  assert.equal(harEntry?.request.url, 'https://192.168.1.5:8443/wopi/files/abc/contents?access_token=tok');
});

test('truncated base64 request body keeps the captured part, counts decoded bytes', () => {
  const harEntry = onlyEntry(putFileTruncated);
  assert.deepEqual(harEntry?.request.postData, {
    mimeType: 'application/octet-stream',
    text: 'AAECAwQF',
    comment: 'truncated: 6 of 120000 bytes captured',
    _encoding: 'base64',
  });
  assert.equal(harEntry?.request.bodySize, 120000);
  assert.equal(harEntry?._faultId, 'slow-putfile');
});

test('truncated text response counts UTF-8 bytes in its comment', () => {
  assert.deepEqual(onlyEntry(childrenTruncated)?.response.content, {
    size: 52000,
    mimeType: 'application/json',
    text: '{"Children":[{"Name":"Résumé.docx"',
    comment: 'truncated: 36 of 52000 bytes captured',
  });
});

test('a truncated form body keeps its text but gets no params', () => {
  const cut = entry({
    method: 'POST',
    requestBody: {
      text: 'a=1&b=par',
      encoding: 'utf8',
      size: 4000,
      truncated: true,
      mimeType: 'application/x-www-form-urlencoded',
    },
  });
  assert.deepEqual(onlyEntry(cut)?.request.postData, {
    mimeType: 'application/x-www-form-urlencoded',
    text: 'a=1&b=par',
    comment: 'truncated: 9 of 4000 bytes captured',
  });
});

test('aborted entry: status 0, empty statusText, unknown body size', () => {
  assert.deepEqual(onlyEntry(abortedGetFile), {
    startedDateTime: '2025-03-01T10:00:00.000Z',
    time: 5000,
    request: {
      method: 'GET',
      url: 'https://192.168.1.5:8443/wopi/files/abc/contents?access_token=tok',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [],
      queryString: [{ name: 'access_token', value: 'tok' }],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: 0,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: '' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings: { send: 0, wait: 5000, receive: 0 },
    comment: 'aborted: the connection closed before the response was complete',
    _operation: 'GetFile',
    _userId: null,
    _faultId: 'drop-getfile',
    _knownBugs: [],
    _seq: 6,
    _aborted: true,
    _notes: [],
  });
});

test('the known-bug switches that bent an answer travel as _knownBugs, and the HAR stays valid', () => {
  const bent = entry({
    ...bootstrap401,
    responseHeaders: [{ name: 'WWW-Authenticate', value: `${challenge},` }],
    knownBugs: ['challengeTrailingComma'],
    notes: [
      'Known host bug on purpose: Trailing comma in the challenge (knownBugs.challengeTrailingComma; breaks rule challenge-trailing-comma)',
    ],
  });
  const harEntry = onlyEntry(bent);
  assert.deepEqual(harEntry?._knownBugs, ['challengeTrailingComma']);
  assert.deepEqual(harEntry?._notes, bent.notes);
  assertValidHar(toHar([bent], { creator, origin }));
});

test('query string: %2F, + as space, repeated keys, bare keys, malformed escapes', () => {
  const harEntry = onlyEntry(queryEntry);
  assert.equal(harEntry?.request.url, `https://192.168.1.5:8443${queryUrl}`);
  assert.deepEqual(harEntry?.request.queryString, [
    { name: 'access_token', value: 'x/y+z' },
    { name: 'q', value: 'a b' },
    { name: 'k', value: '1' },
    { name: 'k', value: '2' },
    { name: 'empty', value: '' },
    { name: 'flag', value: '' },
    { name: 'bad', value: '%E0%A4%A' },
    { name: 'utf', value: '✓' },
    { name: 'sp ace', value: '1' },
  ]);
});

test('parseQueryString ignores the fragment and handles a path without query', () => {
  assert.deepEqual(parseQueryString('/a?x=1#y=2'), [{ name: 'x', value: '1' }]);
  assert.deepEqual(parseQueryString('/a'), []);
  assert.deepEqual(parseQueryString('/a?'), []);
  assert.deepEqual(parseQueryString('/a?x=1=2'), [{ name: 'x', value: '1=2' }]);
});

test('redirect: Location becomes redirectURL', () => {
  const response = onlyEntry(authorizeRedirect)?.response;
  assert.equal(response?.status, 302);
  assert.equal(response?.statusText, 'Found');
  assert.equal(response?.redirectURL, 'ms-word://cb?code=c1&state=s1');
});

test('absoluteUrl joins origin and path without doubling or dropping slashes', () => {
  assert.equal(absoluteUrl('https://h:8443/', '/a?b=1'), 'https://h:8443/a?b=1');
  assert.equal(absoluteUrl('https://h:8443', '*'), 'https://h:8443/*');
  assert.equal(absoluteUrl('https://h:8443', 'http://proxy.example/x'), 'http://proxy.example/x');
});

test('HTTP/2 entries get the HTTP/2.0 version label and a standard reason phrase', () => {
  const h2 = onlyEntry(entry({ httpVersion: '2.0', status: 404 }));
  assert.equal(h2?.request.httpVersion, 'HTTP/2.0');
  assert.equal(h2?.response.httpVersion, 'HTTP/2.0');
  assert.equal(h2?.response.statusText, 'Not Found');
  assert.equal(reasonPhrase(599), '');
  assert.equal(reasonPhrase(413), 'Content Too Large');
});

test('reason phrases are the IANA registry names, where Node has older ones too', () => {
  assert.equal(reasonPhrase(200), 'OK');
  assert.equal(reasonPhrase(302), 'Found');
  assert.equal(reasonPhrase(418), "I'm a teapot");
  assert.equal(reasonPhrase(422), 'Unprocessable Content');
  assert.equal(reasonPhrase(423), 'Locked');
  assert.equal(reasonPhrase(509), '');
  assert.equal(reasonPhrase(0), '');
});
