import type { EngineCounters } from '../mock-server/engine.js';

/** Messages between the soak (parent) and the engine child, over the fork IPC channel. */

export interface MemorySample {
  /** Milliseconds since the engine child started. */
  uptimeMs: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  counters: EngineCounters;
}

export interface EngineReady {
  type: 'ready';
  wopiOrigin: string;
  adminUrl: string;
  adminToken: string;
  caCertificatePath: string;
  dataDir: string;
  pid: number;
}

export type ParentMessage = { type: 'sample'; id: number } | { type: 'stop' };

export type ChildMessage = EngineReady | { type: 'sample'; id: number; sample: MemorySample } | { type: 'failed'; message: string };
