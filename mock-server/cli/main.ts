#!/usr/bin/env node
import { startEngine, type Engine } from '../engine.js';
import { ConfigError, ListenError } from '../engine-errors.js';
import { engineVersion } from '../version.js';
import type { LogEntry } from '../log/entry.js';
import { UsageError, helpText, parseCli, type CliOptions } from './args.js';
import { readConfigFile } from './config-file.js';
import { runCheckCommand } from './check-command.js';
import { readFile } from 'node:fs/promises';
import { ProxyOptionsError, type ProxyTo } from '../proxy/options.js';
import type { ForwardProxyOptions } from '../proxy/options.js';

/** Exit codes, as --help documents them. */
export const ExitCode = { Ok: 0, StartFailed: 1, Usage: 2 } as const;

type Printer = {
  ready(engine: Engine, options: CliOptions): void;
  requests(entries: LogEntry[]): void;
  warning(message: string): void;
  stopped(): void;
  fatal(message: string): void;
};

function jsonPrinter(): Printer {
  const line = (value: object) => process.stdout.write(JSON.stringify(value) + '\n');
  return {
    ready(engine) {
      const { urls } = engine;
      const status = engine.status();
      line({
        event: 'ready',
        wopiOrigin: urls.wopiOrigin,
        bootstrapperUrl: urls.bootstrapperUrl,
        adminUrl: urls.adminUrl,
        uiUrl: urls.uiUrl,
        adminToken: urls.adminToken,
        deviceSetupUrl: urls.deviceSetupUrl,
        caCertificate: urls.caCertificatePath,
        caFingerprintSha256: urls.caFingerprintSha256,
        dataDir: status.dataDir,
        version: status.version,
        ...(status.proxy ? { proxyTo: status.proxy.upstream, insecureUpstream: status.proxy.insecure } : {}),
        ...(status.forwardProxy
          ? {
              forwardProxyUrl: status.forwardProxy.proxyUrl,
              forwardProxyPort: status.forwardProxy.port,
              intercept: status.forwardProxy.intercept,
              forwardProxyInsecure: status.forwardProxy.insecure,
            }
          : {}),
      });
    },
    requests(entries) {
      for (const e of entries)
        line({
          event: 'request',
          seq: e.seq,
          time: e.time,
          operation: e.operation,
          method: e.method,
          url: e.url,
          status: e.status,
          durationMs: e.durationMs,
          userId: e.userId,
          faultId: e.faultId,
          ...(e.source !== undefined ? { source: e.source, upstreamTtfbMs: e.upstreamTtfbMs } : {}),
        });
    },
    warning: (message) => line({ event: 'warning', message }),
    stopped: () => line({ event: 'stopped' }),
    fatal: (message) => line({ event: 'error', message }),
  };
}

function humanPrinter(quiet: boolean): Printer {
  const out = (text: string) => process.stdout.write(text + '\n');
  return {
    ready(engine) {
      const { urls } = engine;
      const status = engine.status();
      const others = status.lanBootstrapperUrls.filter((u) => u !== urls.bootstrapperUrl);
      out(`WOPI Mock Host ${status.version}`);
      if (status.proxy) {
        out(`  Reverse proxy   every WOPI request is forwarded to ${status.proxy.upstream} and logged`);
        if (status.proxy.insecure) out("  WARNING         --insecure-upstream: the upstream's certificate is NOT verified");
      }
      if (status.forwardProxy) {
        const forward = status.forwardProxy;
        out(`  Forward proxy   ${forward.proxyUrl}: set the phone's Wi-Fi HTTP proxy to ${forward.proxyHost}, port ${forward.port}`);
        out(`  Intercepting    ${forward.intercept.join(', ')} (decrypted with this host's CA and logged; the rest is tunnelled)`);
        for (const override of forward.resolve) out(`  Resolve         ${override}`);
        if (forward.insecure && !status.proxy?.insecure)
          out("  WARNING         --insecure-upstream: the intercepted hosts' certificates are NOT verified");
      }
      if (status.proxy || status.forwardProxy)
        out('  Proxy settings  saved with the config: change them on the Proxy screen; --no-proxy starts without them');
      out(`  Bootstrapper    ${urls.bootstrapperUrl}`);
      out(`  WOPI origin     ${urls.wopiOrigin}`);
      if (others.length > 0) out(`  Also answers on ${others.join('\n                  ')}`);
      out(`  Desktop UI      ${urls.uiUrl}`);
      out(`  Admin API       ${urls.adminUrl}`);
      out(`  Admin token     ${urls.adminToken}`);
      out(`  CA certificate  ${urls.caCertificatePath}`);
      out(`  CA SHA-256      ${urls.caFingerprintSha256}`);
      out(`  Phone set-up    open ${urls.deviceSetupUrl} on the device (CA download and steps)`);
      out(`  Mock users      ${engine.store.config.users.map((u) => u.id).join(', ') || '(none)'}`);
      out(`  Data dir        ${status.dataDir}`);
      for (const warning of status.warnings) out(`  warning: ${warning.path}: ${warning.message}`);
      out(quiet ? 'Press Ctrl+C to stop.' : 'Requests appear below. Press Ctrl+C to stop.');
    },
    requests(entries) {
      if (quiet) return;
      for (const e of entries) {
        const time = e.time.slice(11, 19);
        out(
          `${time} ${String(e.status).padStart(3)} ${e.method.padEnd(4)} ${e.operation.padEnd(22)} ${e.url.replace(/access_token=[^&]+/, 'access_token=…').slice(0, 80)} ${e.userId ?? '-'} ${e.durationMs.toFixed(1)}ms${e.faultId ? ` fault ${e.faultId}` : ''}${e.source === 'proxy' ? ` via upstream (ttfb ${e.upstreamTtfbMs?.toFixed(1) ?? '-'}ms)` : ''}`,
        );
      }
    },
    warning: (message) => process.stderr.write(`warning: ${message}\n`),
    stopped: () => out('Stopped.'),
    fatal: (message) => process.stderr.write(`wopi-mock-host: ${message}\n`),
  };
}

