// The only bridge between the UI page and the OS. The page runs sandboxed without Node; it gets
// these named functions and nothing else. The UI works without them (in a plain browser).
// A sandboxed preload is CommonJS, and verbatimModuleSyntax forbids `import … from` in a .cts file.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- TypeScript's own CommonJS import form
import electron = require('electron');

electron.contextBridge.exposeInMainWorld('wopiDesktop', {
  /** Native "Save as…" for the request log as HAR; resolves to the saved path, or null if cancelled. */
  exportHar: (): Promise<string | null> => electron.ipcRenderer.invoke('desktop:export-har'),
  /** Opens the data folder (config, keys, certificates, files) in the OS file manager. */
  openDataFolder: (): Promise<void> => electron.ipcRenderer.invoke('desktop:open-data-folder'),
});
