import { createStore } from '../store';
import { en, type Key } from './en';
import { hi } from './hi';

export type { Key } from './en';

/** Lang is a language the app speaks. */
export type Lang = 'en' | 'hi';

const dicts = { en, hi } as const;
const storageKey = 'vikalp.lang';

function initialLang(): Lang {
  // An outreach link (/?lang=hi&...) opens in its language.
  const fromLink = new URLSearchParams(location.search).get('lang');
  if (fromLink === 'en' || fromLink === 'hi') return fromLink;
  try {
    const saved = localStorage.getItem(storageKey);
    if (saved === 'en' || saved === 'hi') return saved;
  } catch {
    // storage may be disabled (private mode); fall through
  }
  return (navigator.language || '').toLowerCase().startsWith('hi') ? 'hi' : 'en';
}

/** lang is the language of the interface, remembered in localStorage. */
export const lang = createStore<Lang>(initialLang());

/** setLang switches the interface language and remembers the choice. */
export function setLang(l: Lang): void {
  try {
    localStorage.setItem(storageKey, l);
  } catch {
    // not remembered; still switched
  }
  lang.set(l);
  applyLang();
}

/** applyLang sets <html lang> and the document title. */
export function applyLang(): void {
  document.documentElement.lang = lang.get();
  document.title = t('app.name');
}

/** t returns the string for key in the current language, placeholders filled. */
export function t(key: Key, vars?: Record<string, string | number>): string {
  const s: string = dicts[lang.get()][key];
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

/** tIn returns the string for key in language l, whatever the interface speaks (bilingual print material). */
export function tIn(l: Lang, key: Key): string {
  return dicts[l][key];
}

/** has reports whether key names a string (for keys built from API values). */
export function has(key: string): key is Key {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/**
 * label translates an API value such as a status under prefix ("status."),
 * falling back to fallback, or to the value itself.
 */
export function label(prefix: string, value: string, fallback?: Key): string {
  const key = prefix + value;
  if (has(key)) return t(key);
  return fallback ? t(fallback) : value;
}
