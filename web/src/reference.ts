import { api } from './api';
import { lang } from './i18n';
import type { Bilingual, Category, District, Station } from './types';

// Reference lists change only with a deploy: each is fetched once per page load.
let categories: Promise<Category[]> | null = null;
let districts: Promise<District[]> | null = null;

/** loadCategories returns the complaint categories. */
export function loadCategories(): Promise<Category[]> {
  categories ??= api<{ categories: Category[] }>('GET', '/complaint-categories').then((r) => r.categories);
  categories.catch(() => (categories = null));
  return categories;
}

/** loadDistricts returns the districts of Uttar Pradesh. */
export function loadDistricts(): Promise<District[]> {
  districts ??= api<{ districts: District[] }>('GET', '/districts').then((r) => r.districts);
  districts.catch(() => (districts = null));
  return districts;
}

/** name picks the UI language's half of a bilingual name (English when Hindi is missing). */
export function name(b: Bilingual | undefined): string {
  if (!b) return '';
  return lang.get() === 'hi' && b.hi ? b.hi : b.en;
}

/** categoryName returns a category's label from the loaded list ("" while it loads), or its code. */
export function categoryName(list: Category[] | undefined, code: string): string {
  if (!list) return '';
  const c = list.find((x) => x.code === code);
  return c ? name(c.label) : code;
}

/** districtName returns a district's name from the loaded list ("" while it loads), or its id. */
export function districtName(list: District[] | undefined, id: number): string {
  if (!list) return '';
  const d = list.find((x) => x.id === id);
  return d ? name(d.name) : String(id);
}

const stations = new Map<number, Promise<Station[]>>();

/** loadStations returns a district's police stations (public places with their buildings' points). */
export function loadStations(districtId: number): Promise<Station[]> {
  let p = stations.get(districtId);
  if (!p) {
    p = api<{ stations: Station[] }>('GET', `/stations?district_id=${districtId}`).then((r) => r.stations);
    p.catch(() => stations.delete(districtId));
    stations.set(districtId, p);
  }
  return p;
}
