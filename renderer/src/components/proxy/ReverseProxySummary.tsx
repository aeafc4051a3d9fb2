import type { ProxyStatus } from '../../api/client.ts';

export function ReverseProxySummary({ reverse }: { reverse: ProxyStatus }) {
  return (
    <div data-testid="reverse-proxy">
      <h3>Reverse proxy</h3>
      <p className="muted">Every request to the WOPI origin is forwarded to the upstream and logged; the mock answers nothing there.</p>
      <dl className="kv">
        <dt>Upstream</dt>
        <dd className="mono" data-testid="reverse-proxy-upstream">
          {reverse.upstream}
        </dd>
        <dt>Exchanges</dt>
        <dd data-testid="reverse-proxy-counters">
          {reverse.forwarded.toLocaleString('en')} answered by the upstream, {reverse.failed.toLocaleString('en')} answered by the proxy
          itself (502/504)
        </dd>
      </dl>
    </div>
  );
}
