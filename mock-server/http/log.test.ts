import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStream as openAdminStream } from '../../test-support/stream-fixture.js';
import { bearer, browse, clientId, clientSecret, startHarness, withoutQuery, type Harness } from '../../test-support/host-fixture.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const entries = async (query = '') => (await h.admin('GET', `/api/log${query}`)).json();
const latest = async () => (await entries('?limit=1')).entries[0];

/** The admin event stream of this test's engine. */
const openStream = (path?: string) => openAdminStream(h.engine.urls.adminUrl, h.engine.urls.adminToken, path);

describe('log entries', () => {
  test('each request is one entry with operation, status, user, timing and both header lists', async () => {
    const { access_token } = await h.signIn('alice');
    const before = (await entries()).lastSeq;
    await h.request('GET', '/wopibootstrapper', {
      headers: { ...bearer(access_token), 'user-agent': 'Microsoft Office Identity Service' },
    });
    const { entries: list, lastSeq } = await entries(`?after=${before}`);
    assert.equal(list.length, 1);
    assert.equal(lastSeq, before + 1);
    const entry = list[0];
    assert.equal(entry.seq, before + 1);
    assert.equal(entry.time, new Date(h.now()).toISOString());
    assert.equal(entry.operation, 'Bootstrap');
    assert.equal(entry.method, 'GET');
    assert.equal(entry.url, '/wopibootstrapper');
    assert.equal(entry.status, 200);
    assert.equal(typeof entry.durationMs, 'number');
    assert.ok(entry.durationMs >= 0);
    assert.equal(entry.userId, 'alice');
    assert.equal(entry.faultId, null);
    assert.equal(entry.aborted, false);
    assert.deepEqual(
      entry.requestHeaders.find((l: { name: string }) => l.name === 'user-agent'),
      { name: 'user-agent', value: 'Microsoft Office Identity Service' },
    );
    assert.deepEqual(
      entry.requestHeaders.find((l: { name: string }) => l.name === 'authorization'),
      { name: 'authorization', value: `Bearer ${access_token}` },
    );
    assert.match(entry.responseHeaders.find((l: { name: string }) => l.name === 'content-type').value, /^application\/json/);
    assert.equal(entry.responseBody.encoding, 'utf8');
    assert.equal(JSON.parse(entry.responseBody.text).Bootstrap.UserId, 'alice');
    assert.deepEqual((await h.admin('GET', `/api/log/${entry.seq}`)).json(), entry);
  });

  test('the flow is logged under the WOPI operation names, and a refused request says why', async () => {
    const before = (await entries()).lastSeq;
    await h.request('GET', '/wopibootstrapper');
    const { access_token } = await h.signIn('bob');
    const { files } = await browse(h, access_token);
    const fresh = await h.request('POST', '/wopibootstrapper', {
      headers: {
        ...bearer(access_token),
        'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN',
        'x-wopi-wopisrc': withoutQuery(files[0]!.Url),
      },
    });
    const fileUrl = `${withoutQuery(files[0]!.Url)}?access_token=${fresh.json().AccessTokenInfo.AccessToken}`;
    await h.request('GET', fileUrl);
    await h.request('GET', `${withoutQuery(files[0]!.Url)}/contents${new URL(fileUrl).search}`);
    const list = (await entries(`?after=${before}`)).entries;
    assert.deepEqual(
      list.map((e: { operation: string; method: string; status: number; userId: string | null }) => [
        e.operation,
        e.method,
        e.status,
        e.userId,
      ]),
      [
        ['Bootstrap', 'GET', 401, null],
        ['Authorize', 'POST', 302, 'bob'],
        ['Token', 'POST', 200, 'bob'],
        ['Bootstrap', 'GET', 200, 'bob'],
        ['GetRootContainer(bootstrapper)', 'POST', 200, 'bob'],
        ['EnumerateChildren', 'GET', 200, 'bob'],
        ['GetNewAccessToken', 'POST', 200, 'bob'],
        ['CheckFileInfo', 'GET', 200, 'bob'],
        ['GetFile', 'GET', 200, 'bob'],
      ],
    );
    assert.deepEqual(list[0].notes, ['no OAuth access token in the Authorization header']);
    assert.deepEqual(list[0].responseHeaders.filter((l: { name: string }) => l.name.toLowerCase() === 'www-authenticate').length, 1);
    // A binary download is captured as base64, with its full size.
    assert.equal(list[8].responseBody.encoding, 'base64');
    assert.equal(list[8].responseBody.size, files[0]!.Size);
    assert.equal(Buffer.from(list[8].responseBody.text, 'base64').subarray(0, 2).toString('latin1'), 'PK');
  });

  test('the client secret never reaches the log or the HAR export, whether posted or sent as Basic', async () => {
    const before = (await entries()).lastSeq;
    await h.signIn('alice');
    const basicCode = new URL(
      (
        await h.request('POST', '/oauth/authorize', {
          form: { client_id: clientId, redirect_uri: 'https://localhost', response_type: 'code', user: 'alice' },
        })
      ).header('location')!,
    ).searchParams.get('code')!;
    const basic = 'Basic ' + Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    assert.equal(
      (
        await h.request('POST', '/oauth/token', {
          headers: { authorization: basic },
          form: { grant_type: 'authorization_code', code: basicCode, redirect_uri: 'https://localhost' },
        })
      ).status,
      200,
    );

    const list = (await entries(`?after=${before}`)).entries;
    const tokens = list.filter((e: { operation: string }) => e.operation === 'Token');
    assert.equal(tokens.length, 2);
    const posted = tokens[0].requestBody;
    assert.equal(posted.encoding, 'utf8');
    assert.match(
      posted.text,
      /^grant_type=authorization_code&code=[^&]+&redirect_uri=https%3A%2F%2Flocalhost&client_id=office-mobile&client_secret=%5Bredacted%5D$/,
    );
    // `size` is what was sent, before redaction.
    assert.equal(posted.size, Buffer.byteLength(posted.text) - '%5Bredacted%5D'.length + clientSecret.length);
    assert.deepEqual(
      tokens[1].requestHeaders.find((l: { name: string }) => l.name === 'authorization'),
      { name: 'authorization', value: 'Basic [redacted]' },
    );

    const logText = JSON.stringify(list);
    const harText = (await h.admin('GET', '/api/log/har')).text;
    const basicEncoded = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    for (const text of [logText, harText]) {
      assert.ok(!text.includes(clientSecret), 'client secret leaked');
      assert.ok(!text.includes(basicEncoded), 'Basic credentials leaked');
    }
    const har = JSON.parse(harText);
    const harToken = har.log.entries.find((e: { _seq: number }) => e._seq === tokens[0].seq);
    assert.deepEqual(
      harToken.request.postData.params.find((p: { name: string }) => p.name === 'client_secret'),
      { name: 'client_secret', value: '[redacted]' },
    );
  });

  test('a body cut at the capture limit is still redacted, and is marked truncated only when cut', async () => {
    const small = await startHarness({ logBodyLimit: 45 });
    try {
      // client_secret first, so the 45-byte cut falls inside the secret itself.
      const form = { client_id: clientId, client_secret: clientSecret, grant_type: 'refresh_token', refresh_token: 'r' };
      await small.request('POST', '/oauth/token', { form });
      const body = (await small.admin('GET', '/api/log?limit=1')).json().entries[0].requestBody;
      const sent = new URLSearchParams(form).toString();
      assert.equal(sent.slice(0, 45), 'client_id=office-mobile&client_secret=mock-cl');
      assert.deepEqual(body, {
        text: 'client_id=office-mobile&client_secret=%5Bredacted%5D',
        encoding: 'utf8',
        size: sent.length,
        truncated: true,
        mimeType: 'application/x-www-form-urlencoded',
      });
    } finally {
      await small.close();
    }
    // Uncut, the redacted body is complete even though redaction changed its length.
    await h.signIn('alice');
    const token = (await entries()).entries.filter((e: { operation: string }) => e.operation === 'Token').pop();
    assert.equal(token.requestBody.truncated, false);
  });

  test('a fault-dropped request is logged as aborted with status 0', async () => {
    const { access_token } = await h.signIn('alice');
    const rule = (await h.admin('POST', '/api/faults', { operation: 'Bootstrap', dropConnection: true, remaining: 1 })).json();
    await assert.rejects(h.request('GET', '/wopibootstrapper', { headers: bearer(access_token) }));
    const entry = await latest();
    assert.deepEqual([entry.operation, entry.status, entry.aborted, entry.faultId, entry.userId], ['Bootstrap', 0, true, rule.id, 'alice']);
  });
});

