import type { Page } from '@playwright/test';
import { EcosystemOperation, Route, WopiHeader } from '../dist/mock-server/protocol/headers.js';
import { expect, oauthClient, openScreen, saveScreenshot, test, type Host } from './fixtures.js';

const authorizeUrl = (host: Host) =>
  `${host.origin}/oauth/authorize?${new URLSearchParams({ client_id: oauthClient.clientId, redirect_uri: oauthClient.redirectUri, response_type: 'code', rs: 'en-US', build: '16.0', platform: 'iOS', scope: '', state: 'ui' })}`;

/** Signs in on the real sign-in page in a second tab, as Office's web view would: the code it redirects with. */
async function signInInBrowser(ui: Page, host: Host, friendlyName: RegExp): Promise<string> {
  const tab = await ui.context().newPage();
  let landed: URL | undefined;
  await tab.route('https://localhost/**', async (route) => {
    landed = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>stop URL</title>' });
  });
  await tab.goto(authorizeUrl(host));
  await tab.getByRole('button', { name: friendlyName }).click();
  await expect(tab).toHaveTitle('stop URL');
  await tab.close();
  const code = landed?.searchParams.get('code');
  if (!code) throw new Error('the sign-in page did not redirect with a code');
  return code;
}

test('a user added in the UI is offered by the sign-in page, and signing in as them yields their UserId', async ({ ui, host }) => {
  await openScreen(ui, 'Users');
  await ui.getByRole('button', { name: 'Add user' }).click();
  // The new row's ID field has the focus.
  await expect(ui.locator('#user-2-id')).toBeFocused();
  await ui.keyboard.type('carol');
  await ui.locator('#user-2-signInName').fill('carol@contoso.test');
  await ui.locator('#user-2-friendlyName').fill('Carol Clark');
  await ui.getByRole('button', { name: 'Save' }).click();
  await expect(ui.getByText('Saved; in effect from the next request.')).toBeVisible();

  const page = await ui.context().newPage();
  await page.goto(authorizeUrl(host));
  const offered = page.getByRole('group', { name: 'Mock users' }).getByRole('button');
  await expect(offered).toHaveCount(3);
  await expect(offered.nth(2)).toContainText('Carol Clark');
  await expect(offered.nth(2)).toContainText('carol@contoso.test');
  await page.close();

  const code = await signInInBrowser(ui, host, /Carol Clark/);
  const { accessToken } = await host.redeemCode(code);
  const bootstrap = await host.https('GET', '/wopibootstrapper', { headers: { authorization: `Bearer ${accessToken}` } });
  expect(bootstrap.status).toBe(200);
  expect(bootstrap.json().Bootstrap).toMatchObject({ UserId: 'carol', SignInName: 'carol@contoso.test', UserFriendlyName: 'Carol Clark' });

  // Her live tokens appear on her card without a reload: the redeemed code, the access and refresh
  // tokens and the WOPI token in EcosystemUrl, each counting down.
  const carol = ui.getByRole('listitem', { name: 'User 3: carol' });
  const tokens = carol.getByTestId('live-token');
  await expect(tokens).toHaveCount(4);
  await expect(tokens.filter({ hasText: 'OAuth access' }).getByTestId('remaining')).toHaveText(/^(59 min \d\d s|1 h 00 min)$/);
  await expect(tokens.filter({ hasText: 'WOPI access' }).getByTestId('remaining')).toHaveText(/^(9 h 59 min|10 h 00 min)$/);
  await expect(tokens.filter({ hasText: 'Authorization code' })).toContainText('redeemed');
  await saveScreenshot(ui, 'users');
});

