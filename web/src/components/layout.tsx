import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { quickExit } from '../exit';
import { Outbox } from './Outbox';
import { type Key, lang, setLang, t } from '../i18n';
import { Link, navigate, path } from '../router';
import { logout, session } from '../session';
import { useStore } from '../store';
import { staffNav } from '../nav';

/** LangSwitch toggles English and Hindi; the button is labelled in the other language. */
export function LangSwitch() {
  const other = lang.get() === 'en' ? 'hi' : 'en';
  return (
    <button type="button" class="btn btn-small lang-switch" lang={other} aria-label={t('lang.switchLabel')}
      data-testid="lang-switch" onClick={() => setLang(other)}>
      {t('lang.switch')}
    </button>
  );
}

/** QuickExit is the always-visible button that leaves the site at once. */
export function QuickExit() {
  return (
    <button type="button" class="btn quick-exit" data-testid="quick-exit" onClick={quickExit}>
      {t('exit.button')}
    </button>
  );
}

/** ExitHint says how to leave; the key name is marked as English. */
function ExitHint() {
  const [before, after] = t('exit.hint').split('{key}');
  return (
    <p class="exit-hint">
      {before}
      <kbd lang="en">Esc</kbd>
      {after}
    </p>
  );
}

/** Emergency lists the helplines; it comes before any form. */
export function Emergency() {
  const lines: [string, 'emergency.112' | 'emergency.1090' | 'emergency.181'][] = [
    ['112', 'emergency.112'],
    ['1090', 'emergency.1090'],
    ['181', 'emergency.181'],
  ];
  return (
    <aside class="emergency" aria-labelledby="emergency-title">
      <ExitHint />
      <p id="emergency-title" class="emergency-title">{t('emergency.title')}</p>
      <ul>
        {lines.map(([n, key]) => (
          <li key={n}>
            <a href={'tel:' + n} class="emergency-number">
              <strong>{n}</strong> <span>{t(key)}</span>
            </a>
          </li>
        ))}
      </ul>
    </aside>
  );
}

/** PublicShell frames every public page: quick exit, language, helplines, navigation. */
export function PublicShell({ children }: { children: ComponentChildren }) {
  const here = useStore(path);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') quickExit();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  const nav: [string, Key][] = [
    ['/', 'nav.home'],
    ['/file', 'nav.file'],
    ['/track', 'nav.track'],
    ['/report', 'nav.report'],
    ['/tip', 'nav.tip'],
    ['/map', 'nav.map'],
  ];
  return (
    <div class="shell public">
      {/* The quick exit is the first tab stop (it is drawn at the end of the bar). */}
      <header class="topbar">
        <QuickExit />
        <a class="skip" href="#main">{t('skip')}</a>
        <Link href="/" class="brand">
          <span class="brand-name">{t('app.name')}</span>
          <span class="brand-tag">{t('app.tagline')}</span>
        </Link>
        <div class="topbar-actions">
          <LangSwitch />
        </div>
      </header>
      <Emergency />
      <nav class="tabs" aria-label={t('nav.main')}>
        {nav.map(([href, key]) => (
          <Link key={href} href={href} class="tab" aria-current={here === href ? 'page' : undefined}>
            {t(key)}
          </Link>
        ))}
      </nav>
      <main id="main" class="content">
        <Outbox />
        {children}
      </main>
      <footer class="footer">
        <Link href="/staff/login">{t('nav.staff')}</Link>
      </footer>
    </div>
  );
}

/** StaffShell frames the consoles: who is logged in, the role's pages, logout. */
export function StaffShell({ children }: { children: ComponentChildren }) {
  const user = useStore(session);
  const here = useStore(path);
  const items = user ? staffNav(user.role) : [];
  const out = async () => {
    await logout().catch(() => undefined);
    navigate('/staff/login', { replace: true });
  };
  return (
    <div class="shell staff">
      <a class="skip" href="#main">{t('skip')}</a>
      <header class="topbar">
        <Link href="/staff" class="brand">
          <span class="brand-name">{t('app.name')}</span>
          {user && (
            <span class="brand-tag" data-testid="whoami">
              <span translate={false}>{user.display_name}</span> · {t(('role.' + user.role) as 'role.station')}
            </span>
          )}
        </Link>
        <div class="topbar-actions">
          <LangSwitch />
          {user && (
            <button type="button" class="btn btn-small" data-testid="logout" onClick={out}>
              {t('staff.logout')}
            </button>
          )}
        </div>
      </header>
      {items.length > 0 && (
        <nav class="tabs" aria-label={t('staff.nav')}>
          {items.map((it) => (
            <Link key={it.path} href={it.path} class="tab"
              aria-current={here === it.path ? 'page' : undefined}>
              {t(it.key)}
            </Link>
          ))}
        </nav>
      )}
      <main id="main" class="content">{children}</main>
      <footer class="footer">
        <a href="/">{t('staff.publicSite')}</a>
      </footer>
    </div>
  );
}
