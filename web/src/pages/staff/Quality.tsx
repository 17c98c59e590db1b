import { useState } from 'preact/hooks';
import { api } from '../../api';
import { Notice } from '../../components/form';
import { duration, percent } from '../../format';
import { useAsync } from '../../hooks';
import { type Key, label, t } from '../../i18n';
import { name } from '../../reference';
import { Link, type PageProps } from '../../router';
import type { Bilingual } from '../../types';
import { TableWrap } from '../../components/TableWrap';

/** The ATR quality figures, as GET /dashboard/quality names them. */
const metrics = ['time_to_submit', 'time_to_publish', 'returned', 'dissatisfied', 'near_copy', 'closed_after_escalation'] as const;
type Metric = (typeof metrics)[number];
type Level = 'district' | 'station' | 'officer';

interface Figure {
  n: number;
  count: number;
  value: number | null;
  too_few: boolean;
}

interface Unit {
  level: Level;
  id: number;
  name: Bilingual;
  district_id: number;
  station_id?: number;
  rank: number | null;
  figures: Record<Metric, Figure>;
}

interface NearCopy {
  atr_id: number;
  complaint_id: number;
  code: string;
  earlier_atr_id: number;
  earlier_complaint_id: number;
  earlier_code: string;
  station_id: number;
  similarity: number;
}

interface QualityData {
  since: string;
  sort: Metric;
  min_sample: number;
  districts: Unit[];
  stations: Unit[];
  officers: Unit[];
  near_copies: NearCopy[];
}

interface Entry {
  complaint_id: number;
  code: string;
  status: string;
  atr_id?: number;
  counted: boolean;
  seconds?: number;
  near_copy?: NearCopy;
}

const isTime = (m: Metric) => m === 'time_to_submit' || m === 'time_to_publish';

/** show renders a figure's value: a duration for the medians, a percentage for the shares. */
function show(m: Metric, f: Figure): string {
  if (f.value === null) return '—';
  return isTime(m) ? duration(f.value) : percent(f.value);
}

