import type {
  ChallengeView,
  Config,
  ConfigIssue,
  ConfigSaved,
  DeviceEndpoint,
  EngineStatus,
  ExplainedFault,
  FaultAdded,
  FaultList,
  FaultRule,
  FaultRuleInput,
  FaultsCleared,
  ForwardProxyStatus,
  IssuedTokenInfo,
  LogEntry,
  LogPage,
  LogSummary,
  ProxySection,
  ProxyStatus,
  ProxyView,
  UserRevoked,
  UserTokens,
  UserTokensExpired,
  ExpirableKind,
} from '../../../mock-server/admin/contract.ts';

// The admin API's types, declared once in the engine (mock-server/admin/contract.ts).
export type {
  Config,
  ConfigIssue,
  ConfigSaved,
  FaultRule,
  FaultRuleInput,
  LogEntry,
  LogPage,
  LogSummary,
  EngineStatus,
  DeviceEndpoint,
  ProxyStatus,
  ForwardProxyStatus,
  ProxySection,
  ProxyView,
  IssuedTokenInfo,
  ExplainedFault,
  UserTokensExpired,
  ExpirableKind,
};

/** The admin token travels in the URL fragment once (`#token=…`) and lives in sessionStorage after. */
const tokenStorageKey = 'wopi-mock-host.admin-token';

function takeTokenFromLocation(): string | null {
  const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (match) {
    const token = decodeURIComponent(match[1]!);
    sessionStorage.setItem(tokenStorageKey, token);
    // Keep the token out of the visible URL, history and screenshots.
    history.replaceState(null, '', location.pathname + location.search + '#/');
    return token;
  }
  return sessionStorage.getItem(tokenStorageKey);
}

let adminToken: string | null = null;

export function getAdminToken(): string | null {
  adminToken ??= takeTokenFromLocation();
  return adminToken;
}

/** Keeps a token the person pasted, as a token from the fragment is kept (sessionStorage). */
export function setAdminToken(token: string): void {
  sessionStorage.setItem(tokenStorageKey, token);
  adminToken = token;
}

/** The token in what was pasted: the admin URL the host printed (`…#token=…`), or the bare token. */
export function tokenFromPaste(text: string): string {
  const trimmed = text.trim();
  const match = /#(?:.*&)?token=([^&\s]*)/.exec(trimmed);
  if (!match) return trimmed;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1]!;
  }
}

/** Whether the engine takes this admin token: `GET /api/status` with it, before keeping it. */
export async function adminTokenAccepted(token: string): Promise<boolean> {
  let response: Response;
  try {
    response = await fetch('/api/status', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
  } catch (error) {
    throw unreachable(error);
  }
  if (response.status === 401) return false;
  if (!response.ok) throw await errorFrom(response);
  return true;
}

/**
 * An admin API answer that was not 2xx, or a request that never got one. `errors` are the
 * API's own `[{path, message}]` (JSON paths into the document sent), so forms can show each
 * message next to its field.
 */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: ConfigIssue[],
  ) {
    super(errors.map((e) => (e.path === '$' ? e.message : `${e.path}: ${e.message}`)).join('; ') || `the admin API answered ${status}`);
    this.name = 'AdminApiError';
  }

  /** Messages for exactly this JSON path. */
  messagesAt(path: string): string[] {
    return this.errors.filter((e) => e.path === path).map((e) => e.message);
  }
}

/** Status 0: the request never reached the engine (stopped, or the network failed). */
const unreachable = (cause: unknown) =>
  new AdminApiError(0, [
    { path: '$', message: `the engine cannot be reached (${cause instanceof Error ? cause.message : String(cause)})` },
  ]);

export async function adminFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const token = getAdminToken();
  const headers = new Headers(init.headers);
  if (token !== null) headers.set('Authorization', `Bearer ${token}`);
  if (init.body !== undefined && typeof init.body === 'string') headers.set('Content-Type', 'application/json');
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers, cache: 'no-store' });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw unreachable(error);
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

const signInHint = 'open the admin URL the host printed (it ends in #token=…)';

