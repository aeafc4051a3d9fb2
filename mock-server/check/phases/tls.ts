import { connect, rootCertificates, type PeerCertificate } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { checkIosRules } from '../../tls/ios-rules.js';
import { HostUnreachable, type CheckRun } from '../run.js';

/** Node's verification error codes, in the words a person looks for. */
export function tlsFailureReason(code: string): string {
  switch (code) {
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return 'unknown issuer: the chain does not lead to a trusted CA (pass --ca FILE with the CA that signed it)';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'name mismatch: the certificate is not issued for this host name';
    case 'CERT_HAS_EXPIRED':
      return 'expired: the certificate is past its notAfter date';
    case 'CERT_NOT_YET_VALID':
      return 'not yet valid: the certificate starts in the future';
    case 'CERT_REVOKED':
      return 'revoked';
    default:
      return code;
  }
}

interface Handshake {
  certificate?: PeerCertificate;
  error?: { code: string; message: string };
}

function handshake(url: URL, options: { ca?: string; verify: boolean; timeoutMs: number }): Promise<Handshake> {
  return new Promise((resolve) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const socket = connect({
      host,
      port: Number(url.port || 443),
      ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }),
      rejectUnauthorized: options.verify,
      ...(options.ca ? { ca: [...rootCertificates, options.ca] } : {}),
      timeout: options.timeoutMs,
    });
    const done = (result: Handshake) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('secureConnect', () => done({ certificate: socket.getPeerCertificate(false) }));
    socket.once('timeout', () => done({ error: { code: 'ETIMEDOUT', message: `no TLS handshake within ${options.timeoutMs} ms` } }));
    socket.once('error', (error: NodeJS.ErrnoException) => done({ error: { code: error.code ?? 'ERROR', message: error.message } }));
  });
}

/**
 * What a phone checks before it sends anything: the chain verifies for the name, and the leaf
 * meets Apple's rules. Returns false when nothing else can run (no verified TLS, no --insecure).
 */
export async function tlsPhase(run: CheckRun): Promise<boolean> {
  const { ledger, options } = run;
  const url = new URL(run.bootstrapperUrl);
  if (
    !ledger.expect('https-required', url.protocol === 'https:', `The bootstrapper is ${url.protocol}// ; Office mobile only talks https.`)
  ) {
    ledger.skip(['tls-certificate-trusted', 'tls-ios-requirements'], 'the bootstrapper is not an https URL');
    return true;
  }
  const timeoutMs = options.timeoutMs ?? 15_000;
  const verified = await handshake(url, { ...(options.ca ? { ca: options.ca } : {}), verify: true, timeoutMs });
  const leaf = verified.certificate ?? (await handshake(url, { verify: false, timeoutMs })).certificate;
  const where = `TLS handshake with ${url.host}`;
  if (verified.error && !['ETIMEDOUT', 'ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'EHOSTUNREACH'].includes(verified.error.code)) {
    ledger.broken('tls-certificate-trusted', `${where}: ${tlsFailureReason(verified.error.code)} (${verified.error.code}).`);
  } else if (verified.error) {
    throw new HostUnreachable(`cannot reach ${url.host}: ${verified.error.code} (${verified.error.message})`);
  } else ledger.tried('tls-certificate-trusted', undefined, `${where}: the chain verifies for ${url.hostname}`);

  if (leaf?.raw) {
    const pem = new X509Certificate(leaf.raw).toString();
    const violations = checkIosRules(pem);
    if (violations.length === 0)
      ledger.tried(
        'tls-ios-requirements',
        undefined,
        `the leaf (${leaf.subject ? String(leaf.subject.CN) : 'no subject'}) meets the iOS rules`,
      );
    for (const violation of violations) ledger.broken('tls-ios-requirements', `The leaf certificate breaks an iOS rule: ${violation}.`);
  } else ledger.skip(['tls-ios-requirements'], 'the host sent no certificate');

  if (options.insecure) {
    ledger.broken('tls-verification-disabled', 'TLS verification was turned off (--insecure): a phone would not be this lenient.');
    return true;
  }
  ledger.tried('tls-verification-disabled', undefined, 'TLS was verified');
  return verified.error === undefined;
}
