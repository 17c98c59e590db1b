import { useState } from 'preact/hooks';
import { api } from '../../api';
import { Check, Input, Notice, Select, TextArea, focusFirstError } from '../../components/form';
import { Deadline } from '../../components/timeline';
import { dateTime } from '../../format';
import { type FieldErrors, fieldErrors, type Message, messageText, useAsync } from '../../hooks';
import { label, t } from '../../i18n';
import { loadDistricts, loadStations, name } from '../../reference';
import { Link } from '../../router';
import { useNow } from '../../store';
import type { Bilingual, Detail } from '../../types';

/** Direction is a direction on a complaint as staff in scope see it. */
interface Direction {
  id: number;
  issuer_role: string;
  to: string;
  body: string;
  due_at?: string;
  reply_by: string;
  report_back: boolean;
  created_at: string;
  open: boolean;
  overdue: boolean;
  answered_at?: string;
  answer?: string;
}

/** Transfer is a transfer or a pending district transfer request. */
export interface Transfer {
  id: number;
  complaint_id: number;
  code: string;
  state: string;
  from_station: Bilingual;
  from_district: Bilingual;
  to_station_id?: number;
  to_station?: Bilingual;
  to_district_id: number;
  to_district: Bilingual;
  reason: string;
  created_at: string;
  can_decide: boolean;
}

const issuers = ['msp_analyst', 'msp_legal', 'sp'];
const msp = ['msp_analyst', 'msp_legal'];
const movers = ['nodal', 'sp', 'msp_analyst', 'msp_legal'];
const closed = ['closed', 'withdrawn', 'satisfied'];

/**
 * placeErrors puts a failed request's field error on the form's field for
 * it (fields maps API field names to form field ids); anything else becomes
 * the form's general error.
 */
function placeErrors(err: unknown, fields: Record<string, string>, setGeneral: (s: string) => void): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(fieldErrors(err, setGeneral))) {
    if (fields[k]) out[fields[k]] = v;
    else setGeneral(messageText(v));
  }
  return out;
}

interface PanelProps {
  complaint: Detail;
  role?: string;
  onDone: (msg: Message) => void;
}

/**
 * DirectionsPanel lists a complaint's directions, open ones first, with the
 * answer form for the officer each is addressed to, and the form MSP staff
 * and the SP use to direct the police.
 */
export function DirectionsPanel({ complaint: c, role, onDone }: PanelProps) {
  const list = useAsync(() => api<{ directions: Direction[] }>('GET', `/complaints/${c.id}/directions`), [c.id]);
  const now = useNow(1000);
  const done = (msg: Message) => {
    list.reload();
    onDone(msg);
  };
  const directions = list.data?.directions ?? [];
  const mayIssue = !!role && issuers.includes(role) && !closed.includes(c.status);
  if (!mayIssue && directions.length === 0) return null;
  return (
    <section class={'card' + (directions.some((d) => d.open && d.to === role) ? ' highlight' : '')}
      aria-labelledby="directions-title" data-testid="directions">
      <h2 id="directions-title">{t('dir.title')}</h2>
      <Notice kind="error">{list.error}</Notice>
      {list.data && directions.length === 0 && <p>{t('dir.none')}</p>}
      {directions.map((d) => (
        <article class="atr" key={d.id} data-testid="direction" data-open={d.open ? 'true' : 'false'}>
          <h3>
            {t('dir.to')}: {label('dir.to.', d.to)} · <span class="muted">{t('dir.from', { who: label('role.', d.issuer_role) })}</span>
          </h3>
          <p class="atr-text">{d.body}</p>
          {d.open ? (
            <p>
              <span class="tag">{t('dir.open')}</span> · {t('dir.replyBy', { when: dateTime(d.reply_by) })} ·{' '}
              <Deadline iso={d.reply_by} now={now} />
              {d.report_back && <> · {t('dir.reportBack')}</>}
            </p>
          ) : (
            <>
              <p><strong>{t('dir.answer')}:</strong> {d.answer}</p>
              {d.answered_at && <p class="muted">{t('dir.answeredAt', { when: dateTime(d.answered_at) })}</p>}
            </>
          )}
          {d.open && d.to === role && <AnswerForm complaintID={c.id} direction={d} onDone={done} />}
        </article>
      ))}
      {mayIssue && <IssueForm complaint={c} role={role} onDone={done} />}
    </section>
  );
}

