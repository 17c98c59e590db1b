import type { ComponentType, JSX } from 'preact';
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from './i18n';
import { createStore } from './store';
import type { Role } from './types';

/** Area is which shell a page renders in; print pages render bare, as paper. */
export type Area = 'public' | 'staff' | 'login' | 'print';

/** PageProps are what every page receives: the :params of its path. */
export interface PageProps {
  params: Record<string, string>;
}

/** RouteDef is one page. Adding a page is one entry in routes.ts. */
export interface RouteDef {
  path: string; // "/staff/complaints/:id"
  area: Area;
  view: ComponentType<PageProps>;
  /** roles that may open a staff page; empty means every logged-in role. */
  roles?: readonly Role[];
}

/** path is the current location path. */
export const path = createStore<string>(location.pathname);

window.addEventListener('popstate', () => path.set(location.pathname));

/**
 * navigate moves to another page. Public pages replace the history entry
 * instead of adding one, so the site holds a single entry in the browser's
 * history and "quick exit" (location.replace) leaves nothing behind to go
 * back to. Staff pages push, so the back button works for officers.
 */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === location.pathname) {
    path.set(to);
    return;
  }
  const replace = opts.replace ?? !(to.startsWith('/staff') && location.pathname.startsWith('/staff'));
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  path.set(to);
  window.scrollTo(0, 0);
}

/** match finds the route for p (a query string is the page's to read) and its params. */
export function match(routes: readonly RouteDef[], p: string): { route: RouteDef; params: Record<string, string> } | null {
  const parts = p.split('?')[0].replace(/\/+$/, '').split('/');
  for (const route of routes) {
    const want = route.path.replace(/\/+$/, '').split('/');
    if (want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < want.length && ok; i++) {
      if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(parts[i]);
      else ok = want[i] === parts[i];
    }
    if (ok) return { route, params };
  }
  return null;
}

/** Link is an <a> that navigates inside the app without a page load. */
export function Link(props: JSX.HTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.href);
  };
  return h('a', { ...props, onClick });
}

/**
 * lazy is a page whose code is fetched when it is first shown: the staff
 * consoles are split out of what a public page downloads (issue #17: every
 * public page ≤ 100 KB before the map). Once loaded, its heading takes the
 * focus, as after any navigation.
 */
export function lazy(load: () => Promise<ComponentType<PageProps>>): ComponentType<PageProps> {
  let view: ComponentType<PageProps> | undefined;
  let pending: Promise<boolean> | undefined;
  const start = () =>
    (pending ??= load().then(
      (v) => {
        view = v;
        return true;
      },
      () => {
        pending = undefined; // offline: try again on the next visit
        return false;
      },
    ));
  return function Lazy(props: PageProps) {
    const [failed, setFailed] = useState(false);
    const [, loaded] = useState(0);
    useEffect(() => {
      if (view) return;
      let live = true;
      void start().then((ok) => {
        if (!live) return;
        if (!ok) {
          setFailed(true);
          return;
        }
        loaded((n) => n + 1);
        setTimeout(() => {
          if (!document.activeElement?.closest('main')) document.querySelector<HTMLElement>('main h1')?.focus();
        }, 0);
      });
      return () => {
        live = false;
      };
    }, []);
    if (view) return h(view, props);
    return h('p', { role: failed ? 'alert' : undefined }, failed ? t('err.generic') : t('common.loading'));
  };
}
