import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultTestCasesFile } from '../../validator/test-cases-location.js';
import { checkHost } from '../check/check-host.js';
import { formatReport, reportFormats, type ReportFormat } from '../check/formats.js';
import type { CheckOptions, ClientCredentials, SignInMode } from '../check/options.js';
import { UsageError } from './args.js';

/** Exit codes, as --help documents them. */
export const CheckExit = { Passed: 0, Failed: 1, Usage: 2, Broken: 3 } as const;

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export const checkHelpText = `Usage: npm run check -- <bootstrapperUrl> [options]
       wopi-mock-host check <bootstrapperUrl> [options]

Plays Office mobile against a WOPI bootstrapper and reports every spec rule it breaks: TLS, the
challenge, the OAuth sign-in and token endpoint, the profile, ecosystem, containers and files,
GetNewAccessToken, trusted domains and (opt-in) the WOPI validator's write tests.

Getting a token (secrets are read from the environment too, and never printed):
  --access-token <t>        an OAuth access token for the bootstrapper  [env WOPI_CHECK_ACCESS_TOKEN]
  --refresh-token <t>       its refresh token, to check refresh         [env WOPI_CHECK_REFRESH_TOKEN]
  --sign-in <mode>          form | paste | loopback: run the host's real sign-in
                            form: fill the sign-in page's form with --form-field name=value
                            paste: print the URL, read the redirected URL (with code=) from stdin
                            loopback: RFC 8252 listener on 127.0.0.1; the URL is printed (--open opens it)
  --form-field <n=v>        a field to set on the sign-in form (repeatable), e.g. user=alice
  --open                    loopback: open the sign-in URL in the default browser
  --client-id <id>          OAuth client id                             [env WOPI_CHECK_CLIENT_ID]
  --client-secret <s>       OAuth client secret                         [env WOPI_CHECK_CLIENT_SECRET]
  --redirect-uri <uri>      redirect URI      [default: https://localhost; loopback: its own listener]
  --client-auth <m>         post | basic (RFC 6749 §2.3.1)              [default: post, as Office sends]
  --second-access-token <t> a second account's token: its files must be out of reach [env WOPI_CHECK_SECOND_ACCESS_TOKEN]

What to check:
  --trusted-domain <d>      every URL the host hands out must be inside d (repeatable)
  --gentle                  skip the negative OAuth probes (replayed code, wrong redirect_uri, wrong secret)
  --write                   create a scratch file, run the WOPI validator on it, delete it
  --test-cases <file>       the validator's TestCases.xml for --write  [env WOPI_VALIDATOR_DATA=<folder>;
                            default ../shared/wopi-validator/TestCases.xml when it exists]
  --ca <file>               also trust this CA certificate (PEM)
  --insecure                do not verify TLS (every report then starts with a warning)
  --timeout <ms>            per request                                 [default: 15000]

Output:
  --report <format>         text | json | junit | tap                   [default: text]
  --out <file>              write the report to a file instead of stdout
  --har <file>              write the checker's own traffic as HAR 1.2 (holds tokens: keep it private)
  --no-color                no colour in the text report (also when NO_COLOR is set or not a terminal)
  --help                    show this help

Exit codes: 0 every required rule passed, 1 a rule failed, 2 usage error, 3 the checker itself broke
or no rule ran. Docs: README.md "Check your own host", docs/check-report.md.`;

export interface CheckCommand {
  url: string;
  options: CheckOptions;
  report: ReportFormat;
  out: string | undefined;
  har: string | undefined;
  colour: boolean;
  caFile: string | undefined;
}

const signInModes: readonly SignInMode[] = ['given', 'form', 'paste', 'loopback'];

