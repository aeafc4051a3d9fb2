import type { DesktopBridge } from '../../../main/desktop-bridge.ts';

declare global {
  interface Window {
    /** Set by the desktop window's preload (main/preload.cts); absent in a browser. */
    wopiDesktop?: DesktopBridge;
  }
}

/** The desktop window's bridge to the OS, or null in a plain browser. */
export function desktopBridge(): DesktopBridge | null {
  return window.wopiDesktop ?? null;
}
