import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectedChallenge, startHarness, type Harness } from '../../test-support/host-fixture.js';
import { openStream } from '../../test-support/stream-fixture.js';

let h: Harness;
let defaults: any;
before(async () => {
  h = await startHarness();
  defaults = (await h.admin('GET', '/api/config')).json();
});
after(async () => {
  await h.close();
});

async function realChallenge(): Promise<string> {
  const reply = await h.request('GET', '/wopibootstrapper');
  assert.equal(reply.status, 401);
  assert.equal(reply.headers['www-authenticate']?.length, 1, 'exactly one challenge');
  return reply.headers['www-authenticate'][0]!;
}

describe('POST /api/reset', () => {
  test('puts the config back to its defaults, clears the faults, persists, and tells the stream', async () => {
    const changed = structuredClone(defaults);
    changed.providerId = 'Contoso';
    changed.urlSchemes.iOS = ['contoso'];
    changed.tokenTtlSeconds.wopiAccessToken = 60;
    changed.users.push({ id: 'carol', signInName: 'carol@contoso.test', friendlyName: 'Carol Clark' });
    changed.faults = [{ operation: 'Bootstrap', status: 500 }];
    assert.equal((await h.admin('PUT', '/api/config', changed)).status, 200);
    assert.equal((await h.admin('POST', '/api/reset', undefined, { token: null })).status, 401);
    assert.equal((await h.admin('GET', '/api/config')).json().providerId, 'Contoso', 'nothing reset without the token');

    const stream = await openStream(h.engine.urls.adminUrl, h.engine.urls.adminToken);
    try {
      const reply = await h.admin('POST', '/api/reset');
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.json(), { config: defaults, warnings: [] });
      assert.deepEqual((await h.admin('GET', '/api/config')).json(), defaults);
      assert.deepEqual((await stream.next((e) => e.event === 'config', 1000)).data, { config: defaults, warnings: [] });
      assert.deepEqual((await stream.next((e) => e.event === 'faults', 1000)).data, []);
    } finally {
      stream.close();
    }
    await h.engine.store.flush();
    const persisted = JSON.parse(await readFile(path.join(h.dataDir, 'state.json'), 'utf8'));
    assert.deepEqual(persisted.config, defaults);
    // In effect on the next request: the fault is gone and the challenge is the default one.
    assert.equal(await realChallenge(), expectedChallenge(h.origin));
  });
});

describe('GET /api/challenge', () => {
  test('equals the WWW-Authenticate of a real 401, before and after a change, split into its parameters', async () => {
    const initial = (await h.admin('GET', '/api/challenge')).json();
    assert.deepEqual(initial, {
      header: await realChallenge(),
      parameters: {
        authorization_uri: `${h.origin}/oauth/authorize`,
        tokenIssuance_uri: `${h.origin}/oauth/token`,
        providerId: 'WopiMockHost',
      },
      knownBugs: [],
    });
    assert.equal(initial.header, expectedChallenge(h.origin));

    const changed = structuredClone(defaults);
    changed.providerId = 'tp_contoso';
    changed.urlSchemes = { iOS: ['contoso', 'contoso-EMM'], Android: [], UWP: ['contoso'] };
    assert.equal((await h.admin('PUT', '/api/config', changed)).status, 200);
    try {
      const preview = (await h.admin('GET', '/api/challenge')).json();
      const encoded = encodeURIComponent(JSON.stringify({ iOS: ['contoso', 'contoso-EMM'], UWP: ['contoso'] }));
      assert.equal(preview.header, await realChallenge());
      assert.equal(preview.header, expectedChallenge(h.origin, 'tp_contoso', encoded));
      assert.deepEqual(Object.entries(preview.parameters), [
        ['authorization_uri', `${h.origin}/oauth/authorize`],
        ['tokenIssuance_uri', `${h.origin}/oauth/token`],
        ['providerId', 'tp_contoso'],
        ['UrlSchemes', encoded],
      ]);

      changed.providerId = '';
      assert.equal((await h.admin('PUT', '/api/config', changed)).status, 200);
      const withoutProvider = (await h.admin('GET', '/api/challenge')).json();
      assert.equal(withoutProvider.header, await realChallenge());
      assert.deepEqual(Object.keys(withoutProvider.parameters), ['authorization_uri', 'tokenIssuance_uri', 'UrlSchemes']);
    } finally {
      assert.equal((await h.admin('PUT', '/api/config', defaults)).status, 200);
    }
    assert.equal((await h.admin('GET', '/api/challenge', undefined, { token: null })).status, 401);
  });

  test('what the UI imports as values (the challenge formatter, the stream event names) pulls in nothing from Node', async () => {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const seen = new Set<string>();
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = await readFile(file, 'utf8');
      for (const [, staticImport, dynamicImport] of source.matchAll(
        /(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
      )) {
        const specifier = (staticImport ?? dynamicImport)!;
        assert.ok(specifier.startsWith('.'), `${path.basename(file)} imports ${specifier}, which a browser cannot load`);
        await visit(path.resolve(path.dirname(file), specifier));
      }
      assert.doesNotMatch(source, /\b(process|Buffer|require)\s*[.(]/, `${path.basename(file)} uses a Node global`);
    };
    await visit(path.join(here, '../protocol/challenge.js'));
    await visit(path.join(here, 'sse.js'));
  });
});