export function parseCheckArgs(argv: string[], env: NodeJS.ProcessEnv = process.env, isTty = false): CheckCommand | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        'access-token': { type: 'string' },
        'refresh-token': { type: 'string' },
        'second-access-token': { type: 'string' },
        'sign-in': { type: 'string' },
        'form-field': { type: 'string', multiple: true },
        open: { type: 'boolean', default: false },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        'redirect-uri': { type: 'string' },
        'client-auth': { type: 'string' },
        'trusted-domain': { type: 'string', multiple: true },
        gentle: { type: 'boolean', default: false },
        write: { type: 'boolean', default: false },
        'test-cases': { type: 'string' },
        ca: { type: 'string' },
        insecure: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        report: { type: 'string' },
        out: { type: 'string' },
        har: { type: 'string' },
        'no-color': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify a positional argument.*$/s, '')} (see check --help)`);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const [url, ...extra] = parsed.positionals;
  if (url === undefined) throw new UsageError('give the bootstrapper URL to check, e.g. check https://host/wopibootstrapper');
  if (extra.length > 0) throw new UsageError(`one bootstrapper URL at a time, not also "${extra.join(' ')}"`);
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new UsageError(`"${url}" is not an http(s) URL`);

  const accessToken = v['access-token'] ?? env['WOPI_CHECK_ACCESS_TOKEN'];
  const refreshToken = v['refresh-token'] ?? env['WOPI_CHECK_REFRESH_TOKEN'];
  const secondAccessToken = v['second-access-token'] ?? env['WOPI_CHECK_SECOND_ACCESS_TOKEN'];
  const mode = (v['sign-in'] ?? 'given') as SignInMode;
  if (!signInModes.includes(mode)) throw new UsageError(`--sign-in must be form, paste or loopback, not "${v['sign-in']}"`);
  if (mode !== 'given' && accessToken !== undefined && v['access-token'] !== undefined)
    throw new UsageError('--access-token and --sign-in exclude each other: either hand over a token or sign in');
  const formFields: Record<string, string> = {};
  for (const field of v['form-field'] ?? []) {
    const at = field.indexOf('=');
    if (at <= 0) throw new UsageError(`--form-field takes name=value, not "${field}"`);
    formFields[field.slice(0, at)] = field.slice(at + 1);
  }
  if (Object.keys(formFields).length > 0 && mode !== 'form') throw new UsageError('--form-field only applies with --sign-in form');

  const clientId = v['client-id'] ?? env['WOPI_CHECK_CLIENT_ID'];
  const clientSecret = v['client-secret'] ?? env['WOPI_CHECK_CLIENT_SECRET'];
  const redirectUri = v['redirect-uri'] ?? env['WOPI_CHECK_REDIRECT_URI'];
  const auth = v['client-auth'] ?? 'post';
  if (auth !== 'post' && auth !== 'basic') throw new UsageError(`--client-auth must be post or basic, not "${auth}"`);
  if ((clientId === undefined) !== (clientSecret === undefined))
    throw new UsageError('--client-id and --client-secret go together (or WOPI_CHECK_CLIENT_ID and WOPI_CHECK_CLIENT_SECRET)');
  if (mode !== 'given' && clientId === undefined)
    throw new UsageError(`--sign-in ${mode} needs the OAuth client: --client-id and --client-secret`);
  if (redirectUri !== undefined && !URL.canParse(redirectUri))
    throw new UsageError(`--redirect-uri "${redirectUri}" is not an absolute URI`);
  const client: ClientCredentials | undefined =
    clientId !== undefined && clientSecret !== undefined
      ? { clientId, clientSecret, auth, ...(redirectUri !== undefined ? { redirectUri } : {}) }
      : undefined;

  const report = (v.report ?? 'text') as ReportFormat;
  if (!reportFormats.includes(report)) throw new UsageError(`--report must be one of ${reportFormats.join(', ')}, not "${v.report}"`);
  let timeoutMs: number | undefined;
  if (v.timeout !== undefined) {
    if (!/^\d+$/.test(v.timeout) || Number(v.timeout) < 100)
      throw new UsageError(`--timeout must be a number of milliseconds ≥ 100, not "${v.timeout}"`);
    timeoutMs = Number(v.timeout);
  }
  const trustedDomains = v['trusted-domain'] ?? [];
  for (const domain of trustedDomains)
    if (!/^\*?\.?[a-z0-9.-]+$/i.test(domain))
      throw new UsageError(`--trusted-domain takes a domain name like contoso.com, not "${domain}"`);
  if (v['test-cases'] !== undefined && !v.write) throw new UsageError('--test-cases only applies with --write');
  const testCasesPath = v['test-cases'] !== undefined ? path.resolve(v['test-cases']) : defaultTestCasesFile(repoRoot, env);

  const options: CheckOptions = {
    signIn: mode,
    ...(client ? { client } : {}),
    ...(accessToken !== undefined && mode === 'given' ? { accessToken } : {}),
    ...(refreshToken !== undefined ? { refreshToken } : {}),
    ...(secondAccessToken !== undefined ? { secondAccessToken } : {}),
    formFields,
    insecure: v.insecure,
    gentle: v.gentle,
    trustedDomains,
    ...(v.write ? { write: testCasesPath !== undefined ? { testCasesPath } : {} } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(v.open ? { openUrl: openInBrowser } : {}),
  };
  return {
    url,
    options,
    report,
    out: v.out,
    har: v.har,
    colour: isTty && !v['no-color'] && env['NO_COLOR'] === undefined,
    caFile: v.ca,
  };
}

function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`could not open a browser (${command}); open the URL above yourself\n`));
  child.unref();
}

/** `wopi-mock-host check …`: parses, runs, writes the report and the HAR, and says how it went in the exit code. */
export async function runCheckCommand(argv: string[]): Promise<number> {
  let command: CheckCommand | 'help';
  try {
    command = parseCheckArgs(argv, process.env, process.stdout.isTTY === true);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`wopi-mock-host check: ${error.message}\n`);
    return CheckExit.Usage;
  }
  if (command === 'help') return (void process.stdout.write(checkHelpText + '\n'), CheckExit.Passed);
  if (command.caFile !== undefined) {
    try {
      command.options.ca = await readFile(command.caFile, 'utf8');
    } catch (error) {
      process.stderr.write(`wopi-mock-host check: cannot read --ca ${command.caFile}: ${(error as Error).message}\n`);
      return CheckExit.Usage;
    }
  }
  if (command.options.signIn === 'paste') command.options.pasteInput = process.stdin;
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  command.options.signal = controller.signal;
  command.options.onProgress = (event) => {
    if (event.type === 'sign-in') process.stderr.write(`${event.message}\n  ${event.url}\n`);
    // Live progress is for a person watching; a piped or redirected run gets only the report.
    else if (event.type === 'phase-done' && process.stderr.isTTY) process.stderr.write(`${event.phase.title}: ${event.phase.status}\n`);
  };

  const { report, har } = await checkHost(command.url, command.options);
  const text = formatReport(report, command.report, { colour: command.colour && command.out === undefined });
  try {
    if (command.out !== undefined) await writeFile(command.out, text);
    else process.stdout.write(text);
    if (command.har !== undefined) await writeFile(command.har, JSON.stringify(har, null, 2) + '\n', { mode: 0o600 });
  } catch (error) {
    process.stderr.write(`wopi-mock-host check: cannot write the report: ${(error as Error).message}\n`);
    return CheckExit.Broken;
  }
  if (report.outcome === 'error') {
    if (command.report !== 'text' || command.out !== undefined)
      process.stderr.write(`wopi-mock-host check: ${report.error?.split('\n')[0]}\n`);
    return CheckExit.Broken;
  }
  return report.outcome === 'failed' ? CheckExit.Failed : CheckExit.Passed;
}
