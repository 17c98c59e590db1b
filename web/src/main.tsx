import { render } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { setUnauthorizedHandler } from './api';
import { PublicShell, StaffShell } from './components/layout';
import { Notice } from './components/form';
import { useAsync } from './hooks';
import { applyLang, lang, t } from './i18n';
import { ComingSoon } from './pages/staff/Home';
import { match, navigate, path } from './router';
import { notFound as NotFound, routes } from './routes';
import { startOutbox } from './outbox';
import { loadSession, session } from './session';
import { useStore } from './store';
import './styles.css';

function App() {
  useStore(lang);
  const p = useStore(path);
  const m = match(routes, p);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [p]);

  if (!m) {
    const Shell = p.startsWith('/staff') ? StaffShell : PublicShell;
    return <Shell><NotFound /></Shell>;
  }
  const { route, params } = m;
  const View = route.view;
  if (route.area === 'print') return <View params={params} />;
  if (route.area === 'public') {
    return <PublicShell><View params={params} /></PublicShell>;
  }
  return (
    <StaffShell>
      <StaffGate area={route.area} roles={route.roles}>
        <View params={params} />
      </StaffGate>
    </StaffShell>
  );
}

/** StaffGate shows staff pages only to a logged-in user whose role may open them. */
function StaffGate({ area, roles, children }: { area: string; roles?: readonly string[]; children: preact.ComponentChildren }) {
  const user = useStore(session);
  const load = useAsync(loadSession, []);
  useEffect(() => {
    if (area === 'login' && user) navigate('/staff', { replace: true });
    if (area === 'staff' && user === null) navigate('/staff/login', { replace: true });
  }, [area, user]);
  if (area === 'login') return user ? null : <>{children}</>;
  if (user === undefined) {
    return load.error ? <Notice kind="error">{load.error}</Notice> : <p>{t('common.loading')}</p>;
  }
  if (user === null) return null;
  if (roles && roles.length && !roles.includes(user.role)) return <ComingSoon />;
  return <>{children}</>;
}

setUnauthorizedHandler(() => {
  session.set(null);
  if (location.pathname.startsWith('/staff')) navigate('/staff/login', { replace: true });
});

applyLang();
startOutbox();
registerServiceWorker();
const root = document.getElementById('app');
if (root) {
  root.replaceChildren();
  render(<App />, root);
}

/**
 * registerServiceWorker installs /sw.js (src/sw.ts), which lets the public
 * app open with no network. Not in `npm run dev`, where there is no sw.js.
 */
function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  // After the page has loaded, so the worker's downloads never slow the first form.
  const register = () => void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
