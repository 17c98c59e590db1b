import { useState } from 'preact/hooks';
import { Input, Notice } from '../../components/form';
import { errorText } from '../../hooks';
import { t } from '../../i18n';
import { navigate } from '../../router';
import { login } from '../../session';

/** Login starts a staff session and opens the role's console. */
export function Login() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!username.trim() || !password) {
      setError(t('err.login'));
      return;
    }
    setBusy(true);
    setError('');
    try {
      await login(username.trim(), password);
      setPassword('');
      navigate('/staff', { replace: true });
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };
  return (
    <>
      <h1 tabIndex={-1}>{t('staff.loginTitle')}</h1>
      <p>{t('staff.loginIntro')}</p>
      <Notice kind="error">{error}</Notice>
      <form class="narrow" noValidate onSubmit={(e) => {
        e.preventDefault();
        void submit();
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
  );
}
