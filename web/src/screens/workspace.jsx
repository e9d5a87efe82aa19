// workspace.jsx - the worker's workspace: take the next item (POST /v1/work/next), its payload
// beside an entry form, the lease countdown with renew, submit with the lease's epoch, and the
// worker's own history and today's count (kept in this browser: the API lists a worker's
// current leases only). Keyboard: Tab through fields, Enter submits, Escape opens the release
// (a reason, then POST /v1/items/:id/release), Alt+R renews.
import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { fmtCountdown, fmtDateTime, fmtNumber, fmtTime, localDay, t } from '../i18n/index.js';
import { Title } from '../layout.jsx';

const WARN_SECONDS = 60;
const HISTORY_MAX = 200;
const DOC_KEYS = /^(document|scan|image|file|url|link|attachment)(_url|_link)?$|_(url|link|scan)$/i;
const REASONS = ['not_available', 'at_capacity', 'below_level', 'not_cleared', 'no_work', 'gold_suspended', 'gold_preferred', 'wrap_up'];
// The release reasons of POST /v1/items/:id/release; the last two keep the worker from the item.
const RELEASE_REASONS = ['break', 'illegible', 'other', 'skill_mismatch', 'conflict_of_interest'];

function historyKey(user) {
  return `alihdaya.history.${user.id}`;
}

function loadHistory(user) {
  try {
    const h = JSON.parse(localStorage.getItem(historyKey(user)) || '[]');
    return Array.isArray(h) ? h : [];
  } catch {
    return [];
  }
}

function saveHistory(user, h) {
  try {
    localStorage.setItem(historyKey(user), JSON.stringify(h.slice(0, HISTORY_MAX)));
  } catch {
    /* storage full or off: the list lasts this page */
  }
}

