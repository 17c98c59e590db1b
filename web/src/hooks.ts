import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';
import { t } from './i18n';

/** Async is the state of one load. */
export interface Async<T> {
  data: T | undefined;
  error: string;
  loading: boolean;
  reload: () => void;
}

/** useAsync runs load on mount and whenever deps change. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data?: T; error: string; loading: boolean }>({ error: '', loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: '' }));
    load().then(
      (data) => live && setState({ data, error: '', loading: false }),
      (e) => live && setState({ error: errorText(e), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** errorText is a message fit to show for any thrown value. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return t('err.generic');
}
