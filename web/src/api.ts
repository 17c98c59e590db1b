import { type Key, lang, t } from './i18n';

/** ApiError is a failed API call: the server's message (in the UI language) and the field it names. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code = '',
    readonly field = '',
  ) {
    super(message);
  }
}

// The server words most messages in the request's language (package cases).
// These few it gives in English only, so the app says them itself.
const clientWorded: Record<string, Key> = {
  bad_credentials: 'err.badCredentials',
  session_expired: 'err.sessionExpired',
  login_throttled: 'err.tooMany',
  tracking_throttled: 'err.trackThrottled',
  csrf_token: 'err.csrf',
};

// Errors without a code carry only a generic English text ("not found").
const byStatus: Record<number, Key> = {
  401: 'err.sessionExpired',
  403: 'err.forbidden',
  404: 'err.notFound',
  409: 'err.conflict',
  422: 'err.invalid',
  429: 'err.tooMany',
};

/** errorMessage picks the text to show for a failed call. */
function errorMessage(status: number, data: { error?: string; code?: string } | null): string {
  const code = data?.code ?? '';
  if (code && clientWorded[code]) return t(clientWorded[code]);
  if (code && data?.error) return data.error;
  return t(byStatus[status] ?? 'err.generic');
}

/** onUnauthorized is called when a staff call answers 401 (the session ended). */
let onUnauthorized: (() => void) | null = null;

/** setUnauthorizedHandler registers what to do when the session has ended. */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

/** cookie reads a cookie that scripts may see. */
export function cookie(name: string): string {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return '';
}

/** RequestOptions are the rarer knobs of api(). */
export interface RequestOptions {
  headers?: Record<string, string>;
  /** quiet401 skips the session-ended handler (for login and /me). */
  quiet401?: boolean;
}

/**
 * api calls the JSON API. It sends the UI language (so the server's messages
 * come back in it) and, on unsafe methods, the CSRF token from the
 * vikalp_csrf cookie. Errors become ApiError with a message fit to show.
 */
export async function api<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': lang.get(),
    ...opts.headers,
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = cookie('vikalp_csrf');
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  return send<T>(method, path, headers, body === undefined ? undefined : JSON.stringify(body), opts);
}

/**
 * postForm sends a multipart form (photos and fields) to the API; the
 * browser sets the multipart Content-Type with its boundary. Answers and
 * errors are handled as by api().
 */
export async function postForm<T>(path: string, form: FormData, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': lang.get(),
    ...opts.headers,
  };
  const csrf = cookie('vikalp_csrf');
  if (csrf) headers['X-CSRF-Token'] = csrf;
  return send<T>('POST', path, headers, form, opts);
}

async function send<T>(method: string, path: string, headers: Record<string, string>, body: BodyInit | undefined, opts: RequestOptions): Promise<T> {
  let resp: Response;
  try {
    resp = await fetch('/api/v1' + path, { method, headers, credentials: 'same-origin', cache: 'no-store', body });
  } catch {
    throw new ApiError(t('err.network'), 0);
  }
  if (resp.status === 204) return undefined as T;
  let data: any = null;
  try {
    data = await resp.json();
  } catch {
    data = null;
  }
  if (!resp.ok) {
    if (resp.status === 401 && !opts.quiet401 && onUnauthorized) onUnauthorized();
    throw new ApiError(errorMessage(resp.status, data), resp.status, data?.code ?? '', data?.field ?? '');
  }
  return data as T;
}

/** randomKey returns a random hex string; it works outside secure contexts too. */
export function randomKey(bytes = 16): string {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
