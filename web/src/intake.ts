import { ApiError } from './api';
import { lang, t } from './i18n';

/** FieldError is a refusal to show next to a field ("" for the whole form). */
export interface FieldError {
  field: string;
  message: string;
}

/** devanagari matches Hindi script. */
const devanagari = /[\u0900-\u097F]/;

/**
 * intakeError turns a failed report or tip submission into a message in the
 * UI language. The server words every refusal, in the language the request
 * asked for (api.ts sends Accept-Language; ingest/messages_hi.go has the
 * Hindi): the one place for their text. Should a refusal ever come back
 * without Hindi wording, a Hindi page shows the generic message rather than
 * English.
 */
export function intakeError(e: unknown): FieldError {
  if (!(e instanceof ApiError)) return { field: '', message: t('err.generic') };
  let field = e.field === 'latitude' || e.field === 'longitude' ? 'location' : e.field;
  if (field === 'idempotency_key' || field === 'form') field = '';
  if (!e.message || (lang.get() === 'hi' && !devanagari.test(e.message))) {
    return { field, message: t(e.status === 422 || e.status === 400 ? 'err.invalid' : 'err.generic') };
  }
  return { field, message: e.message };
}

/** istToRFC3339 turns a datetime-local value read as India time into RFC 3339 ("" stays ""). */
export function istToRFC3339(v: string): string {
  return v ? v + ':00+05:30' : '';
}
