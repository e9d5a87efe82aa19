// tokens.jsx - API tokens (admin): every token, paged (#/admin/tokens, filter by user id), with
// revoke; and a user's own tokens on its edit page, where a new one is made and its text shown
// this once (the server keeps only its hash).
import { useState } from 'preact/hooks';
import { request } from '../../api.js';
import { fmtDateTime, t } from '../../i18n/index.js';
import { errText, ListScreen, Pager, usePaged } from './common.jsx';

const when = (v) => (v ? fmtDateTime(v) : t('adm.never'));

function RevokeButton({ tok, reload, setMsg }) {
  if (tok.revoked) return <span>{t('adm.revoked_at', { at: fmtDateTime(tok.revoked_at) })}</span>;
  async function revoke() {
    try {
      await request('POST', `/v1/tokens/${tok.id}/revoke`, {});
      setMsg({ ok: t('adm.token_revoked', { id: tok.id }) });
      reload();
    } catch (err) {
      setMsg({ error: errText(err) });
    }
  }
  return <button type="button" class="secondary" onClick={revoke}>{t('adm.revoke_n', { id: tok.id })}</button>;
}

const COLS = [
  { key: 'id', label: 'adm.f.id' },
  { key: 'prefix', label: 'adm.f.prefix', cell: (r) => (r.prefix ? <code>{r.prefix}…</code> : '—') },
  { key: 'user', label: 'adm.f.user', cell: (r) => <a href={'#/admin/users/' + r.user_id}>{r.user}</a> },
  { key: 'created_at', label: 'adm.f.created', cell: (r) => when(r.created_at) },
  { key: 'expires_at', label: 'adm.f.expires', cell: (r) => when(r.expires_at) },
  { key: 'last_used_at', label: 'adm.f.last_used', cell: (r) => when(r.last_used_at) },
];

const userFilter = {
  name: 'user_id',
  render: (v, set) => (
    <label key="user_id">
      <span>{t('adm.f.user_id')}</span>
      <input inputmode="numeric" value={v} onInput={(e) => set(e.currentTarget.value)} />
    </label>
  ),
};

export function Tokens({ session, params }) {
  return (
    <ListScreen session={session} kind="tokens" cols={COLS} params={params} filters={[userFilter]}
      rowActions={(r, ctx) => <RevokeButton tok={r} {...ctx} />} />
  );
}

// The tokens section of a user's page: its tokens (paged), a new one (expiry in days, or
// never), shown once in a box to copy.
export function UserTokens({ user }) {
  const list = usePaged('/v1/tokens', { user_id: user.id });
  const [days, setDays] = useState('');
  const [made, setMade] = useState(null);
  const [msg, setMsg] = useState(null);

  async function create(e) {
    e.preventDefault();
    setMsg(null);
    setMade(null);
    const body = days.trim() ? { expires_in: /^\d+$/.test(days.trim()) ? Number(days.trim()) * 86400 : days.trim() } : {};
    try {
      setMade(await request('POST', `/v1/users/${user.id}/tokens`, body));
      list.reload();
    } catch (err) {
      setMsg({ error: errText(err) });
    }
  }

  const { page } = list;
  return (
    <section class="tokens" aria-labelledby="tok-h">
      <h2 id="tok-h">{t('adm.tokens_of', { name: user.name })}</h2>
      <form class="inline" onSubmit={create}>
        <label for="tok-days">{t('adm.token_days')}</label>
        <input id="tok-days" inputmode="numeric" value={days} onInput={(e) => setDays(e.currentTarget.value)} aria-describedby="tok-days-hint" />
        <button type="submit">{t('adm.token_create')}</button>
        <p class="hint" id="tok-days-hint">{t('adm.token_days_hint')}</p>
      </form>
      {made && (
        <div class="msg ok token-made" role="status">
          <p>{t('adm.token_once', { id: made.id })}</p>
          <label for="tok-text">{t('adm.token_text')}</label>
          <input id="tok-text" class="token-text" readonly value={made.token} onFocus={(e) => e.currentTarget.select()} />
        </div>
      )}
      {msg && <p class={msg.error ? 'error' : 'msg ok'} role={msg.error ? 'alert' : 'status'}>{msg.error || msg.ok}</p>}
      {page.error && <p class="error" role="alert">{errText(page.error)}</p>}
      {page.rows && page.rows.length === 0 && <p>{t('adm.no_tokens')}</p>}
      {page.rows && page.rows.length > 0 && (
        <table class="items admin-list">
          <caption>{t('adm.page', { page: list.pageNo })}</caption>
          <thead>
            <tr>
              {COLS.filter((c) => c.key !== 'user').map((c) => <th key={c.key} scope="col">{t(c.label)}</th>)}
              <th scope="col">{t('adm.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {page.rows.map((r) => (
              <tr key={r.id}>
                {COLS.filter((c) => c.key !== 'user').map((c) => <td key={c.key}>{c.cell ? c.cell(r) : String(r[c.key])}</td>)}
                <td><RevokeButton tok={r} reload={list.reload} setMsg={setMsg} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} />
    </section>
  );
}
