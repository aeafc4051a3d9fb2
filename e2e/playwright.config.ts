import { defineConfig } from '@playwright/test';

/**
 * Browser tests in Debian's Chromium (never a downloaded browser build). Run by `npm test` after
 * the build, against a real engine on loopback; the path can be overridden with CHROMIUM_PATH.
 */
export default defineConfig({
  testDir: '..',
  // The UI specs, and the README's library example (examples/playwright.spec.ts) as users run it.
  testMatch: ['e2e/*.spec.ts', 'examples/*.spec.ts'],
  outputDir: '../test-results/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: [['list'], ['json', { outputFile: '../test-results/e2e/results.json' }]],
  use: {
    browserName: 'chromium',
    ignoreHTTPSErrors: true,
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      // The flags keep Chromium off the network it cannot reach here and working as root in CI.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
