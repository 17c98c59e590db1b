import { useEffect, useReducer } from 'preact/hooks';

/** Store is one piece of app-wide state that components can subscribe to. */
export interface Store<T> {
  get(): T;
  set(v: T): void;
  subscribe(fn: () => void): () => void;
}

/** createStore makes a Store holding initial. */
export function createStore<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(v: T) {
      value = v;
      listeners.forEach((fn) => fn());
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/** useStore re-renders the calling component whenever s changes. */
export function useStore<T>(s: Store<T>): T {
  const [, force] = useReducer((n: number) => n + 1, 0);
  useEffect(() => s.subscribe(() => force(0)), [s]);
  return s.get();
}

/** useNow returns the current time, refreshed every periodMs. */
export function useNow(periodMs: number): number {
  const [, force] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const id = window.setInterval(() => force(0), periodMs);
    return () => window.clearInterval(id);
  }, [periodMs]);
  return Date.now();
}
