import { X509Certificate, createHash } from 'node:crypto';
import { Route } from '../protocol/headers.js';
import type { Handler } from './call.js';
import type { HostContext } from './context.js';
import { escapeHtml } from './signin-page.js';

/**
 * What a phone needs to trust the host: the CA as an iOS configuration profile and a set-up page
 * with the steps per platform. Both are public on the WOPI origin (they carry only public
 * certificate data) because the phone has nothing else to reach the host with.
 */

const productName = 'WOPI Mock Host';
export const profileFileName = 'wopi-mock-host-ca.mobileconfig';
export const certificateFileName = 'wopi-mock-host-ca.crt';
export const profileContentType = 'application/x-apple-aspen-config';
export const certificateContentType = 'application/x-x509-ca-cert';

export interface CaFacts {
  pem: string;
  der: Buffer;
  /** `AB:CD:…`, as the status and the start-up output print it. */
  fingerprintSha256: string;
}

export function caFacts(pem: string): CaFacts {
  const cert = new X509Certificate(pem);
  return { pem, der: cert.raw, fingerprintSha256: cert.fingerprint256 };
}

// Fixed namespace for this product's profile UUIDs, so the same CA always yields the same profile
// and reinstalling it replaces the old one instead of adding a second.
const profileNamespace = Buffer.from('6f1c2a4e9b7d4f0a8e3c5d2b1a0f9e8d', 'hex');

/** RFC 4122 §4.3 name-based UUID (version 5, SHA-1). */
function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(profileNamespace).update(name, 'utf8').digest().subarray(0, 16);
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.toString('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function xmlText(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}

/**
 * An unsigned Apple configuration profile holding the CA as a `com.apple.security.root` payload.
 * Identifiers and UUIDs derive from the CA's fingerprint: stable per CA, different for a new one.
 */
// Spec: https://developer.apple.com/documentation/devicemanagement/certificateroot
export function caProfile(ca: CaFacts, host: string): string {
  const id = ca.fingerprintSha256.replace(/:/g, '').toLowerCase();
  const identifier = `host.wopi-mock.ca.${id.slice(0, 16)}`;
  const base64 = ca.der.toString('base64').replace(/.{1,64}/g, '\t\t\t$&\n');
  const entry = (key: string, value: string) => `\t<key>${key}</key>\n\t<string>${xmlText(value)}</string>\n`;
  const inner = (key: string, value: string) => `\t\t\t<key>${key}</key>\n\t\t\t<string>${xmlText(value)}</string>\n`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n' +
    '<plist version="1.0">\n<dict>\n' +
    '\t<key>PayloadContent</key>\n\t<array>\n\t\t<dict>\n' +
    inner('PayloadCertificateFileName', 'wopi-mock-host-ca.cer') +
    '\t\t\t<key>PayloadContent</key>\n\t\t\t<data>\n' +
    base64 +
    '\t\t\t</data>\n' +
    inner('PayloadDescription', `Adds the ${productName} CA certificate`) +
    inner('PayloadDisplayName', `${productName} CA`) +
    inner('PayloadIdentifier', `${identifier}.root`) +
    inner('PayloadType', 'com.apple.security.root') +
    inner('PayloadUUID', nameBasedUuid(`root:${ca.fingerprintSha256}`)) +
    '\t\t\t<key>PayloadVersion</key>\n\t\t\t<integer>1</integer>\n' +
    '\t\t</dict>\n\t</array>\n' +
    entry(
      'PayloadDescription',
      `Lets this device trust the HTTPS certificates of the ${productName} on ${host} (a test server). After installing, enable full trust in Settings › General › About › Certificate Trust Settings. CA SHA-256: ${ca.fingerprintSha256}`,
    ) +
    entry('PayloadDisplayName', `${productName} CA (${host})`) +
    entry('PayloadIdentifier', identifier) +
    '\t<key>PayloadRemovalDisallowed</key>\n\t<false/>\n' +
    entry('PayloadType', 'Configuration') +
    entry('PayloadUUID', nameBasedUuid(`profile:${ca.fingerprintSha256}`)) +
    '\t<key>PayloadVersion</key>\n\t<integer>1</integer>\n' +
    '</dict>\n</plist>\n'
  );
}

interface SetupPageInput {
  /** The origin the device used to reach this page (so the URLs shown work from it). */
  origin: string;
  fingerprintSha256: string;
  /** The forward proxy's port, when one runs. */
  forwardProxyPort: number | undefined;
}

const styles = `
:root { color-scheme: light dark; --muted: #4b5563; --border: #d1d5db; --card: #fff; --bg: #f3f4f6; --accent: #2b579a; }
@media (prefers-color-scheme: dark) { :root { --muted: #9ca3af; --border: #374151; --card: #111827; --bg: #030712; --accent: #7aa7ff; } }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); }
main { max-width: 36rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.35rem; margin: 0 0 .25rem; } h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
.lead, .note { color: var(--muted); }
section { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 1rem; margin-bottom: 1rem; }
a.download { display: block; text-align: center; padding: .75rem 1rem; border-radius: 8px; border: 1px solid var(--accent); color: var(--accent); text-decoration: none; font-weight: 600; margin: .5rem 0; }
code { word-break: break-all; font-size: .875rem; }
ol { padding-left: 1.25rem; }
`;

