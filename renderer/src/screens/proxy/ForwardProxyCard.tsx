import { useId } from 'react';
import { CheckboxField, TextField } from '../../components/forms.tsx';
import { ListFieldset } from './ListFieldset.tsx';
import { proxyPaths, type ProxyFormPart } from './proxy-form.ts';

/** The intercepting proxy a phone's Wi-Fi settings point at, on its own port beside the WOPI listener. */
export function ForwardProxyCard({ form, update, issuesAt }: ProxyFormPart) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Forward proxy for phones</h2>
      <CheckboxField
        label="Run the forward proxy"
        checked={form.forwardOn}
        onChange={(forwardOn) => update({ forwardOn })}
        hint="For an app that cannot be given another URL: set the phone’s Wi-Fi proxy to it, and the intercepted domains are decrypted and logged; fault rules fire on them too."
      />
      {form.forwardOn && (
        <>
          <TextField
            label="Port"
            path={proxyPaths.port}
            value={form.port}
            monospace
            onChange={(port) => update({ port })}
            hint="On the WOPI listener’s address; 0 picks any free port (the status below shows the one bound)."
            {...issuesAt(proxyPaths.port)}
          />
          <ListFieldset
            legend="Intercepted domains"
            hint="Exact names, or *.example.com for every name below it. Connections to other names are tunnelled untouched."
            itemLabel="Intercepted domain"
            path={proxyPaths.intercept}
            items={form.intercept}
            placeholder="wopi.example.com"
            addLabel="Add domain"
            onChange={(intercept) => update({ intercept })}
            issuesAt={issuesAt}
          />
          <ListFieldset
            legend="Resolve overrides"
            hint="host:port:address, as curl’s --resolve: connect to that address for that name and port; SNI, Host and the certificate check keep the name."
            itemLabel="Resolve override"
            path={proxyPaths.resolve}
            items={form.resolve}
            placeholder="wopi.example.com:443:127.0.0.1"
            addLabel="Add override"
            onChange={(resolve) => update({ resolve })}
            issuesAt={issuesAt}
          />
        </>
      )}
    </section>
  );
}
