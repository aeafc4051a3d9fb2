import { readFile } from 'node:fs/promises';
import { Agent, request as httpsRequest } from 'node:https';
import type { Page } from '@playwright/test';
import type { LogEntry, LogSummary } from '../mock-server/log/entry.js';
import { summarize } from '../mock-server/log/summary.js';
import { logEntry } from '../test-support/entry-fixture.js';
import { expect, openScreen, saveScreenshot, startHost, test, type Host } from './fixtures.js';
import { FrameQueue, type FrameScheduler } from '../renderer/src/model/frame-queue.js';
import { LogStore } from '../renderer/src/model/log-store.js';
import { FilteredView, noFilter } from '../renderer/src/model/log-filter.js';

/** A fixture entry as the UI's model holds it: summarized, as the stream sends it. */
const summarizeEntry = (overrides: Partial<LogEntry>): LogSummary => summarize(logEntry(overrides));

/** The Live log screen against real HTTPS traffic, and the model behind it. */

const expectedChallenge = (origin: string) =>
  `Bearer authorization_uri="${origin}/oauth/authorize",tokenIssuance_uri="${origin}/oauth/token",providerId="WopiMockHost"`;

async function logEntries(host: Host, after = 0): Promise<LogEntry[]> {
  return (await host.admin('GET', `/api/log?after=${after}`)).json<{ entries: LogEntry[] }>().entries;
}

/** Forces the next Bootstrap to 401 from the Faults screen, as a user would; the rule's id. */
async function forceOneBootstrap401(ui: Page, host: Host): Promise<string> {
  await openScreen(ui, 'Faults');
  await ui.getByLabel('Force 401 on Bootstrap: how long').selectOption('count');
  await ui.getByLabel('Force 401 on Bootstrap: number of requests').fill('1');
  // Named by the case, then its visible On/Off.
  const toggle = ui.getByRole('button', { name: /^Force 401 on Bootstrap (On|Off)$/ });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  const { faults } = (await host.admin('GET', '/api/faults')).json<{
    faults: Array<{ id: string; operation: string; status: number; remaining?: number }>;
  }>();
  expect(faults).toHaveLength(1);
  expect(faults[0]).toMatchObject({ operation: 'Bootstrap', status: 401, remaining: 1 });
  return faults[0]!.id;
}

const row = (ui: Page, seq: number) => ui.locator(`.log-body-row[data-seq="${seq}"]`);

