// The only bridge between the UI page and the OS. The page runs sandboxed without Node; it gets
// these named functions and nothing else. The UI works without them (in a plain browser).
// A sandboxed preload is CommonJS, and verbatimModuleSyntax forbids `import … from` in a .cts file.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- TypeScript's own CommonJS import form
import electron = require('electron');
import type { DesktopBridge } from './desktop-bridge.js';

const bridge: DesktopBridge = {
  exportHar: () => electron.ipcRenderer.invoke('desktop:export-har') as Promise<string | null>,
  openDataFolder: () => electron.ipcRenderer.invoke('desktop:open-data-folder') as Promise<string>,
};
electron.contextBridge.exposeInMainWorld('wopiDesktop', bridge);
