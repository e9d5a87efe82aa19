// files.jsx - the client portal's files: upload a CSV or JSON Lines file of items with a
// progress bar and the per-row error report (#/portal/upload), and download an engagement's
// results as CSV, JSON Lines or XLSX (#/portal/export). docs/api.md "Imports", "Exports".
import { useEffect, useState } from 'preact/hooks';
import { api, csrfToken, request } from '../api.js';
import { apiErrorText, fmtNumber, t } from '../i18n/index.js';
import { Title } from '../layout.jsx';

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

function EngagementSelect({ id, value, onChange, engagements }) {
  useEffect(() => {
    if (engagements && engagements.length === 1 && !value) onChange(String(engagements[0].id));
  }, [engagements]);
  return (
    <select id={id} required value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">{t('files.choose')}</option>
      {(engagements || []).map((en) => <option key={en.id} value={String(en.id)}>{en.name}</option>)}
    </select>
  );
}

// RFC 4180 records of a small text (the error report): quotes, doubled quotes, CRLF.
export function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') q = false;
      else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

const isJsonl = (name) => /\.(jsonl|ndjson)$/i.test(name);

// The upload as an XMLHttpRequest: fetch reports no upload progress. Resolves with the job.
function send(engagement, file, onProgress) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', `/v1/engagements/${encodeURIComponent(engagement)}/imports`);
    x.setRequestHeader('Content-Type', isJsonl(file.name) ? 'application/x-ndjson' : 'text/csv');
    x.setRequestHeader('Accept', 'application/json');
    const token = csrfToken();
    if (token) x.setRequestHeader('X-CSRF-Token', token);
    x.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded, e.total);
    x.onload = () => {
      let body = null;
      try { body = JSON.parse(x.responseText); } catch { body = null; }
      if (x.status === 202) resolve(body);
      else reject({ status: x.status, code: body && body.error && body.error.code, message: body && body.error && body.error.message });
    };
    x.onerror = () => reject({ status: 0 });
    x.send(file);
  });
}

// The 202 comes once the file is in; the server's import thread then creates the rows:
// the job is read again until it is done or failed, its counts shown as they grow.
async function follow(j, onJob) {
  let job = j;
  while (job && (job.state === 'running' || job.state === 'receiving')) {
    await new Promise((r) => setTimeout(r, 300));
    job = await request('GET', `/v1/imports/${encodeURIComponent(job.id)}`);
    onJob(job);
  }
  return job;
}

