import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { z } from 'zod';
import { checkHost } from '../check/check-host.js';
import type { CheckOptions } from '../check/options.js';
import type { checkRequestSchema, CheckRunView } from './check-request.js';
import type { Har } from '../log/har.js';
import type { Store } from '../state/store.js';
import type { Config } from '../state/config-schema.js';

export type { CheckRequest, CheckRunView } from './check-request.js';

/*
 * Host checks started from the desktop screen: each runs in the engine, reports its progress on
 * the admin stream and keeps its report and HAR for download. "Check this mock" is the same
 * check, pointed at this engine with its own CA, OAuth client and sign-in form.
 */

interface Run {
  view: CheckRunView;
  har: Har | null;
  abort: AbortController;
  paste: PassThrough | null;
}

const keptRuns = 10;

export interface CheckRunsDeps {
  store: Store;
  /** The WOPI origin, e.g. https://192.168.1.5:8443. */
  origin: () => string;
  caCertificatePem: string;
  testCasesPath?: string | undefined;
}

export class CheckRuns extends EventEmitter<{ changed: [CheckRunView] }> {
  private readonly runs = new Map<string, Run>();

  constructor(private readonly deps: CheckRunsDeps) {
    super();
  }

  list(): CheckRunView[] {
    return [...this.runs.values()].map((r) => r.view).reverse();
  }

  get(id: string): Run | undefined {
    return this.runs.get(id);
  }

  /**
   * What "Check this mock" trusts: this host's CA, and behind the reverse proxy the upstream's CA
   * too, since the sign-in page (authorization_uri) stays on the upstream.
   */
  private selfCheckCa(config: Config): string {
    const upstreamCa = config.proxy.reverse ? config.proxy.upstreamCa : null;
    return upstreamCa ? `${this.deps.caCertificatePem}\n${upstreamCa}` : this.deps.caCertificatePem;
  }

  /** Starts a run; the error names what is wrong with the request (a user that does not exist). */
  start(request: z.output<typeof checkRequestSchema>): CheckRunView | { error: string } {
    const config = this.deps.store.config;
    let url: string;
    let options: CheckOptions;
    const abort = new AbortController();
    let paste: PassThrough | null = null;
    if (request.target === 'self') {
      const user = request.user ?? config.users[0]?.id;
      if (user === undefined) return { error: 'there is no mock user to sign in as; add one on the Users screen' };
      if (!config.users.some((u) => u.id === user)) return { error: `there is no mock user "${user}"` };
      url = `${this.deps.origin()}/wopibootstrapper`;
      options = {
        signIn: 'form',
        formFields: { user },
        client: {
          clientId: config.oauth.clientId,
          clientSecret: config.oauth.clientSecret,
          auth: 'post',
          redirectUri: config.oauth.redirectUris[0]!,
        },
        ca: this.selfCheckCa(config),
        gentle: request.gentle,
        ...(request.write ? { write: this.deps.testCasesPath ? { testCasesPath: this.deps.testCasesPath } : {} } : {}),
      };
    } else {
      url = request.url;
      if (request.signIn === 'paste') paste = new PassThrough();
      options = {
        signIn: request.signIn,
        ...(request.client ? { client: request.client } : {}),
        ...(request.accessToken ? { accessToken: request.accessToken } : {}),
        ...(request.refreshToken ? { refreshToken: request.refreshToken } : {}),
        ...(request.secondAccessToken ? { secondAccessToken: request.secondAccessToken } : {}),
        formFields: request.formFields,
        ...(request.caPem ? { ca: request.caPem } : {}),
        insecure: request.insecure,
        gentle: request.gentle,
        trustedDomains: request.trustedDomains,
        ...(paste ? { pasteInput: paste } : {}),
      };
      if (request.signIn !== 'given' && !request.client)
        return { error: `a ${request.signIn} sign-in needs the OAuth client id and secret` };
    }
    const view: CheckRunView = {
      id: randomUUID(),
      target: url,
      self: request.target === 'self',
      state: 'running',
      startedAt: new Date().toISOString(),
      currentPhase: null,
      phases: [],
      signIn: null,
      report: null,
    };
    const run: Run = { view, har: null, abort, paste };
    this.runs.set(view.id, run);
    for (const old of [...this.runs.keys()].slice(0, Math.max(0, this.runs.size - keptRuns))) this.runs.delete(old);

    const changed = () => this.emit('changed', view);
    options.signal = abort.signal;
    options.onProgress = (event) => {
      if (event.type === 'phase') view.currentPhase = event.phase;
      else if (event.type === 'phase-done') {
        view.phases.push(event.phase);
        view.signIn = null;
      } else if (event.type === 'sign-in') {
        view.signIn = { url: event.url, message: event.message, mode: options.signIn === 'paste' ? 'paste' : 'loopback' };
      }
      changed();
    };
    void checkHost(url, options).then(({ report, har }) => {
      view.state = abort.signal.aborted ? 'cancelled' : 'done';
      view.currentPhase = null;
      view.signIn = null;
      view.phases = report.phases;
      view.report = report;
      run.har = har;
      paste?.end();
      changed();
    });
    changed();
    return view;
  }

  /** A paste sign-in: the URL the browser ended on, with code=. */
  paste(id: string, redirectedTo: string): boolean {
    const run = this.runs.get(id);
    if (!run?.paste || run.view.state !== 'running') return false;
    run.paste.write(`${redirectedTo}\n`);
    return true;
  }

  cancel(id: string): boolean {
    const run = this.runs.get(id);
    if (!run || run.view.state !== 'running') return false;
    run.abort.abort();
    return true;
  }

  /** Stops every run (the engine is stopping). */
  close(): void {
    for (const run of this.runs.values()) run.abort.abort();
  }
}
