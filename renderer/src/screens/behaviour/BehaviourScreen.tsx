import { useState, type FormEvent } from 'react';
import type { Config } from '../../api/client.ts';
import { useConfig, useSectionDraft } from '../../api/config-store.ts';
import { CheckboxField, ErrorBanner, SaveBar, TextField, issuesAt } from '../../components/forms.tsx';
import { isKnownBugOn, knownBugs, withKnownBug, type KnownBug } from '../../../../mock-server/analysis/known-bugs.ts';
import { urlSchemesJson } from '../../../../mock-server/protocol/challenge.ts';
import { SessionBehaviour, applySession, selectSession, sessionFieldPaths, type SessionSettings } from './SessionBehaviour.tsx';

type BehaviourSection = Pick<Config, 'capabilities' | 'compatibility' | 'maxFileSizeBytes' | 'knownBugs'> & { session: SessionSettings };

const selectBehaviour = (config: Config): BehaviourSection => ({
  capabilities: config.capabilities,
  compatibility: config.compatibility,
  maxFileSizeBytes: config.maxFileSizeBytes,
  knownBugs: config.knownBugs,
  session: selectSession(config),
});
const applyBehaviour = (config: Config, { session, ...section }: BehaviourSection): Config =>
  applySession({ ...config, ...section }, session);

const mebibyte = 1024 ** 2;
const pathOf = (bug: KnownBug) => `$.${bug.configPath}`;
const fieldPaths = [
  '$.capabilities.putRelativeFile',
  '$.capabilities.containers',
  '$.compatibility.challengeErrorParameter',
  '$.maxFileSizeBytes',
  ...knownBugs.map(pathOf),
  ...sessionFieldPaths,
];

/**
 * How the host behaves beyond the sign-in: which optional WOPI features it declares, the size
 * limit for uploads, and the switches that make it behave like hosts that read the spec
 * differently or break it — each one is a case a client has to survive.
 */
export function BehaviourScreen() {
  const section = useSectionDraft(selectBehaviour, applyBehaviour);
  const [saved, setSaved] = useState(false);
  const [sizeText, setSizeText] = useState<string | null>(null);
  const { draft, setDraft, error } = section;
  const urlSchemes = useConfig().config?.urlSchemes;
  const schemesConfigured = urlSchemesJson(urlSchemes) !== undefined;

  const update = (change: Partial<BehaviourSection>) => {
    if (!draft) return;
    setDraft({ ...draft, ...change });
    setSaved(false);
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(await section.save());
  };

  const sizeValue = sizeText ?? (draft ? String(draft.maxFileSizeBytes / mebibyte) : '');
  const sizeProblem = sizeText !== null && !(Number(sizeText) > 0) ? 'enter a size in MiB greater than 0' : null;

  return (
    <section className="screen" aria-labelledby="behaviour-title">
      <header className="screen-header">
        <h1 id="behaviour-title">Host behaviour</h1>
        <p>
          Optional WOPI features the host declares, the upload limit, how sign-ins and refreshes behave, the host&rsquo;s clock, and
          switches that copy how other hosts read, or break, the spec.
        </p>
      </header>
      {!draft && <p className="muted">Reading the config…</p>}
      {draft && (
        <form onSubmit={(event) => void onSubmit(event)} noValidate>
          <ErrorBanner error={error} shownPaths={fieldPaths} />
          <div className="grid-2" style={{ alignItems: 'start' }}>
            <section className="card" aria-labelledby="capabilities-title">
              <h2 id="capabilities-title">WOPI features</h2>
              <CheckboxField
                label="PutRelativeFile (Save as / Save a copy)"
                path="$.capabilities.putRelativeFile"
                checked={draft.capabilities.putRelativeFile}
                onChange={(putRelativeFile) => update({ capabilities: { ...draft.capabilities, putRelativeFile } })}
                hint="Off: CheckFileInfo sends UserCanNotWriteRelative: true and PutRelativeFile answers 501, like a host without it."
                errors={issuesAt('$.capabilities.putRelativeFile', error).errors}
              />
              <CheckboxField
                label="Containers (folders)"
                path="$.capabilities.containers"
                checked={draft.capabilities.containers}
                onChange={(containers) => update({ capabilities: { ...draft.capabilities, containers } })}
                hint="Off: SupportsContainers is false and every container operation answers 501; GET_ROOT_CONTAINER falls back to a plain Bootstrap. Office mobile cannot browse such a host."
                errors={issuesAt('$.capabilities.containers', error).errors}
              />
              <TextField
                label="Largest file accepted (MiB)"
                path="$.maxFileSizeBytes"
                value={sizeValue}
                onChange={(text) => {
                  setSizeText(text);
                  const mib = Number(text);
                  if (mib > 0) update({ maxFileSizeBytes: Math.round(mib * mebibyte) });
                }}
                hint="PutFile, PutRelativeFile and uploads over this size answer 413."
                errors={[...(sizeProblem ? [sizeProblem] : []), ...issuesAt('$.maxFileSizeBytes', error).errors]}
              />
            </section>
            <section className="card" aria-labelledby="compatibility-title">
              <h2 id="compatibility-title">Spec readings</h2>
              <CheckboxField
                label={'error="invalid_token" in challenges'}
                path="$.compatibility.challengeErrorParameter"
                checked={draft.compatibility.challengeErrorParameter}
                onChange={(challengeErrorParameter) => update({ compatibility: { ...draft.compatibility, challengeErrorParameter } })}
                hint="Adds the RFC 6750 error parameter to the 401 challenge for a bad or expired token. Office documents no such parameter; some parsers trip on it."
                errors={issuesAt('$.compatibility.challengeErrorParameter', error).errors}
              />
            </section>
          </div>
          <SessionBehaviour
            draft={draft.session}
            update={(session) => update({ session: { ...draft.session, ...session } })}
            error={error}
          />
          <section className="card" aria-labelledby="known-bugs-title" style={{ marginTop: 16 }}>
            <h2 id="known-bugs-title">Known host bugs (on purpose)</h2>
            <p className="hint" style={{ marginBottom: 12 }}>
              Each switch makes the host break one spec rule the way real hosts have, to see how a client copes. The Live log marks every
              answer a switch bent, with the rule it breaks.
            </p>
            <div className="grid-2">
              {knownBugs.map((bug) => (
                <CheckboxField
                  key={bug.key}
                  label={bug.title}
                  path={pathOf(bug)}
                  checked={isKnownBugOn(draft, bug.key)}
                  onChange={(on) => update(withKnownBug(draft, bug.key, on))}
                  hint={
                    <>
                      Breaks rule <code>{bug.rule}</code>. {bug.explanation}
                    </>
                  }
                  warnings={
                    bug.key === 'challengeUnencodedUrlSchemes' && !schemesConfigured
                      ? [
                          'No URL schemes are configured (Provider screen), so there is no UrlSchemes parameter and this switch has no effect.',
                        ]
                      : []
                  }
                  errors={issuesAt(pathOf(bug), error).errors}
                />
              ))}
            </div>
          </section>
          <SaveBar
            dirty={section.dirty}
            saving={section.saving}
            changedElsewhere={section.changedElsewhere}
            saved={saved}
            onDiscard={() => {
              setSizeText(null);
              section.discard();
            }}
          />
        </form>
      )}
    </section>
  );
}
