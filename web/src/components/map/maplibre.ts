// This module is the map chunk: MapLibre GL JS and its CSS. It is loaded
// only by dynamic import() from MapView, so pages stay small until a map is
// shown. The map draws tiles served by Vikalp only: the base map of
// basemap.ts (Vikalp's own base layer, over the operator's street map when
// one is configured) and the overlays below; no glyph or sprite server (no
// symbol layers: labels are HTML), so it works on a closed network, and
// with a plain background when the tiles are missing.
import type { FeatureCollection } from 'geojson';
import maplibregl, { type LngLatLike } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { LatLon } from '../../photo';
import { lang, t } from '../../i18n';
import { BASE_LAYER_IDS, BaseLabels, baseStyle, type TileJSON } from './basemap';
import { binColors, heatStops } from './colors';

/** MapHandle is what MapView drives once the map exists. */
export interface MapHandle {
  /** setPin shows (or, with null, hides) the draggable pin; fly moves the view to it. */
  setPin(p: LatLon | null, fly: boolean): void;
  /** center is the point in the middle of the view. */
  center(): LatLon;
  /**
   * setHotspots shows the hotspot cells of a time window; false when the
   * tiles are missing. cls, when set, shows only cells of that emerging
   * class ("new_hot", "persistent_cold"…; stored on r8 cells, so seen from
   * zoom 11).
   */
  setHotspots(window: string, cls?: string): Promise<boolean>;
  /**
   * setHeat shows the staff density surface of a time window under the
   * hotspot cells, or hides it with null; false when the tiles are missing
   * or refused.
   */
  setHeat(window: string | null): Promise<boolean>;
  /** setOverlay draws GeoJSON (polygons and points) above the tiles, replacing the overlay id. */
  setOverlay(id: string, data: FeatureCollection, style: OverlayStyle): Promise<void>;
  /** setPointTiles draws a staff point layer (/tiles/{layer}.json) as circles; false when missing. */
  setPointTiles(layer: string, style: OverlayStyle): Promise<boolean>;
  /** fit moves the view to show bounds [west, south, east, north]. */
  fit(bounds: [number, number, number, number], maxZoom?: number): void;
  /** onClick calls fn with the properties and id of a clicked feature of overlay or tile layer id. */
  onClick(id: string, fn: (props: Record<string, unknown>, featureId: string | number | undefined) => void): void;
  /** hasBase says whether the base map (Vikalp's base layer) loaded. */
  hasBase: boolean;
  destroy(): void;
}

/** OverlayStyle colours an overlay or point layer. */
export interface OverlayStyle {
  /** color is a colour or a MapLibre expression. */
  color: unknown;
  /** outline colours polygon edges and circle strokes. */
  outline?: string;
  radius?: number;
  opacity?: number;
}

/** MapOptions configure a new map. */
export interface MapOptions {
  container: HTMLElement;
  /** onPick is called when the user taps the map or drags the pin. */
  onPick?: (p: LatLon) => void;
  /** label is the accessible name of the map canvas. */
  label: string;
}

// Uttar Pradesh with a margin: the view may not wander far from it.
const upBounds: [number, number, number, number] = [76.5, 23.3, 85.2, 31.0];
const upCenter: LngLatLike = [80.9462, 26.8467];

/** tileJSON fetches /tiles/{layer}.json; null while the tile server is missing. */
async function tileJSON(layer: string, query = ''): Promise<TileJSON | null> {
  return fetchTileJSON(`/tiles/${layer}.json`, query);
}

/** fetchTileJSON fetches a TileJSON document; null when it is missing (404: no street map configured). */
async function fetchTileJSON(path: string, query = ''): Promise<TileJSON | null> {
  try {
    const r = await fetch(path + query, { credentials: 'same-origin' });
    if (!r.ok) return null;
    const tj = (await r.json()) as TileJSON;
    if (!Array.isArray(tj.tiles) || !tj.tiles.length) return null;
    // The worker fetches tiles, so every URL must be absolute.
    tj.tiles = tj.tiles.map((u) => {
      const abs = new URL(u, location.href);
      if (query) new URLSearchParams(query).forEach((v, k) => abs.searchParams.has(k) || abs.searchParams.set(k, v));
      return abs.href.replace(/%7B/g, '{').replace(/%7D/g, '}');
    });
    return tj;
  } catch {
    return null;
  }
}

