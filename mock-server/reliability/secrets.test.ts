import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startHarness, type Harness } from '../../test-support/host-fixture.js';
import { openStream } from '../../test-support/stream-fixture.js';
import { adminCall, spawnCli, testListenFlags } from '../../test-support/cli-process.js';
import { wireTo, type Wire, type WireReply } from '../../test-support/wire.js';

/**
 * The admin token, the token-signing key, the CA and leaf keys, the OAuth client secret and
 * HTTP Basic client credentials never show in the request log, its HAR and curl exports, the
 * live stream, the status or any error message, nor in the CLI's output beyond the start-up
 * lines that hand the admin token to the user. GET /api/config returns the client secret: that
 * is the user asking for the config.
 */

const clientSecret = `s3cret-${Math.random().toString(36).slice(2)}-Zq`;
const adminToken = `admin-${Math.random().toString(36).slice(2)}-Xy`;
const clientId = 'office-mobile';

/** Every spelling of a secret that could end up in text: raw, URL-encoded, base64 of Basic credentials. */
function spellings(name: string, secret: string): Array<[string, string]> {
  return [
    [name, secret],
    [`${name} (URL-encoded)`, encodeURIComponent(secret)],
  ];
}

interface Secrets {
  list: Array<[string, string]>;
}

async function secretsOf(dataDir: string): Promise<Secrets> {
  const pemBody = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const signingKey = (await readFile(path.join(dataDir, 'keys', 'token-signing.key'), 'utf8')).trim();
  const caKey = pemBody(await readFile(path.join(dataDir, 'tls', 'ca.key'), 'utf8'));
  const leafKey = pemBody(await readFile(path.join(dataDir, 'tls', 'leaf.key'), 'utf8'));
  const basic = `${clientId}:${clientSecret}`;
  return {
    list: [
      ...spellings('admin token', adminToken),
      ...spellings('client secret', clientSecret),
      ['token-signing key', signingKey],
      ['token-signing key (base64)', Buffer.from(signingKey, 'base64url').toString('base64').replace(/=+$/, '')],
      ['token-signing key (hex)', Buffer.from(signingKey, 'base64url').toString('hex')],
      // Any 40-character run of a key's PEM body is as good as the key.
      ['CA private key', caKey.slice(20, 60)],
      ['leaf private key', leafKey.slice(20, 60)],
      ['Basic credentials', Buffer.from(basic).toString('base64').replace(/=+$/, '')],
      ['Basic credentials (base64url)', Buffer.from(basic).toString('base64url')],
    ],
  };
}

function assertFree(secrets: Secrets, what: string, text: string): void {
  for (const [name, value] of secrets.list) assert.ok(!text.includes(value), `${name} appears in ${what}`);
}

const formEncode = (pairs: Array<[string, string]>) => pairs.map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join('&');
const basicHeader = (url = false) => `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString(url ? 'base64url' : 'base64')}`;

