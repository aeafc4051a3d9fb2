import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { Operation } from '../protocol/operations.js';
import type { CheckRun } from './run.js';

/** What the sign-in produced: the URL the host redirected to, with `code` and `state` (or `error`). */
export interface SignInResult {
  redirectedTo: string;
  /** The redirect URI the code was issued for (the loopback listener's own, for `loopback`). */
  redirectUri: string;
}

/** A sign-in that could not finish; the message says what happened. */
export class SignInError extends Error {}

/** Parameters Office mobile adds to the authorization request (https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/mobile/scenarios/operational-flows; https://github.com/gtritchie/WOPIAuth/blob/ce7ff14a93048562794663f99dafe36a4a6e9042/WOPIAuth/SignInViewController.swift). */
export function authorizationRequestUrl(authorizationUri: string, clientId: string, redirectUri: string, state: string): string {
  const url = new URL(authorizationUri);
  const params: Array<[string, string]> = [
    ['client_id', clientId],
    ['redirect_uri', redirectUri],
    ['response_type', 'code'],
    ['rs', 'en-US'],
    ['build', '16.0.17928.20000'],
    ['platform', 'iOS'],
    ['scope', ''],
    ['state', state],
  ];
  for (const [name, value] of params) url.searchParams.append(name, value);
  return url.href;
}

interface HtmlForm {
  action: string;
  method: string;
  fields: Array<[string, string]>;
  /** Names of submit buttons and other choices the page offers, which `formFields` may set. */
  choices: Set<string>;
}

const attribute = (tag: string, name: string): string | undefined => {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  const raw = match?.[1] ?? match?.[2] ?? match?.[3];
  return raw === undefined ? undefined : decodeEntities(raw);
};

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, '&');
}

/** The forms of a simple sign-in page: enough for this mock and plain test identity providers, not a browser. */
export function parseForms(html: string, pageUrl: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const [, tag = '', inner = ''] = match;
    const fields: Array<[string, string]> = [];
    const choices = new Set<string>();
    for (const input of inner.matchAll(/<input\b[^>]*>/gi)) {
      const name = attribute(input[0], 'name');
      if (name === undefined) continue;
      const type = (attribute(input[0], 'type') ?? 'text').toLowerCase();
      if (type === 'submit' || type === 'radio' || type === 'checkbox') choices.add(name);
      else fields.push([name, attribute(input[0], 'value') ?? '']);
    }
    for (const other of inner.matchAll(/<(?:button|select|textarea)\b[^>]*>/gi)) {
      const name = attribute(other[0], 'name');
      if (name !== undefined) choices.add(name);
    }
    forms.push({
      action: new URL(attribute(tag, 'action') || pageUrl, pageUrl).href,
      method: (attribute(tag, 'method') ?? 'get').toUpperCase(),
      fields,
      choices,
    });
  }
  return forms;
}

function cookieHeader(jar: Map<string, string>): Array<[string, string]> {
  return jar.size === 0 ? [] : [['Cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; ')]];
}

