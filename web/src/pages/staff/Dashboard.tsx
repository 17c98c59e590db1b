import { api } from '../../api';
import { FilingChannels } from '../../components/FilingChannels';
import { Notice } from '../../components/form';
import { duration, percent } from '../../format';
import { useAsync } from '../../hooks';
import { t } from '../../i18n';
import { name } from '../../reference';
import { Link } from '../../router';
import type { Dashboard as DashboardData } from '../../types';
import { TableWrap } from '../../components/TableWrap';

/** Dashboard is the MSP monitoring view: totals, SLA compliance, median time to ATR, and districts. */
export function Dashboard() {
  const d = useAsync(() => api<DashboardData>('GET', '/dashboard/complaints'), []);
  if (!d.data) {
    return (
      <>
        <h1 tabIndex={-1}>{t('dash.title')}</h1>
        {d.loading ? <p>{t('common.loading')}</p> : <Notice kind="error">{d.error}</Notice>}
      </>
    );
  }
  const x = d.data;
  const maxOpen = Math.max(1, ...x.districts.map((s) => s.open));
  const districts = [...x.districts].sort((a, b) => b.overdue - a.overdue || b.open - a.open);
  return (
    <>
      <h1 tabIndex={-1}>{t('dash.title')}</h1>
      <p>
        <Link href="/staff/quality" data-testid="dash-quality">{t('dash.quality')}</Link> ·{' '}
        <Link href="/staff/today">{t('dash.digest')}</Link>
      </p>
      <div class="stats" data-testid="dash-stats">
        <Stat label={t('dash.open')} value={String(x.open)} />
        <Stat label={t('dash.overdue')} value={String(x.overdue)} alert={x.overdue > 0} />
        <Stat label={t('dash.awaitingVetting')} value={String(x.awaiting_vetting)} />
        <Stat label={t('dash.legalReview')} value={String(x.legal_review)} />
        <Stat label={t('dash.directionsOpen')} value={String(x.directions_open)} />
        <Stat label={t('dash.directionsOverdue')} value={String(x.directions_overdue)} alert={x.directions_overdue > 0} />
      </div>
      <div class="stats two">
        <section class="card stat">
          <h2>{t('dash.sla')}</h2>
          {x.sla_compliance === null ? (
            <p class="muted">{t('dash.none')}</p>
          ) : (
            <>
              <p class="stat-value">{percent(x.sla_compliance)}</p>
              <Bar ratio={x.sla_compliance} kind="ok" />
              <p class="muted">{t('dash.slaDetail', { met: x.sla_met, missed: x.sla_missed })}</p>
            </>
          )}
        </section>
        <section class="card stat">
          <h2>{t('dash.median')}</h2>
          <p class="stat-value">
            {x.median_time_to_atr_seconds === null ? <span class="muted">{t('dash.none')}</span> : duration(x.median_time_to_atr_seconds)}
          </p>
        </section>
      </div>
      <section class="card">
        <h2>{t('dash.byDistrict')}</h2>
        {districts.length === 0 ? (
          <p>{t('dash.empty')}</p>
        ) : (
          <TableWrap label={t('dash.byDistrict')}>
            <table class="districts">
              <thead>
                <tr>
                  <th scope="col">{t('dash.district')}</th>
                  <th scope="col">{t('dash.open')}</th>
                  <th scope="col">{t('dash.overdue')}</th>
                  <th scope="col">{t('dash.dissatisfaction')}</th>
                </tr>
              </thead>
              <tbody>
                {districts.map((s) => (
                  <tr key={s.district_id}>
                    <th scope="row">{name(s.name)}</th>
                    <td>
                      <span class="num">{s.open}</span>
                      <Bar ratio={s.open / maxOpen} kind="info" />
                    </td>
                    <td class={s.overdue ? 'overdue' : ''}>
                      <span class="num">{s.overdue}</span>
                      <Bar ratio={s.open ? s.overdue / s.open : 0} kind="bad" />
                    </td>
                    <td>
                      {s.dissatisfaction_rate === null ? (
                        <span class="muted">—</span>
                      ) : (
                        <>
                          <span class="num">{percent(s.dissatisfaction_rate)}</span>
                          <Bar ratio={s.dissatisfaction_rate} kind="bad" />
                          <span class="muted small">{t('dash.ratings', { n: s.ratings })}</span>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
      <FilingChannels />
    </>
  );
}

function Stat({ label, value, alert }: { label: string; value: string; alert?: boolean }) {
  return (
    <section class={'card stat' + (alert ? ' alert' : '')}>
      <h2>{label}</h2>
      <p class="stat-value">{value}</p>
    </section>
  );
}

/** Bar is a horizontal bar for a 0..1 ratio, drawn in CSS. */
function Bar({ ratio, kind }: { ratio: number; kind: 'ok' | 'bad' | 'info' }) {
  const w = Math.max(0, Math.min(1, ratio)) * 100;
  return (
    <span class={'bar bar-' + kind} aria-hidden="true">
      <span style={{ width: `${w}%` }} />
    </span>
  );
}
