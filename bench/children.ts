import { fork, type ChildProcess } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, MemorySnapshot, ParentMessage, ServerArgs } from './ipc.js';

const live = new Set<ServerChild>();

/** A server under test in its own process, so it never shares an event loop with the load generator. */
export class ServerChild {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (message: ChildMessage) => void; reject: (error: Error) => void }>();
  private exited: Promise<void>;
  private failure: string | null = null;

  private constructor(
    readonly name: string,
    private readonly process: ChildProcess,
    readonly port: number,
    readonly info: Record<string, string>,
  ) {
    this.exited = new Promise((resolve) => {
      if (process.exitCode !== null || process.signalCode !== null) return resolve();
      process.once('exit', () => resolve());
    });
    process.on('message', (message: ChildMessage) => {
      if (message.type === 'failed' && message.id === undefined) this.failure = message.message;
      const id = 'id' in message ? message.id : undefined;
      const pending = id === undefined ? undefined : this.waiting.get(id);
      if (!pending) return;
      this.waiting.delete(id!);
      if (message.type === 'failed') pending.reject(new Error(`${name}: ${message.message}`));
      else pending.resolve(message);
    });
    process.once('exit', (code, signal) => {
      live.delete(this);
      for (const pending of this.waiting.values())
        pending.reject(new Error(`${name} exited (${signal ?? `code ${code}`})${this.failure ? `: ${this.failure}` : ''}`));
      this.waiting.clear();
    });
  }

  /**
   * Forks the compiled server module (a name in servers/, or an absolute path to another
   * checkout's compiled server) and waits until it reports its port (or dies trying).
   */
  static async start(name: string, module: string, args: ServerArgs, options: { timeoutMs?: number } = {}): Promise<ServerChild> {
    const path = isAbsolute(module) ? module : fileURLToPath(new URL(`./servers/${module}.js`, import.meta.url));
    // --expose-gc lets the child settle its heap before a memory reading; same flags for every server.
    const child = fork(path, [JSON.stringify(args)], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await new Promise<Extract<ChildMessage, { type: 'ready' }>>((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`${name} did not start within ${(options.timeoutMs ?? 60_000) / 1000} s`)),
        options.timeoutMs ?? 60_000,
      );
      const onMessage = (message: ChildMessage) => {
        if (message.type === 'ready') done(null, message);
        else if (message.type === 'failed') done(new Error(`${name} failed to start:\n${message.message}`));
      };
      const onExit = (code: number | null, signal: string | null) =>
        done(new Error(`${name} exited before it was ready (${signal ?? `code ${code}`})`));
      const onError = (error: Error) => done(new Error(`${name} could not be started: ${error.message}`));
      function done(error: Error | null, message?: Extract<ChildMessage, { type: 'ready' }>) {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.off('error', onError);
        if (error) reject(error);
        else resolve(message!);
      }
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.once('error', onError);
    }).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    });
    const server = new ServerChild(name, child, ready.port, ready.info ?? {});
    live.add(server);
    return server;
  }

  private request<T extends ChildMessage['type']>(
    message: ParentMessage & { id: number },
    timeoutMs = 60_000,
  ): Promise<Extract<ChildMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(message.id);
        reject(new Error(`${this.name} did not answer ${message.type} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiting.set(message.id, {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply as Extract<ChildMessage, { type: T }>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.process.send(message);
    });
  }

  async memory(): Promise<MemorySnapshot> {
    return (await this.request<'memory'>({ type: 'memory', id: this.nextId++ })).snapshot;
  }

  /** User + system CPU the child has used so far, in microseconds (all its threads). */
  async cpu(): Promise<number> {
    const { usage } = await this.request<'cpu'>({ type: 'cpu', id: this.nextId++ });
    return usage.user + usage.system;
  }

  async startProfile(): Promise<void> {
    await this.request<'profile-started'>({ type: 'profile-start', id: this.nextId++ });
  }

  async stopProfile(path: string): Promise<string> {
    return (await this.request<'profile-stopped'>({ type: 'profile-stop', id: this.nextId++, path })).path;
  }

  /** Stream bench: has the child add entries to its log; resolves once all are added, with the last `seq`. */
  async push(count: number, perTick: number): Promise<number> {
    return (await this.request<'pushed'>({ type: 'push', id: this.nextId++, count, perTick }, 300_000)).lastSeq;
  }

  killNow(): void {
    this.process.kill('SIGKILL');
  }

  /** Asks the child to close its listeners; kills it if it has not gone after a few seconds. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    if (this.process.connected) this.process.send({ type: 'stop' } satisfies ParentMessage);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Stops every child still running; safe to call more than once. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((child) => child.stop()));
}

/** Last resort on a synchronous exit path, where awaiting a graceful stop is impossible. */
export function killAllChildrenNow(): void {
  for (const child of live) child.killNow();
}
