import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { fail, serveParent, serverArgs } from './child.js';

// "Our framework's floor": the cheapest Express 5 answer to the same 401, on the same TLS
// certificate. The engine cannot beat this, so its 401 throughput is judged against it.
async function main(): Promise<void> {
  const { certPath, keyPath, unauthorizedHeaders } = serverArgs();
  if (!certPath || !keyPath || !unauthorizedHeaders) throw new Error('the baseline needs certPath, keyPath and unauthorizedHeaders');
  const app = express();
  // Same response headers as the engine's 401, which also turns this off.
  app.disable('x-powered-by');
  app.get('/wopibootstrapper', (_req, res) => {
    res.status(401);
    for (const [name, value] of Object.entries(unauthorizedHeaders)) res.setHeader(name, value);
    res.end();
  });
  const server = createServer({ cert: readFileSync(certPath), key: readFileSync(keyPath), minVersion: 'TLSv1.2' }, app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  serveParent({
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

main().catch(fail);
