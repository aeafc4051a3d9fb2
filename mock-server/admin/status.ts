import type { ConfigIssue } from '../state/config-schema.js';

/** `GET /api/status`: where everything is and how the engine is doing. */
export interface EngineStatus {
  version: string;
  startedAt: string;
  wopiOrigin: string;
  bootstrapperUrl: string;
  /** The bootstrapper URL on every address the host is reachable at, for setting up devices. */
  lanBootstrapperUrls: string[];
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
}
