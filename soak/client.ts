import { Agent, request } from 'node:https';

/**
 * One device's connection to the host: verified HTTPS (the engine's CA, SNI `localhost`) to
 * 127.0.0.1, kept alive as Office keeps it, one request at a time.
 */

export interface Exchange {
  status: number;
  /** Lowercased names; a header sent twice keeps both values. */
  headers: Record<string, string[]>;
  body: Buffer;
  ms: number;
  header(name: string): string | undefined;
  /** The body parsed as JSON, typed as the caller expects it to be shaped. */
  json<T = unknown>(): T;
}

export interface Send {
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
}

export interface Target {
  port: number;
  ca: string;
}

export class HostClient {
  private readonly agent: Agent;

  constructor(
    private readonly target: Target,
    keepAlive = true,
  ) {
    this.agent = new Agent({ keepAlive, maxSockets: 1, ca: target.ca });
  }

  /** Resolves with any HTTP answer; rejects only when no answer came (connection dropped, timeout). */
  async send(method: string, path: string, what: Send = {}): Promise<Exchange> {
    const headers: Record<string, string> = { host: `localhost:${this.target.port}`, ...what.headers };
    let body = what.body;
    if (what.form) {
      body = new URLSearchParams(what.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const bytes = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
    if (bytes !== undefined) headers['content-length'] = String(bytes.length);
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      try {
        return await this.once(method, path, headers, bytes, started);
      } catch (error) {
        // A kept-alive socket the server closed as it idled fails before the request reaches the
        // server; Node's documented answer is to retry that case, and only that one.
        if (attempt === 0 && (error as { reusedSocket?: boolean }).reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET')
          continue;
        throw error;
      }
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private once(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    started: number,
  ): Promise<Exchange> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: this.target.port, servername: 'localhost', agent: this.agent, method, path, headers, timeout: 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => reject(error));
          res.on('end', () => {
            const all = res.headersDistinct as Record<string, string[]>;
            const content = Buffer.concat(chunks);
            resolve({
              status: res.statusCode ?? 0,
              headers: all,
              body: content,
              ms: performance.now() - started,
              header: (name) => all[name.toLowerCase()]?.[0],
              json: <T>() => JSON.parse(content.toString('utf8')) as T,
            });
          });
        },
      );
      req.on('timeout', () =>
        req.destroy(Object.assign(new Error(`${method} ${path.split('?')[0]} timed out after 30 s`), { code: 'ETIMEDOUT' })),
      );
      req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
      req.end(body);
    });
  }
}
