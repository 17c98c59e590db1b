// The base map under every Vikalp map, in two forms:
//
//  - a street map from the operator's PMTiles archive, served by Vikalp as
//    plain tiles at /basemap/{z}/{x}/{y}.mvt (VIKALP_BASEMAP_PMTILES; see
//    web/README.md, "Base map"), drawn with the Protomaps "light" flavour
//    of @protomaps/basemaps;
//  - always, Vikalp's own base layer (/tiles/base.json): district
//    boundaries, the Nepal border, district headquarters, police and
//    railway stations, over the street map or alone on a closed network.
//
// Labels are HTML elements, not MapLibre symbol layers: symbols need a
// glyph server (none exists offline) and MapLibre cannot shape Devanagari,
// while the browser draws Hindi with its own fonts. Each label shows the
// reader's language (name_hi / name:hi where the data has it).
import { layers as protomapsLayers, namedFlavor } from '@protomaps/basemaps';
import maplibregl, { type GeoJSONFeature, type LayerSpecification, type StyleSpecification } from 'maplibre-gl';
import type { Lang } from '../../i18n';

/** TileJSON is the part of a TileJSON document a map source needs. */
export interface TileJSON {
  tiles: string[];
  minzoom?: number;
  maxzoom?: number;
  bounds?: [number, number, number, number];
}

/** BASE_LAYER_IDS are the style layers of Vikalp's own base layer, bottom to top. */
export const BASE_LAYER_IDS = [
  'base-districts-fill', 'base-districts-line', 'base-border', 'base-hq', 'base-police', 'base-railway',
] as const;

/** STREET_SOURCE is the source id of the street base map. */
export const STREET_SOURCE = 'basemap';

/**
 * baseStyle is the style a map starts with: a background, the street map
 * when there is one (without its symbol layers, see above) and Vikalp's
 * base layer. Overlays (hotspots, heat, points) are added above it.
 */
export function baseStyle(base: TileJSON | null, street: TileJSON | null): StyleSpecification {
  const style: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef0ea' } }],
  };
  if (street) {
    style.sources[STREET_SOURCE] = {
      type: 'vector', tiles: street.tiles, minzoom: street.minzoom ?? 0, maxzoom: street.maxzoom ?? 15,
      attribution: '© OpenStreetMap',
    };
    const drawn = protomapsLayers(STREET_SOURCE, namedFlavor('light'), { lang: 'en' })
      .filter((l) => l.type !== 'symbol' && l.id !== 'background') as LayerSpecification[];
    style.layers.push(...drawn);
  }
  if (base) {
    style.sources.base = { type: 'vector', tiles: base.tiles, minzoom: base.minzoom ?? 0, maxzoom: base.maxzoom ?? 14 };
    style.layers.push(...vikalpBaseLayers(street !== null));
  }
  return style;
}

/** vikalpBaseLayers draws the base layer; over a street map districts are not filled. */
function vikalpBaseLayers(overStreets: boolean): LayerSpecification[] {
  const src = { source: 'base' } as const;
  return [
    { id: 'base-districts-fill', type: 'fill', ...src, 'source-layer': 'districts',
      paint: { 'fill-color': '#ffffff', 'fill-opacity': overStreets ? 0 : 0.85 } },
    { id: 'base-districts-line', type: 'line', ...src, 'source-layer': 'districts',
      paint: { 'line-color': '#6f6a78', 'line-width': ['interpolate', ['linear'], ['zoom'], 5, 0.6, 10, 2] } },
    { id: 'base-border', type: 'line', ...src, 'source-layer': 'border',
      paint: { 'line-color': '#3b3355', 'line-width': 2.5, 'line-dasharray': [3, 2] } },
    { id: 'base-hq', type: 'circle', ...src, 'source-layer': 'district_hq', minzoom: 6,
      paint: { 'circle-color': '#ffffff', 'circle-radius': 4, 'circle-stroke-color': '#3b3355', 'circle-stroke-width': 2 } },
    { id: 'base-police', type: 'circle', ...src, 'source-layer': 'police_stations', minzoom: 9,
      paint: { 'circle-color': '#1f4e9c', 'circle-radius': 4, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 } },
    { id: 'base-railway', type: 'circle', ...src, 'source-layer': 'railway_stations', minzoom: 9,
      paint: { 'circle-color': '#333333', 'circle-radius': 3.5, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 } },
  ];
}