// A document or scan of the payload: a key such as scan/document_url, or any http(s) link.
function isDoc(key, value) {
  return typeof value === 'string' && (DOC_KEYS.test(key) || /^https?:\/\//.test(value));
}

// Only an absolute or http(s) address opens as a link; a stored path is shown as text.
function isLink(value) {
  return /^(https?:\/\/|\/)/.test(value);
}

function plain(o) {
  return o && typeof o === 'object' && !Array.isArray(o);
}

// The form's fields: the engagement's declared result fields when it has them (GET
// /v1/engagements/:id/fields), else the payload's scalar keys; null means the JSON editor.
export function fieldsFor(item, declared) {
  if (Array.isArray(declared) && declared.length)
    return declared.map((f) => ({ ...f, key: f.name, label: f.name, declared: true }));
  // A data-entry payload often holds its form in "fields" ({"form", "scan", "fields": {...}}).
  const p = plain(item.payload) && plain(item.payload.fields) ? item.payload.fields : item.payload;
  if (!plain(p)) return null;
  const keys = Object.keys(p).filter((k) => !isDoc(k, p[k]) && (p[k] === null || typeof p[k] !== 'object'));
  return keys.length ? keys.map((k) => ({ key: k, label: k })) : null;
}

function docLinks(payload) {
  if (!plain(payload)) return [];
  return Object.keys(payload).filter((k) => isDoc(k, payload[k])).map((k) => ({ key: k, href: payload[k] }));
}

// A declared field's typed value from what was keyed; undefined leaves the member out (a
// field left empty is absent: the server says so if it is required).
function typed(f, raw) {
  const one = (type, v) => {
    if (type === 'boolean') return v === true || v === 'true';
    if (typeof v === 'string') v = v.trim() === '' && type !== 'text' ? '' : v;
    if (v === '' || v === undefined) return undefined;
    if (type === 'integer' && /^-?\d+$/.test(v)) return Number(v);
    return v; /* decimals stay strings (exact); a bad number goes as typed, for the server's why */
  };
  if (f.type === 'list') {
    if (raw === undefined || String(raw).trim() === '') return undefined;
    return String(raw).split(',').map((x) => one(f.of || 'text', x.trim())).filter((x) => x !== undefined);
  }
  if (f.type === 'boolean') return raw === undefined ? false : raw;
  return one(f.type, raw);
}

// The input of one declared field: a select for an enum, a checkbox for a boolean, a date
// picker, else a text box with the right keyboard.
function FieldInput({ f, id, value, onValue, inputRef, err }) {
  const common = {
    id, ref: inputRef, required: !!f.required, 'aria-required': f.required ? 'true' : undefined,
    'aria-invalid': err ? 'true' : undefined, 'aria-describedby': err ? id + '-err' : undefined,
  };
  if (f.type === 'enum')
    return (
      <select {...common} value={value ?? ''} onChange={(e) => onValue(e.currentTarget.value)}>
        <option value="">{t('work.choose')}</option>
        {(f.values || []).map((v) => <option key={v} value={v}>{v}</option>)}
      </select>
    );
  if (f.type === 'boolean')
    return <input {...common} type="checkbox" checked={!!value} onChange={(e) => onValue(e.currentTarget.checked)} />;
  const mode = f.type === 'integer' ? 'numeric' : f.type === 'decimal' ? 'decimal' : undefined;
  return (
    <input {...common} type={f.type === 'date' ? 'date' : 'text'} inputMode={mode} autocomplete="off"
      maxLength={f.type === 'text' && f.max_length ? f.max_length : undefined}
      value={value ?? ''} onInput={(e) => onValue(e.currentTarget.value)} />
  );
}

function show(v) {
  return v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function Workspace({ session }) {
  const user = session.user;
  const [item, setItem] = useState(null);
  const [declared, setDeclared] = useState(null);
  const [fieldErrs, setFieldErrs] = useState({});
  const [values, setValues] = useState({});
  const [json, setJson] = useState('{}');
  const [jsonMode, setJsonMode] = useState(false);
  const [msg, setMsg] = useState(null);
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(Date.now());
  const [history, setHistory] = useState(() => loadHistory(user));
  const [warned, setWarned] = useState(false);
  // Until the check for an item leased before a reload answers, no take button: a click
  // then would lease a second item beside the one being reopened.
  const [resuming, setResuming] = useState(true);
  const takeRef = useRef(null);
  const firstRef = useRef(null);
  const releaseRef = useRef(null);
  // The release's reason chooser: null (closed) or { reason, note }.
  const [releasing, setReleasing] = useState(null);
  const reasonRef = useRef(null);

  const fields = item ? fieldsFor(item, declared) : null;
  const useJson = item && (jsonMode || !fields);
  const expires = item && item.lease ? Date.parse(item.lease.expires_at) : NaN;
  const left = isNaN(expires) ? null : (expires - now) / 1000;
  const expired = left !== null && left <= 0;

  // The clock of the countdown, once a second while an item is open.
  useEffect(() => {
    if (!item) return undefined;
    const iv = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(iv);
  }, [item]);

  useEffect(() => {
    if (left !== null && left > 0 && left <= WARN_SECONDS && !warned) {
      setWarned(true);
      setMsg({ kind: 'warn', text: t('work.lease_warning', { seconds: fmtNumber(Math.ceil(left)) }) });
    }
  }, [left, warned]);

  // An item leased before a reload is opened again.
  useEffect(() => {
    let live = true;
    api.items({ state: 'assigned', limit: 1 })
      .then((r) => (r && r.data && r.data[0] ? api.item(r.data[0].id) : null))
      .then((it) => live && it && open(it))
      .catch(() => {})
      .finally(() => live && setResuming(false));
    return () => { live = false; };
  }, []);

  // The declared fields arrive after the item and replace the payload-key form: focus again.
  useEffect(() => {
    if (item && firstRef.current) firstRef.current.focus();
    else if (!item && takeRef.current) takeRef.current.focus();
  }, [item && item.id, jsonMode, resuming, declared]);

  function open(it) {
    // work/next puts the epoch in the lease; an item read (reopened after a reload) beside it.
    const lease = it.lease ? { ...it.lease, epoch: it.lease.epoch ?? it.epoch } : it.lease;
    setItem({ ...it, lease, taken_at: new Date().toISOString() });
    setDeclared(null);
    setFieldErrs({});
    // The engagement's declared result fields build the form; none (or no right to read
    // them): the payload's keys, as before.
    api.fields(it.engagement_id)
      .then((d) => setDeclared(d && Array.isArray(d.result) ? d.result : null))
      .catch(() => setDeclared(null));
    setValues({});
    setJson(JSON.stringify(it.result ?? {}, null, 2));
    setJsonMode(false);
    setWarned(false);
    setNow(Date.now());
  }

  function fail(err) {
    const listed = err.status === 400 && err.body && err.body.error && Array.isArray(err.body.error.fields);
    if (listed) {
      // The API names every bad field and why: each reason beside its field.
      const byField = {};
      for (const p of err.body.error.fields) if (p && p.field) byField[p.field] = p.reason || '';
      setFieldErrs(byField);
      setMsg({ kind: 'error', text: t('work.err.fields', { count: fmtNumber(err.body.error.fields.length) }) });
    } else if (err.code === 'stale_lease') setMsg({ kind: 'error', text: t('work.err.stale') });
    else if (err.status === 409) setMsg({ kind: 'error', text: t('work.err.renew_max') });
    else setMsg({ kind: 'error', text: t('err.generic', { code: err.code || err.status }) });
  }

  async function take() {
    setBusy(true);
    setMsg(null);
    try {
      const r = await api.next();
      if (!r || r.id === null || r.id === undefined) {
        const reason = r && REASONS.includes(r.reason) ? r.reason : 'no_work';
        setMsg({ kind: 'info', text: t('work.reason.' + reason, { seconds: fmtNumber(r && r.retry_after_s || 0) }) });
      } else {
        open(r);
      }
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  }

  async function renew() {
    if (!item || !item.lease) return;
    try {
      const r = await api.renew(item.id, item.lease.epoch);
      setItem({ ...item, lease: r.lease });
      setWarned(false);
      setMsg({ kind: 'ok', text: t('work.renewed', { time: fmtTime(r.lease.expires_at) }) });
    } catch (err) {
      fail(err);
    }
  }

  function releaseOpen() {
    setReleasing({ reason: 'break', note: '' });
    setMsg(null);
  }

  useEffect(() => {
    if (releasing && reasonRef.current) reasonRef.current.focus();
  }, [releasing !== null]);

  async function release(e) {
    if (e) e.preventDefault();
    if (!item || !item.lease || !releasing || busy) return;
    if (releasing.reason === 'other' && !releasing.note.trim()) {
      setMsg({ kind: 'error', text: t('work.release_note_needed') });
      return;
    }
    setBusy(true);
    try {
      await api.release(item.id, item.lease.epoch, releasing.reason,
        releasing.reason === 'other' ? releasing.note.trim() : undefined);
      setReleasing(null);
      setItem(null);
      setMsg({ kind: 'ok', text: t('work.released', { id: fmtNumber(item.id) }) });
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  }

  async function submit(e) {
    e.preventDefault();
    if (!item || busy) return;
    let result;
    if (useJson) {
      try {
        result = JSON.parse(json);
      } catch {
        setMsg({ kind: 'error', text: t('work.err.json') });
        return;
      }
    } else if (fields.some((f) => f.declared)) {
      result = {};
      for (const f of fields) {
        const v = typed(f, values[f.key]);
        if (v !== undefined) result[f.key] = v;
      }
    } else {
      result = {};
      for (const f of fields) result[f.key] = values[f.key] ?? '';
    }
    setFieldErrs({});
    setBusy(true);
    try {
      await api.submit(item.id, item.lease.epoch, result);
      const entry = { id: item.id, ref: item.external_ref || '', taken_at: item.taken_at, at: new Date().toISOString() };
      const h = [entry, ...history];
      setHistory(h);
      saveHistory(user, h);
      setItem(null);
      setMsg({ kind: 'ok', text: t('work.submitted', { id: item.id }) });
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  }

  function onKey(e) {
    if (e.key === 'Escape' && item && releasing) {
      e.preventDefault();
      setReleasing(null);
      if (releaseRef.current) releaseRef.current.focus();
    } else if (e.key === 'Escape' && item) {
      e.preventDefault();
      releaseOpen();
    } else if (e.altKey && (e.key === 'r' || e.key === 'R') && item) {
      e.preventDefault();
      renew();
    } else if (e.ctrlKey && e.key === 'Enter' && useJson) {
      submit(e);
    }
  }

  const today = localDay(new Date(now));
  const done = history.filter((h) => localDay(h.at) === today);
  const minutes = done.reduce((s, h) => s + Math.max(0, Date.parse(h.at) - Date.parse(h.taken_at || h.at)), 0) / 60000;
  const docs = item ? docLinks(item.payload) : [];

  return (
    <div class="workspace" onKeyDown={onKey}>
      <div class="bar">
        <Title>{t('work.title')}</Title>
        <p class="today" aria-live="polite">
          {t('work.today', { count: fmtNumber(done.length), minutes: fmtNumber(Math.round(minutes)) })}
        </p>
      </div>
      <div class="messages" role="status" aria-live="polite">
        {msg && <p class={'msg ' + msg.kind}>{msg.text}</p>}
      </div>

      {!item && resuming && <p class="hint">{t('work.resuming')}</p>}

      {!item && !resuming && (
        <section class="card take" aria-labelledby="take-h">
          <h2 id="take-h">{t('work.take_heading')}</h2>
          <p class="hint">{t('work.take_hint')}</p>
          <button type="button" ref={takeRef} onClick={take} disabled={busy}>{t('work.take')}</button>
        </section>
      )}

      {item && (
        <div class="panes">
          <section class="card payload" aria-labelledby="payload-h">
            <h2 id="payload-h">{t('work.item', { id: item.id })}</h2>
            <dl class="kv">
              {item.external_ref && (<><dt>{t('item.ref')}</dt><dd>{item.external_ref}</dd></>)}
              {item.due_at && (<><dt>{t('item.due')}</dt><dd>{fmtDateTime(item.due_at)}</dd></>)}
            </dl>
            {docs.length > 0 && (
              <ul class="docs" aria-label={t('work.documents')}>
                {docs.map((d) => (
                  <li key={d.key}>
                    {isLink(d.href) ? (
                      <a href={d.href} target="_blank" rel="noopener noreferrer">{t('work.open_document', { name: d.key })}</a>
                    ) : (
                      <span>{t('work.document_path', { name: d.key, path: d.href })}</span>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {item.payload && typeof item.payload === 'object' && !Array.isArray(item.payload) ? (
              <dl class="kv payload-fields">
                {Object.keys(item.payload).map((k) => (
                  <Fragment key={k}>
                    <dt>{k}</dt>
                    <dd>
                      {plain(item.payload[k]) ? (
                        <dl class="kv nested">
                          {Object.keys(item.payload[k]).map((j) => (<Fragment key={j}><dt>{j}</dt><dd>{show(item.payload[k][j])}</dd></Fragment>))}
                        </dl>
                      ) : show(item.payload[k])}
                    </dd>
                  </Fragment>
                ))}
              </dl>
            ) : (
              <pre class="json">{JSON.stringify(item.payload, null, 2)}</pre>
            )}
          </section>

          <section class="card entry" aria-labelledby="entry-h">
            <div class="lease">
              <h2 id="entry-h">{t('work.entry')}</h2>
              {left !== null && (
                <p class={'countdown' + (expired ? ' expired' : left <= WARN_SECONDS ? ' warn' : '')}>
                  {expired ? t('work.lease_expired') : t('work.lease_left', { time: fmtCountdown(left) })}
                </p>
              )}
            </div>
            <form onSubmit={submit} novalidate>
              {useJson ? (
                <>
                  <label for="result-json">{t('work.result_json')}</label>
                  <textarea id="result-json" ref={firstRef} rows="10" spellcheck={false} value={json}
                    aria-describedby="json-hint" onInput={(e) => setJson(e.currentTarget.value)} />
                  <p class="hint" id="json-hint">{t('work.json_hint')}</p>
                </>
              ) : (
                fields.map((f, i) => (
                  <div class={'field' + (f.type === 'boolean' ? ' check' : '') + (fieldErrs[f.key] !== undefined ? ' invalid' : '')} key={f.key}>
                    <label for={'f-' + i}>{f.label}{f.required ? ' *' : ''}</label>
                    {f.declared ? (
                      <FieldInput f={f} id={'f-' + i} value={values[f.key]} inputRef={i === 0 ? firstRef : undefined}
                        err={fieldErrs[f.key] !== undefined}
                        onValue={(v) => setValues((vs) => ({ ...vs, [f.key]: v }))} />
                    ) : (
                      <input id={'f-' + i} ref={i === 0 ? firstRef : undefined} value={values[f.key] ?? ''}
                        autocomplete="off" onInput={(e) => { const v = e.currentTarget.value; setValues((vs) => ({ ...vs, [f.key]: v })); }} />
                    )}
                    {fieldErrs[f.key] !== undefined && <p class="field-error" id={'f-' + i + '-err'}>{fieldErrs[f.key]}</p>}
                  </div>
                ))
              )}
              <div class="actions">
                <button type="submit" disabled={busy || expired}>{t('work.submit')}</button>
                <button type="button" class="secondary" onClick={renew} disabled={expired}>{t('work.renew')}</button>
                <button type="button" class="secondary" ref={releaseRef} disabled={expired}
                  aria-expanded={releasing ? 'true' : 'false'} aria-controls="release-box" onClick={releaseOpen}>
                  {t('work.release')}
                </button>
                {fields && (
                  <button type="button" class="link" onClick={() => setJsonMode(!jsonMode)}>
                    {jsonMode ? t('work.use_form') : t('work.use_json')}
                  </button>
                )}
                {expired && <button type="button" onClick={() => { setItem(null); setMsg(null); }}>{t('work.take_another')}</button>}
              </div>
              <p class="hint keys">{t('work.keys')}</p>
            </form>
            {releasing && (
              <form class="release" id="release-box" onSubmit={release} aria-labelledby="release-h">
                <h3 id="release-h">{t('work.release_title')}</h3>
                <fieldset>
                  <legend>{t('work.release_reason')}</legend>
                  {RELEASE_REASONS.map((r, i) => (
                    <div class="field check" key={r}>
                      <input type="radio" name="release-reason" id={'rr-' + r} value={r}
                        ref={i === 0 ? reasonRef : undefined} checked={releasing.reason === r}
                        onChange={() => { setReleasing((rl) => ({ ...rl, reason: r })); setMsg(null); }} />
                      <label for={'rr-' + r}>{t('work.release_reason.' + r)}</label>
                    </div>
                  ))}
                </fieldset>
                {releasing.reason === 'other' && (
                  <div class="field">
                    <label for="release-note">{t('work.release_note')}</label>
                    <input id="release-note" value={releasing.note} autocomplete="off" maxLength={2000}
                      onInput={(e) => { const note = e.currentTarget.value; setReleasing((rl) => ({ ...rl, note })); }} />
                  </div>
                )}
                {(releasing.reason === 'skill_mismatch' || releasing.reason === 'conflict_of_interest') && (
                  <p class="hint">{t('work.release_excludes')}</p>
                )}
                <div class="actions">
                  <button type="submit" disabled={busy}>{t('work.release_confirm')}</button>
                  <button type="button" class="secondary" onClick={() => setReleasing(null)}>{t('work.release_cancel')}</button>
                </div>
              </form>
            )}
          </section>
        </div>
      )}

      <section class="card history" aria-labelledby="hist-h">
        <h2 id="hist-h">{t('work.history')}</h2>
        {history.length === 0 ? (
          <p class="hint">{t('work.history_empty')}</p>
        ) : (
          <table>
            <caption class="sr-only">{t('work.history_caption')}</caption>
            <thead>
              <tr><th scope="col">{t('work.col_item')}</th><th scope="col">{t('item.ref')}</th><th scope="col">{t('work.col_submitted')}</th></tr>
            </thead>
            <tbody>
              {history.slice(0, 20).map((h) => (
                <tr key={h.id + h.at}><td>{fmtNumber(h.id)}</td><td>{h.ref || '—'}</td><td>{fmtDateTime(h.at)}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
