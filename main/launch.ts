import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm start`: the desktop app where Electron can run, otherwise the same engine headless with
 * its admin URL, so a machine without a display or without the Electron binary still works.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function electronBinary(): { path: string } | { problem: string } {
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY'])
    return { problem: 'no display (DISPLAY / WAYLAND_DISPLAY unset)' };
  if (process.env['ELECTRON_SKIP_BINARY_DOWNLOAD']) return { problem: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set' };
  // Requiring `electron` downloads the binary on first use; do it in a child so a failure stays quiet.
  process.stdout.write('Locating the Electron binary (downloaded on first run)…\n');
  const probe = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("electron"))'], {
    cwd: path.dirname(require.resolve('electron/package.json')),
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (probe.status === 0 && probe.stdout) return { path: probe.stdout };
  return { problem: 'the Electron binary is not installed and could not be downloaded (it comes from the internet, not npm)' };
}

const binary = electronBinary();
if ('path' in binary) {
  const child = spawn(binary.path, [path.join(here, 'main.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
} else {
  process.stdout.write(
    `Electron cannot run here: ${binary.problem}.\nStarting the headless engine instead; the same admin UI and API are at the admin URL below.\n\n`,
  );
  await import('../mock-server/cli/main.js');
}
