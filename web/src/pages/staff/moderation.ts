import { api, ApiError } from '../../api';

/** Rect is an area to blur, as fractions (0–1) of the photo. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** QueuedPhoto is one photo of a report under moderation. */
export interface QueuedPhoto {
  n: number;
  media_id: number;
  width: number;
  height: number;
  redacted: boolean;
  rects: Rect[] | null;
}

/** QueuedReport is a report as moderators see it (with its exact point). */
export interface QueuedReport {
  id: number;
  code: string;
  status: string;
  category: string;
  text: string;
  happening_now: boolean;
  occurred_at?: string;
  received_at: string;
  location_source: string;
  lat: number;
  lon: number;
  district_id: number;
  district: string;
  duplicate_of?: number;
  also_reported: number;
  photos: QueuedPhoto[];
}

/** ModerationStatus is a queue a moderator can list. */
export type ModerationStatus = 'pending' | 'approved' | 'rejected';

/** loadQueue lists reports of one status, oldest first. */
export async function loadQueue(status: ModerationStatus): Promise<QueuedReport[]> {
  const r = await api<{ reports: QueuedReport[] }>('GET', `/moderation/reports?status=${status}&limit=100`);
  return r.reports;
}

/** findReport reads one report (any status); null when there is no such report. */
export async function findReport(id: number): Promise<QueuedReport | null> {
  try {
    return await api<QueuedReport>('GET', `/moderation/reports/${id}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** photoURL is a moderator's rendering of photo n; bust defeats caches after a redaction. */
export function photoURL(id: number, n: number, variant: string, bust = 0): string {
  return `/api/v1/moderation/reports/${id}/photos/${n}?variant=${variant}` + (bust ? `&v=${bust}` : '');
}
