import { useState } from 'preact/hooks';
import { api } from '../../api';
import { Check, Choices, Input, Notice, TextArea, focusFirstError } from '../../components/form';
import { Deadline, Timeline } from '../../components/timeline';
import { dateTime } from '../../format';
import { type FieldErrors, fieldErrors, type Message, useAsync, useMessage } from '../../hooks';
import { label, t } from '../../i18n';
import { categoryName, loadCategories, name } from '../../reference';
import type { PageProps } from '../../router';
import { Link } from '../../router';
import { session } from '../../session';
import { useNow, useStore } from '../../store';
import type { ATR, Detail } from '../../types';
import { DirectionsPanel, TransferPanel } from './Supervision';

const awaitingATR = ['assigned', 'atr_draft', 'escalated'];

/** ComplaintDetail is one complaint as staff in scope see it, with the actions the role may take. */
export function ComplaintDetail({ params }: PageProps) {
  const user = useStore(session);
  const d = useAsync(() => api<Detail>('GET', `/complaints/${encodeURIComponent(params.id)}`), [params.id]);
  const categories = useAsync(loadCategories, []);
  const now = useNow(1000);
  const [notice, setNotice] = useMessage();
  const done = (msg: Message) => {
    setNotice(msg);
    d.reload();
  };
  if (!d.data) {
    return (
      <>
        <p><Link href="/staff">{t('detail.back')}</Link></p>
        {d.loading ? <p>{t('common.loading')}</p> : <Notice kind="error">{d.error}</Notice>}
      </>
    );
  }
  const c = d.data;
  const open = c.atrs.filter((a) => a.status === 'draft' || a.status === 'submitted').at(-1);
  const returned = c.atrs.filter((a) => a.status === 'returned').at(-1);
  const role = user?.role;
  return (
    <>
      <p><Link href="/staff">{t('detail.back')}</Link></p>
      <h1 tabIndex={-1} class="code-title" translate={false} data-testid="detail-code">{c.code}</h1>
      <Notice kind="ok">{notice}</Notice>
      {d.error && <Notice kind="error">{d.error}</Notice>}
      <section class="card">
        <dl class="facts">
          <dt>{t('track.status')}</dt>
          <dd data-testid="detail-status" data-status={c.status}>
            {label('status.', c.status)}
            {open && <> · {label('atrStatus.', open.status)}</>}
          </dd>
          <dt>{t('track.holder')}</dt>
          <dd>{c.holder === 'complainant' ? t('staffHolder.complainant') : label('holder.', c.holder)}</dd>
          {c.atr_due_at && awaitingATR.includes(c.status) && (
            <>
              <dt>{t('detail.due')}</dt>
              <dd>{dateTime(c.atr_due_at)} · <Deadline iso={c.atr_due_at} now={now} /></dd>
            </>
          )}
          <dt>{t('track.category')}</dt>
          <dd>{categoryName(categories.data, c.category)}</dd>
          <dt>{t('detail.place')}</dt>
          <dd>
            {name(c.station)}, {name(c.district)}
            {c.lat !== undefined && c.lon !== undefined && <> · {c.lat.toFixed(5)}, {c.lon.toFixed(5)}</>}
          </dd>
          <dt>{t('track.filedAt')}</dt>
          <dd>{dateTime(c.created_at)}</dd>
          <dt>{t('detail.incidentAt')}</dt>
          <dd>{c.incident_at ? dateTime(c.incident_at) : t('detail.unknown')}</dd>
          <dt>{t('detail.filedBy')}</dt>
          <dd>{c.filed_by === 'on_behalf' ? t('filedBy.on_behalf', { relation: c.relation ?? '' }) : label('filedBy.', c.filed_by)}</dd>
          {c.callback_window && (
            <>
              <dt>{t('detail.callbackWindow')}</dt>
              <dd>{c.callback_window}</dd>
            </>
          )}
          {c.no_sms && (
            <>
              <dt>{t('detail.noSMS')}</dt>
              <dd><span class="tag" data-testid="no-sms">{t('detail.noSMSWhy')}</span></dd>
            </>
          )}
          {c.confidential && (
            <>
              <dt>{t('detail.confidential')}</dt>
              <dd><span class="tag">{t('common.yes')}</span></dd>
            </>
          )}
        </dl>
      </section>

      <DirectionsPanel complaint={c} role={role} onDone={done} />

      <section class="card">
        <h2>{t('detail.description')}</h2>
        <p class="prose" lang={c.language}>{c.description}</p>
      </section>

      <ComplaintPhotos id={c.id} />

      <section class="card">
        <h2>{t('detail.contact')}</h2>
        {c.contact_access === 'shown' && c.contact && (
          <>
            <dl class="facts">
              {c.contact.name && (<><dt>{t('file.name')}</dt><dd>{c.contact.name}</dd></>)}
              {c.contact.phone && (<><dt>{t('file.phone')}</dt><dd><a href={'tel:' + c.contact.phone}>{c.contact.phone}</a></dd></>)}
              {c.contact.address && (<><dt>{t('file.address')}</dt><dd>{c.contact.address}</dd></>)}
            </dl>
            <p class="muted">{t('detail.contactAudited')}</p>
          </>
        )}
        {c.contact_access === 'withheld' && <p>{t('detail.contactWithheld')}</p>}
        {c.contact_access === 'none' && <p>{t('detail.contactNone')}</p>}
      </section>

      {role === 'station' && awaitingATR.includes(c.status) && open?.status !== 'submitted' && (
        <ATRForm complaint={c} draft={open ?? returned} onDone={done} />
      )}
      {role === 'station' && open?.status === 'submitted' && <Notice kind="info">{t('atrForm.waiting')}</Notice>}
      {role === 'nodal' && open?.status === 'submitted' && <VetForm complaint={c} atr={open} onDone={done} />}
      {role === 'msp_legal' && c.status === 'legal_review' && <LegalForm complaint={c} onDone={done} />}
      <TransferPanel complaint={c} role={role} onDone={done} />

      <section class="card">
        <h2>{t('detail.atrs')}</h2>
        {c.atrs.length === 0 && <p>{t('detail.noATR')}</p>}
        {c.atrs.map((a) => (
          <article class="atr" key={a.id}>
            <h3>{t('track.atrNo', { n: a.seq })} · {label('atrStatus.', a.status)}</h3>
            <p class="atr-text" lang={a.language}>{a.text}</p>
            <p><strong>{t('track.actionTaken')}:</strong> <span lang={a.language}>{a.action_taken}</span></p>
            {a.fir_number && <p data-testid="atr-fir"><strong>{t('track.fir')}:</strong> <span translate={false}>{a.fir_number}</span></p>}
            {a.internal_note && <p><strong>{t('detail.internalNote')}:</strong> {a.internal_note}</p>}
            {a.return_reason && <p class="warn">{t('detail.returnReason', { reason: a.return_reason })}</p>}
            {a.published_at && <p class="muted">{t('track.publishedAt', { when: dateTime(a.published_at) })}</p>}
          </article>
        ))}
      </section>

      {c.ratings.length > 0 && (
        <section class="card">
          <h2>{t('detail.ratings')}</h2>
          <ul class="plain">
            {c.ratings.map((r, i) => (
              <li key={i}>{dateTime(r.at)} · {label('rating.', r.rating)}{r.reason ? ` — ${r.reason}` : ''}</li>
            ))}
          </ul>
        </section>
      )}
      {c.legal_reviews.length > 0 && (
        <section class="card">
          <h2>{t('detail.legalReviews')}</h2>
          <ul class="plain">
            {c.legal_reviews.map((r, i) => (
              <li key={i}>{dateTime(r.at)} · {label('decision.', r.decision)} — {r.reason}</li>
            ))}
          </ul>
        </section>
      )}
      {c.call_tasks.length > 0 && (
        <section class="card">
          <h2>{t('detail.callTasks')}</h2>
          <ul class="plain">
            {c.call_tasks.map((k) => (
              <li key={k.id}>
                {label('calls.reason.', k.reason)} · {t('calls.due', { when: dateTime(k.due_at) })}
                {k.outcome && <> · {label('outcome.', k.outcome)}</>}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section class="card">
        <h2>{t('detail.events')}</h2>
        <Timeline items={c.events.map((e) => ({ at: e.at, kind: e.kind, reason: e.reason, who: label('role.', e.actor_role) }))} />
      </section>
    </>
  );
}

/** StaffPhoto is one complaint photo in the staff list; its URLs serve watermarked copies. */
interface StaffPhoto {
  n: number;
  added_at: string;
  added_by: string;
  url: string;
  thumb_url: string;
}

/**
 * ComplaintPhotos shows the photos attached to a complaint as thumbnails;
 * each opens the full photo in a new tab. The server watermarks every copy
 * with the viewer's name and the time and audits each view, so thumbnails
 * load lazily and only when this page is open.
 */
function ComplaintPhotos({ id }: { id: number }) {
  const list = useAsync(() => api<{ photos: StaffPhoto[] }>('GET', `/complaints/${id}/photos`), [id]);
  const photos = list.data?.photos ?? [];
  return (
    <section class="card" data-testid="detail-photos">
      <h2>{t('detail.photos')}</h2>
      {list.error && <Notice kind="error">{list.error}</Notice>}
      {list.data && photos.length === 0 && <p>{t('detail.noPhotos')}</p>}
      {photos.length > 0 && (
        <>
          <ul class="thumbs">
            {photos.map((p) => (
              <li key={p.n}>
                <a href={p.url} target="_blank" rel="noopener noreferrer" data-testid="detail-photo">
                  <img src={p.thumb_url} loading="lazy"
                    alt={t('detail.photoAlt', { n: p.n, who: label('role.', p.added_by) })} />
                </a>
                <span class="muted">{dateTime(p.added_at)}</span>
              </li>
            ))}
          </ul>
          <p class="muted">{t('detail.photosAudited')}</p>
        </>
      )}
    </section>
  );
}

interface FormProps {
  complaint: Detail;
  onDone: (msg: Message) => void;
}

/** parseFIR splits a stored CCTNS number (UP/162/LKO-HAZ/2026/00077) for the form. */
function parseFIR(n?: string): { station: string; year: string; serial: string } | null {
  const m = n?.match(/^[A-Z]{2}\/\d+\/([A-Z0-9-]+)\/(\d{4})\/(\d+)$/);
  return m ? { station: m[1], year: m[2], serial: String(Number(m[3])) } : null;
}

function ATRForm({ complaint: c, draft, onDone }: FormProps & { draft?: ATR }) {
  const [text, setText] = useState(draft?.text ?? '');
  const [action, setAction] = useState(draft?.action_taken ?? '');
  const [note, setNote] = useState(draft?.internal_note ?? '');
  const recorded = parseFIR(draft?.fir_number);
  const [hasFIR, setHasFIR] = useState(!!recorded);
  const [firStation, setFIRStation] = useState(recorded?.station ?? '');
  const [firYear, setFIRYear] = useState(recorded?.year ?? String(new Date().getFullYear()));
  const [firSerial, setFIRSerial] = useState(recorded?.serial ?? '');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState('');
  const [busy, setBusy] = useState(false);
  const path = `/complaints/${c.id}/atr`;
  const run = async (submit: boolean) => {
    const e: FieldErrors = {};
    if (!text.trim()) e.text = () => t('err.required');
    if (!action.trim()) e.action_taken = () => t('err.required');
    if (hasFIR && !/^\d{1,5}$/.test(firSerial.trim())) e['fir.serial'] = () => t('atrForm.firSerialBad');
    if (hasFIR && !/^\d{4}$/.test(firYear.trim())) e['fir.year'] = () => t('atrForm.firYearBad');
    setGeneral('');
    if (!Object.keys(e).length) {
      setBusy(true);
      const fir = hasFIR
        ? { station_code: firStation.trim(), year: Number(firYear.trim()), serial: Number(firSerial.trim()) }
        : null;
      try {
        await api('PUT', path, { text: text.trim(), action_taken: action.trim(), internal_note: note.trim(), fir });
        if (submit) await api('POST', path + '/submit');
        onDone(() => (submit ? t('atrForm.submitted') : t('atrForm.saved')));
      } catch (err) {
        Object.assign(e, fieldErrors(err, setGeneral));
      }
      setBusy(false);
    }
    setErrors(e);
    if (Object.keys(e).length) focusFirstError();
  };
  const langName = c.language === 'hi' ? t('lang.hi') : t('lang.en');
  return (
    <section class="card highlight" aria-labelledby="atr-form-title">
      <h2 id="atr-form-title">{t('atrForm.title')}</h2>
      <Notice kind="error">{general}</Notice>
      <form noValidate onSubmit={(e) => {
        e.preventDefault();
        void run(true);
      }}>
        <TextArea id="text" label={t('atrForm.text')} hint={t('atrForm.textHint', { lang: langName })} value={text}
          onValue={setText} error={errors.text} rows={5} lang={c.language} />
        <Input id="action_taken" label={t('atrForm.action')} value={action} onValue={setAction}
          error={errors.action_taken} lang={c.language} />
        <TextArea id="internal_note" label={t('atrForm.note')} value={note} onValue={setNote} error={errors.internal_note} rows={3} />
        <Check id="has_fir" label={t('atrForm.hasFIR')} hint={t('atrForm.hasFIRHint')} checked={hasFIR} onChecked={setHasFIR} />
        {hasFIR && (
          <fieldset class="fir-fields">
            <legend>{t('atrForm.firLegend')}</legend>
            <Input id="fir_serial" label={t('atrForm.firSerial')} value={firSerial} onValue={setFIRSerial}
              error={errors['fir.serial']} inputMode="numeric" autoComplete="off" />
            <Input id="fir_year" label={t('atrForm.firYear')} value={firYear} onValue={setFIRYear}
              error={errors['fir.year']} inputMode="numeric" autoComplete="off" />
            <Input id="fir_station" label={t('atrForm.firStation')} hint={t('atrForm.firStationHint')} value={firStation}
              onValue={setFIRStation} error={errors['fir.station_code']} autoComplete="off" />
          </fieldset>
        )}
        <div class="actions">
          <button type="button" class="btn" disabled={busy} onClick={() => void run(false)} data-testid="atr-save">
            {t('atrForm.save')}
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy} data-testid="atr-submit">
            {t('atrForm.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function VetForm({ complaint: c, atr, onDone }: FormProps & { atr: ATR }) {
  const [returning, setReturning] = useState(false);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState('');
  const [busy, setBusy] = useState(false);
  const base = `/complaints/${c.id}/atr`;
  const approve = async () => {
    setBusy(true);
    setGeneral('');
    try {
      await api('POST', base + '/approve');
      onDone(() => t('vet.approved'));
    } catch (err) {
      setErrors(fieldErrors(err, setGeneral));
    }
    setBusy(false);
  };
  const sendBack = async () => {
    const e: FieldErrors = {};
    if (!reason.trim()) e.reason = () => t('err.reason');
    if (!Object.keys(e).length) {
      setBusy(true);
      try {
        await api('POST', base + '/return', { reason: reason.trim() });
        onDone(() => t('vet.returned'));
      } catch (err) {
        Object.assign(e, fieldErrors(err, setGeneral));
      }
      setBusy(false);
    }
    setErrors(e);
    if (Object.keys(e).length) focusFirstError();
  };
  return (
    <section class="card highlight" aria-labelledby="vet-title">
      <h2 id="vet-title">{t('vet.title')}</h2>
      <article class="atr">
        <h3>{t('track.atrNo', { n: atr.seq })}</h3>
        <p class="atr-text" lang={atr.language}>{atr.text}</p>
        <p><strong>{t('track.actionTaken')}:</strong> <span lang={atr.language}>{atr.action_taken}</span></p>
      </article>
      <Notice kind="error">{general}</Notice>
      {!returning ? (
        <div class="actions">
          <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void approve()} data-testid="vet-approve">
            {t('vet.approve')}
          </button>
          <button type="button" class="btn" onClick={() => setReturning(true)} data-testid="vet-return-open">
            {t('vet.return')}
          </button>
        </div>
      ) : (
        <form noValidate onSubmit={(e) => {
          e.preventDefault();
          void sendBack();
        }}>
          <TextArea id="reason" label={t('vet.reason')} value={reason} onValue={setReason} error={errors.reason} rows={3} />
          <div class="actions">
            <button type="button" class="btn" onClick={() => setReturning(false)}>{t('file.back')}</button>
            <button type="submit" class="btn btn-primary" disabled={busy} data-testid="vet-return">{t('vet.return')}</button>
          </div>
        </form>
      )}
    </section>
  );
}

function LegalForm({ complaint: c, onDone }: FormProps) {
  const [decision, setDecision] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const e: FieldErrors = {};
    if (!decision) e.decision = () => t('err.required');
    if (!reason.trim()) e.reason = () => t('err.reason');
    setGeneral('');
    if (!Object.keys(e).length) {
      setBusy(true);
      try {
        await api('POST', `/complaints/${c.id}/legal-decision`, { decision, reason: reason.trim() });
        onDone(() => t('legalForm.done'));
      } catch (err) {
        Object.assign(e, fieldErrors(err, setGeneral));
      }
      setBusy(false);
    }
    setErrors(e);
    if (Object.keys(e).length) focusFirstError();
  };
  return (
    <section class="card highlight" aria-labelledby="legal-title">
      <h2 id="legal-title">{t('legalForm.title')}</h2>
      <Notice kind="error">{general}</Notice>
      <form noValidate onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}>
        <Choices id="decision" label={t('legalForm.title')} value={decision} onValue={setDecision} error={errors.decision}
          options={[
            { value: 'pursue', label: t('legalForm.pursue') },
            { value: 'advise', label: t('legalForm.advise') },
          ]} />
        <TextArea id="reason" label={t('legalForm.reason')} hint={t('legalForm.reasonHint')} value={reason}
          onValue={setReason} error={errors.reason} rows={4} />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy} data-testid="legal-submit">
          {t('legalForm.submit')}
        </button>
      </form>
    </section>
  );
}
