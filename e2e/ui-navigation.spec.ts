import { expect, openScreen, startHost, test } from './fixtures.js';

const screens = [
  'Overview',
  'Provider',
  'Users',
  'Token lifetimes',
  'Faults',
  'Host behaviour',
  'Proxy',
  'Scenarios',
  'Live log',
  'Flow',
  'Files',
  'Check a host',
];

test('the navigation reaches all twelve screens, and the token leaves the URL but survives a reload', async ({ ui, host }) => {
  const nav = ui.getByRole('navigation', { name: 'Screens' });
  await expect(nav.getByRole('link')).toHaveText(screens);
  expect(ui.url()).toBe(`${host.adminUrl}/#/`);
  for (const title of screens) {
    await openScreen(ui, title);
    await expect(nav.getByRole('link', { name: title, exact: true })).toHaveAttribute('aria-current', 'page');
    await expect(ui).toHaveTitle(`${title} · WOPI Mock Host`);
  }
  await openScreen(ui, 'Token lifetimes');
  expect(ui.url()).toBe(`${host.adminUrl}/#/tokens`);
  expect(ui.url()).not.toContain(host.engine.urls.adminToken);
  await ui.reload();
  await expect(ui.getByRole('heading', { level: 1, name: 'Token lifetimes' })).toBeVisible();
  await expect(ui.getByLabel('WOPI access token', { exact: true })).toHaveValue('10');
  // Back and forward move between screens (hash routes).
  await ui.goBack();
  await ui.goBack();
  await expect(ui.getByRole('heading', { level: 1, name: 'Files' })).toBeVisible();
  await ui.goForward();
  await expect(ui.getByRole('heading', { level: 1, name: 'Check a host' })).toBeVisible();
});

test('keyboard: Tab walks the navigation and Enter opens a screen', async ({ ui }) => {
  await ui.keyboard.press('Tab');
  await expect(ui.getByRole('button', { name: 'Skip to content' })).toBeFocused();
  await ui.keyboard.press('Tab');
  await expect(ui.getByRole('link', { name: 'Overview' })).toBeFocused();
  await ui.keyboard.press('Tab');
  await ui.keyboard.press('Tab');
  await expect(ui.getByRole('link', { name: 'Users' })).toBeFocused();
  await ui.keyboard.press('Enter');
  await expect(ui.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
});

test('every control on the configuration screens and the host check has an accessible name', async ({ ui }) => {
  for (const title of [
    'Overview',
    'Provider',
    'Users',
    'Token lifetimes',
    'Faults',
    'Host behaviour',
    'Proxy',
    'Scenarios',
    'Check a host',
  ]) {
    await openScreen(ui, title);
    await expect(ui.locator('main').getByRole('button').first()).toBeVisible();
    const unnamed = await ui.locator('main').evaluate((main) =>
      Array.from(main.querySelectorAll('input, select, textarea, button'))
        .filter((control) => {
          const element = control as HTMLInputElement;
          const named =
            (element.labels?.length ?? 0) > 0 ||
            element.getAttribute('aria-label') ||
            element.getAttribute('aria-labelledby') ||
            (element.tagName === 'BUTTON' && element.textContent.trim() !== '');
          return !named;
        })
        .map((control) => control.outerHTML.slice(0, 120)),
    );
    expect(unnamed, title).toEqual([]);
  }
});

test('a wrong admin token is said plainly, not shown as an empty screen', async ({ page, host }) => {
  await page.goto(`${host.adminUrl}/#token=wrong-token`);
  await expect(page.getByRole('alert').first()).toHaveText(
    'the admin token is wrong: open the admin URL the host printed (it ends in #token=…)',
  );
  await expect(page.getByRole('status').filter({ hasText: 'Reconnecting' })).toBeVisible();
});

test('opened without its #token=, the UI asks for the admin token and keeps the one pasted', async ({ page, host }) => {
  await page.goto(`${host.adminUrl}/`);
  await expect(page.getByRole('heading', { level: 1, name: 'Admin token' })).toBeVisible();
  await expect(page.getByText('Reconnecting…')).toHaveCount(0);
  const field = page.getByLabel('Admin token or admin URL');
  const open = page.getByRole('button', { name: 'Open' });
  await field.fill('not-the-token');
  await open.click();
  await expect(page.getByRole('alert')).toContainText('The host refused this token');
  await expect(page.getByRole('navigation', { name: 'Screens' })).toHaveCount(0);

  // The admin URL as the host printed it works as well as the bare token.
  await field.fill(host.uiUrl);
  await open.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  expect(page.url()).not.toContain(host.engine.urls.adminToken);
  // Kept like the fragment's token: a reload opens the UI again.
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();

  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  await field.fill(host.engine.urls.adminToken);
  await field.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
});

test('the theme follows the OS: light and dark palettes', async ({ ui }) => {
  const colours = () =>
    ui.evaluate(() => [
      getComputedStyle(document.body).backgroundColor,
      getComputedStyle(document.querySelector('.card')!).backgroundColor,
    ]);
  await expect(ui.locator('.card').first()).toBeVisible();
  expect(await colours()).toEqual(['rgb(245, 246, 248)', 'rgb(255, 255, 255)']);
  await ui.emulateMedia({ colorScheme: 'dark' });
  expect(await colours()).toEqual(['rgb(18, 21, 28)', 'rgb(26, 30, 39)']);
});

test('the live stream reconnects when the engine comes back, and the screens re-read what changed meanwhile', async ({ page }) => {
  const adminToken = 'a-fixed-admin-token-for-the-restart';
  const first = await startHost({ adminToken });
  let second: Awaited<ReturnType<typeof startHost>> | undefined;
  try {
    await page.goto(first.uiUrl);
    await openScreen(page, 'Provider');
    await expect(page.getByLabel('Provider ID')).toHaveValue('WopiMockHost');
    const live = page.getByRole('status').filter({ hasText: /^(Live|Reconnecting…)$/ });
    await expect(live).toHaveText('Live');
    await first.close();
    await expect(live).toHaveText('Reconnecting…');
    // The same admin port and token, as `npm run serve -- --admin-token …` started again; the new
    // engine's config differs and its log counts from 1 again.
    second = await startHost({ adminToken, adminPort: Number(new URL(first.adminUrl).port), config: { providerId: 'Restarted' } });
    await expect(live).toHaveText('Live', { timeout: 15_000 });
    await expect(page.getByLabel('Provider ID')).toHaveValue('Restarted');
    // Events flow again on the new connection.
    const config = (await second.admin('GET', '/api/config')).json();
    expect((await second.admin('PUT', '/api/config', { ...config, providerId: 'AfterRestart' })).status).toBe(200);
    await expect(page.getByLabel('Provider ID')).toHaveValue('AfterRestart');
  } finally {
    await second?.close();
    await first.close().catch(() => {});
  }
});
