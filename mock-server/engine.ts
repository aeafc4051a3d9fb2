import { fileURLToPath } from 'node:url';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { Route } from './protocol/headers.js';
import { describeIssue, formatJsonPath, parseConfig, type ConfigIssue, type ParsedConfig } from './state/config-schema.js';
import { loadPersistedState, emptySections, type PersistedSections } from './state/persisted-state.js';
import { Store } from './state/store.js';
import { loadOrCreateSigningKey } from './tokens/signing-key.js';
import { TokenService } from './tokens/token-service.js';
import { UsedCodes } from './tokens/used-codes.js';
import { IssuedTokens } from './tokens/issued-tokens.js';
import { FileStore } from './storage/file-store.js';
import { RequestLog, defaultLogCapacity } from './log/request-log.js';
import { ensureTlsMaterial } from './tls/certificates.js';
import { wopiTlsOptions } from './tls/server-options.js';
import { createWopiApp } from './http/app.js';
import type { HostContext } from './http/context.js';
import { createAdminApp } from './admin/admin-app.js';
import { CheckRuns } from './admin/check-runs.js';
import { ExpireNow } from './tokens/expire-now.js';
import { RotatedRefreshTokens } from './tokens/rotated-refresh-tokens.js';
import { restoreTokenLedger, tokenLedgerSnapshot } from './tokens/token-ledger.js';
import { ScenarioBook } from './scenarios/scenario-book.js';
import { defaultTestCasesFile } from '../validator/test-cases-location.js';
import type { EngineStatus } from './admin/status.js';
import { defaultUiDir } from './admin/ui.js';
import { ConfigError, ListenError } from './engine-errors.js';
import { engineStatus } from './engine-status.js';
import { defaultPublicHost, hostForUrl } from './network/endpoints.js';
import { engineVersion } from './version.js';
import { secondsToMs } from './protocol/time.js';
import { ProxyOptionsError, proxySectionFromOptions, type ForwardProxyOptions, type ProxyTo } from './proxy/options.js';
import { proxySectionSchema, type ProxySection } from './state/proxy-section.js';
import { ProxyModes } from './proxy/proxy-modes.js';

export interface EngineOptions {
  /** Where config, keys, certificates and files persist. */
  dataDir: string;
  /**
   * WOPI listener address and port (default 8443; 0 = any free). Without an address it listens on
   * every interface, IPv6 and IPv4 (Node's `::` with its IPv4 fallback): the LAN must reach it at
   * every address its certificate names.
   */
  host?: string;
  port?: number;
  /** Admin listener port on 127.0.0.1 (default 8444; 0 = any free). */
  adminPort?: number;
  /** Host name or IP in every URL handed out; default: the first LAN IPv4, else localhost. */
  publicHost?: string;
  /** A config document that replaces the persisted one (the CLI's --config). */
  config?: unknown;
  /** Admin bearer token; default: random per start. */
  adminToken?: string;
  logCapacity?: number;
  /** Cap on each captured request/response body in the log, in bytes (default 16 KiB). */
  logBodyLimit?: number;
  clock?: () => number;
  /** For tests: the machine's name and interfaces, as os.hostname() / os.networkInterfaces() return them. */
  hostname?: string;
  interfaces?: NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  /** The built UI the admin listener serves (default: dist/renderer beside the compiled engine). */
  uiDir?: string;
  /** The WOPI validator's TestCases.xml for "Check this mock" with write tests; default: WOPI_VALIDATOR_DATA, else ../shared/wopi-validator. */
  validatorTestCases?: string;
  /** Socket timeouts of both listeners; tests shorten them to show slow clients are cut off. */
  timeouts?: Partial<ServerTimeouts>;
  /**
   * Reverse proxy mode (`--proxy-to`): the WOPI listener forwards every request to this upstream
   * instead of answering from the mock, and logs each exchange. The admin API, log and UI keep working.
   * Given here or as `forwardProxy`, the proxy options replace the config's `proxy` section (and
   * are saved with it), as a change on the Proxy screen would.
   */
  proxyTo?: ProxyTo;
  /**
   * Intercepting forward proxy (`--forward-proxy`) on its own listener, for a phone's Wi-Fi proxy
   * setting: CONNECTs to the intercepted domains are decrypted, logged and sent on to the real
   * host; the rest is tunnelled untouched. The WOPI listener keeps serving (the mock, or --proxy-to).
   */
  forwardProxy?: ForwardProxyOptions;
  /** Start with the config's `proxy` section emptied (the CLI's --no-proxy): the mock answers, no forward proxy runs. */
  noProxy?: boolean;
}

