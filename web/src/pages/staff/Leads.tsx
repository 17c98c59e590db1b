import { useState } from 'preact/hooks';
import { api } from '../../api';
import { Input, Notice, TextArea } from '../../components/form';
import { MapView } from '../../components/map/MapView';
import { type PlaceDescription, Where } from '../../components/map/Where';
import { dateTime } from '../../format';
import { errorText, type Message, useAsync, useMessage } from '../../hooks';
import { label, lang, t } from '../../i18n';
import { districtName, loadDistricts } from '../../reference';
import type { PageProps } from '../../router';
import { Link, navigate } from '../../router';
import { session } from '../../session';
import { useStore } from '../../store';

/** Indicator is one line of a lead's score explanation (stored with the score). */
interface Indicator {
  indicator: string;
  value: number;
  weight: number;
  points: number;
  text_en: string;
  text_hi: string;
}

/** Lead is a trafficking lead (api/lead_dto.go). */
interface Lead {
  id: number;
  ahtu_id: number | null;
  district_id: number | null;
  status: string;
  score: number;
  tip_count: number;
  lat: number | null;
  lon: number | null;
  assigned_to: number | null;
  first_tip_at: string | null;
  last_tip_at: string | null;
  updated_at: string;
  explanation: Indicator[];
  /** where describes the lead's place (nearest police and railway station, district, geo: link). */
  where?: PlaceDescription;
}

interface LeadDetail extends Lead {
  members: { tip_id: number; code: string; received_at: string; via: string }[];
  entities: { kind: string; value: string; tip_ids: number[]; links: boolean }[];
  events: { id: number; kind: string; from_status: string | null; to_status: string | null; note: string; actor_role: string; at: string }[];
}

/** Tip is what an AHTU officer reads of a tip. */
interface Tip {
  id: number;
  code: string;
  received_at: string;
  text: string;
  vehicles: string[];
  phones: string[];
  people: string[];
  place_list: { n: number; description: string; district: string; seen_at: string | null }[];
  photo_urls: string[];
}

