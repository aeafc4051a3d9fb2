import type { RuleId } from '../analysis/rulebook.js';
import { CheckClient, NoAnswerError, type Exchange, type OutgoingRequest } from './client.js';
import { Ledger } from './ledger.js';
import type { CheckOptions } from './options.js';
import { Redactor } from './redact.js';

/** The host could not be reached at all: nothing can be checked, which is not the same as a rule failing. */
export class HostUnreachable extends Error {}

/** What one phase learns that later ones need. */
export interface Discovered {
  authorizationUri?: string;
  tokenIssuanceUri?: string;
  /** The OAuth access token the bootstrapper is called with. */
  accessToken?: string;
  refreshToken?: string;
  /** Why there is no access token, for every phase that needs one. */
  noAccessToken?: string;
  userId?: string;
  ecosystemUrl?: string;
  rootContainerUrl?: string;
  /** A file's URL with its access token, found by browsing. */
  fileUrl?: string;
  /** A second file or container (URL with token), for the token-scope probe. */
  otherResource?: { url: string; kind: 'file' | 'container' };
  /** Work left for the end of the run because it may revoke what the run still uses. */
  deferred: Array<() => Promise<void>>;
}

/** One run of the checker: its client, its ledger of rules, and what it has found out so far. */
export class CheckRun {
  readonly redactor = new Redactor();
  readonly ledger = new Ledger(this.redactor);
  readonly client: CheckClient;
  readonly found: Discovered = { deferred: [] };

  constructor(
    readonly bootstrapperUrl: string,
    readonly options: CheckOptions,
  ) {
    this.client = new CheckClient({
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
      ...(options.insecure ? { insecure: true } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for (const secret of [options.accessToken, options.refreshToken, options.secondAccessToken, options.client?.clientSecret])
      this.redactor.add(secret);
  }

  /**
   * Sends a request and runs the spec check on the exchange. No answer at all books `rule` as
   * broken with the network error and gives null, so a phase goes on with what it has.
   */
  async send(request: OutgoingRequest, rule: RuleId): Promise<Exchange | null> {
    this.options.signal?.throwIfAborted();
    try {
      const exchange = await this.client.send(request);
      this.learnSecrets(exchange);
      this.ledger.observe(exchange.entry);
      return exchange;
    } catch (error) {
      if (!(error instanceof NoAnswerError)) throw error;
      this.options.signal?.throwIfAborted();
      this.ledger.broken(rule, `${request.method} ${request.url} got no answer: ${error.message}`, undefined);
      return null;
    }
  }

  /** The Bearer header Office sends to the bootstrapper. */
  bearer(token = this.found.accessToken): Array<[string, string]> {
    return token === undefined ? [] : [['Authorization', `Bearer ${token}`]];
  }

  /** Tokens the host hands out are secrets too; a report must not show them. */
  private learnSecrets(exchange: Exchange): void {
    const body = exchange.json();
    const visit = (value: unknown, key: string): void => {
      if (typeof value === 'string') {
        // The properties that hold credentials, not every name with "token" in it (token_type is "bearer").
        if (/^(access_token|refresh_token|id_token|code|AccessToken)$/.test(key)) this.redactor.add(value);
        try {
          const url = new URL(value);
          this.redactor.add(url.searchParams.get('access_token') ?? undefined);
        } catch {
          /* not a URL */
        }
      } else if (Array.isArray(value)) value.forEach((item) => visit(item, key));
      else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, k);
    };
    visit(body, '');
    const location = exchange.header('location');
    if (location) {
      try {
        const url = new URL(location);
        for (const name of ['code', 'access_token']) this.redactor.add(url.searchParams.get(name) ?? undefined);
      } catch {
        /* not an absolute URL */
      }
    }
  }
}

/** A WOPI resource URL with a segment added to its path, the query kept (`…/children?access_token=…`). */
export function withPath(url: string, suffix: string): string {
  const parsed = new URL(url);
  parsed.pathname = parsed.pathname.replace(/\/+$/, '') + suffix;
  return parsed.href;
}

/** The same URL with another access_token (or none). */
export function withToken(url: string, token: string | null): string {
  const parsed = new URL(url);
  if (token === null) parsed.searchParams.delete('access_token');
  else parsed.searchParams.set('access_token', token);
  return parsed.href;
}

/** A WopiSrc: the resource URL without its query. */
export function wopiSrcOf(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  parsed.hash = '';
  return parsed.href;
}

export type Json = Record<string, unknown>;

export function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

export function stringAt(value: unknown, ...path: string[]): string | undefined {
  let node: unknown = value;
  for (const key of path) node = asObject(node)?.[key];
  return typeof node === 'string' ? node : undefined;
}
