import type { Readable } from 'node:stream';
import type { CheckProgress } from './report.js';

/**
 * How the checker gets an OAuth access token from the host under test.
 * `given`: `accessToken` (and optionally `refreshToken`) were handed over; no sign-in runs.
 * `form`: fetch the sign-in page, fill its form with `formFields`, submit it (this mock, simple IdPs).
 * `paste`: show the authorization URL, read the final redirected URL from `pasteInput` (custom-scheme or https://localhost redirects).
 * `loopback`: RFC 8252 §7.3, a listener on 127.0.0.1 receives the redirect; the browser is opened by `openUrl` or the URL shown.
 */
export type SignInMode = 'given' | 'form' | 'paste' | 'loopback';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  /** Where the sign-in redirects; for `loopback` the listener's own URL is used unless this is set. */
  redirectUri?: string;
  /** RFC 6749 §2.3.1: `post` (what Office's identity service sends) or `basic`. */
  auth: 'post' | 'basic';
}

export interface CheckOptions {
  signIn: SignInMode;
  client?: ClientCredentials;
  accessToken?: string;
  refreshToken?: string;
  /** `form`: fields to set on the sign-in form, e.g. `{ user: 'alice' }`. */
  formFields?: Record<string, string>;
  /** `paste`: where the redirected URL is read from (stdin in the CLI). */
  pasteInput?: Readable;
  /** `loopback`: opens the authorization URL in a browser; when absent the URL is only reported. */
  openUrl?: (url: string) => void;
  /** A second account's OAuth access token: its files must be out of reach of the first one's tokens. */
  secondAccessToken?: string;
  /** Extra CA certificates (PEM) to trust besides the system store. */
  ca?: string;
  /** Skip TLS verification; every report then starts with a warning. */
  insecure?: boolean;
  /** Skip the negative OAuth probes (replayed code, wrong redirect_uri, wrong secret) for hosts that lock accounts. */
  gentle?: boolean;
  /** Every URL the host hands out must be inside one of these domains. */
  trustedDomains?: string[];
  /** Opt-in write tests: a scratch file, the WOPI validator's cases on it, then delete it. */
  write?: { testCasesPath?: string };
  /** How long one request may take. Default 15 s. */
  timeoutMs?: number;
  /** How long a paste or loopback sign-in waits for the person. Default 5 minutes. */
  signInTimeoutMs?: number;
  onProgress?: (event: CheckProgress) => void;
  /** Abort the run (the desktop screen's Cancel). */
  signal?: AbortSignal;
}
