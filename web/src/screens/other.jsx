// other.jsx - small screens: home (per role), an item by URL (#/items/:id, within the
// user's scope: another client's item is "not found"), and the not-found page.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { fmtDateTime, t } from '../i18n/index.js';
import { Title } from '../layout.jsx';
import { navigate } from '../router.js';

export function Home({ session }) {
  const role = session.user.role;
  useEffect(() => {
    if (role === 'worker') navigate('/work');
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

export function ItemView({ params }) {
  const [state, setState] = useState({ loading: true });
  useEffect(() => {
    let live = true;
    setState({ loading: true });
    api.item(params.id)
      .then((item) => live && setState({ item }))
      .catch((err) => live && setState({ error: err }));
    return () => { live = false; };
  }, [params.id]);
  if (state.loading) return <p class="loading" role="status">{t('app.loading')}</p>;
  if (state.error) {
    if (state.error.status === 404 || state.error.status === 400) return <NotFound />;
    return <p class="error" role="alert">{t('err.generic', { code: state.error.code || state.error.status })}</p>;
  }
  const it = state.item;
  return (
    <section class="card">
      <Title>{t('item.title', { id: it.id })}</Title>
      <dl class="kv">
        <dt>{t('item.ref')}</dt><dd>{it.external_ref || '—'}</dd>
        <dt>{t('item.state')}</dt><dd>{t('state.' + it.state)}</dd>
        <dt>{t('item.due')}</dt><dd>{it.due_at ? fmtDateTime(it.due_at) : '—'}</dd>
      </dl>
      {it.payload !== undefined && (
        <>
          <h2>{t('item.payload')}</h2>
          <pre class="json">{JSON.stringify(it.payload, null, 2)}</pre>
        </>
      )}
      {it.result !== undefined && it.result !== null && (
        <>
          <h2>{t('item.result')}</h2>
          <pre class="json">{JSON.stringify(it.result, null, 2)}</pre>
        </>
      )}
    </section>
  );
}
