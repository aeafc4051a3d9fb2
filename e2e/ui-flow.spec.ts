import type { Page } from '@playwright/test';
import type { LogEntry, LogSummary } from '../mock-server/log/entry.js';
import { summarize } from '../mock-server/log/summary.js';
import { logEntry } from '../test-support/entry-fixture.js';
import { expect, oauthClient, openScreen, saveScreenshot, test, type Host } from './fixtures.js';
import { LogStore } from '../renderer/src/model/log-store.js';
import { FlowModel, describeClient } from '../renderer/src/model/flow-model.js';

/** A fixture entry as the UI's model holds it: summarized, as the stream sends it. */
const summarizeEntry = (overrides: Partial<LogEntry>): LogSummary => summarize(logEntry(overrides));

/** The Flow screen draws a real sign-in flow as it happens; each step opens its log entry. */

const word = 'Word/1.22.16051600 CFNetwork/758.2.8 Darwin/15.4.0';
const identityService = 'Microsoft Office Identity Service';

/**
 * The "Add a Place" flow as Office mobile runs it (https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/mobile/scenarios/operational-flows): the app's unauthenticated
 * Bootstrap, the sign-in page in a web view (real Chromium), the Identity Service redeeming the
 * code and fetching the profile, then the app browsing and opening a file.
 */
async function runSignInFlow(ui: Page, host: Host): Promise<{ fileId: string }> {
  const unauthenticated = await host.https('GET', '/wopibootstrapper', { headers: { 'User-Agent': word } });
  expect(unauthenticated.status).toBe(401);

  const webView = await ui.context().newPage();
  let redirect: URL | undefined;
  await webView.route('https://localhost/**', async (route) => {
    redirect = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>stop URL</title>' });
  });
  const query = new URLSearchParams({
    client_id: oauthClient.clientId,
    redirect_uri: oauthClient.redirectUri,
    response_type: 'code',
    rs: 'en-US',
    build: '16.0.18025',
    platform: 'iOS',
    scope: '',
  });
  await webView.goto(`${host.origin}/oauth/authorize?${query}`);
  await webView.getByRole('button', { name: /Alice Adams/ }).click();
  await expect(webView).toHaveTitle('stop URL');
  await webView.close();
  const code = redirect!.searchParams.get('code')!;

  const asIdentityService = { 'User-Agent': identityService };
  const token = await host.https('POST', '/oauth/token', {
    headers: asIdentityService,
    form: {
      grant_type: 'authorization_code',
      code,
      redirect_uri: oauthClient.redirectUri,
      client_id: oauthClient.clientId,
      client_secret: oauthClient.clientSecret,
    },
  });
  expect(token.status).toBe(200);
  const bearer = `Bearer ${token.json().access_token}`;
  expect(
    (await host.https('GET', '/wopibootstrapper', { headers: { ...asIdentityService, Authorization: bearer } })).json().Bootstrap.UserId,
  ).toBe('alice');

  const asApp = { 'User-Agent': word, Authorization: bearer };
  const root = await host.https('POST', '/wopibootstrapper', { headers: { ...asApp, 'X-WOPI-EcosystemOperation': 'GET_ROOT_CONTAINER' } });
  const rootUrl = new URL(root.json().RootContainerInfo.ContainerPointer.Url);
  rootUrl.pathname += '/children';
  const children = await host.https('GET', rootUrl.href, { headers: { 'User-Agent': word } });
  const welcome = (children.json().ChildFiles as Array<{ Name: string; Url: string }>).find((f) => f.Name === 'Welcome.docx')!;
  const wopiSrc = welcome.Url.split('?')[0]!;
  const fresh = await host.https('POST', '/wopibootstrapper', {
    headers: { ...asApp, 'X-WOPI-EcosystemOperation': 'GET_NEW_ACCESS_TOKEN', 'X-WOPI-WopiSrc': wopiSrc },
  });
  const fileToken = fresh.json().AccessTokenInfo.AccessToken as string;
  expect((await host.https('GET', `${wopiSrc}?access_token=${fileToken}`, { headers: { 'User-Agent': word } })).status).toBe(200);
  expect((await host.https('GET', `${wopiSrc}/contents?access_token=${fileToken}`, { headers: { 'User-Agent': word } })).status).toBe(200);
  return { fileId: decodeURIComponent(new URL(wopiSrc).pathname.split('/').pop()!) };
}

const steps = (ui: Page) => ui.getByRole('group', { name: 'Steps' }).getByRole('link');

