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
