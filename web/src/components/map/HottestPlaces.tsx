import { api } from '../../api';
import { useAsync } from '../../hooks';
import { t } from '../../i18n';
import { type PlaceDescription, Where } from './Where';

/** HotCell is the part of a GET /hotspots cell this list reads (api/hotspot_dto.go). */
interface HotCell {
  cell: string;
  bin: number;
  gi_z: number;
  n_reports: number;
  where?: PlaceDescription;
}

/**
 * HottestPlaces lists the hottest hotspot cells of a window in words: the
 * server describes the centre of each hot cell (never a report's point),
 * so a reader learns where a hotspot is without reading the map, and a
 * driver can navigate there. Public callers get the public cells only.
 */
export function HottestPlaces({ window, limit = 10 }: { window: string; limit?: number }) {
  const d = useAsync(() => api<{ cells: HotCell[] }>('GET', '/hotspots?class=hot&window=' + encodeURIComponent(window)), [window]);
  const hot = (d.data?.cells ?? []).filter((c) => c.bin > 0 && c.where).sort((a, b) => b.gi_z - a.gi_z).slice(0, limit);
  if (!hot.length) return null;
  return (
    <section class="card" aria-labelledby="hottest-title" data-testid="hottest-places">
      <h2 id="hottest-title">{t('where.hottest')}</h2>
      <ol>
        {hot.map((c) => (
          <li key={c.cell} data-cell={c.cell}>
            <Where where={c.where} compact />
          </li>
        ))}
      </ol>
    </section>
  );
}
