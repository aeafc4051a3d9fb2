import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { Page } from '@playwright/test';
import type { LogEntry } from '../mock-server/log/entry.js';
import type { ProxyView } from '../mock-server/admin/contract.js';
import { expect, openScreen, saveScreenshot, startHost, test, type Host } from './fixtures.js';

/*
 * The Proxy screen against real engines: the reverse proxy set in the UI forwards real HTTPS to a
 * second engine and back, refusals land under their fields with nothing saved, the forward proxy
 * binds a port the screen shows and counts real CONNECTs, and the insecure setting is said in red.
 */

/** The `.field` holding the control with this label: its messages are inside it. */
const field = (page: Page, label: string) => page.locator('.field').filter({ has: page.getByLabel(label, { exact: true }) });

async function save(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
}

async function saved(page: Page): Promise<void> {
  await expect(page.getByRole('status').filter({ hasText: 'Saved; in effect from the next request.' })).toBeVisible();
}

const proxyView = async (host: Host) => (await host.admin('GET', '/api/proxy')).json<ProxyView>();
const lastEntry = async (host: Host) => (await host.admin('GET', '/api/log')).json<{ entries: LogEntry[] }>().entries.at(-1)!;

/** A TCP listener on a free loopback port, for a tunnel's target or a port that is taken. */
async function listening(): Promise<Server & { port: number }> {
  const server = createServer((socket) => socket.on('error', () => {}).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(server, { port: (server.address() as { port: number }).port });
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** A CONNECT through the forward proxy, as a phone's Wi-Fi proxy sends one: the status it got. */
function connectThrough(proxyPort: number, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ method: 'CONNECT', host: '127.0.0.1', port: proxyPort, path: target, agent: false });
    req.once('connect', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

test('Reverse proxy chosen on the Proxy screen: the WOPI origin is answered by the upstream, the counters move, and Mock brings the mock back', async ({
  ui,
  host,
}) => {
  const upstream = await startHost();
  try {
    await openScreen(ui, 'Proxy');
    await expect(ui.getByTestId('mock-answers')).toBeVisible();
    await ui.getByLabel('Reverse proxy to an upstream').check();
    await ui.getByLabel('Upstream origin').fill(upstream.origin);
    await ui.getByLabel('CA certificates (PEM)').fill(upstream.ca);
    await expect(ui.getByRole('status').filter({ hasText: 'Unsaved changes' })).toBeVisible();
    await save(ui);
    await saved(ui);
    await expect(ui.getByTestId('reverse-proxy-upstream')).toHaveText(upstream.origin);
    expect((await proxyView(host)).settings).toMatchObject({
      reverse: { upstream: upstream.origin, rewriteAll: false },
      upstreamCa: upstream.ca,
    });

    const upstreamSeen = upstream.engine.log.lastSeq;
    const forwarded = await host.https('GET', '/wopibootstrapper');
    expect(forwarded.status).toBe(401);
    // The sign-in page stays on the upstream; the token endpoint is moved to the proxy's origin.
    expect(forwarded.headers['www-authenticate']![0]).toContain(`authorization_uri="${upstream.origin}/oauth/authorize"`);
    expect(forwarded.headers['www-authenticate']![0]).toContain(`tokenIssuance_uri="${host.origin}/oauth/token"`);
    expect(upstream.engine.log.lastSeq).toBe(upstreamSeen + 1);
    expect(await lastEntry(host)).toMatchObject({ source: 'proxy', upstream: upstream.origin, status: 401 });
    await expect(ui.getByTestId('reverse-proxy-counters')).toHaveText(
      '1 answered by the upstream, 0 answered by the proxy itself (502/504)',
    );

    await ui.getByLabel('Mock host (answers itself)').check();
    await save(ui);
    await saved(ui);
    await expect(ui.getByTestId('mock-answers')).toBeVisible();
    await expect(ui.getByTestId('reverse-proxy')).toHaveCount(0);
    const upstreamAfter = upstream.engine.log.lastSeq;
    const mocked = await host.https('GET', '/wopibootstrapper');
    expect(mocked.status).toBe(401);
    expect(mocked.headers['www-authenticate']![0]).toContain(`authorization_uri="${host.origin}/oauth/authorize"`);
    expect(upstream.engine.log.lastSeq).toBe(upstreamAfter);
    expect((await lastEntry(host)).source).not.toBe('proxy');
    // Switching the mode off keeps the CA; the upstream is not saved while the mock answers.
    expect((await proxyView(host)).settings).toMatchObject({ reverse: null, upstreamCa: upstream.ca });
  } finally {
    await upstream.close();
  }
});

test('refusals show under their fields and save nothing: the host’s own origin as upstream, and a forward proxy port already taken', async ({
  ui,
  host,
}) => {
  const taken = await listening();
  try {
    await openScreen(ui, 'Proxy');
    await ui.getByLabel('Reverse proxy to an upstream').check();
    await save(ui);
    await expect(field(ui, 'Upstream origin').getByTestId('field-error')).toHaveText(
      'enter the upstream’s origin, e.g. https://wopi.contoso.com',
    );
    await ui.getByLabel('Upstream origin').fill(host.origin);
    await save(ui);
    await expect(field(ui, 'Upstream origin').getByTestId('field-error')).toContainText("is this host's own WOPI listener");
    await expect(ui.getByLabel('Upstream origin')).toHaveAttribute('aria-invalid', 'true');
    await expect(ui.getByRole('alert').filter({ hasText: 'Not saved: fix the fields marked below.' })).toBeVisible();
    expect((await proxyView(host)).settings.reverse).toBeNull();
    await expect(ui.getByTestId('mock-answers')).toBeVisible();

    await ui.getByRole('button', { name: 'Discard changes' }).click();
    await expect(ui.getByLabel('Mock host (answers itself)')).toBeChecked();
    await expect(ui.getByTestId('field-error')).toHaveCount(0);

    await ui.getByLabel('Run the forward proxy').check();
    await ui.getByLabel('Port', { exact: true }).fill('80a');
    await expect(field(ui, 'Port').getByTestId('field-error')).toHaveText('enter a port from 0 to 65535 (0 picks any free port)');
    await ui.getByLabel('Port', { exact: true }).fill(String(taken.port));
    await ui.getByLabel('New Intercepted domain').fill('wopi.example.test');
    await ui.getByRole('button', { name: 'Add domain' }).click();
    await save(ui);
    await expect(field(ui, 'Port').getByTestId('field-error')).toContainText(`port ${taken.port} is already in use`);
    expect((await proxyView(host)).settings.forward).toBeNull();
    expect(host.engine.status().forwardProxy).toBeUndefined();
    await expect(ui.getByTestId('no-forward-proxy')).toBeVisible();

    // A bad item is named under the item itself.
    await ui.getByLabel('Port', { exact: true }).fill('0');
    await ui.getByLabel('Intercepted domain 1', { exact: true }).fill('not a domain');
    await save(ui);
    await expect(ui.getByLabel('Intercepted domain 1', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(
      ui
        .locator('.list-editor li')
        .filter({ has: ui.getByLabel('Intercepted domain 1', { exact: true }) })
        .getByTestId('field-error'),
    ).toBeVisible();
    expect((await proxyView(host)).settings.forward).toBeNull();
  } finally {
    await closeServer(taken);
  }
});

test('a forward proxy on port 0: the screen shows the bound port and proxy URL, and real CONNECTs move its counters', async ({
  ui,
  host,
}) => {
  const target = await listening();
  const closed = await listening();
  await closeServer(closed);
  try {
    await openScreen(ui, 'Proxy');
    await ui.getByLabel('Run the forward proxy').check();
    await ui.getByLabel('Port', { exact: true }).fill('0');
    await ui.getByLabel('New Intercepted domain').fill('wopi.example.test');
    await ui.getByRole('button', { name: 'Add domain' }).click();
    await save(ui);
    await saved(ui);
    await expect(ui.getByTestId('forward-proxy-address')).toBeVisible();
    // Before the overrides, whose ports change from run to run, so the picture does not.
    await saveScreenshot(ui, 'proxy');

    for (const override of [`tunnel.test:${target.port}:127.0.0.1`, `closed.test:${closed.port}:127.0.0.1`]) {
      await ui.getByLabel('New Resolve override').fill(override);
      await ui.getByRole('button', { name: 'Add override' }).click();
    }
    await save(ui);
    await saved(ui);
    await expect(ui.getByTestId('forward-proxy').getByText(`tunnel.test:${target.port}:127.0.0.1`, { exact: false })).toBeVisible();

    const running = host.engine.status().forwardProxy!;
    expect(running.port).toBeGreaterThan(0);
    await expect(ui.getByTestId('forward-proxy-address')).toHaveText(`localhost:${running.port}`);
    await expect(ui.getByTestId('forward-proxy-url')).toHaveText(running.proxyUrl);
    expect(running.proxyUrl).toBe(`http://localhost:${running.port}`);
    await expect(ui.getByTestId('forward-proxy-domains')).toHaveText('wopi.example.test');
    const counters = ui.getByTestId('forward-proxy-counters');
    await expect(counters).toHaveText('0 exchanges intercepted, 0 connections tunnelled, 0 failures');

    // Names that are not intercepted: one tunnelled to a listener, one to a port nobody listens on.
    expect(await connectThrough(running.port, `tunnel.test:${target.port}`)).toBe(200);
    expect(await connectThrough(running.port, `closed.test:${closed.port}`)).toBe(502);
    await expect(counters).toHaveText('0 exchanges intercepted, 1 connection tunnelled, 1 failure');

    // The Overview's card shows the same proxy and leads back here.
    await openScreen(ui, 'Overview');
    await expect(ui.getByTestId('forward-proxy-address')).toHaveText(`localhost:${running.port}`);
    await ui.getByRole('link', { name: 'Edit on the Proxy screen' }).click();
    await expect(ui.getByRole('heading', { level: 1, name: 'Proxy' })).toBeVisible();
    await expect(ui.getByLabel('Run the forward proxy')).toBeChecked();
  } finally {
    await closeServer(target);
  }
});

test('the insecure setting is red while ticked, and once saved with a mode running the status says upstream TLS is not verified', async ({
  ui,
  host,
}) => {
  await openScreen(ui, 'Proxy');
  await expect(ui.getByTestId('insecure-upstream-setting')).toHaveCount(0);
  await ui.getByLabel('Do not verify upstream certificates').check();
  await expect(ui.getByTestId('insecure-upstream-setting')).toContainText('Upstream certificates are not verified');
  await ui.getByLabel('Run the forward proxy').check();
  await ui.getByLabel('Port', { exact: true }).fill('0');
  await save(ui);
  await saved(ui);
  await expect(ui.getByTestId('proxy-insecure')).toContainText('Upstream TLS is not verified');
  await expect(ui.getByTestId('proxy-insecure')).toContainText('the intercepted hosts');
  // The engine's warnings land next to their fields: insecure with a mode running, and nothing to intercept.
  await expect(field(ui, 'Do not verify upstream certificates').getByTestId('field-warning')).toBeVisible();
  await expect(ui.locator('fieldset').filter({ hasText: 'Intercepted domains' }).getByTestId('field-warning')).toBeVisible();
  expect((await proxyView(host)).settings.insecureUpstream).toBe(true);
  expect(host.engine.status().forwardProxy?.insecure).toBe(true);
});

test('a saved forward proxy whose port was taken before the start is shown as configured but not running, with the reason, and Try again starts it once the port is free', async ({
  page,
}) => {
  const taken = await listening();
  const host = await startHost({ config: { proxy: { forward: { port: taken.port, intercept: ['wopi.example.test'] } } } });
  try {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(host.uiUrl);
    await openScreen(page, 'Proxy');
    const notice = page.getByTestId('forward-not-running');
    await expect(notice).toContainText(`The forward proxy on port ${taken.port} is configured but not running.`);
    await expect(notice).toContainText('already in use');
    await expect(page.getByLabel('Run the forward proxy')).toBeChecked();
    await expect(page.getByLabel('Port', { exact: true })).toHaveValue(String(taken.port));

    // While the port is still taken, trying again says so and changes nothing; once it is free, the same settings run on it.
    await notice.getByRole('button', { name: 'Try again' }).click();
    await expect(page.getByTestId('forward-not-running-retry-failed')).toContainText(`port ${taken.port} is already in use`);
    await closeServer(taken);
    await notice.getByRole('button', { name: 'Try again' }).click();
    await expect(notice).toHaveCount(0);
    await expect(page.getByTestId('forward-proxy-address')).toHaveText(`localhost:${taken.port}`);
    expect(host.engine.status().forwardProxy?.port).toBe(taken.port);

    // Moved to a free port from the form, it runs there.
    await page.getByLabel('Port', { exact: true }).fill('0');
    await save(page);
    await saved(page);
    await expect(page.getByTestId('forward-proxy-address')).not.toHaveText(`localhost:${taken.port}`);
    await expect(page.getByTestId('forward-proxy-address')).toHaveText(`localhost:${host.engine.status().forwardProxy!.port}`);
  } finally {
    await host.close();
    if (taken.listening) await closeServer(taken);
  }
});

test('"Load from file…" puts a PEM file in the CA field; a file or text that is not a certificate is refused under it', async ({
  ui,
  host,
}) => {
  await openScreen(ui, 'Proxy');
  const caField = field(ui, 'CA certificates (PEM)');
  const picker = ui.getByLabel('Load from file…');
  await picker.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a certificate') });
  await expect(caField.getByTestId('field-error')).toHaveText('notes.txt is not a PEM certificate (-----BEGIN CERTIFICATE-----)');
  await expect(ui.getByLabel('CA certificates (PEM)')).toHaveValue('');

  await picker.setInputFiles({ name: 'their-ca.crt', mimeType: 'application/x-pem-file', buffer: Buffer.from(host.ca) });
  await expect(ui.getByLabel('CA certificates (PEM)')).toHaveValue(host.ca);
  await expect(caField.getByTestId('field-error')).toHaveCount(0);
  await save(ui);
  await saved(ui);
  expect((await proxyView(host)).settings.upstreamCa).toBe(host.ca);

  await ui.getByLabel('CA certificates (PEM)').fill('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----');
  await save(ui);
  await expect(caField.getByTestId('field-error')).toHaveText('certificate 1 of 1 cannot be read as X.509');
  expect((await proxyView(host)).settings.upstreamCa).toBe(host.ca);
});

test('a clean form follows changes made elsewhere; an edited one says so, keeps the edit, and saving keeps the other change too', async ({
  ui,
  host,
}) => {
  await openScreen(ui, 'Proxy');
  const timeout = ui.getByLabel('Upstream timeout (ms)');
  await expect(timeout).toHaveValue('30000');
  expect((await host.admin('PUT', '/api/proxy', { timeoutMs: 7000 })).status).toBe(200);
  await expect(timeout).toHaveValue('7000');

  await timeout.fill('5000');
  const config = (await host.admin('GET', '/api/config')).json();
  expect((await host.admin('PUT', '/api/config', { ...config, providerId: 'ChangedElsewhere' })).status).toBe(200);
  await expect(ui.getByRole('status').filter({ hasText: 'The config was changed elsewhere since you started editing' })).toBeVisible();
  await expect(timeout).toHaveValue('5000');
  await save(ui);
  await saved(ui);
  const after = (await host.admin('GET', '/api/config')).json();
  expect([after.providerId, after.proxy.timeoutMs]).toEqual(['ChangedElsewhere', 5000]);
});
