import { useId } from 'react';
import { CheckboxField, TextField } from '../../components/forms.tsx';
import { proxyPaths, type ProxyForm, type ProxyFormPart } from './proxy-form.ts';

const modes: { value: ProxyForm['mode']; label: string; hint: string }[] = [
  { value: 'mock', label: 'Mock host (answers itself)', hint: 'The mock’s users, files and fault rules answer every request.' },
  {
    value: 'reverse',
    label: 'Reverse proxy to an upstream',
    hint: 'Every request is forwarded to your host and logged; URLs in its answers are moved to this host’s origin. Fault rules still fire.',
  },
];

/** What answers on the WOPI origin: the mock, or a host of yours behind a reverse proxy. */
export function ListenerModeCard({ form, update, issuesAt }: ProxyFormPart) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Mode of the WOPI listener</h2>
      <fieldset>
        <legend>What answers on the WOPI origin</legend>
        {modes.map((mode) => (
          <div className="field" key={mode.value}>
            <div className="row">
              <input
                id={`${id}-${mode.value}`}
                type="radio"
                name={`${id}-mode`}
                value={mode.value}
                checked={form.mode === mode.value}
                aria-describedby={`${id}-${mode.value}-hint`}
                onChange={() => update({ mode: mode.value })}
              />
              <label htmlFor={`${id}-${mode.value}`} style={{ marginBottom: 0 }}>
                {mode.label}
              </label>
            </div>
            <p className="hint" id={`${id}-${mode.value}-hint`}>
              {mode.hint}
            </p>
          </div>
        ))}
      </fieldset>
      {form.mode === 'reverse' && (
        <>
          <TextField
            label="Upstream origin"
            type="url"
            path={proxyPaths.upstream}
            value={form.upstream}
            placeholder="https://wopi.contoso.com"
            monospace
            onChange={(upstream) => update({ upstream })}
            hint="https://host[:port] of your host; its certificate is checked against the system’s CAs and those under Upstream trust."
            {...issuesAt(proxyPaths.upstream)}
          />
          <CheckboxField
            label="Also rewrite authorization_uri and browser/sharing URLs"
            path={proxyPaths.rewriteAll}
            checked={form.rewriteAll}
            onChange={(rewriteAll) => update({ rewriteAll })}
            hint="Off: the sign-in page, HostUrl, HostViewUrl, HostEditUrl and sharing URLs stay on your host, as a browser reaches it directly."
            {...issuesAt(proxyPaths.rewriteAll)}
          />
        </>
      )}
    </section>
  );
}