async function errorFrom(response: Response): Promise<AdminApiError> {
  const text = await response.text().catch(() => '');
  let errors: ConfigIssue[] = [];
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    if (Array.isArray(body.errors)) {
      errors = body.errors.filter(
        (e): e is ConfigIssue =>
          typeof e === 'object' &&
          e !== null &&
          typeof (e as ConfigIssue).path === 'string' &&
          typeof (e as ConfigIssue).message === 'string',
      );
    }
  } catch {
    // not JSON: a message is built from the status below
  }
  if (errors.length === 0) errors = [{ path: '$', message: `${response.status}: ${text.slice(0, 200) || response.statusText}` }];
  // Without the token nothing works; say how to get it rather than only that it is wrong.
  if (response.status === 401) errors = errors.map((e) => ({ ...e, message: `${e.message}: ${signInHint}` }));
  return new AdminApiError(response.status, errors);
}

async function json<T>(path: string, init?: RequestInit): Promise<T> {
  return (await adminFetch(path, init)).json() as Promise<T>;
}

const send = (method: string, body?: unknown): RequestInit => (body === undefined ? { method } : { method, body: JSON.stringify(body) });

/** Every admin endpoint the UI uses, typed with the engine's own types (docs/admin-api.md). */
export const adminApi = {
  status: () => json<EngineStatus>('/api/status'),
  config: () => json<Config>('/api/config'),
  putConfig: (config: Config) => json<ConfigSaved>('/api/config', send('PUT', config)),
  faults: async () => (await json<FaultList>('/api/faults')).faults,
  addFault: (rule: FaultRuleInput) => json<FaultAdded>('/api/faults', send('POST', rule)),
  removeFault: async (id: string) => void (await adminFetch(`/api/faults/${encodeURIComponent(id)}`, { method: 'DELETE' })),
  clearFaults: () => json<FaultsCleared>('/api/faults', { method: 'DELETE' }),
  revokeUser: (userId: string) => json<UserRevoked>(`/api/users/${encodeURIComponent(userId)}/revoke`, { method: 'POST' }),
  /** "Expire now": the user's tokens of these kinds count as expired from the next request on (not revoked). */
  expireUserTokens: (userId: string, kinds: ExpirableKind[]) =>
    json<UserTokensExpired>(`/api/users/${encodeURIComponent(userId)}/expire`, send('POST', { kinds })),
  userTokens: async (userId: string) => (await json<UserTokens>(`/api/users/${encodeURIComponent(userId)}/tokens`)).tokens,
  challenge: () => json<ChallengeView>('/api/challenge'),
  log: (options: { after?: number; limit?: number } = {}) => json<LogPage>(`/api/log${logQuery(options)}`),
  /** The same page as summaries (what the live stream sends): the Live log's table and the Flow screen need no more. */
  logSummaries: (options: { after?: number; limit?: number } = {}) =>
    json<LogPage<LogSummary>>(`/api/log${logQuery({ ...options, view: 'summary' })}`),
  logEntry: (seq: number) => json<LogEntry>(`/api/log/${seq}`),
  curl: async (seq: number) => (await adminFetch(`/api/log/${seq}/curl`)).text(),
  clearLog: async () => void (await adminFetch('/api/log', { method: 'DELETE' })),
  har: () => download('/api/log/har'),
  caCertificate: () => download('/api/ca.crt'),
  caMobileconfig: () => download('/api/ca.mobileconfig'),
  reset: () => json<ConfigSaved>('/api/reset', { method: 'POST' }),
  /** The saved proxy section and what runs now, read together so they never disagree by a race. */
  proxy: () => json<ProxyView>('/api/proxy'),
  /** Saves the proxy section and applies it; the same section again starts what could not run. */
  putProxy: (section: ProxySection) => json<ProxyView>('/api/proxy', send('PUT', section)),
};

function logQuery(options: { after?: number; limit?: number; view?: 'summary' }): string {
  const query = new URLSearchParams();
  if (options.after !== undefined) query.set('after', String(options.after));
  if (options.limit !== undefined) query.set('limit', String(options.limit));
  if (options.view !== undefined) query.set('view', options.view);
  return query.size > 0 ? `?${query}` : '';
}

export interface Download {
  blob: Blob;
  /** From Content-Disposition when the API names the file. */
  fileName: string | null;
}

/** A file from the admin API (it needs the admin token, so never a plain link); hand it to saveDownload. */
export async function download(path: string): Promise<Download> {
  const response = await adminFetch(path);
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const named = /filename="([^"]+)"/.exec(disposition);
  return { blob: await response.blob(), fileName: named ? named[1]! : null };
}

/** Hands a fetched file to the browser as a download (the token never appears in a link). */
export function saveDownload({ blob, fileName }: Download, fallbackName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName ?? fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
