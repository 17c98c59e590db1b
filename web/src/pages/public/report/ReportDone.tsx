import { useState } from 'preact/hooks';
import { Notice } from '../../../components/form';
import { t } from '../../../i18n';
import { Link, navigate } from '../../../router';
import { copyText } from '../Filed';
import { prefillReportCode, reportReceipt } from './receipt';

/** ReportDone is the receipt of a hotspot report: its code, to keep. */
export function ReportDone() {
  const r = reportReceipt();
  const [copied, setCopied] = useState<'' | 'ok' | 'failed'>('');
  if (!r) {
    return (
      <>
        <h1 tabIndex={-1}>{t('reportDone.title')}</h1>
        <p>{t('reportDone.missing')}</p>
        <Link href="/report/track" class="btn btn-primary">{t('reportTrack.title')}</Link>
      </>
    );
  }
  return (
    <>
      <h1 tabIndex={-1}>{t('reportDone.title')}</h1>
      <p>{t('reportDone.text')}</p>
      <section class="card credentials" aria-labelledby="keep-title">
        <h2 id="keep-title">{t('reportDone.keep')}</h2>
        <p>{t('reportDone.keepText')}</p>
        <p class="secret-value" translate={false} data-testid="report-code">{r.code}</p>
        <button type="button" class="btn btn-block" onClick={async () =>
          setCopied((await copyText(t('reportDone.copyText', { code: r.code }))) ? 'ok' : 'failed')}>
          {t('reportDone.copy')}
        </button>
        {copied === 'ok' && <Notice kind="ok">{t('filed.copied')}</Notice>}
        {copied === 'failed' && <Notice kind="error">{t('reportDone.copyFailed')}</Notice>}
        {r.secret && (
          <>
            <h3>{t('reportDone.secret')}</h3>
            <p>{t('reportDone.secretText')}</p>
            <p class="secret-value" translate={false} data-testid="report-secret">{r.secret}</p>
          </>
        )}
      </section>
      <button type="button" class="btn btn-primary btn-block" data-testid="track-report" onClick={() => {
        prefillReportCode(r.code, r.secret);
        navigate('/report/track');
      }}>
        {t('reportDone.track')}
      </button>
      <Link href="/report" class="btn btn-block">{t('reportDone.another')}</Link>
    </>
  );
}
