import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The UI is served by the engine's admin listener from dist/renderer. For `vite dev`, set
 * WOPI_ADMIN_URL to a running engine's admin URL: /api is proxied there, with the Origin header
 * dropped because the admin API refuses any origin but its own.
 */
const adminUrl = process.env['WOPI_ADMIN_URL'];

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: adminUrl
    ? {
        proxy: {
          '/api': {
            target: adminUrl,
            changeOrigin: true,
            configure: (proxy) => proxy.on('proxyReq', (request) => request.removeHeader('origin')),
          },
        },
      }
    : {},
});
