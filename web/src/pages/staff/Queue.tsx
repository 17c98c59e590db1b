import { useState } from 'preact/hooks';
import { api } from '../../api';
import { Notice } from '../../components/form';
import { Deadline } from '../../components/timeline';
import { dateTime } from '../../format';
import { useAsync, useMessage } from '../../hooks';
import { type Key, label, t } from '../../i18n';
import { categoryName, districtName, loadCategories, loadDistricts } from '../../reference';
import { Link } from '../../router';
import { session } from '../../session';
import { useNow, useStore } from '../../store';
import type { QueueItem } from '../../types';
import { PendingTransfers } from './Supervision';

/** QueueKind picks what a queue page lists. */
type QueueKind = 'all' | 'vetting' | 'legal';

const titles: Record<QueueKind, [Key, Key]> = {
  all: ['queue.title', 'queue.empty'],
  vetting: ['vetting.title', 'vetting.empty'],
  legal: ['legal.title', 'legal.empty'],
};

function query(kind: QueueKind, overdue: boolean, fir: string): string {
  if (fir) return '/complaints?fir=' + encodeURIComponent(fir);
  if (kind === 'vetting') return '/complaints?status=atr_draft';
  if (kind === 'legal') return '/complaints?status=legal_review';
  // The digest links here with ?status= or ?dissatisfied=true (Home.tsx).
  const page = new URLSearchParams(location.search);
  const q = new URLSearchParams();
  if (overdue) q.set('overdue', 'true');
  if (page.get('status')) q.set('status', page.get('status') as string);
  if (page.get('dissatisfied') === 'true') q.set('dissatisfied', 'true');
  const qs = q.toString();
  return '/complaints' + (qs ? '?' + qs : '');
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
  const [overdue, setOverdue] = useState(() => new URLSearchParams(location.search).get('overdue') === 'true');
  const [fir, setFIR] = useState('');
  const list = useAsync(async () => {
    const r = await api<{ complaints: QueueItem[] }>('GET', query(kind, overdue, fir));
    const items = kind === 'vetting' ? r.complaints.filter((c) => c.atr_status === 'submitted') : r.complaints;
    // Complaints with a direction to the reader come first (the server
    // sorts them so too; the sort is stable, so deadlines keep their order).
    return items.sort((a, b) => Number(!!b.open_direction) - Number(!!a.open_direction));
  }, [kind, overdue, fir]);
  const categories = useAsync(loadCategories, []);
  const districts = useAsync(loadDistricts, []);
  const now = useNow(1000);
  const [title, empty] = titles[kind];
  const user = useStore(session);
  const [notice, setNotice] = useMessage();
  return (
    <>
      <h1 tabIndex={-1}>{t(title)}</h1>
      {kind === 'all' && (
        <label class="choice inline">
          <input type="checkbox" checked={overdue} onChange={(e) => setOverdue((e.currentTarget as HTMLInputElement).checked)} />
          <span>{t('queue.overdueOnly')}</span>
        </label>
      )}
      {kind === 'all' && <FIRSearch active={fir} onSearch={setFIR} />}
      <Notice kind="ok">{notice}</Notice>
      {kind === 'all' && <PendingTransfers role={user?.role} onDone={(m) => {
        setNotice(m);
        list.reload();
      }} />}
      <Notice kind="error">{list.error}</Notice>
      {list.loading && !list.data && <p>{t('common.loading')}</p>}
      {list.data && list.data.length === 0 && <p data-testid="queue-empty">{fir ? t('queue.firNone') : empty}</p>}
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
                    {c.open_direction && <> · <span class="tag tag-alert" data-testid="open-direction">{t('queue.openDirection')}</span></>}
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

/**
 * FIRSearch finds complaints in the reader's scope by the FIR an ATR
 * records: serial/year as on the FIR copy, or the full CCTNS number. The
 * server checks the form and answers in the reader's language.
 */
function FIRSearch({ active, onSearch }: { active: string; onSearch: (fir: string) => void }) {
  const [value, setValue] = useState(active);
  return (
    <form class="fir-search" role="search" onSubmit={(e) => {
      e.preventDefault();
      onSearch(value.trim());
    }}>
      <label for="fir-search">{t('queue.firSearch')}</label>
      <p class="hint" id="fir-search-hint">{t('queue.firSearchHint')}</p>
      <div class="inline-form">
        <input id="fir-search" type="search" value={value} autoComplete="off" aria-describedby="fir-search-hint"
          onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit" class="btn btn-small" data-testid="fir-search">{t('queue.firSearchGo')}</button>
        {active && (
          <button type="button" class="btn btn-small" onClick={() => {
            setValue('');
            onSearch('');
          }}>{t('queue.firClear')}</button>
        )}
      </div>
    </form>
  );
}
