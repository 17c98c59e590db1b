import { t } from '../../../i18n';
import { Link } from '../../../router';
import { tipReceipt } from '../report/receipt';

/** TipDone is the receipt of a tip: its reference code. */
export function TipDone() {
  const r = tipReceipt();
  return (
    <>
      <h1 tabIndex={-1}>{t('tipDone.title')}</h1>
      {r ? (
        <>
          <p>{t('tipDone.text')}</p>
          <section class="card credentials" aria-labelledby="tip-code-title">
            <h2 id="tip-code-title">{t('tipDone.code')}</h2>
            <p class="secret-value" translate={false} data-testid="tip-code">{r.code}</p>
            <p>{t('tipDone.codeText')}</p>
          </section>
        </>
      ) : (
        <p>{t('tipDone.missing')}</p>
      )}
      <Link href="/" class="btn btn-block">{t('notFound.home')}</Link>
    </>
  );
}