test('a forced 401 on Bootstrap and the next, successful Bootstrap both show within a second; the first with its fault', async ({
  ui,
  host,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.adminUrl });
  // A realistic start for the screenshot: an unauthenticated Bootstrap, then a sign-in.
  await host.https('GET', '/wopibootstrapper', { headers: { 'User-Agent': 'Word/1.22.16051600 CFNetwork/758.2.8 Darwin/15.4.0' } });
  const { accessToken } = await host.signIn('alice');
  const faultId = await forceOneBootstrap401(ui, host);
  await openScreen(ui, 'Live log');
  const before = (await logEntries(host)).at(-1)!.seq;

  const auth = { Authorization: `Bearer ${accessToken}`, 'User-Agent': 'Microsoft Office Identity Service' };
  const forced = await host.https('GET', '/wopibootstrapper', { headers: auth });
  expect(forced.status).toBe(401);
  expect(forced.headers['www-authenticate']).toEqual([expectedChallenge(host.origin)]);
  await expect(row(ui, before + 1)).toBeVisible({ timeout: 1000 });
  const next = await host.https('GET', '/wopibootstrapper', { headers: auth });
  expect(next.status).toBe(200);
  expect(next.json().Bootstrap.UserId).toBe('alice');
  await expect(row(ui, before + 2)).toBeVisible({ timeout: 1000 });

  const cells = (seq: number) => row(ui, seq).getByRole('cell');
  await expect(cells(before + 1)).toHaveText([
    /\d\d:\d\d:\d\d\.\d{3}/,
    'Bootstrap',
    'GET',
    '/wopibootstrapper',
    '401',
    'alice',
    /ms$/,
    'fault',
  ]);
  await expect(cells(before + 2)).toHaveText([/\d\d:\d\d:\d\d\.\d{3}/, 'Bootstrap', 'GET', '/wopibootstrapper', '200', 'alice', /ms$/, '']);
  await expect(row(ui, before + 1)).toHaveClass(/status-4xx/);
  await expect(row(ui, before + 2)).toHaveClass(/status-2xx/);

  // The detail pane: the fault, the reason, the challenge split into its parameters, the token decoded.
  await row(ui, before + 1).click();
  const detail = ui.getByRole('region', { name: `Request ${before + 1} details` });
  await expect(detail.getByRole('heading', { level: 2 })).toHaveText(`Bootstrap #${before + 1}`);
  await expect(detail.getByText(`fault ${faultId}`)).toBeVisible();
  await expect(detail.locator('.notes li')).toHaveText([`forced by fault rule ${faultId}: Answer 401 on Bootstrap, for the next request`]);
  const parameters = detail.getByRole('table', { name: 'Challenge parameters' }).getByRole('row');
  await expect(parameters).toHaveText([
    'schemeBearer',
    `authorization_uri${host.origin}/oauth/authorize`,
    `tokenIssuance_uri${host.origin}/oauth/token`,
    'providerIdWopiMockHost',
  ]);
  const tokenRows = detail.getByRole('table', { name: 'Decoded tokens' }).getByRole('row');
  await expect(tokenRows).toHaveCount(2);
  await expect(tokenRows.nth(1).getByRole('cell')).toHaveText([
    'sentAuthorization header',
    'access',
    'alice',
    'office-mobile',
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/,
    /valid for (59 min|1 h)/,
  ]);
  await expect(detail.getByText('Nothing in this exchange breaks the rules in the spec.')).toBeVisible();
  await expect(detail.getByRole('table', { name: 'Response headers' })).toContainText(expectedChallenge(host.origin));
  await saveScreenshot(ui, 'log');

  await detail.getByRole('button', { name: 'Copy as curl' }).click();
  const curl = [
    'curl \\',
    `  --cacert '${host.engine.urls.caCertificatePath}' \\`,
    `  -H 'Authorization: Bearer ${accessToken}' \\`,
    `  -H 'User-Agent: Microsoft Office Identity Service' \\`,
    `  '${host.origin}/wopibootstrapper'`,
  ].join('\n');
  await expect(detail.getByTestId('curl-command')).toHaveText(curl);
  expect(await ui.evaluate(() => navigator.clipboard.readText())).toBe(curl);
});

test('spec warnings explain traffic that breaks the rules', async ({ ui, host }) => {
  const config = (await host.admin('GET', '/api/config')).json();
  expect(
    (await host.admin('PUT', '/api/config', { ...config, compatibility: { ...config.compatibility, expiresInAsString: true } })).status,
  ).toBe(200);
  await openScreen(ui, 'Live log');
  await host.signIn('bob');
  const token = (await logEntries(host)).find((e) => e.operation === 'Token')!;
  await row(ui, token.seq).click();
  const warning = ui.getByRole('region', { name: `Request ${token.seq} details` }).locator('.spec-warning');
  await expect(warning).toHaveCount(1);
  await expect(warning).toHaveAttribute('data-rule', 'expires-in-not-number');
  await expect(warning).toContainText(
    'expires_in is "3600", not a JSON number; clients such as WOPIAuth then treat the token as never expiring.',
  );
  await expect(warning.locator('.spec-title')).toHaveText('expires_in is a JSON number of seconds');
  const links = warning.locator('.spec-source a');
  await expect(links).toHaveText(['Token issuance (Microsoft 365 for mobile)', 'WOPIAuth: how the token response is read']);
  await expect(links.first()).toHaveAttribute(
    'href',
    'https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/mobile/identity/tokenissuance',
  );
});

