import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { parseUpstream } from '../proxy/origins.js';
import { InterceptDomainError, normalizeInterceptDomain } from '../proxy/intercept.js';
import { ResolveOverrideError, formatResolveOverride, parseResolveOverride } from '../proxy/resolve-override.js';

/*
 * The config document's `proxy` section: which proxy modes run, set from the Proxy screen, a
 * `--config` file, `PUT /api/config` or the CLI's flags, and applied while the host runs.
 */

export const defaultForwardProxyPort = 8080;
export const defaultProxyTimeoutMs = 30_000;
/** More certificates than any real chain of trust, small enough for the 1 MiB admin body limit. */
const maxCaBytes = 512 * 1024;

const pemBlock = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Why PEM text is not a list of readable certificates, or null when it is. */
export function pemCertificatesProblem(text: string): string | null {
  const blocks = text.match(pemBlock) ?? [];
  if (blocks.length === 0) return 'must be PEM text with at least one -----BEGIN CERTIFICATE----- block';
  for (const [index, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      return `certificate ${index + 1} of ${blocks.length} cannot be read as X.509`;
    }
  }
  return null;
}

const upstreamOrigin = z.string().transform((value, ctx) => {
  const parsed = parseUpstream(value.trim());
  if (parsed.ok) return parsed.origin;
  ctx.addIssue({ code: 'custom', message: parsed.reason });
  return z.NEVER;
});

const interceptDomain = z.string().transform((value, ctx) => {
  try {
    return normalizeInterceptDomain(value);
  } catch (error) {
    if (!(error instanceof InterceptDomainError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

const resolveOverride = z.string().transform((value, ctx) => {
  try {
    return formatResolveOverride(parseResolveOverride(value));
  } catch (error) {
    if (!(error instanceof ResolveOverrideError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

const defaultProxySection = {
  reverse: null,
  forward: null,
  upstreamCa: null,
  insecureUpstream: false,
  timeoutMs: defaultProxyTimeoutMs,
} as const;

export const proxySectionSchema = z
  .object({
    /**
     * Reverse proxy on the WOPI listener: every request is forwarded to `upstream` and its answer
     * rewritten to this host's origin, instead of being answered by the mock. null: the mock answers.
     */
    reverse: z
      .object({
        /** `https://host[:port]`, stored normalized (default port left out). */
        upstream: upstreamOrigin,
        /** Also rewrite `authorization_uri` and browser/sharing URLs (HostUrl and the like). */
        rewriteAll: z.boolean().default(false),
      })
      .strict()
      .nullable()
      .default(null),
    /**
     * Intercepting forward proxy on its own port, for a phone's Wi-Fi proxy setting: CONNECTs to
     * `intercept` names are decrypted and logged, the rest tunnelled untouched. null: none runs.
     */
    forward: z
      .object({
        /** Its port on the WOPI listener's address; 0: any free one. */
        port: z
          .number()
          .int('must be a whole port number')
          .min(0, 'must be from 0 to 65535')
          .max(65535, 'must be from 0 to 65535')
          .default(defaultForwardProxyPort),
        /** Names to decrypt: `wopi.example.com`, or `*.example.com` for every name below it; stored lowercased. */
        intercept: z
          .array(interceptDomain)
          .max(256)
          .default([])
          .transform((domains) => [...new Set(domains)]),
        /** curl-style `host:port:address`: connect there for that name (SNI, Host and the certificate check keep the name). */
        resolve: z.array(resolveOverride).max(256).default([]),
      })
      .strict()
      .nullable()
      .default(null),
    /** Extra CA certificates (PEM text) trusted for the upstream and the intercepted hosts, besides the system store. */
    upstreamCa: z
      .string()
      .max(maxCaBytes, `must be at most ${maxCaBytes / 1024} KiB`)
      .superRefine((text, ctx) => {
        const problem = pemCertificatesProblem(text);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .nullable()
      .default(null),
    /** Do not verify upstream certificates: the UI shows a banner and every log entry a note. */
    insecureUpstream: z.boolean().default(false),
    /** How long an upstream may take to send its response headers once the request is sent (then 504). */
    timeoutMs: z
      .number()
      .int('must be a whole number of milliseconds')
      .min(100, 'must be at least 100 ms')
      .max(600_000, 'must be at most 10 minutes')
      .default(defaultProxyTimeoutMs),
  })
  .strict()
  .default(defaultProxySection);

export type ProxySection = z.output<typeof proxySectionSchema>;
export type ProxySectionInput = z.input<typeof proxySectionSchema>;
export type ReverseProxySection = NonNullable<ProxySection['reverse']>;
export type ForwardProxySection = NonNullable<ProxySection['forward']>;
