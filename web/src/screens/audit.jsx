// audit.jsx - the audit trail for auditors and admins (#/audit): the events oldest first, paged
// by the server's cursor, filtered by client, actor, action (a name or a family "item.") and a
// time window (GET /v1/audit's filters, kept in the URL as the API takes them; the window is
// picked in the browser's time zone and sent as UTC), each edit's before and after; and
// "Verify", GET /v1/audit/verify, with its answer: intact, or the first event where the chain
// breaks and every problem found.
import { useEffect, useState } from 'preact/hooks';
import { request } from '../api.js';
import { fmtDateTime, fmtNumber, t } from '../i18n/index.js';
import { Title } from '../layout.jsx';
import { navigate } from '../router.js';
import { clientFilter, errText, Pager, useClientName, usePaged } from './admin/common.jsx';

// The filters in the URL, as GET /v1/audit takes them (from and to: RFC 3339, UTC).
const FILTERS = ['client_id', 'actor', 'action', 'from', 'to'];

// Suggestions for the action field (any action name or family may be typed): the families
// and the events an auditor looks for most.
const ACTIONS = ['item.', 'client.', 'engagement.', 'user.', 'token.', 'worker.', 'session.', 'password.',
  'service.', 'time.', 'period.', 'invoice.', 'webhook.', 'import.', 'milestone.', 'gold.',
  'item.create', 'item.read', 'item.unmask', 'item.export', 'item.submit', 'item.review', 'item.cancel',
  'client.create', 'client.update', 'user.create', 'user.update', 'token.create', 'token.revoke',
  'worker.create', 'worker.update', 'worker.status', 'engagement.create', 'engagement.update',
  'session.create', 'session.end', 'session.revoke', 'password.set', 'password.link'];

