import { useEffect } from 'preact/hooks';
import { t } from '../../i18n';
import { navigate } from '../../router';
import { session } from '../../session';
import { useStore } from '../../store';
import { staffNav } from './nav';

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
