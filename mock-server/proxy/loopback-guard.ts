import { lookup as dnsLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

/*
 * The forward proxy listens on the LAN, and so do the phones that use it. Tunnelling them to this
 * machine's own loopback ports would hand every device on the network what only this machine may
 * reach: the admin API on 127.0.0.1, and whatever else trusts localhost. So a client that is not on
 * this machine is refused any target that is this machine's loopback (or the unspecified address,
 * which connects to it too), unless a --resolve override sends it there on purpose.
 */

/** The proxy refused to open a connection to this machine's loopback for another device. */
export class LoopbackTargetError extends Error {
  readonly code = 'PROXY_LOOPBACK_TARGET';
  constructor(readonly address: string) {
    super(`the target is this machine (${address})`);
  }
}

/** 127.0.0.0/8, ::1, their IPv4-mapped forms, and 0.0.0.0 or :: (which reach this machine too). */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  const v4 = bare.startsWith('::ffff:') && isIP(bare.slice(7)) === 4 ? bare.slice(7) : bare;
  if (isIP(v4) === 4) return v4.startsWith('127.') || v4 === '0.0.0.0';
  if (isIP(bare) === 6) return /^(0*:)*:?0*1$/.test(bare) || /^[0:]+$/.test(bare);
  return false;
}

/** Whether a client at `clientAddress` may be taken to a target this machine's loopback would answer. */
export function mayReachLoopback(clientAddress: string | undefined): boolean {
  return clientAddress !== undefined && isLoopbackAddress(clientAddress);
}

/** The system resolver, refusing loopback answers: for clients of the LAN, whose targets are named, not overridden. */
export const lookupRefusingLoopback: LookupFunction = ((
  hostname: string,
  options: { all?: boolean },
  callback: (error: NodeJS.ErrnoException | null, address?: unknown, family?: number) => void,
) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error);
    const refused = addresses.find((entry) => isLoopbackAddress(entry.address));
    if (refused) return callback(new LoopbackTargetError(refused.address));
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}) as LookupFunction;
