import type { ComponentType, JSX } from 'preact';
import { h } from 'preact';
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
