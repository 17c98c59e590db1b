/**
 * binColors colour the hotspot confidence bins (Gi*): +3/+2/+1 hot at
 * 99/95/90 %, -1/-2/-3 cold. A diverging red–blue scheme (ColorBrewer RdBu)
 * that stays readable for the common colour-vision deficiencies. Bin 0 is
 * not significant and is not drawn.
 */
export const binColors: Record<string, string> = {
  '3': '#b2182b',
  '2': '#ef8a62',
  '1': '#fddbc7',
  '-1': '#d1e5f0',
  '-2': '#67a9cf',
  '-3': '#2166ac',
};

/**
 * heatStops colour the density surface by level (0–1): a sequential
 * yellow–red scheme (ColorBrewer YlOrRd), transparent at 0 so the empty
 * country stays clear. It sits under the hotspot hexagons.
 */
export const heatStops: [number, string][] = [
  [0, 'rgba(255,255,178,0)'],
  [0.05, '#ffffb2'],
  [0.25, '#fecc5c'],
  [0.5, '#fd8d3c'],
  [0.75, '#f03b20'],
  [1, '#bd0026'],
];
