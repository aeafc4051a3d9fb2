import { readFile } from 'node:fs/promises';
import jsQR from 'jsqr';
import { expect, openScreen, saveScreenshot, startHost, test } from './fixtures.js';

test('overview lists every endpoint with copyable URLs, a set-up QR code and the CA fingerprint', async ({ ui, host }) => {
  const status = host.engine.status();
  await openScreen(ui, 'Overview');
  const rows = ui.getByTestId('endpoint');
  await expect(rows).toHaveCount(status.endpoints.length);
  expect(status.endpoints.length).toBeGreaterThanOrEqual(3); // localhost, 127.0.0.1, ::1 at least
  for (const [index, endpoint] of status.endpoints.entries()) {
    const row = rows.nth(index);
    await expect(row.getByRole('rowheader')).toContainText(endpoint.address);
    await expect(row.getByRole('cell').nth(0).locator('code')).toHaveText(endpoint.bootstrapperUrl);
    await expect(row.getByRole('cell').nth(1).locator('code')).toHaveText(endpoint.wopiOrigin);
    await expect(row.getByRole('button', { name: `Copy bootstrapper URL ${endpoint.bootstrapperUrl}` })).toBeVisible();
    await expect(row.getByRole('button', { name: `Copy WOPI origin ${endpoint.wopiOrigin}` })).toBeVisible();
  }
  await expect(ui.getByTestId('ca-fingerprint')).toHaveText(host.engine.urls.caFingerprintSha256);
  await expect(ui.getByRole('heading', { name: 'What stock Office mobile additionally requires' })).toBeVisible();
  await expect(ui.getByText('Certificate Trust Settings')).toBeVisible();

  // The QR code really encodes the set-up page of the public host, and that page is served.
  expect(await decodeQr(ui)).toBe(status.deviceSetupUrl);
  expect(status.deviceSetupUrl).toBe(`${host.origin}/setup`);
  const setup = await host.https('GET', status.deviceSetupUrl);
  expect(setup.status).toBe(200);
  await saveScreenshot(ui, 'overview');

  // Choosing another address re-draws the code for it.
  const other = status.endpoints[1]!;
  const firstImage = await ui.getByTestId('setup-qr').getAttribute('src');
  await ui.getByRole('button', { name: `Show the set-up QR code for ${other.address}`, exact: true }).click();
  await expect(ui.getByTestId('setup-url')).toHaveText(other.setupUrl);
  await expect(ui.getByTestId('setup-qr')).not.toHaveAttribute('src', firstImage!);
  expect(await decodeQr(ui)).toBe(other.setupUrl);
});

test('copy buttons put the exact URL on the clipboard', async ({ ui, host, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.adminUrl });
  const endpoint = host.engine.status().endpoints[0]!;
  await ui.getByRole('button', { name: `Copy bootstrapper URL ${endpoint.bootstrapperUrl}` }).click();
  await expect(ui.getByRole('button', { name: `Copy bootstrapper URL ${endpoint.bootstrapperUrl}` })).toHaveText('Copied');
  expect(await ui.evaluate(() => navigator.clipboard.readText())).toBe(endpoint.bootstrapperUrl);
  // In a browser (no desktop bridge) the data folder is a path to copy, not a button that opens it.
  await expect(ui.getByRole('button', { name: 'Open data folder' })).toHaveCount(0);
  await ui.getByRole('button', { name: 'Copy data folder path' }).click();
  expect(await ui.evaluate(() => navigator.clipboard.readText())).toBe(host.engine.status().dataDir);
});

test('the downloads return the CA certificate and an iOS profile carrying it', async ({ ui, host }) => {
  const pem = await readFile(host.engine.urls.caCertificatePath, 'utf8');
  const [crt] = await Promise.all([ui.waitForEvent('download'), ui.getByRole('button', { name: 'Download .crt' }).click()]);
  expect(crt.suggestedFilename()).toBe('wopi-mock-host-ca.crt');
  expect(await readFile(await crt.path(), 'utf8')).toBe(pem);

  const [profile] = await Promise.all([
    ui.waitForEvent('download'),
    ui.getByRole('button', { name: 'Download iOS profile (.mobileconfig)' }).click(),
  ]);
  expect(profile.suggestedFilename()).toBe('wopi-mock-host-ca.mobileconfig');
  const xml = await readFile(await profile.path(), 'utf8');
  const der = pem.replace(/-----[^-]+-----|\s/g, '');
  expect(xml.startsWith('<?xml')).toBe(true);
  expect(xml).toContain('<string>com.apple.security.root</string>');
  expect(xml.replace(/\s/g, '')).toContain(der);
});

/** Reads the QR image's pixels in the page (as base64, to keep the transfer small) and decodes them here. */
async function decodeQr(page: import('@playwright/test').Page): Promise<string | null> {
  const { width, height, rgba } = await page.getByTestId('setup-qr').evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(img, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height);
    let binary = '';
    for (let i = 0; i < data.data.length; i += 0x8000) binary += String.fromCharCode(...data.data.subarray(i, i + 0x8000));
    return { width: data.width, height: data.height, rgba: btoa(binary) };
  });
  return jsQR.default(new Uint8ClampedArray(Buffer.from(rgba, 'base64')), width, height)?.data ?? null;
}

test('with the forward proxy, the Overview shows the address for the phone, the domains, the counters and the insecure banner', async ({
  page,
}) => {
  const host = await startHost({ forwardProxy: { port: 0, intercept: ['*.contoso.test', 'wopi.example.test'], insecure: true } });
  try {
    const forward = host.engine.status().forwardProxy!;
    await page.goto(host.uiUrl);
    await openScreen(page, 'Overview');
    const card = page.getByTestId('forward-proxy');
    await expect(page.getByRole('heading', { name: 'Proxy', exact: true })).toBeVisible();
    await expect(card.getByTestId('forward-proxy-address')).toHaveText(`localhost:${forward.port}`);
    await expect(card.getByRole('button', { name: `Copy proxy address localhost:${forward.port}` })).toBeVisible();
    await expect(card.getByTestId('forward-proxy-domains')).toHaveText('*.contoso.testwopi.example.test');
    await expect(card.getByTestId('forward-proxy-counters')).toHaveText('0 exchanges intercepted, 0 connections tunnelled, 0 failures');
    await expect(page.getByTestId('proxy-insecure')).toContainText('Upstream TLS is not verified');
    await expect(card).toContainText('Android apps do not trust user-installed CAs by default');
    await expect(card).toContainText("An app that pins its server's certificate refuses the proxy");
    await expect(card).toContainText('Configure Proxy → Manual');
  } finally {
    await host.close();
  }
});

test('without a proxy, the Overview has no Proxy card', async ({ ui }) => {
  await openScreen(ui, 'Overview');
  await expect(ui.getByTestId('ca-fingerprint')).toBeVisible();
  await expect(ui.getByRole('heading', { name: 'Proxy', exact: true })).toHaveCount(0);
});
