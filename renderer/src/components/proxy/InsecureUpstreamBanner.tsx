import type { ForwardProxyStatus, ProxyStatus } from '../../api/client.ts';

/** Said wherever the running proxies are shown: an unverified upstream may be anyone. */
export function InsecureUpstreamBanner({
  reverse,
  forward,
}: {
  reverse: ProxyStatus | undefined;
  forward: ForwardProxyStatus | undefined;
}) {
  const insecure = [reverse?.insecure && 'the reverse proxy’s upstream', forward?.insecure && 'the intercepted hosts'].filter(Boolean);
  if (insecure.length === 0) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="proxy-insecure">
      <strong>Upstream TLS is not verified</strong> (“Do not verify upstream certificates” on the Proxy screen, or --insecure-upstream) for{' '}
      {insecure.join(' and ')}: an answer may not come from the host it names. Every log entry says so.
    </div>
  );
}
