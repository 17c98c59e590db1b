import { api } from '../../api';

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

/**
 * findReport looks a report up by id in the queues (there is no
 * single-report endpoint yet: GET /api/v1/moderation/reports/{id}).
 */
export async function findReport(id: number): Promise<QueuedReport | null> {
  for (const s of ['pending', 'approved', 'rejected'] as const) {
    const hit = (await loadQueue(s)).find((r) => r.id === id);
    if (hit) return hit;
  }
  return null;
}

/** photoURL is a moderator's rendering of photo n; bust defeats caches after a redaction. */
export function photoURL(id: number, n: number, variant: string, bust = 0): string {
  return `/api/v1/moderation/reports/${id}/photos/${n}?variant=${variant}` + (bust ? `&v=${bust}` : '');
}