describe('HAR export', () => {
  test('GET /api/log/har is a HAR 1.2 document of the same entries', async () => {
    const reply = await h.admin('GET', '/api/log/har');
    assert.equal(reply.status, 200);
    assert.match(reply.header('content-type')!, /^application\/json(;|$)/);
    assert.match(reply.header('content-disposition')!, /^attachment; filename="wopi-mock-host-.+\.har"$/);
    const har = reply.json();
    const log = (await entries()).entries;
    assert.equal(har.log.version, '1.2');
    assert.deepEqual(har.log.creator, { name: 'WOPI Mock Host', version: h.engine.status().version });
    assert.equal(har.log.entries.length, log.length);
    assert.ok(log.length > 10);
    har.log.entries.forEach((entry: any, i: number) => {
      const source = log[i];
      assert.equal(entry._seq, source.seq);
      assert.equal(entry.startedDateTime, source.time);
      assert.equal(entry.request.method, source.method);
      assert.equal(entry.request.url, h.origin + source.url);
      assert.equal(entry.request.httpVersion, 'HTTP/1.1');
      assert.ok(Array.isArray(entry.request.headers) && Array.isArray(entry.request.queryString) && Array.isArray(entry.request.cookies));
      assert.equal(entry.response.status, source.status);
      assert.equal(typeof entry.response.statusText, 'string');
      assert.equal(typeof entry.response.content.mimeType, 'string');
      assert.equal(entry.time, entry.timings.send + entry.timings.wait + entry.timings.receive);
    });
  });
});

