import { startEngine } from '../mock-server/engine.js';
import type { ChildMessage, ParentMessage } from './ipc.js';

/**
 * The engine under soak, alone in its process so its memory is measured without the load
 * generator's. Started as the CLI starts it (request log on, default capacity, HTTPS), on
 * loopback with URLs for `localhost`. Answers memory samples after a full GC, and stops when
 * asked or when the parent goes away.
 */

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir || !process.send) throw new Error('run through the soak (child_process.fork with a data dir), not directly');
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the engine child needs --expose-gc for settled memory readings');
  const engine = await startEngine({ dataDir, host: '127.0.0.1', port: 0, adminPort: 0, publicHost: 'localhost' });
  const started = performance.now();

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 5000).unref();
    engine.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('disconnect', stop);
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') return stop();
    // Two passes: the first can leave objects that only become unreachable after finalizers ran.
    gc();
    gc();
    const usage = process.memoryUsage();
    send({
      type: 'sample',
      id: message.id,
      sample: {
        uptimeMs: performance.now() - started,
        rss: usage.rss,
        heapUsed: usage.heapUsed,
        heapTotal: usage.heapTotal,
        external: usage.external,
        arrayBuffers: usage.arrayBuffers,
        counters: engine.counters(),
      },
    });
  });
  const { urls } = engine;
  send({
    type: 'ready',
    wopiOrigin: urls.wopiOrigin,
    adminUrl: urls.adminUrl,
    adminToken: urls.adminToken,
    caCertificatePath: urls.caCertificatePath,
    dataDir,
    pid: process.pid,
  });
}

main().catch((error: unknown) => {
  const message = (error as Error)?.stack ?? String(error);
  console.error(message);
  setTimeout(() => process.exit(1), 1000).unref();
  if (process.send) process.send({ type: 'failed', message } satisfies ChildMessage, () => process.exit(1));
  else process.exit(1);
});
