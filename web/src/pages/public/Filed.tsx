import { useState } from 'preact/hooks';
import { Notice } from '../../components/form';
import { dateTime } from '../../format';
import { t } from '../../i18n';
import { Link, navigate } from '../../router';
import { lastFiled } from './file/draft';
import { prefillTracking } from './Track';

/** Filed shows the new complaint's code and secret, once, with a prompt to write them down. */
export function Filed() {
  const f = lastFiled();
  const [copied, setCopied] = useState<'' | 'ok' | 'failed'>('');
  if (!f) {
    return (
      <>
        <h1 tabIndex={-1}>{t('filed.title')}</h1>
        <p>{t('filed.missing')}</p>
        <Link href="/track" class="btn btn-primary">{t('nav.track')}</Link>
      </>
    );
  }
  const copy = async () => {
    const text = t('filed.copyText', { code: f.code, secret: f.secret });
    setCopied((await copyText(text)) ? 'ok' : 'failed');
  };
  return (
    <>
      <h1 tabIndex={-1}>{t('filed.title')}</h1>
      <section class="card credentials" aria-labelledby="save-title">
        <h2 id="save-title">{t('filed.saveTitle')}</h2>
        <p>{t('filed.saveText')}</p>
        <dl>
          <dt>{t('filed.code')}</dt>
          <dd class="secret-value" translate={false} data-testid="filed-code">{f.code}</dd>
          <dt>{t('filed.secret')}</dt>
          <dd class="secret-value" translate={false} data-testid="filed-secret">{f.secret}</dd>
        </dl>
        <button type="button" class="btn btn-block" onClick={copy} data-testid="copy">{t('filed.copy')}</button>
        {copied === 'ok' && <Notice kind="ok">{t('filed.copied')}</Notice>}
        {copied === 'failed' && <Notice kind="error">{t('filed.copyFailed')}</Notice>}
      </section>
      {f.atr_due_at && <p>{t('filed.due', { when: dateTime(f.atr_due_at) })}</p>}
      <button type="button" class="btn btn-primary btn-block" data-testid="track-filed" onClick={() => {
        prefillTracking(f.code, f.secret);
        navigate('/track');
      }}>
        {t('filed.track')}
      </button>
    </>
  );
}

/** copyText copies to the clipboard, falling back to a hidden textarea outside secure contexts. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall back below
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}
