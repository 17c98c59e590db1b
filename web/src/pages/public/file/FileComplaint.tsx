import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../../../api';
import { Check, Choices, Input, Notice, Select, TextArea, focusFirstError } from '../../../components/form';
import { dateTime, runes } from '../../../format';
import { type FieldErrors, messageText, useAsync } from '../../../hooks';
import { lang, t } from '../../../i18n';
import { loadCategories, loadDistricts, name } from '../../../reference';
import { entry } from '../../../entry';
import { navigate } from '../../../router';
import type { Filed } from '../../../types';
import { OfflineChoice } from '../../../components/Outbox';
import { dropDraft, loadDraft, queue, saveDraft as keepOnDevice } from '../../../outbox';
import { type Draft, blankDraft, draft, requestBody, saveDraft, setFiled } from './draft';
import { firstStep, maxDescription, nowIST, stepKeys, validateStep } from './validate';

type Locating = 'idle' | 'locating' | 'located' | 'denied' | 'unsupported';

/**
 * FileComplaint is the guided form: what happened → where → contact →
 * check and send. Each step is checked here as the server would; the
 * server's own message (in the chosen language) is shown next to the field
 * it names, on the step that holds it.
 */
export function FileComplaint() {
  const [d, setD] = useState<Draft>(draft());
  const [step, setStep] = useState(0);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState('');
  const [sending, setSending] = useState(false);
  const [offline, setOffline] = useState(false);
  const [locating, setLocating] = useState<Locating>(d.lat !== undefined ? 'located' : 'idle');
  const categories = useAsync(loadCategories, []);
  const districts = useAsync(loadDistricts, []);
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    heading.current?.focus();
  }, [step]);

  // An outreach link names her district (/?d=lucknow): pre-select it
  // unless she already chose a place.
  useEffect(() => {
    const linked = entry.district && districts.data?.find((x) => x.slug === entry.district);
    if (linked && !d.districtId && d.lat === undefined) set({ districtId: String(linked.id) });
  }, [districts.data]);

  // A draft she chose to keep on this phone comes back when she opens the
  // form with nothing written in this page load.
  useEffect(() => {
    const mem = draft();
    if (mem.keepDraft || mem.description || mem.category) return;
    loadDraft<Draft>('complaint').then((kept) => {
      if (!kept || draft() !== mem) return;
      saveDraft(kept);
      setD(kept);
      if (kept.lat !== undefined) setLocating('located');
    }, () => undefined);
  }, []);

  const set = (patch: Partial<Draft>) =>
    setD((prev) => {
      const next = { ...prev, ...patch };
      saveDraft(next);
      if (next.keepDraft) void keepOnDevice('complaint', next).catch(() => undefined);
      else if (prev.keepDraft) void dropDraft('complaint').catch(() => undefined);
      return next;
    });

  // keep queues the complaint on this phone (she chose it) and starts a new one.
  const keep = async () => {
    setSending(true);
    try {
      await queue({ key: d.idempotencyKey, kind: 'complaint', path: '/complaints', json: requestBody(d, lang.get()) });
    } catch {
      setSending(false);
      setOffline(false);
      setGeneral(t('offline.keepFailed'));
      return;
    }
    await dropDraft('complaint').catch(() => undefined);
    saveDraft(blankDraft());
    navigate('/', { replace: true });
  };

  const goTo = (s: number) => {
    setGeneral('');
    setStep(s);
  };

  const next = () => {
    const e = validateStep(step, d);
    setErrors(e);
    if (Object.keys(e).length) {
      focusFirstError();
      return;
    }
    goTo(step + 1);
  };

  const locate = () => {
    if (!('geolocation' in navigator)) {
      setLocating('unsupported');
      return;
    }
    setLocating('locating');
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        set({ lat: pos.coords.latitude, lon: pos.coords.longitude, districtId: '' });
        setErrors({});
        setLocating('located');
      },
      () => setLocating('denied'),
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 },
    );
  };

  const submit = async () => {
    const e = validateStep(3, d);
    setErrors(e);
    if (Object.keys(e).length) {
      setGeneral(t('file.fixErrors'));
      goTo(firstStep(e));
      focusFirstError();
      return;
    }
    setGeneral('');
    if (!navigator.onLine) {
      setOffline(true);
      return;
    }
    setSending(true);
    try {
      const filed = await api<Filed>('POST', '/complaints', requestBody(d, lang.get()), {
        headers: { 'Idempotency-Key': d.idempotencyKey },
      });
      void dropDraft('complaint').catch(() => undefined);
      setFiled(filed);
      navigate('/file/done', { replace: true });
    } catch (err) {
      setSending(false);
      if (err instanceof ApiError && err.status === 0) {
        setOffline(true);
      } else if (err instanceof ApiError && err.field && err.field !== 'idempotency_key') {
        const fe = { [err.field]: err.message };
        setErrors(fe);
        goTo(firstStep(fe));
        focusFirstError();
      } else {
        setGeneral(err instanceof ApiError ? err.message : t('err.generic'));
      }
    }
  };

  const catOptions = (categories.data ?? []).map((c) => ({ value: c.code, label: name(c.label) }));
  const distOptions = (districts.data ?? [])
    .map((x) => ({ value: String(x.id), label: name(x.name) }))
    .sort((a, b) => a.label.localeCompare(b.label, lang.get()));
  const catLabel = catOptions.find((o) => o.value === d.category)?.label ?? '';
  const distLabel = distOptions.find((o) => o.value === d.districtId)?.label ?? '';

  return (
    <>
      <h1 tabIndex={-1}>{t('file.title')}</h1>
      <ol class="progress" aria-label={t('file.stepOf', { n: step + 1, total: stepKeys.length })}>
        {stepKeys.map((k, i) => (
          <li key={k} class={i === step ? 'current' : i < step ? 'done' : ''} aria-current={i === step ? 'step' : undefined}>
            {t(k)}
          </li>
        ))}
      </ol>
      <p class="step-count">{t('file.stepOf', { n: step + 1, total: stepKeys.length })}</p>
      <h2 ref={heading} tabIndex={-1} data-testid="step-title">{t(stepKeys[step])}</h2>
      <Notice kind="error">{general}</Notice>
      {(categories.error || districts.error) && <Notice kind="error">{categories.error || districts.error}</Notice>}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (step < 3) next();
          else void submit();
        }}
      >
        {step === 0 && (
          <>
            <Choices id="filed_by" label={t('file.who')} value={d.filedBy} error={errors.filed_by}
              onValue={(v) => set({ filedBy: v as Draft['filedBy'] })}
              options={[{ value: 'self', label: t('file.self') }, { value: 'on_behalf', label: t('file.onBehalf') }]} />
            {d.filedBy === 'on_behalf' && (
              <Input id="relation" label={t('file.relation')} hint={t('file.relationHint')} value={d.relation}
                error={errors.relation} onValue={(v) => set({ relation: v })} autoComplete="off" />
            )}
            <Select id="category" label={t('file.category')} value={d.category} error={errors.category}
              placeholder={t('file.categoryChoose')} options={catOptions} onValue={(v) => set({ category: v })} />
            <TextArea id="description" label={t('file.description')} hint={t('file.descriptionHint')}
              value={d.description} error={errors.description} rows={7} onValue={(v) => set({ description: v })}
              counter={t('file.chars', { n: runes(d.description), max: maxDescription })} />
            <Input id="incident_at" type="datetime-local" label={t('file.incidentAt')} hint={t('file.incidentHint')}
              value={d.incidentAt} error={errors.incident_at} max={nowIST()} onValue={(v) => set({ incidentAt: v })} />
          </>
        )}
        {step === 1 && (
          <>
            <p>{t('file.whereIntro')}</p>
            <div class={'field' + (errors.location ? ' has-error' : '')} id="location">
              {d.lat === undefined ? (
                <button type="button" class="btn btn-block" onClick={locate} disabled={locating === 'locating'}
                  aria-describedby={errors.location ? 'location-error' : undefined} data-testid="use-location">
                  {locating === 'locating' ? t('file.locating') : t('file.useLocation')}
                </button>
              ) : (
                <>
                  <Notice kind="ok">{t('file.located')}</Notice>
                  <button type="button" class="btn btn-small" data-testid="clear-location" onClick={() => {
                    set({ lat: undefined, lon: undefined });
                    setLocating('idle');
                  }}>
                    {t('file.clearLocation')}
                  </button>
                </>
              )}
              {locating === 'denied' && <Notice kind="info">{t('file.locationDenied')}</Notice>}
              {locating === 'unsupported' && <Notice kind="info">{t('file.locationUnsupported')}</Notice>}
              {errors.location && <p class="field-error" id="location-error" data-field-error="location" role="alert">{messageText(errors.location)}</p>}
            </div>
            {d.lat === undefined && (
              <>
                <p class="or">{t('file.or')}</p>
                <Select id="district_id" label={t('file.district')} value={d.districtId} error={errors.district_id}
                  placeholder={t('file.districtChoose')} options={distOptions}
                  onValue={(v) => set({ districtId: v })} />
              </>
            )}
          </>
        )}
        {step === 2 && (
          <>
            <p>{t('file.contactIntro')}</p>
            <Input id="name" label={t('file.name')} value={d.name} error={errors.name} autoComplete="off"
              onValue={(v) => set({ name: v })} />
            <Input id="phone" type="tel" inputMode="tel" label={t('file.phone')} hint={t('file.phoneHint')}
              value={d.phone} error={errors.phone} autoComplete="off" onValue={(v) => set({ phone: v })} />
            <TextArea id="address" label={t('file.address')} value={d.address} error={errors.address} rows={3}
              onValue={(v) => set({ address: v })} />
            <Check id="confidential" label={t('file.confidential')} hint={t('file.confidentialHint')}
              checked={d.confidential} onChecked={(v) => set({ confidential: v })} />
            <Check id="no_sms" label={t('file.noSMS')} hint={t('file.noSMSHint')}
              checked={d.noSMS} onChecked={(v) => set({ noSMS: v })} />
            <fieldset class={'field' + (errors.callback_window ? ' has-error' : '')} id="callback_window"
              aria-describedby={'callback_window-hint' + (errors.callback_window ? ' callback_window-error' : '')}>
              <legend>{t('file.callback')}</legend>
              <p class="hint" id="callback_window-hint">{t('file.callbackHint')}</p>
              <div class="row">
                <Input id="callback_from" type="time" label={t('file.callbackFrom')} value={d.callbackFrom}
                  onValue={(v) => set({ callbackFrom: v })} />
                <Input id="callback_to" type="time" label={t('file.callbackTo')} value={d.callbackTo}
                  onValue={(v) => set({ callbackTo: v })} />
              </div>
              {errors.callback_window && (
                <p class="field-error" id="callback_window-error" data-field-error="callback_window" role="alert">{messageText(errors.callback_window)}</p>
              )}
            </fieldset>
          </>
        )}
        {step === 3 && (
          <>
            <p>{t('file.reviewIntro')}</p>
            <dl class="review" data-testid="review">
              <Row label={t('file.who')} value={d.filedBy === 'self' ? t('file.self') : `${t('file.onBehalf')} (${d.relation})`} edit={() => goTo(0)} />
              <Row label={t('file.category')} value={catLabel} edit={() => goTo(0)} />
              <Row label={t('file.description')} value={d.description} edit={() => goTo(0)} />
              <Row label={t('file.incidentAt')} value={d.incidentAt ? dateTime(d.incidentAt + ':00+05:30') : t('file.notGiven')} edit={() => goTo(0)} />
              <Row label={t('file.location')} value={d.lat !== undefined ? t('file.myLocation') : distLabel} edit={() => goTo(1)} />
              <Row label={t('file.name')} value={d.name || t('file.notGiven')} edit={() => goTo(2)} />
              <Row label={t('file.phone')} value={d.phone || t('file.notGiven')} edit={() => goTo(2)} />
              <Row label={t('file.address')} value={d.address || t('file.notGiven')} edit={() => goTo(2)} />
              <Row label={t('file.confidential')} value={d.confidential ? t('common.yes') : t('common.no')} edit={() => goTo(2)} />
              <Row label={t('file.noSMS')} value={d.noSMS ? t('common.yes') : t('common.no')} edit={() => goTo(2)} />
              <Row label={t('file.callback')} value={d.callbackFrom ? `${d.callbackFrom}–${d.callbackTo}` : t('file.notGiven')} edit={() => goTo(2)} />
            </dl>
          </>
        )}
        <Check id="keep_draft" label={t('draft.keep')} hint={t('draft.keepHint')} checked={d.keepDraft}
          onChecked={(v) => set({ keepDraft: v })} />
        <div class="actions wizard-actions">
          {step > 0 && (
            <button type="button" class="btn" onClick={() => goTo(step - 1)} data-testid="back">
              {t('file.back')}
            </button>
          )}
          {step < 3 ? (
            <button type="submit" class="btn btn-primary" data-testid="next">{t('file.next')}</button>
          ) : (
            <button type="submit" class="btn btn-primary" disabled={sending} data-testid="submit">
              {sending ? t('file.submitting') : t('file.submit')}
            </button>
          )}
        </div>
      </form>
      {offline && (
        <OfflineChoice busy={sending} onKeep={() => void keep()} onDiscard={() => {
          setOffline(false);
          setGeneral(t('offline.discarded'));
        }} />
      )}
    </>
  );
}

function Row({ label, value, edit }: { label: string; value: string; edit: () => void }) {
  return (
    <div class="review-row">
      <dt>{label}</dt>
      <dd>
        <span class="review-value">{value}</span>
        <button type="button" class="link-button" onClick={edit} aria-label={`${t('file.edit')}: ${label}`}>
          {t('file.edit')}
        </button>
      </dd>
    </div>
  );
}
