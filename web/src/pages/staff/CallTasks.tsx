import { useState } from 'preact/hooks';
import { api } from '../../api';
import { Choices, Notice, TextArea, focusFirstError } from '../../components/form';
import { dateTime } from '../../format';
import { type FieldErrors, fieldErrors, useAsync, useMessage } from '../../hooks';
import { label, t } from '../../i18n';
import { districtName, loadDistricts } from '../../reference';
import { Link } from '../../router';
import type { CallTask } from '../../types';

const outcomes = ['reached', 'unsafe_to_talk', 'unreachable', 'wrong_number'];

/** CallTasks lists MSP's open follow-up calls and records how each went. */
export function CallTasks() {
  const list = useAsync(() => api<{ call_tasks: CallTask[] }>('GET', '/call-tasks').then((r) => r.call_tasks), []);
  const districts = useAsync(loadDistricts, []);
  const [notice, setNotice] = useMessage();
  return (
    <>
      <h1 tabIndex={-1}>{t('calls.title')}</h1>
      <Notice kind="ok">{notice}</Notice>
      <Notice kind="error">{list.error}</Notice>
      {list.loading && !list.data && <p>{t('common.loading')}</p>}
      {list.data && list.data.length === 0 && <p>{t('calls.empty')}</p>}
      {list.data?.map((task) => (
        <section class="card" key={task.id} data-testid="call-task" data-code={task.code}>
          <h2 class="code-title" translate={false}>{task.code}</h2>
          <p>
            {label('calls.reason.', task.reason)} · {districtName(districts.data, task.district_id)}
            {task.confidential && <> · <span class="tag">{t('queue.confidential')}</span></>}
          </p>
          <p>{t('calls.due', { when: dateTime(task.due_at) })}</p>
          {task.callback_window && <p>{t('calls.window', { window: task.callback_window })}</p>}
          <p><Link href={`/staff/complaints/${task.complaint_id}`}>{t('calls.openComplaint')}</Link></p>
          <OutcomeForm task={task} onDone={() => {
            setNotice(() => t('calls.recorded'));
            list.reload();
          }} />
        </section>
      ))}
    </>
  );
}

function OutcomeForm({ task, onDone }: { task: CallTask; onDone: () => void }) {
  const [outcome, setOutcome] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState('');
  const [busy, setBusy] = useState(false);
  const id = `task-${task.id}`;
  const submit = async () => {
    const e: FieldErrors = {};
    if (!outcome) e.outcome = () => t('err.required');
    setGeneral('');
    if (!Object.keys(e).length) {
      setBusy(true);
      try {
        await api('POST', `/call-tasks/${task.id}/outcome`, { outcome, note: note.trim() });
        onDone();
      } catch (err) {
        Object.assign(e, fieldErrors(err, setGeneral));
      }
      setBusy(false);
    }
    setErrors(e);
    if (Object.keys(e).length) focusFirstError();
  };
  return (
    <form noValidate onSubmit={(e) => {
      e.preventDefault();
      void submit();
    }}>
      <Notice kind="error">{general}</Notice>
      <Choices id={`${id}-outcome`} label={t('calls.outcome')} value={outcome} onValue={setOutcome} error={errors.outcome}
        options={outcomes.map((o) => ({ value: o, label: label('outcome.', o) }))} />
      <TextArea id={`${id}-note`} label={t('calls.note')} value={note} onValue={setNote} error={errors.note} rows={2} />
      <button type="submit" class="btn btn-primary" disabled={busy}>{t('calls.record')}</button>
    </form>
  );
}
