import type { EngineStatus } from './admin/status.js';
import type { ConfigIssue } from './state/config-schema.js';
import type { TlsMaterial } from './tls/certificates.js';
import { deviceEndpoints, lanBootstrapperUrls } from './network/endpoints.js';
import { engineVersion } from './version.js';
import type { ProxyStatus } from './proxy/reverse-proxy.js';
import type { ForwardProxyStatus } from './proxy/forward-status.js';

/** What `GET /api/status` is made of, read afresh on every call (the admin URL is known only once its listener is open). */
export interface StatusSources {
  startedAt: string;
  urls: { wopiOrigin: string; bootstrapperUrl: string; deviceSetupUrl: string; adminUrl: string };
  wopiPort: number;
  publicHost: string;
  dataDir: string;
  tls: Pick<TlsMaterial, 'caCertPath' | 'caFingerprintSha256' | 'leafSubjectAltNames' | 'leafNotAfter'>;
  log: { size: number; capacity: number; lastSeq: number };
  /** The config's current warnings. */
  warnings: ConfigIssue[];
  startupWarnings: string[];
  /** Set in reverse proxy mode. */
  proxy?: ProxyStatus | undefined;
  /** Set when the forward proxy runs. */
  forwardProxy?: ForwardProxyStatus | undefined;
}

export function engineStatus(sources: StatusSources): EngineStatus {
  const { urls, tls, log } = sources;
  return {
    version: engineVersion,
    startedAt: sources.startedAt,
    wopiOrigin: urls.wopiOrigin,
    bootstrapperUrl: urls.bootstrapperUrl,
    lanBootstrapperUrls: lanBootstrapperUrls(tls.leafSubjectAltNames, sources.publicHost, sources.wopiPort),
    endpoints: deviceEndpoints(tls.leafSubjectAltNames, sources.publicHost, sources.wopiPort),
    deviceSetupUrl: urls.deviceSetupUrl,
    adminUrl: urls.adminUrl,
    publicHost: sources.publicHost,
    dataDir: sources.dataDir,
    caCertificatePath: tls.caCertPath,
    caFingerprintSha256: tls.caFingerprintSha256,
    leafSubjectAltNames: tls.leafSubjectAltNames.map((san) => `${san.type.toUpperCase()}:${san.value}`),
    leafNotAfter: tls.leafNotAfter.toISOString(),
    log: { size: log.size, capacity: log.capacity, lastSeq: log.lastSeq },
    warnings: sources.warnings,
    startupWarnings: sources.startupWarnings,
    ...(sources.proxy ? { proxy: sources.proxy } : {}),
    ...(sources.forwardProxy ? { forwardProxy: sources.forwardProxy } : {}),
  };
}
