import { expect, openScreen, saveScreenshot, test, type Host } from './fixtures.js';

/** The WOPI URL (with its access token) of alice's first seeded file, reached the way Office browses to it. */
async function firstFileUrl(host: Host, accessToken: string): Promise<string> {
  const root = await host.https('POST', '/wopibootstrapper', {
    headers: { authorization: `Bearer ${accessToken}`, 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' },
  });
  const rootUrl = new URL(root.json().RootContainerInfo.ContainerPointer.Url);
  rootUrl.pathname += '/children';
  return (await host.https('GET', rootUrl.href)).json().ChildFiles[0].Url as string;
}

async function checkFileInfo(host: Host, accessToken: string): Promise<Record<string, unknown>> {
  const reply = await host.https('GET', await firstFileUrl(host, accessToken));
  expect(reply.status).toBe(200);
  return reply.json();
}

test('switching off PutRelativeFile and sending expires_in as a string in the UI changes what real clients get', async ({ ui, host }) => {
  const { accessToken } = await host.signIn('alice');
  expect(await checkFileInfo(host, accessToken)).toMatchObject({ UserCanNotWriteRelative: false, SupportsContainers: true });

  await openScreen(ui, 'Host behaviour');
  await ui.getByLabel('PutRelativeFile (Save as / Save a copy)').uncheck();
  await ui.getByLabel('expires_in as a string').check();
  await ui.getByLabel('501 for an unknown X-WOPI-EcosystemOperation').check();
  // The picture shows the top of the screen, whichever switch was clicked last.
  await ui.getByRole('heading', { level: 1, name: 'Host behaviour' }).scrollIntoViewIfNeeded();
  await saveScreenshot(ui, 'behaviour');
  await ui.getByRole('button', { name: 'Save' }).click();
  await expect(ui.getByText('Saved; in effect from the next request.')).toBeVisible();

  expect(await checkFileInfo(host, accessToken)).toMatchObject({ UserCanNotWriteRelative: true, SupportsContainers: true });
  const authorized = await host.https('POST', '/oauth/authorize', {
    form: { client_id: 'office-mobile', redirect_uri: 'https://localhost', response_type: 'code', user: 'bob' },
  });
  const code = new URL(authorized.headers['location']![0]!).searchParams.get('code')!;
  const token = await host.https('POST', '/oauth/token', {
    form: {
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'https://localhost',
      client_id: 'office-mobile',
      client_secret: 'mock-client-secret',
    },
  });
  expect(token.json().expires_in).toBe('3600');
  const unknown = await host.https('POST', '/wopibootstrapper', {
    headers: { authorization: `Bearer ${accessToken}`, 'x-wopi-ecosystemoperation': 'SOMETHING_NEW' },
  });
  expect(unknown.status).toBe(501);
  expect((await host.admin('GET', '/api/config')).json()).toMatchObject({
    capabilities: { putRelativeFile: false, containers: true },
    compatibility: { expiresInAsString: true, unknownEcosystemOperation: 'notImplemented', challengeErrorParameter: false },
  });
});

test('a known host bug switched on in the UI bends the next real 401, and the Live log marks it', async ({ ui, host }) => {
  const challenge = `Bearer authorization_uri="${host.origin}/oauth/authorize",tokenIssuance_uri="${host.origin}/oauth/token",providerId="WopiMockHost"`;
  expect((await host.https('GET', '/wopibootstrapper')).headers['www-authenticate']).toEqual([challenge]);

  await openScreen(ui, 'Host behaviour');
  const bugs = ui.getByRole('region', { name: 'Known host bugs (on purpose)' });
  await expect(bugs.getByRole('checkbox')).toHaveCount(14);
  const trailingComma = bugs.getByRole('checkbox', { name: 'Trailing comma in the challenge' });
  await expect(trailingComma).toHaveAccessibleDescription(
    /Breaks rule challenge-trailing-comma\. The WWW-Authenticate challenge ends with a comma/,
  );
  await expect(bugs.getByRole('checkbox', { name: 'UrlSchemes not percent-encoded' })).toHaveAccessibleDescription(
    /No URL schemes are configured .* this switch has no effect/,
  );
  await trailingComma.focus();
  await ui.keyboard.press('Space');
  await expect(trailingComma).toBeChecked();
  await ui.getByRole('button', { name: 'Save' }).click();
  await expect(ui.getByText('Saved; in effect from the next request.')).toBeVisible();
  expect((await host.admin('GET', '/api/config')).json().knownBugs.challengeTrailingComma).toBe(true);

  const bent = await host.https('GET', '/wopibootstrapper');
  expect(bent.status).toBe(401);
  expect(bent.headers['www-authenticate']).toEqual([`${challenge},`]);
  const entries = (await host.admin('GET', '/api/log')).json().entries as Array<{ seq: number; knownBugs: string[] }>;
  const last = entries.at(-1)!;
  expect(last.knownBugs).toEqual(['challengeTrailingComma']);

  await openScreen(ui, 'Live log');
  const row = ui.locator(`.log-body-row[data-seq="${last.seq}"]`);
  await expect(row.getByRole('cell').last()).toHaveText('bug');
  await expect(
    ui
      .locator(`.log-body-row[data-seq="${last.seq - 1}"]`)
      .getByRole('cell')
      .last(),
  ).toHaveText('');
  await row.click();
  const detail = ui.getByRole('region', { name: `Request ${last.seq} details` });
  await expect(detail.getByText('known host bug', { exact: true })).toBeVisible();
  await expect(detail.locator('[data-known-bug="challengeTrailingComma"]')).toHaveText(
    'Trailing comma in the challenge (knownBugs.challengeTrailingComma) breaks rule challenge-trailing-comma',
  );
});

test('the upload limit is entered in MiB, refused when not a size, and enforced on real uploads', async ({ ui, host }) => {
  await openScreen(ui, 'Host behaviour');
  const size = ui.getByLabel('Largest file accepted (MiB)');
  await expect(size).toHaveValue('100');
  await size.fill('0');
  await expect(size).toHaveAccessibleDescription(/enter a size in MiB greater than 0/);
  await size.fill('0.001');
  await ui.getByRole('button', { name: 'Save' }).click();
  await expect(ui.getByText('Saved; in effect from the next request.')).toBeVisible();
  expect((await host.admin('GET', '/api/config')).json().maxFileSizeBytes).toBe(1049);

  const { accessToken } = await host.signIn('alice');
  const fileUrl = await firstFileUrl(host, accessToken);
  const saveAs = (bytes: number) =>
    host.https('POST', fileUrl, {
      headers: { 'x-wopi-override': 'PUT_RELATIVE', 'x-wopi-suggestedtarget': '.docx' },
      body: 'x'.repeat(bytes),
    });
  expect((await saveAs(1050)).status).toBe(413);
  expect((await saveAs(1049)).status).toBe(200);
});

test('refresh-token reuse, a clock offset and RequestedCallThrottling set in the UI: the config holds them and real requests follow them', async ({
  ui,
  host,
}) => {
  await openScreen(ui, 'Host behaviour');
  const oauth = ui.getByRole('region', { name: 'OAuth' });
  await oauth.getByLabel('A rotated refresh token presented again').selectOption('reject');
  await expect(oauth.getByLabel('Strict OAuth')).toHaveAccessibleDescription(
    /a code redeemed without the redirect_uri its authorization request named, and an authorization request without response_type/,
  );
  const time = ui.getByRole('region', { name: 'Time' });
  const offset = time.getByLabel('Clock offset (seconds)');
  await expect(offset).toHaveValue('0');
  await time.getByRole('button', { name: '+1 day' }).click();
  await time.getByRole('button', { name: '+1 h' }).click();
  await expect(offset).toHaveValue('90000');
  await expect(time.getByTestId('host-now')).toContainText('(1 d 1 h ahead)');
  await offset.fill('soon');
  await expect(offset).toHaveAccessibleDescription(/enter a whole number/);
  await offset.fill('86400');
  await expect(time.getByTestId('host-now')).toContainText('(1 d ahead)');
  await ui.getByRole('region', { name: 'WOPI' }).getByLabel('RequestedCallThrottling').selectOption('Major');
  await ui.getByRole('button', { name: 'Save' }).click();
  await expect(ui.getByText('Saved; in effect from the next request.')).toBeVisible();

  const config = (await host.admin('GET', '/api/config')).json();
  expect(config.oauth).toMatchObject({
    clientId: 'office-mobile',
    refreshTokens: { rotate: true, reuse: 'reject', graceSeconds: 0, omitOnRefresh: false, absoluteLifetimeSeconds: 0 },
    requirePkce: false,
    strict: false,
  });
  expect(config.clockOffsetSeconds).toBe(86400);
  expect(config.wopi).toEqual({ requestedCallThrottling: 'Major' });

  const { accessToken, refreshToken } = await host.signIn('alice');
  const refresh = () =>
    host.https('POST', '/oauth/token', {
      form: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'office-mobile', client_secret: 'mock-client-secret' },
    });
  const first = await refresh();
  expect(first.status).toBe(200);
  const ahead = Date.parse(first.headers['date']![0]!) - Date.now();
  expect(Math.abs(ahead - 86_400_000)).toBeLessThan(5_000);
  const reused = await refresh();
  expect(reused.status).toBe(400);
  expect(reused.json().error).toBe('invalid_grant');
  expect(reused.json().error_description).toMatch(
    /^the refresh token was already used: a refresh at .* replaced it \(oauth\.refreshTokens\.reuse is reject\)$/,
  );
  expect(await checkFileInfo(host, accessToken)).toMatchObject({ RequestedCallThrottling: 'Major' });
});
