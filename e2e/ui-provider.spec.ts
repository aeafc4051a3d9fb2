import { expect, openScreen, saveScreenshot, test } from './fixtures.js';

test('providerId and UrlSchemes edited in the UI: the next 401 carries exactly the previewed challenge', async ({ ui, host }) => {
  await openScreen(ui, 'Provider');
  const providerId = ui.getByLabel('Provider ID');
  await expect(providerId).toHaveValue('WopiMockHost');
  await providerId.fill('tp_contoso');
  // Allowed but outside the spec's character set: a warning, shown while typing.
  await expect(ui.getByTestId('field-warning').first()).toContainText('contains characters outside [A-Za-z0-9]');

  for (const scheme of ['contoso', 'contoso-EMM']) {
    await ui.getByLabel('New iOS URL scheme').fill(scheme);
    await ui.getByRole('button', { name: 'Add iOS scheme' }).click();
  }
  await ui.getByLabel('New Android URL scheme').fill('contoso-android');
  await ui.getByLabel('New Android URL scheme').press('Enter');
  await ui.getByRole('button', { name: 'Move iOS URL scheme 2 up' }).click();
  await expect(ui.getByLabel('iOS URL scheme 1', { exact: true })).toHaveValue('contoso-EMM');
  await expect(ui.getByLabel('iOS URL scheme 2', { exact: true })).toHaveValue('contoso');

  const schemes = { iOS: ['contoso-EMM', 'contoso'], Android: ['contoso-android'] };
  const expected = `Bearer authorization_uri="${host.origin}/oauth/authorize",tokenIssuance_uri="${host.origin}/oauth/token",providerId="tp_contoso",UrlSchemes="${encodeURIComponent(JSON.stringify(schemes))}"`;
  const preview = ui.getByTestId('challenge-preview');
  await expect(preview).toHaveText(expected);
  expect(JSON.parse((await ui.getByTestId('url-schemes-decoded').textContent())!)).toEqual(schemes);
  const parameters = ui.getByRole('table', { name: 'Challenge parameters' });
  await expect(parameters.getByRole('row', { name: /^providerId/ }).getByRole('cell')).toHaveText('tp_contoso');

  // Not saved yet: the host still sends the old challenge.
  const before = await host.https('GET', '/wopibootstrapper');
  expect(before.headers['www-authenticate']).toEqual([
    `Bearer authorization_uri="${host.origin}/oauth/authorize",tokenIssuance_uri="${host.origin}/oauth/token",providerId="WopiMockHost"`,
  ]);

  await saveScreenshot(ui, 'provider');
  await ui.getByRole('button', { name: 'Save' }).click();
  await expect(ui.getByText('Saved; in effect from the next request.')).toBeVisible();

  const after = await host.https('GET', '/wopibootstrapper');
  expect(after.status).toBe(401);
  expect(after.headers['www-authenticate']).toEqual([await preview.textContent()]);
  expect(after.headers['www-authenticate']).toEqual([expected]);
  // Persisted in the config document.
  const config = (await host.admin('GET', '/api/config')).json();
  expect(config.providerId).toBe('tp_contoso');
  expect(config.urlSchemes).toEqual({ iOS: ['contoso-EMM', 'contoso'], Android: ['contoso-android'], UWP: [] });
});

test('the preview shows the error="invalid_token" variant a refused token gets, built as the engine builds it', async ({ ui, host }) => {
  const config = (await host.admin('GET', '/api/config')).json();
  expect(
    (await host.admin('PUT', '/api/config', { ...config, compatibility: { ...config.compatibility, challengeErrorParameter: true } }))
      .status,
  ).toBe(200);
  await openScreen(ui, 'Provider');
  const preview = ui.getByTestId('challenge-preview');
  const plain = `Bearer authorization_uri="${host.origin}/oauth/authorize",tokenIssuance_uri="${host.origin}/oauth/token",providerId="WopiMockHost"`;
  await expect(preview).toHaveText(plain);
  const toggle = ui.getByRole('checkbox', { name: 'With error="invalid_token"' });
  await expect(ui.getByText('The host sends it now')).toBeVisible();
  await toggle.check();
  await expect(preview).toHaveText(`${plain},error="invalid_token"`);
  const refused = await host.https('GET', '/wopibootstrapper', { headers: { Authorization: 'Bearer not-a-token' } });
  expect(refused.status).toBe(401);
  expect(refused.headers['www-authenticate']).toEqual([await preview.textContent()]);
  await toggle.uncheck();
  await expect(preview).toHaveText(plain);
});