export function Upload() {
  const engagements = useEngagements();
  const [eng, setEng] = useState('');
  const [file, setFile] = useState(null);
  const [progress, setProgress] = useState(null); // {loaded, total}
  const [job, setJob] = useState(null);
  const [errors, setErrors] = useState(null);
  const [msg, setMsg] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(e) {
    e.preventDefault();
    setMsg(null);
    setJob(null);
    setErrors(null);
    if (!eng) return setMsg(t('files.need_engagement'));
    if (!file) return setMsg(t('upload.need_file'));
    setBusy(true);
    setProgress({ loaded: 0, total: file.size });
    try {
      const sent = await send(eng, file, (loaded, total) => setProgress({ loaded, total }));
      setProgress({ loaded: file.size, total: file.size });
      setJob(sent);
      const j = await follow(sent, setJob);
      if (j.rejected > 0) {
        const res = await fetch(`/v1/imports/${j.id}/errors`, { credentials: 'same-origin', cache: 'no-store' });
        const rows = parseCsv(await res.text());
        setErrors(rows.slice(1).filter((r) => r.length >= 3));
      }
    } catch (err) {
      setMsg(apiErrorText(err));
    } finally {
      setBusy(false);
    }
  }

  const pct = progress && progress.total ? Math.round((progress.loaded * 100) / progress.total) : 0;
  return (
    <section class="card files upload">
      <Title>{t('upload.title')}</Title>
      <p class="hint">{t('upload.intro')}</p>
      <form onSubmit={submit} novalidate>
        <div class="field">
          <label for="up-eng">{t('item.engagement')}</label>
          <EngagementSelect id="up-eng" value={eng} onChange={setEng} engagements={engagements} />
        </div>
        <div class="field">
          <label for="up-file">{t('upload.file')}</label>
          <input id="up-file" type="file" accept=".csv,.jsonl,.ndjson,text/csv,application/x-ndjson" aria-describedby="up-file-hint"
            onChange={(e) => setFile(e.currentTarget.files[0] || null)} />
          <p class="hint" id="up-file-hint">{t('upload.file_hint')}</p>
        </div>
        {msg && <p class="error" role="alert">{msg}</p>}
        <button type="submit" disabled={busy}>{t('upload.submit')}</button>
      </form>
      {progress && (
        <div class="field">
          <label for="up-progress">{t('upload.progress')}</label>
          <progress id="up-progress" max="100" value={pct}>{pct}%</progress>
          <span role="status"> {busy ? t('upload.sending', { pct }) : t('upload.sent', { pct })}</span>
        </div>
      )}
      {job && (
        <div class={'msg ' + (job.state === 'done' ? (job.rejected ? 'warn' : 'ok') : 'error')} role="status">
          <p>{t('upload.job', { id: job.id, state: t('upload.state.' + job.state) })}</p>
          <dl class="kv counts">
            <dt>{t('upload.rows_read')}</dt><dd>{fmtNumber(job.rows_read)}</dd>
            <dt>{t('upload.created')}</dt><dd>{fmtNumber(job.created)}</dd>
            <dt>{t('upload.duplicate')}</dt><dd>{fmtNumber(job.duplicate)}</dd>
            <dt>{t('upload.rejected')}</dt><dd>{fmtNumber(job.rejected)}</dd>
          </dl>
          {job.error && <p>{job.error}</p>}
        </div>
      )}
      {errors && errors.length > 0 && (
        <>
          <table class="import-errors">
            <caption>{t('upload.errors_caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('upload.col_line')}</th>
                <th scope="col">{t('upload.col_column')}</th>
                <th scope="col">{t('upload.col_reason')}</th>
              </tr>
            </thead>
            <tbody>
              {errors.map((r, i) => (
                <tr key={i}><td>{r[0]}</td><td>{r[1] || '—'}</td><td>{r[2]}</td></tr>
              ))}
            </tbody>
          </table>
          <p><a class="button-link" href={`/v1/imports/${job.id}/errors`} download={`import-${job.id}-errors.csv`}>{t('upload.download_errors')}</a></p>
        </>
      )}
    </section>
  );
}

// A date field (YYYY-MM-DD, the user's day) as the RFC 3339 instant it begins at; next: the day after.
function dayStart(v, next) {
  const [y, m, d] = v.split('-').map(Number);
  return new Date(y, m - 1, d + (next ? 1 : 0)).toISOString();
}

export const FORMATS = ['csv', 'jsonl', 'xlsx'];

export function Export() {
  const engagements = useEngagements();
  const [eng, setEng] = useState('');
  const [format, setFormat] = useState('csv');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [done, setDone] = useState(false);

  let problem = null;
  if (!eng) problem = t('files.need_engagement');
  else if (from && to && from > to) problem = t('export.bad_period');
  const q = new URLSearchParams({ format });
  if (from) q.set('from', dayStart(from, false));
  if (to) q.set('to', dayStart(to, true));
  if (done) q.set('state', 'done');
  const href = `/v1/engagements/${encodeURIComponent(eng)}/export?${q}`;

  return (
    <section class="card files export">
      <Title>{t('export.title')}</Title>
      <p class="hint">{t('export.intro')}</p>
      <form onSubmit={(e) => e.preventDefault()} novalidate>
        <div class="field">
          <label for="ex-eng">{t('item.engagement')}</label>
          <EngagementSelect id="ex-eng" value={eng} onChange={setEng} engagements={engagements} />
        </div>
        <fieldset>
          <legend>{t('export.format')}</legend>
          {FORMATS.map((f) => (
            <label class="check" key={f}>
              <input type="radio" name="ex-format" value={f} checked={format === f} onChange={() => setFormat(f)} />
              <span>{t('export.format.' + f)}</span>
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('export.period')}</legend>
          <p class="hint" id="ex-period-hint">{t('export.period_hint')}</p>
          <label>
            <span>{t('export.from')}</span>
            <input type="date" value={from} aria-describedby="ex-period-hint" onInput={(e) => setFrom(e.currentTarget.value)} />
          </label>
          <label>
            <span>{t('export.to')}</span>
            <input type="date" value={to} aria-describedby="ex-period-hint" onInput={(e) => setTo(e.currentTarget.value)} />
          </label>
        </fieldset>
        <label class="check">
          <input type="checkbox" checked={done} onChange={(e) => setDone(e.currentTarget.checked)} />
          <span>{t('export.done_only')}</span>
        </label>
        {problem && eng && <p class="error" role="alert">{problem}</p>}
        <p>
          {problem ? (
            <button type="button" disabled>{t('export.download')}</button>
          ) : (
            <a class="button-link" role="button" href={href} download={`engagement-${eng}.${format}`}>{t('export.download')}</a>
          )}
        </p>
        <p class="hint">{t('export.note')}</p>
      </form>
    </section>
  );
}
