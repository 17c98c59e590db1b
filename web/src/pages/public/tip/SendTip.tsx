import { useState } from 'preact/hooks';
import { Check, Input, Notice, TextArea, focusFirstError } from '../../../components/form';
import { OfflineChoice } from '../../../components/Outbox';
import { PhotoPicker } from '../../../components/PhotoPicker';
import { type PinSource, PinPicker } from '../../../components/PinPicker';
import { runes } from '../../../format';
import { t } from '../../../i18n';
import { istToRFC3339 } from '../../../intake';
import { useIntakeSend } from '../../../intakeSend';
import type { LatLon } from '../../../photo';
import { nowIST } from '../file/validate';
import { setTipReceipt, type TipReceipt } from '../report/receipt';
import type { FieldErrors } from '../../../hooks';

// Limits mirror ingest/tip.go.
const maxText = 4000;
const maxPlaces = 10;
const maxItems = 10;
const maxPhotos = 5;
const maxPlaceText = 300;

interface Place {
  id: number;
  pin: LatLon | null;
  source: PinSource | '';
  description: string;
  seenAt: string;
}

let nextPlace = 1;
const newPlace = (): Place => ({ id: nextPlace++, pin: null, source: '', description: '', seenAt: '' });

/** lines splits a one-per-line list, dropping blank lines. */
function lines(s: string): string[] {
  return s.split('\n').map((x) => x.trim()).filter(Boolean);
}

/**
 * SendTip passes information about possible trafficking to the
 * Anti-Human Trafficking Units: what was seen, where and when, vehicles,
 * phone numbers, people, photos, and (only if she wants) how to reach her.
 */
