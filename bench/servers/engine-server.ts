import { startEngine } from '../../mock-server/engine.js';
import { fail, serveParent, serverArgs } from './child.js';

// The engine exactly as the CLI runs it: request logging on, default log capacity, HTTPS only.
// Only the listeners are pinned to loopback and the public host to `localhost`, so the URLs
// it hands out (WopiSrc, challenge) match the certificate the bench connects with.
async function main(): Promise<void> {
  const { dataDir } = serverArgs();
  if (!dataDir) throw new Error('the engine child needs a dataDir');
  const engine = await startEngine({ dataDir, host: '127.0.0.1', port: 0, adminPort: 0, publicHost: 'localhost' });
  const port = Number(new URL(engine.urls.wopiOrigin).port);
  serveParent({
    port,
    info: { wopiOrigin: engine.urls.wopiOrigin, caCertificatePath: engine.urls.caCertificatePath, uiUrl: engine.urls.uiUrl },
    stop: () => engine.stop(),
    log: () => ({ size: engine.log.size, capacity: engine.log.capacity, lastSeq: engine.log.lastSeq }),
  });
}

main().catch(fail);
