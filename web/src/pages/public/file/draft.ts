import { randomKey } from '../../../api';
import { entry } from '../../../entry';
import type { Filed } from '../../../types';

/**
 * Draft is the complaint being written, kept in memory only, unless she
 * ticks "keep a draft on this phone" (keepDraft; FileComplaint stores it).
 */
export interface Draft {
  filedBy: 'self' | 'on_behalf';
  relation: string;
  category: string;
  description: string;
  incidentAt: string; // "YYYY-MM-DDTHH:MM", India time
  lat?: number;
  lon?: number;
  districtId: string;
  name: string;
  phone: string;
  address: string;
  confidential: boolean;
  noSMS: boolean; // "no SMS" (a shared phone): nothing is ever sent to her number
  callbackFrom: string; // "HH:MM"
  callbackTo: string;
  idempotencyKey: string; // one per complaint, so a retried send files it once
  keepDraft: boolean; // she chose to keep the draft on this phone (outbox.saveDraft)
}

/** blankDraft starts a new complaint. */
export function blankDraft(): Draft {
  return {
    filedBy: 'self', relation: '', category: '', description: '', incidentAt: '', districtId: '',
    name: '', phone: '', address: '', confidential: false, noSMS: false, callbackFrom: '', callbackTo: '',
    idempotencyKey: 'web-' + randomKey(), keepDraft: false,
  };
}

let current: Draft = blankDraft();

/** draft returns the complaint in progress (it survives moving between pages). */
export function draft(): Draft {
  return current;
}

/** saveDraft keeps d as the complaint in progress. */
export function saveDraft(d: Draft): void {
  current = d;
}

let filed: Filed | null = null;

/** setFiled remembers the answer to a filing for the success page, and starts a fresh draft. */
export function setFiled(f: Filed): void {
  filed = f;
  current = blankDraft();
}

/** lastFiled is the complaint just filed in this page load, if any. */
export function lastFiled(): Filed | null {
  return filed;
}

/** requestBody is the JSON the API takes (see api/complaint_dto.go). */
export function requestBody(d: Draft, language: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    category: d.category,
    description: d.description.trim(),
    language,
    incident_at: d.incidentAt,
    contact: { name: d.name.trim(), phone: d.phone.trim(), address: d.address.trim() },
    confidential: d.confidential,
    no_sms: d.noSMS,
    callback_window: d.callbackFrom && d.callbackTo ? `${d.callbackFrom}-${d.callbackTo}` : '',
    filed_by: d.filedBy,
    relation: d.filedBy === 'on_behalf' ? d.relation.trim() : '',
  };
  if (entry.channel) body.channel = entry.channel;
  if (d.lat !== undefined && d.lon !== undefined) {
    body.lat = d.lat;
    body.lon = d.lon;
  } else if (d.districtId) {
    body.district_id = Number(d.districtId);
  }
  return body;
}