/** A client putting the secret in every place a client could: right, wrong and forbidden ones. */
async function sendSecretsEverywhere(
  send: (
    method: string,
    route: string,
    headers?: Record<string, string | string[]>,
    body?: string,
  ) => Promise<WireReply | { status: number; text: string }>,
): Promise<string[]> {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const code = async () => {
    const reply = await send(
      'POST',
      '/oauth/authorize',
      form,
      formEncode([
        ['client_id', clientId],
        ['redirect_uri', 'https://localhost'],
        ['user', 'alice'],
      ]),
    );
    return new URL((reply as WireReply).headers['location']![0]!).searchParams.get('code')!;
  };
  const answers: string[] = [];
  const keep = async (reply: Promise<WireReply | { status: number; text: string }>) => {
    const r = await reply;
    answers.push(`${r.status} ${JSON.stringify('headers' in r ? r.headers : {})} ${r.text}`);
  };
  await keep(
    send(
      'POST',
      '/oauth/token',
      form,
      formEncode([
        ['grant_type', 'authorization_code'],
        ['code', await code()],
        ['redirect_uri', 'https://localhost'],
        ['client_id', clientId],
        ['client_secret', clientSecret],
      ]),
    ),
  );
  await keep(
    send(
      'POST',
      '/oauth/token',
      form,
      `grant_type=authorization_code&code=${await code()}&client_id=${clientId}&client%5Fsecret=${encodeURIComponent(clientSecret)}`,
    ),
  );
  await keep(
    send(
      'POST',
      '/oauth/token',
      form,
      `grant_type=authorization_code&code=${await code()}&client_id=${clientId}&%63lient_secret=${encodeURIComponent(clientSecret)}&client_secret=${encodeURIComponent(clientSecret)}`,
    ),
  );
  await keep(
    send(
      'POST',
      '/oauth/token',
      { ...form, authorization: basicHeader() },
      formEncode([
        ['grant_type', 'authorization_code'],
        ['code', await code()],
      ]),
    ),
  );
  await keep(
    send(
      'POST',
      '/oauth/token',
      { ...form, authorization: basicHeader(true).replace('Basic', 'basic') },
      formEncode([
        ['grant_type', 'refresh_token'],
        ['refresh_token', 'x'],
      ]),
    ),
  );
  await keep(
    send(
      'POST',
      '/oauth/token',
      { ...form, authorization: [basicHeader(), basicHeader(true)] },
      formEncode([
        ['grant_type', 'refresh_token'],
        ['refresh_token', 'x'],
      ]),
    ),
  );
  await keep(
    send(
      'POST',
      '/oauth/token',
      { ...form, authorization: basicHeader() },
      formEncode([
        ['grant_type', 'refresh_token'],
        ['client_secret', clientSecret],
      ]),
    ),
  );
  await keep(
    send(
      'POST',
      `/oauth/token?client_id=${clientId}&client_secret=${encodeURIComponent(clientSecret)}`,
      form,
      formEncode([
        ['grant_type', 'refresh_token'],
        ['refresh_token', 'x'],
      ]),
    ),
  );
  await keep(
    send(
      'GET',
      `/oauth/authorize?client_id=${clientId}&redirect_uri=https%3A%2F%2Flocalhost&client_secret=${encodeURIComponent(clientSecret)}`,
    ),
  );
  await keep(
    send(
      'POST',
      '/oauth/authorize',
      form,
      formEncode([
        ['client_id', clientId],
        ['redirect_uri', 'https://localhost'],
        ['client_secret', clientSecret],
      ]),
    ),
  );
  await keep(
    send(
      'POST',
      '/oauth/token',
      { 'content-type': 'application/json' },
      JSON.stringify({ client_id: clientId, client_secret: clientSecret }),
    ),
  );
  // Secrets in a body cut at the log's capture limit are still redacted.
  await keep(send('POST', '/oauth/token', form, `pad=${'p'.repeat(16 * 1024 - 40)}&client_secret=${encodeURIComponent(clientSecret)}`));
  return answers;
}

describe("secrets in the engine's artefacts", () => {
  let h: Harness;
  let wire: Wire;
  let secrets: Secrets;
  before(async () => {
    h = await startHarness({ adminToken, config: { oauth: { clientSecret } } });
    wire = wireTo(h);
    secrets = await secretsOf(h.dataDir);
  });
  after(async () => {
    wire.close();
    await h.close();
  });

  test('after a client sent the secret in every place: log, HAR, curl, stream, status, tokens and every answer are free of all secrets', async () => {
    const stream = await openStream(h.engine.urls.adminUrl, adminToken, '/api/log/stream?after=0');
    const answers = await sendSecretsEverywhere((method, route, headers, body) =>
      wire.wopi(method, route, { headers: headers ?? {}, ...(body !== undefined ? { body } : {}) }),
    );
    // The client was not refused for lack of the secret: each spelling reached the parser.
    assert.match(answers[0]!, /^200 /);
    assert.match(answers[1]!, /^200 /);
    assert.match(answers[3]!, /^200 /);
    answers.forEach((answer, i) => assertFree(secrets, `answer ${i}`, answer));
    const log = (await wire.admin('GET', '/api/log')).json();
    assert.ok(log.entries.length >= 16);
    assertFree(secrets, 'GET /api/log', JSON.stringify(log));
    for (const entry of log.entries) {
      assertFree(secrets, `GET /api/log/${entry.seq}`, (await wire.admin('GET', `/api/log/${entry.seq}`)).text);
      assertFree(secrets, `GET /api/log/${entry.seq}/curl`, (await wire.admin('GET', `/api/log/${entry.seq}/curl`)).text);
    }
    assertFree(secrets, 'the HAR export', (await wire.admin('GET', '/api/log/har')).text);
    await new Promise((r) => setTimeout(r, 300));
    stream.close();
    assert.ok(stream.events.some((e) => e.event === 'log'));
    assertFree(secrets, 'the live stream', JSON.stringify(stream.events));
    for (const route of ['/api/status', '/api/challenge', '/api/faults', '/api/users/alice/tokens', '/api/files'])
      assertFree(secrets, route, (await wire.admin('GET', route)).text);
    // What was redacted is marked as such, so a reader knows something was there.
    assert.ok(JSON.stringify(log).includes('%5Bredacted%5D') && JSON.stringify(log).includes('Basic [redacted]'));
  });

  test('admin errors never echo a secret: wrong tokens, invalid configs that carry the secret, and a refused change', async () => {
    const replies: WireReply[] = [
      await wire.admin('GET', '/api/config', { headers: { authorization: `Bearer ${adminToken}x` } }),
      await wire.admin('GET', '/api/config', { headers: { authorization: [`Bearer ${adminToken}`, `Bearer ${adminToken}`] } }),
      await wire.admin('GET', '/api/config', {
        headers: { authorization: `Basic ${Buffer.from(`admin:${adminToken}`).toString('base64')}` },
      }),
      await wire.admin('PUT', '/api/config', { body: JSON.stringify({ oauth: { clientSecret, clientId: '' } }) }),
      await wire.admin('PUT', '/api/config', { body: JSON.stringify({ oauth: { clientSecret: clientSecret.repeat(20) } }) }),
      await wire.admin('PUT', '/api/config', { body: JSON.stringify({ oauth: { clientSecret, redirectUris: [clientSecret] } }) }),
      await wire.admin('PUT', '/api/config', { body: `{"oauth": {"clientSecret": "${clientSecret}"` }),
      await wire.admin('PUT', '/api/config', { body: JSON.stringify({ [clientSecret]: 1 }) }),
    ];
    for (const [i, reply] of replies.entries()) {
      assert.ok(reply.status >= 400, `reply ${i}`);
      const without = secrets.list.filter(([name]) => !(i === 7 && name.startsWith('client secret')));
      // The one exception: an unknown field's name is echoed, and there the user chose to use the secret as a field name.
      assertFree({ list: without }, `admin error ${i}`, `${JSON.stringify(reply.headers)} ${reply.text}`);
    }
    assert.equal((await wire.admin('GET', '/api/config')).json().oauth.clientSecret, clientSecret, 'the config itself is the user asking');
  });
});

