import { useId, useState, type FormEvent } from 'react';
import { useConfig } from '../../api/config-store.ts';
import { TextField } from '../../components/forms.tsx';
import { AdminApiError, acceptScenario, asScenarioFault, errorMessage, scenarioIdFrom, scenariosApi } from './scenarios-api.ts';

/** "Save current faults as a scenario": the active fault rules, under a name and a description, as one of the user's own. */
export function SaveFaultsForm({ takenIds }: { takenIds: ReadonlySet<string> }) {
  const faults = useConfig().config?.faults ?? [];
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<AdminApiError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const descriptionId = useId();
  const id = scenarioIdFrom(title);
  const replaces = id !== '' && takenIds.has(id);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    setSaved(null);
    try {
      const view = await scenariosApi.save(id, { title: title.trim(), description, faults: faults.map(asScenarioFault) });
      acceptScenario(view);
      setSaved(view.title);
      setTitle('');
      setDescription('');
    } catch (caught) {
      setError(caught instanceof AdminApiError ? caught : new AdminApiError(0, [{ path: '$', message: errorMessage(caught) }]));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="card" aria-labelledby="save-faults-title">
      <h2 id="save-faults-title">Save current faults as a scenario</h2>
      <p className="hint">
        {faults.length === 0
          ? 'There are no fault rules now: add some on the Faults screen first.'
          : `${faults.length === 1 ? 'The active fault rule becomes' : `The ${faults.length} active fault rules become`} a scenario of your own, applied and removed in one click.`}
      </p>
      <form onSubmit={(event) => void onSubmit(event)} noValidate>
        <TextField
          label="Name"
          value={title}
          onChange={(text) => {
            setTitle(text);
            setSaved(null);
          }}
          path="$.title"
          hint={id ? `Saved as ${id}${replaces ? ', replacing the scenario of that id' : ''}.` : 'A short name, such as "Slow downloads".'}
          errors={[...(error?.messagesAt('$.title') ?? []), ...(error?.messagesAt('$.id') ?? [])]}
        />
        <div className="field">
          <label htmlFor={descriptionId}>Description</label>
          <textarea id={descriptionId} rows={2} value={description} onChange={(event) => setDescription(event.target.value)} />
        </div>
        {error && error.errors.some((e) => e.path !== '$.title' && e.path !== '$.id') && (
          <p className="field-error" role="alert">
            {error.errors
              .filter((e) => e.path !== '$.title' && e.path !== '$.id')
              .map((e) => (e.path === '$' ? e.message : `${e.path}: ${e.message}`))
              .join('; ')}
          </p>
        )}
        <div className="row">
          <button type="submit" className="primary" disabled={saving || faults.length === 0 || id === ''}>
            Save as scenario
          </button>
          <span role="status" className="small muted" data-testid="save-scenario-status">
            {saved && `Saved “${saved}”.`}
          </span>
        </div>
      </form>
    </section>
  );
}
