import { useState } from 'preact/hooks';
import { Choices, Notice } from '../../components/form';
import { binColors } from '../../components/map/colors';
import { MapView } from '../../components/map/MapView';
import { type Key, t } from '../../i18n';

const windows: [string, Key][] = [
  ['7d', 'hotmap.w7'],
  ['30d', 'hotmap.w30'],
  ['90d', 'hotmap.w90'],
  ['365d', 'hotmap.w365'],
];

const legend: [string, Key][] = [
  ['3', 'hotmap.hot3'],
  ['2', 'hotmap.hot2'],
  ['1', 'hotmap.hot1'],
  ['-1', 'hotmap.cold1'],
  ['-2', 'hotmap.cold2'],
  ['-3', 'hotmap.cold3'],
];

/**
 * HotspotMap shows where reports cluster more (or less) than chance: H3
 * cells coloured by their Gi* confidence bin over a chosen time window.
 * The tiles hide cells with fewer than three distinct reports and never
 * carry a point.
 */
export function HotspotMap() {
  const [win, setWin] = useState('30d');
  const [shown, setShown] = useState<boolean | null>(null);
  return (
    <>
      <h1 tabIndex={-1}>{t('hotmap.title')}</h1>
      <p>{t('hotmap.intro')}</p>
      <Choices id="window" label={t('hotmap.window')} value={win} onValue={(v) => {
        setShown(null);
        setWin(v);
      }} options={windows.map(([value, key]) => ({ value, label: t(key) }))} />
      {shown === false && <Notice kind="info">{t('hotmap.unavailable')}</Notice>}
      <MapView label={t('hotmap.mapLabel')} hotspots={win} onHotspots={setShown} tall testid="hotspot-map" />
      <section class="card legend" aria-labelledby="legend-title" data-testid="legend">
        <h2 id="legend-title">{t('hotmap.legend')}</h2>
        <ul>
          {legend.map(([bin, key]) => (
            <li key={bin}>
              <span class="swatch" style={{ background: binColors[bin] }} aria-hidden="true" />
              {t(key)}
            </li>
          ))}
        </ul>
        <p class="hint">{t('hotmap.privacy')}</p>
      </section>
    </>
  );
}
