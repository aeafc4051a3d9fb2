import type { ConfigIssue } from '../state/config-schema.js';
import type { ProxyStatus } from '../proxy/reverse-proxy.js';
import type { ForwardProxyStatus } from '../proxy/forward-status.js';

/** One address the host answers on (every name and address its certificate covers). */
export interface DeviceEndpoint {
  /** A host name or an IP address, without brackets. */
  address: string;
  family: 'DNS' | 'IPv4' | 'IPv6';
  /** Reachable only from this machine (localhost, 127.0.0.0/8, ::1): no use to a phone. */
  loopback: boolean;
  wopiOrigin: string;
  bootstrapperUrl: string;
  /** The device set-up page at this address. */
  setupUrl: string;
}

/** `GET /api/status`: where everything is and how the engine is doing. */
export interface EngineStatus {
  version: string;
  startedAt: string;
  wopiOrigin: string;
  bootstrapperUrl: string;
  /** The bootstrapper URL on every address the host is reachable at, for setting up devices. */
  lanBootstrapperUrls: string[];
  /** The public host first, then the other LAN addresses, then loopback ones. */
  endpoints: DeviceEndpoint[];
  /** The device set-up page on the public host: what the UI's QR code opens. */
  deviceSetupUrl: string;
  adminUrl: string;
  publicHost: string;
  dataDir: string;
  caCertificatePath: string;
  caFingerprintSha256: string;
  leafSubjectAltNames: string[];
  leafNotAfter: string;
  log: { size: number; capacity: number; lastSeq: number };
  warnings: ConfigIssue[];
  startupWarnings: string[];
  /** Only in reverse proxy mode (`--proxy-to`): the upstream the WOPI listener forwards to, and counters. */
  proxy?: ProxyStatus;
  /** Only with the forward proxy (`--forward-proxy`): where the phone's Wi-Fi proxy points, what is decrypted, and counters. */
  forwardProxy?: ForwardProxyStatus;
}
