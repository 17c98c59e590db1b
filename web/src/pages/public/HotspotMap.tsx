import { useState } from 'preact/hooks';
import { Choices, Notice } from '../../components/form';
import { MapView } from '../../components/map/MapView';
import { BinLegend, hotspotWindows } from '../../components/map/hotspotLegend';
import { HottestPlaces } from '../../components/map/HottestPlaces';
import { t } from '../../i18n';

/**
 * HotspotMap shows where reports cluster more (or less) than chance: H3
 * cells coloured by their Gi* confidence bin over a chosen time window, on
 * the base map, and the hottest cells described in words (HottestPlaces).
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
      }} options={hotspotWindows.map(([value, key]) => ({ value, label: t(key) }))} />
      {shown === false && <Notice kind="info">{t('hotmap.unavailable')}</Notice>}
      <MapView label={t('hotmap.mapLabel')} hotspots={win} onHotspots={setShown} tall testid="hotspot-map" />
      <HottestPlaces window={win} />
      <section class="card legend" aria-labelledby="legend-title" data-testid="legend">
        <h2 id="legend-title">{t('hotmap.legend')}</h2>
        <BinLegend />
        <p class="hint">{t('hotmap.privacy')}</p>
      </section>
    </>
  );
}