/** A label kind: where its features come from, from which zoom, and its CSS class. */
interface LabelKind {
  source: string;
  sourceLayer: string;
  minzoom: number;
  cls: string;
  /** filter keeps the features worth a label (street places: towns and bigger first). */
  filter?: (f: GeoJSONFeature) => boolean;
  /** suffix follows the name, per language ("Lucknow HQ", "लखनऊ मुख्यालय"). */
  suffix?: Record<Lang, string>;
}

const labelKinds: LabelKind[] = [
  { source: 'base', sourceLayer: 'district_labels', minzoom: 0, cls: 'map-label-district' },
  { source: STREET_SOURCE, sourceLayer: 'places', minzoom: 5, cls: 'map-label-place',
    filter: (f) => ['locality', 'neighbourhood', 'suburb'].includes(String(f.properties.kind ?? 'locality')) },
  { source: 'base', sourceLayer: 'district_hq', minzoom: 9, cls: 'map-label-hq', suffix: { en: ' HQ', hi: ' मुख्यालय' } },
  { source: 'base', sourceLayer: 'police_stations', minzoom: 12, cls: 'map-label-police' },
  { source: 'base', sourceLayer: 'railway_stations', minzoom: 12, cls: 'map-label-railway' },
];

/** maxLabels keeps a phone's DOM small however dense the data is. */
const maxLabels = 120;

/** labelText is a feature's name in lang and whether it is that language. */
function labelText(p: Record<string, unknown>, lang: Lang): { text: string; native: boolean } {
  const en = String(p.name_en ?? p['name:en'] ?? p.name ?? '');
  if (lang === 'en') return { text: en, native: true };
  const hi = String(p.name_hi ?? p['name:hi'] ?? '');
  // Vikalp's tiles repeat the English name where the data has no Hindi one.
  return hi && hi !== en ? { text: hi, native: true } : { text: en, native: false };
}

/**
 * BaseLabels draws the names of the base map's places as HTML over the map,
 * for the features of the tiles in view, in the reader's language. Labels
 * are aria-hidden: the map is not the only way to a place (PinPicker,
 * district lists), and screen readers would read hundreds of names.
 */
export class BaseLabels {
  private markers = new Map<string, maplibregl.Marker>();

  constructor(private map: maplibregl.Map, private lang: () => Lang) {}

  /** update redraws the labels for the current view (call on idle and on a language change). */
  update(): void {
    const zoom = this.map.getZoom();
    const bounds = this.map.getBounds();
    const want = new Map<string, { at: [number, number]; text: string; native: boolean; cls: string }>();
    for (const k of labelKinds) {
      if (zoom < k.minzoom || !this.map.getSource(k.source)) continue;
      for (const f of this.map.querySourceFeatures(k.source, { sourceLayer: k.sourceLayer })) {
        if (want.size >= maxLabels) break;
        if (f.geometry.type !== 'Point' || (k.filter && !k.filter(f))) continue;
        const at = f.geometry.coordinates as [number, number];
        if (!bounds.contains(at)) continue;
        const name = labelText(f.properties, this.lang());
        if (!name.text) continue;
        const native = name.native;
        const text = name.text + (k.suffix ? k.suffix[native ? this.lang() : 'en'] : '');
        // A feature comes once per tile it is buffered into: one label each.
        const key = `${k.sourceLayer}:${f.id ?? text}:${native}`;
        want.set(key, { at, text, native, cls: k.cls });
      }
    }
    for (const [key, m] of this.markers) {
      if (!want.has(key)) {
        m.remove();
        this.markers.delete(key);
      }
    }
    for (const [key, l] of want) {
      if (this.markers.has(key)) continue;
      const el = document.createElement('div');
      el.className = 'map-label ' + l.cls;
      el.textContent = l.text;
      el.setAttribute('aria-hidden', 'true');
      // Inline (CSSOM) so the label module brings its own look; labels never take a tap.
      Object.assign(el.style, {
        pointerEvents: 'none', whiteSpace: 'nowrap', fontSize: l.cls === 'map-label-district' ? '13px' : '11px',
        fontWeight: l.cls === 'map-label-district' ? '600' : '400', color: '#2b2536',
        textShadow: '0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff', marginTop: '4px',
      });
      el.dataset.label = key.split(':')[0];
      if (!l.native) el.lang = 'en';
      this.markers.set(key, new maplibregl.Marker({ element: el, anchor: 'top' }).setLngLat(l.at).addTo(this.map));
    }
  }

  /** clear removes every label (on a language change, before update). */
  clear(): void {
    this.markers.forEach((m) => m.remove());
    this.markers.clear();
  }
}
