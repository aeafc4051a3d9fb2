/**
 * What the desktop window's preload (preload.cts) gives the UI page as `window.wopiDesktop`, and
 * nothing more. Types only: the renderer imports them with `import type` and falls back to what a
 * browser can do when the bridge is absent.
 */
export interface DesktopBridge {
  /** Native "Save as…" for the request log as HAR; resolves to the saved path, or null if cancelled. */
  exportHar(): Promise<string | null>;
  /** Opens the data folder (config, keys, certificates, files) in the OS file manager; resolves to '' or why it could not. */
  openDataFolder(): Promise<string>;
}