export function SendTip() {
  const [text, setText] = useState('');
  const [places, setPlaces] = useState<Place[]>([newPlace()]);
  const [vehicles, setVehicles] = useState('');
  const [phones, setPhones] = useState('');
  const [people, setPeople] = useState('');
  const [contact, setContact] = useState({ name: '', phone: '', email: '', note: '' });
  const [consentContact, setConsentContact] = useState(false);
  const [consentShare, setConsentShare] = useState(false);
  const [photos, setPhotos] = useState<File[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const sender = useIntakeSend<TipReceipt>({
    kind: 'tip', onReceipt: setTipReceipt, setErrors,
    fieldOf: (f) => {
      const field = f === 'places' || f === 'location' ? 'place-0' : f;
      return ['text', 'place-0', 'vehicles', 'phones', 'people', 'contact', 'photos'].includes(field) ? field : null;
    },
  });
  const edit = <T,>(set: (v: T) => void) => (v: T) => {
    sender.changed();
    set(v);
  };
  const setPlace = (id: number, patch: Partial<Place>) => {
    sender.changed();
    setPlaces((ps) => ps.map((p) => (p.id === id ? { ...p, ...patch } : p)));
  };
  const hasContact = Object.values(contact).some((v) => v.trim());

  const validate = (): FieldErrors => {
    const e: FieldErrors = {};
    if (!text.trim()) e.text = () => t('err.required');
    else if (runes(text.trim()) > maxText) e.text = () => t('err.tooLong', { max: maxText });
    places.forEach((p, i) => {
      if (!p.pin) e['place-' + i] = () => t('intake.err.locationRequired');
      if (runes(p.description.trim()) > maxPlaceText) e['place-' + i + '-description'] = () => t('err.tooLong', { max: maxPlaceText });
      if (p.seenAt && Date.parse(istToRFC3339(p.seenAt)) > Date.now() + 5 * 60_000) e['place-' + i + '-seen'] = () => t('err.future');
    });
    for (const [k, v] of [['vehicles', vehicles], ['phones', phones], ['people', people]] as const) {
      if (lines(v).length > maxItems) e[k] = () => t('tip.err.tooMany', { max: maxItems });
    }
    if (consentContact && !hasContact) e.contact = () => t('intake.err.contact');
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
    form.set('text', text.trim());
    form.set('places', JSON.stringify(places.map((p) => ({
      lat: p.pin!.lat, lon: p.pin!.lon, description: p.description.trim(),
      seen_at: p.seenAt ? istToRFC3339(p.seenAt) : null,
    }))));
    form.set('vehicles', JSON.stringify(lines(vehicles)));
    form.set('phones', JSON.stringify(lines(phones)));
    form.set('people', JSON.stringify(lines(people)));
    if (hasContact) {
      form.set('contact', JSON.stringify({ name: contact.name.trim(), phone: contact.phone.trim(),
        email: contact.email.trim(), note: contact.note.trim() }));
    }
    form.set('consent_contact', String(consentContact));
    form.set('consent_share', String(consentShare));
    photos.forEach((f) => form.append('photos', f, f.name || 'photo.jpg'));
    await sender.send(form);
  };

  return (
    <>
      <h1 tabIndex={-1}>{t('tip.title')}</h1>
      <p class="lead">{t('tip.intro')}</p>
      <Notice kind="info">{t('tip.danger')}</Notice>
      <Notice kind="error">{sender.general}</Notice>
      <form noValidate onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}>
        <TextArea id="text" label={t('tip.text')} hint={t('tip.textHint')} value={text} rows={5} error={errors.text}
          counter={t('file.chars', { n: runes(text), max: maxText })} onValue={edit(setText)} />

        <h2>{t('tip.places')}</h2>
        <p class="hint">{t('tip.placesHint')}</p>
        {places.map((p, i) => (
          <section class="card place" key={p.id} aria-label={t('tip.placeN', { n: i + 1 })} data-testid="tip-place">
            <h3>{t('tip.placeN', { n: i + 1 })}</h3>
            <PinPicker id={'place-' + i} label={t('tip.where')} value={p.pin} source={p.source} error={errors['place-' + i]}
              onChange={(pin, source) => setPlace(p.id, { pin, source })} />
            <Input id={`place-${i}-description`} label={t('tip.placeDescription')} hint={t('tip.placeDescriptionHint')}
              value={p.description} error={errors[`place-${i}-description`]}
              onValue={(v) => setPlace(p.id, { description: v })} />
            <Input id={`place-${i}-seen`} type="datetime-local" label={t('tip.seenAt')} max={nowIST()}
              value={p.seenAt} error={errors[`place-${i}-seen`]} onValue={(v) => setPlace(p.id, { seenAt: v })} />
            {places.length > 1 && (
              <button type="button" class="btn btn-small btn-danger" onClick={() => {
                sender.changed();
                setPlaces((ps) => ps.filter((x) => x.id !== p.id));
              }}>
                {t('tip.removePlace')}
              </button>
            )}
          </section>
        ))}
        {places.length < maxPlaces && (
          <button type="button" class="btn btn-block" data-testid="add-place" onClick={() => {
            sender.changed();
            setPlaces((ps) => [...ps, newPlace()]);
          }}>
            {t('tip.addPlace')}
          </button>
        )}

        <h2>{t('tip.details')}</h2>
        <TextArea id="vehicles" label={t('tip.vehicles')} hint={t('tip.vehiclesHint')} value={vehicles} rows={2}
          error={errors.vehicles} onValue={edit(setVehicles)} />
        <TextArea id="phones" label={t('tip.phones')} hint={t('tip.onePerLine')} value={phones} rows={2}
          error={errors.phones} onValue={edit(setPhones)} />
        <TextArea id="people" label={t('tip.people')} hint={t('tip.peopleHint')} value={people} rows={3}
          error={errors.people} onValue={edit(setPeople)} />
        <PhotoPicker id="photos" label={t('tip.photos')} hint={t('tip.photosHint')} files={photos} max={maxPhotos}
          onFiles={edit(setPhotos)} error={errors.photos} />

        <section class="card" aria-labelledby="contact-title">
          <h2 id="contact-title">{t('tip.contactTitle')}</h2>
          <p>{t('tip.contactIntro')}</p>
          <p class="hint">{t('tip.contactSealed')}</p>
          <div id="contact">
            <Input id="contact-name" label={t('file.name')} value={contact.name} autoComplete="off"
              onValue={(v) => edit(setContact)({ ...contact, name: v })} />
            <Input id="contact-phone" type="tel" label={t('file.phone')} value={contact.phone} autoComplete="off"
              onValue={(v) => edit(setContact)({ ...contact, phone: v })} />
            <Input id="contact-email" type="email" label={t('tip.email')} value={contact.email} autoComplete="off"
              onValue={(v) => edit(setContact)({ ...contact, email: v })} />
            <Input id="contact-note" label={t('tip.contactNote')} value={contact.note} autoComplete="off"
              onValue={(v) => edit(setContact)({ ...contact, note: v })} />
          </div>
          <Check id="consent_contact" label={t('tip.consentContact')} checked={consentContact} error={errors.contact}
            onChecked={edit(setConsentContact)} />
          <Check id="consent_share" label={t('tip.consentShare')} hint={t('tip.consentShareHint')} checked={consentShare}
            onChecked={edit(setConsentShare)} />
        </section>
        <button type="submit" class="btn btn-primary btn-block" disabled={sender.sending} data-testid="tip-submit">
          {sender.sending ? t('file.submitting') : t('tip.submit')}
        </button>
      </form>
      {sender.offline && (
        <OfflineChoice busy={sender.sending} onKeep={() => void sender.keep()} onDiscard={sender.discard} />
      )}
    </>
  );
}
