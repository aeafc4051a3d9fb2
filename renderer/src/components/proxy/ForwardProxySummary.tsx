import type { ForwardProxyStatus } from '../../api/client.ts';
import { CopyButton } from '../forms.tsx';
import { plural } from '../plural.ts';

export function ForwardProxySummary({ forward }: { forward: ForwardProxyStatus }) {
  const address = `${forward.proxyHost}:${forward.port}`;
  return (
    <div data-testid="forward-proxy">
      <h3>Forward proxy</h3>
      <p className="muted">
        Connections to the intercepted domains are decrypted with a certificate from this host's CA, logged, and sent on unchanged to the
        real host; every other connection is tunnelled untouched.
      </p>
      <dl className="kv">
        <dt>Phone's Wi-Fi proxy</dt>
        <dd>
          <div className="copy-row">
            <code data-testid="forward-proxy-address">{address}</code>
            <CopyButton text={address} label={`Copy proxy address ${address}`} />
          </div>
        </dd>
        <dt>Proxy URL</dt>
        <dd>
          <div className="copy-row">
            <code data-testid="forward-proxy-url">{forward.proxyUrl}</code>
            <CopyButton text={forward.proxyUrl} label={`Copy proxy URL ${forward.proxyUrl}`} />
          </div>
        </dd>
        <dt>Intercepted</dt>
        <dd>
          {forward.intercept.length === 0 ? (
            <span className="muted">nothing: every connection is tunnelled</span>
          ) : (
            <span className="row" style={{ gap: 4 }} data-testid="forward-proxy-domains">
              {forward.intercept.map((domain) => (
                <span key={domain} className="badge mono">
                  {domain}
                </span>
              ))}
            </span>
          )}
        </dd>
        {forward.resolve.length > 0 && (
          <>
            <dt>Resolve</dt>
            <dd className="mono">{forward.resolve.join(', ')}</dd>
          </>
        )}
        <dt>Traffic</dt>
        <dd data-testid="forward-proxy-counters">
          {plural(forward.intercepted, 'exchange')} intercepted, {plural(forward.tunnelled, 'connection')} tunnelled,{' '}
          {plural(forward.failed, 'failure')}
          {forward.plainForwarded > 0 ? `, ${plural(forward.plainForwarded, 'plain-HTTP request')} passed on` : ''}
        </dd>
      </dl>
      <h3>Set the phone's proxy</h3>
      <ol className="steps">
        <li>
          iOS and iPadOS: Settings → Wi-Fi → ⓘ next to the network → Configure Proxy → Manual: server <code>{forward.proxyHost}</code>, port{' '}
          <code>{forward.port}</code>.
        </li>
        <li>Android: long-press the network (or its ⚙) → Edit or Advanced options → Proxy → Manual, with the same host and port.</li>
        <li>
          Install and trust this host's CA first (the Overview's CA certificate card, or the set-up page): the intercepted domains get
          certificates issued by it.
        </li>
      </ol>
      <p className="hint">
        <strong>Android apps do not trust user-installed CAs by default</strong>, so most apps refuse the proxy unless their network
        security config opts in. <strong>An app that pins its server's certificate refuses the proxy</strong> on any platform: its requests
        to an intercepted domain fail.
      </p>
    </div>
  );
}
