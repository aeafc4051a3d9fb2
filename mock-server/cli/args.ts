import { parseArgs } from 'node:util';
import path from 'node:path';
import { defaultDataDir } from './data-dir.js';
import { parseUpstream } from '../proxy/origins.js';
import { InterceptDomainError, normalizeInterceptDomain } from '../proxy/intercept.js';
import { ResolveOverrideError, parseResolveOverride } from '../proxy/resolve-override.js';
import { defaultForwardProxyPort } from '../state/proxy-section.js';

export interface CliOptions {
  port: number;
  /** Undefined: every interface, IPv6 and IPv4. */
  host: string | undefined;
  adminPort: number;
  publicHost: string | undefined;
  dataDir: string;
  configFile: string | undefined;
  adminToken: string | undefined;
  logCapacity: number;
  json: boolean;
  quiet: boolean;
  /** Reverse proxy mode (`--proxy-to`): undefined answers from the mock. */
  proxy: CliProxyOptions | undefined;
  /** Forward proxy mode (`--forward-proxy`): undefined runs none. */
  forwardProxy: CliForwardProxyOptions | undefined;
  /** `--no-proxy`: empty the saved proxy settings; the mock answers. */
  noProxy: boolean;
}

export interface CliForwardProxyOptions {
  port: number;
  /** Normalized `--intercept` patterns, in order, without repeats. */
  intercept: string[];
  /** `--resolve host:port:address` values, checked, as given. */
  resolve: string[];
  /** `--upstream-ca FILE`, resolved; read when the host starts. */
  caFile: string | undefined;
  insecure: boolean;
}

export interface CliProxyOptions {
  /** The upstream origin, normalized. */
  upstream: string;
  /** `--upstream-ca FILE`, resolved; read when the host starts. */
  caFile: string | undefined;
  insecure: boolean;
  rewriteAll: boolean;
}

export type CliCommand = { kind: 'help' } | { kind: 'version' } | { kind: 'serve'; options: CliOptions };

/** A mistake in the command line; the message says what to change. */
export class UsageError extends Error {}

export const helpText = `Usage: npm run serve -- [options]
       wopi-mock-host [serve] [options]
       wopi-mock-host check <bootstrapperUrl> [options]   (see check --help)
       wopi-mock-host validate [options]                  (the WOPI validator's cases; see validate --help)

An HTTPS mock WOPI host for Office mobile: bootstrapper, OAuth sign-in and token
endpoints, ecosystem, containers and files, with fault injection and a live log.

Options:
  --port <n>           WOPI (HTTPS) port; 0 picks any free port     [default: 8443]
  --host <address>     address the WOPI listener binds to           [default: every interface, IPv6 and IPv4]
  --admin-port <n>     admin API port on 127.0.0.1; 0 = any free     [default: 8444]
  --public-host <h>    host name or IP used in every URL handed out  [default: first LAN IPv4, else localhost]
  --data-dir <dir>     where config, keys, certificates and files live
                       [default: the desktop app's data folder]
  --config <file>      start from this config document (wins over the persisted one)
  --admin-token <t>    admin API bearer token                        [default: random per start]
  --log-capacity <n>   requests kept in the in-memory log            [default: 5000]
  --proxy-to <origin>  reverse proxy: forward every WOPI request to https://their-host[:port]
                       and log it (URLs in answers point back here); the mock answers nothing
  --upstream-ca <file> with --proxy-to or --forward-proxy: also trust this CA (PEM) for the
                       upstream, besides the system store
  --insecure-upstream  with --proxy-to or --forward-proxy: do not verify the upstream's
                       certificate (noted on every log entry)
  --proxy-rewrite-all  with --proxy-to: also rewrite authorization_uri and browser/sharing URLs
  --forward-proxy      intercepting forward proxy for the phone's Wi-Fi proxy setting, on its own
                       port beside the WOPI listener: CONNECTs to --intercept names are decrypted
                       (a leaf from this host's CA), logged and sent on unchanged; others are
                       tunnelled undecrypted; plain http:// requests pass as they came, unlogged
  --forward-port <n>   with --forward-proxy: its port; 0 = any free        [default: ${defaultForwardProxyPort}]
  --intercept <domain> with --forward-proxy: a name to decrypt (wopi.example.com, or *.example.com
                       for every name below it); repeat for more; at least one
  --resolve <h:p:addr> with --forward-proxy: connect to addr for host h port p, as curl's --resolve
                       (SNI, Host and the certificate check keep the name); repeatable
                       The proxy flags replace the config's proxy section and are saved with it,
                       as the Proxy screen's changes are: later starts keep them
  --no-proxy           start with the saved proxy settings emptied: the mock answers, no forward proxy
  --json               print one JSON object per line (first: {"event":"ready",...})
  --quiet              do not print a line per request (human output only)
  --help               show this help
  --version            print the version

Exit codes: 0 stopped cleanly, 1 could not start (e.g. port in use), 2 bad flags or config.
Docs: README.md (walk-through, config reference), docs/admin-api.md.`;

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new UsageError(`--${name} must be a port number from 0 to 65535, not "${value}"`);
  return Number(value);
}

