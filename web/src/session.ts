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
    const r = await api<SessionResponse & { totp_enrolment_required?: boolean }>('GET', '/me', undefined, { quiet401: true });
    // An enrol-only session is no login yet: the login page finishes it.
    session.set(r.totp_enrolment_required ? null : r.user);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 404)) session.set(null);
    else throw e;
  }
}

/** LoginStep is where a password leaves a login. */
export type LoginStep =
  | { kind: 'done'; user: User }
  | { kind: 'code'; challenge: string } // the user has TOTP: ask for a code
  | { kind: 'enrol'; user: User }; // the role requires TOTP: enrol first

interface LoginResponse extends Partial<SessionResponse> {
  totp_required?: boolean;
  challenge?: string;
  totp_enrolment_required?: boolean;
}

/** login checks the password; a session starts unless a second factor is needed. */
export async function login(username: string, password: string): Promise<LoginStep> {
  const r = await api<LoginResponse>('POST', '/session', { username, password }, { quiet401: true });
  if (r.totp_required && r.challenge) return { kind: 'code', challenge: r.challenge };
  if (r.totp_enrolment_required && r.user) return { kind: 'enrol', user: r.user };
  session.set(r.user!);
  return { kind: 'done', user: r.user! };
}

/** completeLogin sends the authenticator (or recovery) code that finishes a login. */
export async function completeLogin(challenge: string, code: string): Promise<User> {
  const r = await api<SessionResponse>('POST', '/session/totp', { challenge, code }, { quiet401: true });
  session.set(r.user);
  return r.user;
}

/** TOTPEnrolment is a new authenticator secret, shown once. */
export interface TOTPEnrolment {
  secret: string;
  otpauth_uri: string;
  qr_png: string; // data: URL
}

/** beginEnrolment draws a new authenticator secret for the logged-in user. */
export function beginEnrolment(): Promise<TOTPEnrolment> {
  return api<TOTPEnrolment>('POST', '/me/totp', undefined, { quiet401: true });
}

/** confirmEnrolment checks the first code; the session becomes a full one. Returns the recovery codes. */
export async function confirmEnrolment(code: string): Promise<{ user: User; recoveryCodes: string[] }> {
  const r = await api<SessionResponse & { recovery_codes: string[] }>('POST', '/me/totp/confirm', { code }, { quiet401: true });
  return { user: r.user, recoveryCodes: r.recovery_codes };
}

/** logout ends the session on the server and here. */
export async function logout(): Promise<void> {
  try {
    await api('DELETE', '/session', undefined, { quiet401: true });
  } finally {
    session.set(null);
  }
}
