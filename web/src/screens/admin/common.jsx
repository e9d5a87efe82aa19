// common.jsx - what the administration screens share: the sections each role may open, a list
// paged by the server's cursor, a create/edit form built from a field table whose fields show
// the API's reasons beside them, and the activate/deactivate switch.
import { useEffect, useState } from 'preact/hooks';
import { request } from '../../api.js';
import { apiErrorText, fmtNumber, t } from '../../i18n/index.js';
import { Title } from '../../layout.jsx';
import { navigate } from '../../router.js';
import { NotFound } from '../other.jsx';

export const PAGE = 25;

// What each role may do per record kind (docs/api.md's access table; the API decides anyway,
// these only keep the screen from offering what would be refused). c: create, e: edit,
// a: deactivate/activate (tokens: revoke).
const CAN = {
  clients: { admin: 'cea', manager: 'a' },
  services: { admin: 'ce', manager: '' },
  engagements: { admin: 'cea', manager: 'cea' },
  workers: { admin: 'cea', manager: 'cea' },
  users: { admin: 'cea' },
  tokens: { admin: 'ca' },
};
export const KINDS = Object.keys(CAN);

export function can(session, kind, what) {
  const c = CAN[kind][session.user.role];
  return c !== undefined && (what === 'read' || c.includes(what));
}

export const get = (path, query) =>
  request('GET', query ? `${path}?${new URLSearchParams(query)}` : path);

// The API's reasons per form field: a 400's error.fields where it gives them, else its message
// when it starts with a field's name ("sla_seconds: must be..."); the rest goes above the form.
export function fieldErrors(err, names, alias = {}) {
  const out = {};
  const e = (err.body && err.body.error) || {};
  const raw = err.message || ''; // the server's sentence, which names the field
  const msg = apiErrorText(err);
  const at = (name) => {
    const n = [...names, ...Object.keys(alias)].find((x) => name === x || name.startsWith(x + '.') || name.startsWith(x + '['));
    return (n && alias[n]) || n;
  };
  if (Array.isArray(e.fields) && e.fields.length) {
    for (const f of e.fields) {
      const n = at(String(f.field || ''));
      if (n) out[n] = f.reason ? apiErrorText(err, f.reason) : msg;
      else out._ = msg;
    }
    return out;
  }
  // "time_zone X is not...", "sla_seconds must be...", "required_skills[0].level must...",
  // "invalid body: name: Expected string", "invalid body: Object item not found: code".
  const m = /not found: ([a-z_]+)$/.exec(raw) || /^(?:invalid body: )?([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+)*)[ :]/.exec(raw);
  let n = m && at(m[1]);
  // A 409 "a client with code 'acme' exists" belongs beside the field it names.
  if (!n && err.code === 'exists') n = names.find((x) => new RegExp(`\\b${x}\\b`).test(raw));
  if (n) out[n] = msg;
  else out._ = msg;
  return out;
}

