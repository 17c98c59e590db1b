import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';
import { lang, t } from './i18n';
import { useStore } from './store';

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

/**
 * Message is text for the reader: a function of the current language when
 * the app wrote it, so that switching language re-renders it, or a string
 * when it is what the server said.
 */
export type Message = string | (() => string);

/** FieldErrors maps a field (an API field name) to its error. */
export type FieldErrors = Record<string, Message>;

/**
 * fieldErrors is what a failed request says about the form: the server's
 * message on the field it names, or nothing, after passing any other
 * error to setGeneral.
 */
export function fieldErrors(e: unknown, setGeneral: (s: string) => void): FieldErrors {
  if (e instanceof ApiError && e.field) return { [e.field]: e.message };
  setGeneral(errorText(e));
  return {};
}

/** messageText is m in the current language. */
export function messageText(m: Message): string {
  return typeof m === 'function' ? m() : m;
}

/** useMessage holds a Message (a notice after an action) and returns it as text in the current language. */
export function useMessage(): [string, (m: Message) => void] {
  useStore(lang);
  const [m, setM] = useState<Message>('');
  return [messageText(m), (next) => setM(() => next)];
}
