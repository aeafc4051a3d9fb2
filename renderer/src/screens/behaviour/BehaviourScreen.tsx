import { useId, useState, type FormEvent } from 'react';
import type { Config } from '../../api/client.ts';
import { useSectionDraft } from '../../api/config-store.ts';
import { CheckboxField, ErrorBanner, Messages, SaveBar, TextField, issuesAt } from '../../components/forms.tsx';

type BehaviourSection = Pick<Config, 'capabilities' | 'compatibility' | 'maxFileSizeBytes'>;

const selectBehaviour = (config: Config): BehaviourSection => ({
  capabilities: config.capabilities,
  compatibility: config.compatibility,
  maxFileSizeBytes: config.maxFileSizeBytes,
});
const applyBehaviour = (config: Config, section: BehaviourSection): Config => ({ ...config, ...section });

const mebibyte = 1024 ** 2;
const fieldPaths = [
  '$.capabilities.putRelativeFile',
  '$.capabilities.containers',
  '$.compatibility.unknownEcosystemOperation',
  '$.compatibility.expiresInAsString',
  '$.compatibility.challengeErrorParameter',
  '$.maxFileSizeBytes',
];

/**
 * How the host behaves beyond the sign-in: which optional WOPI features it declares, the size
 * limit for uploads, and the switches that make it behave like hosts that read the spec
 * differently — each one is a case a client has to survive.
 */
export function BehaviourScreen() {
  const section = useSectionDraft(selectBehaviour, applyBehaviour);
  const [saved, setSaved] = useState(false);
  const [sizeText, setSizeText] = useState<string | null>(null);
  const { draft, setDraft, error } = section;
  const unknownOperationId = useId();

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
        <p>Optional WOPI features the host declares, the upload limit, and switches that copy how other hosts read the spec.</p>
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
              <div className="field">
                <label htmlFor={unknownOperationId}>Unknown X-WOPI-EcosystemOperation</label>
                <select
                  id={unknownOperationId}
                  data-path="$.compatibility.unknownEcosystemOperation"
                  value={draft.compatibility.unknownEcosystemOperation}
                  aria-describedby={`${unknownOperationId}-messages`}
                  onChange={(event) =>
                    update({
                      compatibility: {
                        ...draft.compatibility,
                        unknownEcosystemOperation: event.target.value as BehaviourSection['compatibility']['unknownEcosystemOperation'],
                      },
                    })
                  }
                >
                  <option value="bootstrap">Answer as Bootstrap (the spec)</option>
                  <option value="notImplemented">501 Not Implemented (as WopiHost does)</option>
                </select>
                <Messages
                  id={`${unknownOperationId}-messages`}
                  errors={issuesAt('$.compatibility.unknownEcosystemOperation', error).errors}
                  hint="What a POST to the bootstrapper with an operation this host does not know gets."
                />
              </div>
              <CheckboxField
                label="expires_in as a string"
                path="$.compatibility.expiresInAsString"
                checked={draft.compatibility.expiresInAsString}
                onChange={(expiresInAsString) => update({ compatibility: { ...draft.compatibility, expiresInAsString } })}
                hint={
                  'The token response sends "expires_in": "3600", as the token-issuance doc\'s sample does. Office reads only a number, so it then treats the token as never expiring.'
                }
                errors={issuesAt('$.compatibility.expiresInAsString', error).errors}
              />
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
