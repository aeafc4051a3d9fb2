import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fail, serveParent, serverArgs } from './child.js';

// "The physical limit": node:https answering the same 401 with no framework at all. What is
// left is TLS, HTTP parsing and the socket; no server on this stack can go faster.
async function main(): Promise<void> {
  const { certPath, keyPath, unauthorizedHeaders } = serverArgs();
  if (!certPath || !keyPath || !unauthorizedHeaders) throw new Error('the baseline needs certPath, keyPath and unauthorizedHeaders');
  const headers = { ...unauthorizedHeaders, 'Content-Length': '0' };
  const server = createServer({ cert: readFileSync(certPath), key: readFileSync(keyPath), minVersion: 'TLSv1.2' }, (req, res) => {
    if (req.method === 'GET' && req.url === '/wopibootstrapper') res.writeHead(401, headers).end();
    else res.writeHead(404, { 'Content-Length': '0' }).end();
  });
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
