import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import type { ChildMessage, MemorySnapshot, ParentMessage, ServerArgs } from '../ipc.js';

export function serverArgs(): ServerArgs {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error('missing the JSON server arguments');
  return JSON.parse(raw) as ServerArgs;
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

/**
 * Wires a started server to the parent: announces the port, answers memory and profiling
 * requests, and stops on request. The child also exits when the parent goes away, so a
 * crashed bench never leaves servers holding ports.
 */
export function serveParent(options: {
  port: number;
  info?: Record<string, string>;
  stop: () => Promise<void>;
  log?: () => MemorySnapshot['log'];
  /** Stream bench: adds `count` entries to the log, `perTick` per turn of the event loop; the last `seq`. */
  push?: (count: number, perTick: number) => Promise<number>;
}): void {
  if (!process.send) throw new Error('run this file through the bench (child_process.fork), not directly');
  let profiler: Session | null = null;

  const exit = (code: number) => {
    // A hung close must not keep a child alive after the parent asked it to go.
    setTimeout(() => process.exit(code), 3000).unref();
    options.stop().then(
      () => process.exit(code),
      () => process.exit(1),
    );
  };

  process.on('message', (message: ParentMessage) => {
    void handle(message).catch((error: unknown) => {
      send({ type: 'failed', ...('id' in message ? { id: message.id } : {}), message: (error as Error)?.stack ?? String(error) });
    });
  });
  process.on('disconnect', () => exit(0));

  async function handle(message: ParentMessage): Promise<void> {
    switch (message.type) {
      case 'memory': {
        const gc = (globalThis as { gc?: () => void }).gc;
        if (!gc) throw new Error('the child needs --expose-gc to report settled memory');
        // Two passes: the first can leave objects that only become unreachable after finalizers ran.
        gc();
        gc();
        const usage = process.memoryUsage();
        const log = options.log?.();
        send({
          type: 'memory',
          id: message.id,
          snapshot: {
            rss: usage.rss,
            heapUsed: usage.heapUsed,
            heapTotal: usage.heapTotal,
            external: usage.external,
            ...(log ? { log } : {}),
          },
        });
        return;
      }
      case 'cpu':
        send({ type: 'cpu', id: message.id, usage: process.cpuUsage() });
        return;
      case 'profile-start': {
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
        send({ type: 'profile-started', id: message.id });
        return;
      }
      case 'profile-stop': {
        if (!profiler) throw new Error('profile-stop without profile-start');
        const { profile } = await profiler.post('Profiler.stop');
        profiler.disconnect();
        profiler = null;
        await writeFile(message.path, JSON.stringify(profile));
        send({ type: 'profile-stopped', id: message.id, path: message.path });
        return;
      }
      case 'push': {
        if (!options.push) throw new Error('this child has no log to push entries into');
        send({ type: 'pushed', id: message.id, lastSeq: await options.push(message.count, message.perTick) });
        return;
      }
      case 'stop':
        exit(0);
        return;
    }
  }

  send({ type: 'ready', port: options.port, ...(options.info ? { info: options.info } : {}) });
}

/** Reports a startup failure to the parent (which exits non-zero on it) and ends the child. */
export function fail(error: unknown): void {
  const message: ChildMessage = { type: 'failed', message: (error as Error)?.stack ?? String(error) };
  console.error(message.message);
  setTimeout(() => process.exit(1), 1000).unref();
  if (process.send) process.send(message, () => process.exit(1));
  else process.exit(1);
}
