import { useEffect, useState } from 'preact/hooks';
import { Check, Notice, Select } from '../../components/form';
import { heatStops } from '../../components/map/colors';
import { MapView } from '../../components/map/MapView';
import type { MapHandle } from '../../components/map/maplibre';
import { HottestPlaces } from '../../components/map/HottestPlaces';
import { PriorityPlaces, priorityFeatures, type PriorityAnswer } from '../../components/PriorityPlaces';
import { BinLegend, hotspotWindows } from '../../components/map/hotspotLegend';
import { label, t } from '../../i18n';

/** Emerging hot spot categories (docs/ANALYTICS.md); each has a _hot and a _cold class. */
const emerging = ['new', 'consecutive', 'intensifying', 'persistent', 'diminishing', 'sporadic', 'oscillating', 'historical'];

/** heatGradient is the CSS gradient of the density legend (heatStops). */
const heatGradient = 'linear-gradient(to right, ' + heatStops.map(([l, c]) => `${c} ${l * 100}%`).join(', ') + ')';

/**
 * HeatMap is the MSP's staff view of the hotspot cells (every cell of the
 * state, below the public threshold too) on the districts, with a time
 * window slider, a filter by emerging hot spot class and, switched on, the
 * kernel density surface of the same window under the cells.
 */
export function HeatMap() {
  const [w, setW] = useState(1);
  const [cls, setCls] = useState('');
  const [shown, setShown] = useState<boolean | null>(null);
  const [heat, setHeat] = useState(false);
  const [heatShown, setHeatShown] = useState<boolean | null>(null);
  const [handle, setHandle] = useState<MapHandle | null>(null);
  const [priority, setPriority] = useState<PriorityAnswer | null>(null);
  const [showPriority, setShowPriority] = useState(false);
  const win = hotspotWindows[w][0];
  useEffect(() => {
    if (!handle) return;
    const empty = { places: [], forecast: null };
    void handle.setOverlay('priority', priorityFeatures(showPriority && priority ? priority : empty),
      { color: 'rgba(0,0,0,0)', outline: '#111111', opacity: 1 });
  }, [handle, priority, showPriority]);
  return (
    <>
      <h1 tabIndex={-1}>{t('heat.title')}</h1>
      <p>{t('heat.intro')}</p>
      <div class="field">
        <label for="window">{t('hotmap.window')}: <strong data-testid="window-label">{t(hotspotWindows[w][1])}</strong></label>
        <input id="window" type="range" min={0} max={hotspotWindows.length - 1} step={1} value={w} class="slider"
          aria-valuetext={t(hotspotWindows[w][1])} list="window-ticks"
          onInput={(e) => {
            setShown(null);
            setW(Number((e.currentTarget as HTMLInputElement).value));
          }} />
        <datalist id="window-ticks">{hotspotWindows.map((_, i) => <option key={i} value={i} />)}</datalist>
        <div class="ticks" aria-hidden="true">{hotspotWindows.map(([k, key]) => <span key={k}>{t(key)}</span>)}</div>
      </div>
      <Select id="class" label={t('heat.class')} hint={t('heat.classHint')} value={cls} onValue={(v) => {
        setShown(null);
        setCls(v);
      }} placeholder={t('heat.allCells')} options={emerging.flatMap((c) => [
        { value: c + '_hot', label: t('heat.hotClass', { c: label('emerging.', c) }) },
        { value: c + '_cold', label: t('heat.coldClass', { c: label('emerging.', c) }) },
      ])} />
      <Check id="density" label={t('heat.density')} hint={t('heat.densityHint')} checked={heat} onChecked={(v) => {
        setHeatShown(null);
        setHeat(v);
      }} />
      {shown === false && <Notice kind="info">{t('hotmap.unavailable')}</Notice>}
      {heat && heatShown === false && <Notice kind="info">{t('heat.densityUnavailable')}</Notice>}
      <Check id="priority-on-map" label={t('priority.showOnMap')} checked={showPriority} onChecked={setShowPriority} />
      <MapView label={t('hotmap.mapLabel')} hotspots={win} hotspotClass={cls} onHotspots={setShown}
        heat={heat ? win : null} onHeat={setHeatShown} onState={(_, h) => setHandle(h)} tall testid="heat-map" />
      <HottestPlaces window={win} />
      <PriorityPlaces limit={20} onData={setPriority} />
      <section class="card legend" aria-labelledby="legend-title" data-testid="legend">
        <h2 id="legend-title">{t('hotmap.legend')}</h2>
        <BinLegend />
        {heat && (
          <div data-testid="density-legend">
            <h3>{t('heat.density')}</h3>
            <div class="heat-scale" style={{ background: heatGradient }} aria-hidden="true" />
            <div class="ticks"><span>{t('heat.densityLow')}</span><span>{t('heat.densityHigh')}</span></div>
          </div>
        )}
        <h3>{t('heat.classes')}</h3>
        <dl class="classes">
          {emerging.map((c) => (
            <div key={c}>
              <dt>{label('emerging.', c)}</dt>
              <dd>{t(('emergingHelp.' + c) as 'emergingHelp.new')}</dd>
            </div>
          ))}
        </dl>
        <p class="hint">{t('heat.staffNote')}</p>
      </section>
    </>
  );
}
