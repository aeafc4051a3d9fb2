import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import type { AxeResults } from 'axe-core';
import type { LogEntry } from '../mock-server/log/entry.js';
import { EcosystemOperation, Route, WopiHeader, WopiOverride } from '../dist/mock-server/protocol/headers.js';
import { ShareUrlType } from '../dist/mock-server/protocol/share-url.js';
import { expect, oauthClient, openScreen, test, type Host } from './fixtures.js';

/*
 * axe-core on every screen of the admin UI, in the light and the dark scheme, with real data on
 * them (traffic in the log and the flow, a lock on a file, a fault rule, a forward proxy, a finished
 * host check, a log entry opened), on the admin token form, and on the three pages a phone opens (the sign-in
 * page, /setup and a share page) at 390×844. A serious or critical finding fails the test.
 */

declare global {
  interface Window {
    axe: { run(context: Document, options: object): Promise<AxeResults> };
  }
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const schemes = ['light', 'dark'] as const;

/** axe's serious and critical findings on the page as it is now, one line each. */
async function seriousFindings(page: Page, where: string): Promise<string[]> {
  // Evaluated, not added as a <script>: the admin UI's CSP allows no inline script.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${where}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Waits until a screen has read what it shows: no "Reading…" or "Loading…" placeholder left. */
async function settled(page: Page): Promise<void> {
  await expect(page.locator('main')).not.toContainText(/Reading the|Loading…|loading history/);
}

/** Sign-in, browsing, a CheckFileInfo, a lock and a share link, as a WOPI client would: real traffic for every screen. */
async function traffic(host: Host): Promise<{ shareUrl: string }> {
  const { accessToken } = await host.signIn('alice');
  const bearer = { Authorization: `Bearer ${accessToken}` };
  const root = await host.https('POST', Route.Bootstrapper, {
    headers: { ...bearer, [WopiHeader.EcosystemOperation]: EcosystemOperation.GetRootContainer },
  });
  expect(root.status).toBe(200);
  const children = new URL(root.json().RootContainerInfo.ContainerPointer.Url);
  children.pathname += '/children';
  const file = (await host.https('GET', children.href)).json().ChildFiles[0];
  expect((await host.https('GET', file.Url)).status).toBe(200);
  const lock = await host.https('POST', file.Url, { headers: { [WopiHeader.Override]: WopiOverride.Lock, [WopiHeader.Lock]: 'axe-lock' } });
  expect(lock.status).toBe(200);
  const share = await host.https('POST', file.Url, {
    headers: { [WopiHeader.Override]: WopiOverride.GetShareUrl, [WopiHeader.UrlType]: ShareUrlType.ReadOnly },
  });
  expect(share.status).toBe(200);
  return { shareUrl: share.json().ShareUrl };
}

for (const colorScheme of schemes) {
  test(`every screen of the admin UI, ${colorScheme}: no serious or critical axe finding`, async ({ ui, host }) => {
    test.setTimeout(120_000);
    await ui.emulateMedia({ colorScheme });
    await traffic(host);
    // A rule for the Faults screen's table that the host check below (signed in as alice) never meets.
    expect((await host.admin('POST', '/api/faults', { operation: 'GetFile', userId: 'bob', status: 503, remaining: 3 })).status).toBe(201);
    const check = await host.admin('POST', '/api/checks', { target: 'self' });
    expect(check.status).toBe(202);
    // An applied scenario of the user's own, so the Scenarios screen shows both states and the Delete button.
    const own = await host.admin('PUT', '/api/scenarios/axe', {
      title: 'Axe scenario',
      config: { wopi: { requestedCallThrottling: 'Normal' } },
    });
    expect(own.status).toBe(201);
    expect((await host.admin('POST', '/api/scenarios/axe/apply')).status).toBe(200);
    // A forward proxy running unverified, so the Proxy screen and the Overview show its status, banner and warnings.
    const proxy = await host.admin('PUT', '/api/proxy', { forward: { port: 0, intercept: ['wopi.example.test'] }, insecureUpstream: true });
    expect(proxy.status).toBe(200);
    const findings: string[] = [];

    for (const title of [
      'Overview',
      'Provider',
      'Users',
      'Token lifetimes',
      'Faults',
      'Host behaviour',
      'Proxy',
      'Scenarios',
      'Flow',
      'Files',
    ]) {
      await openScreen(ui, title);
      await settled(ui);
      findings.push(...(await seriousFindings(ui, title)));
    }

    // The Live log with an entry open: headers, tokens and a long JSON body that scrolls.
    const entries = (await host.admin('GET', '/api/log')).json<{ entries: LogEntry[] }>().entries;
    const checkFileInfo = entries.find((e) => e.operation === 'CheckFileInfo' && e.status === 200)!;
    await openScreen(ui, 'Live log');
    await settled(ui);
    await ui.evaluate((seq) => (location.hash = `#/log?seq=${seq}`), checkFileInfo.seq);
    await expect(ui.getByRole('region', { name: `Request ${checkFileInfo.seq} details` })).toBeVisible();
    const body = ui.getByRole('figure', { name: 'Response body' }).locator('pre');
    await expect(body).toBeVisible();
    expect(await body.evaluate((pre) => pre.scrollHeight > pre.clientHeight)).toBe(true);
    findings.push(...(await seriousFindings(ui, 'Live log, an entry open')));

    // The host check, finished, its report shown.
    await openScreen(ui, 'Check a host');
    await expect(ui.getByTestId('check-summary')).toBeVisible({ timeout: 60_000 });
    findings.push(...(await seriousFindings(ui, 'Check a host, a report shown')));

    expect(findings).toEqual([]);
  });

  test(`the admin token form, ${colorScheme}: no serious or critical axe finding`, async ({ page, host }) => {
    await page.emulateMedia({ colorScheme });
    await page.goto(`${host.adminUrl}/`);
    await page.getByLabel('Admin token or admin URL').fill('not-the-token');
    await page.getByRole('button', { name: 'Open' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
    expect(await seriousFindings(page, 'admin token form')).toEqual([]);
  });

  test(`the phone pages at 390×844, ${colorScheme}: sign-in, /setup and a share page, no serious or critical axe finding`, async ({
    page,
    host,
  }) => {
    const { shareUrl } = await traffic(host);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme });
    const signIn = `${host.origin}${Route.Authorize}?${new URLSearchParams({
      client_id: oauthClient.clientId,
      redirect_uri: oauthClient.redirectUri,
      response_type: 'code',
      rs: 'en-US',
      build: '16.0.18025',
      platform: 'iOS',
      state: 's-42',
    })}`;
    const findings: string[] = [];
    for (const [name, url] of [
      ['sign-in page', signIn],
      ['device set-up page', `${host.origin}${Route.DeviceSetup}`],
      ['share page', shareUrl],
    ] as const) {
      const response = await page.goto(url);
      expect(response?.status(), name).toBe(200);
      findings.push(...(await seriousFindings(page, name)));
    }
    expect(findings).toEqual([]);
  });
}
