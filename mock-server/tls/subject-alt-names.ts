import { isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';

export type SubjectAltName = { type: 'dns'; value: string } | { type: 'ip'; value: string };

export interface SubjectAltNameInput {
  publicHost: string;
  hostname: string;
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>;
}

// Letters, digits, hyphens and (for Windows machine names) underscores. Anything else
// (spaces, non-ASCII) is left out: a malformed dNSName can make strict verifiers reject the
// whole certificate, which would break every other name in it too.
const DNS_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * The names a phone on the LAN may use to reach this machine. Loopback names come first in
 * each group so a desktop browser works too; interface addresses follow in the order the OS
 * listed them, so the same input always yields the same list.
 */
export function collectSubjectAltNames(input: SubjectAltNameInput): SubjectAltName[] {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  const addDns = (candidate: string): void => {
    const name = canonicalDnsName(candidate);
    if (name !== undefined && !dnsNames.includes(name)) dnsNames.push(name);
  };
  const addIp = (candidate: string): void => {
    const address = canonicalIpAddress(candidate);
    if (address !== undefined && !ipAddresses.includes(address)) ipAddresses.push(address);
  };

  addDns('localhost');
  addIp('127.0.0.1');
  addIp('::1');

  const hostname = canonicalDnsName(input.hostname);
  if (hostname !== undefined) {
    addDns(hostname);
    // mDNS (Bonjour) publishes only the first label under .local, so a hostname that is already
    // a FQDN ("box.corp.example") is reachable as "box.local", not "box.corp.example.local".
    if (!hostname.endsWith('.local')) addDns(`${hostname.split('.')[0]}.local`);
  }

  for (const addresses of Object.values(input.interfaces)) {
    for (const info of addresses ?? []) {
      // Link-local fe80:: addresses are kept: a client on the same link that dials one (with its
      // own %zone) still gets a certificate that matches. They are not handed out as URLs,
      // which cannot carry a zone (network/endpoints.ts). The %scope suffix here names an
      // interface on THIS machine only and an iPAddress SAN is just the 16 address bytes, so
      // canonicalIpAddress drops it.
      if (!info.internal) addIp(info.address);
    }
  }

  const publicHost = stripBrackets(input.publicHost.trim());
  if (canonicalIpAddress(publicHost) !== undefined) addIp(publicHost);
  else addDns(publicHost);

  return [
    ...dnsNames.map((value): SubjectAltName => ({ type: 'dns', value })),
    ...ipAddresses.map((value): SubjectAltName => ({ type: 'ip', value })),
  ];
}

/** Order-insensitive; IPv6 spellings ("0:0::1" vs "::1") and DNS case do not count as a difference. */
export function sameSubjectAltNames(a: SubjectAltName[], b: SubjectAltName[]): boolean {
  const keysA = new Set(a.map(subjectAltNameKey));
  const keysB = new Set(b.map(subjectAltNameKey));
  if (keysA.size !== keysB.size) return false;
  for (const key of keysA) if (!keysB.has(key)) return false;
  return true;
}

/**
 * RFC 5952 form ("fe80::1", lowercase, no zone) for IPv6 and dotted quad for IPv4;
 * undefined when the text is not an IP address.
 */
export function canonicalIpAddress(text: string): string | undefined {
  const withoutZone = stripBrackets(text.trim()).replace(/%.*$/, '');
  switch (isIP(withoutZone)) {
    case 4:
      return withoutZone;
    case 6:
      // The WHATWG URL parser is the one IPv6 serialiser Node ships; it also rewrites an
      // embedded dotted quad ("::ffff:1.2.3.4") into hex groups, which certificate libraries
      // that split on ':' would otherwise misread.
      return new URL(`http://[${withoutZone}]/`).hostname.slice(1, -1);
    default:
      return undefined;
  }
}

function canonicalDnsName(text: string): string | undefined {
  const name = text.trim().toLowerCase().replace(/\.$/, '');
  if (name.length === 0 || name.length > 253) return undefined;
  if (isIP(name) !== 0) return undefined;
  return name.split('.').every((label) => DNS_LABEL.test(label)) ? name : undefined;
}

function stripBrackets(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
}

function subjectAltNameKey(name: SubjectAltName): string {
  if (name.type === 'dns') return `dns:${canonicalDnsName(name.value) ?? name.value}`;
  return `ip:${canonicalIpAddress(name.value) ?? name.value}`;
}
