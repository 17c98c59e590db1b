import { useEffect } from 'preact/hooks';
import { api } from '../../api';
import { Notice } from '../../components/form';
import { dateTime } from '../../format';
import { useAsync } from '../../hooks';
import { type Key, t } from '../../i18n';
import { Link, navigate } from '../../router';
import { session } from '../../session';
import { useStore } from '../../store';
import type { Role } from '../../types';
import { staffNav } from '../../nav';

/** StaffHome sends each role to its first console page, or says its console is coming. */
export function StaffHome() {
  const user = useStore(session);
  const items = user ? staffNav(user.role) : [];
  useEffect(() => {
    if (items.length) navigate(items[0].path, { replace: true });
  }, [user]);
  if (!user || items.length) return null;
  return <ComingSoon />;
}

/** ComingSoon is the friendly page for roles whose console is not built yet. */
export function ComingSoon() {
  const user = useStore(session);
  const role = user ? t(('role.' + user.role) as 'role.station') : '';
  return (
    <section class="card" data-testid="coming-soon">
      <h1 tabIndex={-1}>{t('coming.title')}</h1>
      <p>{t('coming.text', { role })}</p>
    </section>
  );
}

/** Digest is the latest daily digest of the reader's scope (GET /digest): counts only. */
interface Digest {
  day: string;
  scope: 'state' | 'district';
  district_id?: number;
  period_start: string;
  period_end: string;
  new_complaints: number;
  overdue_atrs: number;
  awaiting_vetting: number;
  directions_open: number;
  dissatisfied_open: number;
}

/** digestLinks are where each count leads: the queue with the matching filter. */
function digestLinks(role: Role | undefined): { key: Key; field: keyof Digest; href: string; alert?: boolean }[] {
  return [
    { key: 'digest.new', field: 'new_complaints', href: '/staff/queue' },
    { key: 'digest.overdue', field: 'overdue_atrs', href: '/staff/queue?overdue=true', alert: true },
    { key: 'digest.vetting', field: 'awaiting_vetting', href: role === 'nodal' ? '/staff/vetting' : '/staff/queue?status=atr_draft' },
    { key: 'digest.directions', field: 'directions_open', href: '/staff/queue' },
    { key: 'digest.dissatisfied', field: 'dissatisfied_open', href: '/staff/queue?dissatisfied=true', alert: true },
  ];
}

/** Today is the supervisors' console home: the morning's digest for their district (the state for MSP), with links to the queues behind each count. */
export function Today() {
  const user = useStore(session);
  const d = useAsync(() => api<{ digest: Digest | null }>('GET', '/digest'), []);
  const x = d.data?.digest;
  return (
    <>
      <h1 tabIndex={-1}>{t('digest.title')}</h1>
      <Notice kind="error">{d.error}</Notice>
      {d.loading && !d.data && <p>{t('common.loading')}</p>}
      {d.data && !x && <p data-testid="digest-none">{t('digest.none')}</p>}
      {x && (
        <>
          <p class="muted" data-testid="digest-when">
            {t(x.scope === 'state' ? 'digest.forState' : 'digest.forDistrict', { day: x.day })} ·{' '}
            {t('digest.window', { from: dateTime(x.period_start), to: dateTime(x.period_end) })}
          </p>
          <div class="stats" data-testid="digest">
            {digestLinks(user?.role).map((l) => {
              const n = x[l.field] as number;
              return (
                <Link key={l.field} href={l.href} class={'card stat' + (l.alert && n > 0 ? ' alert' : '')} data-count={l.field}>
                  <h2>{t(l.key)}</h2>
                  <p class="stat-value">{n}</p>
                </Link>
              );
            })}
          </div>
        </>
      )}
      <p><Link href="/staff/quality">{t('quality.title')}</Link></p>
    </>
  );
}
