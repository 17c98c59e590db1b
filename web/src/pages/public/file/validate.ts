import { runes } from '../../../format';
import { t } from '../../../i18n';
import type { Draft } from './draft';
import type { FieldErrors } from '../../../hooks';

// Limits mirror cases/validate.go; the server checks again and its message wins.
export const maxDescription = 5000;
const maxName = 100;
const maxAddress = 500;
const maxRelation = 100;

/** Steps of the form, in order. */
export const stepKeys = ['file.step.what', 'file.step.where', 'file.step.contact', 'file.step.review'] as const;

/** fieldStep is the step that holds each field the server may name. */
export const fieldStep: Record<string, number> = {
  filed_by: 0, relation: 0, category: 0, description: 0, incident_at: 0, language: 0,
  location: 1, district_id: 1,
  name: 2, phone: 2, address: 2, callback_window: 2,
};

/** normalizePhone mirrors cases.NormalizePhone; "" when invalid. */
export function normalizePhone(s: string): string {
  const trimmed = s.trim();
  if (!/^\+?[0-9 ()-]*$/.test(trimmed)) return '';
  let d = trimmed.replace(/[^0-9]/g, '');
  if (d.length === 12 && d.startsWith('91')) d = d.slice(2);
  else if (d.length === 11 && d.startsWith('0')) d = d.slice(1);
  return /^[6-9][0-9]{9}$/.test(d) ? '+91' + d : '';
}

/** validateStep checks the fields of one step (3 checks them all). */
export function validateStep(step: number, d: Draft): FieldErrors {
  const e: FieldErrors = {};
  if (step === 0 || step === 3) {
    if (d.filedBy === 'on_behalf' && !d.relation.trim()) e.relation = () => t('err.relation');
    if (runes(d.relation.trim()) > maxRelation) e.relation = () => t('err.tooLong', { max: maxRelation });
    if (!d.category) e.category = () => t('err.category');
    if (!d.description.trim()) e.description = () => t('err.required');
    else if (runes(d.description.trim()) > maxDescription) e.description = () => t('err.tooLong', { max: maxDescription });
    if (d.incidentAt && Date.parse(d.incidentAt + ':00+05:30') > Date.now() + 5 * 60_000) e.incident_at = () => t('err.future');
  }
  if ((step === 1 || step === 3) && d.lat === undefined && !d.districtId) e.location = () => t('err.location');
  if (step === 2 || step === 3) {
    if (runes(d.name.trim()) > maxName) e.name = () => t('err.tooLong', { max: maxName });
    if (d.phone.trim() && !normalizePhone(d.phone)) e.phone = () => t('err.phone');
    if (runes(d.address.trim()) > maxAddress) e.address = () => t('err.tooLong', { max: maxAddress });
    if (!!d.callbackFrom !== !!d.callbackTo || (d.callbackFrom && d.callbackFrom === d.callbackTo)) {
      e.callback_window = () => t('err.callback');
    }
  }
  return e;
}

/** firstStep is the earliest step holding one of the fields in e. */
export function firstStep(e: FieldErrors): number {
  const steps = Object.keys(e).map((f) => fieldStep[f] ?? 3);
  return steps.length ? Math.min(...steps) : 3;
}

/** nowIST is the current time as a datetime-local value in India time, the upper bound of incident_at. */
export function nowIST(): string {
  return new Date(Date.now() + 330 * 60_000).toISOString().slice(0, 16);
}
