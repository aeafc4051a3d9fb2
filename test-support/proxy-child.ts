import { startEngine } from '../mock-server/engine.js';

/**
 * A reverse proxy in a process of its own, so a test can read its memory without counting its
 * own buffers. Started by `fork` with one JSON argument `{ dataDir, upstream, ca }`; speaks over IPC:
 * → `{type: 'ready', origin, caPath}`; `baseline` (gc, then RSS, then sampling starts) → `{type: 'baseline', rss}`;
 * `peak` → `{type: 'peak', rss}` (the highest RSS sampled since the baseline); `stop` ends it.
 */

export type ProxyChildMessage =
  { type: 'ready'; origin: string; caPath: string } | { type: 'baseline'; rss: number } | { type: 'peak'; rss: number; heapUsed: number };

interface Args {
  dataDir: string;
  upstream: string;
  ca: string;
}

const send = (message: ProxyChildMessage) => process.send?.(message);

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as Args;
  const engine = await startEngine({
    dataDir: args.dataDir,
    host: '127.0.0.1',
    port: 0,
    adminPort: 0,
    publicHost: 'localhost',
    proxyTo: { upstream: args.upstream, ca: args.ca },
  });
  let peak = 0;
  let sampler: NodeJS.Timeout | undefined;
  const sample = () => (peak = Math.max(peak, process.memoryUsage.rss()));
  process.on('message', (message: { type: string }) => {
    if (message.type === 'baseline') {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      const rss = process.memoryUsage.rss();
      peak = rss;
      clearInterval(sampler);
      sampler = setInterval(sample, 5);
      send({ type: 'baseline', rss });
    } else if (message.type === 'peak') {
      sample();
      clearInterval(sampler);
      send({ type: 'peak', rss: peak, heapUsed: process.memoryUsage().heapUsed });
    } else if (message.type === 'stop') {
      clearInterval(sampler);
      void engine.stop().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', origin: engine.urls.wopiOrigin, caPath: engine.urls.caCertificatePath });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
