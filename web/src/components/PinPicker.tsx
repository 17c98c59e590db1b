import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import { type LatLon, roundCoord } from '../photo';
import { Input } from './form';
import { PlaceChooser } from './PlaceChooser';
import type { MapHandle } from './map/maplibre';
import { type MapState, MapView } from './map/MapView';
import { type Message, messageText } from '../hooks';

/** PinSource says where a pin came from: the photo's EXIF, the phone, the person, or a named place she chose. */
export type PinSource = 'exif' | 'device' | 'pin' | 'place';

interface Props {
  id: string;
  label: string;
  value: LatLon | null;
  source: PinSource | '';
  onChange: (p: LatLon | null, source: PinSource | '') => void;
  error?: Message;
  /** flyKey changes when the map should move to the pin (a pin from a photo). */
  flyKey?: number;
}

type Locating = '' | 'locating' | 'denied';

/**
 * PinPicker chooses a place: tap the map or drag the pin, use the phone's
 * location, put the pin at the map's centre (for keyboards), choose a
 * district and a police station or its headquarters (PlaceChooser), or type
 * the coordinates. It works without the map (no WebGL, no tiles).
 */
export function PinPicker({ id, label, value, source, onChange, error, flyKey }: Props) {
  const [locating, setLocating] = useState<Locating>('');
  const [fly, setFly] = useState(flyKey ?? 0);
  const [lat, setLat] = useState(value ? String(value.lat) : '');
  const [lon, setLon] = useState(value ? String(value.lon) : '');
  const map = useRef<MapHandle | null>(null);
  const [mapState, setMapState] = useState<MapState>('loading');
  const [placeLabel, setPlaceLabel] = useState('');

  useEffect(() => setFly((n) => Math.max(n, flyKey ?? 0)), [flyKey]);
  useEffect(() => {
    setLat(value ? String(value.lat) : '');
    setLon(value ? String(value.lon) : '');
  }, [value?.lat, value?.lon]);

  const set = (p: LatLon, s: PinSource) => onChange({ lat: roundCoord(p.lat), lon: roundCoord(p.lon) }, s);

  const locate = () => {
    if (!('geolocation' in navigator)) {
      setLocating('denied');
      return;
    }
    setLocating('locating');
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating('');
        set({ lat: pos.coords.latitude, lon: pos.coords.longitude }, 'device');
        setFly((n) => n + 1);
      },
      () => setLocating('denied'),
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 },
    );
  };

  const typed = (la: string, lo: string) => {
    setLat(la);
    setLon(lo);
    const a = Number(la);
    const b = Number(lo);
    if (la.trim() && lo.trim() && Number.isFinite(a) && Number.isFinite(b)) {
      set({ lat: a, lon: b }, 'pin');
    }
  };

  const status = !value
    ? t('pin.none')
    : source === 'exif'
      ? t('pin.fromPhoto')
      : source === 'device'
        ? t('pin.fromDevice')
        : source === 'place'
          ? t('pin.fromPlace', { place: placeLabel })
          : t('pin.fromMap');
  return (
    <fieldset class={'field pin-picker' + (error ? ' has-error' : '')} id={id} aria-describedby={id + '-status' + (error ? ` ${id}-error` : '')}>
      <legend>{label}</legend>
      <p class="hint">{t('pin.hint')}</p>
      <MapView label={t('pin.mapLabel')} pin={value} flyKey={fly} testid={id + '-map'}
        onPick={(p) => set(p, 'pin')}
        onState={(s, h) => {
          map.current = h;
          setMapState(s);
        }} />
      <p id={id + '-status'} class="pin-status" role="status" data-testid={id + '-status'} data-source={value ? source : ''}>
        {status}
      </p>
      <div class="actions">
        <button type="button" class="btn btn-small" onClick={locate} disabled={locating === 'locating'} data-testid={id + '-locate'}>
          {locating === 'locating' ? t('pin.locating') : t('pin.useLocation')}
        </button>
        {(mapState === 'ready' || mapState === 'nobase') && (
          <button type="button" class="btn btn-small" onClick={() => map.current && set(map.current.center(), 'pin')}>
            {t('pin.atCenter')}
          </button>
        )}
        {value && (
          <button type="button" class="btn btn-small" onClick={() => onChange(null, '')} data-testid={id + '-clear'}>
            {t('pin.clear')}
          </button>
        )}
      </div>
      {locating === 'denied' && <p class="hint warn">{t('pin.denied')}</p>}
      <details class="coords" open={mapState === 'failed'}>
        <summary data-testid={id + '-choose-place'}>{t('pin.choosePlace')}</summary>
        <PlaceChooser id={id} onPlace={(p, placeName) => {
          setPlaceLabel(placeName);
          set(p, 'place');
          setFly((n) => n + 1);
        }} />
      </details>
      <details class="coords" open={mapState === 'failed'}>
        <summary>{t('pin.typeCoords')}</summary>
        <div class="row">
          <Input id={id + '-lat'} label={t('pin.lat')} value={lat} inputMode="decimal" autoComplete="off"
            onValue={(v) => typed(v, lon)} />
          <Input id={id + '-lon'} label={t('pin.lon')} value={lon} inputMode="decimal" autoComplete="off"
            onValue={(v) => typed(lat, v)} />
        </div>
      </details>
      {error && <p class="field-error" id={id + '-error'} data-field-error={id} role="alert">{messageText(error)}</p>}
    </fieldset>
  );
}
