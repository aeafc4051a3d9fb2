import type { Page } from '@playwright/test';
import { EcosystemOperation, Route, WopiHeader, WopiOverride } from '../dist/mock-server/protocol/headers.js';
import { expect, openScreen, saveScreenshot, test, type Host } from './fixtures.js';

/** The Files screen against real WOPI traffic: what is uploaded here is what GetFile serves. */

interface ChildFile {
  Name: string;
  Url: string;
  Size: number;
}

/** Signs in over HTTPS and browses alice's root as Office would; `open(name)` gets a file's WOPI token. */
async function browseAs(host: Host, userId: string) {
  const { accessToken } = await host.signIn(userId);
  const bearer = { Authorization: `Bearer ${accessToken}` };
  const root = await host.https('POST', Route.Bootstrapper, {
    headers: { ...bearer, [WopiHeader.EcosystemOperation]: EcosystemOperation.GetRootContainer },
  });
  expect(root.status).toBe(200);
  const rootUrl = new URL(root.json().RootContainerInfo.ContainerPointer.Url);
  const children = async (): Promise<ChildFile[]> => {
    const url = new URL(rootUrl);
    url.pathname += '/children';
    return (await host.https('GET', url.href)).json().ChildFiles;
  };
  const open = async (name: string) => {
    const file = (await children()).find((f) => f.Name === name);
    if (!file) throw new Error(`${name} is not among ${userId}'s files`);
    const wopiSrc = file.Url.split('?')[0]!;
    const fresh = await host.https('POST', Route.Bootstrapper, {
      headers: { ...bearer, [WopiHeader.EcosystemOperation]: EcosystemOperation.GetNewAccessToken, [WopiHeader.WopiSrc]: wopiSrc },
    });
    expect(fresh.status).toBe(200);
    const token = encodeURIComponent(fresh.json().AccessTokenInfo.AccessToken);
    return {
      wopiSrc,
      id: decodeURIComponent(new URL(wopiSrc).pathname.split('/').pop()!),
      getFile: () => host.https('GET', `${wopiSrc}/contents?access_token=${token}`),
      checkFileInfo: () => host.https('GET', `${wopiSrc}?access_token=${token}`),
      putFile: (body: string, lockId: string) =>
        host.https('POST', `${wopiSrc}/contents?access_token=${token}`, {
          headers: { [WopiHeader.Override]: WopiOverride.Put, [WopiHeader.Lock]: lockId },
          body,
        }),
      override: (override: string, headers: Record<string, string> = {}) =>
        host.https('POST', `${wopiSrc}?access_token=${token}`, { headers: { [WopiHeader.Override]: override, ...headers } }),
    };
  };
  return { children, open };
}

const filesOf = (ui: Page, userId: string) => ui.getByRole('article', { name: `Files of ${userId}` });
const fileRow = (ui: Page, userId: string, name: string) => filesOf(ui, userId).getByRole('row', { name, exact: true });

