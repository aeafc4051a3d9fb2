import { expect, openScreen, saveScreenshot, test, type Host } from './fixtures.js';

/** GetNewAccessToken for alice's first file, as Office asks before opening it: the AccessTokenExpiry and when it was asked. */
async function getNewAccessToken(host: Host): Promise<{ expiry: number; before: number; after: number }> {
  const { accessToken } = await host.signIn('alice');
  const bearer = { authorization: `Bearer ${accessToken}` };
  const root = await host.https('POST', '/wopibootstrapper', { headers: { ...bearer, 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' } });
  const rootUrl = new URL(root.json().RootContainerInfo.ContainerPointer.Url);
  rootUrl.pathname += '/children';
  const file = new URL((await host.https('GET', rootUrl.href)).json().ChildFiles[0].Url);
  file.search = '';
  const before = Date.now();
  const reply = await host.https('POST', '/wopibootstrapper', {
    headers: { ...bearer, 'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN', 'x-wopi-wopisrc': file.href },
  });
  const after = Date.now();
  expect(reply.status).toBe(200);
  return { expiry: reply.json().AccessTokenInfo.AccessTokenExpiry, before, after };
}

/** The engine signs in whole seconds: the issuing second plus the lifetime, in milliseconds. */
function expectExpiry({ expiry, before, after }: { expiry: number; before: number; after: number }, ttlSeconds: number): void {
  expect(Number.isInteger(expiry)).toBe(true);
  expect(expiry).toBeGreaterThanOrEqual((Math.floor(before / 1000) + ttlSeconds) * 1000);
  expect(expiry).toBeLessThanOrEqual((Math.floor(after / 1000) + ttlSeconds) * 1000);
}

test('a short WOPI token lifetime set in the UI moves the AccessTokenExpiry of a real GetNewAccessToken', async ({ ui, host }) => {
  expectExpiry(await getNewAccessToken(host), 36_000);
  await openScreen(ui, 'Token lifetimes');
  const amount = ui.getByLabel('WOPI access token', { exact: true });
  const unit = ui.getByLabel('WOPI access token unit');
  await expect(amount).toHaveValue('10');
  await expect(unit).toHaveValue('h');
  await expect(ui.getByLabel('Authorization code', { exact: true })).toHaveValue('10');
  await expect(ui.getByLabel('Authorization code unit')).toHaveValue('min');
  await expect(ui.getByLabel('Refresh token', { exact: true })).toHaveValue('30');
  await expect(ui.getByLabel('Refresh token unit')).toHaveValue('days');

  await amount.fill('2');
  await unit.selectOption('min');
  await expect(ui.getByTestId('wopiAccessToken-seconds')).toHaveText('= 120 s');
  // The preview is the issuing second plus 2 minutes, in milliseconds, and as a date.
  const shown = Number(await ui.getByTestId('access-token-expiry').textContent());
  const now = Date.now();
  expect(shown % 1000).toBe(0);
  expect(Math.abs(shown - (Math.floor(now / 1000) + 120) * 1000)).toBeLessThanOrEqual(2000);
  await expect(ui.getByTestId('access-token-expiry-date')).toContainText(new Date(shown).toISOString().slice(0, 16));
  await saveScreenshot(ui, 'token-lifetimes');
  await ui.getByRole('button', { name: 'Save' }).click();
  await expect(ui.getByText('Saved; in effect from the next request.')).toBeVisible();

  expect((await host.admin('GET', '/api/config')).json().tokenTtlSeconds).toEqual({
    authorizationCode: 600,
    oauthAccessToken: 3600,
    refreshToken: 2_592_000,
    wopiAccessToken: 120,
  });
  expectExpiry(await getNewAccessToken(host), 120);
});

test('lifetimes that are not whole positive seconds within the limit are refused next to the field', async ({ ui, host }) => {
  await openScreen(ui, 'Token lifetimes');
  const code = ui.getByLabel('Authorization code', { exact: true });
  const codeUnit = ui.getByLabel('Authorization code unit');
  const access = ui.getByLabel('OAuth access token', { exact: true });

  await access.fill('0');
  await expect(access).toHaveAccessibleDescription(/must be at least 1 second/);
  await access.fill('1.5');
  await ui.getByLabel('OAuth access token unit').selectOption('s');
  await expect(access).toHaveAccessibleDescription(/must come to a whole number of seconds/);
  await access.fill('soon');
  await expect(access).toHaveAccessibleDescription(/must be a positive number/);
  await access.fill('1.5');
  await ui.getByLabel('OAuth access token unit').selectOption('h');
  await expect(access).not.toHaveAttribute('aria-invalid');
  await expect(ui.getByTestId('oauthAccessToken-seconds')).toHaveText('= 5,400 s');

  await code.fill('2');
  await codeUnit.selectOption('h');
  await expect(code).toHaveAttribute('aria-invalid', 'true');
  await expect(code).toHaveAccessibleDescription(/must be at most 1 h/);
  await ui.getByRole('button', { name: 'Save' }).click();
  expect((await host.admin('GET', '/api/config')).json().tokenTtlSeconds.authorizationCode).toBe(600);

  await code.fill('45');
  await codeUnit.selectOption('s');
  await ui.getByRole('button', { name: 'Save' }).click();
  await expect(ui.getByText('Saved; in effect from the next request.')).toBeVisible();
  expect((await host.admin('GET', '/api/config')).json().tokenTtlSeconds).toMatchObject({ authorizationCode: 45, oauthAccessToken: 5400 });
  // Signing in now gets the new OAuth lifetime.
  const token = await host.https('POST', '/oauth/token', {
    form: {
      grant_type: 'refresh_token',
      refresh_token: (await host.signIn('bob')).refreshToken,
      client_id: 'office-mobile',
      client_secret: 'mock-client-secret',
    },
  });
  expect(token.json().expires_in).toBe(5400);
});
