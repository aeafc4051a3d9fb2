import { useId } from 'react';
import { adminApi } from '../../api/client.ts';
import { useStatus } from '../../api/use-status.ts';
import { ForwardProxySummary } from '../../components/proxy/ForwardProxySummary.tsx';
import { InsecureUpstreamBanner } from '../../components/proxy/InsecureUpstreamBanner.tsx';
import { ReverseProxySummary } from '../../components/proxy/ReverseProxySummary.tsx';
import { NotRunningNotice } from './NotRunningNotice.tsx';
import { useProxyView } from './use-proxy-view.ts';

/** What runs now, which after a restart can differ from what is saved: a port taken meanwhile keeps a mode from starting. */
export function ProxyStatusCard() {
  const id = useId();
  const { view, error, refresh } = useProxyView();
  const retry = async () => {
    if (view) await adminApi.putProxy(view.settings);
    refresh();
  };
  // The engine says at start why a saved mode did not start; only those lines concern this screen.
  const reasons = (useStatus().status?.startupWarnings ?? []).filter((warning) => /proxy/i.test(warning));

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Status</h2>
      {error && (
        <div className="banner banner-error" role="alert">
          {error.message}
        </div>
      )}
      {!view && !error && <p className="muted">Reading the proxy status…</p>}
      {view && (
        <>
          <InsecureUpstreamBanner reverse={view.reverse} forward={view.forward} />
          {view.reverse ? (
            <ReverseProxySummary reverse={view.reverse} />
          ) : view.settings.reverse ? (
            <NotRunningNotice
              what={`The reverse proxy to ${view.settings.reverse.upstream}`}
              reasons={reasons}
              testId="reverse-not-running"
              onRetry={retry}
            />
          ) : (
            <p data-testid="mock-answers">The mock answers on the WOPI origin.</p>
          )}
          {view.forward ? (
            <ForwardProxySummary forward={view.forward} />
          ) : view.settings.forward ? (
            <NotRunningNotice
              what={`The forward proxy on port ${view.settings.forward.port}`}
              reasons={reasons}
              testId="forward-not-running"
              onRetry={retry}
            />
          ) : (
            <p className="muted" data-testid="no-forward-proxy">
              No forward proxy runs.
            </p>
          )}
        </>
      )}
    </section>
  );
}
