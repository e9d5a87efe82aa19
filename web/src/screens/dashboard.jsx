// dashboard.jsx - the operations dashboard (#/dashboard): per engagement the queue, its age,
// what is due and late, throughput; the workers by state and load; a staffing chart. Live: a
// snapshot from GET /v1/dashboard, then every new one from the event stream (EventSource on
// GET /v1/dashboard/events, the session cookie) with no reload.
import { useEffect, useState } from 'preact/hooks';
import { request } from '../api.js';
import { apiErrorText, catalogues, currentLanguage, fmtDateTime, fmtDay, fmtDuration, fmtNumber, fmtTime, t } from '../i18n/index.js';
import { Title } from '../layout.jsx';

// The snapshot, kept current by the event stream. status: 'connecting', 'live', 'retrying'.
function useDashboard() {
  const [state, setState] = useState({ data: null, status: 'connecting', error: null });
  useEffect(() => {
    let live = true;
    request('GET', '/v1/dashboard')
      .then((d) => live && setState((s) => (s.data && s.data.version > d.version ? s : { ...s, data: d })))
      .catch((e) => live && setState((s) => ({ ...s, error: e })));
    const es = new EventSource('/v1/dashboard/events');
    es.addEventListener('snapshot', (ev) => {
      let d;
      try {
        d = JSON.parse(ev.data);
      } catch {
        return;
      }
      setState({ data: d, status: 'live', error: null });
    });
    es.onopen = () => setState((s) => ({ ...s, status: 'live' }));
    es.onerror = () => setState((s) => ({ ...s, status: 'retrying' }));
    return () => {
      live = false;
      es.close();
    };
  }, []);
  return state;
}

// A status name from the server, in the user's language when the catalogue knows it.
function statusName(s) {
  const key = 'dash.status.' + s;
  return catalogues[currentLanguage()][key] || catalogues.en[key] ? t(key) : s;
}

// A table that may scroll: a focusable region, so keyboard users can scroll it too.
function Scroll({ label, tall, children }) {
  return (
    <div class={tall ? 'scroll tall' : 'scroll'} tabindex="0" role="region" aria-label={label}>
      {children}
    </div>
  );
}

