import { useState } from 'preact/hooks';
import { api } from '../../api';
import { Choices, Notice, Select, TextArea } from '../../components/form';
import { MapView } from '../../components/map/MapView';
import { dateTime } from '../../format';
import { errorText, type Message, messageText, useAsync, useMessage } from '../../hooks';
import { type Key, label, lang, t } from '../../i18n';
import { Link, navigate, type PageProps } from '../../router';
import { useStore } from '../../store';
import { districtName, loadDistricts } from '../../reference';
import { categoryLabel, loadReportCategories } from '../public/report/ReportHotspot';
import { type ModerationStatus, type QueuedReport, findReport, loadQueue, photoURL } from './moderation';
import { Redactor } from './Redactor';

const statuses: [ModerationStatus, Key][] = [
  ['pending', 'mod.pending'],
  ['approved', 'mod.approved'],
  ['rejected', 'mod.rejected'],
];

let flash: Message = '';

function useCategory() {
  const cats = useAsync(loadReportCategories, []);
  return (key: string) => {
    const c = cats.data?.find((x) => x.key === key);
    return c ? categoryLabel(c) : key;
  };
}

/** ModerationQueue lists reports waiting for a moderator, oldest first, with a thumbnail each. */
export function ModerationQueue() {
  const [status, setStatus] = useState<ModerationStatus>('pending');
  const list = useAsync(() => loadQueue(status), [status]);
  const category = useCategory();
  useStore(lang);
  const [notice] = useState(() => {
    const f = flash;
    flash = '';
    return f;
  });
  return (
    <>
      <h1 tabIndex={-1}>{t('mod.title')}</h1>
      <Notice kind="ok">{messageText(notice)}</Notice>
      <Choices id="mod-status" label={t('mod.show')} value={status} onValue={(v) => setStatus(v as ModerationStatus)}
        options={statuses.map(([value, key]) => ({ value, label: t(key) }))} />
      <Notice kind="error">{list.error}</Notice>
      {list.loading && !list.data && <p>{t('common.loading')}</p>}
      {list.data && list.data.length === 0 && <p data-testid="mod-empty">{t('mod.empty')}</p>}
      {list.data && list.data.length > 0 && (
        <ul class="queue" data-testid="mod-queue">
          {list.data.map((r) => (
            <li key={r.id} class={r.happening_now ? 'overdue' : ''}>
              <Link href={`/staff/moderation/${r.id}`} class="queue-item mod-item" data-code={r.code}>
                <span class="queue-code" translate={false}>{r.code}</span>
                {r.photos[0] && (
                  <img class="queue-thumb" src={photoURL(r.id, r.photos[0].n, r.photos[0].redacted ? 'redacted_th' : 'thumbnail')}
                    alt="" loading="lazy" />
                )}
                <span class="queue-cat">{category(r.category)}</span>
                <span class="queue-meta">{r.district} · {dateTime(r.received_at)}</span>
                <span class="queue-status">
                  {r.happening_now && <span class="tag tag-alert">{t('mod.now')}</span>}{' '}
                  {r.also_reported > 0 && t('reportTrack.alsoN', { n: r.also_reported })}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

const reasons = ['spam', 'abuse', 'not_relevant', 'duplicate'] as const;

/** ModerationDetail shows one report: its place, text and photos (with redaction), approve or reject. */
export function ModerationDetail({ params }: PageProps) {
  const id = Number(params.id);
  const report = useAsync(() => findReport(id), [id]);
  const category = useCategory();
  const districts = useAsync(loadDistricts, []);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useMessage();
  const [general, setGeneral] = useState('');
  const [busy, setBusy] = useState(false);

  const decide = async (path: string, body: unknown, done: Message) => {
    setBusy(true);
    setGeneral('');
    try {
      await api('POST', `/moderation/reports/${id}/${path}`, body);
      flash = done;
      navigate('/staff/moderation');
    } catch (err) {
      setGeneral(errorText(err));
      setBusy(false);
    }
  };

  const r: QueuedReport | null | undefined = report.data;
  return (
    <>
      <p><Link href="/staff/moderation">{t('detail.back')}</Link></p>
      <Notice kind="error">{report.error || general}</Notice>
      {report.loading && !r && <p>{t('common.loading')}</p>}
      {r === null && <p>{t('err.notFound')}</p>}
      {r && (
        <>
          <h1 tabIndex={-1} class="code-title" translate={false} data-testid="mod-code">{r.code}</h1>
          <section class="card">
            <dl class="facts">
              <dt>{t('track.status')}</dt>
              <dd data-testid="mod-status">{label('mod.', r.status)}</dd>
              <dt>{t('report.category')}</dt>
              <dd>{category(r.category)}</dd>
              <dt>{t('report.text')}</dt>
              <dd class="prose">{r.text || t('file.notGiven')}</dd>
              <dt>{t('mod.nowLabel')}</dt>
              <dd>{r.happening_now ? t('common.yes') : t('common.no')}</dd>
              <dt>{t('report.when')}</dt>
              <dd>{r.occurred_at ? dateTime(r.occurred_at) : t('detail.unknown')}</dd>
              <dt>{t('reportTrack.received')}</dt>
              <dd>{dateTime(r.received_at)}</dd>
              <dt>{t('track.district')}</dt>
              <dd>{districts.data ? districtName(districts.data, r.district_id) : r.district}</dd>
              <dt>{t('mod.locationSource')}</dt>
              <dd data-testid="mod-location-source">{label('locationSource.', r.location_source)}</dd>
              <dt>{t('reportTrack.also')}</dt>
              <dd>{r.also_reported}</dd>
            </dl>
            <MapView label={t('mod.mapLabel')} pin={{ lat: r.lat, lon: r.lon }} flyKey={1} />
          </section>
          <h2>{t('mod.photos')}</h2>
          <p class="hint">{t('mod.redactHint')}</p>
          {r.photos.map((p) => <Redactor key={p.n} reportID={r.id} photo={p} />)}
          <section class="card" aria-labelledby="decide-title">
            <h2 id="decide-title">{t('mod.decide')}</h2>
            <button type="button" class="btn btn-primary btn-block" disabled={busy} data-testid="mod-approve"
              onClick={() => void decide('approve', undefined, () => t('mod.approvedDone', { code: r.code }))}>
              {t('mod.approve')}
            </button>
            <Choices id="reject-reason" label={t('mod.rejectReason')} value={reason} error={reasonError}
              onValue={(v) => {
                setReason(v);
                setReasonError('');
              }}
              options={reasons.map((x) => ({ value: x, label: t(('mod.reason.' + x) as Key) }))} />
            <button type="button" class="btn btn-danger btn-block" disabled={busy} data-testid="mod-reject" onClick={() => {
              if (!reason) {
                setReasonError(() => t('mod.err.reason'));
                return;
              }
              void decide('reject', { reason }, () => t('mod.rejectedDone', { code: r.code }));
            }}>
              {t('mod.reject')}
            </button>
          </section>
          {r.status === 'approved' && <OutcomeForm id={r.id} code={r.code} />}
        </>
      )}
    </>
  );
}

/** OutcomeReason is a public reason code with its labels. */
interface OutcomeReason {
  code: string;
  label_en: string;
  label_hi: string;
}

const outcomes = ['action_taken', 'fixed', 'closed'] as const;

/** OutcomeForm records what the police did about an approved report: an outcome, a public reason and a staff note. */
function OutcomeForm({ id, code }: { id: number; code: string }) {
  const reasons = useAsync(() => api<{ reasons: OutcomeReason[] }>('GET', '/report-outcome-reasons'), []);
  const [outcome, setOutcome] = useState('');
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useMessage();
  const [general, setGeneral] = useState('');
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const hi = lang.get() === 'hi';

  const save = async () => {
    setGeneral('');
    setDone('');
    if (!outcome || !reason) {
      setError(() => t('mod.err.outcome'));
      return;
    }
    setError('');
    setBusy(true);
    try {
      await api('POST', `/staff/reports/${id}/outcome`, { outcome, reason_code: reason, note });
      setDone(t('mod.outcomeDone', { code }));
      setNote('');
    } catch (err) {
      setGeneral(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="outcome-title" data-testid="mod-outcome">
      <h2 id="outcome-title">{t('mod.outcome')}</h2>
      <p class="hint">{t('mod.outcomeHint')}</p>
      <Notice kind="error">{reasons.error || general}</Notice>
      <Notice kind="ok">{done}</Notice>
      <Choices id="outcome" label={t('mod.outcome')} value={outcome} error={error} onValue={setOutcome}
        options={outcomes.map((x) => ({ value: x, label: t(('mod.outcome.' + x) as Key) }))} />
      <Select id="outcome-reason" label={t('mod.outcomeReason')} value={reason} onValue={setReason}
        options={(reasons.data?.reasons ?? []).map((x) => ({ value: x.code, label: hi ? x.label_hi : x.label_en }))} />
      <TextArea id="outcome-note" label={t('mod.outcomeNote')} value={note} onValue={setNote} maxLength={1000} />
      <button type="button" class="btn btn-primary btn-block" disabled={busy} data-testid="mod-outcome-save"
        onClick={() => void save()}>
        {t('mod.outcomeSave')}
      </button>
    </section>
  );
}