/** Quality is the ATR quality page: figures per district, station and officer, sorted by a chosen figure, with the near-copy pairs. */
export function Quality() {
  const [sort, setSort] = useState<Metric>('returned');
  const [level, setLevel] = useState<Level>('station');
  const q = useAsync(() => api<QualityData>('GET', `/dashboard/quality?sort=${sort}`), [sort]);
  const units = q.data ? { district: q.data.districts, station: q.data.stations, officer: q.data.officers }[level] : [];
  const stationName = (id: number) => {
    const s = q.data?.stations.find((u) => u.id === id);
    return s ? name(s.name) : String(id);
  };
  return (
    <>
      <h1 tabIndex={-1}>{t('quality.title')}</h1>
      <p class="muted">{t('quality.intro')}</p>
      <div class="row">
        <label>
          {t('quality.sortBy')}{' '}
          <select id="quality-sort" value={sort} onChange={(e) => setSort((e.currentTarget as HTMLSelectElement).value as Metric)}>
            {metrics.map((m) => (
              <option key={m} value={m}>{t(('quality.m.' + m) as Key)}</option>
            ))}
          </select>
        </label>{' '}
        <label>
          {t('quality.level')}{' '}
          <select id="quality-level" value={level} onChange={(e) => setLevel((e.currentTarget as HTMLSelectElement).value as Level)}>
            {(['district', 'station', 'officer'] as const).map((l) => (
              <option key={l} value={l}>{t(('quality.l.' + l) as Key)}</option>
            ))}
          </select>
        </label>
      </div>
      <Notice kind="error">{q.error}</Notice>
      {q.loading && !q.data && <p>{t('common.loading')}</p>}
      {q.data && (
        <>
          <section class="card">
            <h2>{t(('quality.l.' + level) as Key)}</h2>
            {units.length === 0 ? (
              <p data-testid="quality-empty">{t('quality.empty')}</p>
            ) : (
              <TableWrap label={t(('quality.l.' + level) as Key)}>
                <table class="districts" data-testid="quality-table">
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">{t(('quality.l.' + level) as Key)}</th>
                      {metrics.map((m) => (
                        <th scope="col" key={m} class={m === sort ? 'sorted' : ''}>{t(('quality.m.' + m) as Key)}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {units.map((u) => (
                      <tr key={u.id} data-unit={u.id}>
                        <td>{u.rank ?? '—'}</td>
                        <th scope="row">{name(u.name)}</th>
                        {metrics.map((m) => (
                          <td key={m}>
                            <FigureCell metric={m} level={level} id={u.id} f={u.figures[m]} />
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
            <p class="muted small">{t('quality.tooFewNote', { n: q.data.min_sample })}</p>
          </section>
          <section class="card">
            <h2>{t('quality.pairs')}</h2>
            {q.data.near_copies.length === 0 ? (
              <p>{t('quality.noPairs')}</p>
            ) : (
              <TableWrap label={t('quality.pairs')}>
                <table data-testid="near-copies">
                  <thead>
                    <tr>
                      <th scope="col">{t('quality.l.station')}</th>
                      <th scope="col">{t('quality.copy')}</th>
                      <th scope="col">{t('quality.earlier')}</th>
                      <th scope="col">{t('quality.similarity')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {q.data.near_copies.map((p) => (
                      <tr key={p.atr_id}>
                        <td>{stationName(p.station_id)}</td>
                        <td>
                          <Link href={`/staff/complaints/${p.complaint_id}`} translate={false}>{p.code}</Link>{' '}
                          <span class="muted small">{t('quality.atr', { id: p.atr_id })}</span>
                        </td>
                        <td>
                          <Link href={`/staff/complaints/${p.earlier_complaint_id}`} translate={false}>{p.earlier_code}</Link>{' '}
                          <span class="muted small">{t('quality.atr', { id: p.earlier_atr_id })}</span>
                        </td>
                        <td>{percent(p.similarity)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
          </section>
        </>
      )}
    </>
  );
}

function FigureCell({ metric, level, id, f }: { metric: Metric; level: Level; id: number; f: Figure }) {
  if (f.n === 0) return <span class="muted">—</span>;
  return (
    <Link href={`/staff/quality/${metric}/${level}/${id}`} data-figure={metric}>
      <span class="num">{show(metric, f)}</span>{' '}
      <span class="muted small">{isTime(metric) ? t('quality.nOf', { n: f.n }) : t('quality.countOf', { count: f.count, n: f.n })}</span>
      {f.too_few && <> <span class="tag" data-testid="too-few">{t('quality.tooFew')}</span></>}
    </Link>
  );
}

/** QualityList lists the complaints, reports or ratings behind one figure of one unit. */
export function QualityList({ params }: PageProps) {
  const metric = params.metric as Metric;
  const list = useAsync(
    () => api<{ entries: Entry[] }>('GET', `/dashboard/quality/complaints?metric=${encodeURIComponent(params.metric)}&level=${encodeURIComponent(params.level)}&id=${encodeURIComponent(params.id)}`),
    [params.metric, params.level, params.id],
  );
  const counted = list.data?.entries.filter((e) => e.counted).length ?? 0;
  return (
    <>
      <h1 tabIndex={-1}>{t('quality.listTitle', { figure: label('quality.m.', metric) })}</h1>
      <p><Link href="/staff/quality">{t('quality.back')}</Link></p>
      <Notice kind="error">{list.error}</Notice>
      {list.loading && !list.data && <p>{t('common.loading')}</p>}
      {list.data && list.data.entries.length === 0 && <p>{t('quality.empty')}</p>}
      {list.data && list.data.entries.length > 0 && (
        <>
          {!isTime(metric) && <p class="muted">{t('quality.countOf', { count: counted, n: list.data.entries.length })}</p>}
          <ul class="queue" data-testid="quality-list">
            {list.data.entries.map((e, i) => (
              <li key={i} class={e.counted ? 'overdue' : ''}>
                <Link href={`/staff/complaints/${e.complaint_id}`} class="queue-item" data-code={e.code}>
                  <span class="queue-code" translate={false}>{e.code}</span>
                  <span class="queue-status">
                    {label('status.', e.status)}
                    {e.atr_id !== undefined && <> · {t('quality.atr', { id: e.atr_id })}</>}
                    {e.counted && <> · <span class="tag tag-alert">{t(('quality.counted.' + metric) as Key)}</span></>}
                  </span>
                  <span class="queue-meta">
                    {e.seconds !== undefined && duration(e.seconds)}
                    {e.near_copy && t('quality.copies', { code: e.near_copy.earlier_code, similarity: percent(e.near_copy.similarity) })}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