function AnswerForm({ complaintID, direction, onDone }: { complaintID: number; direction: Direction; onDone: (m: Message) => void }) {
  const [answer, setAnswer] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState('');
  const [busy, setBusy] = useState(false);
  const id = `answer-${direction.id}`;
  const submit = async () => {
    const e: FieldErrors = {};
    if (!answer.trim()) e[id] = () => t('err.required');
    setGeneral('');
    if (!Object.keys(e).length) {
      setBusy(true);
      try {
        await api('POST', `/complaints/${complaintID}/directions/${direction.id}/answer`, { answer: answer.trim() });
        onDone(() => t('dir.answered'));
      } catch (err) {
        Object.assign(e, placeErrors(err, { answer: id }, setGeneral));
      }
      setBusy(false);
    }
    setErrors(e);
    if (Object.keys(e).length) focusFirstError();
  };
  return (
    <form noValidate onSubmit={(ev) => {
      ev.preventDefault();
      void submit();
    }}>
      <Notice kind="error">{general}</Notice>
      <TextArea id={id} label={t('dir.answer')} value={answer} onValue={setAnswer} error={errors[id]} rows={3} />
      <button type="submit" class="btn btn-primary" disabled={busy} data-testid="direction-answer">{t('dir.answerSubmit')}</button>
    </form>
  );
}

/** localToISO turns a datetime-local value into an RFC 3339 instant. */
function localToISO(v: string): string | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function IssueForm({ complaint: c, role, onDone }: PanelProps) {
  const [to, setTo] = useState('station');
  const [body, setBody] = useState('');
  const [due, setDue] = useState('');
  const [reportBack, setReportBack] = useState(true);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState('');
  const [busy, setBusy] = useState(false);
  const options = ['station', 'nodal', ...(role && msp.includes(role) ? ['sp'] : [])].map((v) => ({ value: v, label: label('dir.to.', v) }));
  const submit = async () => {
    const e: FieldErrors = {};
    if (!body.trim()) e.direction_body = () => t('err.required');
    setGeneral('');
    if (!Object.keys(e).length) {
      setBusy(true);
      try {
        await api('POST', `/complaints/${c.id}/directions`, { to, body: body.trim(), due_at: localToISO(due), report_back: reportBack });
        setBody('');
        setDue('');
        onDone(() => t('dir.issued'));
      } catch (err) {
        Object.assign(e, placeErrors(err, { to: 'direction_to', body: 'direction_body', due_at: 'direction_due_at' }, setGeneral));
      }
      setBusy(false);
    }
    setErrors(e);
    if (Object.keys(e).length) focusFirstError();
  };
  return (
    <form noValidate aria-labelledby="direction-issue-title" onSubmit={(ev) => {
      ev.preventDefault();
      void submit();
    }}>
      <h3 id="direction-issue-title">{t('dir.issueTitle')}</h3>
      <Notice kind="error">{general}</Notice>
      <Select id="direction_to" label={t('dir.to')} value={to} onValue={setTo} options={options} error={errors.direction_to} />
      <TextArea id="direction_body" label={t('dir.body')} hint={t('dir.bodyHint')} value={body} onValue={setBody}
        error={errors.direction_body} rows={3} />
      <Input id="direction_due_at" type="datetime-local" label={t('dir.due')} hint={t('dir.dueHint')} value={due} onValue={setDue}
        error={errors.direction_due_at} />
      <Check id="direction_report_back" label={t('dir.reportBack')} checked={reportBack} onChecked={setReportBack} />
      <button type="submit" class="btn btn-primary" disabled={busy} data-testid="direction-issue">{t('dir.issue')}</button>
    </form>
  );
}

/**
 * TransferPanel moves a complaint: the nodal officer or SP to another
 * station of the district, or by request to another district; the MSP
 * anywhere, optionally restarting her deadline with a reason.
 */
export function TransferPanel({ complaint: c, role, onDone }: PanelProps) {
  const pending = useAsync(() => api<{ transfers: Transfer[] }>('GET', '/transfers/pending'), [c.id]);
  // The forms (and their district and station lists) load only when asked for.
  const [shown, setShown] = useState(false);
  if (!role || !movers.includes(role) || closed.includes(c.status)) return null;
  const mine = pending.data?.transfers.find((x) => x.complaint_id === c.id);
  const isMSP = msp.includes(role);
  return (
    <section class="card" aria-labelledby="transfer-title" data-testid="transfer">
      <h2 id="transfer-title">{t('xfer.title')}</h2>
      <p class="muted">{t('xfer.slaNote')}</p>
      {mine && <Notice kind="info">{t('xfer.pendingHere', { district: name(mine.to_district) })}</Notice>}
      {mine && mine.can_decide && <PendingTransfer transfer={mine} onDone={onDone} />}
      <button type="button" class="btn" aria-expanded={shown ? 'true' : 'false'} aria-controls="transfer-forms"
        onClick={() => setShown(!shown)} data-testid="transfer-open">{t('xfer.open')}</button>
      {shown && (
        <div id="transfer-forms">
          <MoveForm complaint={c} anyDistrict={isMSP} onDone={onDone} />
          {!isMSP && !mine && <RequestForm complaint={c} onDone={(m) => {
            pending.reload();
            onDone(m);
          }} />}
        </div>
      )}
    </section>
  );
}

