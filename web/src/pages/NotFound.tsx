import { t } from '../i18n';
import { Link } from '../router';

/** NotFound is shown for a path no route matches. */
export function NotFound() {
  return (
    <>
      <h1 tabIndex={-1}>{t('notFound.title')}</h1>
      <p>
        <Link href="/">{t('notFound.home')}</Link>
      </p>
    </>
  );
}