function keepCookies(jar: Map<string, string>, setCookies: string[]): void {
  for (const line of setCookies) {
    const [pair = ''] = line.split(';');
    const at = pair.indexOf('=');
    if (at > 0) jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
}

const isRedirect = (status: number) => status >= 301 && status <= 308 && status !== 304;

/** Fetches the sign-in page, fills its form with the given fields, submits it and follows the host's own redirects. */
async function formSignIn(run: CheckRun, authorizationUrl: string, redirectUri: string, fields: Record<string, string>): Promise<string> {
  const jar = new Map<string, string>();
  const page = await run.send(
    { operation: Operation.Authorize, method: 'GET', url: authorizationUrl },
    'authorize-accepts-office-parameters',
  );
  if (!page) throw new SignInError('the authorization endpoint did not answer');
  keepCookies(jar, page.headers('set-cookie'));
  if (isRedirect(page.status) && page.header('location')?.startsWith(redirectUri))
    return new URL(page.header('location')!, page.entry.url).href;
  if (page.status !== 200)
    throw new SignInError(`the authorization endpoint answered ${page.status} to Office's parameters: ${page.text.slice(0, 200)}`);
  const forms = parseForms(page.text, page.entry.url);
  const wanted = Object.keys(fields);
  const form = forms.find((f) => wanted.some((name) => f.choices.has(name) || f.fields.some(([n]) => n === name))) ?? forms[0];
  if (!form) throw new SignInError('the sign-in page has no <form> to fill (use --sign-in loopback or paste for this host)');
  const values = new Map(form.fields);
  for (const [name, value] of Object.entries(fields)) values.set(name, value);
  const submitted = [...values];
  let answer =
    form.method === 'POST'
      ? await run.send(
          { operation: Operation.Authorize, method: 'POST', url: form.action, form: submitted, headers: cookieHeader(jar) },
          'authorize-accepts-office-parameters',
        )
      : await run.send(
          {
            operation: Operation.Authorize,
            method: 'GET',
            url: `${form.action.split('?')[0]}?${new URLSearchParams(submitted).toString()}`,
            headers: cookieHeader(jar),
          },
          'authorize-accepts-office-parameters',
        );
  for (let hops = 0; answer && hops < 8; hops++) {
    keepCookies(jar, answer.headers('set-cookie'));
    const location = answer.header('location');
    if (!isRedirect(answer.status) || location === undefined) break;
    const next = new URL(location, answer.entry.url).href;
    if (next.startsWith(redirectUri) || !/^https?:/.test(next)) return next;
    answer = await run.send({ operation: Operation.Authorize, method: 'GET', url: next, headers: cookieHeader(jar) }, 'authorize-redirect');
  }
  if (!answer) throw new SignInError('the sign-in form submission got no answer');
  throw new SignInError(
    `submitting the sign-in form answered ${answer.status} without redirecting to ${redirectUri}: ${answer.text
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 200)}`,
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new SignInError(`${what} did not finish within ${Math.round(ms / 1000)} s`));
    }, ms);
    // Not a SignInError: a cancelled run ends, it does not go on as if the sign-in had failed.
    const abort = () => {
      cleanup();
      reject(signal?.reason instanceof Error ? signal.reason : new Error('the check was cancelled'));
    };
    signal?.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Shows the URL; the person signs in and pastes the URL the browser ended on (a custom scheme or https://localhost). */
async function pasteSignIn(run: CheckRun, authorizationUrl: string): Promise<string> {
  const input = run.options.pasteInput;
  if (!input) throw new SignInError('paste sign-in needs an input to read the redirected URL from');
  run.options.onProgress?.({
    type: 'sign-in',
    url: authorizationUrl,
    message: 'Open this URL in a browser, sign in, then paste the full URL the browser was sent to (it holds code=…):',
  });
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    const line = await withTimeout(
      new Promise<string>((resolve, reject) => {
        lines.on('line', (text) => {
          if (/code=|error=/.test(text)) resolve(text.trim());
        });
        lines.on('close', () => reject(new SignInError('the input ended before a redirected URL with code= was pasted')));
      }),
      run.options.signInTimeoutMs ?? 300_000,
      'the paste sign-in',
      run.options.signal,
    );
    return line;
  } finally {
    lines.close();
  }
}

/** RFC 8252 §7.3: a listener on 127.0.0.1 takes the redirect; the browser goes there after the sign-in. */
async function loopbackSignIn(
  run: CheckRun,
  authorizationUrlFor: (redirectUri: string) => string,
  configured: string | undefined,
): Promise<SignInResult> {
  const fixed = configured ? new URL(configured) : undefined;
  let settle: (url: string) => void = () => {};
  const redirected = new Promise<string>((resolve) => (settle = resolve));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    if (!url.searchParams.has('code') && !url.searchParams.has('error')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Waiting for the sign-in redirect.');
      return;
    }
    const ok = url.searchParams.has('code');
    res
      .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
      .end(
        `<!doctype html><title>WOPI Mock Host checker</title><p>${ok ? 'Signed in. You can close this window; the check goes on.' : 'The host answered with an error; see the check report.'}</p>`,
      );
    settle(url.href);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new SignInError(`cannot listen for the loopback redirect: ${error.message}`)));
    server.listen(fixed ? Number(fixed.port || 80) : 0, '127.0.0.1', resolve);
  });
  try {
    const port = (server.address() as { port: number }).port;
    const redirectUri = configured ?? `http://127.0.0.1:${port}/callback`;
    const url = authorizationUrlFor(redirectUri);
    run.options.onProgress?.({
      type: 'sign-in',
      url,
      message: 'Sign in to the host in the browser; the redirect comes back to this machine:',
    });
    run.options.openUrl?.(url);
    const redirectedTo = await withTimeout(redirected, run.options.signInTimeoutMs ?? 300_000, 'the loopback sign-in', run.options.signal);
    return { redirectedTo, redirectUri };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** Runs the sign-in the options ask for; `given` never gets here. */
export async function signIn(run: CheckRun, authorizationUri: string, clientId: string, state: string): Promise<SignInResult> {
  const { options } = run;
  const configured = options.client?.redirectUri;
  if (options.signIn === 'loopback')
    return loopbackSignIn(run, (redirectUri) => authorizationRequestUrl(authorizationUri, clientId, redirectUri, state), configured);
  const redirectUri = configured ?? 'https://localhost';
  const url = authorizationRequestUrl(authorizationUri, clientId, redirectUri, state);
  const redirectedTo =
    options.signIn === 'form' ? await formSignIn(run, url, redirectUri, options.formFields ?? {}) : await pasteSignIn(run, url);
  return { redirectedTo, redirectUri };
}

/** The query of a redirect, also for custom schemes (`ms-word-tp:code=…`) where URL parsing gives nothing. */
export function redirectParameters(redirectedTo: string): Array<[string, string]> {
  const at = redirectedTo.indexOf('?');
  const query = at >= 0 ? redirectedTo.slice(at + 1) : redirectedTo.replace(/^[a-z][a-z0-9+.-]*:/i, '');
  return [...new URLSearchParams(query.split('#')[0])];
}