/** How long a client may take, in milliseconds, before its connection is closed. */
export interface ServerTimeouts {
  /** To complete the TLS handshake (a connection that never speaks TLS). */
  handshakeMs: number;
  /** To send all request headers (slowloris). */
  headersMs: number;
  /** To send the whole request, body included; generous for big uploads. */
  requestMs: number;
  /** An idle keep-alive connection stays open this long. */
  keepAliveMs: number;
  /** How often the header and request timeouts are checked (Node's default is 30 s, which would let a slow client overstay by that much). */
  checkIntervalMs: number;
}

export const defaultServerTimeouts: ServerTimeouts = {
  handshakeMs: 20_000,
  headersMs: 20_000,
  requestMs: 300_000,
  keepAliveMs: 10_000,
  checkIntervalMs: 5_000,
};

export interface EngineUrls {
  wopiOrigin: string;
  bootstrapperUrl: string;
  adminUrl: string;
  /** The UI on the admin listener, with the admin token in the fragment (never sent to a server). */
  uiUrl: string;
  adminToken: string;
  caCertificatePath: string;
  caFingerprintSha256: string;
  /** The page a phone opens to install the CA. */
  deviceSetupUrl: string;
}

export interface Engine {
  readonly store: Store;
  readonly log: RequestLog;
  readonly files: FileStore;
  readonly issuedTokens: IssuedTokens;
  /** "Expire now" per user and token kind. */
  readonly expireNow: ExpireNow;
  /** Built-in and saved scenarios, applied and removed in one go. */
  readonly scenarios: ScenarioBook;
  readonly urls: EngineUrls;
  /** Problems found while loading persisted state (kept-aside files and the like). */
  readonly startupWarnings: string[];
  status(): EngineStatus;
  /** Sizes of the in-memory structures that must stay bounded; the soak (soak/) watches them. */
  counters(): EngineCounters;
  stop(): Promise<void>;
}

export interface EngineCounters {
  logEntries: number;
  logCapacity: number;
  /** Tokens remembered as verified (TokenService; capped). */
  verifiedTokens: number;
  /** Tokens listed per user for the UI, and codes not yet redeemed (IssuedTokens; capped per user, expired ones purged). */
  issuedTokens: number;
  openCodes: number;
  /** Redeemed authorization codes remembered until they would have expired (UsedCodes). */
  usedCodes: number;
  /** Files and containers in the storage index. */
  storedResources: number;
}

/**
 * Builds and starts the mock host: the WOPI listener (HTTPS only) and the loopback admin API.
 * The CLI, the desktop app and the tests all start it here.
 */
