import { useEffect, useRef } from 'preact/hooks';
import { type Key, t } from '../i18n';
import { type Item, type Kind, dismiss, flush, items } from '../outbox';
import { useStore } from '../store';

const kindKey: Record<Kind, Key> = {
  complaint: 'outbox.kind.complaint',
  report: 'outbox.kind.report',
  tip: 'outbox.kind.tip',
};

/**
 * OfflineChoice asks her, when a submission could not be sent, whether to
 * keep it on this phone until it can be: nothing is stored unless she taps
 * "keep". Its heading takes the focus so a screen reader announces it.
 */
export function OfflineChoice({ onKeep, onDiscard, busy }: { onKeep: () => void; onDiscard: () => void; busy: boolean }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section class="card highlight offline-choice" aria-labelledby="offline-title" data-testid="offline-choice">
      <h2 id="offline-title" ref={heading} tabIndex={-1}>{t('offline.title')}</h2>
      <p>{t('offline.notSent')}</p>
      <p>{t('offline.keepText')}</p>
      <div class="actions">
        <button type="button" class="btn btn-primary" disabled={busy} data-testid="offline-keep" onClick={onKeep}>
          {t('offline.keep')}
        </button>
        <button type="button" class="btn" disabled={busy} data-testid="offline-discard" onClick={onDiscard}>
          {t('offline.discard')}
        </button>
      </div>
    </section>
  );
}

/**
 * Outbox shows, on every public page, what is kept on this phone: each
 * submission waiting to be sent (its kind only, never its content), and
 * once sent its receipt until she says she has noted it. The list is a
 * live region, so "sent" is announced when the connection returns.
 */
export function Outbox() {
  const list = useStore(items);
  return (
    <div aria-live="polite" data-testid="outbox-live">
      {list.length > 0 && (
        <section class="card highlight outbox" aria-labelledby="outbox-title" data-testid="outbox">
          <h2 id="outbox-title">{t('outbox.title')}</h2>
          <ul class="plain">
            {list.map((it) => <OutboxItem key={it.key} it={it} />)}
          </ul>
        </section>
      )}
    </div>
  );
}

function OutboxItem({ it }: { it: Item }) {
  const kind = t(kindKey[it.kind]);
  return (
    <li data-testid="outbox-item" data-kind={it.kind} data-state={it.state}>
      {it.state === 'waiting' && (
        <>
          <p><strong>{kind}</strong>: {t('outbox.waiting')}</p>
          <div class="actions">
            <button type="button" class="btn btn-small" data-testid="outbox-send" onClick={() => void flush().catch(() => undefined)}>
              {t('outbox.sendNow')}
            </button>
            <button type="button" class="btn btn-small btn-danger" data-testid="outbox-discard" onClick={() => void dismiss(it.key)}>
              {t('outbox.discard')}
            </button>
          </div>
        </>
      )}
      {it.state === 'sent' && it.receipt && (
        <>
          <p><strong>{kind}</strong>: {t('outbox.sent')}</p>
          <dl>
            <dt>{t('outbox.code')}</dt>
            <dd class="secret-value" translate={false} data-testid="outbox-code">{it.receipt.code}</dd>
            {it.receipt.secret && (
              <>
                <dt>{t('outbox.secret')}</dt>
                <dd class="secret-value" translate={false} data-testid="outbox-secret">{it.receipt.secret}</dd>
              </>
            )}
          </dl>
          <button type="button" class="btn btn-small" data-testid="outbox-done" onClick={() => void dismiss(it.key)}>
            {t('outbox.done')}
          </button>
        </>
      )}
      {it.state === 'refused' && (
        <>
          <p><strong>{kind}</strong>: {t('outbox.refused')} {it.error}</p>
          <button type="button" class="btn btn-small btn-danger" data-testid="outbox-discard" onClick={() => void dismiss(it.key)}>
            {t('outbox.discard')}
          </button>
        </>
      )}
    </li>
  );
}