describe('live stream', () => {
  test('a new request arrives as a `log` event within 1 s', async () => {
    const stream = await openStream();
    try {
      assert.equal(stream.response.statusCode, 200);
      assert.match(stream.response.headers['content-type']!, /^text\/event-stream/);
      const sent = performance.now();
      await h.request('GET', '/ca.crt?from=stream-test');
      const event = await stream.next(
        (e) => e.event === 'log' && e.data.some((entry: { url: string }) => entry.url === '/ca.crt?from=stream-test'),
        1000,
      );
      assert.ok(performance.now() - sent < 1000);
      const entry = event.data.find((e: { url: string }) => e.url === '/ca.crt?from=stream-test');
      assert.equal(entry.operation, 'CaCertificate');
      assert.equal(entry.status, 200);
      assert.equal(event.id, String(event.data[event.data.length - 1].seq));
    } finally {
      stream.close();
    }
  });

  test('`log` events carry summaries: what the table and the Flow screen show, no headers or bodies; the same as ?view=summary', async () => {
    const stream = await openStream();
    try {
      const before = (await entries()).lastSeq;
      await h.request('GET', '/wopibootstrapper', { headers: { 'user-agent': 'Word/1.22 summary-test' } });
      const { access_token } = await h.signIn('alice');
      const { files } = await browse(h, access_token);
      const fresh = await h.request('POST', '/wopibootstrapper', {
        headers: {
          ...bearer(access_token),
          'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN',
          'x-wopi-wopisrc': withoutQuery(files[0]!.Url),
        },
      });
      assert.equal(fresh.status, 200);
      const last = (await entries()).lastSeq;
      await stream.next((e) => e.event === 'log' && (e.data as Array<{ seq: number }>).some((s) => s.seq === last), 2000);
      const streamed = stream.events
        .filter((e) => e.event === 'log')
        .flatMap((e) => e.data as Array<Record<string, unknown>>)
        .filter((s) => (s['seq'] as number) > before);
      const full = (await entries(`?after=${before}`)).entries as Array<Record<string, unknown>>;
      const summaries = (await entries(`?after=${before}&view=summary`)).entries as Array<Record<string, unknown>>;
      assert.deepEqual(streamed, summaries);
      assert.equal(summaries.length, full.length);
      const keys = [
        'seq',
        'time',
        'operation',
        'method',
        'url',
        'status',
        'durationMs',
        'userId',
        'remoteAddress',
        'faultId',
        'knownBugs',
        'aborted',
        'notes',
        'userAgent',
        'sentAuthorization',
      ];
      for (const [i, summary] of summaries.entries()) {
        const entry = full[i]!;
        assert.deepEqual(
          Object.keys(summary).filter((k) => k !== 'facts'),
          keys,
        );
        for (const key of keys.slice(0, 13)) assert.deepEqual(summary[key], entry[key], `${String(entry['operation'])} ${key}`);
        const headers = entry['requestHeaders'] as Array<{ name: string; value: string }>;
        assert.equal(summary['userAgent'], headers.find((l) => l.name.toLowerCase() === 'user-agent')?.value ?? '');
        assert.equal(
          summary['sentAuthorization'],
          headers.some((l) => l.name.toLowerCase() === 'authorization'),
        );
      }
      const byOperation = (operation: string) => summaries.filter((s) => s['operation'] === operation);
      assert.deepEqual(byOperation('Bootstrap')[0], {
        ...byOperation('Bootstrap')[0],
        status: 401,
        userAgent: 'Word/1.22 summary-test',
        sentAuthorization: false,
      });
      assert.equal(byOperation('Bootstrap')[0]!['facts'], undefined);
      assert.deepEqual(byOperation('Token')[0]!['facts'], { grantType: 'authorization_code', issuedUserId: 'alice' });
      const fileId = decodeURIComponent(withoutQuery(files[0]!.Url).split('/').pop()!);
      assert.deepEqual(byOperation('GetNewAccessToken')[0]!['facts'], { issuedUserId: 'alice', issuedScope: `file:${fileId}` });
      assert.equal(byOperation('Authorize')[0]!['facts'], undefined);
      assert.equal((await h.admin('GET', '/api/log?view=headers')).status, 400);
      // The summary of an entry the log already decoded whole is the same.
      const summariesAgain = (await entries(`?after=${before}&view=summary`)).entries;
      assert.deepEqual(summariesAgain, summaries);
    } finally {
      stream.close();
    }
  });

  test('?after=<seq> replays what came later, then goes live', async () => {
    const mark = (await entries()).lastSeq;
    await h.request('GET', '/ca.crt?n=1');
    await h.request('GET', '/ca.crt?n=2');
    const stream = await openStream(`/api/log/stream?after=${mark}`);
    try {
      const replay = await stream.next((e) => e.event === 'log', 1000);
      assert.deepEqual(
        replay.data.map((e: { url: string }) => e.url),
        ['/ca.crt?n=1', '/ca.crt?n=2'],
      );
      await h.request('GET', '/ca.crt?n=3');
      const live = await stream.next((e) => e.event === 'log', 1000);
      assert.deepEqual(
        live.data.map((e: { url: string }) => e.url),
        ['/ca.crt?n=3'],
      );
    } finally {
      stream.close();
    }
  });

  test('DELETE /api/log clears the ring, tells the stream, and never reuses a seq', async () => {
    const stream = await openStream();
    try {
      await h.request('GET', '/ca.crt');
      const lastSeq = (await entries()).lastSeq;
      const cleared = await h.admin('DELETE', '/api/log');
      assert.equal(cleared.status, 204);
      assert.deepEqual(await entries(), { entries: [], lastSeq, capacity: 5000 });
      const event = await stream.next((e) => e.event === 'log-cleared', 1000);
      assert.deepEqual(event.data, { lastSeq });
      await h.request('GET', '/ca.crt');
      const after = (await entries()).entries;
      assert.deepEqual(
        after.map((e: { seq: number }) => e.seq),
        [lastSeq + 1],
      );
      assert.equal((await h.admin('GET', `/api/log/${lastSeq}`)).status, 404);
    } finally {
      stream.close();
    }
  });
});

