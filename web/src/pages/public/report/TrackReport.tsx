import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../../api';
import { Input, Notice, focusFirstError } from '../../../components/form';
import { dateTime } from '../../../format';
import { errorText } from '../../../hooks';
import { label, lang, t } from '../../../i18n';
import { categoryLabel } from './ReportHotspot';
import { takeReportCode } from './receipt';

/** PublicReport is what the holder of a report's code may see. */
interface PublicReport {
  code: string;
  status: string;
  category: string;
  category_label_en: string;
  category_label_hi: string;
  district: string;
  district_hi: string;
  received_at: string;
  moderated_at?: string;
  photos: string[];
  police_outcome?: string;
  police_outcome_at?: string;
}

/** TrackReport shows a hotspot report's status to whoever holds its code. */
export function TrackReport() {
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  const [general, setGeneral] = useState('');
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<PublicReport | null>(null);

  const look = async (c: string) => {
    setGeneral('');
    if (!c.trim()) {
      setError(t('reportTrack.errCode'));
      focusFirstError();
      return;
    }
    setError('');
    setBusy(true);
    try {
      setReport(await api<PublicReport>('GET', '/reports/' + encodeURIComponent(c.trim())));
    } catch (err) {
      setReport(null);
      if (err instanceof ApiError && (err.status === 404 || err.field === 'code')) setGeneral(t('reportTrack.notFound'));
      else setGeneral(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    const c = takeReportCode();
    if (c) {
      setCode(c);
      void look(c);
    }
  }, []);

  return (
    <>
      <h1 tabIndex={-1}>{t('reportTrack.title')}</h1>
      <p>{t('reportTrack.intro')}</p>
      <Notice kind="error">{general}</Notice>
      <form noValidate onSubmit={(e) => {
        e.preventDefault();
        void look(code);
      }}>
        <Input id="report-code" label={t('reportTrack.code')} value={code} error={error} onValue={setCode}
          autoComplete="off" autoCapitalize="characters" spellcheck={false} />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy} data-testid="report-track-submit">
          {busy ? t('track.loading') : t('reportTrack.submit')}
        </button>
      </form>
      {report && <ReportStatus r={report} onRefresh={() => void look(report.code)} />}
    </>
  );
}

function ReportStatus({ r, onRefresh }: { r: PublicReport; onRefresh: () => void }) {
  const hi = lang.get() === 'hi';
  return (
    <section class="card" aria-labelledby="report-status-title" data-testid="report-status" data-status={r.status}>
      <h2 id="report-status-title" class="code-title" translate={false}>{r.code}</h2>
      <dl class="facts">
        <dt>{t('track.status')}</dt>
        <dd data-testid="report-status-value">{label('reportStatus.', r.status, 'reportStatus.other')}</dd>
        <dt>{t('report.category')}</dt>
        <dd>{categoryLabel({ label_en: r.category_label_en, label_hi: r.category_label_hi })}</dd>
        <dt>{t('track.district')}</dt>
        <dd>{hi && r.district_hi ? r.district_hi : r.district}</dd>
        <dt>{t('reportTrack.received')}</dt>
        <dd>{dateTime(r.received_at)}</dd>
        <dt>{t('reportTrack.police')}</dt>
        <dd data-testid="report-police">
          {r.police_outcome
            ? <>{label('police.', r.police_outcome, 'police.other')}{r.police_outcome_at && <> · {dateTime(r.police_outcome_at)}</>}</>
            : t('police.none')}
        </dd>
      </dl>
      {r.photos.length > 0 && (
        <ul class="thumbs">
          {r.photos.map((u, i) => (
            <li key={u}><img src={u + '?size=thumb'} alt={t('photos.thumbAlt', { n: i + 1 })} /></li>
          ))}
        </ul>
      )}
      <button type="button" class="btn btn-small" onClick={onRefresh}>{t('track.refresh')}</button>
    </section>
  );
}
