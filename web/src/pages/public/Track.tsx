import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, postForm, randomKey } from '../../api';
import { PhotoPicker } from '../../components/PhotoPicker';
import { Choices, Input, Notice, TextArea, focusFirstError } from '../../components/form';
import { Deadline, Timeline } from '../../components/timeline';
import { dateTime } from '../../format';
import { errorText, type FieldErrors, fieldErrors, type Message, useAsync, useMessage } from '../../hooks';
import { label, lang, t } from '../../i18n';
import { intakeError } from '../../intake';
import { categoryName, loadCategories, name } from '../../reference';
import { useNow } from '../../store';
import type { Tracking } from '../../types';

let prefill: { code: string; secret: string } | null = null;

/** prefillTracking hands the just-filed code and secret to the Track page (in memory only). */
export function prefillTracking(code: string, secret: string): void {
  prefill = { code, secret };
}

/** Track shows a complaint to the woman who holds its code and secret, and lets her rate or withdraw it. */
export function Track() {
  const [code, setCode] = useState('');
  const [secret, setSecret] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState('');
  const [busy, setBusy] = useState(false);
  const [tracking, setTracking] = useState<Tracking | null>(null);

  const look = async (c: string, s: string) => {
    const e: FieldErrors = {};
    if (!c.trim()) e.code = () => t('err.code');
    if (!s.trim()) e.secret = () => t('err.secret');
    setErrors(e);
    setGeneral('');
    if (Object.keys(e).length) {
      focusFirstError();
      return;
    }
    setBusy(true);
    try {
      setTracking(await api<Tracking>('POST', '/complaints/track', { code: c.trim(), secret: s.trim() }));
    } catch (err) {
      if (err instanceof ApiError && (err.field === 'code' || err.field === 'secret')) {
        setErrors({ [err.field]: err.message });
        focusFirstError();
      } else if (err instanceof ApiError && err.status === 404) {
        setGeneral(t('track.notFound'));
      } else {
        setGeneral(errorText(err));
      }
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (prefill) {
      const p = prefill;
      prefill = null;
      setCode(p.code);
      setSecret(p.secret);
      void look(p.code, p.secret);
    }
  }, []);

  if (tracking) {
    return (
      <TrackingView
        tracking={tracking}
        credentials={{ code: code.trim(), secret: secret.trim() }}
        onUpdate={setTracking}
        onDone={() => {
          setTracking(null);
          setCode('');
          setSecret('');
        }}
      />
    );
  }
  return (
    <>
      <h1 tabIndex={-1}>{t('track.title')}</h1>
      <p>{t('track.intro')}</p>
      <Notice kind="error">{general}</Notice>
      <form noValidate onSubmit={(e) => {
        e.preventDefault();
        void look(code, secret);
      }}>
        <Input id="code" label={t('track.code')} value={code} error={errors.code} onValue={setCode}
          autoComplete="off" autoCapitalize="characters" spellcheck={false} />
        <Input id="secret" label={t('track.secret')} value={secret} error={errors.secret} onValue={setSecret}
          autoComplete="off" autoCapitalize="characters" spellcheck={false} />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy} data-testid="track-submit">
          {busy ? t('track.loading') : t('track.submit')}
        </button>
      </form>
    </>
  );
}

interface ViewProps {
  tracking: Tracking;
  credentials: { code: string; secret: string };
  onUpdate: (t: Tracking) => void;
  onDone: () => void;
}

