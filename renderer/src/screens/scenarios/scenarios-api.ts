import type {
  FaultRule,
  FaultRuleInput,
  ScenarioApplied,
  ScenarioInput,
  ScenarioList,
  ScenarioRemoved,
  ScenarioView,
} from '../../../../mock-server/admin/contract.ts';
import { AdminApiError, adminFetch } from '../../api/client.ts';
import { StreamEvent, subscribeLive } from '../../api/live.ts';
import { createStore, useStore } from '../../api/store.ts';

export type { ScenarioApplied, ScenarioRemoved, ScenarioView };

const path = (id: string) => `/api/scenarios/${encodeURIComponent(id)}`;
const post = async <T>(url: string) => (await (await adminFetch(url, { method: 'POST' })).json()) as T;

/** The scenario admin routes (docs/admin-api.md, "Scenarios"). */
export const scenariosApi = {
  list: async () => ((await (await adminFetch('/api/scenarios')).json()) as ScenarioList).scenarios,
  apply: (id: string) => post<ScenarioApplied>(`${path(id)}/apply`),
  remove: (id: string) => post<ScenarioRemoved>(`${path(id)}/remove`),
  save: async (id: string, scenario: Omit<ScenarioInput, 'id'>) =>
    (await (await adminFetch(path(id), { method: 'PUT', body: JSON.stringify(scenario) })).json()) as ScenarioView,
  delete: async (id: string) => void (await adminFetch(path(id), { method: 'DELETE' })),
};

interface ScenariosSnapshot {
  scenarios: ScenarioView[] | null;
  loadError: string | null;
}

/** Every scenario, loaded once and then kept current by the stream's `scenarios` events. */
const scenariosStore = createStore<ScenariosSnapshot>(
  { scenarios: null, loadError: null },
  {
    onObserved: () => {
      void load();
      return subscribeLive((event) => {
        if (event.type === StreamEvent.Scenarios) scenariosStore.set({ scenarios: event.scenarios, loadError: null });
        else if (event.type === 'reconnected') void load();
      });
    },
  },
);

async function load(): Promise<void> {
  try {
    scenariosStore.set({ scenarios: await scenariosApi.list(), loadError: null });
  } catch (error) {
    scenariosStore.set((current) => ({ ...current, loadError: errorMessage(error) }));
  }
}

export function useScenarios(): ScenariosSnapshot {
  return useStore(scenariosStore);
}

/** The answer of an action, taken in at once rather than waiting for the stream's echo. */
export function acceptScenario(view: ScenarioView): void {
  scenariosStore.set((current) => {
    if (!current.scenarios) return current;
    const known = current.scenarios.some((s) => s.id === view.id);
    return { ...current, scenarios: known ? current.scenarios.map((s) => (s.id === view.id ? view : s)) : [...current.scenarios, view] };
  });
}

export function forgetScenario(id: string): void {
  scenariosStore.set((current) => (current.scenarios ? { ...current, scenarios: current.scenarios.filter((s) => s.id !== id) } : current));
}

/** A fault rule as a scenario holds it: the id is given when the scenario is applied. */
export function asScenarioFault({ id: _id, ...rule }: FaultRule): FaultRuleInput {
  return rule;
}

/** `Slow GetFile!` → `slow-getfile`: a scenario id from the name a person typed. */
export function scenarioIdFrom(title: string): string {
  return title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

export { AdminApiError };
