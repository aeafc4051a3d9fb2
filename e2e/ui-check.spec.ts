import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import type { LogEntry } from '../mock-server/log/entry.js';
import type { Config } from '../mock-server/state/config-schema.js';
import { expect, oauthClient, openScreen, saveScreenshot, test } from './fixtures.js';

/** The "Check a host" screen runs the engine's host checker: against this mock, and against a host by URL. */

const phases = ['tls', 'challenge', 'oauth', 'profile', 'ecosystem', 'files', 'access-token', 'trusted-domains', 'write'];

const runPanel = (ui: Page) => ui.getByRole('region', { name: /^Check of / });
const progressList = (ui: Page) => runPanel(ui).getByRole('list', { name: 'Progress' });
const phaseStep = (ui: Page, phase: string) => progressList(ui).locator(`li[data-phase="${phase}"]`);
const results = (ui: Page) => runPanel(ui).getByRole('region', { name: 'Results' });
const rule = (ui: Page, id: string) => results(ui).locator(`li[data-rule="${id}"]`);

async function downloaded(ui: Page, button: Locator): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([ui.waitForEvent('download'), button.click()]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

test('"Check this mock" runs the whole flow: live progress per phase, 0 failed, the traffic in the log and the Flow, downloads', async ({
  ui,
  host,
}) => {
  test.setTimeout(60_000);
  // Hold the run in the middle for a moment (the first GetNewAccessToken as alice waits 2 s), so
  // the progress can be seen half-way: earlier phases passed, one running, later ones pending.
  expect(
    (await host.admin('POST', '/api/faults', { operation: 'GetNewAccessToken', userId: 'alice', delayMs: 2000, remaining: 1 })).status,
  ).toBe(201);
  await openScreen(ui, 'Check a host');
  await expect(ui.getByLabel('Sign in as')).toHaveValue('alice');
  await ui.getByRole('button', { name: 'Check this mock' }).click();

  await expect(runPanel(ui).getByRole('heading', { level: 2 })).toHaveText('Check of this mock');
  await expect(progressList(ui).getByRole('listitem')).toHaveCount(phases.length);
  await expect(phaseStep(ui, 'tls')).toHaveAttribute('data-status', 'passed');
  await expect(progressList(ui).locator('li[data-status="running"]')).not.toHaveCount(0);
  await expect(phaseStep(ui, 'write')).toHaveAttribute('data-status', 'pending');
  await expect(phaseStep(ui, 'write')).toContainText('pending');
  await expect(runPanel(ui).getByTestId('check-progress')).toContainText(/of 9 phases done/);
  await expect(runPanel(ui).getByRole('button', { name: 'Cancel check' })).toBeVisible();

  // The end: every phase passed but the two that need inputs (trusted domains, opt-in write tests), and no rule failed.
  await expect(runPanel(ui).getByTestId('check-summary')).toBeVisible({ timeout: 30_000 });
  for (const phase of phases.slice(0, -2)) await expect(phaseStep(ui, phase)).toHaveAttribute('data-status', 'passed');
  await expect(phaseStep(ui, 'trusted-domains')).toHaveAttribute('data-status', 'skipped');
  await expect(phaseStep(ui, 'write')).toHaveAttribute('data-status', 'skipped');
  await expect(phaseStep(ui, 'write')).toContainText('skipped');
  await expect(progressList(ui).locator('li').first()).toContainText('TLS');
  await expect(runPanel(ui).getByTestId('check-summary')).toContainText('passed');
  await expect(runPanel(ui).getByTestId('check-summary')).toContainText(' 0 failed ');
  await expect(runPanel(ui).getByTestId('check-progress')).toHaveText(/^Finished in .*: passed$/);
  await expect(runPanel(ui).getByRole('button', { name: 'Cancel check' })).toHaveCount(0);
  await expect(results(ui).locator('li[data-status="failed"]')).toHaveCount(0);
  await runPanel(ui).evaluate((panel) => panel.scrollIntoView({ block: 'start' }));
  await saveScreenshot(ui, 'check');
  // Passed rules are collapsed, and open to show what put them to the test.
  const passed = results(ui).locator('li[data-status="passed"]').first();
  await expect(passed.locator('details')).not.toHaveAttribute('open');
  await passed.locator('summary').click();
  await expect(passed.getByRole('list', { name: 'Evidence' })).toBeVisible();
  const skippedWrite = results(ui).locator('section[data-phase="write"]');
  await expect(skippedWrite).toContainText('Skipped: write tests are opt-in');

  // The run was real traffic to this mock: the sign-in, the tokens, the files.
  const operations = new Set((await host.admin('GET', '/api/log')).json<{ entries: LogEntry[] }>().entries.map((e) => e.operation));
  for (const op of ['Bootstrap', 'Authorize', 'Token', 'CheckEcosystem', 'EnumerateChildren', 'CheckFileInfo', 'GetFile'])
    expect(operations, op).toContain(op);

  // Downloads, fetched with the admin token like the Live log's HAR.
  const downloads = runPanel(ui).getByRole('group', { name: 'Downloads' });
  const json = await downloaded(ui, downloads.getByRole('button', { name: 'JSON' }));
  expect(json.name).toMatch(/^wopi-host-check-.*\.json$/);
  const report = JSON.parse(json.text);
  expect(report.outcome).toBe('passed');
  expect(report.summary.failed).toBe(0);
  expect(report.phases.map((p: { id: string }) => p.id)).toEqual(phases);
  const junit = await downloaded(ui, downloads.getByRole('button', { name: 'JUnit XML' }));
  expect(junit.name).toMatch(/\.xml$/);
  expect(junit.text).toMatch(/^(<\?xml[^>]*>\s*)?<testsuites[\s>]/);
  const tap = await downloaded(ui, downloads.getByRole('button', { name: 'TAP' }));
  expect(tap.text).toMatch(/^TAP version|^1\.\.\d+|^ok /m);
  const har = await downloaded(ui, downloads.getByRole('button', { name: 'HAR' }));
  expect(har.name).toMatch(/\.har$/);
  const harLog = JSON.parse(har.text).log;
  expect(harLog.version).toBe('1.2');
  expect(harLog.entries.length).toBeGreaterThan(10);

  // The run is listed, and the Flow screen drew it.
  await expect(ui.getByRole('region', { name: 'Recent checks' }).getByRole('button')).toHaveCount(1);
  await openScreen(ui, 'Flow');
  const steps = ui.getByRole('group', { name: 'Steps' }).getByRole('link');
  await expect(steps.filter({ hasText: /Code → tokens: 200/ }).first()).toBeAttached();
  await expect(steps.filter({ hasText: /CheckFileInfo: 200/ }).first()).toBeAttached();
});

test('a known host bug switched on fails its rule, with the evidence and the source', async ({ ui, host }) => {
  const config = (await host.admin('GET', '/api/config')).json<Config>();
  const put = await host.admin('PUT', '/api/config', { ...config, knownBugs: { ...config.knownBugs, missingWopiSrcAnswers500: true } });
  expect(put.status, put.text).toBe(200);
  await openScreen(ui, 'Check a host');
  await ui.getByLabel('Sign in as').selectOption('bob');
  await ui.getByRole('button', { name: 'Check this mock' }).click();
  await expect(runPanel(ui).getByTestId('check-summary')).toBeVisible({ timeout: 25_000 });
  await expect(runPanel(ui).getByTestId('check-summary')).toContainText('failed');
  await expect(runPanel(ui).getByTestId('check-summary')).not.toContainText(' 0 failed ');
  await expect(phaseStep(ui, 'access-token')).toHaveAttribute('data-status', 'failed');
  await expect(phaseStep(ui, 'access-token')).toContainText('failed');

  const broken = rule(ui, 'wopi-src-not-found');
  await expect(broken).toHaveAttribute('data-status', 'failed');
  // Failed rules are open: the status in words, the id, the severity, the evidence and the source.
  await expect(broken.locator('details')).toHaveAttribute('open');
  await expect(broken.locator('summary')).toContainText('failed');
  await expect(broken.locator('summary')).toContainText('wopi-src-not-found');
  await expect(broken.locator('summary')).toContainText('failure');
  const evidence = broken.getByRole('list', { name: 'Evidence' }).getByRole('listitem');
  await expect(evidence.first()).toContainText('500');
  await expect(evidence.first()).toContainText(/POST https:\/\/localhost:\d+\/wopibootstrapper → 500/);
  const source = broken.getByRole('link', { name: 'GetNewAccessToken (WOPI REST)' });
  await expect(source).toHaveAttribute('href', /learn\.microsoft\.com\/.*getnewaccesstoken/);
  await expect(source).toHaveAttribute('target', '_blank');
  await expect(source).toHaveAttribute('rel', 'noreferrer');
  await expect(ui.getByRole('region', { name: 'Recent checks' }).getByRole('button').first()).toContainText('failed');
});

test('another host: the API says what is wrong with the form, next to the field', async ({ ui }) => {
  await openScreen(ui, 'Check a host');
  const form = ui.getByRole('form', { name: 'Another host' });
  await form.getByLabel('Bootstrapper URL').fill('ftp://wopi.example.com/wopibootstrapper');
  await form.getByLabel('Client id').fill('office-mobile');
  await form.getByLabel('Client secret', { exact: true }).fill('secret');
  await form.getByRole('button', { name: 'Check this host' }).click();
  await expect(form.getByRole('alert').filter({ hasText: 'The check did not start' })).toBeVisible();
  await expect(form.getByTestId('field-error')).toHaveText(['must be an http(s) URL']);
  await expect(form.getByLabel('Bootstrapper URL')).toHaveAttribute('aria-invalid', 'true');

  // A sign-in that needs a client, without one: the API's own sentence, above the form.
  await form.getByLabel('Bootstrapper URL').fill('https://wopi.example.com/wopibootstrapper');
  await form.getByLabel('Client id').fill('');
  await form.getByLabel('Client secret', { exact: true }).fill('');
  await form.getByRole('button', { name: 'Check this host' }).click();
  await expect(form.getByRole('alert')).toContainText('a loopback sign-in needs the OAuth client id and secret');
  await expect(form.getByLabel('Bootstrapper URL')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(ui.getByRole('region', { name: /^Check of / })).toHaveCount(0);
});

test('another host with a paste sign-in: the CA from a file, the sign-in link, the redirected URL pasted back', async ({ ui, host }) => {
  test.setTimeout(60_000);
  await openScreen(ui, 'Check a host');
  const form = ui.getByRole('form', { name: 'Another host' });
  await form.getByLabel('Bootstrapper URL').fill(`${host.origin}/wopibootstrapper`);
  await form.getByLabel('Method').selectOption('paste');
  await expect(form.getByText('paste the URL it ended on')).toBeVisible();
  await form.getByLabel('Client id').fill(oauthClient.clientId);
  await form.getByLabel('Client secret', { exact: true }).fill(oauthClient.clientSecret);
  await form.getByText('TLS and more options').click();
  await form
    .getByLabel('Load from file…')
    .setInputFiles({ name: 'ca.crt', mimeType: 'application/x-pem-file', buffer: Buffer.from(host.ca) });
  await expect(form.getByLabel('CA certificate (PEM, optional)')).toHaveValue(host.ca);
  await form.getByLabel('Skip TLS verification (insecure)').check();
  await expect(form.getByTestId('field-warning')).toContainText('TLS verification is off');
  await expect(form.locator('summary')).toContainText('TLS verification off');
  await form.getByRole('button', { name: 'Check this host' }).click();

  const signIn = runPanel(ui).getByRole('region', { name: 'Sign-in', exact: true });
  await expect(signIn).toContainText('paste the full URL');
  await expect(phaseStep(ui, 'oauth')).toHaveAttribute('data-status', 'running');
  await expect(runPanel(ui).getByTestId('check-progress')).toContainText('Waiting for the sign-in');
  const link = signIn.getByRole('link', { name: 'Open the sign-in page in your browser' });
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', 'noreferrer');

  // The "system browser": a new page, which stops at the redirect URI and shows where it ended.
  let redirectedTo: string | undefined;
  await ui.context().route('https://localhost/**', async (route) => {
    redirectedTo = route.request().url();
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>signed in</title>' });
  });
  const [browser] = await Promise.all([ui.context().waitForEvent('page'), link.click()]);
  await browser.getByRole('button', { name: /Alice Adams/ }).click();
  await expect(browser).toHaveTitle('signed in');
  await browser.close();
  expect(redirectedTo).toMatch(/code=/);

  await signIn.getByLabel('The URL the browser ended on').fill(redirectedTo!);
  await signIn.getByRole('button', { name: 'Send redirected URL' }).click();
  await expect(runPanel(ui).getByTestId('check-summary')).toBeVisible({ timeout: 30_000 });
  await expect(signIn).toHaveCount(0);
  await expect(runPanel(ui).getByTestId('check-summary')).toContainText(' 0 failed ');
  await expect(phaseStep(ui, 'oauth')).toHaveAttribute('data-status', 'passed');
  // Insecure: the report says so at the top, and the rule that notes it is a warning, shown open.
  await expect(runPanel(ui).getByTestId('check-banner')).toContainText('TLS verification was OFF');
  await expect(rule(ui, 'tls-verification-disabled')).toHaveAttribute('data-status', 'warning');
  await expect(rule(ui, 'tls-verification-disabled').locator('details')).toHaveAttribute('open');
});
