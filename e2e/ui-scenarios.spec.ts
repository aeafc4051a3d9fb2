import { Route } from '../dist/mock-server/protocol/headers.js';
import { expect, oauthClient, openScreen, saveScreenshot, test, type Host } from './fixtures.js';

/** The Scenarios screen: built-in scenarios applied and removed on real traffic, and a scenario of the user's own saved from the current faults. */

const signInPage = (host: Host) =>
  host.https(
    'GET',
    `${Route.Authorize}?client_id=${oauthClient.clientId}&redirect_uri=${encodeURIComponent(oauthClient.redirectUri)}&response_type=code`,
  );

test('"Host under maintenance" applied in the UI: a real WOPI request gets 503 with Retry-After while the sign-in page answers 200; Remove ends it', async ({
  ui,
  host,
}) => {
  const { accessToken } = await host.signIn('alice');
  const bootstrap = () => host.https('GET', Route.Bootstrapper, { headers: { authorization: `Bearer ${accessToken}` } });
  expect((await bootstrap()).status).toBe(200);

  await openScreen(ui, 'Scenarios');
  const card = ui.getByRole('article', { name: 'Host under maintenance' });
  await expect(card.getByRole('listitem')).toHaveText([
    'Adds a fault rule: answer 503 with Retry-After 120 on every operation except Authorize, Token, CaCertificate, CaMobileConfig, DeviceSetup, until removed',
  ]);
  await card.getByRole('button', { name: 'Apply Host under maintenance' }).click();
  await expect(card.getByRole('status')).toHaveText('Applied. Added fault rule scenario-host-under-maintenance-1.');
  await expect(card.getByTestId('applied-badge')).toBeVisible();
  await saveScreenshot(ui, 'scenarios');

  const refused = await bootstrap();
  expect(refused.status).toBe(503);
  expect(refused.headers['retry-after']).toEqual(['120']);
  const page = await signInPage(host);
  expect(page.status).toBe(200);
  expect(page.text).toContain('Alice Adams');

  await card.getByRole('button', { name: 'Remove Host under maintenance' }).click();
  await expect(card.getByRole('status')).toHaveText('Removed. Removed scenario-host-under-maintenance-1.');
  await expect(card.getByTestId('applied-badge')).toHaveCount(0);
  expect((await bootstrap()).status).toBe(200);
  expect((await host.admin('GET', '/api/faults')).json().faults).toEqual([]);
});

test('the current faults saved as a scenario of the user’s own: listed after a reload, applied live from the API, deleted', async ({
  ui,
  host,
}) => {
  expect((await host.admin('POST', '/api/faults', { operation: 'GetFile', status: 500, remaining: 2 })).status).toBe(201);
  await openScreen(ui, 'Scenarios');
  const form = ui.getByRole('region', { name: 'Save current faults as a scenario' });
  await expect(form.getByText('The active fault rule becomes a scenario of your own')).toBeVisible();
  await form.getByLabel('Name').fill('Broken downloads');
  await expect(form.getByLabel('Name')).toHaveAccessibleDescription('Saved as broken-downloads.');
  await form.getByLabel('Description').fill('GetFile fails twice.');
  await form.getByRole('button', { name: 'Save as scenario' }).click();
  await expect(form.getByRole('status')).toHaveText('Saved “Broken downloads”.');

  const saved = (await host.admin('GET', '/api/scenarios/broken-downloads')).json();
  expect(saved).toMatchObject({
    title: 'Broken downloads',
    description: 'GetFile fails twice.',
    faults: [{ operation: 'GetFile', status: 500, remaining: 2 }],
    builtIn: false,
    applied: null,
  });
  expect(saved.faults[0].id).toBeUndefined();

  await ui.reload();
  await expect(ui.getByRole('heading', { level: 1, name: 'Scenarios' })).toBeVisible();
  const card = ui.getByRole('article', { name: 'Broken downloads' });
  await expect(card).toContainText('Yours');
  await expect(card).toContainText('GetFile fails twice.');

  // Applied elsewhere (a script), the screen follows the stream.
  expect((await host.admin('POST', '/api/scenarios/broken-downloads/apply')).status).toBe(200);
  await expect(card.getByTestId('applied-badge')).toBeVisible();
  await expect(card.getByRole('button', { name: 'Delete Broken downloads' })).toBeDisabled();
  await card.getByRole('button', { name: 'Remove Broken downloads' }).click();
  await expect(card.getByRole('status')).toHaveText(/^Removed\. Removed scenario-broken-downloads-1\.$/);
  await card.getByRole('button', { name: 'Delete Broken downloads' }).click();
  await expect(card).toHaveCount(0);
  expect((await host.admin('GET', '/api/scenarios/broken-downloads')).status).toBe(404);
  await expect(ui.getByRole('article', { name: 'Signed out overnight' }).getByRole('button', { name: /^Delete/ })).toHaveCount(0);
});
