// setpassword.jsx - the one-time link's screen (#/set-password/TOKEN): POST /v1/password.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { Title } from '../layout.jsx';

export function SetPassword({ params }) {
  const [pw, setPw] = useState('');
  const [pw2, setPw2] = useState('');
  const [msg, setMsg] = useState(null);

  async function submit(e) {
    e.preventDefault();
    if (pw !== pw2) return setMsg({ kind: 'error', text: t('setpw.mismatch') });
    try {
      await api.setPassword(params.token, pw);
      setMsg({ kind: 'ok', text: t('setpw.done') });
    } catch (err) {
      setMsg({ kind: 'error', text: err.status === 400 ? t('setpw.weak') : t('setpw.bad_link') });
    }
  }

  return (
    <section class="signin card">
      <Title>{t('setpw.title')}</Title>
      <form onSubmit={submit} novalidate>
        <label for="pw1">{t('setpw.new')}</label>
        <input id="pw1" type="password" autocomplete="new-password" value={pw} onInput={(e) => setPw(e.currentTarget.value)} />
        <label for="pw2">{t('setpw.again')}</label>
        <input id="pw2" type="password" autocomplete="new-password" value={pw2} onInput={(e) => setPw2(e.currentTarget.value)} />
        {msg && <p class={msg.kind} role={msg.kind === 'error' ? 'alert' : 'status'}>{msg.text}</p>}
        <button type="submit" disabled={!pw}>{t('setpw.submit')}</button>
        {msg && msg.kind === 'ok' && <p><a href="#/signin">{t('setpw.to_signin')}</a></p>}
      </form>
    </section>
  );
}
