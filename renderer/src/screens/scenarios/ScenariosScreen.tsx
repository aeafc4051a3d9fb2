import { ScenarioCard } from './ScenarioCard.tsx';
import { SaveFaultsForm } from './SaveFaultsForm.tsx';
import { useScenarios } from './scenarios-api.ts';
import './scenarios.css';

/**
 * Scenarios: named bundles of settings, fault rules and one-shot actions (expire tokens, another
 * editor takes the locks), applied and removed in one click. Removing puts back what applying
 * changed; the three built-in ones ship with the host, and the user can save their own.
 */
export function ScenariosScreen() {
  const { scenarios, loadError } = useScenarios();
  const own = new Set((scenarios ?? []).filter((s) => !s.builtIn).map((s) => s.id));
  return (
    <section className="screen" aria-labelledby="scenarios-title">
      <header className="screen-header">
        <h1 id="scenarios-title">Scenarios</h1>
        <p>
          Situations a client has to survive, each applied and removed in one click: removing puts back the settings and fault rules it
          changed. Expiring tokens and writing a version happen once and stay done.
        </p>
      </header>
      {loadError && (
        <p className="banner banner-error" role="alert">
          {loadError}
        </p>
      )}
      {!scenarios && !loadError && <p className="muted">Reading the scenarios…</p>}
      <div className="scenario-list">
        {scenarios?.map((scenario) => (
          <ScenarioCard key={scenario.id} scenario={scenario} />
        ))}
      </div>
      <SaveFaultsForm takenIds={own} />
    </section>
  );
}