// An RFC 3339 time as a datetime-local field's value (to the second: an audit looks closely),
// in the browser's time zone, and back.
const pad = (n) => String(n).padStart(2, '0');
function toLocalInput(iso) {
  const d = new Date(iso);
  if (!iso || isNaN(d)) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
function fromLocalInput(v) {
  const d = new Date(v); // "YYYY-MM-DDTHH:MM" without a zone: the browser's local time
  return v && !isNaN(d) ? d.toISOString() : '';
}

// The form's values from the URL's filters.
function formOf(q) {
  const f = {};
  for (const k of FILTERS) f[k] = q.get(k) || '';
  f.from = toLocalInput(f.from);
  f.to = toLocalInput(f.to);
  return f;
}

// An event's detail as text: "field: before → after" per changed field, else its JSON.
// Who acted: the system, or the user's login name (the server's actor_name, as it is now) with
// the id the event's hash covers; the id alone when the user no longer exists.
function who(a) {
  if (a.actor_user_id === null) return t('audit.system');
  return a.actor_name ? t('audit.user_named', { name: a.actor_name, id: a.actor_user_id })
    : t('audit.user_n', { id: a.actor_user_id });
}

function detailText(d) {
  if (d === null || d === undefined) return '—';
  if (typeof d === 'object' && !Array.isArray(d) && Object.values(d).every((v) => v && typeof v === 'object' && 'before' in v)) {
    return Object.entries(d).map(([k, v]) => `${k}: ${JSON.stringify(v.before)} → ${JSON.stringify(v.after)}`).join('; ');
  }
  return typeof d === 'string' ? d : JSON.stringify(d);
}

function Verify() {
  const [res, setRes] = useState(null);
  const [busy, setBusy] = useState(false);
  async function run() {
    setBusy(true);
    setRes(null);
    try {
      setRes({ ok: await request('GET', '/v1/audit/verify') });
    } catch (err) {
      setRes({ error: err });
    } finally {
      setBusy(false);
    }
  }
  const v = res && res.ok;
  return (
    <section class="verify" aria-labelledby="verify-h">
      <h2 id="verify-h">{t('audit.verify_title')}</h2>
      <p>{t('audit.verify_text')}</p>
      <button type="button" onClick={run} disabled={busy}>{t('audit.verify')}</button>
      {busy && <p class="loading" role="status">{t('audit.verifying')}</p>}
      {res && res.error && <p class="error" role="alert">{errText(res.error)}</p>}
      {v && (
        <div class={'verdict ' + (v.intact ? 'intact' : 'broken')} role={v.intact ? 'status' : 'alert'}>
          <p class="verdict-line">
            {v.intact
              ? t('audit.intact', { n: fmtNumber(v.checked) })
              : v.first_bad_seq
                ? t('audit.broken_at', { seq: fmtNumber(v.first_bad_seq), n: fmtNumber(v.checked) })
                : t('audit.broken', { n: fmtNumber(v.checked) })}
          </p>
          <p>
            {v.signed_size === null ? t('audit.no_head') : t('audit.signed', { n: fmtNumber(v.signed_size), u: fmtNumber(v.unsigned_events) })}
          </p>
          {v.problems && v.problems.length > 0 && (
            <ul class="problems" aria-label={t('audit.problems')}>
              {v.problems.map((p, i) => <li key={i}>{p}</li>)}
            </ul>
          )}
          {!v.intact && v.first_bad_seq && (
            <p><a href={`#/audit?after=${v.first_bad_seq - 1}`}>{t('audit.show_bad', { seq: fmtNumber(v.first_bad_seq) })}</a></p>
          )}
        </div>
      )}
    </section>
  );
}

export function Audit({ params }) {
  const q = params.query;
  const query = {};
  for (const k of FILTERS) if (q.get(k)) query[k] = q.get(k);
  // ?after=N starts the trail after event N (verify's link to where the chain breaks).
  const start = q.get('after');
  const list = usePaged('/v1/audit', start ? { ...query, after: start } : query);
  const [form, setForm] = useState(() => formOf(q));
  const [bad, setBad] = useState(false);
  useEffect(() => setForm(formOf(q)), [q.toString()]);
  const clientName = useClientName();
  const set = (k) => (v) => setForm({ ...form, [k]: v });

  function apply(e) {
    e.preventDefault();
    const p = new URLSearchParams();
    const v = { ...form, from: fromLocalInput(form.from), to: fromLocalInput(form.to) };
    if (v.from && v.to && v.from >= v.to) {
      setBad(true); // said in the user's language, not the API's English
      return;
    }
    setBad(false);
    for (const k of FILTERS) if (String(v[k]).trim()) p.set(k, String(v[k]).trim());
    const s = p.toString();
    navigate('/audit' + (s ? '?' + s : ''));
  }
  function clear() {
    setBad(false);
    navigate('/audit');
  }
  const { page } = list;
  return (
    <section class="card audit">
      <Title>{t('audit.title')}</Title>
      <Verify />
      <h2>{t('audit.trail')}</h2>
      <form class="filters" onSubmit={apply} aria-label={t('portal.filters')}>
        {clientFilter.render(form.client_id, set('client_id'))}
        <label>
          <span>{t('audit.f_actor')}</span>
          <input name="actor" type="number" min="1" step="1" inputmode="numeric" value={form.actor}
            onInput={(e) => set('actor')(e.currentTarget.value)} />
        </label>
        <label>
          <span>{t('audit.f_action')}</span>
          <input name="action" type="text" list="audit-actions" maxLength={63} autocomplete="off" spellcheck={false}
            value={form.action} onInput={(e) => set('action')(e.currentTarget.value)} />
        </label>
        <datalist id="audit-actions">
          {ACTIONS.map((a) => <option key={a} value={a} />)}
        </datalist>
        <label>
          <span>{t('audit.f_from')}</span>
          <input name="from" type="datetime-local" step="1" value={form.from} aria-invalid={bad ? 'true' : undefined}
            aria-describedby={bad ? 'audit-range' : undefined} onInput={(e) => set('from')(e.currentTarget.value)} />
        </label>
        <label>
          <span>{t('audit.f_to')}</span>
          <input name="to" type="datetime-local" step="1" value={form.to} aria-invalid={bad ? 'true' : undefined}
            aria-describedby={bad ? 'audit-range' : undefined} onInput={(e) => set('to')(e.currentTarget.value)} />
        </label>
        <button type="submit">{t('portal.apply')}</button>
        <button type="button" class="secondary" onClick={clear}>{t('audit.f_clear')}</button>
      </form>
      {bad && <p class="error" id="audit-range" role="alert">{t('audit.bad_range')}</p>}
      <p class="hint">{t('audit.filters_hint')}</p>
      {page.error && <p class="error" role="alert">{errText(page.error)}</p>}
      {page.loading && <p class="loading" role="status">{t('app.loading')}</p>}
      {page.rows && page.rows.length === 0 && !page.loading && <p role="status">{t('audit.empty')}</p>}
      {page.rows && page.rows.length > 0 && (
        <table class="items audit-list">
          <caption>{t('adm.page', { page: list.pageNo })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('audit.seq')}</th>
              <th scope="col">{t('audit.at')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.record')}</th>
              <th scope="col">{t('adm.f.client')}</th>
              <th scope="col">{t('audit.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {page.rows.map((a) => (
              <tr key={a.seq}>
                <td>{fmtNumber(a.seq)}</td>
                <td>{fmtDateTime(a.at)}</td>
                <td>{who(a)}</td>
                <td><code>{a.action}</code></td>
                <td>{a.record_type} {a.record_id}</td>
                <td>{clientName(a.client_id)}</td>
                <td class="detail">{detailText(a.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} />
    </section>
  );
}