function EngagementTable({ rows }) {
  if (!rows.length) return <p class="hint">{t('dash.no_engagements')}</p>;
  return (
    <Scroll label={t('dash.engagements')}>
      <table class="dash">
        <caption class="sr-only">{t('dash.engagements')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('dash.col.engagement')}</th>
            <th scope="col" class="num">{t('dash.col.queue')}</th>
            <th scope="col" class="num">{t('dash.col.oldest')}</th>
            <th scope="col" class="num">{t('dash.col.due_hour')}</th>
            <th scope="col" class="num">{t('dash.col.breaches')}</th>
            <th scope="col" class="num">{t('dash.col.late_today')}</th>
            <th scope="col" class="num">{t('dash.col.throughput')}</th>
            <th scope="col" class="num">{t('dash.col.leased')}</th>
            <th scope="col" class="num">{t('dash.col.busy')}</th>
            <th scope="col" class="num">{t('dash.col.expired')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.id} data-engagement={e.id}>
              <th scope="row">
                {e.name} <span class="hint">({String(e.kind).toUpperCase()}{e.active ? '' : ', ' + t('dash.paused')})</span>
              </th>
              <td class="num" data-col="queue_depth">{fmtNumber(e.queue_depth)}</td>
              <td class="num" data-col="oldest">{e.oldest_waiting ? fmtDuration(e.oldest_waiting.age_seconds) : '—'}</td>
              <td class="num" data-col="due_next_hour">{fmtNumber(e.due_next_hour)}</td>
              <td class="num" data-col="breaches">
                {e.breaches.open > 0 ? <span class="late">{fmtNumber(e.breaches.open)}</span> : fmtNumber(0)}
              </td>
              <td class="num" data-col="late_today">{fmtNumber(e.breaches.done_late_today)}</td>
              <td class="num" data-col="throughput">{fmtNumber(e.throughput_hour)}</td>
              <td class="num" data-col="assigned">{fmtNumber(e.assigned)}</td>
              <td class="num" data-col="busy">{fmtNumber(e.workers_busy)}</td>
              <td class="num" data-col="expired">{fmtNumber(e.leases_expired_total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

function Workers({ w }) {
  return (
    <section class="card" aria-labelledby="dash-workers">
      <h2 id="dash-workers">{t('dash.workers')}</h2>
      <ul class="counts">
        {['available', 'busy', 'away', 'offline'].map((k) => (
          <li key={k} data-count={k}>
            <span class="n">{fmtNumber(w[k])}</span> {t('dash.w.' + k)}
          </li>
        ))}
      </ul>
      {w.list.length > 0 && (
        <Scroll label={t('dash.workers_list')}>
          <table class="workers">
            <caption class="sr-only">{t('dash.workers_list')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dash.col.worker')}</th>
                <th scope="col">{t('dash.col.status')}</th>
                <th scope="col" class="num">{t('dash.col.load')}</th>
              </tr>
            </thead>
            <tbody>
              {w.list.map((x) => (
                <tr key={x.id}>
                  <th scope="row">{x.name}</th>
                  <td>{x.load > 0 ? t('dash.w.busy') : statusName(x.status)}</td>
                  <td class="num">{t('dash.load', { load: fmtNumber(x.load), capacity: fmtNumber(x.capacity) })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
      {w.truncated && <p class="hint">{t('dash.workers_truncated', { n: fmtNumber(w.list.length) })}</p>}
    </section>
  );
}

// Required vs available workers per interval, as bars and a step line in inline SVG, with the
// same numbers as a table for screen readers and anyone who wants them.
export function StaffingChart({ plan }) {
  const iv = plan.intervals || [];
  const W = 720;
  const H = 180;
  const PAD = { l: 36, r: 8, t: 8, b: 26 };
  const max = Math.max(1, ...iv.map((i) => Math.max(i.required, i.available)));
  const bw = (W - PAD.l - PAD.r) / Math.max(1, iv.length);
  const y = (v) => PAD.t + (H - PAD.t - PAD.b) * (1 - v / max);
  const x = (k) => PAD.l + k * bw;
  const step = iv.map((i, k) => `${k ? 'L' : 'M'}${x(k).toFixed(1)},${y(i.available).toFixed(1)}H${x(k + 1).toFixed(1)}`).join('');
  const days = [];
  iv.forEach((i, k) => {
    const d = new Date(i.start);
    const prev = k ? new Date(iv[k - 1].start) : null;
    if (!prev || prev.getDate() !== d.getDate()) days.push({ k, label: fmtDay(d) });
  });
  const short = iv.filter((i) => i.required > i.available).length;
  const peak = Math.max(0, ...iv.map((i) => i.required));
  const summary = t('dash.chart_summary', {
    n: fmtNumber(iv.length),
    peak: fmtNumber(peak),
    short: fmtNumber(short),
    from: iv.length ? fmtDateTime(iv[0].start) : '',
    to: plan.end ? fmtDateTime(plan.end) : '',
  });
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title chart-desc" class="staffing">
        <title id="chart-title">{t('dash.chart_title')}</title>
        <desc id="chart-desc">{summary}</desc>
        <line x1={PAD.l} x2={W - PAD.r} y1={y(0)} y2={y(0)} class="axis" />
        <text x={PAD.l - 4} y={y(max) + 4} class="tick" text-anchor="end">{fmtNumber(max)}</text>
        <text x={PAD.l - 4} y={y(0) + 4} class="tick" text-anchor="end">{fmtNumber(0)}</text>
        {iv.map((i, k) => (
          <rect key={k} x={x(k) + 0.5} width={Math.max(0.5, bw - 1)} y={y(i.required)} height={y(0) - y(i.required)}
            class={i.required > i.available ? 'req short' : 'req'} />
        ))}
        {iv.length > 0 && <path d={step} class="avail" />}
        {days.map((d) => (
          <text key={d.k} x={x(d.k) + 2} y={H - 8} class="tick">{d.label}</text>
        ))}
      </svg>
      <figcaption>
        <span class="key req">{t('dash.required')}</span> <span class="key avail">{t('dash.available')}</span>
        <span class="hint"> {summary}</span>
      </figcaption>
      <details>
        <summary>{t('dash.chart_table')}</summary>
        <Scroll label={t('dash.chart_title')} tall>
          <table class="staffing-table">
            <caption>{t('dash.chart_title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dash.col.interval')}</th>
                <th scope="col" class="num">{t('dash.required')}</th>
                <th scope="col" class="num">{t('dash.available')}</th>
              </tr>
            </thead>
            <tbody>
              {iv.map((i) => (
                <tr key={i.start}>
                  <th scope="row">{fmtDateTime(i.start)}</th>
                  <td class="num">{fmtNumber(i.required)}</td>
                  <td class="num">{fmtNumber(i.available)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      </details>
    </figure>
  );
}

const PLAN_DAYS = 3;

function Staffing({ engagements, role }) {
  const [id, setId] = useState('');
  const [plan, setPlan] = useState({ loading: true });
  const chosen = id || (engagements[0] && String(engagements[0].id)) || '';
  useEffect(() => {
    if (!chosen || role === 'auditor') return undefined;
    let live = true;
    setPlan({ loading: true });
    request('GET', `/v1/engagements/${encodeURIComponent(chosen)}/staffing?days=${PLAN_DAYS}&interval=3600`)
      .then((p) => live && setPlan({ plan: p }))
      .catch((e) => live && setPlan({ error: e }));
    return () => { live = false; };
  }, [chosen, role]);
  return (
    <section class="card" aria-labelledby="dash-staffing">
      <h2 id="dash-staffing">{t('dash.staffing', { days: fmtNumber(PLAN_DAYS) })}</h2>
      {role === 'auditor' ? (
        <p class="hint">{t('dash.staffing_staff_only')}</p>
      ) : (
        <>
          <form class="inline" onSubmit={(e) => e.preventDefault()}>
            <label for="dash-eng">{t('dash.col.engagement')}</label>
            <select id="dash-eng" value={chosen} onChange={(e) => setId(e.currentTarget.value)}>
              {engagements.map((e) => (
                <option key={e.id} value={String(e.id)}>{e.name}</option>
              ))}
            </select>
          </form>
          {plan.loading && <p role="status">{t('app.loading')}</p>}
          {plan.error && <p class="msg error" role="alert">{apiErrorText(plan.error)}</p>}
          {plan.plan && <StaffingChart plan={plan.plan} />}
        </>
      )}
    </section>
  );
}

export function Dashboard({ session }) {
  const { data, status, error } = useDashboard();
  const role = session.user.role;
  return (
    <section class="dashboard">
      <div class="bar">
        <Title>{t('dash.title')}</Title>
        <p class={'live ' + status} role="status" aria-live="polite">
          {status === 'retrying' ? t('dash.retrying') : data ? t('dash.updated', { time: fmtTime(data.at) }) : t('dash.connecting')}
        </p>
      </div>
      {error && !data && <p class="msg error" role="alert">{apiErrorText(error)}</p>}
      {data && (
        <>
          <section class="card" aria-labelledby="dash-eng-h">
            <h2 id="dash-eng-h">{t('dash.engagements')}</h2>
            <EngagementTable rows={data.engagements} />
          </section>
          {data.workers && <Workers w={data.workers} />}
          {data.engagements.length > 0 && <Staffing engagements={data.engagements} role={role} />}
        </>
      )}
    </section>
  );
}

