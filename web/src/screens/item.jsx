// item.jsx - one item by URL (#/items/:id, within the user's scope: another client's item is
// "not found"): its state, due time, payload and result, its history, and, where the policy
// lets the user (docs/api.md, item.review: staff, or a client user on its own KPO work),
// Accept and Send back with a reason for submitted or in-review work.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { fmtDateTime, t } from '../i18n/index.js';
import { Title } from '../layout.jsx';
import { NotFound } from './other.jsx';
import { isLate } from './portal.jsx';

const REVIEWABLE = ['submitted', 'in_review'];
// The history's actions (src/core/item.h); one the catalogue does not know shows as it is.
const ACTIONS = ['create', 'assign', 'expire', 'submit', 'review', 'accept', 'rework', 'cancel', 'fail', 'renew'];

// Mirrors the policy's item.review cell, so the buttons show only when the API would allow
// them; the API still decides, and its refusal is shown as it says it.
function mayReview(role, eng) {
  if (role === 'admin' || role === 'manager') return true;
  return role === 'client' && !!eng && eng.kind === 'kpo';
}

function Value({ v }) {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    if (keys.every((k) => v[k] === null || typeof v[k] !== 'object')) {
      return (
        <dl class="kv">
          {keys.map((k) => [<dt key={'k' + k}>{k}</dt>, <dd key={'v' + k}>{v[k] === null ? '—' : String(v[k])}</dd>])}
        </dl>
      );
    }
  }
  return <pre class="json">{JSON.stringify(v, null, 2)}</pre>;
}

function historyText(ev) {
  const d = ev.detail;
  if (d && typeof d === 'object' && typeof d.reason === 'string') return d.reason;
  return '';
}

export function ItemDetail({ params, session }) {
  const id = params.id;
  const [state, setState] = useState({ loading: true });
  const [msg, setMsg] = useState(params.query.get('created') ? { ok: t('item.created_ok', { id }) } : null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const reasonRef = useRef(null);

  async function load() {
    const item = await api.item(id);
    const [history, eng] = await Promise.all([
      api.history(id).catch(() => []),
      api.engagement(item.engagement_id).catch(() => null),
    ]);
    return { item, history: Array.isArray(history) ? history : history.data || [], eng };
  }

  useEffect(() => {
    let live = true;
    setState({ loading: true });
    load()
      .then((s) => live && setState(s))
      .catch((err) => live && setState({ error: err }));
    return () => { live = false; };
  }, [id]);

  async function act(fn, okKey) {
    setBusy(true);
    setMsg(null);
    try {
      const it = await fn();
      setState(await load());
      setReason('');
      setMsg({ ok: t(okKey, { id, state: t('state.' + it.state) }) });
    } catch (err) {
      setMsg({ error: err.message && err.status ? err.message : t('err.generic', { code: err.code || err.status }) });
    } finally {
      setBusy(false);
    }
  }

  function sendBack(e) {
    e.preventDefault();
    if (!reason.trim()) {
      setMsg({ error: t('item.reason_needed') });
      if (reasonRef.current) reasonRef.current.focus();
      return;
    }
    act(() => api.rework(id, reason.trim()), 'item.sent_back');
  }

  if (state.loading) return <p class="loading" role="status">{t('app.loading')}</p>;
  if (state.error) {
    if (state.error.status === 404 || state.error.status === 400) return <NotFound />;
    return <p class="error" role="alert">{t('err.generic', { code: state.error.code || state.error.status })}</p>;
  }
  const { item: it, history, eng } = state;
  const role = session.user.role;
  const canReview = REVIEWABLE.includes(it.state) && mayReview(role, eng);
  return (
    <section class="card itemdetail">
      <Title>{t('item.title', { id: it.id })}</Title>
      {role !== 'worker' && <p><a href="#/portal">{t('item.back')}</a></p>}
      <div class="msgs" role="status">{msg && msg.ok && <p class="msg ok">{msg.ok}</p>}</div>
      {msg && msg.error && <p class="error" role="alert">{msg.error}</p>}
      <dl class="kv">
        <dt>{t('item.ref')}</dt><dd>{it.external_ref || '—'}</dd>
        <dt>{t('item.engagement')}</dt><dd>{eng ? eng.name : it.engagement_id}</dd>
        <dt>{t('item.state')}</dt><dd class="item-state">{t('state.' + it.state)}</dd>
        <dt>{t('item.priority')}</dt><dd>{it.priority}</dd>
        <dt>{t('item.created')}</dt><dd>{fmtDateTime(it.created_at)}</dd>
        <dt>{t('item.due')}</dt>
        <dd>
          {it.due_at ? fmtDateTime(it.due_at) : '—'}
          {isLate(it) && <> <span class="late">{t('item.late')}</span></>}
        </dd>
      </dl>
      {canReview && (
        <section class="review" aria-labelledby="review-h">
          <h2 id="review-h">{t('item.review')}</h2>
          <p>{t('item.review_hint')}</p>
          <button type="button" disabled={busy} onClick={() => act(() => api.accept(id), 'item.accepted')}>{t('item.accept')}</button>
          <form class="sendback" onSubmit={sendBack} novalidate>
            <label for="rework-reason">{t('item.reason')}</label>
            <textarea id="rework-reason" ref={reasonRef} rows="3" maxlength="2000" required aria-required="true"
              value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
            <button type="submit" class="secondary" disabled={busy}>{t('item.send_back')}</button>
          </form>
        </section>
      )}
      {it.payload !== undefined && (
        <>
          <h2>{t('item.payload')}</h2>
          <Value v={it.payload} />
        </>
      )}
      {it.result !== undefined && it.result !== null && (
        <>
          <h2>{t('item.result')}</h2>
          <Value v={it.result} />
        </>
      )}
      <h2>{t('item.history')}</h2>
      <table class="history-table">
        <caption class="sr-only">{t('item.history')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('item.h_at')}</th>
            <th scope="col">{t('item.h_action')}</th>
            <th scope="col">{t('item.h_change')}</th>
            <th scope="col">{t('item.h_note')}</th>
          </tr>
        </thead>
        <tbody>
          {history.map((ev) => (
            <tr key={ev.id}>
              <td>{fmtDateTime(ev.at)}</td>
              <td>{ACTIONS.includes(ev.action) ? t('action.' + ev.action) : ev.action}</td>
              <td>{ev.from ? `${t('state.' + ev.from)} → ${t('state.' + ev.to)}` : t('state.' + ev.to)}</td>
              <td>{historyText(ev)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
