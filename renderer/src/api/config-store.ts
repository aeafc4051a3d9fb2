import { useCallback, useState } from 'react';
import { AdminApiError, adminApi, type Config, type ConfigIssue } from './client.ts';
import { StreamEvent, subscribeLive } from './live.ts';
import { createStore, useStore } from './store.ts';

/**
 * The engine's config as the UI knows it: loaded once, then kept current by the `config` and
 * `faults` stream events, so a change made elsewhere (another window, a script) shows up at once.
 */
interface ConfigSnapshot {
  config: Config | null;
  warnings: ConfigIssue[];
  loadError: AdminApiError | null;
  /** Bumped on every change from the engine, so drafts can tell a fresh config from their own. */
  revision: number;
}

const configStore = createStore<ConfigSnapshot>(
  { config: null, warnings: [], loadError: null, revision: 0 },
  {
    onObserved: () => {
      void load();
      return subscribeLive((event) => {
        const { config } = configStore.get();
        if (event.type === StreamEvent.Config) accept(event.config, event.warnings);
        else if (event.type === 'reconnected') void load();
        else if (event.type === StreamEvent.Faults && config) publish({ config: { ...config, faults: event.faults } });
      });
    },
  },
);

/** A change from the engine: a new snapshot, its revision bumped when the config is new. */
function publish(next: Partial<ConfigSnapshot>): void {
  configStore.set((current) => ({ ...current, ...next, revision: 'config' in next ? current.revision + 1 : current.revision }));
}

function accept(config: Config, warnings: ConfigIssue[]): void {
  // The stream echoes our own saves; an identical document is not news (and must not look like
  // a change made elsewhere to a draft being edited).
  const current = configStore.get();
  if (
    current.config &&
    JSON.stringify(current.config) === JSON.stringify(config) &&
    JSON.stringify(current.warnings) === JSON.stringify(warnings)
  )
    return;
  publish({ config, warnings, loadError: null });
}

async function load(): Promise<void> {
  try {
    const [config, status] = await Promise.all([adminApi.config(), adminApi.status()]);
    accept(config, status.warnings);
  } catch (error) {
    publish({ loadError: error instanceof AdminApiError ? error : new AdminApiError(0, [{ path: '$', message: String(error) }]) });
  }
}

export function useConfig(): ConfigSnapshot {
  return useStore(configStore);
}

/** Replaces the whole config document; the engine validates it and rejects it whole on error. */
export async function saveConfig(config: Config): Promise<ConfigIssue[]> {
  const result = await adminApi.putConfig(config);
  accept(result.config, result.warnings);
  return result.warnings;
}

export interface SectionDraft<T> {
  draft: T | null;
  setDraft: (next: T) => void;
  dirty: boolean;
  /** The config was changed elsewhere while this draft had unsaved edits. */
  changedElsewhere: boolean;
  saving: boolean;
  /** The last save's error; its `errors` carry JSON paths into the whole config document. */
  error: AdminApiError | null;
  warnings: ConfigIssue[];
  save: () => Promise<boolean>;
  discard: () => void;
}

/**
 * A screen's editable copy of one part of the config. Saving PUTs the latest whole config with
 * this part replaced, so parts edited on other screens are never overwritten with stale values.
 */
export function useSectionDraft<T>(select: (config: Config) => T, apply: (config: Config, section: T) => Config): SectionDraft<T> {
  const { config, warnings, revision } = useConfig();
  const [draft, setDraftState] = useState<T | null>(null);
  const [dirty, setDirty] = useState(false);
  const [changedElsewhere, setChangedElsewhere] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<AdminApiError | null>(null);
  // A new revision from the engine replaces a clean draft, or flags a dirty one; adjusted while
  // rendering (React's pattern for state that follows a changed input), so no stale frame shows.
  const [seenRevision, setSeenRevision] = useState(0);
  if (config && revision !== seenRevision) {
    setSeenRevision(revision);
    if (dirty) setChangedElsewhere(true);
    else setDraftState(select(config));
  }

  const setDraft = useCallback((next: T) => {
    setDraftState(next);
    setDirty(true);
  }, []);

  const discard = useCallback(() => {
    if (config) setDraftState(select(config));
    setDirty(false);
    setChangedElsewhere(false);
    setError(null);
  }, [config, select]);

  const save = useCallback(async () => {
    if (!config || draft === null) return false;
    setSaving(true);
    setError(null);
    try {
      const latest = configStore.get().config ?? config;
      await saveConfig(apply(latest, draft));
      setDirty(false);
      setChangedElsewhere(false);
      return true;
    } catch (caught) {
      setError(caught instanceof AdminApiError ? caught : new AdminApiError(0, [{ path: '$', message: String(caught) }]));
      return false;
    } finally {
      setSaving(false);
    }
  }, [apply, config, draft]);

  return { draft, setDraft, dirty, changedElsewhere, saving, error, warnings, save, discard };
}
