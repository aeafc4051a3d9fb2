/** Where the desktop window may go: only the engine's UI origin. Everything else is the OS browser's. */
export function staysInApp(url: string, uiOrigin: string): boolean {
  try {
    return new URL(url).origin === new URL(uiOrigin).origin;
  } catch {
    return false;
  }
}

/** Only web links are handed to the OS; `file:`, `javascript:` and custom schemes are dropped. */
export function openableExternally(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
