import { useId } from 'react';
import { CaCertificateField } from '../../components/CaCertificateField.tsx';
import { CheckboxField, TextField } from '../../components/forms.tsx';
import { proxyPaths, type ProxyFormPart } from './proxy-form.ts';

/** How the proxies trust the hosts they forward to, and how long they wait for them. */
export function UpstreamTrustCard({ form, update, issuesAt }: ProxyFormPart) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Upstream trust</h2>
      <CaCertificateField
        label="CA certificates (PEM)"
        path={proxyPaths.upstreamCa}
        value={form.upstreamCa}
        onChange={(upstreamCa) => update({ upstreamCa })}
        hint="Trusted besides the system’s CAs, for the upstream and the intercepted hosts: a host with a private CA (like this mock’s)."
        {...issuesAt(proxyPaths.upstreamCa)}
      />
      <CheckboxField
        label="Do not verify upstream certificates"
        path={proxyPaths.insecureUpstream}
        checked={form.insecureUpstream}
        onChange={(insecureUpstream) => update({ insecureUpstream })}
        hint="Any certificate is accepted, as --insecure-upstream does."
        {...issuesAt(proxyPaths.insecureUpstream)}
      />
      {form.insecureUpstream && (
        <div className="banner banner-error" role="note" data-testid="insecure-upstream-setting" style={{ marginBottom: 12 }}>
          <strong>Upstream certificates are not verified:</strong> anyone between this host and the upstream can answer in its name. Every
          log entry of a proxied exchange says so.
        </div>
      )}
      <TextField
        label="Upstream timeout (ms)"
        path={proxyPaths.timeoutMs}
        value={form.timeoutMs}
        monospace
        onChange={(timeoutMs) => update({ timeoutMs })}
        hint="How long an upstream may take to send its answer’s headers; then the proxy answers 504."
        {...issuesAt(proxyPaths.timeoutMs)}
      />
    </section>
  );
}
