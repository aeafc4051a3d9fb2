import type { Config, ProxySection } from '../../api/client.ts';

/**
 * The Proxy screen's editable copy of `config.proxy`. A mode switched off keeps what was typed
 * for it (upstream, port, domains), so switching it back on does not start from nothing; only
 * the saved section says null. Numbers stay text while typed, so a half-typed one is not lost.
 */
export interface ProxyForm {
  mode: 'mock' | 'reverse';
  upstream: string;
  rewriteAll: boolean;
  forwardOn: boolean;
  port: string;
  intercept: string[];
  resolve: string[];
  upstreamCa: string;
  insecureUpstream: boolean;
  timeoutMs: string;
}

/** What the engine fills in for a forward proxy saved without a port (state/proxy-section.ts). */
const engineDefaultForwardPort = 8080;

export const proxyPaths = {
  upstream: '$.proxy.reverse.upstream',
  rewriteAll: '$.proxy.reverse.rewriteAll',
  port: '$.proxy.forward.port',
  intercept: '$.proxy.forward.intercept',
  resolve: '$.proxy.forward.resolve',
  upstreamCa: '$.proxy.upstreamCa',
  insecureUpstream: '$.proxy.insecureUpstream',
  timeoutMs: '$.proxy.timeoutMs',
} as const;

/** Every path a field shows messages for now: a mode switched off shows none of its fields. */
export function shownPaths(form: ProxyForm): string[] {
  return [
    ...(form.mode === 'reverse' ? [proxyPaths.upstream, proxyPaths.rewriteAll] : []),
    ...(form.forwardOn
      ? [
          proxyPaths.port,
          proxyPaths.intercept,
          proxyPaths.resolve,
          ...form.intercept.map((_, index) => `${proxyPaths.intercept}[${index}]`),
          ...form.resolve.map((_, index) => `${proxyPaths.resolve}[${index}]`),
        ]
      : []),
    proxyPaths.upstreamCa,
    proxyPaths.insecureUpstream,
    proxyPaths.timeoutMs,
  ];
}

export function selectProxyForm(config: Config): ProxyForm {
  const { reverse, forward, upstreamCa, insecureUpstream, timeoutMs } = config.proxy;
  return {
    mode: reverse ? 'reverse' : 'mock',
    upstream: reverse?.upstream ?? '',
    rewriteAll: reverse?.rewriteAll ?? false,
    forwardOn: forward !== null,
    port: String(forward?.port ?? engineDefaultForwardPort),
    intercept: forward?.intercept ?? [],
    resolve: forward?.resolve ?? [],
    upstreamCa: upstreamCa ?? '',
    insecureUpstream,
    timeoutMs: String(timeoutMs),
  };
}

/** The section to save; list items go as typed, so the engine's `[i]` in an error still names the item shown. */
export function proxySectionOf(form: ProxyForm): ProxySection {
  return {
    reverse: form.mode === 'reverse' ? { upstream: form.upstream.trim(), rewriteAll: form.rewriteAll } : null,
    forward: form.forwardOn ? { port: Number(form.port), intercept: form.intercept, resolve: form.resolve } : null,
    upstreamCa: form.upstreamCa.trim() === '' ? null : form.upstreamCa,
    insecureUpstream: form.insecureUpstream,
    timeoutMs: Number(form.timeoutMs),
  };
}

export const applyProxyForm = (config: Config, form: ProxyForm): Config => ({ ...config, proxy: proxySectionOf(form) });

const wholeNumber = /^\s*\d+\s*$/;

/** Problems the form finds before sending, by path: numbers that are not numbers never reach the engine. */
export function localProblems(form: ProxyForm): Map<string, string> {
  const problems = new Map<string, string>();
  if (form.forwardOn && (!wholeNumber.test(form.port) || Number(form.port) > 65535))
    problems.set(proxyPaths.port, 'enter a port from 0 to 65535 (0 picks any free port)');
  if (!wholeNumber.test(form.timeoutMs)) problems.set(proxyPaths.timeoutMs, 'enter a whole number of milliseconds');
  if (form.mode === 'reverse' && form.upstream.trim() === '')
    problems.set(proxyPaths.upstream, 'enter the upstream’s origin, e.g. https://wopi.contoso.com');
  return problems;
}

/** A card's part of the form: the values, a change to some of them, and the messages for a path. */
export interface ProxyFormPart {
  form: ProxyForm;
  update: (change: Partial<ProxyForm>) => void;
  issuesAt: (path: string) => { errors: string[]; warnings: string[] };
}
