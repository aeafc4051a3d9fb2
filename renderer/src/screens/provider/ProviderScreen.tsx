import { useCallback, useId, useMemo, useState, type FormEvent } from 'react';
import {
  BearerError,
  challengeFor,
  decodeUrlSchemes,
  parseChallenge,
  urlSchemePlatforms,
  type UrlSchemePlatform,
} from '../../../../mock-server/protocol/challenge.ts';
import { knownBug } from '../../../../mock-server/analysis/known-bugs.ts';
import { configWarnings } from '../../../../mock-server/analysis/config-warnings.ts';
import type { Config } from '../../api/client.ts';
import { useConfig, useSectionDraft } from '../../api/config-store.ts';
import { useStatus } from '../../api/use-status.ts';
import { CheckboxField, ErrorBanner, SaveBar, SecretField, TextField, issuesAt } from '../../components/forms.tsx';
import { OrderedListEditor } from '../../components/OrderedListEditor.tsx';

type ProviderSection = Pick<Config, 'providerId' | 'urlSchemes' | 'oauth'>;

const selectProvider = (config: Config): ProviderSection => ({
  providerId: config.providerId,
  urlSchemes: config.urlSchemes,
  oauth: config.oauth,
});
const applyProvider = (config: Config, section: ProviderSection): Config => ({ ...config, ...section });

export function ProviderScreen() {
  const section = useSectionDraft(selectProvider, applyProvider);
  const { status } = useStatus();
  const [saved, setSaved] = useState(false);
  const { draft, setDraft, error } = section;

  const update = useCallback(
    (change: Partial<ProviderSection>) => {
      if (!draft) return;
      setDraft({ ...draft, ...change });
      setSaved(false);
    },
    [draft, setDraft],
  );

  // The same warnings the engine will report, computed on the draft so they show while typing.
  const { config } = useConfig();
  const warnings = useMemo(() => (draft && config ? configWarnings(applyProvider(config, draft)) : []), [config, draft]);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(await section.save());
  };

  const fieldPaths = draft
    ? [
        '$.providerId',
        '$.oauth.clientId',
        '$.oauth.clientSecret',
        '$.oauth.sessionContext',
        '$.oauth.alternativeTokenEndpoint',
        ...urlSchemePlatforms.flatMap((p) => draft.urlSchemes[p].map((_, i) => `$.urlSchemes.${p}[${i}]`)),
        ...draft.oauth.redirectUris.map((_, i) => `$.oauth.redirectUris[${i}]`),
      ]
    : [];

  return (
    <section className="screen" aria-labelledby="provider-title">
      <header className="screen-header">
        <h1 id="provider-title">Provider</h1>
        <p>What the bootstrapper's 401 challenge advertises, and the OAuth client Office signs in with.</p>
      </header>
      {!draft && <p className="muted">Reading the config…</p>}
      {draft && (
        <form onSubmit={(event) => void onSubmit(event)} noValidate>
          <ErrorBanner error={error} shownPaths={fieldPaths} />
          <div className="grid-2" style={{ alignItems: 'start' }}>
            <div>
              <section className="card" aria-labelledby="identity-title" style={{ marginBottom: 16 }}>
                <h2 id="identity-title">Identity</h2>
                <TextField
                  label="Provider ID"
                  path="$.providerId"
                  monospace
                  value={draft.providerId}
                  onChange={(providerId) => update({ providerId })}
                  hint="Sent as providerId in the challenge; empty leaves it out. The spec allows only A–Z, a–z and 0–9."
                  {...issuesAt('$.providerId', error, warnings)}
                />
              </section>
              <section className="card" aria-labelledby="schemes-title" style={{ marginBottom: 16 }}>
                <h2 id="schemes-title">URL schemes</h2>
                <p className="hint">
                  Per platform, in the order Office tries them before falling back to the web view sign-in. Platforms with none are left
                  out.
                </p>
                {urlSchemePlatforms.map((platform: UrlSchemePlatform) => (
                  <fieldset key={platform}>
                    <legend>{platform}</legend>
                    <OrderedListEditor
                      itemLabel={`${platform} URL scheme`}
                      path={`$.urlSchemes.${platform}`}
                      items={draft.urlSchemes[platform]}
                      placeholder="contoso"
                      addLabel={`Add ${platform} scheme`}
                      onChange={(list) => update({ urlSchemes: { ...draft.urlSchemes, [platform]: list } })}
                      errorsAt={(index) => issuesAt(`$.urlSchemes.${platform}[${index}]`, error).errors}
                    />
                  </fieldset>
                ))}
              </section>
              <section className="card" aria-labelledby="oauth-title">
                <h2 id="oauth-title">OAuth client</h2>
                <TextField
                  label="Client ID"
                  path="$.oauth.clientId"
                  monospace
                  value={draft.oauth.clientId}
                  onChange={(clientId) => update({ oauth: { ...draft.oauth, clientId } })}
                  {...issuesAt('$.oauth.clientId', error)}
                />
                <SecretField
                  label="Client secret"
                  path="$.oauth.clientSecret"
                  monospace
                  value={draft.oauth.clientSecret}
                  onChange={(clientSecret) => update({ oauth: { ...draft.oauth, clientSecret } })}
                  {...issuesAt('$.oauth.clientSecret', error)}
                />
                <div className="field">
                  <span className="label">Redirect URIs</span>
                  <p className="hint">A sign-in redirects only to one of these (compared as parsed URLs).</p>
                </div>
                <OrderedListEditor
                  itemLabel="Redirect URI"
                  path="$.oauth.redirectUris"
                  items={draft.oauth.redirectUris}
                  placeholder="https://localhost"
                  addLabel="Add redirect URI"
                  onChange={(redirectUris) => update({ oauth: { ...draft.oauth, redirectUris } })}
                  errorsAt={(index) => issuesAt(`$.oauth.redirectUris[${index}]`, error).errors}
                />
                <TextField
                  label="Session context (sc)"
                  path="$.oauth.sessionContext"
                  monospace
                  placeholder="not sent"
                  value={draft.oauth.sessionContext}
                  onChange={(sessionContext) => update({ oauth: { ...draft.oauth, sessionContext } })}
                  hint="Added to the sign-in redirect as sc=…; Office should echo it in X-WOPI-SessionContext. The log notes a missing or different echo."
                  {...issuesAt('$.oauth.sessionContext', error)}
                />
                <CheckboxField
                  label="Hand out an alternative token endpoint (tk)"
                  path="$.oauth.alternativeTokenEndpoint"
                  checked={draft.oauth.alternativeTokenEndpoint}
                  onChange={(alternativeTokenEndpoint) => update({ oauth: { ...draft.oauth, alternativeTokenEndpoint } })}
                  hint="Adds tk=<origin>/oauth/token?via=tk to the sign-in redirect; clients must then redeem codes and refresh there. The log notes token requests that ignore it."
                  errors={issuesAt('$.oauth.alternativeTokenEndpoint', error).errors}
                />
              </section>
            </div>
            <ChallengePreview
              origin={status?.wopiOrigin ?? null}
              draft={draft}
              knownBugs={config?.knownBugs ?? null}
              errorParameter={config?.compatibility.challengeErrorParameter ?? false}
            />
          </div>
          <SaveBar
            dirty={section.dirty}
            saving={section.saving}
            changedElsewhere={section.changedElsewhere}
            saved={saved}
            onDiscard={section.discard}
          />
        </form>
      )}
    </section>
  );
}

