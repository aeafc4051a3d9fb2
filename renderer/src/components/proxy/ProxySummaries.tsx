import type { ForwardProxyStatus, ProxyStatus } from '../../api/client.ts';
import { ForwardProxySummary } from './ForwardProxySummary.tsx';
import { InsecureUpstreamBanner } from './InsecureUpstreamBanner.tsx';
import { ReverseProxySummary } from './ReverseProxySummary.tsx';

/** What the running proxies do, as the Overview's card and the Proxy screen's status both show it. */
export function ProxySummaries({ reverse, forward }: { reverse: ProxyStatus | undefined; forward: ForwardProxyStatus | undefined }) {
  return (
    <>
      <InsecureUpstreamBanner reverse={reverse} forward={forward} />
      {reverse && <ReverseProxySummary reverse={reverse} />}
      {forward && <ForwardProxySummary forward={forward} />}
    </>
  );
}
