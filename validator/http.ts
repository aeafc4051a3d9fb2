import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Agent as HttpAgent, request as httpRequest, STATUS_CODES, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { rootCertificates } from 'node:tls';
import { Header, noResponseStatus } from './constants.js';

/** One request as the validator sends it: headers in order, redirects never followed. */
export interface OutgoingRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Array<[string, string]>;
  body: Buffer | null;
}

/** What validators look at (the validator's `IResponseData`). */
export interface ResponseData {
  status: number;
  /** Lowercased names; a header sent more than once is joined with `,` as .NET does. */
  headers: Map<string, string>;
  body: Buffer;
  /** Whether the operation expects text (GetFile does not). */
  isTextResponse: boolean;
  elapsedMs: number;
}

const untrustedCertificate = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

export function headerValue(response: ResponseData, name: string): string | undefined {
  return response.headers.get(name.toLowerCase());
}

/** The body as text: UTF-8 with a byte-order mark dropped (StreamReader's defaults). */
export function bodyText(response: ResponseData): string {
  const text = response.body.toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

export function statusText(status: number): string {
  return status === noResponseStatus ? 'no response' : (STATUS_CODES[status] ?? '');
}

export interface TransportOptions {
  /** Extra CA certificates (PEM) to trust besides Node's bundle: the mock's own CA, or `--ca`. */
  ca?: string | undefined;
  timeoutMs?: number;
  /** Sent as User-Agent when set; the validator sends none unless OfficeNativeClient tests run. */
  userAgent?: string | undefined;
  /** Accept any certificate (the host checker's --insecure). */
  insecure?: boolean;
}

/** Sends requests over keep-alive connections; a request that gets no answer becomes the validator's 306 response. */
export class Transport {
  private readonly httpsAgent: HttpsAgent;
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly timeoutMs: number;

  constructor(private readonly options: TransportOptions = {}) {
    this.httpsAgent = new HttpsAgent({
      keepAlive: true,
      ...(options.ca ? { ca: [...rootCertificates, options.ca] } : {}),
      ...(options.insecure ? { rejectUnauthorized: false } : {}),
    });
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  async send(request: OutgoingRequest, isTextResponse: boolean, userAgent = this.options.userAgent): Promise<ResponseData> {
    const started = performance.now();
    try {
      const { status, headers, body } = await this.exchange(request, userAgent);
      return { status, headers, body, isTextResponse, elapsedMs: performance.now() - started };
    } catch (error) {
      // Validator ExceptionHelper.WrapExceptionInResponseData: no response, the reason in a header.
      const code = (error as NodeJS.ErrnoException).code;
      const hint =
        code !== undefined && untrustedCertificate.has(code) ? ' (pass --ca with the CA certificate of the host under test)' : '';
      const reason = `${code ?? 'Error'}: ${(error as Error).message}${hint}`;
      return {
        status: noResponseStatus,
        headers: new Map([[Header.ValidatorError.toLowerCase(), reason]]),
        body: Buffer.alloc(0),
        isTextResponse,
        elapsedMs: performance.now() - started,
      };
    }
  }

  close(): void {
    this.httpsAgent.destroy();
    this.httpAgent.destroy();
  }

  private exchange(
    request: OutgoingRequest,
    userAgent: string | undefined,
  ): Promise<{ status: number; headers: Map<string, string>; body: Buffer }> {
    const url = new URL(request.url);
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') return Promise.reject(new Error(`${request.url} is not an http(s) URL`));
    const headers: Record<string, string> = {};
    for (const [name, value] of request.headers) headers[name] = value;
    if (userAgent !== undefined) headers['User-Agent'] = userAgent;
    // The validator sets ContentLength on every request it writes a body for, 0 for an empty POST.
    if (request.body !== null || request.method === 'POST') headers['Content-Length'] = String(request.body?.length ?? 0);
    const send = secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { method: request.method, headers, agent: secure ? this.httpsAgent : this.httpAgent, timeout: this.timeoutMs });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no response within ${this.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: joinHeaders(res), body: Buffer.concat(chunks) }));
      });
      req.end(request.body ?? undefined);
    });
  }
}

function joinHeaders(res: IncomingMessage): Map<string, string> {
  const headers = new Map<string, string>();
  for (const [name, values] of Object.entries(res.headersDistinct)) if (values) headers.set(name, values.join(','));
  return headers;
}
