import { lang, t } from './i18n';

const zone = 'Asia/Kolkata';

function locale(): string {
  return lang.get() === 'hi' ? 'hi-IN' : 'en-IN';
}

/** dateTime formats an ISO time in India Standard Time, in the UI language. */
export function dateTime(iso: string | undefined | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23', timeZone: zone }).format(d);
}

/** duration renders seconds as "2 d 3 h", "3 h 12 min" or "12 min". */
export function duration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 60) return t('time.lessThanMinute');
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts: string[] = [];
  if (d) parts.push(t('time.d', { n: d }));
  if (h) parts.push(t('time.h', { n: h }));
  if (!d && m) parts.push(t('time.m', { n: m }));
  return parts.join(' ');
}

/** percent renders a 0..1 ratio as a whole percentage. */
export function percent(r: number): string {
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0 }).format(r);
}

/** runes counts characters as the server does (code points, not UTF-16 units). */
export function runes(s: string): number {
  return Array.from(s).length;
}
