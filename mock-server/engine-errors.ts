import type { ConfigIssue } from './state/config-schema.js';

/** Why the engine could not start (startEngine throws these; the CLI and the desktop app tell them apart). */

/** A config document that did not validate; `source` says where it came from. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly errors: ConfigIssue[],
  ) {
    super(`${source} is not a valid config:\n${errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`);
  }
}

const listenerFlags = { WOPI: '--port', admin: '--admin-port', 'forward proxy': '--forward-port' } as const;

/** A listener that could not be opened, with what to do about it. */
export class ListenError extends Error {
  constructor(
    readonly listener: 'WOPI' | 'admin' | 'forward proxy',
    readonly host: string,
    readonly port: number,
    readonly code: string | undefined,
  ) {
    super(
      code === 'EADDRINUSE'
        ? `the ${listener} port ${port} on ${host} is already in use; choose another with ${listenerFlags[listener]} (0 picks any free port)`
        : code === 'EACCES'
          ? `no permission to listen on ${host}:${port} (ports below 1024 need privileges); choose another with ${listenerFlags[listener]}`
          : code === 'EADDRNOTAVAIL'
            ? `${host} is not an address of this machine; choose another with --host`
            : `the ${listener} listener could not open ${host}:${port} (${code ?? 'unknown error'})`,
    );
  }
}