/** The page a phone opens (by QR code from the desktop UI) to install the CA. */
function renderSetupPage(input: SetupPageInput): string {
  const bootstrapperUrl = input.origin + Route.Bootstrapper;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Set up this device · ${productName}</title>
<style>${styles}</style>
</head>
<body>
<main>
<h1>Set up this device for ${productName}</h1>
<p class="lead">Install the host's CA certificate so this device trusts its HTTPS address. If the browser warned about this page's certificate, that is expected until the CA is installed: this page and the downloads carry only public certificate data.</p>
<section>
<h2>Check the certificate</h2>
<p>CA SHA-256 fingerprint (compare it with the one the desktop shows):</p>
<p><code id="fingerprint">${escapeHtml(input.fingerprintSha256)}</code></p>
</section>
<section id="ios">
<h2>iPhone and iPad</h2>
<a class="download" href="${Route.CaMobileConfig}">Download the profile (.mobileconfig)</a>
<ol>
<li>Tap the link above and allow the download.</li>
<li>Open Settings › Profile Downloaded (or Settings › General › VPN &amp; Device Management), choose “${productName} CA” and install it. It shows as not verified because it is not signed; that is expected.</li>
<li>Open Settings › General › About › Certificate Trust Settings and enable full trust for the ${productName} CA. Without this step iOS does not trust the host.</li>
</ol>
</section>
<section id="android">
<h2>Android</h2>
<a class="download" href="${Route.CaCertificate}">Download the CA certificate (.crt)</a>
<ol>
<li>Tap the link above to download the certificate.</li>
<li>Open Settings › Security (on newer versions: Security › More security settings › Encryption &amp; credentials) › Install a certificate › CA certificate, and choose the downloaded file.</li>
</ol>
<p class="note">Since Android 7, apps trust user-installed CAs only if they opt in (network security config); browsers such as Chrome do. Whether Office does is not documented: Microsoft's support article for Office Android sign-in says installing the certificate on the device fixes “missing the required security certificates”.</p>
</section>
${input.forwardProxyPort !== undefined ? forwardProxySection(new URL(input.origin).hostname.replace(/^\[|\]$/g, ''), input.forwardProxyPort) : ''}<section>
<h2>Then connect</h2>
<p>Bootstrapper URL:</p>
<p><code id="bootstrapper">${escapeHtml(bootstrapperUrl)}</code></p>
<p>WOPI origin: <code>${escapeHtml(input.origin)}</code></p>
<p class="note">Stock Office mobile also needs the provider onboarded by Microsoft (its trusted domains list), and its token exchange runs in Microsoft's cloud, which cannot reach a host on your LAN. Test clients and your own code can use these URLs directly.</p>
</section>
</main>
</body>
</html>
`;
}

/**
 * The phone's Wi-Fi proxy setting for the forward proxy, and what no proxy can get past: Android
 * apps that do not trust user CAs, and apps that pin their host's certificate.
 */
function forwardProxySection(host: string, port: number): string {
  return `<section id="forward-proxy">
<h2>Watch this device's traffic (forward proxy)</h2>
<p>This host runs an intercepting proxy. Set this Wi-Fi network's HTTP proxy to it: server <code id="proxy-host">${escapeHtml(host)}</code>, port <code id="proxy-port">${port}</code>.</p>
<ol>
<li>iPhone and iPad: Settings › Wi-Fi › ⓘ next to the network › Configure Proxy › Manual, then the server and port above.</li>
<li>Android: long-press the network (or tap its ⚙) › Edit or Advanced options › Proxy › Manual, then the host name and port above.</li>
</ol>
<p>Connections to the intercepted domains are decrypted with a certificate from the CA above, logged on the desktop and sent on to the real host; every other connection passes through untouched. Turn the proxy off again when you are done.</p>
<p class="note"><strong>Android apps do not trust user-installed CAs by default</strong> (since Android 7 only apps that opt in do, and browsers), so most apps refuse the proxy. <strong>An app that pins its server's certificate refuses the proxy</strong> on any platform: its requests to an intercepted domain fail.</p>
</section>
`;
}

const setupPagePolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The WOPI origin's public device set-up endpoints. */
export function deviceSetupHandlers(context: HostContext) {
  const ca = caFacts(context.caCertificatePem);

  /** The origin the device reached us by, when it is one of the certificate's names; else the public one. */
  const originSeenBy = (hostHeader: string | undefined): string => {
    const { hostNames, port } = context.wopiSrcContext();
    if (hostHeader) {
      try {
        const url = new URL(`https://${hostHeader}`);
        const hostname = url.hostname.replace(/^\[|\]$/g, '');
        if (hostNames.has(hostname.toLowerCase()) && Number(url.port || 443) === port) return url.origin;
      } catch {
        // an unparseable Host falls back to the public origin
      }
    }
    return context.origin();
  };

  const caCertificate: Handler = (_req, res) => {
    res.setHeader('Content-Type', certificateContentType);
    res.setHeader('Content-Disposition', `attachment; filename="${certificateFileName}"`);
    // A Buffer, so Express adds no charset to a certificate's content type.
    res.send(Buffer.from(ca.pem, 'utf8'));
  };

  const mobileConfig: Handler = (_req, res) => {
    res.setHeader('Content-Type', profileContentType);
    res.setHeader('Content-Disposition', `attachment; filename="${profileFileName}"`);
    res.send(Buffer.from(caProfile(ca, new URL(context.origin()).hostname.replace(/^\[|\]$/g, '')), 'utf8'));
  };

  const setupPage: Handler = (req, res) => {
    res.setHeader('Content-Security-Policy', setupPagePolicy);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(
      renderSetupPage({
        origin: originSeenBy(req.headers.host),
        fingerprintSha256: ca.fingerprintSha256,
        forwardProxyPort: context.forwardProxyPort?.(),
      }),
    );
  };

  return { caCertificate, mobileConfig, setupPage };
}