test('a real sign-in flow appears as lanes and steps, and a step opens its request in the Live log', async ({ ui, host }) => {
  await openScreen(ui, 'Flow');
  await expect(ui.getByText('Waiting for a client.')).toBeVisible();
  const { fileId } = await runSignInFlow(ui, host);
  const entries = (await host.admin('GET', '/api/log')).json<{ entries: LogEntry[] }>().entries.filter((e) => e.operation !== 'Unknown');
  const seqOf = (operation: string, nth = 0) => entries.filter((e) => e.operation === operation)[nth]!.seq;

  const chrome = describeClient(
    entries.find((e) => e.operation === 'Authorize')!.requestHeaders.find((h) => h.name.toLowerCase() === 'user-agent')!.value,
  );
  expect(chrome).toMatch(/^Chrome \d+( \(headless\))?$/);
  const participants = ui.getByRole('list', { name: 'Participants' }).getByRole('listitem');
  await expect(participants.locator('strong')).toHaveText([
    'Word 1.22',
    chrome,
    'Office Identity Service',
    'Bootstrapper',
    'OAuth',
    'WOPI',
  ]);
  await expect(participants.nth(0)).toContainText('alice');
  await expect(participants.nth(2)).toContainText('alice');

  const expected = [
    `#${seqOf('Bootstrap', 0)} Bootstrap (no token): 401 · Bearer challenge`,
    `#${seqOf('Authorize', 0)} Sign-in page: 200`,
    `#${seqOf('Authorize', 1)} Sign in: 302 · code · alice`,
    `#${seqOf('Token')} Code → tokens: 200 · alice`,
    `#${seqOf('Bootstrap', 1)} Bootstrap (signed in): 200 · alice`,
    `#${seqOf('GetRootContainer(bootstrapper)')} GetRootContainer: 200 · alice`,
    `#${seqOf('EnumerateChildren')} EnumerateChildren: 200`,
    `#${seqOf('GetNewAccessToken')} GetNewAccessToken: 200 · WOPI token for file:${fileId}`,
    `#${seqOf('CheckFileInfo')} CheckFileInfo: 200`,
    `#${seqOf('GetFile')} GetFile: 200`,
  ];
  await expect(steps(ui)).toHaveCount(expected.length);
  for (const [i, label] of expected.entries()) await expect(steps(ui).nth(i)).toHaveAccessibleName(label);
  await expect(ui.getByTestId('flow-count')).toHaveText('10 steps · 3 clients');
  // Steps that arrive while the screen is open animate in; each lane's arrows start at its lifeline.
  await expect(steps(ui).first()).toHaveClass(/arriving/);
  await expect(steps(ui).first()).toHaveClass(/phase-sign-in/);
  await expect(steps(ui).last()).toHaveClass(/phase-files/);
  await saveScreenshot(ui, 'flow');

  const gnat = seqOf('GetNewAccessToken');
  await steps(ui).nth(7).click();
  await expect(ui.getByRole('heading', { level: 1, name: 'Live log' })).toBeVisible();
  const detail = ui.getByRole('region', { name: `Request ${gnat} details` });
  await expect(detail.getByRole('heading', { level: 2 })).toHaveText(`GetNewAccessToken #${gnat}`);
  await expect(ui.locator(`.log-body-row[data-seq="${gnat}"]`)).toHaveAttribute('aria-selected', 'true');
  const handedOut = detail
    .getByRole('table', { name: 'Decoded tokens' })
    .getByRole('row')
    .filter({ hasText: 'AccessTokenInfo.AccessToken' });
  await expect(handedOut.getByRole('cell').nth(1)).toHaveText('wopi');
  await expect(handedOut.getByRole('cell').nth(3)).toHaveText(`file:${fileId}`);
});

test('clear starts the diagram afresh; the next request is its first step', async ({ ui, host }) => {
  await host.https('GET', '/wopibootstrapper');
  await host.https('GET', '/wopibootstrapper');
  await openScreen(ui, 'Flow');
  await expect(steps(ui)).toHaveCount(2);
  // Steps that were there before the screen opened do not animate.
  await expect(steps(ui).first()).not.toHaveClass(/arriving/);
  await ui.getByRole('button', { name: 'Clear diagram' }).click();
  await expect(ui.getByText('Waiting for a client.')).toBeVisible();
  await expect(ui.getByTestId('flow-count')).toHaveText('0 steps · 0 clients');
  await host.https('GET', '/wopibootstrapper', { headers: { 'User-Agent': 'curl/8.5.0' } });
  await expect(steps(ui)).toHaveCount(1);
  await expect(ui.getByRole('list', { name: 'Participants' }).getByRole('listitem').first().locator('strong')).toHaveText('curl 8.5.0');
  // The log itself keeps everything.
  await openScreen(ui, 'Live log');
  await expect(ui.getByTestId('log-count')).toHaveText('3 requests');
});

