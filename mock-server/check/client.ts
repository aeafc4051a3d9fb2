import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { rootCertificates, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { CapturedBody, HeaderLine, LogEntry } from '../log/entry.js';
import type { OperationName } from '../protocol/operations.js';

/** The log keeps this much of each body; the checker itself reads the whole body. */
const capturedBodyLimit = 256 * 1024;

export interface OutgoingRequest {
  /** What the checker means by the request, for the spec check and the report. */
  operation: OperationName;
  method: 'GET' | 'POST';
  url: string;
  headers?: Array<[string, string]>;
  /** A form body is sent as application/x-www-form-urlencoded, fields in order. */
  form?: Array<[string, string]>;
  body?: Buffer;
}

/** One request and its answer, as the checker's spec check and its HAR see it. */
export interface Exchange {
  entry: LogEntry;
  status: number;
  body: Buffer;
  text: string;
  /** Every value of a header, lowercased name. */
  headers(name: string): string[];
  header(name: string): string | undefined;
  /** The parsed JSON body, or undefined when it is not JSON. */
  json(): unknown;
}

/** A request that got no HTTP answer; `code` is Node's (ECONNREFUSED, CERT_HAS_EXPIRED, ...). */
export class NoAnswerError extends Error {
  constructor(
    readonly url: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  ca?: string;
  insecure?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const userAgent = 'WOPI Mock Host checker (plays Office mobile)';

/**
 * The checker's HTTP client: no redirects followed, every exchange recorded as a log entry (so
 * the Live log's spec check runs on it unchanged and the HAR writer exports it), and the first
 * leaf certificate of every TLS host kept for the iOS rules.
 */
export class CheckClient {
  readonly exchanges: LogEntry[] = [];
  readonly certificates = new Map<string, PeerCertificate>();
  private readonly httpsAgent: HttpsAgent;
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly timeoutMs: number;

  constructor(private readonly options: ClientOptions = {}) {
    this.httpsAgent = new HttpsAgent({
      keepAlive: true,
      rejectUnauthorized: options.insecure !== true,
      ...(options.ca ? { ca: [...rootCertificates, options.ca] } : {}),
    });
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  async send(request: OutgoingRequest): Promise<Exchange> {
    const url = new URL(request.url);
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') throw new NoAnswerError(request.url, 'EPROTO', `${request.url} is not an http(s) URL`);
    const headers: Array<[string, string]> = [['User-Agent', userAgent], ...(request.headers ?? [])];
    let body = request.body;
    if (request.form) {
      body = Buffer.from(new URLSearchParams(request.form).toString());
      headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
    }
    if (body !== undefined || request.method === 'POST') headers.push(['Content-Length', String(body?.length ?? 0)]);
    const started = performance.now();
    const time = new Date().toISOString();
    const res = await this.exchange(url, request.method, headers, body, secure);
    const entry: LogEntry = {
      seq: this.exchanges.length + 1,
      time,
      operation: request.operation,
      method: request.method,
      url: url.href,
      httpVersion: res.message.httpVersion,
      status: res.message.statusCode ?? 0,
      durationMs: performance.now() - started,
      userId: null,
      remoteAddress: res.message.socket?.remoteAddress ?? '',
      requestHeaders: headers.map(([name, value]) => ({ name, value })),
      responseHeaders: headerLines(res.message),
      requestBody: body ? capture(body, headerOf(headers, 'content-type') ?? '') : null,
      responseBody: res.body.length > 0 ? capture(res.body, String(res.message.headers['content-type'] ?? '')) : null,
      faultId: null,
      knownBugs: [],
      aborted: false,
      notes: [],
    };
    this.exchanges.push(entry);
    const text = res.body.toString('utf8');
    return {
      entry,
      status: entry.status,
      body: res.body,
      text,
      headers: (name) => res.message.headersDistinct[name.toLowerCase()] ?? [],
      header: (name) => res.message.headersDistinct[name.toLowerCase()]?.[0],
      json: () => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return undefined;
        }
      },
    };
  }

  close(): void {
    this.httpsAgent.destroy();
    this.httpAgent.destroy();
  }

  private exchange(
    url: URL,
    method: string,
    headers: Array<[string, string]>,
    body: Buffer | undefined,
    secure: boolean,
  ): Promise<{ message: IncomingMessage; body: Buffer }> {
    const send = secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const fail = (error: NodeJS.ErrnoException) =>
        reject(new NoAnswerError(url.href, error.code ?? 'ERROR', `${error.code ? error.code + ': ' : ''}${error.message}`));
      const req = send(url, {
        method,
        headers: headerObject(headers),
        agent: secure ? this.httpsAgent : this.httpAgent,
        timeout: this.timeoutMs,
        ...(this.options.signal ? { signal: this.options.signal } : {}),
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', fail);
      req.on('socket', (socket) => {
        if (!secure || this.certificates.has(url.host)) return;
        socket.once('secureConnect', () => {
          const certificate = (socket as TLSSocket).getPeerCertificate(false);
          if (certificate && Object.keys(certificate).length > 0) this.certificates.set(url.host, certificate);
        });
      });
      req.on('response', (message: IncomingMessage) => {
        const chunks: Buffer[] = [];
        message.on('data', (chunk: Buffer) => chunks.push(chunk));
        message.on('error', fail);
        message.on('end', () => resolve({ message, body: Buffer.concat(chunks) }));
      });
      req.end(body);
    });
  }
}

function headerLines(message: IncomingMessage): HeaderLine[] {
  const lines: HeaderLine[] = [];
  for (let i = 0; i < message.rawHeaders.length; i += 2) lines.push({ name: message.rawHeaders[i]!, value: message.rawHeaders[i + 1]! });
  return lines;
}

/** Repeated names become one header with several values, in order. */
function headerObject(headers: Array<[string, string]>): Record<string, string | string[]> {
  const object: Record<string, string | string[]> = {};
  for (const [name, value] of headers) {
    const existing = object[name];
    object[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return object;
}

function headerOf(headers: Array<[string, string]>, name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

function capture(bytes: Buffer, contentType: string): CapturedBody {
  const kept = bytes.subarray(0, capturedBodyLimit);
  const text = kept.toString('utf8');
  const isText = !text.includes('\uFFFD') || /json|text|xml|form/i.test(contentType);
  return {
    text: isText ? text : kept.toString('base64'),
    encoding: isText ? 'utf8' : 'base64',
    size: bytes.length,
    truncated: bytes.length > capturedBodyLimit,
    mimeType: contentType,
  };
}
