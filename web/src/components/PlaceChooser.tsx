import { useState } from 'preact/hooks';
import { useAsync } from '../hooks';
import { t } from '../i18n';
import { loadDistricts, loadStations, name } from '../reference';
import type { LatLon } from '../photo';
import { Input, Select } from './form';

/** Place is a public place a pin may be put at: a district headquarters or a police station. */
interface Place {
  key: string;
  label: string;
  point: LatLon;
}

/** maxShown bounds the list of matching places (a district has up to ~60 stations). */
const maxShown = 12;

interface Props {
  id: string;
  /** onPlace puts the pin at a chosen place and says which. */
  onPlace: (p: LatLon, label: string) => void;
}

/**
 * PlaceChooser is the way to a place without a map or the phone's location
 * (issue #17): choose the district, then its headquarters or a police
 * station, narrowed by typing a locality or a station's name. The pin goes
 * to that public place; she may move it closer on the map.
 */
export function PlaceChooser({ id, onPlace }: Props) {
  const [district, setDistrict] = useState('');
  const [query, setQuery] = useState('');
  const districts = useAsync(loadDistricts, []);
  const stations = useAsync(async () => (district ? loadStations(Number(district)) : []), [district]);

  const d = districts.data?.find((x) => String(x.id) === district);
  const places: Place[] = d
    ? [
        { key: 'hq', label: t('place.hq', { district: name(d.name) }), point: d.hq },
        ...(stations.data ?? []).map((s) => ({
          key: 's' + s.id,
          label: t('place.station', { station: name(s.name) }),
          point: s.location,
        })),
      ]
    : [];
  const q = query.trim().toLocaleLowerCase();
  const matching = q ? places.filter((p) => p.label.toLocaleLowerCase().includes(q)) : places;
  const shown = matching.slice(0, maxShown);

  return (
    <div class="place-chooser" data-testid={id + '-places'}>
      <Select id={id + '-district'} label={t('place.district')} value={district} placeholder={t('place.chooseDistrict')}
        onValue={(v) => {
          setDistrict(v);
          setQuery('');
        }}
        options={(districts.data ?? []).map((x) => ({ value: String(x.id), label: name(x.name) }))} />
      {d && (
        <>
          <Input id={id + '-locality'} label={t('place.locality')} hint={t('place.localityHint')} value={query}
            autoComplete="off" onValue={setQuery} />
          <p class="hint" role="status" id={id + '-places-count'}>
            {stations.loading ? t('common.loading') : shown.length === 0 ? t('place.none') : t('place.count', { n: matching.length })}
          </p>
          <ul class="place-list" aria-describedby={id + '-places-count'}>
            {shown.map((p) => (
              <li key={p.key}>
                <button type="button" class="btn btn-small" data-testid={id + '-place-' + p.key}
                  onClick={() => onPlace(p.point, p.label)}>
                  {p.label}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
