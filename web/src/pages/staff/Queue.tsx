import { useState } from 'preact/hooks';
import { api } from '../../api';
import { Notice } from '../../components/form';
import { Deadline } from '../../components/timeline';
import { dateTime } from '../../format';
import { useAsync } from '../../hooks';
import { type Key, label, t } from '../../i18n';
import { categoryName, districtName, loadCategories, loadDistricts } from '../../reference';
import { Link } from '../../router';
import { useNow } from '../../store';
import type { QueueItem } from '../../types';

/** QueueKind picks what a queue page lists. */
type QueueKind = 'all' | 'vetting' | 'legal';

const titles: Record<QueueKind, [Key, Key]> = {
  all: ['queue.title', 'queue.empty'],
  vetting: ['vetting.title', 'vetting.empty'],
  legal: ['legal.title', 'legal.empty'],
};

function query(kind: QueueKind, overdue: boolean): string {
  if (kind === 'vetting') return '/complaints?status=atr_draft';
  if (kind === 'legal') return '/complaints?status=legal_review';
  return '/complaints' + (overdue ? '?overdue=true' : '');
}

/** ComplaintQueue lists open complaints in scope, soonest deadline first, with SLA countdowns. */
export function ComplaintQueue() {
  return <QueuePage kind="all" />;
}

/** VettingQueue lists ATRs submitted to the nodal officer. */
export function VettingQueue() {
  return <QueuePage kind="vetting" />;
}

/** LegalQueue lists dissatisfied cases waiting for MSP legal. */
export function LegalQueue() {
  return <QueuePage kind="legal" />;
}

function QueuePage({ kind }: { kind: QueueKind }) {
  const [overdue, setOverdue] = useState(false);
  const list = useAsync(async () => {
    const r = await api<{ complaints: QueueItem[] }>('GET', query(kind, overdue));
    return kind === 'vetting' ? r.complaints.filter((c) => c.atr_status === 'submitted') : r.complaints;
  }, [kind, overdue]);
  const categories = useAsync(loadCategories, []);
  const districts = useAsync(loadDistricts, []);
  const now = useNow(1000);
  const [title, empty] = titles[kind];
  return (
    <>
      <h1 tabIndex={-1}>{t(title)}</h1>
      {kind === 'all' && (
        <label class="choice inline">
          <input type="checkbox" checked={overdue} onChange={(e) => setOverdue((e.currentTarget as HTMLInputElement).checked)} />
          <span>{t('queue.overdueOnly')}</span>
        </label>
      )}
      <Notice kind="error">{list.error}</Notice>
      {list.loading && !list.data && <p>{t('common.loading')}</p>}
      {list.data && list.data.length === 0 && <p data-testid="queue-empty">{empty}</p>}
      {list.data && list.data.length > 0 && (
        <>
          <p class="muted">{t('queue.count', { n: list.data.length })}</p>
          <ul class="queue" data-testid="queue">
            {list.data.map((c) => (
              <li key={c.id} class={c.overdue ? 'overdue' : ''}>
                <Link href={`/staff/complaints/${c.id}`} class="queue-item" data-code={c.code}>
                  <span class="queue-code" translate={false}>{c.code}</span>
                  <span class="queue-cat">{categoryName(categories.data, c.category)}</span>
                  <span class="queue-meta">
                    {districtName(districts.data, c.district_id)} · {t('queue.filed', { when: dateTime(c.created_at) })}
                  </span>
                  <span class="queue-status">
                    {label('status.', c.status)}
                    {c.atr_status && <> · {label('atrStatus.', c.atr_status)}</>}
                    {c.confidential && <> · <span class="tag">{t('queue.confidential')}</span></>}
                  </span>
                  <span class="queue-sla">
                    {c.atr_due_at && c.sla_remaining_seconds !== undefined ? (
                      <Deadline iso={c.atr_due_at} now={now} />
                    ) : (
                      <span class="muted">{t('queue.noDeadline')}</span>
                    )}
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
