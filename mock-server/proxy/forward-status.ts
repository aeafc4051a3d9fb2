/*
 * The forward proxy's part of `GET /api/status`, on its own so the admin contract and the renderer
 * import it without reaching the proxy's runtime.
 */

/** `GET /api/status`'s `forwardProxy`: where the phone's Wi-Fi proxy should point, what is decrypted, and how it has gone. */
export interface ForwardProxyStatus {
  mode: 'forward';
  /** The listening port (the one bound, when 0 was asked for). */
  port: number;
  /** `http://<public host>:<port>`: the proxy as the phone's Wi-Fi settings name it (host and port). */
  proxyUrl: string;
  /** The host the phone's proxy setting names. */
  proxyHost: string;
  /** Normalized patterns: exact names and `*.domain`. */
  intercept: string[];
  /** The `host:port:address` overrides in force. */
  resolve: string[];
  insecure: boolean;
  timeoutMs: number;
  /** Decrypted exchanges the real host answered. */
  intercepted: number;
  /** CONNECTs to other names, passed through undecrypted. */
  tunnelled: number;
  /** Plain-HTTP requests (absolute-form) passed on as they came, undecrypted and unlogged. */
  plainForwarded: number;
  /** Answers the proxy gave itself: 400 for a bad request or CONNECT, 502 or 504 when the host gave none. */
  failed: number;
}
