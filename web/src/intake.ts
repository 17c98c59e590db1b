import { ApiError } from './api';
import { type Key, lang, t } from './i18n';

// Package ingest words its refusals in English only. The app words the
// ones it knows in the chosen language, by code; in Hindi an unknown one
// falls back to a message for its field, so no English is ever shown.
const byCode: Record<string, Key> = {
  // location (ingest/report.go, geo/bounds.go)
  location_required: 'intake.err.locationRequired',
  partial_location: 'intake.err.locationRequired',
  outside_up: 'intake.err.outsideUP',
  out_of_range: 'intake.err.outsideUP',
  // photos (ingest/media.go, api uploads)
  photo_count: 'intake.err.photoCount',
  photo_empty: 'intake.err.photoBad',
  photo_type: 'intake.err.photoBad',
  photo_corrupt: 'intake.err.photoBad',
  photo_too_large: 'intake.err.photoTooLarge',
  photo_too_many_pixels: 'intake.err.photoTooLarge',
  upload_too_large: 'intake.err.photoTooLarge',
  // text and other fields (ingest/text.go, tip.go, category.go)
  too_long: 'intake.err.tooLong',
  too_many: 'intake.err.tooLong',
  place_count: 'intake.err.places',
  contact_required: 'intake.err.contact',
  unknown_category: 'intake.err.category',
  bad_time: 'intake.err.badTime',
  phone_invalid: 'intake.err.phone',
};

const byField: Record<string, Key> = {
  photos: 'intake.err.photoBad',
  location: 'intake.err.outsideUP',
  latitude: 'intake.err.outsideUP',
  longitude: 'intake.err.outsideUP',
  category: 'intake.err.category',
  places: 'intake.err.places',
  contact: 'intake.err.contact',
  phone: 'intake.err.phone',
};

/** FieldError is a refusal to show next to a field ("" for the whole form). */
export interface FieldError {
  field: string;
  message: string;
}

/** intakeError turns a failed report or tip submission into a message in the UI language. */
export function intakeError(e: unknown): FieldError {
  if (!(e instanceof ApiError)) return { field: '', message: t('err.generic') };
  let field = e.field === 'latitude' || e.field === 'longitude' ? 'location' : e.field;
  if (field === 'idempotency_key' || field === 'form') field = '';
  if (e.code && byCode[e.code]) return { field, message: t(byCode[e.code]) };
  if (e.status === 422 || e.status === 400) {
    if (lang.get() === 'en' && e.message) return { field, message: e.message };
    return { field, message: t(byField[field] ?? 'err.invalid') };
  }
  return { field: '', message: e.message };
}

/** istToRFC3339 turns a datetime-local value read as India time into RFC 3339 ("" stays ""). */
export function istToRFC3339(v: string): string {
  return v ? v + ':00+05:30' : '';
}