test.describe('flow model', () => {
  // The UI's model holds summaries, as the stream sends them.
  const entry = (seq: number, overrides: Partial<LogEntry>): LogSummary =>
    summarizeEntry({
      seq,
      time: '2026-11-23T18:00:00.000Z',
      operation: 'Bootstrap',
      url: '/wopibootstrapper',
      status: 401,
      remoteAddress: '192.168.1.31',
      requestHeaders: [{ name: 'User-Agent', value: word }],
      ...overrides,
    });

  test('clients are named from their user agents', () => {
    const table: Array<[string, string]> = [
      [word, 'Word 1.22'],
      ['Excel/2.80 CFNetwork/1490 Darwin/23.2.0', 'Excel 2.80'],
      [identityService, 'Office Identity Service'],
      ['Microsoft Office WOPI Validator/1.0', 'WOPI validator'],
      [
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36',
        'Chrome 140 (headless)',
      ],
      [
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36 Edg/139.0.0.0',
        'Edge 139',
      ],
      [
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
        'Safari 17.5',
      ],
      ['curl/8.5.0', 'curl 8.5.0'],
      ['node', 'Node.js'],
      ['', 'Client without User-Agent'],
      ['SomeTool/3 (x)', 'SomeTool'],
    ];
    for (const [userAgent, name] of table) expect(describeClient(userAgent), userAgent).toBe(name);
  });

  test('steps per lane, unknown paths left out, forced faults marked, bursts not animated, capped', () => {
    const store = new LogStore();
    const flow = new FlowModel(4);
    store.append([
      entry(1, { faultId: 'f-1' }),
      entry(2, { url: '/favicon.ico', operation: 'Unknown', status: 404 }),
      entry(3, {
        operation: 'Authorize',
        url: '/oauth/authorize?x=1',
        status: 200,
        requestHeaders: [{ name: 'user-agent', value: 'curl/8.5.0' }],
      }),
    ]);
    flow.sync(store);
    expect(flow.steps.map((s) => [s.seq, s.ordinal, s.target, s.title, s.result, s.faultId, s.burst])).toEqual([
      [1, 0, 'bootstrapper', 'Bootstrap (no token)', '401 · Bearer challenge', 'f-1', false],
      [3, 1, 'oauth', 'Sign-in page', '200', null, false],
    ]);
    expect(flow.lanes.map((l) => [l.label, l.remoteAddress])).toEqual([
      ['Word 1.22', '192.168.1.31'],
      ['curl 8.5.0', '192.168.1.31'],
    ]);
    store.append(
      Array.from({ length: 7 }, (_, i) => entry(4 + i, { operation: 'CheckFileInfo', url: '/wopi/files/f', status: 200, userId: 'bob' })),
    );
    flow.sync(store);
    expect(flow.steps.map((s) => [s.seq, s.ordinal, s.burst])).toEqual([
      [7, 5, true],
      [8, 6, true],
      [9, 7, true],
      [10, 8, true],
    ]);
    expect(flow.firstOrdinal).toBe(5);
    expect(flow.lanes.map((l) => [l.label, l.users])).toEqual([['Word 1.22', ['bob']]]);
    flow.clear(store);
    expect(flow.steps).toEqual([]);
    expect(flow.lanes).toEqual([]);
    store.append([entry(11, {})]);
    flow.sync(store);
    expect(flow.steps.map((s) => s.seq)).toEqual([11]);
  });

  test('an entry without a recorded address joins the lane of its user agent', () => {
    const store = new LogStore();
    const flow = new FlowModel();
    const curl = [{ name: 'User-Agent', value: 'curl/8.5.0' }];
    store.append([
      entry(1, { remoteAddress: '', requestHeaders: curl }),
      entry(2, { remoteAddress: '10.0.0.7', requestHeaders: curl }),
      entry(3, { remoteAddress: '', requestHeaders: curl }),
      entry(4, { remoteAddress: '10.0.0.8', requestHeaders: curl }),
      entry(5, { remoteAddress: '' }),
    ]);
    flow.sync(store);
    expect(flow.lanes.map((l) => [l.label, l.remoteAddress])).toEqual([
      ['curl 8.5.0', '10.0.0.7'],
      ['curl 8.5.0', '10.0.0.8'],
      ['Word 1.22', ''],
    ]);
    expect(flow.steps.map((s) => flow.lanes.findIndex((l) => l.key === s.lane))).toEqual([0, 0, 0, 1, 2]);
  });
});
