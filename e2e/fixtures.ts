import { test as base, expect, type Page } from '@playwright/test';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEngine, type Engine, type EngineOptions } from '../dist/mock-server/engine.js';

/**
 * Shared fixture for the UI specs: a real engine on port 0 in a temp data dir (public host
 * localhost), the UI opened at its `#token=` URL in Chromium (light theme, 1280×800), and HTTPS
 * and admin clients that trust the engine's own CA, to check what the UI did on real traffic.
 */

export interface Reply {
  status: number;
  /** Lowercased names; each header keeps all its values, in order. */
  headers: Record<string, string[]>;
  text: string;
  json<T = any>(): T;
}

export interface HttpsOptions {
  headers?: Record<string, string>;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  body?: string;
}

export interface Host {
  engine: Engine;
  /** https://localhost:<port> */
  origin: string;
  adminUrl: string;
  /** The admin URL the UI is opened at, with the token in the fragment. */
  uiUrl: string;
  ca: string;
  dataDir: string;
  /** A request to the WOPI origin over real HTTPS, verified against the engine's CA. */
  https(method: string, pathOrUrl: string, options?: HttpsOptions): Promise<Reply>;
  /** An admin API call with the engine's token. */
  admin(method: string, apiPath: string, body?: unknown): Promise<Reply>;
  /** The OAuth flow over HTTPS (authorize form post, then the token endpoint): an OAuth access token. */
  signIn(userId: string): Promise<{ accessToken: string; refreshToken: string }>;
  /** The token endpoint's authorization_code grant, for a code the browser got from the sign-in page. */
  redeemCode(code: string): Promise<{ accessToken: string; refreshToken: string }>;
}

export const oauthClient = { clientId: 'office-mobile', clientSecret: 'mock-client-secret', redirectUri: 'https://localhost' } as const;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const screenshotDir = path.join(repoRoot, 'docs', 'screenshots');

export async function startHost(options: Partial<EngineOptions> = {}): Promise<Host & { close(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'wopi-ui-'));
  let engine: Engine;
  try {
    engine = await startEngine({ host: '127.0.0.1', port: 0, adminPort: 0, publicHost: 'localhost', ...options, dataDir });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const ca = await readFile(engine.urls.caCertificatePath, 'utf8');
  const origin = engine.urls.wopiOrigin;
  const wopiPort = Number(new URL(origin).port);
  const adminPort = Number(new URL(engine.urls.adminUrl).port);

  const https = (method: string, pathOrUrl: string, options: HttpsOptions = {}) => {
    const url = new URL(pathOrUrl, origin);
    const headers: Record<string, string> = { host: url.host, ...options.headers };
    let body = options.body;
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    }
    // Connect to 127.0.0.1 (the listener's address) but verify the certificate for the URL's name.
    return send(
      httpsRequest({
        host: '127.0.0.1',
        port: wopiPort,
        servername: url.hostname,
        ca,
        method,
        path: url.pathname + url.search,
        headers,
        agent: false,
      }),
      body,
    );
  };

  const admin = (method: string, apiPath: string, body?: unknown) => {
    const headers: Record<string, string> = { authorization: `Bearer ${engine.urls.adminToken}` };
    let payload: string | undefined;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    return send(httpRequest({ host: '127.0.0.1', port: adminPort, method, path: apiPath, headers, agent: false }), payload);
  };

  const signIn = async (userId: string) => {
    const authorized = await https('POST', '/oauth/authorize', {
      form: { client_id: oauthClient.clientId, redirect_uri: oauthClient.redirectUri, response_type: 'code', user: userId },
    });
    if (authorized.status !== 302) throw new Error(`sign-in as ${userId}: authorize answered ${authorized.status} ${authorized.text}`);
    const code = new URL(authorized.headers['location']![0]!).searchParams.get('code');
    if (!code) throw new Error(`sign-in as ${userId}: no code in the redirect`);
    return redeemCode(code);
  };

  const redeemCode = async (code: string) => {
    const token = await https('POST', '/oauth/token', {
      form: {
        grant_type: 'authorization_code',
        code,
        redirect_uri: oauthClient.redirectUri,
        client_id: oauthClient.clientId,
        client_secret: oauthClient.clientSecret,
      },
    });
    if (token.status !== 200) throw new Error(`the token endpoint answered ${token.status} ${token.text}`);
    const { access_token, refresh_token } = token.json<{ access_token: string; refresh_token: string }>();
    return { accessToken: access_token, refreshToken: refresh_token };
  };

  return {
    engine,
    origin,
    adminUrl: engine.urls.adminUrl,
    uiUrl: `${engine.urls.adminUrl}/#token=${encodeURIComponent(engine.urls.adminToken)}`,
    ca,
    dataDir,
    https,
    admin,
    signIn,
    redeemCode,
    async close() {
      await engine.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function send(req: ReturnType<typeof httpRequest>, body: string | undefined): Promise<Reply> {
  return new Promise((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headersDistinct as Record<string, string[]>,
          text,
          json: () => JSON.parse(text),
        });
      });
    });
    req.end(body);
  });
}

/** Saves `docs/screenshots/<name>.png` from the running test, so the README's pictures stay true. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  // Let fonts settle and hide the caret, so the pictures do not change from run to run for nothing.
  await page.evaluate(() => document.fonts.ready);
  // Park the pointer on the sidebar's empty bottom corner, so no hover state is pictured.
  await page.mouse.move(4, 796);
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), caret: 'hide', animations: 'disabled' });
}

interface Fixtures {
  /** A fresh engine for this test; stopped and its data dir removed afterwards. */
  host: Host;
  /** The page with the UI loaded and connected to `host`'s live stream. */
  ui: Page;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; it needs none
  host: async ({}, use) => {
    const host = await startHost();
    try {
      await use(host);
    } finally {
      await host.close();
    }
  },
  ui: async ({ page, host }, use) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: 'light' });
    const response = await page.goto(host.uiUrl);
    if (response?.status() !== 200)
      throw new Error(`the admin listener answered ${response?.status()} for the UI; is it built (npm run build writes dist/renderer)?`);
    await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
    await use(page);
  },
});

export { expect };

/** Opens a screen from the persistent navigation, as a user would. */
export async function openScreen(page: Page, title: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: title, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
}
