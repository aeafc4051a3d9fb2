import { useSyncExternalStore } from 'react';

/**
 * The one pattern for state the UI shares outside React (the config, the engine's status, the
 * stream's connection, the log): a value, a way to replace it, and subscribers told of each
 * change; components read it with `useStore`. A change must be a new value (React compares with
 * Object.is); setting the same value again tells nobody.
 */
export interface Store<T> {
  get: () => T;
  set: (next: T | ((current: T) => T)) => void;
  subscribe: (listener: () => void) => () => void;
}

export interface StoreOptions {
  /**
   * Runs when the first subscriber arrives (start loading, open a stream, start a timer); what it
   * returns runs when the last one leaves. Nothing runs while nobody watches.
   */
  onObserved?: () => (() => void) | void;
}

export function createStore<T>(initial: T, options: StoreOptions = {}): Store<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  let stop: (() => void) | void = undefined;
  return {
    get: () => value,
    set: (next) => {
      const resolved = typeof next === 'function' ? (next as (current: T) => T)(value) : next;
      if (Object.is(resolved, value)) return;
      value = resolved;
      for (const listener of listeners) listener();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      if (listeners.size === 1) stop = options.onObserved?.();
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0) return;
        const stopping = stop;
        stop = undefined;
        stopping?.();
      };
    },
  };
}

/** The store's current value; re-renders the caller on each change. */
export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.get);
}
