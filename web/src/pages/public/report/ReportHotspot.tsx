import { useRef, useState } from 'preact/hooks';
import { api } from '../../../api';
import { Check, Input, Notice, Select, TextArea, focusFirstError } from '../../../components/form';
import { OfflineChoice } from '../../../components/Outbox';
import { PhotoPicker } from '../../../components/PhotoPicker';
import { type PinSource, PinPicker } from '../../../components/PinPicker';
import { runes } from '../../../format';
import { type FieldErrors, useAsync } from '../../../hooks';
import { lang, t } from '../../../i18n';
import { istToRFC3339 } from '../../../intake';
import { useIntakeSend } from '../../../intakeSend';
import { type LatLon, firstGPS } from '../../../photo';
import { nowIST } from '../file/validate';
import { type ReportCategory, type ReportReceipt, setReportReceipt } from './receipt';

// Limits mirror ingest (MinReportPhotos…MaxReportPhotos, MaxReportText).
const maxPhotos = 3;
const maxText = 500;

let categories: Promise<ReportCategory[]> | null = null;

/** loadReportCategories fetches the hotspot taxonomy once per page load. */
export function loadReportCategories(): Promise<ReportCategory[]> {
  categories ??= api<{ categories: ReportCategory[] }>('GET', '/report-categories').then((r) => r.categories);
  categories.catch(() => (categories = null));
  return categories;
}

/** categoryLabel is a category's name in the UI language. */
export function categoryLabel(c: Pick<ReportCategory, 'label_en' | 'label_hi'>): string {
  return lang.get() === 'hi' && c.label_hi ? c.label_hi : c.label_en;
}

/**
 * ReportHotspot reports an unsafe place: photos (whose EXIF position, read
 * here in the browser, places the pin), the place, a category, a few words,
 * and whether it is happening now. When the pin is the photo's own
 * position the form sends no coordinates, so the server takes them from
 * the photo itself and records the location as "exif".
 */
export function ReportHotspot() {
  const [photos, setPhotos] = useState<File[]>([]);
  const [pin, setPin] = useState<LatLon | null>(null);
  const [source, setSource] = useState<PinSource | ''>('');
  const [flyKey, setFlyKey] = useState(0);
  const [category, setCategory] = useState('');
  const [text, setText] = useState('');
  const [now, setNow] = useState(false);
  const [occurredAt, setOccurredAt] = useState('');
  const [phone, setPhone] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [reading, setReading] = useState(false);
  const cats = useAsync(loadReportCategories, []);
  const sender = useIntakeSend<ReportReceipt>({
    kind: 'report', onReceipt: setReportReceipt, setErrors,
    fieldOf: (f) => (['photos', 'location', 'category', 'text', 'occurred_at'].includes(f) ? f : null),
  });
  const changed = sender.changed;
  const sourceRef = useRef(source);
  sourceRef.current = source;

  const onPhotos = async (files: File[]) => {
    changed();
    setPhotos(files);
    setErrors((e) => ({ ...e, photos: '' }));
    if (sourceRef.current !== '' && sourceRef.current !== 'exif') return; // she placed it herself
    setReading(true);
    const p = await firstGPS(files);
    setReading(false);
    if (sourceRef.current !== '' && sourceRef.current !== 'exif') return;
    setPin(p);
    setSource(p ? 'exif' : '');
    if (p) {
      setFlyKey((n) => n + 1);
      setErrors((e) => ({ ...e, location: '' }));
    }
  };

  const validate = (): FieldErrors => {
    const e: FieldErrors = {};
    if (photos.length < 1) e.photos = () => t('report.err.photo');
    if (!pin) e.location = () => t('intake.err.locationRequired');
    if (!category) e.category = () => t('intake.err.category');
    if (runes(text.trim()) > maxText) e.text = () => t('err.tooLong', { max: maxText });
    if (!now && occurredAt && Date.parse(istToRFC3339(occurredAt)) > Date.now() + 5 * 60_000) e.occurred_at = () => t('err.future');
    return e;
  };

  const submit = async () => {
    const e = validate();
    setErrors(e);
    sender.setGeneral('');
    if (Object.keys(e).length) {
      focusFirstError();
      return;
    }
    const form = new FormData();
    photos.forEach((f) => form.append('photos', f, f.name || 'photo.jpg'));
    form.set('category', category);
    form.set('text', text.trim());
    form.set('happening_now', now ? 'true' : 'false');
    if (!now && occurredAt) form.set('occurred_at', istToRFC3339(occurredAt));
    if (phone.trim()) form.set('phone', phone.trim());
    if (pin && source !== 'exif') {
      form.set('lat', String(pin.lat));
      form.set('lon', String(pin.lon));
    }
    await sender.send(form);
  };

  const options = (cats.data ?? []).map((c) => ({ value: c.key, label: categoryLabel(c) }));
  return (
    <>
      <h1 tabIndex={-1}>{t('report.title')}</h1>
      <p class="lead">{t('report.intro')}</p>
      <ul class="plain small muted">
        <li>{t('report.privacy1')}</li>
        <li>{t('report.privacy2')}</li>
      </ul>
      <Notice kind="error">{sender.general || cats.error}</Notice>
      <form noValidate onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}>
        <PhotoPicker id="photos" label={t('report.photos')} hint={t('report.photosHint')} files={photos} max={maxPhotos}
          onFiles={(f) => void onPhotos(f)} error={errors.photos} />
        {reading && <p class="hint" role="status">{t('report.readingPhoto')}</p>}
        <PinPicker id="location" label={t('report.where')} value={pin} source={source} flyKey={flyKey}
          error={errors.location}
          onChange={(p, s) => {
            changed();
            setPin(p);
            setSource(s);
            if (p) setErrors((e) => ({ ...e, location: '' }));
          }} />
        <Select id="category" label={t('report.category')} value={category} placeholder={t('file.categoryChoose')}
          options={options} error={errors.category} required onValue={(v) => {
            changed();
            setCategory(v);
          }} />
        <TextArea id="text" label={t('report.text')} hint={t('report.textHint')} value={text} rows={3} error={errors.text}
          counter={t('file.chars', { n: runes(text), max: maxText })} onValue={(v) => {
            changed();
            setText(v);
          }} />
        <Check id="happening_now" label={t('report.now')} hint={t('report.nowHint')} checked={now} onChecked={(v) => {
          changed();
          setNow(v);
        }} />
        {!now && (
          <Input id="occurred_at" type="datetime-local" label={t('report.when')} hint={t('file.incidentHint')}
            value={occurredAt} max={nowIST()} error={errors.occurred_at} onValue={(v) => {
              changed();
              setOccurredAt(v);
            }} />
        )}
        <Input id="phone" type="tel" autoComplete="off" inputMode="tel" label={t('report.phone')} hint={t('report.phoneHint')}
          value={phone} error={errors.phone} onValue={(v) => {
            changed();
            setPhone(v);
          }} />
        <button type="submit" class="btn btn-primary btn-block" disabled={sender.sending || reading} data-testid="report-submit">
          {sender.sending ? t('file.submitting') : t('report.submit')}
        </button>
      </form>
      {sender.offline && (
        <OfflineChoice busy={sender.sending} onKeep={() => void sender.keep()} onDiscard={sender.discard} />
      )}
    </>
  );
}

