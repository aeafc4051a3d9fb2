import os from 'node:os';
import path from 'node:path';

export const productName = 'WOPI Mock Host';

/**
 * The per-user data folder. It matches Electron's `app.getPath('userData')` for this product
 * name, so the desktop app and `npm run serve` share one state.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home = os.homedir(),
): string {
  if (platform === 'win32') return path.win32.join(env['APPDATA'] ?? path.win32.join(home, 'AppData', 'Roaming'), productName);
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', productName);
  return path.posix.join(env['XDG_CONFIG_HOME'] || path.posix.join(home, '.config'), productName);
}
