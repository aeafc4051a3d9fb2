import { jsonBody } from '../../analysis/token-insight.js';
import type { LogEntry } from '../../log/entry.js';
import type { CheckRun } from '../run.js';

/** A host name is inside a trusted domain when it is the domain or a subdomain of it (case-insensitive). */
export function insideDomains(host: string, domains: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return domains.some((domain) => {
    const d = domain
      .toLowerCase()
      .replace(/^\*?\./, '')
      .replace(/\.$/, '');
    return name === d || name.endsWith(`.${d}`);
  });
}

/** Every absolute http(s) URL a host handed out: JSON string values, Location headers and the challenge's URIs. */
export function urlsHandedOut(entry: LogEntry): Array<{ where: string; url: URL }> {
  const found: Array<{ where: string; url: URL }> = [];
  const consider = (where: string, value: string) => {
    if (!/^https?:\/\//i.test(value)) return;
    try {
      found.push({ where, url: new URL(value) });
    } catch {
      /* not a URL after all */
    }
  };
  const visit = (node: unknown, path: string): void => {
    if (typeof node === 'string') consider(path, node);
    else if (Array.isArray(node)) node.forEach((item, i) => visit(item, `${path}[${i}]`));
    else if (node !== null && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) visit(value, path === '' ? key : `${path}.${key}`);
  };
  visit(jsonBody(entry), '');
  for (const header of entry.responseHeaders) {
    const name = header.name.toLowerCase();
    if (name === 'location') consider('Location', header.value);
    if (name === 'www-authenticate')
      for (const match of header.value.matchAll(/(authorization_uri|tokenIssuance_uri)\s*=\s*"?([^",\s]+)/gi))
        consider(match[1]!, match[2]!);
  }
  return found;
}

/** With --trusted-domain, every URL in every answer must be inside them: Office mobile refuses the others. */
export function trustedDomainsPhase(run: CheckRun): void {
  const domains = run.options.trustedDomains ?? [];
  if (domains.length === 0) return run.ledger.skip(['trusted-domain'], 'no --trusted-domain was given');
  const reported = new Set<string>();
  for (const entry of run.client.exchanges) {
    // The sign-in page and its redirects may leave the domains (an identity provider, the redirect URI): Office's web view allows that.
    if (entry.operation === 'Authorize') continue;
    for (const { where, url } of urlsHandedOut(entry)) {
      if (insideDomains(url.hostname, domains)) {
        run.ledger.tried('trusted-domain', entry, `${where} is inside the trusted domains`);
        continue;
      }
      if (reported.has(url.host)) continue;
      reported.add(url.host);
      run.ledger.broken(
        'trusted-domain',
        `${where} points at ${url.host}, outside the trusted domains ${domains.join(', ')}.`,
        entry,
        url.href,
      );
    }
  }
}