/** LeadsPage is the AHTU home: a map of leads and tip places, and the leads, strongest first. */
export function LeadsPage() {
  const leads = useAsync(() => api<{ leads: Lead[] }>('GET', '/leads?limit=200').then((r) => r.leads), []);
  const districts = useAsync(loadDistricts, []);
  const [layers, setLayers] = useState('');
  return (
    <>
      <h1 tabIndex={-1}>{t('leads.title')}</h1>
      <MapView label={t('leads.mapLabel')} tall testid="leads-map" onState={(st, h) => {
        if (!h || (st !== 'ready' && st !== 'nobase')) return;
        void Promise.all([
          h.setPointTiles('tips', { color: '#1f78b4', radius: 5, opacity: 0.8 }),
          h.setPointTiles('leads', { color: ['interpolate', ['linear'], ['to-number', ['get', 'score'], 0], 0, '#fdae6b', 100, '#a50f15'], radius: 9 }),
        ]).then(([tips, lds]) => setLayers(`${tips ? 'tips' : ''},${lds ? 'leads' : ''}`));
        h.onClick('leads', (_p, id) => id !== undefined && navigate(`/staff/leads/${id}`));
      }} />
      <p class="legend-inline small" data-testid="leads-layers" data-layers={layers}>
        <span class="dot" style={{ background: '#a50f15' }} aria-hidden="true" /> {t('leads.legendLead')}{' '}
        <span class="dot" style={{ background: '#1f78b4' }} aria-hidden="true" /> {t('leads.legendTip')}
      </p>
      <Notice kind="error">{leads.error}</Notice>
      {leads.loading && !leads.data && <p>{t('common.loading')}</p>}
      {leads.data && leads.data.length === 0 && <p data-testid="leads-empty">{t('leads.empty')}</p>}
      {leads.data && leads.data.length > 0 && (
        <ul class="queue" data-testid="leads">
          {leads.data.map((l) => (
            <li key={l.id}>
              <Link href={`/staff/leads/${l.id}`} class="queue-item" data-lead={l.id}>
                <span class="queue-code">{t('leads.lead', { id: l.id })}</span>
                <span class="queue-sla"><ScoreBadge score={l.score} /></span>
                <span class="queue-meta">
                  {l.district_id ? districtName(districts.data, l.district_id) + ' · ' : ''}
                  {t('leads.tips', { n: l.tip_count })}
                  {l.last_tip_at ? ' · ' + t('leads.lastTip', { when: dateTime(l.last_tip_at) }) : ''}
                </span>
                <span class="queue-status">{label('leadStatus.', l.status)}</span>
              </Link>
              <Where where={l.where} compact />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function ScoreBadge({ score }: { score: number }) {
  const cls = score >= 60 ? 'score-high' : score >= 30 ? 'score-mid' : 'score-low';
  return <span class={'score ' + cls} data-testid="score">{t('leads.score', { n: Math.round(score) })}</span>;
}

const nextSteps: Record<string, string[]> = {
  new: ['triaged', 'closed'],
  triaged: ['investigating', 'closed'],
  investigating: ['actioned', 'closed'],
  actioned: ['closed'],
  closed: ['triaged'],
};

/** LeadDetailPage shows why a lead scored as it did, its tips and what links them, and its workflow. */
export function LeadDetailPage({ params }: PageProps) {
  const id = Number(params.id);
  useStore(lang);
  const user = useStore(session);
  const [n, setN] = useState(0);
  const lead = useAsync(() => api<LeadDetail>('GET', `/leads/${id}`), [id, n]);
  const districts = useAsync(loadDistricts, []);
  const [note, setNote] = useState('');
  const [other, setOther] = useState('');
  const [assignee, setAssignee] = useState('');
  const [split, setSplit] = useState<Set<number>>(new Set());
  const [msg, setMsg] = useMessage();
  const [err, setErr] = useState('');
  const [busy, setBusy] = useState(false);
  const canWork = user?.role === 'ahtu';

  const change = async (path: string, body: unknown, done: Message, goTo?: (l: { id: number }) => string) => {
    setBusy(true);
    setErr('');
    setMsg('');
    try {
      const r = await api<{ id: number }>('POST', `/leads/${id}/${path}`, body);
      setMsg(done);
      setNote('');
      setSplit(new Set());
      if (goTo) navigate(goTo(r));
      else setN((x) => x + 1);
    } catch (e) {
      setErr(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const l = lead.data;
  return (
    <>
      <p><Link href="/staff/leads">{t('detail.back')}</Link></p>
      <Notice kind="error">{lead.error || err}</Notice>
      <Notice kind="ok">{msg}</Notice>
      {lead.loading && !l && <p>{t('common.loading')}</p>}
      {l && (
        <>
          <h1 tabIndex={-1} data-testid="lead-title">{t('leads.lead', { id: l.id })} <ScoreBadge score={l.score} /></h1>
          <p data-testid="lead-status" data-status={l.status}>
            {label('leadStatus.', l.status)}
            {l.district_id ? ' · ' + districtName(districts.data, l.district_id) : ''}
            {' · '}{t('leads.tips', { n: l.tip_count })}
            {l.assigned_to ? ' · ' + t('leads.assignedTo', { id: l.assigned_to }) : ''}
          </p>
          <Where where={l.where} />

          <section class="card" aria-labelledby="why-title">
            <h2 id="why-title">{t('leads.why')}</h2>
            <table class="districts explanation" data-testid="explanation">
              <thead><tr><th scope="col">{t('leads.indicator')}</th><th scope="col" class="num">{t('leads.points')}</th></tr></thead>
              <tbody>
                {l.explanation.map((x) => (
                  <tr key={x.indicator} data-indicator={x.indicator}>
                    <td>{lang.get() === 'hi' && x.text_hi ? x.text_hi : x.text_en}</td>
                    <td class="num">{x.points.toFixed(1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <section class="card" aria-labelledby="graph-title">
            <h2 id="graph-title">{t('leads.graph')}</h2>
            <p class="hint">{t('leads.graphHint')}</p>
            <EntityGraph lead={l} />
          </section>

          <section class="card" aria-labelledby="tips-title">
            <h2 id="tips-title">{t('leads.memberTips')}</h2>
            {l.members.map((m) => (
              <TipCard key={m.tip_id} tipId={m.tip_id} code={m.code} receivedAt={m.received_at}
                selectable={canWork && l.members.length > 1} selected={split.has(m.tip_id)}
                onSelect={(on) => setSplit((s) => {
                  const x = new Set(s);
                  if (on) x.add(m.tip_id); else x.delete(m.tip_id);
                  return x;
                })} />
            ))}
            {canWork && l.members.length > 1 && (
              <button type="button" class="btn btn-small" disabled={busy || split.size === 0 || split.size === l.members.length}
                data-testid="split" onClick={() => change('split', { tip_ids: [...split] }, () => t('leads.splitDone'), (r) => `/staff/leads/${r.id}`)}>
                {t('leads.split', { n: split.size })}
              </button>
            )}
          </section>

          {canWork && (
            <section class="card" aria-labelledby="work-title">
              <h2 id="work-title">{t('leads.workflow')}</h2>
              <TextArea id="lead-note" label={t('leads.note')} hint={t('leads.noteHint')} value={note} onValue={setNote} maxLength={2000} />
              <div class="actions">
                {(nextSteps[l.status] ?? []).map((to) => (
                  <button key={to} type="button" class={'btn btn-small' + (to === 'closed' ? ' btn-danger' : ' btn-primary')}
                    disabled={busy} data-testid={'to-' + to}
                    onClick={() => change('transition', { to, note }, () => t('leads.moved', { status: label('leadStatus.', to) }))}>
                    {t(('leads.to.' + to) as 'leads.to.triaged')}
                  </button>
                ))}
                <button type="button" class="btn btn-small" disabled={busy || !note.trim()} data-testid="add-note"
                  onClick={() => change('notes', { note }, () => t('leads.noteAdded'))}>{t('leads.addNote')}</button>
              </div>
              <div class="row">
                <Input id="assignee" label={t('leads.assignId')} inputMode="numeric" value={assignee} onValue={setAssignee} />
              </div>
              <div class="actions">
                <button type="button" class="btn btn-small" disabled={busy} data-testid="assign-me"
                  onClick={() => change('assign', { user_id: user!.id }, () => t('leads.assigned'))}>{t('leads.assignMe')}</button>
                <button type="button" class="btn btn-small" disabled={busy || !/^\d+$/.test(assignee)}
                  onClick={() => change('assign', { user_id: Number(assignee) }, () => t('leads.assigned'))}>{t('leads.assign')}</button>
              </div>
              <Input id="merge-other" label={t('leads.mergeLabel')} hint={t('leads.mergeHint')} inputMode="numeric" value={other} onValue={setOther} />
              <button type="button" class="btn btn-small" disabled={busy || !/^\d+$/.test(other)} data-testid="merge"
                onClick={() => change('merge', { lead_id: Number(other) }, () => t('leads.merged'))}>{t('leads.merge')}</button>
            </section>
          )}

          <section class="card" aria-labelledby="hist-title">
            <h2 id="hist-title">{t('leads.history')}</h2>
            <ol class="timeline">
              {l.events.map((e) => (
                <li key={e.id}>
                  <span class="timeline-what">{label('leadEvent.', e.kind)}</span>
                  {e.to_status && <> → {label('leadStatus.', e.to_status)}</>}
                  <span class="muted small"> · {dateTime(e.at)} · {label('role.', e.actor_role)}</span>
                  {e.note && <p class="timeline-reason">{e.note}</p>}
                </li>
              ))}
            </ol>
          </section>
        </>
      )}
    </>
  );
}

/** TipCard loads one member tip; a tip routed to another AHTU shows only its code. */
function TipCard({ tipId, code, receivedAt, selectable, selected, onSelect }: {
  tipId: number; code: string; receivedAt: string; selectable: boolean; selected: boolean; onSelect: (on: boolean) => void;
}) {
  const tip = useAsync(() => api<Tip>('GET', `/tips/${tipId}`).catch(() => null), [tipId]);
  const tp = tip.data;
  return (
    <article class="tip" data-testid="member-tip" data-tip={tipId}>
      <h3>
        {selectable && (
          <input type="checkbox" checked={selected} aria-label={t('leads.selectTip', { code })}
            onChange={(e) => onSelect((e.currentTarget as HTMLInputElement).checked)} />
        )}{' '}
        <span translate={false} class="queue-code">{code}</span> <span class="muted small">{dateTime(receivedAt)}</span>
      </h3>
      {tp === null && <p class="muted">{t('leads.tipElsewhere')}</p>}
      {tp && (
        <>
          {tp.text && <p class="prose">{tp.text}</p>}
          {tp.phones.length > 0 && <p>{t('leads.phones')}: <span translate={false}>{tp.phones.join(', ')}</span></p>}
          {tp.vehicles.length > 0 && <p>{t('leads.vehicles')}: <span translate={false}>{tp.vehicles.join(', ')}</span></p>}
          {tp.people.length > 0 && <p>{t('leads.people')}: {tp.people.join(', ')}</p>}
          {tp.place_list.length > 0 && (
            <ul class="plain">
              {tp.place_list.map((p) => <li key={p.n}>{p.description || p.district}{p.seen_at ? ` · ${dateTime(p.seen_at)}` : ''}</li>)}
            </ul>
          )}
          {tp.photo_urls.length > 0 && (
            <ul class="thumbs">
              {tp.photo_urls.map((u, i) => (
                <li key={u}><img src={u} alt={t('leads.photoAlt', { n: i + 1 })} class="tip-photo" loading="lazy" data-testid="tip-photo" /></li>
              ))}
            </ul>
          )}
        </>
      )}
    </article>
  );
}

/**
 * EntityGraph draws tips (left) and the entities they mention (right) as a
 * bipartite graph in plain SVG; entities that link tips (phones, vehicles,
 * alias pairs) are drawn bold, the rest dashed.
 */
function EntityGraph({ lead }: { lead: LeadDetail }) {
  const tips = lead.members;
  const ents = lead.entities;
  const rowH = 46;
  const h = Math.max(tips.length, ents.length, 1) * rowH + 20;
  const w = 340;
  const tipY = (i: number) => 10 + rowH / 2 + i * rowH * (Math.max(ents.length, tips.length) / Math.max(tips.length, 1));
  const entY = (i: number) => 10 + rowH / 2 + i * rowH * (Math.max(ents.length, tips.length) / Math.max(ents.length, 1));
  const tipIndex = new Map(tips.map((m, i) => [m.tip_id, i]));
  return (
    <div class="graph-wrap">
      <svg viewBox={`0 0 ${w} ${h}`} width="100%" role="img" aria-labelledby="graph-title" data-testid="entity-graph"
        data-tips={tips.length} data-entities={ents.length}>
        {ents.map((e, j) => e.tip_ids.filter((id) => tipIndex.has(id)).map((id) => (
          <line key={`${j}-${id}`} x1={92} y1={tipY(tipIndex.get(id)!)} x2={196} y2={entY(j)}
            class={e.links ? 'edge edge-link' : 'edge'} data-edge={`${id}:${e.kind}`} />
        )))}
        {tips.map((m, i) => (
          <g key={m.tip_id} class="node node-tip" data-node={`tip:${m.tip_id}`}>
            <rect x={4} y={tipY(i) - 15} width={88} height={30} rx={6} />
            <text x={48} y={tipY(i) + 4} text-anchor="middle">{m.code.slice(-8)}</text>
          </g>
        ))}
        {ents.map((e, j) => (
          <g key={j} class={'node node-ent' + (e.links ? ' node-link' : '')} data-node={`${e.kind}:${e.value}`}>
            <circle cx={202} cy={entY(j)} r={7} />
            <text x={214} y={entY(j) - 4} class="ent-kind">{label('entity.', e.kind)}</text>
            <text x={214} y={entY(j) + 10} class="ent-value">{e.value.length > 18 ? e.value.slice(0, 17) + '…' : e.value}</text>
          </g>
        ))}
      </svg>
    </div>
  );
}