function TrackingView({ tracking: tr, credentials, onUpdate, onDone }: ViewProps) {
  const now = useNow(15000);
  const categories = useAsync(loadCategories, []);
  const [notice, setNotice] = useMessage();
  const [general, setGeneral] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const act = async (path: string, body: Record<string, string>, done: Message): Promise<FieldErrors> => {
    setGeneral('');
    setNotice('');
    try {
      onUpdate(await api<Tracking>('POST', path, { ...credentials, ...body }));
      setNotice(done);
      return {};
    } catch (err) {
      return fieldErrors(err, setGeneral);
    }
  };
  const refresh = async () => {
    setNotice('');
    try {
      onUpdate(await api<Tracking>('POST', '/complaints/track', credentials));
    } catch (err) {
      setGeneral(errorText(err));
    }
  };

  return (
    <>
      <h1 tabIndex={-1} ref={heading}>{t('track.title')}</h1>
      <Notice kind="ok">{notice}</Notice>
      <Notice kind="error">{general}</Notice>
      <section class="card" aria-labelledby="summary-title">
        <h2 id="summary-title" class="code-title" translate={false}>{tr.code}</h2>
        <dl class="facts">
          <dt>{t('track.status')}</dt>
          <dd data-testid="track-status" data-status={tr.status}>{label('status.', tr.status)}</dd>
          <dt>{t('track.holder')}</dt>
          <dd data-testid="track-holder">{label('holder.', tr.holder)}</dd>
          {tr.next_deadline && (
            <>
              <dt>{t('track.deadline')}</dt>
              <dd>
                {dateTime(tr.next_deadline)} · <Deadline iso={tr.next_deadline} now={now} />
              </dd>
            </>
          )}
          <dt>{t('track.category')}</dt>
          <dd>{categoryName(categories.data, tr.category)}</dd>
          <dt>{t('track.filedAt')}</dt>
          <dd>{dateTime(tr.filed_at)}</dd>
          <dt>{t('track.station')}</dt>
          <dd>{name(tr.station)}</dd>
          <dt>{t('track.district')}</dt>
          <dd>{name(tr.district)}</dd>
        </dl>
        <button type="button" class="btn btn-small" onClick={refresh}>{t('track.refresh')}</button>
      </section>

      {tr.can_rate && <RateForm onRate={(body) => act('/complaints/rate', body, () => t('track.rated'))} />}

      <section class="card" aria-labelledby="atrs-title">
        <h2 id="atrs-title">{t('track.atrs')}</h2>
        {tr.atrs.length === 0 && <p>{t('track.noATR')}</p>}
        {tr.atrs.map((a) => (
          <article class="atr" key={a.seq} data-testid="atr">
            <h3>{t('track.atrNo', { n: a.seq })}</h3>
            <p class="atr-text" lang={a.language}>{a.text}</p>
            <p>
              <strong>{t('track.actionTaken')}:</strong> <span lang={a.language}>{a.action_taken}</span>
            </p>
            {a.fir && (
              <p class="atr-fir" data-testid="atr-fir">
                <strong>{t('track.fir')}:</strong>{' '}
                {t('track.firLine', { number: a.fir.short, station: name(a.fir.station), district: name(a.fir.district) })}{' '}
                <span class="muted" translate={false}>({a.fir.number})</span>
              </p>
            )}
            <p class="muted">{t('track.publishedAt', { when: dateTime(a.published_at) })}</p>
          </article>
        ))}
      </section>

      <section class="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t('track.timeline')}</h2>
        <Timeline items={tr.timeline} />
      </section>

      <EvidencePhotos credentials={credentials} open={tr.can_withdraw} onAdded={refresh} />

      {tr.can_withdraw && (
        <WithdrawForm onWithdraw={(body) => act('/complaints/withdraw', body, () => t('track.withdrawn'))} />
      )}
      <button type="button" class="btn btn-block" onClick={onDone}>{t('track.another')}</button>
    </>
  );
}

function RateForm({ onRate }: { onRate: (body: Record<string, string>) => Promise<FieldErrors> }) {
  const [rating, setRating] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const e: FieldErrors = {};
    if (!rating) e.rating = () => t('err.rating');
    if (rating === 'DISSATISFIED' && !reason.trim()) e.reason = () => t('err.reason');
    if (!Object.keys(e).length) {
      setBusy(true);
      Object.assign(e, await onRate({ rating, reason: rating === 'DISSATISFIED' ? reason.trim() : '' }));
      setBusy(false);
    }
    setErrors(e);
    if (Object.keys(e).length) focusFirstError();
  };
  return (
    <section class="card highlight" aria-labelledby="rate-title">
      <h2 id="rate-title">{t('track.rateTitle')}</h2>
      <form noValidate onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}>
        <Choices id="rating" label={t('track.rateTitle')} value={rating} onValue={setRating} error={errors.rating}
          options={[
            { value: 'SATISFIED', label: t('track.satisfied') },
            { value: 'DISSATISFIED', label: t('track.dissatisfied') },
          ]} />
        {rating === 'DISSATISFIED' && (
          <TextArea id="reason" label={t('track.reason')} value={reason} onValue={setReason} error={errors.reason} rows={4} />
        )}
        <button type="submit" class="btn btn-primary btn-block" disabled={busy} data-testid="rate-submit">
          {t('track.rateSubmit')}
        </button>
      </form>
    </section>
  );
}

