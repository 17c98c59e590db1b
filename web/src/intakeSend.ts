import { useRef, useState } from 'preact/hooks';
import { ApiError, postForm, randomKey } from './api';
import { focusFirstError } from './components/form';
import type { FieldErrors } from './hooks';
import { t } from './i18n';
import { intakeError } from './intake';
import { partsOf, queue } from './outbox';
import { navigate } from './router';

/** Outgoing is a form that could not be sent, with its Idempotency-Key. */
interface Outgoing {
  form: FormData;
  key: string;
}

/** IntakeSend is how a report or tip page sends its form (useIntakeSend). */
export interface IntakeSend {
  sending: boolean;
  /** general is the refusal shown above the form ("" for none). */
  general: string;
  setGeneral: (m: string) => void;
  /** changed marks the form edited: the next send is a new submission with a new key. */
  changed: () => void;
  /** send posts a validated form, or asks whether to keep it when offline. */
  send: (form: FormData) => Promise<void>;
  /** offline is true while she chooses whether to keep an unsent form on this phone. */
  offline: boolean;
  keep: () => Promise<void>;
  discard: () => void;
}

/**
 * useIntakeSend sends a public report or tip: one Idempotency-Key per
 * distinct form (a retry of the same form reuses it), a refusal shown at
 * the field fieldOf names (null: above the form), and, with no network, the
 * choice to keep the form in the outbox (she decides; nothing is kept
 * otherwise). It posts to /reports or /tips; after a receipt it calls
 * onReceipt and goes to /report/done or /tip/done.
 */
export function useIntakeSend<R>(o: {
  kind: 'report' | 'tip';
  onReceipt: (r: R) => void;
  fieldOf: (field: string) => string | null;
  setErrors: (e: FieldErrors) => void;
}): IntakeSend {
  const [sending, setSending] = useState(false);
  const [general, setGeneral] = useState('');
  const [outgoing, setOutgoing] = useState<Outgoing | null>(null);
  const key = useRef('');
  const path = o.kind === 'report' ? '/reports' : '/tips';

  const send = async (form: FormData) => {
    key.current ||= randomKey();
    const out = { form, key: key.current };
    if (!navigator.onLine) {
      setOutgoing(out);
      return;
    }
    setSending(true);
    try {
      o.onReceipt(await postForm<R>(path, form, { headers: { 'Idempotency-Key': out.key } }));
      navigate(`/${o.kind}/done`, { replace: true });
    } catch (err) {
      setSending(false);
      if (err instanceof ApiError && err.status === 0) {
        setOutgoing(out);
        return;
      }
      const fe = intakeError(err);
      const field = fe.field ? o.fieldOf(fe.field) : null;
      if (field) {
        o.setErrors({ [field]: fe.message });
        focusFirstError();
      } else {
        setGeneral(fe.message);
      }
    }
  };

  const keep = async () => {
    if (!outgoing) return;
    setSending(true);
    try {
      await queue({ key: outgoing.key, kind: o.kind, path, parts: partsOf(outgoing.form) });
      navigate('/', { replace: true });
    } catch {
      setSending(false);
      setOutgoing(null);
      setGeneral(t('offline.keepFailed'));
    }
  };

  return {
    sending, general, setGeneral, send, keep,
    changed: () => {
      key.current = '';
    },
    offline: outgoing !== null,
    discard: () => {
      setOutgoing(null);
      setGeneral(t('offline.discarded'));
    },
  };
}
