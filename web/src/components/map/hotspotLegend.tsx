import { type Key, t } from '../../i18n';
import { binColors } from './colors';

/** The analysis windows a hotspot map offers, shortest first (as hex_stats names them). */
export const hotspotWindows: [string, Key][] = [
  ['7d', 'hotmap.w7'],
  ['30d', 'hotmap.w30'],
  ['90d', 'hotmap.w90'],
  ['365d', 'hotmap.w365'],
];

/** The Gi* bins a hotspot map colours, hottest first, with their legend labels. */
const bins: [string, Key][] = [
  ['3', 'hotmap.hot3'],
  ['2', 'hotmap.hot2'],
  ['1', 'hotmap.hot1'],
  ['-1', 'hotmap.cold1'],
  ['-2', 'hotmap.cold2'],
  ['-3', 'hotmap.cold3'],
];

/** BinLegend lists each bin's swatch and label: the public and the MSP map share it. */
export function BinLegend() {
  return (
    <ul>
      {bins.map(([bin, key]) => (
        <li key={bin}>
          <span class="swatch" style={{ background: binColors[bin] }} aria-hidden="true" />
          {t(key)}
        </li>
      ))}
    </ul>
  );
}
