// audit.jsx - the audit trail for auditors and admins (#/audit): the events oldest first, paged
// by the server's cursor, filtered by client (the one filter GET /v1/audit has), each edit's
// before and after; and "Verify", GET /v1/audit/verify, with its answer: intact, or the first
// event where the chain breaks and every problem found.
import { useState } from 'preact/hooks';
import { request } from '../api.js';
import { fmtDateTime, fmtNumber, t } from '../i18n/index.js';
import { Title } from '../layout.jsx';
import { navigate } from '../router.js';
import { clientFilter, errText, Pager, useClientName, usePaged } from './admin/common.jsx';

// An event's detail as text: "field: before → after" per changed field, else its JSON.
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
  if (q.get('client_id')) query.client_id = q.get('client_id');
  // ?after=N starts the trail after event N (verify's link to where the chain breaks).
  const start = q.get('after');
  const list = usePaged('/v1/audit', start ? { ...query, after: start } : query);
  const [form, setForm] = useState(query.client_id || '');
  const clientName = useClientName();

  function apply(e) {
    e.preventDefault();
    navigate('/audit' + (form ? '?client_id=' + encodeURIComponent(form) : ''));
  }
  const { page } = list;
  return (
    <section class="card audit">
      <Title>{t('audit.title')}</Title>
      <Verify />
      <h2>{t('audit.trail')}</h2>
      <form class="filters" onSubmit={apply} aria-label={t('portal.filters')}>
        {clientFilter.render(form, setForm)}
        <button type="submit">{t('portal.apply')}</button>
      </form>
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
                <td>{a.actor_user_id === null ? t('audit.system') : t('audit.user_n', { id: a.actor_user_id })}</td>
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
