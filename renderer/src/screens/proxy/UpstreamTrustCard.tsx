import { useId, useState } from 'react';
import { CheckboxField, Messages, TextField } from '../../components/forms.tsx';
import { proxyPaths, type ProxyFormPart } from './proxy-form.ts';

/** How the proxies trust the hosts they forward to, and how long they wait for them. */
export function UpstreamTrustCard({ form, update, issuesAt }: ProxyFormPart) {
  const id = useId();
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const caIssues = issuesAt(proxyPaths.upstreamCa);
  const caErrors = [...(fileProblem !== null ? [fileProblem] : []), ...caIssues.errors];

  const loadCaFile = async (file: File | undefined) => {
    setFileProblem(null);
    if (!file) return;
    const text = await file.text();
    // The engine checks each certificate on save; this only spares a round trip for a file that is plainly something else.
    if (!text.includes('-----BEGIN CERTIFICATE-----'))
      setFileProblem(`${file.name} is not a PEM certificate (-----BEGIN CERTIFICATE-----)`);
    else update({ upstreamCa: text });
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Upstream trust</h2>
      <div className="field">
        <label htmlFor={`${id}-ca`}>CA certificates (PEM)</label>
        <textarea
          id={`${id}-ca`}
          className="mono"
          rows={5}
          spellCheck={false}
          value={form.upstreamCa}
          placeholder="-----BEGIN CERTIFICATE-----"
          data-path={proxyPaths.upstreamCa}
          aria-describedby={`${id}-ca-messages`}
          aria-invalid={caErrors.length > 0 ? true : undefined}
          onChange={(event) => update({ upstreamCa: event.target.value })}
        />
        <div className="row">
          <label htmlFor={`${id}-ca-file`} className="small">
            Load from file…
          </label>
          <input
            id={`${id}-ca-file`}
            type="file"
            accept=".pem,.crt,.cer,application/x-pem-file"
            onChange={(event) => void loadCaFile(event.target.files?.[0])}
          />
        </div>
        <Messages
          id={`${id}-ca-messages`}
          hint="Trusted besides the system’s CAs, for the upstream and the intercepted hosts: a host with a private CA (like this mock’s)."
          errors={caErrors}
          warnings={caIssues.warnings}
        />
      </div>
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
