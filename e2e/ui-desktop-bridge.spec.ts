import type { DesktopBridge } from '../main/desktop-bridge.js';
import { expect, openScreen, test } from './fixtures.js';

/*
 * In the desktop window the preload (main/preload.cts) gives the page `window.wopiDesktop`; the
 * UI then saves the HAR through the native dialog and opens the data folder in the OS. Here a
 * stand-in bridge records the calls; without one (every other spec) the browser fallbacks run.
 */

declare global {
  interface Window {
    desktopCalls: string[];
    wopiDesktop?: DesktopBridge;
  }
}

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    window.desktopCalls = [];
    window.wopiDesktop = {
      exportHar: () => {
        window.desktopCalls.push('exportHar');
        return Promise.resolve('/home/qa/wopi-mock-host.har');
      },
      openDataFolder: () => {
        window.desktopCalls.push('openDataFolder');
        return Promise.resolve('');
      },
    };
  });
});

test('Open data folder and Export HAR go through the desktop bridge when there is one', async ({ ui, host }) => {
  const calls = () => ui.evaluate(() => window.desktopCalls);
  await expect(ui.getByTestId('data-dir')).toHaveText(host.engine.status().dataDir);
  await expect(ui.getByRole('button', { name: 'Copy data folder path' })).toHaveCount(0);
  await ui.getByRole('button', { name: 'Open data folder' }).click();
  await expect.poll(calls).toEqual(['openDataFolder']);

  await openScreen(ui, 'Live log');
  let downloaded = false;
  ui.on('download', () => (downloaded = true));
  await ui.getByRole('button', { name: 'Export HAR' }).click();
  await expect(ui.getByRole('status').filter({ hasText: 'Saved the log as' })).toHaveText('Saved the log as /home/qa/wopi-mock-host.har');
  expect(await calls()).toEqual(['openDataFolder', 'exportHar']);
  expect(downloaded).toBe(false);
});

test('a folder the OS could not open is said so', async ({ ui }) => {
  await ui.evaluate(() => {
    window.wopiDesktop!.openDataFolder = () => Promise.resolve('Failed to open path');
  });
  await ui.getByRole('button', { name: 'Open data folder' }).click();
  await expect(ui.getByRole('alert')).toHaveText('The folder did not open: Failed to open path');
});
