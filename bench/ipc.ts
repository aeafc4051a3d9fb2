/** Messages between the bench (parent) and the server children, over the fork IPC channel. */

export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** Only the engine child has a request log. */
  log?: { size: number; capacity: number; lastSeq: number };
}

export type ParentMessage =
  | { type: 'memory'; id: number }
  | { type: 'cpu'; id: number }
  | { type: 'profile-start'; id: number }
  | { type: 'profile-stop'; id: number; path: string }
  /** Stream bench: add `count` synthetic entries to the engine's log, `perTick` per event-loop turn. */
  | { type: 'push'; id: number; count: number; perTick: number }
  | { type: 'stop' };

export type ChildMessage =
  | { type: 'ready'; port: number; info?: Record<string, string> }
  | { type: 'memory'; id: number; snapshot: MemorySnapshot }
  | { type: 'cpu'; id: number; usage: NodeJS.CpuUsage }
  | { type: 'profile-started'; id: number }
  | { type: 'profile-stopped'; id: number; path: string }
  | { type: 'pushed'; id: number; lastSeq: number }
  | { type: 'failed'; id?: number; message: string };

/** Arguments the parent hands every server child (one JSON argv entry, so nothing needs escaping). */
export interface ServerArgs {
  /** Engine: the data dir to start in. Baselines: unused. */
  dataDir?: string;
  /** Baselines: the engine's leaf certificate and key, so the TLS work per handshake is identical. */
  certPath?: string;
  keyPath?: string;
  /** Baselines: the exact headers the engine's 401 carries (WWW-Authenticate and friends). */
  unauthorizedHeaders?: Record<string, string>;
  /** The reverse proxy child: the upstream origin it forwards to, and that upstream's CA (PEM file). */
  upstream?: string;
  upstreamCaPath?: string;
}
