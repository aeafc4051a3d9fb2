// A test suite that starts its own WOPI mock host: node --test
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMockHost, checkHost } from 'wopi-mock-host';

let host;
before(async () => {
  host = await startMockHost({ users: [{ id: 'alice', friendlyName: 'Alice' }] });
});
after(() => host.stop());

test('the bootstrapper challenges a client without a token', async () => {
  const response = await host.fetch(host.urls.bootstrapper);
  assert.equal(response.status, 401);
  assert.match(response.headers.get('www-authenticate'), /^Bearer authorization_uri="https:\/\//);
});

test('a fault bends the next Bootstrap, and the log shows what the client saw', async () => {
  const fault = await host.faults.add({ operation: 'Bootstrap', status: 503, remaining: 1 });
  const before = host.engine.log.lastSeq;
  // Point your client at host.urls.bootstrapper here; this example plays the client with fetch.
  assert.equal((await host.fetch(host.urls.bootstrapper)).status, 503);
  assert.equal((await host.fetch(host.urls.bootstrapper)).status, 401);
  assert.equal(fault.hits(), 1);
  const seen = await host.log.waitFor({ operation: 'Bootstrap', status: 401, afterSeq: before });
  assert.deepEqual(seen.specWarnings, []);
});

test('the host checker passes the mock', async () => {
  const { clientId, clientSecret } = host.config.get().oauth;
  const { report } = await checkHost(host.urls.bootstrapper, {
    signIn: 'form',
    formFields: { user: 'alice' },
    client: { clientId, clientSecret, auth: 'post' },
    ca: host.caPem,
  });
  assert.equal(report.outcome, 'passed', JSON.stringify(report.summary));
});
