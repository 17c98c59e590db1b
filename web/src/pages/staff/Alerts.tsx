import type { Feature } from 'geojson';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api';
import { Choices, Notice, TextArea } from '../../components/form';
import { MapView } from '../../components/map/MapView';
import { PriorityPlaces } from '../../components/PriorityPlaces';
import type { MapHandle } from '../../components/map/maplibre';
import { type PlaceDescription, Where } from '../../components/map/Where';
import { dateTime } from '../../format';
import { errorText, useAsync } from '../../hooks';
import { label, lang, t } from '../../i18n';
import { districtName, loadDistricts } from '../../reference';
import { Link } from '../../router';
import { useStore } from '../../store';
import type { District } from '../../types';
import { type Alert, type Feed, appLink, armSound, beep, useAlertFeed } from './alerts';

/** DispatchConsole is the PCR console: live alerts with sound, acknowledge, outcome, a map of open alerts and the priority places of its area. */
export function DispatchConsole() {
  return <AlertConsole withMap withOutcome />;
}

/** AlertsPage is the alert feed of district officers and MSP (escalations, overdue ATRs), with the priority places of their area. */
export function AlertsPage() {
  return <AlertConsole />;
}

function AlertConsole({ withMap, withOutcome }: { withMap?: boolean; withOutcome?: boolean }) {
  const [beeps, setBeeps] = useState(0);
  const feed = useAlertFeed(() => {
    if (beep()) setBeeps((n) => n + 1);
  });
  useEffect(() => armSound(), []);
  const districts = useAsync(loadDistricts, []);
  const [filter, setFilter] = useState<'open' | 'all'>('open');
  const shown = feed.alerts.filter((a) => filter === 'all' || a.state !== 'resolved');
  const openCount = feed.alerts.filter((a) => a.state === 'open').length;
  return (
    <>
      <h1 tabIndex={-1}>{t(withMap ? 'alerts.pcrTitle' : 'alerts.title')}</h1>
      <p class={'conn conn-' + feed.conn} data-testid="conn" data-conn={feed.conn} role="status" data-beeps={beeps}>
        <span class="conn-dot" aria-hidden="true" />
        {t(feed.conn === 'live' ? 'alerts.live' : feed.conn === 'reconnecting' ? 'alerts.reconnecting' : 'alerts.connecting')}
        {' · '}
        {t('alerts.openCount', { n: openCount })}
      </p>
      <p class="hint">{t('alerts.soundHint')}</p>
      <Notice kind="error">{feed.error}</Notice>
      {withMap && <AlertMap alerts={feed.alerts.filter((a) => a.state !== 'resolved')} />}
      <Choices id="alert-filter" label={t('alerts.show')} value={filter} onValue={(v) => setFilter(v as 'open' | 'all')}
        options={[{ value: 'open', label: t('alerts.showOpen') }, { value: 'all', label: t('alerts.showAll') }]} />
      {shown.length === 0 && <p data-testid="alerts-empty">{t('alerts.empty')}</p>}
      <ul class="alerts" data-testid="alerts" aria-live="polite">
        {shown.map((a) => (
          <AlertCard key={a.id} a={a} fresh={feed.fresh.has(a.id)} feed={feed} districts={districts.data} withOutcome={withOutcome} />
        ))}
      </ul>
      <PriorityPlaces limit={10} />
    </>
  );
}

/** SummaryText keeps codes ("VK-7H3Q-K9M2") in a summary from being translated. */
function SummaryText({ text }: { text: string }) {
  return <>{text.split(/([A-Z0-9]+(?:-[A-Z0-9]+)+)/).map((part, i) => (i % 2 ? <span key={i} translate={false}>{part}</span> : part))}</>;
}

