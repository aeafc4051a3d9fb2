import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Config, ConfigIssue } from '../state/config-schema.js';
import type { ConfigApplier, PreparedConfig } from '../state/store.js';
import type { ProxySection } from '../state/proxy-section.js';
import { resolveForwardProxy, resolveProxyTo, type ResolvedForwardProxy, type ResolvedProxyTo } from './options.js';
import { ReverseProxy, type ProxyStatus, type ReverseProxyContext } from './reverse-proxy.js';
import { ForwardProxy, type ForwardProxyContext } from './forward-proxy.js';
import type { ForwardProxyStatus } from './forward-status.js';

type ServerTimeouts = ConstructorParameters<typeof ForwardProxy>[2];

/** A refusal may say which listener error it was, for the engine's start. */
type Prepared = Extract<PreparedConfig, { ok: true }> | { ok: false; errors: ConfigIssue[]; listenError?: NodeJS.ErrnoException };

export interface ProxyModesDeps {
  /** What answers the WOPI listener's requests while no reverse proxy is set: the mock host. */
  mock: RequestListener;
  reverse: ReverseProxyContext;
  forward: ForwardProxyContext;
  serverTimeouts: ServerTimeouts;
  /** The WOPI listener's address; the forward proxy listens beside it (undefined: every interface). */
  host: string | undefined;
}

/**
 * The proxy modes the config's `proxy` section asks for, applied while the host runs: the WOPI
 * listener's requests go to the reverse proxy or to the mock, and the forward proxy's listener is
 * opened, changed in place or closed. A config that cannot run (a busy port, an upstream that is
 * this host itself) is refused before it is saved, and what runs stays as it was.
 */
export class ProxyModes implements ConfigApplier {
  private reverse: ReverseProxy | null = null;
  private forward: ForwardProxy | null = null;
  /** The port the config asked the running forward proxy for (0 while it runs on the one it got). */
  private forwardAskedPort: number | null = null;

  constructor(private readonly deps: ProxyModesDeps) {}

  /** The WOPI listener's request handler. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (this.reverse) this.reverse.handle(req, res);
    else this.deps.mock(req, res);
  };

  /**
   * A change of anything else leaves the proxies alone: a saved forward proxy that could not open
   * its port at start must not block an unrelated change. Saving the section again (`reapply`,
   * PUT /api/proxy) starts it again.
   */
  prepare(next: Config, current: Config, reapply: boolean): Promise<PreparedConfig> {
    if (!reapply && JSON.stringify(next.proxy) === JSON.stringify(current.proxy))
      return Promise.resolve({ ok: true, activate: () => {}, discard: () => {} });
    return this.prepareSection(next.proxy);
  }

  /** Applies the section as the host starts: a refusal is returned (with the listener's error, if that was it), and nothing of it runs. */
  async start(section: ProxySection): Promise<{ errors: ConfigIssue[]; listenError?: NodeJS.ErrnoException } | null> {
    const prepared = await this.prepareSection(section);
    if (!prepared.ok) return prepared;
    prepared.activate();
    return null;
  }

  private async prepareSection(section: ProxySection): Promise<Prepared> {
    const planned = this.plan(section);
    if (!planned.ok) return planned;
    const { reverse, forward } = planned;
    const nextReverse = this.nextReverse(reverse);
    let started: ForwardProxy | null = null;
    let reconfigured: ResolvedForwardProxy | null = null;
    if (forward && this.forward && this.runsOn(forward.port)) {
      if (JSON.stringify({ ...forward, port: 0 }) !== JSON.stringify({ ...this.forward.options, port: 0 })) reconfigured = forward;
    } else if (forward) {
      started = new ForwardProxy(forward, this.deps.forward, this.deps.serverTimeouts);
      try {
        await started.listen(this.deps.host);
      } catch (error) {
        await started.close();
        if (nextReverse !== this.reverse) nextReverse?.close();
        return {
          ok: false,
          errors: [{ path: '$.proxy.forward.port', message: listenProblem(this.deps.host, forward.port, error) }],
          listenError: error as NodeJS.ErrnoException,
        };
      }
    }
    return {
      ok: true,
      activate: () => {
        if (nextReverse !== this.reverse) {
          this.reverse?.retire();
          this.reverse = nextReverse;
        }
        if (started) {
          void this.forward?.close();
          this.forward = started;
        } else if (reconfigured) this.forward?.reconfigure(reconfigured);
        else if (!forward && this.forward) {
          void this.forward.close();
          this.forward = null;
        }
        this.forwardAskedPort = forward ? forward.port : null;
      },
      discard: () => {
        if (nextReverse !== this.reverse) nextReverse?.close();
        void started?.close();
      },
    };
  }

  status(): { proxy?: ProxyStatus; forwardProxy?: ForwardProxyStatus } {
    return {
      ...(this.reverse ? { proxy: this.reverse.status() } : {}),
      ...(this.forward ? { forwardProxy: this.forward.status() } : {}),
    };
  }

  async close(): Promise<void> {
    this.reverse?.close();
    await this.forward?.close();
  }

  private plan(
    section: ProxySection,
  ): { ok: true; reverse: ResolvedProxyTo | null; forward: ResolvedForwardProxy | null } | { ok: false; errors: ConfigIssue[] } {
    // The section passed the config schema, so its upstream parses; what is left to refuse is a loop.
    const reverse = resolveProxyTo(section);
    if (reverse && this.deps.reverse.isLocalOrigin(reverse.upstream)) {
      return {
        ok: false,
        errors: [
          {
            path: '$.proxy.reverse.upstream',
            message: `${reverse.upstream} is this host's own WOPI listener: every request would be forwarded to itself; give the origin of the host to watch`,
          },
        ],
      };
    }
    return { ok: true, reverse, forward: resolveForwardProxy(section) };
  }

  /** The reverse proxy for the new settings: the running one when nothing changed, counts kept while the upstream stays. */
  private nextReverse(options: ResolvedProxyTo | null): ReverseProxy | null {
    const running = this.reverse;
    if (JSON.stringify(options) === JSON.stringify(running?.options ?? null)) return running;
    if (!options) return null;
    const counts = running && running.options.upstream === options.upstream ? running.countsSoFar : undefined;
    return new ReverseProxy(options, this.deps.reverse, counts);
  }

  /** Whether the running forward proxy already serves a config asking for this port. */
  private runsOn(port: number): boolean {
    return port === this.forwardAskedPort || (port !== 0 && port === this.forward?.status().port);
  }
}

function listenProblem(host: string | undefined, port: number, error: unknown): string {
  const where = `${host ?? 'every interface'}:${port}`;
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return `port ${port} is already in use on ${host ?? 'every interface'}; choose another (0 picks any free port)`;
    case 'EACCES':
      return `no permission to listen on ${where} (ports below 1024 need privileges); choose another`;
    default:
      return `the forward proxy could not listen on ${where}: ${(error as Error).message}`;
  }
}
