import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, postForm } from '../../../api';
import { Input, Notice, TextArea, focusFirstError } from '../../../components/form';
import { dateTime } from '../../../format';
import { errorText } from '../../../hooks';
import { label, lang, t } from '../../../i18n';
import { categoryLabel } from './ReportHotspot';
import { takeReportCode, takeReportSecret } from './receipt';

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

/** TimelineEntry is one public event of her report, labelled in both languages. */
interface TimelineEntry {
  kind: string;
  at: string;
  label_en: string;
  label_hi: string;
  reason_label_en?: string;
  reason_label_hi?: string;
}

/** ReporterUpdate is something she added later. */
interface ReporterUpdate {
  text: string;
  has_photo: boolean;
  created_at: string;
}

/** ReporterView is her view with code and secret: state, history and her updates. */
interface ReporterView extends PublicReport {
  state: string;
  state_label_en: string;
  state_label_hi: string;
  timeline: TimelineEntry[];
  updates: ReporterUpdate[];
}

/** TrackReport shows a hotspot report's status to whoever holds its code. */
export function TrackReport() {
  const [code, setCode] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState('');
  const [general, setGeneral] = useState('');
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<PublicReport | null>(null);

  const look = async (c: string, sec: string) => {
    setGeneral('');
    if (!c.trim()) {
      setError(t('reportTrack.errCode'));
      focusFirstError();
      return;
    }
    setError('');
    setBusy(true);
    try {
      const path = '/reports/' + encodeURIComponent(c.trim());
      setReport(sec.trim()
        ? await api<ReporterView>('POST', path + '/track', { secret: sec.trim() })
        : await api<PublicReport>('GET', path));
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
    const sec = takeReportSecret();
    if (c) {
      setCode(c);
      setSecret(sec);
      void look(c, sec);
    }
  }, []);

  return (
    <>
      <h1 tabIndex={-1}>{t('reportTrack.title')}</h1>
      <p>{t('reportTrack.intro')}</p>
      <Notice kind="error">{general}</Notice>
      <form noValidate onSubmit={(e) => {
        e.preventDefault();
        void look(code, secret);
      }}>
        <Input id="report-code" label={t('reportTrack.code')} value={code} error={error} onValue={setCode}
          autoComplete="off" autoCapitalize="characters" spellcheck={false} />
        <Input id="report-secret" label={t('reportTrack.secret')} hint={t('reportTrack.secretHint')} value={secret}
          onValue={setSecret} autoComplete="off" autoCapitalize="characters" spellcheck={false} />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy} data-testid="report-track-submit">
          {busy ? t('track.loading') : t('reportTrack.submit')}
        </button>
      </form>
      {report && <ReportStatus r={report} onRefresh={() => void look(report.code, secret)} />}
      {report && 'state' in report && (
        <ReporterHistory v={report as ReporterView} secret={secret} onChange={() => void look(report.code, secret)} />
      )}
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

/** ReporterHistory shows her report's state and history in her language, her updates, and a form for a new one. */
function ReporterHistory({ v, secret, onChange }: { v: ReporterView; secret: string; onChange: () => void }) {
  const hi = lang.get() === 'hi';
  const [text, setText] = useState('');
  const [photo, setPhoto] = useState<File | null>(null);
  const [error, setError] = useState('');
  const [general, setGeneral] = useState('');
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);

  const send = async () => {
    setGeneral('');
    setSent(false);
    if (!text.trim() && !photo) {
      setError(t('reportTrack.errUpdate'));
      focusFirstError();
      return;
    }
    setError('');
    setBusy(true);
    try {
      const path = '/reports/' + encodeURIComponent(v.code) + '/updates';
      if (photo) {
        const form = new FormData();
        form.append('secret', secret.trim());
        form.append('text', text.trim());
        form.append('photo', photo);
        await postForm(path, form);
      } else {
        await api('POST', path, { secret: secret.trim(), text: text.trim() });
      }
      setText('');
      setPhoto(null);
      setSent(true);
      onChange();
    } catch (err) {
      setGeneral(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="report-history-title" data-testid="report-history" data-state={v.state}>
      <h2 id="report-history-title">{t('reportTrack.state')}</h2>
      <p data-testid="report-state">{hi ? v.state_label_hi : v.state_label_en}</p>
      <h3>{t('reportTrack.history')}</h3>
      {v.timeline.length === 0 && <p>{t('reportTrack.noHistory')}</p>}
      {v.timeline.length > 0 && (
        <ol class="timeline" data-testid="report-timeline">
          {v.timeline.map((e) => (
            <li key={e.kind + e.at} data-kind={e.kind}>
              <span>{hi ? e.label_hi : e.label_en}</span>
              {(e.reason_label_en || e.reason_label_hi) && <> · {hi ? e.reason_label_hi : e.reason_label_en}</>}
              <span class="hint"> · {dateTime(e.at)}</span>
            </li>
          ))}
        </ol>
      )}
      {v.updates.length > 0 && (
        <>
          <h3>{t('reportTrack.updates')}</h3>
          <ul data-testid="report-updates">
            {v.updates.map((u) => (
              <li key={u.created_at}>
                {u.text}{u.has_photo && <> ({t('reportTrack.updatePhoto')})</>}
                <span class="hint"> · {dateTime(u.created_at)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {v.status !== 'rejected' && (
        <form noValidate onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}>
          <h3>{t('reportTrack.addUpdate')}</h3>
          <Notice kind="error">{general}</Notice>
          {sent && <Notice kind="ok">{t('reportTrack.updateSent')}</Notice>}
          <TextArea id="report-update-text" label={t('reportTrack.updateText')} value={text} onValue={setText}
            error={error} maxLength={500} />
          <div class="field">
            <label for="report-update-photo">{t('reportTrack.updatePhotoLabel')}</label>
            <input id="report-update-photo" type="file" accept="image/jpeg,image/png,image/webp"
              onChange={(e) => setPhoto((e.currentTarget as HTMLInputElement).files?.[0] ?? null)} />
          </div>
          <button type="submit" class="btn btn-primary btn-block" disabled={busy} data-testid="report-update-submit">
            {t('reportTrack.sendUpdate')}
          </button>
        </form>
      )}
    </section>
  );
}