export async function startEngine(options: EngineOptions): Promise<Engine> {
  // Checked before anything is created: a wrong upstream must not leave a data dir half made.
  const proxyOverride = startingProxySection(options);
  const wallClock = options.clock ?? Date.now;
  const interfaces = options.interfaces ?? os.networkInterfaces();
  const hostname = options.hostname ?? os.hostname();
  const publicHost = options.publicHost ?? defaultPublicHost(interfaces);
  const startupWarnings: string[] = [];
  await mkdir(options.dataDir, { recursive: true });

  const { config, warnings, userEpochs, sections, needsSave } = await loadStartingConfig(options, proxyOverride, startupWarnings);
  const store = new Store({ config, warnings, userEpochs, sections, dataDir: options.dataDir });
  if (needsSave) await store.saveNow();
  // The host's "now": the wall clock moved by clockOffsetSeconds (virtual time). Certificates and
  // the log stay on the wall clock: a phone checks validity against its own time.
  let offsetMs = secondsToMs(store.config.clockOffsetSeconds);
  store.on('config', (next) => (offsetMs = secondsToMs(next.clockOffsetSeconds)));
  const clock = () => wallClock() + offsetMs;

  const tls = await ensureTlsMaterial({ dataDir: options.dataDir, publicHost, hostname, interfaces, now: new Date(wallClock()) });
  startupWarnings.push(...tls.warnings);
  const signingKey = await loadOrCreateSigningKey(options.dataDir);
  startupWarnings.push(...signingKey.warnings);
  const issuedTokens = new IssuedTokens({ clock, epochOf: (userId) => store.epochOf(userId) });
  store.on('revoked', (userId) => issuedTokens.forgetUser(userId));
  store.on('config', (next) => issuedTokens.retainUsers(next.users.map((user) => user.id)));
  const tokens = await TokenService.create(signingKey.secret, clock, issuedTokens);
  const opened = await FileStore.open(options.dataDir, clock);
  startupWarnings.push(...opened.warnings);
  const files = opened.store;
  for (const user of store.config.users) await files.ensureRoot(user);
  store.on('config', (next) => {
    for (const user of next.users) void files.ensureRoot(user).catch((error: unknown) => store.emit('error', error as Error));
  });
  // Background failures (a fault countdown that could not be saved, a new user's root container
  // that could not be made) arrive as 'error' events, which would crash the host unheard. Nothing
  // reports them yet: the countdown is saved again with the next change, and the root is made
  // again on the user's first bootstrap or ecosystem call.
  store.on('error', () => {});

  const log = new RequestLog(options.logCapacity ?? defaultLogCapacity);
  let wopiPort = 0;
  let adminPort = 0;
  const origin = () => `https://${hostForUrl(publicHost)}:${wopiPort}`;
  const hostNames = new Set(tls.leafSubjectAltNames.map((san) => san.value.toLowerCase()));
  // Made once the WOPI listener is bound; the set-up page asks for the forward proxy from the first request on.
  let modes: ProxyModes | null = null;
  // The token ledger outlives a restart: each change is saved in the background with the state.
  const ledgerChanged = () => store.sectionChanged();
  const usedCodes = new UsedCodes({
    clock,
    onUsed: (jti) => issuedTokens.redeemed(jti),
    grantLifetimeMs: () => {
      const ttl = store.config.tokenTtlSeconds;
      return secondsToMs(Math.max(ttl.oauthAccessToken, ttl.refreshToken));
    },
    onChange: ledgerChanged,
  });
  const expireNow = new ExpireNow(clock, ledgerChanged);
  const rotatedRefreshTokens = new RotatedRefreshTokens(clock, undefined, ledgerChanged);
  const ledger = { usedCodes, rotatedRefreshTokens, expireNow };
  restoreTokenLedger(ledger, sections.tokens);
  store.attachSection('tokens', () => tokenLedgerSnapshot(ledger));
  store.on('revoked', (userId) => expireNow.forget(userId));
  const scenarios = new ScenarioBook({ store, files, expireNow, wallClock }, sections.scenarios);
  const context: HostContext = {
    store,
    tokens,
    files,
    log,
    usedCodes,
    expireNow,
    rotatedRefreshTokens,
    clock,
    wallClock,
    origin,
    wopiSrcContext: () => ({ hostNames, port: wopiPort }),
    caCertificatePem: tls.caCertPem,
    logBodyLimit: options.logBodyLimit ?? 16 * 1024,
    forwardProxyPort: () => modes?.status().forwardProxy?.port,
  };

  // Slow clients must not hold sockets forever (slowloris); generous enough for big uploads.
  const timeouts = { ...defaultServerTimeouts, ...options.timeouts };
  const serverTimeouts = {
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
  };
  const wopiHost = options.host;
  const proxyModes = new ProxyModes({
    mock: createWopiApp(context),
    reverse: {
      log,
      faults: store,
      logBodyLimit: context.logBodyLimit,
      wallClock,
      localOrigin: origin,
      isLocalOrigin: (candidate) => {
        const url = new URL(candidate);
        const port = url.port === '' ? 443 : Number(url.port);
        return port === wopiPort && hostNames.has(url.hostname.replace(/^\[|\]$/g, '').toLowerCase());
      },
    },
    forward: {
      log,
      faults: store,
      logBodyLimit: context.logBodyLimit,
      wallClock,
      issueLeafFor: tls.issueLeafFor,
      publicHost,
      handshakeTimeoutMs: timeouts.handshakeMs,
    },
    serverTimeouts,
    host: wopiHost,
  });
  const wopiServer = createHttpsServer(
    { ...wopiTlsOptions(tls), handshakeTimeout: timeouts.handshakeMs, ...serverTimeouts },
    proxyModes.handle,
  );
  wopiPort = await listen(wopiServer, wopiHost, options.port ?? 8443, 'WOPI');
  const proxyRefused = await startProxyModes(proxyModes, store.config.proxy, proxyOverride !== undefined, startupWarnings);
  if (proxyRefused) {
    issuedTokens.close();
    await Promise.all([close(wopiServer), proxyModes.close()]);
    throw proxyRefused.listenError
      ? new ListenError(
          'forward proxy',
          wopiHost ?? 'every interface',
          store.config.proxy.forward?.port ?? 0,
          proxyRefused.listenError.code,
        )
      : new ProxyOptionsError(proxyRefused.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  }
  modes = proxyModes;
  store.useApplier(proxyModes);

  const adminToken = options.adminToken ?? randomToken();
  const startedAt = new Date(wallClock()).toISOString();
  const urls: EngineUrls = {
    wopiOrigin: origin(),
    bootstrapperUrl: origin() + Route.Bootstrapper,
    adminUrl: '',
    uiUrl: '',
    adminToken,
    caCertificatePath: tls.caCertPath,
    caFingerprintSha256: tls.caFingerprintSha256,
    deviceSetupUrl: origin() + Route.DeviceSetup,
  };
  const status = (): EngineStatus =>
    engineStatus({
      startedAt,
      urls,
      wopiPort,
      publicHost,
      dataDir: options.dataDir,
      tls,
      log,
      warnings: store.warnings,
      startupWarnings,
      ...proxyModes.status(),
    });
  const checks = new CheckRuns({
    store,
    origin,
    caCertificatePem: tls.caCertPem,
    testCasesPath: options.validatorTestCases ?? defaultTestCasesFile(fileURLToPath(new URL('../../', import.meta.url))),
  });
  const adminServer = createHttpServer(
    serverTimeouts,
    createAdminApp({
      store,
      log,
      token: adminToken,
      port: () => adminPort,
      status,
      origin,
      caCertificatePath: tls.caCertPath,
      caCertificatePem: tls.caCertPem,
      publicHost,
      issuedTokens,
      files,
      uiDir: options.uiDir ?? defaultUiDir,
      version: engineVersion,
      checks,
      expireNow,
      scenarios,
    }),
  );
  try {
    adminPort = await listen(adminServer, '127.0.0.1', options.adminPort ?? 8444, 'admin');
  } catch (error) {
    issuedTokens.close();
    await Promise.all([close(wopiServer), proxyModes.close()]);
    throw error;
  }
  urls.adminUrl = `http://127.0.0.1:${adminPort}`;
  urls.uiUrl = `${urls.adminUrl}/#token=${encodeURIComponent(adminToken)}`;

  return {
    store,
    log,
    files,
    issuedTokens,
    expireNow,
    scenarios,
    urls,
    startupWarnings,
    status,
    counters: () => ({
      logEntries: log.size,
      logCapacity: log.capacity,
      verifiedTokens: tokens.verifiedCount,
      issuedTokens: issuedTokens.size,
      openCodes: issuedTokens.openCodeCount,
      usedCodes: usedCodes.size,
      storedResources: files.resourceCount,
    }),
    async stop() {
      checks.close();
      issuedTokens.close();
      await Promise.all([close(wopiServer), close(adminServer), proxyModes.close()]);
      await store.flush();
      await files.flush();
    },
  };
}

/**
 * The `proxy` section the engine's options ask for, checked; undefined when they leave the
 * config's own in force.
 */
function startingProxySection(options: EngineOptions): ProxySection | undefined {
  if (options.noProxy && (options.proxyTo || options.forwardProxy))
    throw new ProxyOptionsError('noProxy cannot go with proxyTo or forwardProxy');
  if (!options.noProxy && !options.proxyTo && !options.forwardProxy) return undefined;
  const parsed = proxySectionSchema.safeParse(options.noProxy ? {} : proxySectionFromOptions(options.proxyTo, options.forwardProxy));
  if (parsed.success) return parsed.data;
  throw new ProxyOptionsError(
    parsed.error.issues.map((issue) => `${formatJsonPath(['proxy', ...issue.path])}: ${describeIssue(issue)}`).join('; '),
  );
}

/**
 * Starts the proxy modes of the starting config. Those the options asked for must run (the refusal
 * is returned); saved ones that cannot run now (a port taken since) are left out with a warning,
 * so the host still starts, and run once saved again from the Proxy screen.
 */
async function startProxyModes(
  modes: ProxyModes,
  section: ProxySection,
  fromOptions: boolean,
  startupWarnings: string[],
): Promise<Awaited<ReturnType<ProxyModes['start']>>> {
  let refused = await modes.start(section);
  if (!refused || fromOptions) return refused;
  let remaining = section;
  for (const part of ['forward', 'reverse'] as const) {
    if (!refused || !refused.errors.some((e) => e.path.startsWith(`$.proxy.${part}`))) continue;
    startupWarnings.push(
      `the saved ${part === 'forward' ? 'forward proxy' : 'reverse proxy'} is not running: ${refused.errors.map((e) => e.message).join('; ')}. ` +
        'Change it on the Proxy screen, or save it again once that is fixed',
    );
    remaining = { ...remaining, [part]: null };
    refused = await modes.start(remaining);
  }
  return refused;
}

async function loadStartingConfig(
  options: EngineOptions,
  proxy: ProxySection | undefined,
  startupWarnings: string[],
): Promise<{
  config: ParsedConfig;
  warnings: ConfigIssue[];
  userEpochs: Record<string, string>;
  sections: PersistedSections;
  needsSave: boolean;
}> {
  const persisted = await loadPersistedState(options.dataDir);
  if (persisted.kind === 'unreadable') {
    startupWarnings.push(
      `persisted state ${persisted.file} could not be read (${persisted.problem}); it was kept at ${persisted.keptAt} and the host started from ${options.config !== undefined ? 'the given config' : 'defaults'}`,
    );
  }
  const userEpochs = persisted.kind === 'loaded' ? persisted.state.userEpochs : {};
  // A --config replaces the config only: replayed codes, revocations and saved scenarios stay.
  const sections: PersistedSections =
    persisted.kind === 'loaded' ? { tokens: persisted.state.tokens, scenarios: persisted.state.scenarios } : emptySections();
  if (options.config !== undefined) {
    const parsed = parseConfig(options.config);
    if (!parsed.ok) throw new ConfigError('the config', parsed.errors);
    return { config: withProxy(parsed.config, proxy), warnings: parsed.warnings, userEpochs, sections, needsSave: true };
  }
  const parsed = parseConfig(persisted.kind === 'loaded' ? persisted.state.config : {});
  if (!parsed.ok) throw new ConfigError('the persisted config', parsed.errors);
  return {
    config: withProxy(parsed.config, proxy),
    warnings: parsed.warnings,
    userEpochs,
    sections,
    needsSave: persisted.kind !== 'loaded' || persisted.migrated || proxy !== undefined,
  };
}

/** The config with the options' proxy section in place of its own, when they give one (already checked). */
function withProxy(config: ParsedConfig, proxy: ProxySection | undefined): ParsedConfig {
  return proxy === undefined ? config : { ...config, proxy };
}

function randomToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url');
}

function listen(server: HttpsServer | HttpServer, host: string | undefined, port: number, listener: 'WOPI' | 'admin'): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(new ListenError(listener, host ?? 'every interface', port, error.code));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: HttpsServer | HttpServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