export async function main(args: string[]): Promise<number> {
  // Subcommands: serve (the default), check, validate.
  if (args[0] === 'check') return runCheckCommand(args.slice(1));
  // Loaded on demand: the validator's XML, JSONPath and schema libraries stay out of serve and check.
  if (args[0] === 'validate') return (await import('../../validator/cli.js')).runValidator(args.slice(1));
  const argv = args[0] === 'serve' ? args.slice(1) : args;
  let command;
  try {
    command = parseCli(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`wopi-mock-host: ${error.message}\n`);
      return ExitCode.Usage;
    }
    throw error;
  }
  if (command.kind === 'help') return (void process.stdout.write(helpText + '\n'), ExitCode.Ok);
  if (command.kind === 'version') return (void process.stdout.write(engineVersion + '\n'), ExitCode.Ok);

  const options = command.options;
  const printer = options.json ? jsonPrinter() : humanPrinter(options.quiet);
  // A reader that goes away (`| head -1` after the ready line, a closed CI log) must not take the host down with it.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  let engine: Engine;
  try {
    const config = options.configFile !== undefined ? await readConfigFile(options.configFile) : undefined;
    const proxyTo = options.proxy ? await proxyOptions(options.proxy) : undefined;
    const forwardProxy = options.forwardProxy ? await forwardProxyOptions(options.forwardProxy) : undefined;
    engine = await startEngine({
      dataDir: options.dataDir,
      host: options.host,
      port: options.port,
      adminPort: options.adminPort,
      publicHost: options.publicHost,
      config,
      adminToken: options.adminToken,
      logCapacity: options.logCapacity,
      proxyTo,
      forwardProxy,
      noProxy: options.noProxy,
    });
  } catch (error) {
    if (error instanceof UsageError || error instanceof ProxyOptionsError) {
      printer.fatal(error.message);
      return ExitCode.Usage;
    }
    if (error instanceof ConfigError) {
      printer.fatal(error.message.replace(/^the config/, `config file ${options.configFile}`));
      return ExitCode.Usage;
    }
    if (error instanceof ListenError) {
      printer.fatal(error.message);
      return ExitCode.StartFailed;
    }
    printer.fatal(`could not start: ${(error as Error).message}`);
    return ExitCode.StartFailed;
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) {
        process.exit(ExitCode.StartFailed); // a second Ctrl+C while saving: the user insists
      }
      stopping = true;
      engine.stop().then(
        () => {
          printer.stopped();
          resolve(ExitCode.Ok);
        },
        (error: unknown) => {
          printer.fatal(`stopping failed: ${(error as Error).message}`);
          resolve(ExitCode.StartFailed);
        },
      );
    };
    // Handlers go in before "ready" is printed: whoever reads "ready" may signal at once.
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    printer.ready(engine, options);
    for (const warning of engine.startupWarnings) printer.warning(warning);
    engine.store.on('error', (error) => printer.warning(error.message));
    engine.log.on('entries', (entries) => printer.requests(entries));
  });
}

/** The engine's proxyTo from the flags; the CA file is read here so a bad path is a usage error. */
async function proxyOptions(proxy: NonNullable<CliOptions['proxy']>): Promise<ProxyTo> {
  const ca = await readUpstreamCa(proxy.caFile);
  return { upstream: proxy.upstream, ...(ca !== undefined ? { ca } : {}), insecure: proxy.insecure, rewriteAll: proxy.rewriteAll };
}

/** The engine's forwardProxy from the flags. */
async function forwardProxyOptions(forward: NonNullable<CliOptions['forwardProxy']>): Promise<ForwardProxyOptions> {
  const upstreamCa = await readUpstreamCa(forward.caFile);
  return {
    port: forward.port,
    intercept: forward.intercept,
    resolve: forward.resolve,
    ...(upstreamCa !== undefined ? { upstreamCa } : {}),
    insecure: forward.insecure,
  };
}

async function readUpstreamCa(file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  let ca: string;
  try {
    ca = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--upstream-ca ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--upstream-ca ${file}: not a PEM certificate`);
  return ca;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`wopi-mock-host: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = ExitCode.StartFailed;
  },
);