function ChallengePreview({
  origin,
  draft,
  knownBugs,
  errorParameter,
}: {
  origin: string | null;
  draft: ProviderSection;
  knownBugs: Config['knownBugs'] | null;
  /** compatibility.challengeErrorParameter: whether a refused token's 401 carries error="invalid_token". */
  errorParameter: boolean;
}) {
  const [refusedToken, setRefusedToken] = useState(false);
  const toggleId = useId();
  if (origin === null || knownBugs === null) return <section className="card">Reading the WOPI origin…</section>;
  // The engine's own builder, so the preview bends the header exactly as the known-bug switches do.
  const { header, knownBugs: bent } = challengeFor(
    { ...draft, knownBugs },
    origin,
    refusedToken ? { error: BearerError.InvalidToken } : {},
  );
  const missing = knownBugs.challengeMissingOn401;
  const parsed = parseChallenge(header);
  const schemes = parsed?.params['UrlSchemes'];
  return (
    <section className="card" aria-labelledby="preview-title" style={{ position: 'sticky', top: 0 }}>
      <h2 id="preview-title">Challenge preview</h2>
      <p className="hint">
        The exact <code>WWW-Authenticate</code> header the next unauthenticated Bootstrap will get once these values are saved.
      </p>
      {(bent.length > 0 || missing) && (
        <p className="field-warning" data-testid="challenge-known-bugs">
          ⚠ Known host bugs on (Host behaviour screen):{' '}
          {[...bent, ...(missing ? (['challengeMissingOn401'] as const) : [])].map((key) => knownBug(key).title).join('; ')}.
          {missing && ' 401s carry no challenge at all; this is the one they would carry.'}
        </p>
      )}
      <div className="field" style={{ marginTop: 12 }}>
        <div className="row">
          <input
            id={toggleId}
            type="checkbox"
            checked={refusedToken}
            aria-describedby={`${toggleId}-hint`}
            onChange={(event) => setRefusedToken(event.target.checked)}
          />
          <label htmlFor={toggleId} style={{ marginBottom: 0 }}>
            With <code>error="invalid_token"</code>
          </label>
        </div>
        <p className="hint" id={`${toggleId}-hint`}>
          The RFC 6750 variant, for a request whose token was refused.{' '}
          {errorParameter
            ? 'The host sends it now (Host behaviour: error="invalid_token" in challenges is on).'
            : 'The host sends it only once Host behaviour turns on error="invalid_token" in challenges.'}
        </p>
      </div>
      <h3 id="raw-title">Raw</h3>
      <pre className="code" aria-labelledby="raw-title" data-testid="challenge-preview">
        {header}
      </pre>
      <h3 style={{ marginTop: 14 }}>Decoded</h3>
      <table className="table" aria-label="Challenge parameters">
        <thead>
          <tr>
            <th scope="col">Parameter</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">scheme</th>
            <td className="mono">{parsed?.scheme}</td>
          </tr>
          {parsed?.ordered.map(([name, value]) => (
            <tr key={name}>
              <th scope="row" className="mono">
                {name}
              </th>
              <td className="mono" style={{ wordBreak: 'break-all' }}>
                {value}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {schemes !== undefined && (
        <>
          <h3 style={{ marginTop: 14 }} id="schemes-decoded-title">
            UrlSchemes, decoded
          </h3>
          <pre className="code" aria-labelledby="schemes-decoded-title" data-testid="url-schemes-decoded">
            {JSON.stringify(decodeUrlSchemes(schemes), null, 2)}
          </pre>
        </>
      )}
    </section>
  );
}