/** useStations loads a district's stations when districtID is set. */
function useStations(districtID: string) {
  return useAsync(async () => (districtID ? loadStations(Number(districtID)) : []), [districtID]);
}

function MoveForm({ complaint: c, anyDistrict, onDone }: { complaint: Detail; anyDistrict: boolean; onDone: (m: Message) => void }) {
  const districts = useAsync(loadDistricts, []);
  const [district, setDistrict] = useState(String(c.district_id));
  const stations = useStations(district);
  const [station, setStation] = useState('');
  const [reason, setReason] = useState('');
  const [restart, setRestart] = useState(false);
  const [restartReason, setRestartReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const e: FieldErrors = {};
    if (!station) e.move_station = () => t('err.required');
    if (!reason.trim()) e.move_reason = () => t('err.reason');
    if (restart && !restartReason.trim()) e.restart_reason = () => t('err.reason');
    setGeneral('');
    if (!Object.keys(e).length) {
      setBusy(true);
      try {
        await api('POST', `/complaints/${c.id}/transfer`, { station_id: Number(station), reason: reason.trim(),
          restart_sla: restart, restart_reason: restart ? restartReason.trim() : '' });
        onDone(() => t('xfer.moved'));
      } catch (err) {
        Object.assign(e, placeErrors(err, { station_id: 'move_station', reason: 'move_reason', restart_reason: 'restart_reason' }, setGeneral));
      }
      setBusy(false);
    }
    setErrors(e);
    if (Object.keys(e).length) focusFirstError();
  };
  const stationOptions = (stations.data ?? []).filter((s) => s.id !== c.station_id).map((s) => ({ value: String(s.id), label: name(s.name) }));
  return (
    <form noValidate onSubmit={(ev) => {
      ev.preventDefault();
      void submit();
    }}>
      <Notice kind="error">{general}</Notice>
      {anyDistrict && (
        <Select id="move_district" label={t('xfer.district')} value={district} onValue={(v) => {
          setDistrict(v);
          setStation('');
        }} options={(districts.data ?? []).map((d) => ({ value: String(d.id), label: name(d.name) }))} />
      )}
      <Select id="move_station" label={t('xfer.station')} value={station} onValue={setStation} placeholder={t('xfer.choose')}
        options={stationOptions} error={errors.move_station} />
      <TextArea id="move_reason" label={t('xfer.reason')} value={reason} onValue={setReason} error={errors.move_reason} rows={2} />
      {anyDistrict && <Check id="restart_sla" label={t('xfer.restart')} checked={restart} onChecked={setRestart} />}
      {anyDistrict && restart && (
        <TextArea id="restart_reason" label={t('xfer.restartReason')} value={restartReason} onValue={setRestartReason}
          error={errors.restart_reason} rows={2} />
      )}
      <button type="submit" class="btn btn-primary" disabled={busy} data-testid="transfer-move">{t('xfer.move')}</button>
    </form>
  );
}

function RequestForm({ complaint: c, onDone }: { complaint: Detail; onDone: (m: Message) => void }) {
  const districts = useAsync(loadDistricts, []);
  const [district, setDistrict] = useState('');
  const stations = useStations(district);
  const [station, setStation] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const e: FieldErrors = {};
    if (!district) e.request_district = () => t('err.required');
    if (!reason.trim()) e.request_reason = () => t('err.reason');
    setGeneral('');
    if (!Object.keys(e).length) {
      setBusy(true);
      try {
        await api('POST', `/complaints/${c.id}/transfer-request`, { district_id: Number(district),
          station_id: station ? Number(station) : null, reason: reason.trim() });
        onDone(() => t('xfer.requested'));
      } catch (err) {
        Object.assign(e, placeErrors(err, { district_id: 'request_district', station_id: 'request_station', reason: 'request_reason' }, setGeneral));
      }
      setBusy(false);
    }
    setErrors(e);
    if (Object.keys(e).length) focusFirstError();
  };
  return (
    <form noValidate aria-labelledby="transfer-request-title" onSubmit={(ev) => {
      ev.preventDefault();
      void submit();
    }}>
      <h3 id="transfer-request-title">{t('xfer.requestTitle')}</h3>
      <Notice kind="error">{general}</Notice>
      <Select id="request_district" label={t('xfer.district')} value={district} placeholder={t('xfer.choose')}
        onValue={(v) => {
          setDistrict(v);
          setStation('');
        }} error={errors.request_district}
        options={(districts.data ?? []).filter((d) => d.id !== c.district_id).map((d) => ({ value: String(d.id), label: name(d.name) }))} />
      <Select id="request_station" label={t('xfer.station')} value={station} onValue={setStation} placeholder={t('xfer.anyStation')}
        options={(stations.data ?? []).map((s) => ({ value: String(s.id), label: name(s.name) }))} error={errors.request_station} />
      <TextArea id="request_reason" label={t('xfer.reason')} value={reason} onValue={setReason} error={errors.request_reason} rows={2} />
      <button type="submit" class="btn" disabled={busy} data-testid="transfer-request">{t('xfer.request')}</button>
    </form>
  );
}

