import type { FeatureCollection, Polygon } from 'geojson';
import { useEffect } from 'preact/hooks';
import { api } from '../api';
import { errorText, useAsync } from '../hooks';
import { t } from '../i18n';
import { districtName, loadDistricts } from '../reference';
import { dateTime } from '../format';
import { Notice } from './form';
import { type PlaceDescription, Where } from './map/Where';

/** PriorityAnswer is GET /priority-places (api/priority.go). */
export interface PriorityAnswer {
  forecast: {
    model: string;
    score: number | null;
    reason: string;
    folds: number;
    as_of: string;
    horizon_days: number;
  } | null;
  places: {
    cell: string;
    rank: number;
    score: number;
    district_id?: number;
    geometry: Polygon;
    /** where describes the cell's centre: nearest police and railway station, district, geo: link. */
    where?: PlaceDescription;
  }[];
}

/** priorityFeatures turns the places into hexagons for a map overlay. */
export function priorityFeatures(a: PriorityAnswer): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: a.places.map((p) => ({ type: 'Feature', id: p.rank, geometry: p.geometry, properties: { rank: p.rank } })),
  };
}

/**
 * PriorityPlaces lists the forecast's best cells in the caller's scope,
 * labelled as a forecast with the model in use and how it scored against
 * counting in the backtests that chose it. onData receives the answer (to
 * draw the cells on a map).
 */
export function PriorityPlaces({ limit = 10, onData }: { limit?: number; onData?: (a: PriorityAnswer) => void }) {
  const d = useAsync(() => api<PriorityAnswer>('GET', '/priority-places?limit=' + limit), [limit]);
  const districts = useAsync(loadDistricts, []);
  useEffect(() => {
    if (d.data) onData?.(d.data);
  }, [d.data]);
  const f = d.data?.forecast;
  return (
    <section class="card priority" aria-labelledby="priority-title" data-testid="priority-places">
      <h2 id="priority-title">{t('priority.title')}</h2>
      {d.error && <Notice kind="error">{errorText(d.error)}</Notice>}
      {d.data && !f && <p data-testid="priority-none">{t('priority.none')}</p>}
      {f && (
        <>
          <p class="hint">{t('priority.forecast', { days: f.horizon_days, when: dateTime(f.as_of) })}</p>
          <p class="hint" data-testid="priority-model" data-model={f.model}>
            {t('priority.model')} <code translate={false}>{f.model}</code>{'. '}
            {f.score !== null && f.model.startsWith('naive')
              ? t('priority.naive')
              : f.score !== null
                ? t('priority.scored', { score: f.score.toFixed(2), folds: f.folds })
                : t('priority.unscored')}
          </p>
        </>
      )}
      {d.data && f && d.data.places.length === 0 && <p>{t('priority.empty')}</p>}
      {d.data && d.data.places.length > 0 && (
        <ol class="priority-list" data-testid="priority-list">
          {d.data.places.map((p) => (
            <li key={p.cell} value={p.rank}>
              <strong>{p.district_id ? districtName(districts.data, p.district_id) : t('priority.noDistrict')}</strong>
              {' · '}
              <span translate={false}>{p.cell}</span>
              {' · '}
              {t('priority.expected', { n: p.score.toFixed(1) })}
              <Where where={p.where} compact />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
