import { test, expect, type Page } from '@playwright/test';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { startEngine, type Engine } from '../dist/mock-server/engine.js';

/** The OAuth sign-in page as Office's web view shows it: real HTTPS, real Chromium. */
let engine: Engine;
let dataDir: string;
let ca: string;

test.beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'wopi-e2e-'));
  engine = await startEngine({ dataDir, host: '127.0.0.1', port: 0, adminPort: 0, publicHost: 'localhost' });
  ca = await readFile(engine.urls.caCertificatePath, 'utf8');
});
test.afterAll(async () => {
  await engine?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const officeParams = {
  client_id: 'office-mobile',
  redirect_uri: 'https://localhost',
  response_type: 'code',
  rs: 'en-US',
  build: '16.0.18025',
  platform: 'iOS',
  scope: '',
  state: 's-42',
};
const authorizeUrl = (overrides: Record<string, string> = {}) =>
  `${engine.urls.wopiOrigin}/oauth/authorize?${new URLSearchParams({ ...officeParams, ...overrides })}`;

/** The redirect URI is Office's stop URL: capture where the page was sent instead of loading it. */
async function captureRedirect(page: Page): Promise<() => URL> {
  let landed: URL | undefined;
  await page.route('https://localhost/**', async (route) => {
    landed = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>stop URL</title>' });
  });
  return () => {
    if (!landed) throw new Error('the page never reached the redirect URI');
    return landed;
  };
}

function post(url: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: body === undefined ? 'GET' : 'POST', headers, ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('lists the mock users and echoes what Office sent', async ({ page }) => {
  await page.goto(authorizeUrl());
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to WopiMockHost');
  const users = page.getByRole('group', { name: 'Mock users' }).getByRole('button');
  await expect(users).toHaveCount(2);
  await expect(users.nth(0)).toContainText('Alice Adams');
  await expect(users.nth(0)).toContainText('alice@contoso.test');
  await expect(users.nth(1)).toContainText('Bob Baker');
  const row = (name: string) => page.getByRole('row', { name: new RegExp(`^${name}\\b`) }).getByRole('cell');
  await expect(row('platform')).toHaveText('iOS');
  await expect(row('build')).toHaveText('16.0.18025');
  await expect(row('rs')).toHaveText('en-US');
  await expect(row('scope')).toHaveText('(empty)');
  await expect(row('state')).toHaveText('s-42');
});

test('signing in redirects with a code that yields the chosen user in Bootstrap', async ({ page }) => {
  const landed = await captureRedirect(page);
  await page.goto(authorizeUrl());
  await page.getByRole('button', { name: /Bob Baker/ }).click();
  await expect(page).toHaveTitle('stop URL');
  const code = landed().searchParams.get('code');
  expect(landed().origin + landed().pathname).toBe('https://localhost/');
  expect(landed().searchParams.get('state')).toBe('s-42');
  expect(code).toBeTruthy();

  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: code!,
    redirect_uri: 'https://localhost',
    client_id: 'office-mobile',
    client_secret: 'mock-client-secret',
  });
  const token = await post(
    `${engine.urls.wopiOrigin}/oauth/token`,
    { 'Content-Type': 'application/x-www-form-urlencoded' },
    form.toString(),
  );
  expect(token.status).toBe(200);
  const accessToken = (JSON.parse(token.body) as { access_token: string }).access_token;
  const bootstrap = await post(engine.urls.bootstrapperUrl, { Authorization: `Bearer ${accessToken}` });
  expect(bootstrap.status).toBe(200);
  expect((JSON.parse(bootstrap.body) as { Bootstrap: { UserId: string } }).Bootstrap.UserId).toBe('bob');
});

test('the page works from the keyboard alone', async ({ page }) => {
  const landed = await captureRedirect(page);
  await page.goto(authorizeUrl());
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: /Alice Adams/ })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('stop URL');
  expect(landed().searchParams.get('code')).toBeTruthy();
});

test('deny redirects with error=access_denied and the state', async ({ page }) => {
  const landed = await captureRedirect(page);
  await page.goto(authorizeUrl());
  await page.getByRole('button', { name: 'Deny access' }).click();
  await expect(page).toHaveTitle('stop URL');
  expect(landed().searchParams.get('error')).toBe('access_denied');
  expect(landed().searchParams.get('state')).toBe('s-42');
  expect(landed().searchParams.get('code')).toBeNull();
});

test('an unconfigured redirect_uri gets an error page, never a redirect', async ({ page }) => {
  let redirected = false;
  await page.route('https://evil.example/**', async (route) => {
    redirected = true;
    await route.abort();
  });
  const response = await page.goto(authorizeUrl({ redirect_uri: 'https://evil.example/cb' }));
  expect(response?.status()).toBe(400);
  await expect(page.getByRole('alert')).toContainText('redirect_uri "https://evil.example/cb" is not one of the configured redirect URIs');
  expect(redirected).toBe(false);
});

test('follows the OS dark theme', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(authorizeUrl());
  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(light).toBe('rgb(243, 244, 246)');
  expect(dark).toBe('rgb(3, 7, 18)');
});
