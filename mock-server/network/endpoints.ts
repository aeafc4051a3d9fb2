import os from 'node:os';
import { Route } from '../protocol/headers.js';
import type { DeviceEndpoint } from '../admin/status.js';
import { canonicalIpAddress, type SubjectAltName } from '../tls/subject-alt-names.js';

/** The addresses the host hands out to phones: its public host, and every name its certificate covers. */

/** The first non-internal IPv4 address, which a phone on the same LAN can usually reach. */
export function defaultPublicHost(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string {
  for (const list of Object.values(interfaces))
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) return info.address;
  return 'localhost';
}

/** A host name or IP address as the host part of a URL: IPv6 in brackets. */
export function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * An IPv6 link-local address (fe80::/10). A client reaches one only with a zone naming an
 * interface of its own machine ("fe80::1%wlan0"), which a URL cannot carry: browsers and Office
 * reject "https://[fe80::1%25wlan0]/" or dial nowhere. Such addresses stay in the certificate
 * but are not handed out.
 */
export function isLinkLocalIpv6(address: string): boolean {
  const canonical = canonicalIpAddress(address);
  if (canonical === undefined || !canonical.includes(':')) return false;
  const firstGroup = Number.parseInt(canonical.split(':')[0] || '0', 16);
  return (firstGroup & 0xffc0) === 0xfe80;
}

/** The certificate's names a client can use in a URL: link-local ones left out, unless one is the public host itself. */
function offeredNames(names: readonly SubjectAltName[], publicHost: string): SubjectAltName[] {
  const publicAddress = canonicalIpAddress(publicHost);
  return names.filter((san) => san.type === 'dns' || !isLinkLocalIpv6(san.value) || san.value === publicAddress);
}

/** The bootstrapper URL at every name and address the certificate covers (link-local ones aside), in its order. */
export function lanBootstrapperUrls(names: readonly SubjectAltName[], publicHost: string, port: number): string[] {
  return offeredNames(names, publicHost).map((san) => `https://${hostForUrl(san.value)}:${port}${Route.Bootstrapper}`);
}

/**
 * Every address the leaf certificate covers (link-local ones aside), as a phone would use it:
 * the public host first, loopback last.
 */
export function deviceEndpoints(names: readonly SubjectAltName[], publicHost: string, port: number): DeviceEndpoint[] {
  const endpoints = offeredNames(names, publicHost).map((san): DeviceEndpoint => {
    const family = san.type === 'dns' ? 'DNS' : san.value.includes(':') ? 'IPv6' : 'IPv4';
    const wopiOrigin = `https://${hostForUrl(san.value)}:${port}`;
    const loopback = san.value === 'localhost' || san.value === '::1' || (family === 'IPv4' && san.value.startsWith('127.'));
    return {
      address: san.value,
      family,
      loopback,
      wopiOrigin,
      bootstrapperUrl: wopiOrigin + Route.Bootstrapper,
      setupUrl: wopiOrigin + Route.DeviceSetup,
    };
  });
  const publicAddress = canonicalIpAddress(publicHost) ?? publicHost.trim().toLowerCase();
  const rank = (e: DeviceEndpoint) => (e.address === publicAddress ? 0 : e.loopback ? 2 : 1);
  return endpoints
    .map((e, index) => ({ e, index }))
    .sort((a, b) => rank(a.e) - rank(b.e) || a.index - b.index)
    .map(({ e }) => e);
}