describe("secrets in the CLI's output", () => {
  const dirs: string[] = [];
  after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  for (const mode of ['json', 'human'] as const) {
    test(`--${mode === 'json' ? 'json' : 'quiet off'}: the admin token only in the start-up lines; no other secret anywhere in stdout or stderr`, async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-secrets-cli-'));
      dirs.push(dir);
      const configFile = path.join(dir, 'config.json');
      await writeFile(configFile, JSON.stringify({ oauth: { clientSecret }, providerId: 'Bearer,"x"' }));
      const dataDir = path.join(dir, 'data');
      const host = spawnCli(
        [
          ...testListenFlags,
          '--data-dir',
          dataDir,
          '--config',
          configFile,
          '--admin-token',
          adminToken,
          ...(mode === 'json' ? ['--json'] : []),
        ],
        { json: mode === 'json' },
      );
      let ready: Record<string, unknown>;
      if (mode === 'json') {
        ready = await host.next('ready');
      } else {
        await waitFor(() => host.stdout().includes('Press Ctrl+C to stop.'));
        const field = (label: string) =>
          host
            .stdout()
            .split('\n')
            .find((l) => l.startsWith(`  ${label}`))!
            .slice(18);
        ready = { adminUrl: field('Admin API'), adminToken, wopiOrigin: field('WOPI origin'), caCertificate: field('CA certificate') };
      }
      const ca = await readFile(String(ready['caCertificate']), 'utf8');
      const origin = new URL(String(ready['wopiOrigin']));
      const harnessLike = {
        origin: origin.origin,
        ca,
        engine: { urls: { adminUrl: String(ready['adminUrl']), adminToken } },
      } as unknown as Harness;
      const wire = wireTo(harnessLike);
      try {
        await sendSecretsEverywhere((method, route, headers, body) =>
          wire.wopi(method, route, { headers: headers ?? {}, ...(body !== undefined ? { body } : {}) }),
        );
        // Admin calls that fail, and one that changes the config: the store's warnings go to the output too.
        await adminCall({ ...ready, adminToken: `${adminToken}-wrong` }, 'GET', '/api/config');
        await adminCall(ready, 'PUT', '/api/config', JSON.stringify({ oauth: { clientSecret }, providerId: 'x,y' }));
        await waitFor(() =>
          mode === 'json'
            ? host.events.filter((e) => e['event'] === 'request').length >= 16
            : host
                .stdout()
                .split('\n')
                .filter((l) => /^\d\d:\d\d:\d\d /.test(l)).length >= 16,
        );
      } finally {
        wire.close();
        host.child.kill('SIGTERM');
      }
      assert.deepEqual(await host.exited, { code: 0, signal: null });
      const secrets = await secretsOf(dataDir);
      const lines = [...host.stdout().split('\n'), ...host.stderr().split('\n')];
      const startup =
        mode === 'json'
          ? (l: string) => l.startsWith('{"event":"ready"')
          : (l: string) => l.startsWith('  Desktop UI ') || l.startsWith('  Admin token ');
      assert.equal(lines.filter((l) => l.includes(adminToken)).length, mode === 'json' ? 1 : 2, 'the start-up lines hand the token over');
      for (const line of lines) {
        if (startup(line))
          assertFree({ list: secrets.list.filter(([name]) => !name.startsWith('admin token')) }, 'the start-up line', line);
        else assertFree(secrets, `CLI output line ${JSON.stringify(line.slice(0, 120))}`, line);
      }
    });
  }
});

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
