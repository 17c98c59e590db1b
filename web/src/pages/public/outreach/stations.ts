import { api } from '../../../api';
import type { Bilingual } from '../../../types';

/** Station is a police station as the public station list gives it. */
export interface Station {
  id: number;
  district_id: number;
  name: Bilingual;
}

const cache = new Map<number, Promise<Station[]>>();

/** loadStations returns a district's police stations (public place names). */
export function loadStations(districtId: number): Promise<Station[]> {
  let p = cache.get(districtId);
  if (!p) {
    p = api<{ stations: Station[] }>('GET', `/stations?district_id=${districtId}`).then((r) => r.stations);
    p.catch(() => cache.delete(districtId));
    cache.set(districtId, p);
  }
  return p;
}
