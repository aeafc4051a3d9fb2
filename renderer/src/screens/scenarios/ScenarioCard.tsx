import { useState } from 'react';
import { formatInstant } from '../../components/time.ts';
import {
  acceptScenario,
  errorMessage,
  forgetScenario,
  scenariosApi,
  type ScenarioApplied,
  type ScenarioRemoved,
  type ScenarioView,
} from './scenarios-api.ts';

type Outcome = { kind: 'applied'; result: ScenarioApplied } | { kind: 'removed'; result: ScenarioRemoved } | null;

/** One scenario: what it does, whether it is applied, Apply or Remove, and Delete for the user's own. */
export function ScenarioCard({ scenario }: { scenario: ScenarioView }) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const titleId = `scenario-${scenario.id}-title`;

  const run = async (act: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await act();
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };
  const apply = () =>
    run(async () => {
      const result = await scenariosApi.apply(scenario.id);
      acceptScenario(result.scenario);
      setOutcome({ kind: 'applied', result });
    });
  const remove = () =>
    run(async () => {
      const result = await scenariosApi.remove(scenario.id);
      acceptScenario(result.scenario);
      setOutcome({ kind: 'removed', result });
    });
  const deleteOwn = () =>
    run(async () => {
      await scenariosApi.delete(scenario.id);
      forgetScenario(scenario.id);
    });

  return (
    <article className="card scenario" aria-labelledby={titleId} data-scenario-id={scenario.id} data-applied={scenario.applied !== null}>
      <div className="row">
        <h2 id={titleId} style={{ margin: 0 }}>
          {scenario.title}
        </h2>
        <span className="badge">{scenario.builtIn ? 'Built in' : 'Yours'}</span>
        {scenario.applied && (
          <span className="badge badge-warn" data-testid="applied-badge">
            Applied {formatInstant(Date.parse(scenario.applied.appliedAt))}
          </span>
        )}
        <span className="spacer" />
        {scenario.applied ? (
          <button type="button" disabled={busy} onClick={() => void remove()} aria-label={`Remove ${scenario.title}`}>
            Remove
          </button>
        ) : (
          <button type="button" className="primary" disabled={busy} onClick={() => void apply()} aria-label={`Apply ${scenario.title}`}>
            Apply
          </button>
        )}
        {!scenario.builtIn && (
          <button
            type="button"
            className="danger"
            disabled={busy || scenario.applied !== null}
            title={scenario.applied ? 'Remove it first' : undefined}
            onClick={() => void deleteOwn()}
            aria-label={`Delete ${scenario.title}`}
          >
            Delete
          </button>
        )}
      </div>
      {scenario.description && <p>{scenario.description}</p>}
      <ul className="small scenario-effects">
        {scenario.effects.map((effect) => (
          <li key={effect}>{effect}</li>
        ))}
      </ul>
      <div role="status" className="small" data-testid="scenario-status">
        {outcome?.kind === 'applied' && <AppliedSummary result={outcome.result} />}
        {outcome?.kind === 'removed' && <RemovedSummary result={outcome.result} />}
      </div>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
    </article>
  );
}

function AppliedSummary({ result }: { result: ScenarioApplied }) {
  const lines = [
    result.configChanged.length > 0 && `Set ${result.configChanged.join(', ')}.`,
    result.faultIds.length > 0 && `Added fault ${result.faultIds.length === 1 ? 'rule' : 'rules'} ${result.faultIds.join(', ')}.`,
    result.locks.length > 0 &&
      `Another editor holds ${result.locks.length === 1 ? 'the lock' : `${result.locks.length} locks`} (${result.locks[0]!.lockId}).`,
    ...result.oneShot.map((line) => `${line}.`),
  ].filter((line): line is string => typeof line === 'string');
  return (
    <>
      <strong>Applied.</strong> {lines.join(' ')}
    </>
  );
}

function RemovedSummary({ result }: { result: ScenarioRemoved }) {
  const lines = [
    result.restored.length > 0 && `Put back ${result.restored.join(', ')}.`,
    result.keptAsChanged.length > 0 && `Left ${result.keptAsChanged.join(', ')} as changed since.`,
    result.faultsRemoved.length > 0 && `Removed ${result.faultsRemoved.join(', ')}.`,
    result.faultsGone.length > 0 && `${result.faultsGone.join(', ')} had already gone.`,
    result.locksRestored.length > 0 &&
      `Gave ${result.locksRestored.length} ${result.locksRestored.length === 1 ? 'file' : 'files'} back their lock.`,
    result.locksLeft.length > 0 && `${result.locksLeft.length} locks had changed since and were left.`,
    result.notUndone.length > 0 && `Not undone: ${result.notUndone.join('; ')}.`,
  ].filter((line): line is string => typeof line === 'string');
  return (
    <>
      <strong>Removed.</strong> {lines.join(' ')}
    </>
  );
}
