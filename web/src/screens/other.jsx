// other.jsx - small screens: home (per role: a worker goes to the workspace, a client user to
// its items, an auditor to the audit trail, an admin to the administration) and the
// not-found page.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Title } from '../layout.jsx';
import { navigate } from '../router.js';

export function Home({ session }) {
  const role = session.user.role;
  useEffect(() => {
    if (role === 'worker') navigate('/work');
    if (role === 'client') navigate('/portal');
    if (role === 'auditor') navigate('/audit');
    if (role === 'admin') navigate('/admin');
  }, [role]);
  const [id, setId] = useState('');
  return (
    <section class="card">
      <Title>{t('home.title', { name: session.user.name })}</Title>
      <p>{t('home.later', { role: t('role.' + role) })}</p>
      <form class="inline" onSubmit={(e) => { e.preventDefault(); if (id) navigate('/items/' + id.trim()); }}>
        <label for="item-id">{t('home.item_id')}</label>
        <input id="item-id" inputmode="numeric" value={id} onInput={(e) => setId(e.currentTarget.value)} />
        <button type="submit">{t('home.open')}</button>
      </form>
    </section>
  );
}

export function NotFound() {
  return (
    <section class="card notfound">
      <Title>{t('notfound.title')}</Title>
      <p>{t('notfound.text')}</p>
      <p><a href="#/">{t('notfound.home')}</a></p>
    </section>
  );
}