test('schemes reorder and remove from the keyboard, focus following the item', async ({ ui }) => {
  await openScreen(ui, 'Provider');
  for (const scheme of ['one', 'two', 'three']) {
    await ui.getByLabel('New UWP URL scheme').fill(scheme);
    await ui.getByLabel('New UWP URL scheme').press('Enter');
  }
  await ui.getByRole('button', { name: 'Move UWP URL scheme 3 up' }).focus();
  await ui.keyboard.press('Enter');
  await expect(ui.getByRole('button', { name: 'Move UWP URL scheme 2 up' })).toBeFocused();
  await ui.keyboard.press('Enter');
  await expect(ui.getByRole('button', { name: 'Move UWP URL scheme 1 up' })).toBeDisabled();
  const values = async () => Promise.all([1, 2, 3].map((n) => ui.getByLabel(`UWP URL scheme ${n}`, { exact: true }).inputValue()));
  expect(await values()).toEqual(['three', 'one', 'two']);
  await ui.getByRole('button', { name: 'Remove UWP URL scheme 2' }).focus();
  await ui.keyboard.press('Enter');
  await expect(ui.getByLabel('UWP URL scheme 3', { exact: true })).toHaveCount(0);
  await expect(ui.getByLabel('UWP URL scheme 2', { exact: true })).toHaveValue('two');
  await expect(ui.getByTestId('url-schemes-decoded')).toHaveText(JSON.stringify({ UWP: ['three', 'two'] }, null, 2));
});

test('an invalid redirect URI is refused: the message stands next to the field and nothing changes', async ({ ui, host }) => {
  const original = (await host.admin('GET', '/api/config')).json();
  expect(original.oauth.redirectUris).toEqual(['https://localhost']);
  await openScreen(ui, 'Provider');
  await ui.getByLabel('Client ID').fill('changed-client');
  await ui.getByLabel('New Redirect URI').fill('not a url');
  await ui.getByRole('button', { name: 'Add redirect URI' }).click();
  await ui.getByRole('button', { name: 'Save' }).click();
  const field = ui.getByLabel('Redirect URI 2', { exact: true });
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription('must be an absolute URL');
  await expect(ui.getByRole('alert').filter({ hasText: 'Not saved' })).toBeVisible();
  expect((await host.admin('GET', '/api/config')).json()).toEqual(original);

  // Fixing the field and saving again works, and the error goes away.
  await field.fill('https://contoso.test/callback');
  await ui.getByRole('button', { name: 'Save' }).click();
  await expect(ui.getByText('Saved; in effect from the next request.')).toBeVisible();
  await expect(field).not.toHaveAttribute('aria-invalid');
  expect((await host.admin('GET', '/api/config')).json().oauth).toEqual({
    ...original.oauth,
    clientId: 'changed-client',
    redirectUris: ['https://localhost', 'https://contoso.test/callback'],
  });
});

test('the client secret is masked until shown', async ({ ui }) => {
  await openScreen(ui, 'Provider');
  const secret = ui.getByLabel('Client secret', { exact: true });
  await expect(secret).toHaveAttribute('type', 'password');
  await expect(secret).toHaveValue('mock-client-secret');
  await ui.getByRole('button', { name: 'Show Client secret' }).click();
  await expect(secret).toHaveAttribute('type', 'text');
  await ui.getByRole('button', { name: 'Hide Client secret' }).click();
  await expect(secret).toHaveAttribute('type', 'password');
});

test('a change made elsewhere shows up without a reload', async ({ ui, host }) => {
  await openScreen(ui, 'Provider');
  await expect(ui.getByLabel('Provider ID')).toHaveValue('WopiMockHost');
  const config = (await host.admin('GET', '/api/config')).json();
  expect((await host.admin('PUT', '/api/config', { ...config, providerId: 'FromAScript' })).status).toBe(200);
  await expect(ui.getByLabel('Provider ID')).toHaveValue('FromAScript');
  await expect(ui.getByTestId('challenge-preview')).toContainText('providerId="FromAScript"');
});

test('session context and the alternative token endpoint, set in the UI, reach the sign-in redirect', async ({ ui, host }) => {
  await openScreen(ui, 'Provider');
  await ui.getByLabel('Session context (sc)').fill('hello:World');
  await ui.getByLabel('Hand out an alternative token endpoint (tk)').check();
  await ui.getByRole('button', { name: 'Save' }).click();
  await expect(ui.getByText('Saved; in effect from the next request.')).toBeVisible();

  const authorized = await host.https('POST', '/oauth/authorize', {
    form: { client_id: 'office-mobile', redirect_uri: 'https://localhost', response_type: 'code', user: 'alice' },
  });
  expect(authorized.status).toBe(302);
  const location = new URL(authorized.headers['location']![0]!);
  expect([...location.searchParams.keys()]).toEqual(['code', 'tk', 'sc']);
  expect(location.searchParams.get('tk')).toBe(`${host.origin}/oauth/token?via=tk`);
  expect(location.searchParams.get('sc')).toBe('hello:World');
  expect((await host.admin('GET', '/api/config')).json().oauth).toMatchObject({
    sessionContext: 'hello:World',
    alternativeTokenEndpoint: true,
  });
});
