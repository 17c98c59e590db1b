import { api, ApiError, cookie } from './api';
import { createStore } from './store';
import type { SessionResponse, User } from './types';

/** session is the logged-in staff user: undefined until known, null when logged out. */
export const session = createStore<User | null | undefined>(undefined);

/** loadSession asks the server who is logged in (once per page load). */
export async function loadSession(): Promise<void> {
  if (session.get() !== undefined) return;
  // The server sets the readable CSRF cookie with every session and clears
  // it at logout: without it there is no session to ask about.
  if (!cookie('vikalp_csrf')) {
    session.set(null);
    return;
  }
  try {
    const r = await api<SessionResponse>('GET', '/me', undefined, { quiet401: true });
    session.set(r.user);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 404)) session.set(null);
    else throw e;
  }
}

/** login starts a session. */
export async function login(username: string, password: string): Promise<User> {
  const r = await api<SessionResponse>('POST', '/session', { username, password }, { quiet401: true });
  session.set(r.user);
  return r.user;
}

/** logout ends the session on the server and here. */
export async function logout(): Promise<void> {
  try {
    await api('DELETE', '/session', undefined, { quiet401: true });
  } finally {
    session.set(null);
  }
}