// The section tabs of the administration: the kinds this role may read.
export function AdminNav({ session, kind }) {
  return (
    <nav class="tabs" aria-label={t('adm.sections')}>
      <ul>
        {KINDS.filter((k) => can(session, k, 'read')).map((k) => (
          <li key={k}>
            <a href={'#/admin/' + k} aria-current={k === kind ? 'page' : undefined}>{t('adm.' + k)}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

// #/admin: the sections as links; a manager or admin picks one.
export function AdminHome({ session }) {
  return (
    <section class="card admin">
      <Title>{t('adm.title')}</Title>
      <AdminNav session={session} />
      <p>{t('adm.intro')}</p>
    </section>
  );
}

// A page of GET path?limit=25&after=... with the filter query; Next follows next_cursor,
// Previous goes back through the cursors seen. Returns {page, pageNo, next, prev, reload}.
export function usePaged(path, query) {
  const key = JSON.stringify(query || {});
  const [cursors, setCursors] = useState([null]);
  const [page, setPage] = useState({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => setCursors([null]), [key]);
  const after = cursors[cursors.length - 1];
  useEffect(() => {
    let live = true;
    const q = { ...(query || {}), limit: PAGE };
    if (after) q.after = after;
    setPage((p) => ({ ...p, loading: true }));
    get(path, q)
      .then((r) => live && setPage({ rows: r.data || [], next: r.next_cursor }))
      .catch((err) => live && setPage({ error: err }));
    return () => { live = false; };
  }, [path, key, after, tick]);
  return {
    page,
    pageNo: cursors.length,
    next: () => setCursors([...cursors, page.next]),
    prev: () => setCursors(cursors.slice(0, -1)),
    reload: () => setTick(tick + 1),
  };
}

export function Pager({ list }) {
  return (
    <nav class="pager" aria-label={t('portal.pages')}>
      <button type="button" class="secondary" disabled={list.pageNo < 2} onClick={list.prev}>{t('portal.prev')}</button>
      <button type="button" class="secondary" disabled={!list.page.next || list.page.loading} onClick={list.next}>{t('portal.next')}</button>
    </nav>
  );
}

export function errText(err) {
  return apiErrorText(err);
}

// The first page of 100 of a list, for a choice (clients in a select): a provider has tens of
// clients, not thousands; a longer list would want a search box instead.
export function useOptions(path) {
  const [list, setList] = useState([]);
  useEffect(() => {
    let live = true;
    get(path, { limit: 100 }).then((r) => live && setList(r.data || [])).catch(() => live && setList([]));
    return () => { live = false; };
  }, [path]);
  return list;
}

export const yesNo = (b) => t(b ? 'adm.active_yes' : 'adm.active_no');
export const num = (n) => (n === null || n === undefined ? '—' : fmtNumber(n));

// A list screen: title, tabs, a "New" link, the filter form (if any), the table, the pager.
// cols: [{key, label, cell(row)}]; filter: {render(form, set), query(params.query)}.
export function ListScreen({ session, kind, cols, filters, params, rowActions }) {
  const q = params.query;
  const query = {};
  for (const f of filters || []) if (q.get(f.name)) query[f.name] = q.get(f.name);
  const list = usePaged('/v1/' + kind, query);
  const [form, setForm] = useState(query);
  const [msg, setMsg] = useState(null);
  useEffect(() => setForm(query), [q.toString()]);

  function apply(e) {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const f of filters) if (form[f.name]) p.set(f.name, String(form[f.name]).trim());
    const s = p.toString();
    navigate('/admin/' + kind + (s ? '?' + s : ''));
  }
  const { page } = list;
  return (
    <section class={'card admin admin-' + kind}>
      <Title>{t('adm.' + kind)}</Title>
      <AdminNav session={session} kind={kind} />
      {can(session, kind, 'c') && kind !== 'tokens' && (
        <p><a href={`#/admin/${kind}/new`} class="button-link">{t('adm.new_' + kind)}</a></p>
      )}
      {filters && filters.length > 0 && (
        <form class="filters" onSubmit={apply} aria-label={t('portal.filters')}>
          {filters.map((f) => f.render(form[f.name] || '', (v) => setForm((fm) => ({ ...fm, [f.name]: v }))))}
          <button type="submit">{t('portal.apply')}</button>
        </form>
      )}
      {msg && <p class={msg.error ? 'error' : 'msg ok'} role={msg.error ? 'alert' : 'status'}>{msg.error || msg.ok}</p>}
      {page.error && <p class="error" role="alert">{errText(page.error)}</p>}
      {page.loading && <p class="loading" role="status">{t('app.loading')}</p>}
      {page.rows && page.rows.length === 0 && !page.loading && <p role="status">{t('adm.empty')}</p>}
      {page.rows && page.rows.length > 0 && (
        <table class="items admin-list">
          <caption>{t('adm.page', { page: list.pageNo })}</caption>
          <thead>
            <tr>
              {cols.map((c) => <th key={c.key} scope="col">{t(c.label)}</th>)}
              {rowActions && <th scope="col">{t('adm.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {page.rows.map((r) => (
              <tr key={r.id}>
                {cols.map((c) => <td key={c.key}>{c.cell ? c.cell(r) : r[c.key] === null || r[c.key] === undefined ? '—' : String(r[c.key])}</td>)}
                {rowActions && <td>{rowActions(r, { reload: list.reload, setMsg })}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} />
    </section>
  );
}

// The link to a record's edit page (or its id when the role may not edit it).
export const editLink = (session, kind, label) => (r) =>
  can(session, kind, 'e') ? <a href={`#/admin/${kind}/${r.id}`}>{label(r)}</a> : label(r);

// Deactivate / activate (POST /v1/<kind>/:id/deactivate|activate) for a row.
export function ActiveButton({ kind, rec, reload, setMsg, label }) {
  const [busy, setBusy] = useState(false);
  async function flip() {
    setBusy(true);
    try {
      await request('POST', `/v1/${kind}/${rec.id}/${rec.active ? 'deactivate' : 'activate'}`, {});
      setMsg({ ok: t(rec.active ? 'adm.deactivated' : 'adm.activated', { name: label }) });
      reload();
    } catch (err) {
      setMsg({ error: errText(err) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <button type="button" class="secondary" disabled={busy} onClick={flip}>
      {t(rec.active ? 'adm.deactivate_n' : 'adm.activate_n', { name: label })}
    </button>
  );
}

// ---------------------------------------------------------------- the record form

// One form field (spec): name (the API's), label key, type text|int|select|levels|clearances|
// list; create: only when creating (the API cannot change it); required; options [[v, key]];
// from(record) -> form value; to(form value) -> JSON value or undefined (left out).
const TYPES = {
  text: { from: (v) => (v === null || v === undefined ? '' : String(v)), to: (v) => (v.trim() === '' ? undefined : v.trim()) },
  int: {
    from: (v) => (v === null || v === undefined ? '' : String(v)),
    // A number the API checks; text it refuses is sent as it is, so its reason shows.
    to: (v) => (v.trim() === '' ? undefined : /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v.trim()),
  },
  list: { from: (v) => (v || []).join(', '), to: (v) => v.split(',').map((s) => s.trim()).filter(Boolean) },
  levels: {
    from: (v) => (v || []).map((s) => ({ code: s.code, level: String(s.level) })),
    to: (rows) => rows.filter((r) => r.code.trim()).map((r) => ({ code: r.code.trim(), level: Number(r.level) || r.level })),
  },
  clearances: {
    from: (v) => (v || []).map((c) => (typeof c === 'number' ? { client_id: String(c), expires_at: '', nda_ref: '' }
      : { client_id: String(c.client_id), expires_at: (c.expires_at || '').slice(0, 10), nda_ref: c.nda_ref || '', unmasked: c.unmasked })),
    to: (rows) => rows.filter((r) => r.client_id).map((r) => {
      if (!r.expires_at && !r.nda_ref && !r.unmasked) return Number(r.client_id);
      const o = { client_id: Number(r.client_id) };
      if (r.expires_at) o.expires_at = r.expires_at + 'T00:00:00Z';
      if (r.nda_ref) o.nda_ref = r.nda_ref;
      if (r.unmasked) o.unmasked = r.unmasked;
      return o;
    }),
  },
};
TYPES.select = TYPES.text;

const typeOf = (f) => TYPES[f.type || 'text'];
const fromRec = (f, rec) => (f.from ? f.from(rec) : typeOf(f).from(rec ? rec[f.name] : f.initial));
const toJson = (f, v) => (f.to ? f.to(v) : typeOf(f).to(v));

// The body of a create (every field given) or an edit (only the fields that changed).
function bodyOf(fields, form, orig) {
  const body = {};
  for (const f of fields) {
    if (orig && f.create) continue;
    if (f.when && !f.when(form)) continue;
    const v = toJson(f, form[f.name]);
    if (orig && JSON.stringify(v) === JSON.stringify(toJson(f, fromRec(f, orig)))) continue;
    if (v !== undefined) body[f.name] = v;
    else if (orig && f.clear !== undefined) body[f.name] = f.clear;
  }
  return body;
}

function Levels({ id, f, rows, set, describedBy }) {
  const setRow = (i, k, v) => set(rows.map((r, j) => (j === i ? { ...r, [k]: v } : r)));
  return (
    <fieldset id={id} aria-describedby={describedBy}>
      <legend>{t(f.label)}</legend>
      {rows.map((r, i) => (
        <div class="row" key={i}>
          <label>
            <span>{t('adm.code_n', { n: i + 1 })}</span>
            <input value={r.code} maxlength="63" onInput={(e) => setRow(i, 'code', e.currentTarget.value)} />
          </label>
          <label>
            <span>{t('adm.level_n', { n: i + 1 })}</span>
            <select value={r.level} onChange={(e) => setRow(i, 'level', e.currentTarget.value)}>
              {['1', '2', '3', '4', '5'].map((l) => <option key={l} value={l}>{l}</option>)}
            </select>
          </label>
          <button type="button" class="secondary" onClick={() => set(rows.filter((_, j) => j !== i))}>{t('newitem.remove_n', { n: i + 1 })}</button>
        </div>
      ))}
      <button type="button" class="secondary" onClick={() => set([...rows, { code: '', level: '1' }])}>{t(f.add)}</button>
    </fieldset>
  );
}

function Clearances({ id, f, rows, set, clients, describedBy }) {
  const setRow = (i, k, v) => set(rows.map((r, j) => (j === i ? { ...r, [k]: v } : r)));
  return (
    <fieldset id={id} aria-describedby={describedBy}>
      <legend>{t(f.label)}</legend>
      {rows.map((r, i) => (
        <div class="row" key={i}>
          <label>
            <span>{t('adm.client_n', { n: i + 1 })}</span>
            <select value={r.client_id} onChange={(e) => setRow(i, 'client_id', e.currentTarget.value)}>
              <option value="">{t('newitem.choose')}</option>
              {clients.map((c) => <option key={c.id} value={String(c.id)}>{c.name}</option>)}
            </select>
          </label>
          <label>
            <span>{t('adm.expires_n', { n: i + 1 })}</span>
            <input type="date" value={r.expires_at} onInput={(e) => setRow(i, 'expires_at', e.currentTarget.value)} />
          </label>
          <label>
            <span>{t('adm.nda_n', { n: i + 1 })}</span>
            <input value={r.nda_ref} maxlength="63" onInput={(e) => setRow(i, 'nda_ref', e.currentTarget.value)} />
          </label>
          <button type="button" class="secondary" onClick={() => set(rows.filter((_, j) => j !== i))}>{t('newitem.remove_n', { n: i + 1 })}</button>
        </div>
      ))}
      <button type="button" class="secondary" onClick={() => set([...rows, { client_id: '', expires_at: '', nda_ref: '' }])}>{t('adm.add_clearance')}</button>
    </fieldset>
  );
}

// The create (#/admin/<kind>/new) and edit (#/admin/<kind>/:id) screen of a record kind.
// A 404 (a record this user may not see) is the not-found page. The form keeps what was typed
// when the API refuses it; each reason stands under its field (aria-invalid, aria-describedby).
export function RecordForm({ session, kind, fields, params, title, after, compose, alias }) {
  const isNew = params.id === 'new';
  const clients = useOptions('/v1/clients');
  const services = useOptions('/v1/services');
  const [orig, setOrig] = useState(isNew ? null : undefined);
  const [form, setForm] = useState(null);
  const [errs, setErrs] = useState({});
  const [msg, setMsg] = useState(null);
  const [busy, setBusy] = useState(false);
  const names = fields.map((f) => f.name);

  useEffect(() => {
    if (isNew) {
      setForm(Object.fromEntries(fields.map((f) => [f.name, fromRec(f, null)])));
      return;
    }
    get(`/v1/${kind}/${encodeURIComponent(params.id)}`)
      .then((r) => {
        setOrig(r);
        setForm(Object.fromEntries(fields.map((f) => [f.name, fromRec(f, r)])));
      })
      .catch((err) => setOrig(err.status === 404 || err.status === 400 ? null : { error: err }));
  }, [params.id]);

  if (!isNew && orig === null) return <NotFound />;
  if (!can(session, kind, isNew ? 'c' : 'e')) return <NotFound />;
  const set = (name, v) => setForm((fm) => ({ ...fm, [name]: v })); /* the latest form: autofill fills several fields at once */

  async function save(e) {
    e.preventDefault();
    setErrs({});
    setMsg(null);
    const body = { ...bodyOf(fields, form, orig), ...(compose ? compose(form, orig) : {}) };
    if (!isNew && Object.keys(body).length === 0) return setMsg({ ok: t('adm.no_change') });
    setBusy(true);
    try {
      const r = isNew ? await request('POST', '/v1/' + kind, body) : await request('PATCH', `/v1/${kind}/${orig.id}`, body);
      setOrig(r);
      setForm(Object.fromEntries(fields.map((f) => [f.name, fromRec(f, r)])));
      setMsg({ ok: t(isNew ? 'adm.created' : 'adm.saved', { id: r.id }) });
      if (isNew) navigate(`/admin/${kind}/${r.id}?created=1`);
    } catch (err) {
      const shown = fields.filter((f) => !(f.create && !isNew) && !(f.when && !f.when(form))).map((f) => f.name);
      const fe = fieldErrors(err, shown, alias);
      setErrs(fe);
      const first = fields.find((f) => fe[f.name]);
      if (first) setTimeout(() => { const el = document.getElementById('fld-' + first.name); if (el) el.focus(); }, 0);
    } finally {
      setBusy(false);
    }
  }

  const nErr = Object.keys(errs).filter((k) => k !== '_').length;
  return (
    <section class={'card admin admin-form admin-' + kind}>
      <Title>{isNew ? t('adm.new_' + kind) : title(orig || {})}</Title>
      <AdminNav session={session} kind={kind} />
      <p><a href={'#/admin/' + kind}>{t('adm.back_' + kind)}</a></p>
      {params.query.get('created') && !msg && <p class="msg ok" role="status">{t('adm.created', { id: params.id })}</p>}
      {orig && orig.error && <p class="error" role="alert">{errText(orig.error)}</p>}
      {!form && !(orig && orig.error) && <p class="loading" role="status">{t('app.loading')}</p>}
      {form && (
        <form onSubmit={save} novalidate>
          {fields.filter((f) => !(f.create && !isNew) && !(f.when && !f.when(form))).map((f) => {
            const id = 'fld-' + f.name;
            const eid = errs[f.name] ? id + '-err' : undefined;
            const err = errs[f.name] && <p class="field-error" id={eid}>{errs[f.name]}</p>;
            if (f.type === 'levels')
              return <div class="field" key={f.name}><Levels id={id} f={f} rows={form[f.name]} set={(v) => set(f.name, v)} describedBy={eid} />{err}</div>;
            if (f.type === 'clearances')
              return <div class="field" key={f.name}><Clearances id={id} f={f} rows={form[f.name]} clients={clients} set={(v) => set(f.name, v)} describedBy={eid} />{err}</div>;
            const opts = f.options === 'clients' ? clients.map((c) => [String(c.id), c.name])
              : f.options === 'services' ? services.map((s) => [String(s.id), `${s.name} (${s.kind})`])
              : (f.options || []).map(([v, k]) => [v, t(k)]);
            const common = {
              id, value: form[f.name], 'aria-invalid': errs[f.name] ? 'true' : undefined, 'aria-describedby': eid,
              'aria-required': f.required ? 'true' : undefined,
            };
            return (
              <div class="field" key={f.name}>
                <label for={id}>{t(f.label)}{f.required && ' *'}</label>
                {f.type === 'select' ? (
                  <select {...common} onChange={(e) => set(f.name, e.currentTarget.value)}>
                    {!f.noEmpty && <option value="">{t('newitem.choose')}</option>}
                    {opts.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
                  </select>
                ) : (
                  <input {...common} inputmode={f.type === 'int' ? 'numeric' : undefined} maxlength={f.max || 127}
                    onInput={(e) => set(f.name, e.currentTarget.value)} />
                )}
                {err}
              </div>
            );
          })}
          {errs._ && <p class="error" role="alert">{errs._}</p>}
          {nErr > 0 && <p class="error" role="alert">{t('work.err.fields', { count: nErr })}</p>}
          {msg && <p class="msg ok" role="status">{msg.ok}</p>}
          <button type="submit" disabled={busy}>{t(isNew ? 'adm.create' : 'adm.save')}</button>
        </form>
      )}
      {orig && !orig.error && after && after(orig)}
    </section>
  );
}

// The number fields of a list column.
export const numCol = (key, label) => ({ key, label, cell: (r) => num(r[key]) });

// A list's client filter (?client_id=), from the first 100 clients.
function ClientSelect({ value, set }) {
  const clients = useOptions('/v1/clients');
  return (
    <label key="client_id">
      <span>{t('adm.f.client')}</span>
      <select value={value} onChange={(e) => set(e.currentTarget.value)}>
        <option value="">{t('portal.any')}</option>
        {clients.map((c) => <option key={c.id} value={String(c.id)}>{c.name}</option>)}
      </select>
    </label>
  );
}
export const clientFilter = { name: 'client_id', render: (v, set) => <ClientSelect key="client_id" value={v} set={set} /> };

// A client's name from the first page of clients (its id when it is not among them).
export function useClientName() {
  const clients = useOptions('/v1/clients');
  return (id) => {
    if (id === null || id === undefined) return '—';
    const c = clients.find((x) => x.id === id);
    return c ? c.name : String(id);
  };
}
