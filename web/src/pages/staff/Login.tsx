import { useState } from 'preact/hooks';
import { Input, Notice } from '../../components/form';
import { ApiError } from '../../api';
import { errorText, useMessage } from '../../hooks';
import { t } from '../../i18n';
import { navigate } from '../../router';
import {
  beginEnrolment,
  completeLogin,
  confirmEnrolment,
  login,
  session,
  type TOTPEnrolment,
} from '../../session';
import type { User } from '../../types';

type Step =
  | { kind: 'password' }
  | { kind: 'code'; challenge: string }
  | { kind: 'enrol'; enrolment: TOTPEnrolment | null }
  | { kind: 'recovery'; user: User; codes: string[] };

/**
 * Login starts a staff session and opens the role's console. A user with a
 * second factor is asked for the authenticator code; a user whose role
 * requires one and has none enrols here first (QR code or secret, then a
 * first code) and is shown recovery codes once.
 */
export function Login() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [error, setError] = useMessage();
  const [busy, setBusy] = useState(false);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError('');
    try {
      await fn();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'bad_totp_code') setError(() => t('totp.errWrong'));
      else if (e instanceof ApiError && e.code === 'login_expired') {
        setStep({ kind: 'password' });
        setError(() => t('totp.errExpired'));
      } else setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const done = () => navigate('/staff', { replace: true });

  const submitPassword = () => {
    if (!username.trim() || !password) {
      setError(() => t('err.login'));
      return;
    }
    void run(async () => {
      const r = await login(username.trim(), password);
      setPassword('');
      if (r.kind === 'done') return done();
      if (r.kind === 'code') return setStep({ kind: 'code', challenge: r.challenge });
      setStep({ kind: 'enrol', enrolment: await beginEnrolment() });
    });
  };
  const submitCode = (challenge: string) => {
    if (!code.trim()) return setError(() => t('totp.errCode'));
    void run(async () => {
      await completeLogin(challenge, code.trim());
      done();
    });
  };
  const submitEnrolment = () => {
    if (!code.trim()) return setError(() => t('totp.errCode'));
    void run(async () => {
      const r = await confirmEnrolment(code.trim());
      setCode('');
      setStep({ kind: 'recovery', user: r.user, codes: r.recoveryCodes });
    });
  };

  return (
    <>
      <h1 tabIndex={-1}>{t('staff.loginTitle')}</h1>
      <Notice kind="error">{error}</Notice>
      {step.kind === 'password' && (
        <>
          <p>{t('staff.loginIntro')}</p>
          <form class="narrow" noValidate onSubmit={(e) => {
            e.preventDefault();
            submitPassword();
          }}>
            <Input id="username" label={t('staff.username')} value={username} onValue={setUsername}
              autoComplete="username" autoCapitalize="none" spellcheck={false} />
            <Input id="password" type="password" label={t('staff.password')} value={password} onValue={setPassword}
              autoComplete="current-password" />
            <button type="submit" class="btn btn-primary btn-block" disabled={busy} data-testid="login-submit">
              {busy ? t('staff.loggingIn') : t('staff.login')}
            </button>
          </form>
        </>
      )}
      {step.kind === 'code' && (
        <form class="narrow" noValidate onSubmit={(e) => {
          e.preventDefault();
          submitCode(step.challenge);
        }}>
          <p>{t('totp.codeIntro')}</p>
          <Input id="totp-code" label={t('totp.code')} hint={t('totp.codeHint')} value={code} onValue={setCode}
            autoComplete="one-time-code" inputMode="numeric" autoCapitalize="none" spellcheck={false} />
          <button type="submit" class="btn btn-primary btn-block" disabled={busy} data-testid="totp-submit">
            {busy ? t('staff.loggingIn') : t('totp.verify')}
          </button>
        </form>
      )}
      {step.kind === 'enrol' && step.enrolment && (
        <form class="narrow" noValidate onSubmit={(e) => {
          e.preventDefault();
          submitEnrolment();
        }}>
          <h2>{t('totp.enrolTitle')}</h2>
          <p>{t('totp.enrolIntro')}</p>
          <img src={step.enrolment.qr_png} width={240} height={240} alt={t('totp.qrAlt')} data-testid="totp-qr" />
          <p>{t('totp.secretLabel')} <code data-testid="totp-secret">{step.enrolment.secret}</code></p>
          <details>
            <summary>{t('totp.uriLabel')}</summary>
            <code class="break" data-testid="totp-uri">{step.enrolment.otpauth_uri}</code>
          </details>
          <Input id="totp-code" label={t('totp.code')} hint={t('totp.enrolCodeHint')} value={code} onValue={setCode}
            autoComplete="one-time-code" inputMode="numeric" autoCapitalize="none" spellcheck={false} />
          <button type="submit" class="btn btn-primary btn-block" disabled={busy} data-testid="totp-confirm">
            {t('totp.confirm')}
          </button>
        </form>
      )}
      {step.kind === 'recovery' && (
        <div class="narrow">
          <h2>{t('totp.recoveryTitle')}</h2>
          <p>{t('totp.recoveryIntro')}</p>
          <ul class="recovery-codes" data-testid="totp-recovery">
            {step.codes.map((c) => <li key={c}><code>{c}</code></li>)}
          </ul>
          <button type="button" class="btn btn-primary btn-block" data-testid="totp-done" onClick={() => {
            session.set(step.user);
            done();
          }}>
            {t('totp.recoveryDone')}
          </button>
        </div>
      )}
    </>
  );
}
