import { useEffect, useState } from 'react';
import {
  AdminApiError,
  adminApi,
  saveDownload,
  type DeviceEndpoint,
  type Download,
  type EngineStatus,
  type ForwardProxyStatus,
  type ProxyStatus,
} from '../../api/client.ts';
import { desktopBridge } from '../../api/desktop.ts';
import { useStatus } from '../../api/use-status.ts';
import { CopyButton } from '../../components/forms.tsx';
import { plural } from '../../components/plural.ts';
import { ProxySummaries } from '../../components/proxy/ProxySummaries.tsx';
import { hrefFor } from '../../routes.ts';

export function OverviewScreen() {
  const { status, error } = useStatus();
  const [qrOrigin, setQrOrigin] = useState<string | null>(null);
  const endpoints: DeviceEndpoint[] = status?.endpoints ?? [];
  const chosen =
    endpoints.find((e) => e.wopiOrigin === qrOrigin) ?? endpoints.find((e) => e.wopiOrigin === status?.wopiOrigin) ?? endpoints[0];

  return (
    <section className="screen" aria-labelledby="overview-title">
      <header className="screen-header">
        <h1 id="overview-title">Overview</h1>
        <p>The host's status, and everything a phone on this network needs to reach it and trust it.</p>
      </header>
      {error && (
        <div className="banner banner-error" role="alert">
          {error.message}
        </div>
      )}
      {status && (
        <>
          <div className="grid-2" style={{ gridTemplateColumns: 'minmax(0, 3fr) minmax(0, 2fr)' }}>
            <ServerStatus status={status} />
            {chosen && <SetupQrCode setupUrl={chosen.setupUrl} address={chosen.address} />}
          </div>
          {(status.proxy || status.forwardProxy) && <ProxyCard reverse={status.proxy} forward={status.forwardProxy} />}
          <section className="card" aria-labelledby="endpoints-title">
            <h2 id="endpoints-title">Connect a device</h2>
            <p className="muted">
              Point the client at a bootstrapper URL the device can reach. Every URL the host hands out uses{' '}
              <code>{status.publicHost}</code>; the others answer too.
            </p>
            <table className="table" aria-label="Endpoints">
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col">Bootstrapper URL</th>
                  <th scope="col">WOPI origin</th>
                  <th scope="col">QR code</th>
                </tr>
              </thead>
              <tbody>
                {endpoints.map((endpoint) => (
                  <tr key={endpoint.bootstrapperUrl} data-testid="endpoint">
                    <th scope="row" className="mono">
                      {endpoint.address}
                      <div className="row small" style={{ gap: 4, fontFamily: 'var(--font)' }}>
                        <span className="badge">{endpoint.family}</span>
                        {endpoint.wopiOrigin === status.wopiOrigin && <span className="badge badge-ok">in handed-out URLs</span>}
                        {endpoint.loopback && <span className="badge badge-warn">this machine only</span>}
                      </div>
                    </th>
                    <td>
                      <div className="copy-row">
                        <code>{endpoint.bootstrapperUrl}</code>
                        <CopyButton text={endpoint.bootstrapperUrl} label={`Copy bootstrapper URL ${endpoint.bootstrapperUrl}`} />
                      </div>
                    </td>
                    <td>
                      <div className="copy-row">
                        <code>{endpoint.wopiOrigin}</code>
                        <CopyButton text={endpoint.wopiOrigin} label={`Copy WOPI origin ${endpoint.wopiOrigin}`} />
                      </div>
                    </td>
                    <td>
                      <button
                        type="button"
                        className="small toggle"
                        aria-pressed={chosen === endpoint}
                        // The name starts with the visible word (WCAG 2.5.3, label in name).
                        aria-label={`${chosen === endpoint ? 'Shown:' : 'Show'} the set-up QR code for ${endpoint.address}`}
                        onClick={() => setQrOrigin(endpoint.wopiOrigin)}
                      >
                        {chosen === endpoint ? 'Shown' : 'Show'}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <div className="grid-2">
            <Certificate status={status} />
            <TrustSteps />
          </div>
          <StockOfficeNote />
        </>
      )}
      {!status && !error && <p className="muted">Reading the host's status…</p>}
    </section>
  );
}

function ServerStatus({ status }: { status: EngineStatus }) {
  const warnings = [...status.warnings.map((w) => `${w.path}: ${w.message}`), ...status.startupWarnings];
  return (
    <section className="card" aria-labelledby="server-title">
      <div className="row">
        <h2 id="server-title" style={{ margin: 0 }}>
          Server
        </h2>
        <span className="badge badge-ok">running</span>
      </div>
      <dl className="kv" style={{ marginTop: 12 }}>
        <dt>Version</dt>
        <dd>{status.version}</dd>
        <dt>Running since</dt>
        <dd>{new Date(status.startedAt).toLocaleString()}</dd>
        <dt>WOPI origin</dt>
        <dd className="mono">{status.wopiOrigin}</dd>
        <dt>Admin API</dt>
        <dd className="mono">{status.adminUrl}</dd>
        <dt>Request log</dt>
        <dd>
          {status.log.size.toLocaleString('en')} of {plural(status.log.capacity, 'entry', 'entries')} kept (
          {plural(status.log.lastSeq, 'request')} so far)
        </dd>
        <dt>Data folder</dt>
        <dd>
          <DataFolder path={status.dataDir} />
        </dd>
      </dl>
      {warnings.length > 0 && (
        <div className="banner banner-warn" style={{ marginTop: 12 }} role="note">
          <ul>
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** The data folder's path; the desktop window also opens it in the OS file manager. */
function DataFolder({ path }: { path: string }) {
  const desktop = desktopBridge();
  const [problem, setProblem] = useState<string | null>(null);
  const open = async () => {
    setProblem(null);
    try {
      const why = await desktop!.openDataFolder();
      if (why !== '') setProblem(`The folder did not open: ${why}`);
    } catch (error) {
      setProblem(`The folder did not open: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return (
    <>
      <div className="copy-row">
        <code data-testid="data-dir">{path}</code>
        {desktop ? (
          <button type="button" className="small" onClick={() => void open()}>
            Open data folder
          </button>
        ) : (
          <CopyButton text={path} label="Copy data folder path" />
        )}
      </div>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
    </>
  );
}

function SetupQrCode({ setupUrl, address }: { setupUrl: string; address: string }) {
  const [image, setImage] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    // The QR encoder loads with the first code shown, not with the UI.
    import('qrcode')
      .then(({ default: QRCode }) => QRCode.toDataURL(setupUrl, { margin: 1, width: 400, errorCorrectionLevel: 'M' }))
      .then(
        (url) => current && setImage(url),
        () => current && setImage(null),
      );
    return () => {
      current = false;
    };
  }, [setupUrl]);
  return (
    <section className="card" aria-labelledby="qr-title">
      <h2 id="qr-title">Set up the phone</h2>
      <div className="row" style={{ alignItems: 'flex-start', flexWrap: 'nowrap' }}>
        <div className="qr">{image && <img src={image} alt={`QR code for ${setupUrl}`} data-testid="setup-qr" />}</div>
        <p className="muted small" style={{ margin: 0 }}>
          Scan with the phone's camera to open the host's set-up page at <strong>{address}</strong>: it offers the CA certificate and the
          steps to trust it.
        </p>
      </div>
      <div className="copy-row" style={{ marginTop: 10 }}>
        <code data-testid="setup-url">{setupUrl}</code>
        <CopyButton text={setupUrl} label="Copy set-up page URL" />
      </div>
    </section>
  );
}

function Certificate({ status }: { status: EngineStatus }) {
  const [problem, setProblem] = useState<string | null>(null);
  const fetchAndSave = async (read: () => Promise<Download>, fallbackName: string) => {
    setProblem(null);
    try {
      saveDownload(await read(), fallbackName);
    } catch (error) {
      setProblem(error instanceof AdminApiError ? error.message : String(error));
    }
  };
  return (
    <section className="card" aria-labelledby="ca-title">
      <h2 id="ca-title">CA certificate</h2>
      <p className="muted">The phone must trust this per-install CA; the host's certificate is issued by it.</p>
      <div className="field">
        <span className="label" id="fingerprint-label">
          SHA-256 fingerprint
        </span>
        <div className="copy-row">
          <code aria-labelledby="fingerprint-label" data-testid="ca-fingerprint">
            {status.caFingerprintSha256}
          </code>
          <CopyButton text={status.caFingerprintSha256} label="Copy CA fingerprint" />
        </div>
        <p className="hint">Compare it with the one the phone shows before you trust the certificate.</p>
      </div>
      <div className="actions">
        <button type="button" onClick={() => void fetchAndSave(adminApi.caCertificate, 'wopi-mock-host-ca.crt')}>
          Download .crt
        </button>
        <button type="button" onClick={() => void fetchAndSave(adminApi.caMobileconfig, 'wopi-mock-host-ca.mobileconfig')}>
          Download iOS profile (.mobileconfig)
        </button>
      </div>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      <p className="hint" style={{ marginTop: 10 }}>
        The host's certificate names {plural(status.leafSubjectAltNames.length, 'address', 'addresses')} and is valid until{' '}
        {new Date(status.leafNotAfter).toLocaleDateString()}.
      </p>
    </section>
  );
}

function TrustSteps() {
  return (
    <section className="card" aria-labelledby="trust-title">
      <h2 id="trust-title">Trust the CA on the device</h2>
      <div>
        <div>
          <h3>iOS and iPadOS</h3>
          <ol className="steps">
            <li>Open the set-up page (QR code) in Safari and tap the iOS profile; allow the download.</li>
            <li>Settings → General → VPN &amp; Device Management → the downloaded profile → Install.</li>
            <li>
              Settings → General → About → Certificate Trust Settings → turn on <strong>full trust</strong> for “WOPI Mock Host CA”. Without
              this step TLS still fails.
            </li>
          </ol>
        </div>
        <div>
          <h3>Android</h3>
          <ol className="steps">
            <li>Open the set-up page and download the .crt file.</li>
            <li>Settings → Security → Encryption &amp; credentials → Install a certificate → CA certificate, and pick the file.</li>
            <li>
              Apps trust user CAs only if their network security config allows it (debug builds of your own client, or a test app that opts
              in).
            </li>
          </ol>
        </div>
      </div>
    </section>
  );
}

/** What the proxies do now; they are set on the Proxy screen. */
function ProxyCard({ reverse, forward }: { reverse: ProxyStatus | undefined; forward: ForwardProxyStatus | undefined }) {
  return (
    <section className="card" aria-labelledby="proxy-title">
      <div className="row">
        <h2 id="proxy-title" style={{ margin: 0 }}>
          Proxy
        </h2>
        <a href={hrefFor('proxy')}>Edit on the Proxy screen</a>
      </div>
      <ProxySummaries reverse={reverse} forward={forward} />
    </section>
  );
}

function StockOfficeNote() {
  return (
    <section className="card banner-info" aria-labelledby="office-title">
      <h2 id="office-title">What stock Office mobile additionally requires</h2>
      <p>
        Office for iOS and Android talks only to storage providers <strong>Microsoft has onboarded</strong> (Cloud Storage Partner Program).
        The bootstrapper URL, OAuth client, redirect URI, providerId and <strong>trusted domains</strong> come from Microsoft's service
        catalog, not from the device, and the OAuth code-for-token exchange and first authenticated Bootstrap are made by Microsoft's cloud{' '}
        <strong>Office Identity Service</strong>, which cannot reach a host on your LAN or trust its private CA.
      </p>
      <p>
        So a stock Office app cannot be pointed at this host end to end. Use it with test clients (WOPIAuth-style), your own client code,
        the WOPI validator, QA of edge cases and demos; with a Microsoft test-mode onboarding of a publicly reachable host, the same
        behaviour is what Office sees.
      </p>
    </section>
  );
}
