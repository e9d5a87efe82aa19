// item.jsx - one item by URL (#/items/:id, within the user's scope: another client's item is
// "not found"): its state, due time, payload and result, its history, and, where the policy
// lets the user (docs/api.md, item.review: staff, or a client user on its own KPO work),
// Accept and Send back with a reason for submitted or in-review work. A KPO item also shows its
// milestones and its review chain (who, when, comments): the senior reviewer (staff) approves
// or returns submitted work, and the client's user approves or returns it only once it is in
// review (docs/api.md "KPO deliverables").
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { apiErrorText, fmtDateTime, t } from '../i18n/index.js';
import { Title } from '../layout.jsx';
import { NotFound } from './other.jsx';
import { isLate } from './portal.jsx';

const REVIEWABLE = ['submitted', 'in_review'];
// The history's actions (src/core/item.h); one the catalogue does not know shows as it is.
const ACTIONS = ['create', 'assign', 'expire', 'submit', 'review', 'accept', 'rework', 'cancel', 'fail', 'renew'];

const STAFF = ['admin', 'manager'];

// Mirrors the policy's item.review cell and the KPO chain (item.senior_review,
// item.client_approve), so the buttons show only when the API would allow them; the API still
// decides, and its refusal is shown as it says it. 'bpo': accept and send back (staff);
// 'senior': approve for the client and return (staff, KPO submitted; return only once in
// review); 'client': approve and return (the client's user, KPO in review); null: none.
function reviewMode(role, eng, state) {
  const kpo = !!eng && eng.kind === 'kpo';
  if (!kpo) return STAFF.includes(role) && REVIEWABLE.includes(state) ? 'bpo' : null;
  if (STAFF.includes(role) && REVIEWABLE.includes(state)) return 'senior';
  if (role === 'client' && state === 'in_review') return 'client';
  return null;
}

function byText(by) {
  if (!by || !by.user_id) return t('kpo.by_system');
  return t('kpo.by', { role: by.role ? t('role.' + by.role) : '?', id: by.user_id });
}

// A deliverable is text or a link (files come through the intake): a lone http(s) URL opens.
function Deliverable({ text }) {
  if (!text) return '—';
  if (/^https?:\/\/\S+$/.test(text)) return <a href={text} rel="noopener noreferrer" target="_blank">{text}</a>;
  return text;
}

function Milestones({ list }) {
  return (
    <section aria-labelledby="ms-h">
      <h2 id="ms-h">{t('kpo.milestones')}</h2>
      {list.length === 0 ? <p>{t('kpo.m_none')}</p> : (
        <table class="milestones">
          <caption class="sr-only">{t('kpo.milestones')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('kpo.m_title')}</th>
              <th scope="col">{t('kpo.m_due')}</th>
              <th scope="col">{t('kpo.m_deliverable')}</th>
              <th scope="col">{t('kpo.m_status')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((m) => (
              <tr key={m.id}>
                <td>{m.title}</td>
                <td>{fmtDateTime(m.due_at)}</td>
                <td class="deliverable"><Deliverable text={m.deliverable} /></td>
                <td>{m.submitted ? t('kpo.m_submitted', { at: fmtDateTime(m.submitted_at) }) : t('kpo.m_open')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Chain({ chain }) {
  return (
    <section aria-labelledby="chain-h">
      <h2 id="chain-h">{t('kpo.chain')}</h2>
      {chain.approved_at && (
        <p class="msg info approved">{t('kpo.approved', { id: chain.approved_by, at: fmtDateTime(chain.approved_at) })}</p>
      )}
      {chain.steps.length === 0 ? <p>{t('kpo.c_none')}</p> : (
        <table class="chain-table">
          <caption class="sr-only">{t('kpo.chain')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('kpo.c_at')}</th>
              <th scope="col">{t('kpo.c_step')}</th>
              <th scope="col">{t('kpo.c_by')}</th>
              <th scope="col">{t('kpo.c_comments')}</th>
            </tr>
          </thead>
          <tbody>
            {chain.steps.map((s, i) => (
              <tr key={i} data-step={s.step}>
                <td>{fmtDateTime(s.at)}</td>
                <td>{t('kpo.step.' + s.step)}</td>
                <td>{byText(s.by)}</td>
                <td>{s.comments || ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
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
    let milestones = null;
    let chain = null;
    if (eng && eng.kind === 'kpo') {
      // Auditors may read the item but not the client's milestone texts: shown without them.
      [milestones, chain] = await Promise.all([
        api.milestones(id).then((r) => r.data || []).catch(() => null),
        api.chain(id).catch(() => null),
      ]);
    }
    return { item, history: Array.isArray(history) ? history : history.data || [], eng, milestones, chain };
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
      setMsg({ error: apiErrorText(err) });
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
  const { item: it, history, eng, milestones, chain } = state;
  const role = session.user.role;
  const mode = reviewMode(role, eng, it.state);
  const kpo = !!eng && eng.kind === 'kpo';
  const comments = () => (reason.trim() ? reason.trim() : undefined);
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
      {kpo && role === 'client' && it.state === 'submitted' && <p class="msg info note">{t('kpo.awaiting_senior')}</p>}
      {mode && (
        <section class="review" aria-labelledby="review-h">
          <h2 id="review-h">{t('item.review')}</h2>
          <p>{t(mode === 'bpo' ? 'item.review_hint' : mode === 'client' ? 'kpo.client_hint' : 'kpo.senior_hint')}</p>
          {mode === 'bpo' && <button type="button" disabled={busy} onClick={() => act(() => api.accept(id), 'item.accepted')}>{t('item.accept')}</button>}
          {mode === 'client' && <button type="button" disabled={busy} onClick={() => act(() => api.accept(id, comments()), 'item.accepted')}>{t('item.accept')}</button>}
          {mode === 'senior' && it.state === 'submitted' && (
            <button type="button" disabled={busy} onClick={() => act(() => api.review(id, comments()), 'kpo.approved_ok')}>{t('kpo.senior_approve')}</button>
          )}
          <form class="sendback" onSubmit={sendBack} novalidate>
            <label for="rework-reason">{t(mode === 'bpo' ? 'item.reason' : 'kpo.comments')}</label>
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
      {milestones && <Milestones list={milestones} />}
      {chain && chain.kpo && <Chain chain={chain} />}
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
