import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api';

/** Alert is an alert on a staff console (api/alert_dto.go): no point, name or text. */
export interface Alert {
  id: number;
  kind: string;
  unit_kind: string;
  unit_id: number;
  district_id: number | null;
  escalation_level: number;
  severity: string;
  summary: string;
  /** summary_hi is the summary in Hindi; absent on alerts raised before there were Hindi summaries. */
  summary_hi?: string;
  /** category: a report category, hotspot, trafficking_lead or complaint; absent on older alerts. */
  category?: string;
  /** place (place_hi in Hindi): police station or unit area and district, never a point. */
  place?: string;
  place_hi?: string;
  /** occurred_at is when the subject happened (a report) or was found (hotspot, lead score). */
  occurred_at?: string;
  /** score is a lead alert's current score; it follows the lead ("updated" events). */
  score?: number;
  /** escalated_units lists every escalation level reached ("kind:id[:role]"), each of which sees the alert. */
  escalated_units?: string[];
  link: string;
  subject_kind: string;
  subject_id: number;
  /** h3_r8 is the r8 H3 cell (hex) of the place; staff only. */
  h3_r8?: string;
  state: 'open' | 'acknowledged' | 'resolved';
  ack_due_at: string | null;
  outcome: string | null;
  outcome_note?: string;
  raised_at: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
}

/** AlertEvent is one SSE event (the data field). */
interface AlertEvent {
  id: number;
  alert_id: number;
  kind: string;
  alert?: Alert;
}

/** Conn is the state of the live stream. */
export type Conn = 'connecting' | 'live' | 'reconnecting';

/** updated: a live alert followed its subject (a rising lead's new score and summary). */
const eventKinds = ['raised', 'acknowledged', 'escalated', 'outcome', 'resolved', 'updated'];

/** Feed is the alerts a console shows, kept live. */
export interface Feed {
  alerts: Alert[];
  /** fresh holds alerts raised (or escalated to us) since the page opened, until acknowledged. */
  fresh: Set<number>;
  conn: Conn;
  error: string;
  /** update puts an alert returned by an action into the list. */
  update: (a: Alert) => void;
}

/**
 * useAlertFeed loads the caller's alerts and follows GET /api/v1/alerts/stream.
 * The stream is opened first and the list loaded once it is open, so no
 * event falls between the two; EventSource reconnects by itself and sends
 * Last-Event-ID, and the server replays what was missed. onNew is called
 * for each newly raised or escalated alert (the sound).
 */
export function useAlertFeed(onNew: (a: Alert) => void): Feed {
  const [byId, setById] = useState<Map<number, Alert>>(new Map());
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const [conn, setConn] = useState<Conn>('connecting');
  const [error, setError] = useState('');
  const cb = useRef(onNew);
  cb.current = onNew;

  const upsert = (a: Alert, replace = true) =>
    setById((m) => {
      if (!replace && m.has(a.id)) return m;
      const n = new Map(m);
      n.set(a.id, a);
      return n;
    });

  useEffect(() => {
    let closed = false;
    let loaded = false;
    let lastId = 0;
    let es: EventSource | null = null;
    let retry = 0;
    const open = () => {
      es = new EventSource('/api/v1/alerts/stream' + (lastId ? `?last_event_id=${lastId}` : ''));
      es.onopen = () => {
        setConn('live');
        if (loaded) return;
        loaded = true;
        api<{ alerts: Alert[] }>('GET', '/alerts?limit=200').then(
          (r) => r.alerts.forEach((a) => upsert(a, false)),
          (e) => setError(String(e?.message ?? e)),
        );
      };
      es.onerror = () => {
        if (closed) return;
        setConn('reconnecting');
        // A refused stream (e.g. a restart answered 503) is closed for
        // good by the browser: open a new one that resumes from lastId.
        if (es && es.readyState === EventSource.CLOSED) {
          es = null;
          retry = window.setTimeout(open, 3000);
        }
      };
      for (const k of eventKinds) {
        es.addEventListener(k, (ev) => {
          const me = ev as MessageEvent<string>;
          let e: AlertEvent;
          try {
            e = JSON.parse(me.data) as AlertEvent;
          } catch {
            return;
          }
          lastId = Math.max(lastId, e.id);
          if (!e.alert) return;
          upsert(e.alert);
          if ((k === 'raised' || k === 'escalated') && e.alert.state === 'open') {
            setFresh((s) => new Set(s).add(e.alert!.id));
            cb.current(e.alert);
          }
        });
      }
    };
    open();
    return () => {
      closed = true;
      window.clearTimeout(retry);
      es?.close();
    };
  }, []);

  const alerts = [...byId.values()].sort((a, b) => (a.raised_at < b.raised_at ? 1 : a.raised_at > b.raised_at ? -1 : b.id - a.id));
  const update = (a: Alert) => {
    upsert(a);
    if (a.state !== 'open') {
      setFresh((s) => {
        const n = new Set(s);
        n.delete(a.id);
        return n;
      });
    }
  };
  return { alerts, fresh, conn, error, update };
}

// The sound: a short two-tone beep made with WebAudio (no audio file).
// Browsers let a page start audio only after a tap or key press, so the
// context is made on the first one.
let audio: AudioContext | null = null;

/** armSound makes the audio context on the first user gesture. */
export function armSound(): () => void {
  const arm = () => {
    if (!audio) {
      try {
        audio = new AudioContext();
      } catch {
        audio = null;
      }
    }
    void audio?.resume().catch(() => undefined);
  };
  window.addEventListener('pointerdown', arm, { once: true, capture: true });
  window.addEventListener('keydown', arm, { once: true, capture: true });
  return () => {
    window.removeEventListener('pointerdown', arm, { capture: true });
    window.removeEventListener('keydown', arm, { capture: true });
  };
}

/** beep plays a short alert tone; it returns false when sound is not (yet) allowed. */
export function beep(): boolean {
  if (!audio || audio.state !== 'running') return false;
  const now = audio.currentTime;
  for (const [i, f] of [880, 1320].entries()) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.value = f;
    const t0 = now + i * 0.18;
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(0.3, t0 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.16);
    osc.connect(gain).connect(audio.destination);
    osc.start(t0);
    osc.stop(t0 + 0.17);
  }
  return true;
}

/** appLink maps an alert's subject to a page of this app ("" when there is none for it). */
export function appLink(a: Alert): string {
  if (a.subject_kind === 'lead') return `/staff/leads/${a.subject_id}`;
  if (a.subject_kind === 'complaint') return `/staff/complaints/${a.subject_id}`;
  return '';
}
