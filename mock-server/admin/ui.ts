import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where Vite puts the built renderer (renderer/vite.config.ts), relative to the compiled engine. */
export const defaultUiDir = fileURLToPath(new URL('../../renderer', import.meta.url));

/**
 * The UI loads only what the admin listener serves and talks only to it; inline styles are
 * allowed because React's `style` props need them. Applied to every admin answer: nothing on this
 * listener may be framed, sniffed or leak a Referer (the admin token travels in the URL fragment).
 */
export const uiContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', uiContentSecurityPolicy);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  next();
}

const notBuiltPage = (uiDir: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>WOPI Mock Host: the UI is not built</title></head>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<h1>The WOPI Mock Host UI is not built</h1>
<p>The engine is running, but there is no built UI in <code>${uiDir.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</code>.</p>
<p>Build it with <code>npm run build</code> (Vite writes it to <code>dist/renderer/</code>), then reload this page. <code>npm start</code> and <code>npm run serve</code> build it for you.</p>
<p>The admin API under <code>/api</code> works without it; see <code>docs/admin-api.md</code>.</p>
</body>
</html>
`;

/**
 * Serves the built renderer: hashed files under /assets are cached for a year, everything else
 * is revalidated, and any other GET outside /api answers index.html so the UI's own routes
 * survive a reload. The build is looked for on each request, so building after start works.
 */
export function uiRoutes(uiDir: string): Router {
  const router = express.Router({ caseSensitive: true });
  router.use(
    '/assets',
    express.static(path.join(uiDir, 'assets'), { index: false, redirect: false, immutable: true, maxAge: '365d' }),
    (req: Request, res: Response) => void res.status(404).type('text/plain').send(`no UI asset ${req.originalUrl}\n`),
  );
  router.use(express.static(uiDir, { index: false, redirect: false, setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache') }));
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.sendFile(path.join(uiDir, 'index.html'), { headers: { 'Cache-Control': 'no-cache' } }, (error?: NodeJS.ErrnoException) => {
      if (!error) return;
      if (res.headersSent) return void res.destroy();
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR')
        return void res.status(503).setHeader('Cache-Control', 'no-store').type('html').send(notBuiltPage(uiDir));
      next(error);
    });
  });
  return router;
}
