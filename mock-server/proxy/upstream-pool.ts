import { Agent as HttpsAgent } from 'node:https';
import { createSecureContext, rootCertificates } from 'node:tls';

/**
 * A pool of kept-alive TLS connections to upstream hosts: a handshake per request would cost more
 * than everything else a proxy does. The extra CA goes in as one secure context made once: given
 * as `ca`, the agent would join every root certificate into each request's pool key and build a
 * context per connection.
 */
export function upstreamPool(trust: { ca: string | undefined; insecure: boolean }): HttpsAgent {
  return new HttpsAgent({
    keepAlive: true,
    maxSockets: 256,
    maxFreeSockets: 64,
    scheduling: 'lifo',
    rejectUnauthorized: !trust.insecure,
    ...(trust.ca ? { secureContext: createSecureContext({ ca: [...rootCertificates, trust.ca] }) } : {}),
  });
}

/**
 * Stops a pool the proxy no longer uses without cutting exchanges still under way: idle sockets
 * close now, busy ones when their exchange ends (an agent that does not keep alive destroys each
 * socket it gets back).
 */
export function retirePool(pool: HttpsAgent): void {
  // Node's agent reads keepAlive when a socket comes back; @types/node does not declare it.
  (pool as HttpsAgent & { keepAlive: boolean }).keepAlive = false;
  for (const sockets of Object.values(pool.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
}
