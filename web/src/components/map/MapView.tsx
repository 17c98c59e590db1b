import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n';
import type { LatLon } from '../../photo';
import type { MapHandle } from './maplibre';

/** MapState is how far the map got: the page works in every state. */
export type MapState = 'loading' | 'ready' | 'nobase' | 'failed';

interface Props {
  /** label names the map for screen readers. */
  label: string;
  pin?: LatLon | null;
  /** flyKey changes when the view should jump to the pin (e.g. it came from a photo). */
  flyKey?: number;
  onPick?: (p: LatLon) => void;
  /** hotspots, when set, is the time window of hotspot cells to draw. */
  hotspots?: string;
  /** hotspotClass, when set, shows only hotspot cells of that emerging class. */
  hotspotClass?: string;
  onHotspots?: (shown: boolean) => void;
  /** heat, when set, is the time window of the staff density surface to draw under the hotspots. */
  heat?: string | null;
  onHeat?: (shown: boolean) => void;
  onState?: (s: MapState, h: MapHandle | null) => void;
  tall?: boolean;
  testid?: string;
}

/**
 * MapView is a map of Uttar Pradesh on Vikalp's own tiles. MapLibre (about
 * 280 kB compressed) is fetched by dynamic import() only when a MapView
 * mounts; until then, and for good when WebGL or the tiles are missing, a
 * plain panel stands in and the page's other controls still set the pin.
 */
export function MapView({ label, pin, flyKey, onPick, hotspots, hotspotClass, onHotspots, heat, onHeat, onState, tall, testid }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const handle = useRef<MapHandle | null>(null);
  const cb = useRef({ onPick, onHotspots, onHeat, onState });
  cb.current = { onPick, onHotspots, onHeat, onState };
  const [state, setState] = useState<MapState>('loading');

  useEffect(() => {
    let live = true;
    const report = (s: MapState, h: MapHandle | null) => {
      if (!live) return;
      setState(s);
      cb.current.onState?.(s, h);
    };
    import('./maplibre')
      .then((m) => m.createMap({ container: box.current!, label, onPick: onPick ? (p) => cb.current.onPick?.(p) : undefined }))
      .then((h) => {
        if (!live) {
          h.destroy();
          return;
        }
        handle.current = h;
        report(h.hasBase ? 'ready' : 'nobase', h);
      })
      .catch(() => report('failed', null));
    return () => {
      live = false;
      handle.current?.destroy();
      handle.current = null;
    };
  }, []);

  useEffect(() => {
    handle.current?.setPin(pin ?? null, false);
  }, [pin?.lat, pin?.lon, state]);
  useEffect(() => {
    if (flyKey && pin) handle.current?.setPin(pin, true);
  }, [flyKey, state]);
  useEffect(() => {
    if (!hotspots || !handle.current) return;
    let live = true;
    void handle.current.setHotspots(hotspots, hotspotClass || undefined).then((ok) => live && cb.current.onHotspots?.(ok));
    return () => {
      live = false;
    };
  }, [hotspots, hotspotClass, state]);
  useEffect(() => {
    if (heat === undefined || !handle.current) return;
    let live = true;
    void handle.current.setHeat(heat).then((ok) => live && cb.current.onHeat?.(ok));
    return () => {
      live = false;
    };
  }, [heat, state]);

  return (
    <div class="map-wrap">
      <div ref={box} class={'map' + (tall ? ' map-tall' : '')} data-testid={testid} data-state={state}
        data-pin={pin ? `${pin.lat.toFixed(6)},${pin.lon.toFixed(6)}` : ''} />
      {state === 'loading' && <p class="map-note" role="status">{t('map.loading')}</p>}
      {state === 'nobase' && <p class="map-note">{t('map.noBase')}</p>}
      {state === 'failed' && <p class="map-note" role="status">{t('map.failed')}</p>}
    </div>
  );
}