test('export HAR downloads the log as HAR 1.2; clear empties the engine log and the table', async ({ ui, host }) => {
  await openScreen(ui, 'Live log');
  await host.https('GET', '/wopibootstrapper');
  const { accessToken } = await host.signIn('alice');
  await host.https('GET', '/wopibootstrapper', { headers: { Authorization: `Bearer ${accessToken}` } });
  const entries = await logEntries(host);
  expect(entries.map((e) => `${e.operation} ${e.status}`)).toEqual(['Bootstrap 401', 'Authorize 302', 'Token 200', 'Bootstrap 200']);
  await expect(ui.getByTestId('log-count')).toHaveText('4 requests');

  const [download] = await Promise.all([ui.waitForEvent('download'), ui.getByRole('button', { name: 'Export HAR' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^wopi-mock-host-.*\.har$/);
  const har = JSON.parse(await readFile(await download.path(), 'utf8'));
  expect(har.log.version).toBe('1.2');
  expect(har.log.creator).toEqual({ name: 'WOPI Mock Host', version: host.engine.status().version });
  expect(har.log.entries).toHaveLength(4);
  for (const [i, harEntry] of (har.log.entries as any[]).entries()) {
    const entry = entries[i]!;
    expect(Object.keys(harEntry)).toEqual(expect.arrayContaining(['startedDateTime', 'time', 'request', 'response', 'cache', 'timings']));
    expect(harEntry.startedDateTime).toBe(entry.time);
    expect(harEntry.time).toBe(entry.durationMs);
    expect(harEntry.request).toMatchObject({
      method: entry.method,
      url: host.origin + entry.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headersSize: -1,
    });
    expect(Array.isArray(harEntry.request.headers) && Array.isArray(harEntry.request.queryString)).toBe(true);
    expect(typeof harEntry.request.bodySize).toBe('number');
    expect(harEntry.response).toMatchObject({ status: entry.status, httpVersion: 'HTTP/1.1', cookies: [], headersSize: -1 });
    expect(typeof harEntry.response.statusText).toBe('string');
    expect(typeof harEntry.response.redirectURL).toBe('string');
    expect(typeof harEntry.response.content.size).toBe('number');
    expect(typeof harEntry.response.content.mimeType).toBe('string');
    for (const phase of ['send', 'wait', 'receive']) expect(typeof harEntry.timings[phase]).toBe('number');
    expect(harEntry._seq).toBe(entry.seq);
    expect(harEntry._operation).toBe(entry.operation);
  }
  expect(har.log.entries[2].response.content.mimeType).toMatch(/^application\/json/);
  expect(har.log.entries[1].response.redirectURL).toMatch(/^https:\/\/localhost\/\?code=/);

  await ui.getByRole('button', { name: 'Clear' }).click();
  await expect(ui.getByTestId('log-count')).toHaveText('0 requests');
  await expect(ui.locator('.log-body-row')).toHaveCount(0);
  expect(await logEntries(host)).toEqual([]);
  // Numbering goes on after a clear, and the table follows.
  await host.https('GET', '/wopibootstrapper');
  await expect(row(ui, entries.at(-1)!.seq + 1)).toBeVisible();
  await expect(ui.getByTestId('log-count')).toHaveText('1 request');
});

test('stays usable after 20,000 real requests: filter, scroll to the end, open a detail, only a window of rows in the DOM', async ({
  ui,
  host,
}) => {
  test.setTimeout(180_000);
  await openScreen(ui, 'Live log');
  const { accessToken } = await host.signIn('bob');
  await expect(ui.getByTestId('log-count')).toHaveText('2 requests');

  // 20,000 requests over keep-alive HTTPS, 64 at a time: every 10th authenticated as bob.
  const total = 20_000;
  const agent = new Agent({ keepAlive: true, maxSockets: 64, ca: host.ca });
  const port = Number(new URL(host.origin).port);
  const send = (i: number) =>
    new Promise<number>((resolve, reject) => {
      const headers: Record<string, string> = { host: `localhost:${port}` };
      if (i % 10 === 0) headers['authorization'] = `Bearer ${accessToken}`;
      const req = httpsRequest(
        { host: '127.0.0.1', port, servername: 'localhost', path: `/wopibootstrapper?n=${i}`, method: 'GET', headers, agent },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
  let next = 0;
  const statuses: number[] = [];
  const started = Date.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < total) statuses.push(await send(next++));
    }),
  );
  agent.destroy();
  console.log(`sent ${total} requests in ${Date.now() - started} ms`);
  expect(statuses.filter((s) => s === 200)).toHaveLength(total / 10);
  expect(statuses.filter((s) => s === 401)).toHaveLength(total - total / 10);

  await expect(ui.getByTestId('log-count')).toHaveText('20,002 requests', { timeout: 20_000 });
  const rowsInDom = async () => ui.locator('.log-body-row').count();
  expect(await rowsInDom()).toBeLessThan(60);

  // Filter: bob's requests are the 2,000 authenticated ones plus the sign-in (authorize and token).
  await ui.getByLabel('User').selectOption('bob');
  await expect(ui.getByTestId('log-count')).toHaveText('2,002 of 20,002 requests');
  await ui.getByLabel('Search').fill('n=19990');
  await expect(ui.getByTestId('log-count')).toHaveText('1 of 20,002 requests');
  await expect(ui.locator('.log-body-row')).toHaveCount(1);
  await expect(ui.locator('.log-body-row').getByRole('cell').nth(3)).toHaveText('/wopibootstrapper?n=19990');
  await ui.getByLabel('Search').fill('');
  await ui.getByLabel('User').selectOption('');
  await expect(ui.getByTestId('log-count')).toHaveText('20,002 requests');

  // Scroll to the end from the keyboard and open the newest request.
  const last = (await logEntries(host)).at(-1)!;
  await ui.getByTestId('log-scroll').focus();
  await ui.keyboard.press('Home');
  await expect(ui.locator('.log-body-row.selected')).toHaveAttribute('data-seq', '1');
  await ui.keyboard.press('End');
  await expect(ui.locator('.log-body-row.selected')).toHaveAttribute('data-seq', String(last.seq));
  await expect(ui.getByRole('region', { name: `Request ${last.seq} details` }).locator('.detail-url')).toHaveText(`GET ${last.url}`);
  const scroll = await ui
    .getByTestId('log-scroll')
    .evaluate((el) => ({ top: el.scrollTop, height: el.scrollHeight, client: el.clientHeight }));
  expect(scroll.top + scroll.client).toBeGreaterThanOrEqual(scroll.height - 1);
  expect(scroll.height).toBe(20_002 * 30);
  expect(await rowsInDom()).toBeLessThan(60);
});

test.describe('log model', () => {
  // The UI's model holds summaries, as the stream sends them.
  const entry = (seq: number, overrides: Partial<LogEntry> = {}): LogSummary =>
    summarizeEntry({
      seq,
      time: '2026-11-23T18:00:00.000Z',
      operation: 'Bootstrap',
      url: `/wopibootstrapper?n=${seq}`,
      status: 401,
      remoteAddress: '127.0.0.1',
      ...overrides,
    });

  /** A scheduler whose frames and timers run only when the test says so. */
  function manualScheduler() {
    const frames = new Set<() => void>();
    const timers = new Set<() => void>();
    const scheduler: FrameScheduler = {
      nextFrame: (callback) => (frames.add(callback), () => frames.delete(callback)),
      after: (_ms, callback) => (timers.add(callback), () => timers.delete(callback)),
    };
    const run = (set: Set<() => void>) => {
      const callbacks = [...set];
      set.clear();
      for (const callback of callbacks) callback();
    };
    return { scheduler, frame: () => run(frames), timer: () => run(timers), pending: () => frames.size + timers.size };
  }

  test('the frame queue hands on one batch per frame, in slices, with the timer as a floor', () => {
    const clock = manualScheduler();
    const batches: number[][] = [];
    const queue = new FrameQueue<number>((batch) => batches.push(batch), { maxPerFlush: 3, floorMs: 250, scheduler: clock.scheduler });
    queue.push([1, 2]);
    queue.push([3, 4, 5, 6, 7]);
    expect(batches).toEqual([]);
    expect(clock.pending()).toBe(2);
    clock.frame();
    expect(batches).toEqual([[1, 2, 3]]);
    // A hidden tab: no frame comes, the floor timer flushes the next slice.
    clock.timer();
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    clock.frame();
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(clock.pending()).toBe(0);
    queue.push([8]);
    queue.discard();
    clock.frame();
    expect(batches).toHaveLength(3);
  });

  test('the store skips entries it has seen, caps from the front and counts versions per batch', () => {
    const store = new LogStore(5);
    const versions: number[] = [];
    store.subscribe(() => versions.push(store.version));
    store.append([entry(1), entry(2), entry(3)]);
    store.append([entry(2), entry(3)]);
    store.append([entry(4), entry(5), entry(6), entry(7)]);
    expect(versions).toEqual([1, 2]);
    expect(store.size).toBe(5);
    expect([store.at(0)!.seq, store.at(4)!.seq, store.oldestSeq, store.evicted, store.lastSeq]).toEqual([3, 7, 3, 2, 7]);
    expect(store.find(2)).toBeUndefined();
    expect(store.find(6)!.seq).toBe(6);
    expect(store.indexAfter(4)).toBe(2);
    // Many more than the capacity: the dead front is compacted and the order kept.
    store.append(Array.from({ length: 23 }, (_, i) => entry(8 + i)));
    expect(Array.from({ length: store.size }, (_, i) => store.at(i)!.seq)).toEqual([26, 27, 28, 29, 30]);
    store.clear(42);
    expect([store.size, store.lastSeq, store.epoch]).toEqual([0, 42, 1]);
    store.append([entry(40), entry(43)]);
    expect(store.at(0)!.seq).toBe(43);
  });

  test('a restarted engine (numbering from 1 again, later times) replaces what the store held', () => {
    const store = new LogStore();
    store.append([entry(1), entry(2), entry(3)]);
    // A replay of the same run changes nothing.
    store.append([entry(2), entry(3)]);
    expect([store.size, store.epoch]).toEqual([3, 0]);
    store.append([entry(1, { time: '2026-11-23T18:05:00.000Z' }), entry(2, { time: '2026-11-23T18:05:01.000Z' })]);
    expect([store.size, store.epoch, store.lastSeq, store.at(0)!.time]).toEqual([2, 1, 2, '2026-11-23T18:05:00.000Z']);
  });

  test('a filtered view tests only new entries and drops evicted ones', () => {
    const store = new LogStore(6);
    const view = new FilteredView(store, { ...noFilter, userId: 'bob' });
    store.append([entry(1, { userId: 'bob' }), entry(2), entry(3, { userId: 'bob', status: 200 })]);
    view.sync();
    expect(Array.from({ length: view.size }, (_, i) => view.at(i)!.seq)).toEqual([1, 3]);
    store.append([entry(4), entry(5, { userId: 'bob' }), entry(6), entry(7), entry(8, { userId: 'bob' })]);
    view.sync();
    expect(Array.from({ length: view.size }, (_, i) => view.at(i)!.seq)).toEqual([3, 5, 8]);
    expect([view.indexOfSeq(5), view.indexOfSeq(4), view.indexOfSeq(1)]).toEqual([1, -1, -1]);
    const text = new FilteredView(store, { ...noFilter, text: 'N=7' });
    text.sync();
    expect(text.size).toBe(1);
    const status = new FilteredView(store, { ...noFilter, statusClass: '2xx' });
    status.sync();
    expect(status.at(0)!.seq).toBe(3);
    store.clear();
    view.sync();
    expect(view.size).toBe(0);
  });
});

test('behind --proxy-to, the Live log badges what the upstream answered, and a fault rule fired on forwarded traffic shows both marks', async ({
  page,
}) => {
  const upstream = await startHost();
  const proxy = await startHost({ proxyTo: { upstream: upstream.origin, ca: upstream.ca } });
  try {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(proxy.uiUrl);
    await openScreen(page, 'Live log');
    const before = proxy.engine.log.lastSeq;
    expect((await proxy.https('GET', '/wopibootstrapper')).status).toBe(401);
    await expect(
      row(page, before + 1)
        .getByRole('cell')
        .last(),
    ).toHaveText('proxy');
    await expect(row(page, before + 1).locator('.badge-proxy')).toHaveAttribute(
      'title',
      `Forwarded to ${upstream.origin}: its answer, not the mock's`,
    );

    const added = await proxy.admin('POST', '/api/faults', { operation: 'Bootstrap', status: 503, retryAfter: 30, remaining: 1 });
    expect(added.status).toBe(201);
    const upstreamSeen = upstream.engine.log.lastSeq;
    const forced = await proxy.https('GET', '/wopibootstrapper');
    expect([forced.status, forced.headers['retry-after']]).toEqual([503, ['30']]);
    expect(upstream.engine.log.lastSeq).toBe(upstreamSeen);
    await expect(row(page, before + 2).getByRole('cell')).toHaveText([
      /\d\d:\d\d:\d\d\.\d{3}/,
      'Bootstrap',
      'GET',
      '/wopibootstrapper',
      '503',
      '',
      /ms$/,
      'proxyfault',
    ]);
  } finally {
    await proxy.close();
    await upstream.close();
  }
});
