import { useState, type FormEvent } from 'react';
import { useSectionDraft } from '../../api/config-store.ts';
import { ErrorBanner, SaveBar, issuesAt } from '../../components/forms.tsx';
import { ForwardProxyCard } from './ForwardProxyCard.tsx';
import { ListenerModeCard } from './ListenerModeCard.tsx';
import { ProxyStatusCard } from './ProxyStatusCard.tsx';
import { UpstreamTrustCard } from './UpstreamTrustCard.tsx';
import { applyProxyForm, localProblems, proxyPaths, selectProxyForm, shownPaths, type ProxyForm } from './proxy-form.ts';

/**
 * The proxy modes: the WOPI listener as the mock or as a reverse proxy to a host of yours, the
 * forward proxy a phone's Wi-Fi settings point at, and how both trust the hosts they reach. Saved
 * with the config and applied at once; a refusal (a port taken, a self-loop) changes nothing.
 */
export function ProxyScreen() {
  const section = useSectionDraft(selectProxyForm, applyProxyForm);
  const [saved, setSaved] = useState(false);
  // An empty upstream is only wrong once the user tries to save it, not the moment the mode is picked.
  const [attempted, setAttempted] = useState(false);
  const { draft, setDraft, error, warnings } = section;

  const update = (change: Partial<ProxyForm>) => {
    if (!draft) return;
    setDraft({ ...draft, ...change });
    setSaved(false);
  };

  const problems = draft ? localProblems(draft) : new Map<string, string>();
  const issuesOf = (path: string) => {
    const local = problems.get(path);
    const shown = local !== undefined && (attempted || path !== proxyPaths.upstream);
    const engine = issuesAt(path, error, warnings);
    return { errors: [...(shown ? [local] : []), ...engine.errors], warnings: engine.warnings };
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (problems.size > 0) return;
    setSaved(await section.save());
    setAttempted(false);
  };

  return (
    <section className="screen" aria-labelledby="proxy-screen-title">
      <header className="screen-header">
        <h1 id="proxy-screen-title">Proxy</h1>
        <p>
          Watch your own host: put the WOPI listener in front of it as a reverse proxy, or run a forward proxy for a phone&rsquo;s Wi-Fi
          settings. Every exchange lands in the Live log; saved with the config and in effect at once.
        </p>
      </header>
      {!draft && <p className="muted">Reading the config…</p>}
      {draft && (
        <form onSubmit={(event) => void onSubmit(event)} noValidate>
          <ErrorBanner error={error} shownPaths={shownPaths(draft)} />
          {attempted && problems.size > 0 && (
            <div className="banner banner-error" role="alert">
              Not saved: fix the fields marked below.
            </div>
          )}
          <div className="grid-2" style={{ alignItems: 'start' }}>
            <div style={{ display: 'grid', gap: 16 }}>
              <ListenerModeCard form={draft} update={update} issuesAt={issuesOf} />
              <UpstreamTrustCard form={draft} update={update} issuesAt={issuesOf} />
            </div>
            <ForwardProxyCard form={draft} update={update} issuesAt={issuesOf} />
          </div>
          <SaveBar
            dirty={section.dirty}
            saving={section.saving}
            changedElsewhere={section.changedElsewhere}
            saved={saved}
            onDiscard={() => {
              setAttempted(false);
              section.discard();
            }}
          />
        </form>
      )}
      <div style={{ marginTop: 16 }}>
        <ProxyStatusCard />
      </div>
    </section>
  );
}
