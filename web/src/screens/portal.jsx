// portal.jsx - the client portal: the items list (#/portal, filters in the hash, paged by the
// server's cursor) and the form that submits one item (#/portal/new).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { apiErrorText, fmtDateTime, t } from '../i18n/index.js';
import { Title } from '../layout.jsx';
import { navigate } from '../router.js';

export const STATES = ['queued', 'assigned', 'submitted', 'in_review', 'done', 'cancelled', 'failed'];
const OPEN = ['queued', 'assigned', 'submitted', 'in_review'];
const PAGE = 25;

// The engagements the user may see, for the filter and the new-item form. One page of 100:
// a client has a handful; a longer list would want a search box instead.
function useEngagements() {
  const [list, setList] = useState(null);
  useEffect(() => {
    let live = true;
    api.engagements({ limit: 100 })
      .then((r) => live && setList(r.data || []))
      .catch(() => live && setList([]));
    return () => { live = false; };
  }, []);
  return list;
}

export function isLate(it, now = Date.now()) {
  return OPEN.includes(it.state) && it.due_at && new Date(it.due_at).getTime() < now;
}

const errText = apiErrorText;

export function Portal({ params }) {
  const q = params.query;
  const filters = {
    state: q.get('state') || '',
    engagement_id: q.get('engagement_id') || '',
    ref: q.get('ref_contains') || '',
    late: q.get('late') === 'true',
  };
  const engagements = useEngagements();
  const [form, setForm] = useState(filters);
  const [cursors, setCursors] = useState([null]); // the cursor of each page shown so far
  const [page, setPage] = useState({ loading: true });
  const key = q.toString();

  useEffect(() => {
    setForm(filters);
    setCursors([null]);
  }, [key]);

  const after = cursors[cursors.length - 1];
  useEffect(() => {
    let live = true;
    const query = { limit: PAGE };
    if (filters.state) query.state = filters.state;
    if (filters.engagement_id) query.engagement_id = filters.engagement_id;
    if (filters.ref) query.ref_contains = filters.ref;
    if (filters.late) query.late = 'true';
    if (after) query.after = after;
    setPage((p) => ({ ...p, loading: true }));
    api.items(query)
      .then((r) => live && setPage({ rows: r.data || [], next: r.next_cursor }))
      .catch((err) => live && setPage({ error: err }));
    return () => { live = false; };
  }, [key, after]);

  function apply(e) {
    e.preventDefault();
    const p = new URLSearchParams();
    if (form.state) p.set('state', form.state);
    if (form.engagement_id) p.set('engagement_id', form.engagement_id);
    if (form.ref.trim()) p.set('ref_contains', form.ref.trim());
    if (form.late) p.set('late', 'true');
    const s = p.toString();
    navigate('/portal' + (s ? '?' + s : ''));
  }

  const engName = (id) => {
    const e = engagements && engagements.find((x) => x.id === id);
    return e ? e.name : String(id);
  };
  const now = Date.now();

  return (
    <section class="card portal">
      <Title>{t('portal.title')}</Title>
      <p><a href="#/portal/new" class="button-link">{t('portal.new')}</a></p>
      <form class="filters" onSubmit={apply} aria-label={t('portal.filters')}>
        <label>
          <span>{t('portal.f_state')}</span>
          <select value={form.state} onChange={(e) => setForm({ ...form, state: e.currentTarget.value })}>
            <option value="">{t('portal.any')}</option>
            {STATES.map((s) => <option key={s} value={s}>{t('state.' + s)}</option>)}
          </select>
        </label>
        <label>
          <span>{t('portal.f_engagement')}</span>
          <select value={form.engagement_id} onChange={(e) => setForm({ ...form, engagement_id: e.currentTarget.value })}>
            <option value="">{t('portal.any')}</option>
            {(engagements || []).map((en) => <option key={en.id} value={String(en.id)}>{en.name}</option>)}
          </select>
        </label>
        <label>
          <span>{t('portal.f_ref')}</span>
          <input type="search" maxlength="127" value={form.ref} onInput={(e) => setForm({ ...form, ref: e.currentTarget.value })} />
        </label>
        <label class="check">
          <input type="checkbox" checked={form.late} onChange={(e) => setForm({ ...form, late: e.currentTarget.checked })} />
          <span>{t('portal.f_late')}</span>
        </label>
        <button type="submit">{t('portal.apply')}</button>
      </form>
      {page.error && <p class="error" role="alert">{errText(page.error)}</p>}
      {page.loading && <p class="loading" role="status">{t('app.loading')}</p>}
      {page.rows && page.rows.length === 0 && !page.loading && <p role="status">{t('portal.empty')}</p>}
      {page.rows && page.rows.length > 0 && (
        <table class="items">
          <caption>{t('portal.caption', { page: cursors.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('portal.col_item')}</th>
              <th scope="col">{t('item.ref')}</th>
              <th scope="col">{t('item.engagement')}</th>
              <th scope="col">{t('item.state')}</th>
              <th scope="col">{t('item.due')}</th>
              <th scope="col">{t('item.created')}</th>
            </tr>
          </thead>
          <tbody>
            {page.rows.map((it) => (
              <tr key={it.id}>
                <td><a href={'#/items/' + it.id}>{t('item.title', { id: it.id })}</a></td>
                <td>{it.external_ref || '—'}</td>
                <td>{engName(it.engagement_id)}</td>
                <td><span class={'state state-' + it.state}>{t('state.' + it.state)}</span></td>
                <td>
                  {fmtDateTime(it.due_at)}
                  {isLate(it, now) && <> <span class="late">{t('item.late')}</span></>}
                </td>
                <td>{fmtDateTime(it.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label={t('portal.pages')}>
        <button type="button" class="secondary" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t('portal.prev')}
        </button>
        <button type="button" class="secondary" disabled={!page.next || page.loading} onClick={() => setCursors([...cursors, page.next])}>
          {t('portal.next')}
        </button>
      </nav>
    </section>
  );
}

// The payload from key/value rows: an object of strings (empty keys skipped).
function rowsPayload(rows) {
  const o = {};
  for (const r of rows) if (r.k.trim()) o[r.k.trim()] = r.v;
  return o;
}

export function NewItem() {
  const engagements = useEngagements();
  const [eng, setEng] = useState('');
  const [ref, setRef] = useState('');
  const [mode, setMode] = useState('rows');
  const [rows, setRows] = useState([{ k: '', v: '' }]);
  const [json, setJson] = useState('{\n  \n}');
  const [msg, setMsg] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (engagements && engagements.length === 1 && !eng) setEng(String(engagements[0].id));
  }, [engagements]);

  function setRow(i, field, value) {
    setRows(rows.map((r, j) => (j === i ? { ...r, [field]: value } : r)));
  }

  async function submit(e) {
    e.preventDefault();
    setMsg(null);
    if (!eng) return setMsg({ error: t('newitem.need_engagement') });
    let payload;
    if (mode === 'json') {
      try {
        payload = JSON.parse(json);
      } catch (err) {
        return setMsg({ error: t('newitem.bad_json', { why: err.message }) });
      }
      if (payload === null || typeof payload !== 'object') return setMsg({ error: t('newitem.not_object') });
    } else {
      payload = rowsPayload(rows);
      if (Object.keys(payload).length === 0) return setMsg({ error: t('newitem.need_field') });
    }
    const body = { engagement_id: Number(eng), payload };
    if (ref.trim()) body.external_ref = ref.trim();
    setBusy(true);
    try {
      const it = await api.createItem(body);
      navigate('/items/' + it.id + '?created=1');
    } catch (err) {
      setMsg({ error: errText(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card newitem">
      <Title>{t('newitem.title')}</Title>
      <form onSubmit={submit} novalidate>
        <div class="field">
          <label for="ni-eng">{t('item.engagement')}</label>
          <select id="ni-eng" required value={eng} onChange={(e) => setEng(e.currentTarget.value)}>
            <option value="">{t('newitem.choose')}</option>
            {(engagements || []).map((en) => <option key={en.id} value={String(en.id)}>{en.name}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="ni-ref">{t('newitem.ref')}</label>
          <input id="ni-ref" maxlength="127" value={ref} onInput={(e) => setRef(e.currentTarget.value)} aria-describedby="ni-ref-hint" />
          <p class="hint" id="ni-ref-hint">{t('newitem.ref_hint')}</p>
        </div>
        <fieldset>
          <legend>{t('newitem.payload')}</legend>
          <label class="check">
            <input type="radio" name="ni-mode" value="rows" checked={mode === 'rows'} onChange={() => setMode('rows')} />
            <span>{t('newitem.mode_rows')}</span>
          </label>
          <label class="check">
            <input type="radio" name="ni-mode" value="json" checked={mode === 'json'} onChange={() => setMode('json')} />
            <span>{t('newitem.mode_json')}</span>
          </label>
          {mode === 'rows' ? (
            <table class="kvrows">
              <thead>
                <tr>
                  <th scope="col">{t('newitem.key')}</th>
                  <th scope="col">{t('newitem.value')}</th>
                  <th scope="col"><span class="sr-only">{t('newitem.remove')}</span></th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr key={i}>
                    <td>
                      <input aria-label={t('newitem.key_n', { n: i + 1 })} value={r.k} onInput={(e) => setRow(i, 'k', e.currentTarget.value)} />
                    </td>
                    <td>
                      <input aria-label={t('newitem.value_n', { n: i + 1 })} value={r.v} onInput={(e) => setRow(i, 'v', e.currentTarget.value)} />
                    </td>
                    <td>
                      <button type="button" class="secondary" disabled={rows.length < 2} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                        {t('newitem.remove_n', { n: i + 1 })}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <div class="field">
              <label for="ni-json">{t('newitem.json')}</label>
              <textarea id="ni-json" rows="8" class="json" value={json} onInput={(e) => setJson(e.currentTarget.value)} />
            </div>
          )}
          {mode === 'rows' && (
            <button type="button" class="secondary" onClick={() => setRows([...rows, { k: '', v: '' }])}>{t('newitem.add_row')}</button>
          )}
        </fieldset>
        {msg && msg.error && <p class="error" role="alert">{msg.error}</p>}
        <button type="submit" disabled={busy}>{t('newitem.submit')}</button>
      </form>
    </section>
  );
}