test('revoke empties the user’s token list and the old token gets 401', async ({ ui, host }) => {
  const { accessToken } = await host.signIn('alice');
  expect((await host.https('GET', '/wopibootstrapper', { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(200);
  const bobToken = (await host.signIn('bob')).accessToken;
  await openScreen(ui, 'Users');
  const alice = ui.getByRole('listitem', { name: 'User 1: alice' });
  const bob = ui.getByRole('listitem', { name: 'User 2: bob' });
  await expect(alice.getByTestId('live-token')).toHaveCount(4);
  await expect(bob.getByTestId('live-token')).toHaveCount(3);

  await alice.getByRole('button', { name: 'Revoke tokens of alice' }).click();
  await expect(alice.getByText('Revoked: every token issued so far is refused.')).toBeVisible();
  await expect(alice.getByTestId('live-token')).toHaveCount(0);
  await expect(alice.getByText('No live tokens.')).toBeVisible();
  await expect(bob.getByTestId('live-token')).toHaveCount(3);

  const refused = await host.https('GET', '/wopibootstrapper', { headers: { authorization: `Bearer ${accessToken}` } });
  expect(refused.status).toBe(401);
  expect(refused.headers['www-authenticate']).toEqual([
    `Bearer authorization_uri="${host.origin}/oauth/authorize",tokenIssuance_uri="${host.origin}/oauth/token",providerId="WopiMockHost"`,
  ]);
  expect((await host.https('GET', '/wopibootstrapper', { headers: { authorization: `Bearer ${bobToken}` } })).status).toBe(200);
});

test('an invalid user id is refused with the reason next to the field; deleting a user takes them off the sign-in page', async ({
  ui,
  host,
}) => {
  const original = (await host.admin('GET', '/api/config')).json();
  await openScreen(ui, 'Users');
  const id = ui.locator('#user-1-id');
  await id.fill('bob/builder');
  await ui.getByRole('button', { name: 'Save' }).click();
  await expect(id).toHaveAttribute('aria-invalid', 'true');
  await expect(id).toHaveAccessibleDescription(
    'must not contain any of \\ / : * ? " < > | # { } ^ [ ] ` % (Office iOS cannot load such ids)',
  );
  expect((await host.admin('GET', '/api/config')).json()).toEqual(original);

  await id.fill('alice');
  await ui.getByRole('button', { name: 'Save' }).click();
  await expect(id).toHaveAccessibleDescription('duplicates users[0].id "alice"');

  await ui.getByRole('button', { name: 'Discard changes' }).click();
  await expect(id).toHaveValue('bob');
  await expect(id).not.toHaveAttribute('aria-invalid');
  await ui.getByRole('button', { name: 'Delete user bob' }).click();
  await ui.getByRole('button', { name: 'Save' }).click();
  await expect(ui.getByText('Saved; in effect from the next request.')).toBeVisible();
  expect((await host.admin('GET', '/api/config')).json().users).toEqual([original.users[0]]);
  const page = await ui.context().newPage();
  await page.goto(authorizeUrl(host));
  await expect(page.getByRole('group', { name: 'Mock users' }).getByRole('button')).toHaveText([/Alice Adams/]);
});

test('Expire now for WOPI tokens: the old WOPI token gets 401 and the log says expired, not revoked; OAuth tokens still work', async ({
  ui,
  host,
}) => {
  const { accessToken } = await host.signIn('alice');
  const bearer = { authorization: `Bearer ${accessToken}` };
  const root = await host.https('POST', Route.Bootstrapper, {
    headers: { ...bearer, [WopiHeader.EcosystemOperation]: EcosystemOperation.GetRootContainer },
  });
  expect(root.status).toBe(200);
  const rootUrl = new URL(root.json().RootContainerInfo.ContainerPointer.Url);
  rootUrl.pathname += '/children';
  const children = await host.https('GET', rootUrl.href);
  expect(children.status).toBe(200);
  const fileUrl: string = children.json().ChildFiles[0].Url;
  expect((await host.https('GET', fileUrl)).status).toBe(200);

  await openScreen(ui, 'Users');
  const alice = ui.getByRole('listitem', { name: 'User 1: alice' });
  const expireNow = alice.getByRole('group', { name: 'Expire now' });
  await expireNow.getByRole('checkbox', { name: 'OAuth access' }).uncheck();
  await expireNow.getByRole('checkbox', { name: 'Refresh' }).uncheck();
  await expect(expireNow.getByRole('checkbox', { name: 'WOPI access' })).toBeChecked();
  await expireNow.getByRole('button', { name: 'Expire now for alice' }).click();
  await expect(expireNow.getByRole('status')).toHaveText(/^Expired 1 kind \(WOPI access\) at .+: issued so far, refused as expired\.$/);

  const refused = await host.https('GET', fileUrl);
  expect(refused.status).toBe(401);
  const { entries } = (await host.admin('GET', '/api/log')).json<{ entries: { notes: string[] }[] }>();
  const notes = entries.at(-1)!.notes;
  expect(notes.some((note) => /^the wopi token expired: 'Expire now' at .* \(expired, not revoked: /.test(note))).toBe(true);
  expect(notes.some((note) => note.includes('was revoked'))).toBe(false);
  // Only the WOPI kind was expired: the OAuth access token still gets a fresh WOPI token.
  expect((await host.https('GET', Route.Bootstrapper, { headers: bearer })).status).toBe(200);
});