function WithdrawForm({ onWithdraw }: { onWithdraw: (body: Record<string, string>) => Promise<FieldErrors> }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  if (!open) {
    return (
      <section class="card" aria-labelledby="withdraw-title">
        <h2 id="withdraw-title">{t('track.withdrawTitle')}</h2>
        <p>{t('track.withdrawText')}</p>
        <button type="button" class="btn" onClick={() => setOpen(true)}>{t('track.withdrawOpen')}</button>
      </section>
    );
  }
  return (
    <section class="card" aria-labelledby="withdraw-title">
      <h2 id="withdraw-title">{t('track.withdrawTitle')}</h2>
      <p>{t('track.withdrawText')}</p>
      <form noValidate onSubmit={async (e) => {
        e.preventDefault();
        setErrors(await onWithdraw({ reason: reason.trim() }));
      }}>
        <TextArea id="withdraw-reason" label={t('track.withdrawReason')} value={reason} onValue={setReason}
          error={errors.reason} rows={3} />
        <button type="submit" class="btn btn-danger btn-block">{t('track.withdrawConfirm')}</button>
      </form>
    </section>
  );
}

/** TrackedPhoto is one of her photos: a metadata-free thumbnail as a data: URL. */
interface TrackedPhoto {
  n: number;
  added_at: string;
  thumbnail: string;
}

// Refusals package cases words in her language; the pipeline's (photo_type…) intakeError words.
const casesWorded = new Set(['photos_required', 'photo_limit', 'complaint_closed', 'idempotency_key_reused']);
const maxPhotos = 10;
const maxPerUpload = 5;

/**
 * EvidencePhotos shows her photos (thumbnails fetched with code + secret, so
 * the secret never appears in an image URL) and, while the complaint is
 * open, lets her add more. One Idempotency-Key per chosen set of files makes
 * a retry after a dropped connection add nothing twice.
 */
function EvidencePhotos({ credentials, open, onAdded }: { credentials: { code: string; secret: string }; open: boolean; onAdded: () => Promise<void> }) {
  const [photos, setPhotos] = useState<TrackedPhoto[]>([]);
  const [files, setFiles] = useState<File[]>([]);
  const [key, setKey] = useState(randomKey());
  const [error, setError] = useMessage();
  const [notice, setNotice] = useMessage();
  const [busy, setBusy] = useState(false);
  const load = async () => {
    try {
      const r = await api<{ photos: TrackedPhoto[] }>('POST', '/complaints/track/photos', credentials);
      setPhotos(r.photos);
    } catch (err) {
      setError(errorText(err));
    }
  };
  useEffect(() => void load(), []);
  const pick = (f: File[]) => {
    setFiles(f);
    setKey(randomKey());
    setError('');
    setNotice('');
  };
  const room = Math.max(0, Math.min(maxPerUpload, maxPhotos - photos.length));
  const upload = async () => {
    if (!files.length) {
      setError(() => t('evidence.errNone'));
      return;
    }
    setBusy(true);
    setError('');
    const form = new FormData();
    form.append('code', credentials.code);
    form.append('secret', credentials.secret);
    form.append('language', lang.get());
    files.forEach((f) => form.append('photos', f, f.name));
    try {
      await postForm('/complaints/attachments', form, { headers: { 'Idempotency-Key': key } });
      setFiles([]);
      setKey(randomKey());
      setNotice(() => t('evidence.added'));
      await load();
      await onAdded();
    } catch (err) {
      setError(err instanceof ApiError && casesWorded.has(err.code) ? err.message : intakeError(err).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="evidence-title" data-testid="evidence">
      <h2 id="evidence-title">{t('evidence.title')}</h2>
      <Notice kind="ok">{notice}</Notice>
      {photos.length === 0 ? <p>{t('evidence.none')}</p> : (
        <ul class="thumbs" data-testid="evidence-photos">
          {photos.map((p) => (
            <li key={p.n}>
              <img src={p.thumbnail} alt={t('evidence.thumbAlt', { n: p.n })} />
              <span class="muted">{dateTime(p.added_at)}</span>
            </li>
          ))}
        </ul>
      )}
      {open && room === 0 && <p>{t('evidence.full')}</p>}
      {open && room > 0 && (
        <form noValidate onSubmit={(e) => {
          e.preventDefault();
          void upload();
        }}>
          <p>{t('evidence.intro')}</p>
          <PhotoPicker id="evidence-picker" label={t('evidence.pick')} hint={t('evidence.hint', { max: room })}
            files={files} max={room} onFiles={pick} error={error} />
          <button type="submit" class="btn btn-primary btn-block" disabled={busy} data-testid="evidence-submit">
            {busy ? t('evidence.uploading') : t('evidence.submit')}
          </button>
        </form>
      )}
      {!open && <Notice kind="error">{error}</Notice>}
    </section>
  );
}
