// signin.jsx - the sign-in screen: login and password to POST /v1/session.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { Title } from '../layout.jsx';

export function SignIn({ onSignedIn }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSignedIn(await api.signIn(login.trim(), password));
    } catch (err) {
      if (err.status === 401) setError(t('signin.wrong'));
      else if (err.status === 429) setError(t('signin.too_many', { seconds: err.retryAfter || 60 }));
      else setError(t('err.generic', { code: err.code || err.status }));
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="signin card" aria-labelledby="signin-title">
      <Title><span id="signin-title">{t('signin.title')}</span></Title>
      <p class="hint">{t('signin.intro')}</p>
      <form onSubmit={submit} novalidate>
        <label for="login">{t('signin.login')}</label>
        <input id="login" name="username" autocomplete="username" required value={login}
          onInput={(e) => setLogin(e.currentTarget.value)} autofocus />
        <label for="password">{t('signin.password')}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required
          value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy || !login || !password}>{t('signin.submit')}</button>
      </form>
    </section>
  );
}