test('upload by file picker and by drag and drop: the files are served by real GetFile; delete removes one', async ({ ui, host }) => {
  const alice = await browseAs(host, 'alice');
  await openScreen(ui, 'Files');
  const seeded = filesOf(ui, 'alice').getByRole('table', { name: 'Files in Documents (alice)' }).getByRole('row');
  await expect(seeded.locator('th[scope=row]')).toHaveText(['Budget.xlsx', 'Pitch deck.pptx', 'Welcome.docx']);

  // File picker.
  const report = Buffer.from('Quarterly report\nrevenue: 42\n');
  await filesOf(ui, 'alice')
    .getByLabel('Upload to Documents (alice)')
    .setInputFiles({ name: 'Report.txt', mimeType: 'text/plain', buffer: report });
  await expect(fileRow(ui, 'alice', 'Report.txt')).toBeVisible();
  await expect(fileRow(ui, 'alice', 'Report.txt').getByRole('cell')).toHaveText([
    '29 B',
    '1',
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/,
    'unlocked',
    /Download\s*Delete/,
  ]);
  const opened = await alice.open('Report.txt');
  const served = await opened.getFile();
  expect(served.status).toBe(200);
  expect(served.text).toBe(report.toString('utf8'));

  // Drag and drop onto the folder: a real drop event carrying a File.
  const dropped = 'Notes dropped on the folder.\n';
  const dataTransfer = await ui.evaluateHandle((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'Dropped notes.txt', { type: 'text/plain' }));
    return transfer;
  }, dropped);
  const zone = filesOf(ui, 'alice').getByRole('region', { name: 'Folder Documents (alice)' });
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await expect(zone).toHaveClass(/dragging/);
  await zone.dispatchEvent('drop', { dataTransfer });
  await expect(fileRow(ui, 'alice', 'Dropped notes.txt')).toBeVisible();
  await expect(zone).not.toHaveClass(/dragging/);
  expect((await (await alice.open('Dropped notes.txt')).getFile()).text).toBe(dropped);

  // The same name again is a conflict the screen explains and offers to resolve.
  await filesOf(ui, 'alice')
    .getByLabel('Upload to Documents (alice)')
    .setInputFiles({ name: 'Report.txt', mimeType: 'text/plain', buffer: Buffer.from('v2') });
  await expect(zone.getByRole('alert')).toContainText('a file named "Report.txt" exists already');
  await zone.getByRole('button', { name: 'Replace Report.txt' }).click();
  await expect(fileRow(ui, 'alice', 'Report.txt').getByRole('cell').nth(1)).toHaveText('2');
  expect((await opened.getFile()).text).toBe('v2');

  // Delete asks once more, then the file is gone for WOPI clients too.
  await fileRow(ui, 'alice', 'Report.txt').getByRole('button', { name: 'Delete Report.txt' }).click();
  await fileRow(ui, 'alice', 'Report.txt').getByRole('button', { name: 'Confirm deleting Report.txt' }).click();
  await expect(fileRow(ui, 'alice', 'Report.txt')).toHaveCount(0);
  expect((await opened.checkFileInfo()).status).toBe(404);
  expect((await alice.children()).map((f) => f.Name)).toEqual(['Budget.xlsx', 'Dropped notes.txt', 'Pitch deck.pptx', 'Welcome.docx']);
});

test('a lock taken by a WOPI client shows up live and can be cleared', async ({ ui, host }) => {
  const alice = await browseAs(host, 'alice');
  await browseAs(host, 'bob');
  await openScreen(ui, 'Files');
  await expect(fileRow(ui, 'alice', 'Welcome.docx')).toContainText('unlocked');

  const welcome = await alice.open('Welcome.docx');
  const lockId = '{"S":"0136ad16-office-mobile"}';
  const locked = await welcome.override(WopiOverride.Lock, { [WopiHeader.Lock]: lockId });
  expect(locked.status).toBe(200);
  const lockCell = fileRow(ui, 'alice', 'Welcome.docx').getByRole('cell').nth(3);
  await expect(lockCell).toContainText('locked', { timeout: 2000 });
  await expect(lockCell.locator('.lock-id')).toHaveText(lockId);
  await expect(lockCell).toContainText(/expires in (30 min|29 min \d+ s)/);
  await saveScreenshot(ui, 'files');

  await fileRow(ui, 'alice', 'Welcome.docx').getByRole('button', { name: 'Clear lock on Welcome.docx' }).click();
  await expect(lockCell).toHaveText('unlocked');
  const getLock = await welcome.override(WopiOverride.GetLock);
  expect(getLock.status).toBe(200);
  expect(getLock.headers[WopiHeader.Lock]).toEqual(['']);
});

test('"Another editor → take the lock" in the UI: the client’s next PutFile with its own lock gets 409 with the other lock', async ({
  ui,
  host,
}) => {
  const alice = await browseAs(host, 'alice');
  const welcome = await alice.open('Welcome.docx');
  const ownLock = '{"S":"client-own-lock"}';
  expect((await welcome.override(WopiOverride.Lock, { [WopiHeader.Lock]: ownLock })).status).toBe(200);
  await openScreen(ui, 'Files');
  const row = fileRow(ui, 'alice', 'Welcome.docx');
  await expect(row.locator('.lock-id')).toHaveText(ownLock);

  await row.getByRole('combobox', { name: 'Another editor action on Welcome.docx' }).selectOption({ label: 'take the lock' });
  await row.getByRole('button', { name: 'Act as another editor on Welcome.docx' }).click();
  const shown = row.getByTestId('another-editor-lock');
  await expect(row.getByRole('status')).toContainText('Another editor holds lock another-editor-');
  const otherLock = await shown.innerText();
  expect(otherLock).toMatch(/^another-editor-[0-9a-f]{8}$/);
  await expect(row.locator('.lock-id')).toHaveText(otherLock);

  const refused = await welcome.putFile('my edit', ownLock);
  expect(refused.status).toBe(409);
  expect(refused.headers[WopiHeader.Lock]).toEqual([otherLock]);
  // The content was not replaced.
  expect((await welcome.getFile()).text).not.toBe('my edit');
});
