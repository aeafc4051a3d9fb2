import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  screen,
  shell,
  type IpcMainInvokeEvent,
  type MenuItemConstructorOptions,
} from 'electron';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEngine, type Engine } from '../mock-server/engine.js';
import { ListenError } from '../mock-server/engine-errors.js';
import { productName } from '../mock-server/cli/data-dir.js';
import { parseWindowState, restoreBounds, type WindowState } from './window-state.js';
import { openableExternally, staysInApp } from './navigation.js';

/**
 * The desktop shell: one instance, the engine in-process (same data folder as `npm run serve`),
 * one window on the engine's own UI origin. The page has no Node access; it talks to the engine
 * over HTTP like any browser, plus the two named preload functions in preload.cts.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const wopiPort = 8443;
let engine: Engine | undefined;
let window: BrowserWindow | undefined;

app.setName(productName);
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  app.whenReady().then(start).catch(fail);
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => void engine?.stop());
}

async function start(): Promise<void> {
  engine = await startEngineOnAFreePortIfNeeded();
  const ui = uiUrl(engine);
  const uiOrigin = new URL(ui).origin;
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate()));
  registerBridge(uiOrigin);

  const stateFile = path.join(app.getPath('userData'), 'window-state.json');
  const saved = parseWindowState(await readFile(stateFile, 'utf8').catch(() => null));
  window = new BrowserWindow({
    ...restoreBounds(
      saved,
      screen.getAllDisplays().map((d) => d.workArea),
    ),
    minWidth: 900,
    minHeight: 600,
    title: productName,
    show: false,
    webPreferences: { contextIsolation: true, nodeIntegration: false, sandbox: true, preload: path.join(here, 'preload.cjs') },
  });
  if (saved?.maximized) window.maximize();
  window.once('ready-to-show', () => window?.show());
  window.on('close', () => {
    if (!window) return;
    const state: WindowState = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
    void writeFile(stateFile, JSON.stringify(state)).catch(() => undefined);
  });
  lockNavigation(window, uiOrigin);
  await window.loadURL(ui);
}

/** 8443 is what phones get configured with; if something else has it, ask before moving. */
async function startEngineOnAFreePortIfNeeded(): Promise<Engine> {
  const dataDir = app.getPath('userData');
  try {
    return await startEngine({ dataDir, port: wopiPort, adminPort: 0 });
  } catch (error) {
    if (!(error instanceof ListenError && error.code === 'EADDRINUSE' && error.listener === 'WOPI')) throw error;
    const { response } = await dialog.showMessageBox({
      type: 'warning',
      message: `Port ${wopiPort} is in use`,
      detail: `Another program (perhaps "npm run serve") listens on ${wopiPort}. Start on a free port instead? Devices set up for port ${wopiPort} will need the new bootstrapper URL.`,
      buttons: ['Use a free port', 'Quit'],
      defaultId: 0,
      cancelId: 1,
    });
    if (response !== 0) app.exit(1);
    return startEngine({ dataDir, port: 0, adminPort: 0 });
  }
}

const uiUrl = (running: Engine): string => running.urls.uiUrl;

function lockNavigation(win: BrowserWindow, uiOrigin: string): void {
  const openOutside = (url: string) => {
    if (openableExternally(url)) void shell.openExternal(url);
  };
  win.webContents.on('will-navigate', (event, url) => {
    if (staysInApp(url, uiOrigin)) return;
    event.preventDefault();
    openOutside(url);
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}

/** Each handler answers only the UI page itself, never a frame from elsewhere. */
function registerBridge(uiOrigin: string): void {
  const fromUi = (event: IpcMainInvokeEvent) => event.senderFrame !== null && staysInApp(event.senderFrame.url, uiOrigin);
  ipcMain.handle('desktop:export-har', (event) => (fromUi(event) ? exportHar() : null));
  // shell.openPath resolves to '' when the folder opened, else to why not; the UI shows that.
  ipcMain.handle('desktop:open-data-folder', (event) => (fromUi(event) ? shell.openPath(engine!.status().dataDir) : null));
}

async function adminFetch(pathname: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(`${engine!.urls.adminUrl}${pathname}`, {
    ...init,
    headers: { authorization: `Bearer ${engine!.urls.adminToken}` },
  });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${pathname} answered ${response.status}: ${await response.text()}`);
  return response;
}

async function exportHar(): Promise<string | null> {
  const { canceled, filePath } = await dialog.showSaveDialog({
    title: 'Export log as HAR',
    defaultPath: `wopi-mock-host-${new Date().toISOString().replace(/[:.]/g, '-')}.har`,
    filters: [{ name: 'HTTP Archive', extensions: ['har'] }],
  });
  if (canceled || !filePath) return null;
  await writeFile(filePath, await (await adminFetch('/api/log/har')).text());
  return filePath;
}

async function resetToDefaults(): Promise<void> {
  const { response } = await dialog.showMessageBox({
    type: 'warning',
    message: 'Reset to defaults?',
    detail: 'Provider, OAuth client, users, token lifetimes and fault rules go back to their defaults. Files in the data folder are kept.',
    buttons: ['Reset', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
  });
  if (response === 0) await adminFetch('/api/reset', { method: 'POST' });
}

function menuTemplate(): MenuItemConstructorOptions[] {
  const report = (action: () => Promise<unknown>) => () =>
    void action().catch((error: unknown) => dialog.showErrorBox(productName, (error as Error).message));
  return [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open data folder', click: report(() => shell.openPath(engine!.status().dataDir)) },
        { label: 'Export log as HAR…', accelerator: 'CmdOrCtrl+Shift+E', click: report(exportHar) },
        { label: 'Open in browser', click: report(() => shell.openExternal(uiUrl(engine!))) },
        { type: 'separator' },
        { label: 'Reset to defaults…', click: report(resetToDefaults) },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
}

function fail(error: unknown): void {
  dialog.showErrorBox(`${productName} could not start`, error instanceof Error ? error.message : String(error));
  app.exit(1);
}
