import { app, BrowserWindow, dialog, Menu, shell } from 'electron';
import { startEngine, type Engine } from '../mock-server/engine.js';
import { defaultDataDir } from '../mock-server/cli/data-dir.js';

/**
 * The desktop shell: one instance, the engine in-process, one window on the engine's admin
 * origin. The renderer is a web page with no Node access; it talks to the engine over HTTP.
 */
let engine: Engine | undefined;
let window: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  app.whenReady().then(start, (error: unknown) => fail(error));
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => void engine?.stop());
}

async function start(): Promise<void> {
  try {
    engine = await startEngine({ dataDir: app.getPath('userData') || defaultDataDir(), port: 8443, adminPort: 0 });
  } catch (error) {
    fail(error);
    return;
  }
  const adminOrigin = engine.urls.adminUrl;
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      { role: 'fileMenu', submenu: [{ label: 'Open data folder', click: () => void shell.openPath(engine!.status().dataDir) }, { type: 'separator' }, { role: 'quit' }] },
      { role: 'viewMenu' },
      { role: 'windowMenu' },
    ]),
  );
  window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'WOPI Mock Host',
    webPreferences: { contextIsolation: true, nodeIntegration: false, sandbox: true },
  });
  // Navigation stays on the admin origin; anything else opens in the system browser.
  window.webContents.on('will-navigate', (event, url) => {
    if (new URL(url).origin !== adminOrigin) {
      event.preventDefault();
      void shell.openExternal(url);
    }
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    void shell.openExternal(url);
    return { action: 'deny' };
  });
  await window.loadURL(`${adminOrigin}/#token=${encodeURIComponent(engine.urls.adminToken)}`);
}

function fail(error: unknown): void {
  dialog.showErrorBox('WOPI Mock Host could not start', (error as Error).message);
  app.exit(1);
}
