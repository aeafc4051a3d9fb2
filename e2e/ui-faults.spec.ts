import { expect, openScreen, saveScreenshot, test, type Host } from './fixtures.js';

const challenge = (host: Host) =>
  `Bearer authorization_uri="${host.origin}/oauth/authorize",tokenIssuance_uri="${host.origin}/oauth/token",providerId="WopiMockHost"`;

test('"Force 401 on Bootstrap" for one request: that request gets the challenge, the next succeeds, and the rule goes away', async ({
  ui,
  host,
}) => {
  const { accessToken } = await host.signIn('alice');
  const bootstrap = () => host.https('GET', '/wopibootstrapper', { headers: { authorization: `Bearer ${accessToken}` } });
  await openScreen(ui, 'Faults');
  const preset = ui.getByTestId('preset-bootstrap-401');
  const toggle = preset.getByRole('button', { name: 'Force 401 on Bootstrap' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(preset.getByLabel('Force 401 on Bootstrap: how long')).toHaveValue('count');
  await expect(preset.getByLabel('Force 401 on Bootstrap: number of requests')).toHaveValue('1');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  const rules = ui.getByTestId('active-rule');
  await expect(rules).toHaveCount(1);
  await expect(rules.first()).toContainText('Answer 401 on Bootstrap, for the next request');
  await expect(rules.first().getByTestId('remaining')).toHaveText('1');
  const [stored] = (await host.admin('GET', '/api/faults')).json().faults;
  expect(stored).toMatchObject({ operation: 'Bootstrap', status: 401, remaining: 1 });
  expect(stored.userId).toBeUndefined();

  const forced = await bootstrap();
  expect(forced.status).toBe(401);
  expect(forced.headers['www-authenticate']).toEqual([challenge(host)]);
  await expect(rules).toHaveCount(0);
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  expect((await bootstrap()).status).toBe(200);
  const log = (await host.admin('GET', '/api/log?limit=2')).json().entries;
  expect(log.map((e: { status: number; faultId: string | null }) => [e.status, e.faultId])).toEqual([
    [401, stored.id],
    [200, null],
  ]);
});

test('the remaining count of a rule counts down live as real requests hit it', async ({ ui, host }) => {
  const { refreshToken } = await host.signIn('alice');
  const refresh = () =>
    host.https('POST', '/oauth/token', {
      form: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'office-mobile', client_secret: 'mock-client-secret' },
    });
  await openScreen(ui, 'Faults');
  const preset = ui.getByTestId('preset-token-500');
  await preset.getByLabel('500 on the token endpoint: number of requests').fill('3');
  await preset.getByRole('button', { name: '500 on the token endpoint' }).click();
  const rule = ui.getByTestId('active-rule');
  await expect(rule).toContainText('Answer 500 on Token, for the next 3 requests');
  await expect(rule.getByTestId('remaining')).toHaveText('3');
  for (const left of ['2', '1']) {
    expect((await refresh()).status).toBe(500);
    await expect(rule.getByTestId('remaining')).toHaveText(left);
  }
  expect((await refresh()).status).toBe(500);
  await expect(rule).toHaveCount(0);
  expect((await refresh()).status).toBe(200);
});

test('a preset scoped to one user and kept until turned off fires only for that user', async ({ ui, host }) => {
  const alice = await host.signIn('alice');
  const bob = await host.signIn('bob');
  const root = await host.https('POST', '/wopibootstrapper', {
    headers: { authorization: `Bearer ${alice.accessToken}`, 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' },
  });
  expect(root.status).toBe(200);
  const gnat = (token: string, wopiSrc: string) =>
    host.https('POST', '/wopibootstrapper', {
      headers: { authorization: `Bearer ${token}`, 'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN', 'x-wopi-wopisrc': wopiSrc },
    });
  const firstFile = async (token: string) => {
    const container = new URL(
      (
        await host.https('POST', '/wopibootstrapper', {
          headers: { authorization: `Bearer ${token}`, 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' },
        })
      ).json().RootContainerInfo.ContainerPointer.Url,
    );
    container.pathname += '/children';
    const file = new URL((await host.https('GET', container.href)).json().ChildFiles[0].Url);
    file.search = '';
    return file.href;
  };
  const aliceFile = await firstFile(alice.accessToken);
  const bobFile = await firstFile(bob.accessToken);

  await openScreen(ui, 'Faults');
  const preset = ui.getByTestId('preset-gnat-404');
  await preset.getByLabel('Force 404 on GetNewAccessToken: user').selectOption('bob');
  await preset.getByLabel('Force 404 on GetNewAccessToken: how long').selectOption('always');
  await expect(preset.getByLabel('Force 404 on GetNewAccessToken: number of requests')).toHaveCount(0);
  const toggle = preset.getByRole('button', { name: 'Force 404 on GetNewAccessToken' });
  await toggle.click();
  await expect(ui.getByTestId('active-rule')).toContainText('Answer 404 on GetNewAccessToken for user bob, until removed');
  await expect(ui.getByTestId('active-rule').getByTestId('remaining')).toHaveText('∞');

  for (let i = 0; i < 3; i++) expect((await gnat(bob.accessToken, bobFile)).status).toBe(404);
  expect((await gnat(alice.accessToken, aliceFile)).status).toBe(200);
  await saveScreenshotWithRules(ui);
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(ui.getByTestId('active-rule')).toHaveCount(0);
  expect((await gnat(bob.accessToken, bobFile)).status).toBe(200);
});

/** The screenshot shows a few kinds of rules at once. */
async function saveScreenshotWithRules(ui: import('@playwright/test').Page) {
  await ui.getByTestId('preset-latency').getByLabel('Add latency: delay in ms').fill('1500');
  await ui.getByTestId('preset-latency').getByLabel('Add latency: operation').selectOption('CheckFileInfo');
  await ui.getByTestId('preset-latency').getByRole('button', { name: 'Add latency' }).click();
  await expect(ui.getByTestId('active-rule')).toHaveCount(2);
  await saveScreenshot(ui, 'faults');
  await ui
    .getByRole('button', { name: /^Remove rule / })
    .last()
    .click();
  await expect(ui.getByTestId('active-rule')).toHaveCount(1);
}

test('custom rules: invalid values are refused next to the field; valid ones fire; remove one and clear all', async ({ ui, host }) => {
  await openScreen(ui, 'Faults');
  const form = ui.getByRole('region', { name: 'Custom rule' });
  await form.getByLabel('Operation').selectOption('CheckFileInfo');
  await form.getByLabel('Status').fill('700');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(form.getByLabel('Status')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Status')).toHaveAccessibleDescription(/599/);
  expect((await host.admin('GET', '/api/faults')).json().faults).toEqual([]);

  await form.getByLabel('Status').fill('503');
  await form.getByLabel('Requests').fill('2');
  await form.getByLabel('Method').selectOption('GET');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(form.getByRole('status')).toHaveText('Added: Answer 503 on GET CheckFileInfo, for the next 2 requests');
  await form.getByLabel('Operation').selectOption('*');
  await form.getByLabel('Drop the connection (no answer at all)').check();
  await form.getByLabel('User').selectOption('bob');
  await form.getByRole('button', { name: 'Add rule' }).click();
  const rules = ui.getByTestId('active-rule');
  await expect(rules).toHaveCount(2);
  await expect(rules.nth(1)).toContainText('Drop the connection on every operation for user bob, until removed');

  // The first rule fires on alice's real CheckFileInfo.
  const { accessToken } = await host.signIn('alice');
  const root = new URL(
    (
      await host.https('POST', '/wopibootstrapper', {
        headers: { authorization: `Bearer ${accessToken}`, 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' },
      })
    ).json().RootContainerInfo.ContainerPointer.Url,
  );
  root.pathname += '/children';
  const fileUrl = (await host.https('GET', root.href)).json().ChildFiles[0].Url;
  expect((await host.https('GET', fileUrl)).status).toBe(503);
  await expect(rules.first().getByTestId('remaining')).toHaveText('1');

  await ui.getByRole('button', { name: `Remove rule ${await rules.first().getAttribute('data-rule-id')}` }).click();
  await expect(rules).toHaveCount(1);
  expect((await host.https('GET', fileUrl)).status).toBe(200);
  await ui.getByRole('button', { name: 'Clear all' }).click();
  await expect(rules).toHaveCount(0);
  await expect(ui.getByText('No fault rules: every request is answered normally.')).toBeVisible();
  expect((await host.admin('GET', '/api/faults')).json().faults).toEqual([]);
});

test('commit then fail: the preset stores phase "after"; the custom form refuses After without a status next to Phase', async ({
  ui,
  host,
}) => {
  await openScreen(ui, 'Faults');
  const preset = ui.getByTestId('preset-putfile-after-500');
  await preset.getByRole('button', { name: 'Commit then fail PutFile (500)' }).click();
  const rules = ui.getByTestId('active-rule');
  await expect(rules.first()).toContainText('Let the change commit, then answer 500 on PutFile, for the next request');
  expect((await host.admin('GET', '/api/faults')).json().faults[0]).toMatchObject({ operation: 'PutFile', phase: 'after', status: 500 });

  const form = ui.getByRole('region', { name: 'Custom rule' });
  await form.getByLabel('Operation').selectOption('Lock');
  await form.getByLabel('Phase').selectOption('after');
  await form.getByLabel('Delay (ms)').fill('100');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(form.getByLabel('Phase')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Phase')).toHaveAccessibleDescription(/needs status or dropConnection/);
  await form.getByLabel('Status').fill('503');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(form.getByRole('status')).toHaveText(
    'Added: Delay 100 ms, then let the change commit, then answer 503 on Lock, until removed',
  );
  await expect(rules).toHaveCount(2);
});

test('the Maintenance preset: real WOPI calls get 503 with Retry-After while the sign-in page still answers', async ({ ui, host }) => {
  const { accessToken } = await host.signIn('alice');
  await openScreen(ui, 'Faults');
  const label = 'Maintenance: 503 + Retry-After 120 on all but sign-in';
  const preset = ui.getByTestId('preset-maintenance-503');
  await preset.getByLabel(`${label}: how long`).selectOption('always');
  await preset.getByRole('button', { name: label }).click();
  await expect(ui.getByTestId('active-rule').first()).toContainText(
    'Answer 503 with Retry-After 120 on every operation except Authorize, Token, until removed',
  );
  const down = await host.https('GET', '/wopibootstrapper', { headers: { authorization: `Bearer ${accessToken}` } });
  expect(down.status).toBe(503);
  expect(down.headers['retry-after']).toEqual(['120']);
  expect((await host.https('GET', '/oauth/authorize?client_id=office-mobile')).status).toBe(200);
  await preset.getByRole('button', { name: label }).click();
  await expect(ui.getByTestId('active-rule')).toHaveCount(0);
  expect((await host.https('GET', '/wopibootstrapper', { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(200);
});

test('a seeded chaos rule from the custom form: its seed is shown, and the same seed hits the same requests', async ({ ui, host }) => {
  await openScreen(ui, 'Faults');
  const form = ui.getByRole('region', { name: 'Custom rule' });
  await form.getByLabel('Operation').selectOption('Bootstrap');
  await form.getByLabel('Status').fill('503');
  await form.getByLabel('Retry-After').fill('Wed, 21 Oct 2026 07:28:00 GMT');
  await form.getByLabel('Chance (%)').fill('50');
  await form.getByLabel('Seed').fill('12345');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(form.getByRole('status')).toHaveText(
    'Added: Answer 503 with Retry-After Wed, 21 Oct 2026 07:28:00 GMT on Bootstrap, 50% of the time (seed 12345), until removed',
  );
  const [stored] = (await host.admin('GET', '/api/faults')).json().faults;
  expect(stored).toMatchObject({ probability: 0.5, seed: 12345, retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT' });
  const run = async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await host.https('GET', '/wopibootstrapper')).status);
    return statuses;
  };
  const first = await run();
  expect(first).toContain(503);
  expect(first).toContain(401);
  await host.admin('DELETE', `/api/faults/${stored.id}`);
  await host.admin('POST', '/api/faults', { operation: 'Bootstrap', status: 503, probability: 0.5, seed: 12345 });
  expect(await run()).toEqual(first);
});

test('a mutate rule from the custom form: the real Bootstrap answer arrives patched; bad JSON in Patch is refused next to it', async ({
  ui,
  host,
}) => {
  const { accessToken } = await host.signIn('alice');
  const bootstrap = () => host.https('GET', '/wopibootstrapper', { headers: { authorization: `Bearer ${accessToken}` } });
  const real = (await bootstrap()).json();
  expect(real.Bootstrap.UserId).toBe('alice');

  await openScreen(ui, 'Faults');
  const form = ui.getByRole('region', { name: 'Custom rule' });
  await form.getByLabel('Operation').selectOption('Bootstrap');
  await form.getByLabel('Phase').selectOption('mutate');
  const patch = form.getByLabel(/^Patch/);
  await patch.fill('[{"op": "remove", "path": "/Bootstrap/UserId"');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(patch).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText(/^not JSON: /)).toBeVisible();
  expect((await host.admin('GET', '/api/faults')).json().faults).toEqual([]);

  await patch.fill(
    '[{"op": "remove", "path": "/Bootstrap/UserId"}, {"op": "replace", "path": "/Bootstrap/SignInName", "value": "someone@else"}]',
  );
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(form.getByRole('status')).toHaveText(/^Added: /);
  const [stored] = (await host.admin('GET', '/api/faults')).json().faults;
  expect(stored).toMatchObject({
    operation: 'Bootstrap',
    phase: 'mutate',
    patch: [{ op: 'remove', path: '/Bootstrap/UserId' }, { op: 'replace' }],
  });

  const reply = await bootstrap();
  expect(reply.status).toBe(200);
  // EcosystemUrl carries a token minted for each answer; the rest is the real answer, patched.
  const { UserId, SignInName, EcosystemUrl: _, ...rest } = real.Bootstrap;
  expect(UserId).toBe('alice');
  expect(SignInName).not.toBe('someone@else');
  const { EcosystemUrl, ...patched } = reply.json().Bootstrap;
  expect(EcosystemUrl).toMatch(/\/wopi\/ecosystem\?access_token=/);
  expect(patched).toEqual({ ...rest, SignInName: 'someone@else' });
  expect(reply.headers['content-length']).toEqual([String(Buffer.byteLength(reply.text))]);
});

test('a body action from the custom form: Bootstrap answers its real JSON under the Content-Type typed in', async ({ ui, host }) => {
  const { accessToken } = await host.signIn('alice');
  const bootstrap = () => host.https('GET', '/wopibootstrapper', { headers: { authorization: `Bearer ${accessToken}` } });
  const real = await bootstrap();
  expect(real.headers['content-type']?.[0]).toMatch(/^application\/json/);

  await openScreen(ui, 'Faults');
  const form = ui.getByRole('region', { name: 'Custom rule' });
  await form.getByLabel('Operation').selectOption('Bootstrap');
  await form.getByLabel('Body', { exact: true }).selectOption('contentType');
  await form.getByLabel('the Content-Type sent instead').fill('text/html');
  await form.getByLabel('Requests').fill('1');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(form.getByRole('status')).toHaveText(/^Added: /);
  expect((await host.admin('GET', '/api/faults')).json().faults[0]).toMatchObject({
    body: { kind: 'contentType', value: 'text/html' },
    remaining: 1,
  });

  const bent = await bootstrap();
  expect(bent.status).toBe(200);
  expect(bent.headers['content-type']).toEqual(['text/html']);
  expect(Object.keys(bent.json().Bootstrap)).toEqual(Object.keys(real.json().Bootstrap));
  expect(bent.json().Bootstrap.UserId).toBe('alice');
  expect((await bootstrap()).headers['content-type']?.[0]).toMatch(/^application\/json/);
});
