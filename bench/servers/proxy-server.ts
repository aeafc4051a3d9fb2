import { readFile } from 'node:fs/promises';
import { startEngine } from '../../mock-server/engine.js';
import { fail, serveParent, serverArgs } from './child.js';

// The engine in reverse proxy mode (`--proxy-to`), as the CLI runs it: request logging on,
// default log capacity, a kept-alive pool to the upstream, the upstream's TLS verified against its CA.
async function main(): Promise<void> {
  const { dataDir, upstream, upstreamCaPath } = serverArgs();
  if (!dataDir || !upstream || !upstreamCaPath) throw new Error('the proxy child needs dataDir, upstream and upstreamCaPath');
  const engine = await startEngine({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    adminPort: 0,
    publicHost: 'localhost',
    proxyTo: { upstream, ca: await readFile(upstreamCaPath, 'utf8') },
  });
  serveParent({
    port: Number(new URL(engine.urls.wopiOrigin).port),
    info: { wopiOrigin: engine.urls.wopiOrigin, caCertificatePath: engine.urls.caCertificatePath },
    stop: () => engine.stop(),
    log: () => ({ size: engine.log.size, capacity: engine.log.capacity, lastSeq: engine.log.lastSeq }),
  });
}

main().catch(fail);
