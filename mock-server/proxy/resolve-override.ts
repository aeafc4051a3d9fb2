import { isIP, type LookupFunction } from 'node:net';

/*
 * curl's `--resolve host:port:address`: connect to that address whenever the proxy goes to that
 * name and port, while SNI, `Host` and the certificate check keep the name. Tests point an
 * intercepted name at a loopback upstream with it; people at a staging copy of the real host.
 */

export interface ResolveOverride {
  /** Lowercased host name (or IP literal, without brackets). */
  host: string;
  port: number;
  /** IPv4 or IPv6 address, without brackets. */
  address: string;
}

/** A `host:port:address` the proxy cannot use; the message says what to change. */
export class ResolveOverrideError extends Error {}

/**
 * Reads `host:port:address`, as curl spells it: an IPv6 address may be bracketed
 * (`example.com:443:[::1]`), and so may an IPv6 host.
 */
export function parseResolveOverride(text: string): ResolveOverride {
  const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5}):(\[[^\]]+\]|[^[\]]+)$/.exec(text.trim());
  if (!match) throw new ResolveOverrideError(`"${text}" is not host:port:address (e.g. wopi.example.com:443:127.0.0.1)`);
  const host = match[1]!.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(match[2]);
  const address = match[3]!.replace(/^\[|\]$/g, '');
  if (port < 1 || port > 65535) throw new ResolveOverrideError(`"${text}": the port must be from 1 to 65535`);
  if (isIP(address) === 0) throw new ResolveOverrideError(`"${text}": "${address}" is not an IPv4 or IPv6 address`);
  return { host, port, address };
}

/** `host:port:address` again, as the status shows it. */
export function formatResolveOverride({ host, port, address }: ResolveOverride): string {
  const bracket = (value: string) => (isIP(value) === 6 ? `[${value}]` : value);
  return `${bracket(host)}:${port}:${bracket(address)}`;
}

/** The overrides by `host:port`; a later one for the same pair wins, as in curl. */
export class ResolveOverrides {
  private readonly byTarget = new Map<string, string>();

  constructor(readonly list: readonly ResolveOverride[]) {
    for (const entry of list) this.byTarget.set(key(entry.host, entry.port), entry.address);
  }

  addressFor(host: string, port: number): string | undefined {
    return this.byTarget.get(key(host.replace(/^\[|\]$/g, '').toLowerCase(), port));
  }

  /**
   * A `lookup` for net/tls/https that answers with the override's address, so everything else
   * about the connection (SNI, the name the certificate is checked against, the pool's key)
   * stays the name's. Undefined when no override applies: the system resolver is used.
   */
  lookupFor(host: string, port: number): LookupFunction | undefined {
    const address = this.addressFor(host, port);
    if (address === undefined) return undefined;
    const family = isIP(address);
    return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      // Node asks for every address when it races IPv4 and IPv6 (autoSelectFamily).
      if (options.all) callback(null, [{ address, family }]);
      else callback(null, address, family);
    }) as LookupFunction;
  }
}

function key(host: string, port: number): string {
  return `${host}:${port}`;
}