export function parseCli(argv: string[], cwd = process.cwd()): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'admin-port': { type: 'string' },
        'public-host': { type: 'string' },
        'data-dir': { type: 'string' },
        config: { type: 'string' },
        'admin-token': { type: 'string' },
        'log-capacity': { type: 'string' },
        'proxy-to': { type: 'string' },
        'upstream-ca': { type: 'string' },
        'insecure-upstream': { type: 'boolean', default: false },
        'proxy-rewrite-all': { type: 'boolean', default: false },
        'forward-proxy': { type: 'boolean', default: false },
        'no-proxy': { type: 'boolean', default: false },
        'forward-port': { type: 'string' },
        intercept: { type: 'string', multiple: true },
        resolve: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify a positional argument.*$/s, '')} (see --help)`);
  }
  const { values } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const logCapacity = values['log-capacity'];
  if (logCapacity !== undefined && (!/^\d+$/.test(logCapacity) || Number(logCapacity) < 1 || Number(logCapacity) > 10_000_000)) {
    throw new UsageError(`--log-capacity must be a whole number from 1 to 10000000, not "${logCapacity}"`);
  }
  for (const name of ['host', 'public-host', 'data-dir', 'config', 'admin-token', 'proxy-to', 'upstream-ca', 'forward-port'] as const) {
    if (values[name] !== undefined && values[name].trim() === '') throw new UsageError(`--${name} must not be empty`);
  }
  const adminToken = values['admin-token'];
  if (adminToken !== undefined && adminToken.length < 8) throw new UsageError('--admin-token must be at least 8 characters');
  const proxyTo = values['proxy-to'];
  let proxy: CliProxyOptions | undefined;
  if (proxyTo !== undefined) {
    const upstream = parseUpstream(proxyTo);
    if (!upstream.ok) throw new UsageError(`--proxy-to: ${upstream.reason}`);
    const caFile = values['upstream-ca'];
    proxy = {
      upstream: upstream.origin,
      caFile: caFile !== undefined ? path.resolve(cwd, caFile) : undefined,
      insecure: values['insecure-upstream'],
      rewriteAll: values['proxy-rewrite-all'],
    };
  } else if (values['proxy-rewrite-all']) throw new UsageError('--proxy-rewrite-all needs --proxy-to');
  const forwardProxy = values['forward-proxy'] ? forwardProxyOptions(values, cwd) : undefined;
  if (!values['forward-proxy']) {
    for (const flag of ['forward-port', 'intercept', 'resolve'] as const)
      if (values[flag] !== undefined) throw new UsageError(`--${flag} needs --forward-proxy`);
  }
  if (values['no-proxy'] && (proxy !== undefined || forwardProxy !== undefined))
    throw new UsageError(`--no-proxy cannot go with ${proxy !== undefined ? '--proxy-to' : '--forward-proxy'}`);
  if (proxy === undefined && forwardProxy === undefined) {
    for (const flag of ['upstream-ca', 'insecure-upstream'] as const)
      if (values[flag] !== undefined && values[flag] !== false) throw new UsageError(`--${flag} needs --proxy-to or --forward-proxy`);
  }
  return {
    kind: 'serve',
    options: {
      port: port('port', values.port, 8443),
      host: values.host,
      adminPort: port('admin-port', values['admin-port'], 8444),
      publicHost: values['public-host'],
      dataDir: values['data-dir'] !== undefined ? path.resolve(cwd, values['data-dir']) : defaultDataDir(),
      configFile: values.config !== undefined ? path.resolve(cwd, values.config) : undefined,
      adminToken,
      logCapacity: logCapacity !== undefined ? Number(logCapacity) : 5000,
      json: values.json,
      quiet: values.quiet,
      proxy,
      forwardProxy,
      noProxy: values['no-proxy'],
    },
  };
}

function forwardProxyOptions(
  values: { 'forward-port'?: string; intercept?: string[]; resolve?: string[]; 'upstream-ca'?: string; 'insecure-upstream'?: boolean },
  cwd: string,
): CliForwardProxyOptions {
  const patterns = values.intercept ?? [];
  if (patterns.length === 0)
    throw new UsageError(
      '--forward-proxy needs at least one --intercept <domain>: the names to decrypt (e.g. --intercept wopi.example.com)',
    );
  const intercept: string[] = [];
  const resolve: string[] = [];
  try {
    for (const pattern of patterns) {
      const normalized = normalizeInterceptDomain(pattern);
      if (!intercept.includes(normalized)) intercept.push(normalized);
    }
  } catch (error) {
    if (error instanceof InterceptDomainError) throw new UsageError(`--intercept: ${error.message}`);
    throw error;
  }
  try {
    for (const text of values.resolve ?? []) {
      parseResolveOverride(text);
      resolve.push(text);
    }
  } catch (error) {
    if (error instanceof ResolveOverrideError) throw new UsageError(`--resolve: ${error.message}`);
    throw error;
  }
  const caFile = values['upstream-ca'];
  return {
    port: port('forward-port', values['forward-port'], defaultForwardProxyPort),
    intercept,
    resolve,
    caFile: caFile !== undefined ? path.resolve(cwd, caFile) : undefined,
    insecure: values['insecure-upstream'] === true,
  };
}
