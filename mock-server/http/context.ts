import type { Store } from '../state/store.js';
import type { TokenService } from '../tokens/token-service.js';
import type { FileStore } from '../storage/file-store.js';
import type { RequestLog } from '../log/request-log.js';
import type { WopiSrcContext } from '../protocol/wopi-src.js';
import type { ExpireNow } from '../tokens/expire-now.js';
import type { RotatedRefreshTokens } from '../tokens/rotated-refresh-tokens.js';
import type { UsedCodes } from '../tokens/used-codes.js';

/** Everything a handler may use. Built once by startEngine (engine.ts). */
export interface HostContext {
  store: Store;
  tokens: TokenService;
  files: FileStore;
  log: RequestLog;
  usedCodes: UsedCodes;
  expireNow: ExpireNow;
  rotatedRefreshTokens: RotatedRefreshTokens;
  /** The host's "now" in ms: the wall clock plus clockOffsetSeconds. Tokens, expiry and Date follow it. */
  clock: () => number;
  /** Real time, for the log: when a request really arrived. */
  wallClock: () => number;
  /** https://<public host>:<port>, no trailing slash. Known once the listener is bound. */
  origin: () => string;
  wopiSrcContext: () => WopiSrcContext;
  caCertificatePem: string;
  /** Cap on captured request and response bodies in the log. */
  logBodyLimit: number;
  /** The forward proxy's port, when one runs (`--forward-proxy`): the set-up page explains the phone's Wi-Fi proxy setting. */
  forwardProxyPort?: () => number | undefined;
}
