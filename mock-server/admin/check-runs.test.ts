import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLValidator } from 'fast-xml-parser';
import { startHarness, type Harness } from '../../test-support/host-fixture.js';
import { openStream } from '../../test-support/stream-fixture.js';
import type { CheckRunView } from './check-runs.js';

/** Host checks through the admin API, as the "Check a host" screen runs them: start, watch the stream, download. */

let h: Harness;

before(async () => {
  h = await startHarness();
});
after(() => h.close());

async function finished(id: string): Promise<CheckRunView> {
  for (let i = 0; i < 200; i++) {
    const view = (await h.admin('GET', `/api/checks/${id}`)).json<CheckRunView>();
    if (view.state !== 'running') return view;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the check did not finish');
}

describe('Check this mock', () => {
  test('runs the whole flow against the engine itself, phase by phase on the stream', async () => {
    const stream = await openStream(h.engine.urls.adminUrl, h.engine.urls.adminToken);
    try {
      const started = await h.admin('POST', '/api/checks', { target: 'self' });
      assert.equal(started.status, 202, started.text);
      const view = started.json<CheckRunView>();
      assert.equal(view.self, true);
      assert.equal(view.state, 'running');
      assert.match(view.target, /\/wopibootstrapper$/);
      const done = await stream.next((e) => e.event === 'check' && e.data.id === view.id && e.data.state === 'done', 15_000);
      assert.equal(done.data.report.outcome, 'passed');
      assert.equal(done.data.report.summary.failed, 0);
      const phaseEvents = stream.events.filter((e) => e.event === 'check' && e.data.id === view.id).map((e) => e.data.phases.length);
      assert.ok(new Set(phaseEvents).size >= 5, `progress came phase by phase: ${phaseEvents.join(',')}`);
      // The Flow screen fills: the sign-in and the browse are in the engine's own log.
      const operations = new Set(h.engine.log.list().map((e) => e.operation));
      for (const op of [
        'Bootstrap',
        'Authorize',
        'Token',
        'CheckEcosystem',
        'EnumerateChildren',
        'CheckFileInfo',
        'GetFile',
        'GetNewAccessToken',
      ])
        assert.ok(operations.has(op as never), op);
    } finally {
      stream.close();
    }
  });

  test('the reports and the HAR download', async () => {
    const { id } = (await h.admin('POST', '/api/checks', { target: 'self', user: 'bob' })).json<CheckRunView>();
    await finished(id);
    const json = await h.admin('GET', `/api/checks/${id}/report?format=json`);
    assert.equal(json.status, 200);
    assert.match(json.header('content-disposition')!, /attachment; filename="wopi-host-check-.*\.json"/);
    assert.equal(json.json().outcome, 'passed');
    const junit = await h.admin('GET', `/api/checks/${id}/report?format=junit`);
    assert.match(junit.header('content-type')!, /application\/xml/);
    assert.equal(XMLValidator.validate(junit.text), true);
    const har = await h.admin('GET', `/api/checks/${id}/har`);
    assert.equal(har.json().log.version, '1.2');
    assert.match(har.header('content-disposition')!, /\.har"/);
    assert.equal((await h.admin('GET', `/api/checks/${id}/report?format=pdf`)).status, 400);
    const list = (await h.admin('GET', '/api/checks')).json<CheckRunView[]>();
    assert.equal(list[0]!.id, id, 'newest first');
  });
});

describe('bad requests say what is wrong and start nothing', () => {
  test('schema errors, an unknown user, a sign-in without a client', async () => {
    const bad = await h.admin('POST', '/api/checks', { target: 'url', url: 'ftp://x', signIn: 'form' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /url: /);
    const nobody = await h.admin('POST', '/api/checks', { target: 'self', user: 'mallory' });
    assert.equal(nobody.status, 400);
    assert.match(nobody.text, /no mock user \\"mallory\\"/);
    const noClient = await h.admin('POST', '/api/checks', { target: 'url', url: `${h.origin}/wopibootstrapper`, signIn: 'loopback' });
    assert.match(noClient.text, /needs the OAuth client id and secret/);
    assert.equal((await h.admin('GET', '/api/checks/nope')).status, 404);
  });
});

describe('a check of another host', () => {
  test('paste: the sign-in URL is on the view, the redirected URL is posted back', async () => {
    const config = (await h.admin('GET', '/api/config')).json();
    const started = await h.admin('POST', '/api/checks', {
      target: 'url',
      url: `${h.origin}/wopibootstrapper`,
      signIn: 'paste',
      client: { clientId: config.oauth.clientId, clientSecret: config.oauth.clientSecret },
      caPem: h.ca,
    });
    assert.equal(started.status, 202, started.text);
    const { id } = started.json<CheckRunView>();
    let view: CheckRunView | undefined;
    for (let i = 0; i < 100 && !view?.signIn; i++) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      view = (await h.admin('GET', `/api/checks/${id}`)).json<CheckRunView>();
    }
    assert.equal(view?.signIn?.mode, 'paste');
    const url = view.signIn.url;
    const submitted = await h.request('POST', url, { form: { ...Object.fromEntries(new URL(url).searchParams), user: 'alice' } });
    const posted = await h.admin('POST', `/api/checks/${id}/redirect`, { url: submitted.header('location') });
    assert.equal(posted.status, 204);
    const done = await finished(id);
    assert.equal(done.report!.outcome, 'passed');
    assert.equal(JSON.stringify(done).includes(config.oauth.clientSecret), false, 'the secret is not echoed');
  });

  test('cancel stops a run that waits for a sign-in', async () => {
    const config = (await h.admin('GET', '/api/config')).json();
    const { id } = (
      await h.admin('POST', '/api/checks', {
        target: 'url',
        url: `${h.origin}/wopibootstrapper`,
        signIn: 'loopback',
        client: { clientId: config.oauth.clientId, clientSecret: config.oauth.clientSecret },
        caPem: h.ca,
      })
    ).json<CheckRunView>();
    for (let i = 0; i < 100; i++) {
      const view = (await h.admin('GET', `/api/checks/${id}`)).json<CheckRunView>();
      if (view.signIn) break;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    assert.equal((await h.admin('DELETE', `/api/checks/${id}`)).status, 204);
    const done = await finished(id);
    assert.equal(done.state, 'cancelled');
    assert.equal(done.report!.outcome, 'error');
    assert.match(done.report!.error!, /cancelled/);
  });
});