/** PendingTransfer is one district transfer request with accept and decline for the receiving SP or the MSP. */
function PendingTransfer({ transfer: x, onDone }: { transfer: Transfer; onDone: (m: Message) => void }) {
  const stations = useStations(String(x.to_district_id));
  const [station, setStation] = useState(x.to_station_id ? String(x.to_station_id) : '');
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState('');
  const [busy, setBusy] = useState(false);
  const sid = `accept_station_${x.id}`;
  const rid = `decline_reason_${x.id}`;
  const run = async (decline: boolean) => {
    const e: FieldErrors = {};
    if (!decline && !station) e[sid] = () => t('err.required');
    if (decline && !reason.trim()) e[rid] = () => t('err.reason');
    setGeneral('');
    if (!Object.keys(e).length) {
      setBusy(true);
      try {
        if (decline) await api('POST', `/transfers/${x.id}/decline`, { reason: reason.trim() });
        else await api('POST', `/transfers/${x.id}/accept`, { station_id: Number(station) });
        onDone(() => t(decline ? 'xfer.declined' : 'xfer.accepted'));
      } catch (err) {
        Object.assign(e, placeErrors(err, { station_id: sid, reason: rid }, setGeneral));
      }
      setBusy(false);
    }
    setErrors(e);
    if (Object.keys(e).length) focusFirstError();
  };
  return (
    <article class="atr" data-testid="pending-transfer" data-code={x.code}>
      <h3>
        <span translate={false}>{x.code}</span> · {t('xfer.fromTo', { from: `${name(x.from_station)}, ${name(x.from_district)}`, to: name(x.to_district) })}
      </h3>
      <p>{x.reason}</p>
      <p class="muted">{dateTime(x.created_at)}</p>
      <Notice kind="error">{general}</Notice>
      {x.can_decide && !declining && (
        <form noValidate onSubmit={(ev) => {
          ev.preventDefault();
          void run(false);
        }}>
          <Select id={sid} label={t('xfer.station')} value={station} onValue={setStation} placeholder={t('xfer.choose')}
            options={(stations.data ?? []).map((s) => ({ value: String(s.id), label: name(s.name) }))} error={errors[sid]} />
          <div class="actions">
            <button type="submit" class="btn btn-primary" disabled={busy} data-testid="transfer-accept">{t('xfer.accept')}</button>
            <button type="button" class="btn" onClick={() => setDeclining(true)}>{t('xfer.decline')}</button>
          </div>
        </form>
      )}
      {x.can_decide && declining && (
        <form noValidate onSubmit={(ev) => {
          ev.preventDefault();
          void run(true);
        }}>
          <TextArea id={rid} label={t('xfer.declineReason')} value={reason} onValue={setReason} error={errors[rid]} rows={2} />
          <div class="actions">
            <button type="button" class="btn" onClick={() => setDeclining(false)}>{t('file.back')}</button>
            <button type="submit" class="btn btn-primary" disabled={busy} data-testid="transfer-decline">{t('xfer.decline')}</button>
          </div>
        </form>
      )}
      {!x.can_decide && <p><Link href={`/staff/complaints/${x.complaint_id}`}>{x.code}</Link></p>}
    </article>
  );
}

/**
 * PendingTransfers lists the district transfer requests the caller sees
 * (the receiving SP cannot open the complaint yet, so they decide here).
 */
export function PendingTransfers({ role, onDone }: { role?: string; onDone: (m: Message) => void }) {
  const list = useAsync(
    () => (role && movers.includes(role) ? api<{ transfers: Transfer[] }>('GET', '/transfers/pending') : Promise.resolve({ transfers: [] })),
    [role],
  );
  const xs = list.data?.transfers ?? [];
  if (xs.length === 0) return null;
  return (
    <section class="card" aria-labelledby="pending-transfers-title" data-testid="pending-transfers">
      <h2 id="pending-transfers-title">{t('xfer.pending')}</h2>
      {xs.map((x) => (
        <PendingTransfer key={x.id} transfer={x} onDone={(m) => {
          list.reload();
          onDone(m);
        }} />
      ))}
    </section>
  );
}