function AlertCard({ a, fresh, feed, districts, withOutcome }: { a: Alert; fresh: boolean; feed: Feed; districts?: District[]; withOutcome?: boolean }) {
  useStore(lang);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState('');
  const [outcome, setOutcome] = useState('');
  const [note, setNote] = useState('');
  const step = async (path: string, body?: unknown) => {
    setBusy(true);
    setErr('');
    try {
      feed.update(await api<Alert>('POST', `/alerts/${a.id}/${path}`, body));
    } catch (e) {
      setErr(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const link = appLink(a);
  // An alert raised before Hindi summaries has none: in Hindi the card then
  // shows only its kind, district and time, never English prose.
  const summary = lang.get() === 'hi' ? a.summary_hi : a.summary;
  return (
    <li id={`alert-${a.id}`} class={`alert-card alert-${a.state} sev-${a.severity}` + (fresh ? ' alert-fresh' : '')}
      data-testid="alert" data-id={a.id} data-kind={a.kind} data-state={a.state} data-subject={a.subject_id}>
      <div class="alert-head">
        <strong>{label('alertKind.', a.kind)}</strong>
        {fresh && <span class="tag tag-new">{t('alerts.new')}</span>}
        <span class="tag">{label('alertState.', a.state)}</span>
        {a.escalation_level > 0 && <span class="tag">{t('alerts.escalated', { n: a.escalation_level })}</span>}
      </div>
      <p class="alert-meta">
        {a.district_id ? districtName(districts, a.district_id) + ' · ' : ''}
        {t('alerts.raised', { when: dateTime(a.raised_at) })}
        {a.h3_r8 && <> · <span translate={false} class="small">{t('alerts.cell')} <code>{a.h3_r8}</code></span></>}
      </p>
      {summary && <p class="alert-summary" lang={lang.get()} data-testid="alert-summary"><SummaryText text={summary} /></p>}
      <Where where={(a as Alert & { where?: PlaceDescription }).where} />
      {a.outcome && <p>{t('alerts.outcomeWas', { what: label('outcome.', a.outcome) })}{a.outcome_note && <> — <span translate={false}>{a.outcome_note}</span></>}</p>}
      {link && <p><Link href={link}>{t('alerts.open')}</Link></p>}
      <Notice kind="error">{err}</Notice>
      {a.state !== 'resolved' && (
        <div class="actions">
          {a.state === 'open' && (
            <button type="button" class="btn btn-primary btn-small" disabled={busy} data-testid="ack" onClick={() => step('ack')}>
              {t('alerts.ack')}
            </button>
          )}
          <button type="button" class="btn btn-small" disabled={busy} data-testid="resolve" onClick={() => step('resolve')}>
            {t('alerts.resolve')}
          </button>
        </div>
      )}
      {withOutcome && a.state !== 'resolved' && a.subject_kind === 'report' && (
        <form class="outcome" data-testid="outcome-form" onSubmit={(e) => {
          e.preventDefault();
          if (!outcome) {
            setErr(t('alerts.outcomeRequired'));
            return;
          }
          void step('outcome', { outcome, note });
        }}>
          <Choices id={`outcome-${a.id}`} label={t('alerts.outcome')} value={outcome} onValue={setOutcome}
            options={['visited', 'action_taken', 'nothing_found'].map((v) => ({ value: v, label: label('outcome.', v) }))} />
          <TextArea id={`note-${a.id}`} label={t('alerts.note')} value={note} onValue={setNote} maxLength={1000} />
          <button type="submit" class="btn btn-small" disabled={busy} data-testid="outcome-submit">{t('alerts.outcomeSubmit')}</button>
        </form>
      )}
    </li>
  );
}

const stateColor = ['match', ['get', 'state'], 'open', '#c62828', 'acknowledged', '#ef8a00', '#777777'];

/**
 * AlertMap draws the r8 cell of each open alert (the API gives staff the
 * cell, never the point), red when open and amber when acknowledged, with
 * the PCR's own report points from the reports tiles beneath.
 */
function AlertMap({ alerts }: { alerts: Alert[] }) {
  const handle = useRef<MapHandle | null>(null);
  const [ready, setReady] = useState(0);
  const key = alerts.map((a) => `${a.id}:${a.state}`).join(',');
  useEffect(() => {
    const h = handle.current;
    if (!h) return;
    let live = true;
    void (async () => {
      const { cellToBoundary, cellToLatLng, isValidCell } = await import('h3-js');
      const features: Feature[] = [];
      let w = 180, s = 90, e = -180, n = -90;
      for (const a of alerts) {
        if (!a.h3_r8 || !isValidCell(a.h3_r8)) continue;
        const ring = cellToBoundary(a.h3_r8, true);
        ring.push(ring[0]);
        for (const [lon, lat] of ring) {
          w = Math.min(w, lon); e = Math.max(e, lon); s = Math.min(s, lat); n = Math.max(n, lat);
        }
        const props = { id: a.id, state: a.state };
        features.push({ type: 'Feature', properties: props, geometry: { type: 'Polygon', coordinates: [ring] } });
        const [lat, lon] = cellToLatLng(a.h3_r8);
        features.push({ type: 'Feature', properties: props, geometry: { type: 'Point', coordinates: [lon, lat] } });
      }
      if (!live) return;
      await h.setOverlay('alerts', { type: 'FeatureCollection', features }, { color: stateColor, outline: '#222222', radius: 6 });
      if (features.length && live) h.fit([w, s, e, n], 14);
    })();
    return () => {
      live = false;
    };
  }, [key, ready]);
  return (
    <MapView label={t('alerts.mapLabel')} testid="alert-map" onState={(st, h) => {
      if (!h || (st !== 'ready' && st !== 'nobase')) return;
      handle.current = h;
      void h.setPointTiles('reports', { color: '#5b2a86', radius: 4, opacity: 0.6 });
      h.onClick('alerts', (p) => document.getElementById(`alert-${p.id}`)?.scrollIntoView({ block: 'center' }));
      setReady((x) => x + 1);
    }} />
  );
}