/**
 * createMap makes a map of Uttar Pradesh in container. It throws when the
 * browser cannot draw WebGL; MapView then shows its fallback.
 */
export async function createMap(o: MapOptions): Promise<MapHandle> {
  const [base, street] = await Promise.all([tileJSON('base'), fetchTileJSON('/basemap/tiles.json')]);
  const map = new maplibregl.Map({
    container: o.container,
    style: baseStyle(base, street),
    center: upCenter,
    zoom: 5.6,
    minZoom: 4,
    maxZoom: 17,
    maxBounds: upBounds,
    attributionControl: false,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    cooperativeGestures: false,
    locale: { 'NavigationControl.ZoomIn': t('map.zoomIn'), 'NavigationControl.ZoomOut': t('map.zoomOut') },
  });
  // Without a listener MapLibre logs every failed tile with console.error.
  map.on('error', () => undefined);
  // data-idle marks a map with every requested tile drawn (tests wait for it).
  map.on('idle', () => (o.container.dataset.idle = 'true'));
  map.on('dataloading', () => delete o.container.dataset.idle);
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.getCanvas().setAttribute('aria-label', o.label);
  // data-base says which base map is drawn (tests and support read it).
  o.container.dataset.base = [street && 'streets', base && 'vikalp'].filter(Boolean).join('+') || 'none';
  o.container.dataset.baseLayers = base ? BASE_LAYER_IDS.join(' ') : '';
  const labels = new BaseLabels(map, () => lang.get());
  map.on('idle', () => labels.update());
  const unLang = lang.subscribe(() => {
    labels.clear();
    labels.update();
  });

  let marker: maplibregl.Marker | null = null;
  const pick = (p: LatLon) => o.onPick?.(p);
  if (o.onPick) {
    map.on('click', (e) => pick({ lat: e.lngLat.lat, lon: e.lngLat.lng }));
  }
  const loaded = new Promise<void>((resolve) => {
    if (map.loaded()) resolve();
    else map.once('load', () => resolve());
  });

  let hotspotsShown = false;
  let heatShown = false;
  return {
    hasBase: base !== null,
    setPin(p, fly) {
      if (!p) {
        marker?.remove();
        marker = null;
        return;
      }
      if (!marker) {
        marker = new maplibregl.Marker({ color: '#5b2a86', draggable: !!o.onPick }).setLngLat([p.lon, p.lat]).addTo(map);
        marker.on('dragend', () => {
          const ll = marker!.getLngLat();
          pick({ lat: ll.lat, lon: ll.lng });
        });
      } else {
        marker.setLngLat([p.lon, p.lat]);
      }
      if (fly) map.jumpTo({ center: [p.lon, p.lat], zoom: Math.max(map.getZoom(), 14) });
    },
    center() {
      const c = map.getCenter();
      return { lat: c.lat, lon: c.lng };
    },
    async setHotspots(window, cls) {
      await loaded;
      const tj = await tileJSON('hotspots', '?window=' + encodeURIComponent(window));
      if (hotspotsShown) {
        map.removeLayer('hotspots-fill');
        map.removeLayer('hotspots-line');
        map.removeSource('hotspots');
        hotspotsShown = false;
      }
      if (!tj) {
        o.container.dataset.hotspots = 'none';
        return false;
      }
      delete o.container.dataset.idle;
      map.addSource('hotspots', { type: 'vector', tiles: tj.tiles, minzoom: tj.minzoom ?? 4, maxzoom: tj.maxzoom ?? 16 });
      const color: any = ['match', ['to-number', ['get', 'bin'], 0]];
      for (const [bin, c] of Object.entries(binColors)) color.push(Number(bin), c);
      color.push('rgba(0,0,0,0)');
      const filter: any = cls
        ? ['==', ['coalesce', ['get', 'class'], ''], cls]
        : ['!=', ['to-number', ['get', 'bin'], 0], 0];
      const before = firstOverlay();
      map.addLayer({ id: 'hotspots-fill', type: 'fill', source: 'hotspots', 'source-layer': 'hotspots',
        filter, paint: { 'fill-color': color, 'fill-opacity': 0.75 } }, before);
      map.addLayer({ id: 'hotspots-line', type: 'line', source: 'hotspots', 'source-layer': 'hotspots',
        filter, paint: { 'line-color': cls ? '#222222' : '#ffffff', 'line-width': cls ? 1.5 : 0.5 } }, before);
      hotspotsShown = true;
      o.container.dataset.hotspots = window; // tests wait for this, then for idle
      return true;
    },
    async setHeat(window) {
      await loaded;
      if (heatShown) {
        map.removeLayer('heat-fill');
        map.removeSource('heat');
        heatShown = false;
      }
      if (!window) {
        delete o.container.dataset.heat;
        return true;
      }
      const tj = await tileJSON('heat', '?window=' + encodeURIComponent(window));
      if (!tj) {
        o.container.dataset.heat = 'none';
        return false;
      }
      delete o.container.dataset.idle;
      map.addSource('heat', { type: 'vector', tiles: tj.tiles, minzoom: tj.minzoom ?? 4, maxzoom: tj.maxzoom ?? 16 });
      const color: any = ['interpolate', ['linear'], ['to-number', ['get', 'level'], 0]];
      for (const [level, c] of heatStops) color.push(level, c);
      // Under the hexagons (and so under every overlay too).
      const before = map.getLayer('hotspots-fill') ? 'hotspots-fill' : firstOverlay();
      map.addLayer({ id: 'heat-fill', type: 'fill', source: 'heat', 'source-layer': 'heat',
        paint: { 'fill-color': color, 'fill-opacity': 0.7, 'fill-antialias': false } }, before);
      heatShown = true;
      o.container.dataset.heat = window; // tests wait for this, then for idle
      return true;
    },
    async setOverlay(id, data, style) {
      await loaded;
      const src = map.getSource(id) as maplibregl.GeoJSONSource | undefined;
      if (src) {
        src.setData(data);
        return;
      }
      delete o.container.dataset.idle;
      map.addSource(id, { type: 'geojson', data });
      addStyled(id, { source: id }, style);
    },
    async setPointTiles(layer, style) {
      await loaded;
      if (map.getSource(layer)) return true;
      const tj = await tileJSON(layer);
      if (!tj) return false;
      delete o.container.dataset.idle;
      map.addSource(layer, { type: 'vector', tiles: tj.tiles, minzoom: tj.minzoom ?? 5, maxzoom: tj.maxzoom ?? 18 });
      addStyled(layer, { source: layer, 'source-layer': layer }, style);
      return true;
    },
    fit(b, maxZoom = 13) {
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 40, maxZoom, animate: false });
    },
    onClick(id, fn) {
      for (const layer of [id + '-ofill', id + '-circle']) {
        map.on('click', layer, (e) => {
          const f = e.features?.[0];
          if (f) fn(f.properties ?? {}, f.id);
        });
        map.on('mouseenter', layer, () => (map.getCanvas().style.cursor = 'pointer'));
        map.on('mouseleave', layer, () => (map.getCanvas().style.cursor = ''));
      }
    },
    destroy() {
      unLang();
      labels.clear();
      map.remove();
    },
  };

  // Overlays (point and polygon layers) stay above the hotspot cells.
  function firstOverlay(): string | undefined {
    return map.getStyle().layers.find((l) => l.id.endsWith('-circle') || l.id.endsWith('-ofill'))?.id;
  }

  function addStyled(id: string, src: { source: string; 'source-layer'?: string }, st: OverlayStyle) {
    const poly: any = ['==', ['geometry-type'], 'Polygon'];
    const point: any = ['==', ['geometry-type'], 'Point'];
    map.addLayer({ id: id + '-ofill', type: 'fill', ...src, filter: poly,
      paint: { 'fill-color': st.color as any, 'fill-opacity': st.opacity ?? 0.55 } });
    map.addLayer({ id: id + '-oline', type: 'line', ...src, filter: poly,
      paint: { 'line-color': st.outline ?? '#222222', 'line-width': 2 } });
    map.addLayer({ id: id + '-circle', type: 'circle', ...src, filter: point,
      paint: { 'circle-color': st.color as any, 'circle-radius': (st.radius ?? 7) as any,
        'circle-stroke-color': st.outline ?? '#ffffff', 'circle-stroke-width': 2, 'circle-opacity': st.opacity ?? 0.9 } });
  }
}