test('the ring is bounded: capacity 10, 25 requests, the latest 10 kept', async () => {
  const small = await startHarness({ logCapacity: 10 });
  try {
    for (let i = 1; i <= 25; i++) {
      const reply = await small.request('GET', `/ca.crt?i=${i}`);
      assert.equal(reply.status, 200);
    }
    const all = (await small.admin('GET', '/api/log')).json();
    assert.equal(all.capacity, 10);
    assert.equal(all.lastSeq, 25);
    assert.deepEqual(
      all.entries.map((e: { seq: number }) => e.seq),
      [16, 17, 18, 19, 20, 21, 22, 23, 24, 25],
    );
    assert.deepEqual(
      all.entries.map((e: { url: string }) => e.url),
      Array.from({ length: 10 }, (_, i) => `/ca.crt?i=${i + 16}`),
    );
    assert.deepEqual(
      (await small.admin('GET', '/api/log?after=22')).json().entries.map((e: { seq: number }) => e.seq),
      [23, 24, 25],
    );
    assert.deepEqual(
      (await small.admin('GET', '/api/log?limit=2')).json().entries.map((e: { seq: number }) => e.seq),
      [24, 25],
    );
    assert.equal((await small.admin('GET', '/api/log?limit=0')).status, 400);
    assert.equal((await small.admin('GET', '/api/log?after=abc')).status, 400);
    assert.equal((await small.admin('GET', '/api/log/3')).status, 404);
    assert.equal(small.engine.status().log.size, 10);
    assert.equal((await small.admin('GET', '/api/log/har')).json().log.entries.length, 10);
  } finally {
    await small.close();
  }
});

test('GET /api/log/:seq/curl replays the request with the CA', async () => {
  await h.request('GET', '/ca.crt?curl=1', { headers: { 'x-test': "it's" } });
  const { seq } = await latest();
  const reply = await h.admin('GET', `/api/log/${seq}/curl`);
  assert.equal(reply.status, 200);
  assert.match(reply.header('content-type')!, /^text\/plain/);
  assert.ok(reply.text.startsWith('curl '), reply.text);
  assert.ok(reply.text.includes(`--cacert '${h.engine.urls.caCertificatePath}'`), reply.text);
  assert.ok(reply.text.includes(`'${h.origin}/ca.crt?curl=1'`), reply.text);
  assert.ok(reply.text.includes(`-H 'x-test: it'\\''s'`), reply.text);
});
