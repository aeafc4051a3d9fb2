import { Agent, request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { rootCertificates } from 'node:tls';

/** The WHATWG fetch signature, answered over node:https with the mock's CA trusted. Redirects are not followed. */
export type TrustingFetch = (
  input: string | URL,
  init?: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array },
) => Promise<Response>;

/**
 * Node's global fetch cannot be told to trust one extra CA without a dependency on undici, so this
 * one speaks node:https with the CA added to the system's, and gives back a standard Response.
 */
export function trustingFetch(caPem: string): TrustingFetch {
  const agent = new Agent({ keepAlive: false, ca: [...rootCertificates, caPem] });
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(String(input));
      const send = url.protocol === 'https:' ? request : httpRequest;
      const body = init.body === undefined ? undefined : typeof init.body === 'string' ? Buffer.from(init.body) : Buffer.from(init.body);
      const headers: Record<string, string> = { ...init.headers };
      if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length'))
        headers['Content-Length'] = String(body.length);
      const req = send(url, { method: init.method ?? 'GET', headers, ...(url.protocol === 'https:' ? { agent } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, values] of Object.entries(res.headersDistinct))
            for (const value of values ?? []) responseHeaders.append(name, value);
          const status = res.statusCode ?? 0;
          // Response refuses a body on 204/304 and statuses outside 200–599.
          const noBody = status === 204 || status === 304 || status < 200;
          resolve(
            new Response(noBody ? null : Buffer.concat(chunks), {
              status: status < 200 ? 200 : status,
              statusText: res.statusMessage ?? '',
              headers: responseHeaders,
            }),
          );
        });
      });
      req.on('error', reject);
      req.end(body);
    });
}
