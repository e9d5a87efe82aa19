// web.mjs - bench/web's browser side (web.sh starts the server and seeds the world): playwright-
// core drives Debian's chromium headless. Measures (1) the first load: HTML+JS+CSS bytes, encoded
// (as sent, gzip) and decoded, from the Resource Timing API, and the time to interactive over
// cold loads (a new browser context each); (2) take-next -> form ready; (3) the keying loop:
// take, fill every field at once, submit, for SECS seconds. Timestamps are taken inside the page
// (performance.now(), a capture listener for the click, a MutationObserver for the result), so
// the DevTools protocol's round trips are not in the figures. Checks the counts against the API.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const env = process.env;
const require = createRequire(join(env.WEB_ROOT, 'package.json'));
const { chromium } = require('playwright-core');
const en = JSON.parse(readFileSync(join(env.WEB_ROOT, 'src/i18n/en.json'), 'utf8'));
const BASE = env.BASE;
const SECS = Number(env.SECS || 60);
const LOADS = Number(env.LOADS || 20);
const TAKES = Number(env.TAKES || 100);
const DECLARED_FIRST = 'amount';

async function api(method, path, token, body) {
  const res = await fetch(BASE + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

// n items on engagement eng, created by the client user token, 16 at a time.
let serial = 0;
async function seed(token, eng, n) {
  let next = 0;
  const one = async () => {
    while (next < n) {
      next++;
      const i = ++serial;
      const r = await api('POST', '/v1/items', token, {
        engagement_id: Number(eng), external_ref: `B-${eng}-${i}`,
        payload: { claimant: `Siti Rahma ${i}`, amount: `1${i % 10}.50`, policy_no: `P-${i}`, scan_url: `https://scans.example/B-${i}.pdf` },
      });
      if (r.status !== 201) throw new Error(`create item: ${r.status} ${JSON.stringify(r.body)}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, one));
}

// The items of an engagement by state, as the manager sees them.
async function states(eng) {
  const by = {};
  let after = null;
  for (;;) {
    const r = await api('GET', `/v1/items?engagement_id=${eng}&limit=500${after ? '&after=' + after : ''}`, env.MGR);
    if (r.status !== 200) throw new Error(`list: ${r.status}`);
    for (const it of r.body.data) by[it.state] = (by[it.state] || 0) + 1;
    if (!r.body.next_cursor) break;
    after = r.body.next_cursor;
  }
  return by;
}

function pct(a, p) {
  const s = [...a].sort((x, y) => x - y);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const ms = (v) => (Number.isFinite(v) ? v.toFixed(1) + ' ms' : 'n/a');
const kB = (b) => (b / 1000).toFixed(1) + ' kB';

// In every page: marks set by observers, read back by the bench. __b.t[name] = performance.now()
// the first time cond(name) holds after __b.arm(name).
function probe({ take, declaredFirst, fillSrc }) {
  const b = { t: {}, armed: {} };
  b.fill = fillSrc;
  window.__b = b;
  const takeBtn = () => [...document.querySelectorAll('section.take button')].find((x) => x.textContent === take);
  const conds = {
    signin: () => { const l = document.getElementById('login'); const p = document.getElementById('password'); return l && p && !l.disabled && !p.disabled && document.querySelector('form button[type=submit]'); },
    work: () => { const x = takeBtn(); return x && !x.disabled; },
    // The entry form: its first field in the page (with the declared fields: the declared one).
    form: () => {
      const f = document.getElementById('f-0');
      if (!f) return false;
      if (!declaredFirst) return true;
      const l = document.querySelector('label[for="f-0"]');
      return l && l.textContent.replace(' *', '') === declaredFirst;
    },
    focus: () => conds.form() && document.activeElement === document.getElementById('f-0'),
  };
  b.conds = conds;
  b.takeBtn = takeBtn;
  const check = () => {
    for (const n of Object.keys(b.armed)) if (b.armed[n] && conds[n]()) { b.t[n] = performance.now(); b.armed[n] = false; }
  };
  b.arm = (n) => { delete b.t[n]; b.armed[n] = true; check(); };
  b.arm('signin');
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  document.addEventListener('focusin', check, true);
  // The moments the bench acts: the sign-in form sent, the take button clicked.
  document.addEventListener('submit', (e) => { if (e.target.querySelector('#login')) { b.t.signin_sent = performance.now(); b.arm('work'); } }, true);
  document.addEventListener('click', (e) => {
    const x = takeBtn();
    if (x && e.target === x) { b.t.take = performance.now(); b.arm('form'); b.arm('focus'); }
  }, true);
}

async function newPage(browser, declaredFirst) {
  const ctx = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Manila' });
  // The init script is text: the fill function goes in as its source (not via eval: the CSP).
  await ctx.addInitScript(`(${probe.toString()})({ take: ${JSON.stringify(en['work.take'])}, declaredFirst: ${JSON.stringify(declaredFirst)}, fillSrc: ${fillAndSubmit.toString()} })`);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { ctx, page, errors };
}

async function signIn(page, login) {
  await page.goto(BASE + '/');
  await page.waitForFunction(() => window.__b.t.signin !== undefined);
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(env.PW);
  await page.locator('#password').press('Enter');
  await page.waitForFunction(() => window.__b.t.work !== undefined, null, { timeout: 10000 });
}

// Every field of the entry form filled as fast as the page takes it (input/change events as
// keying makes them; a task between fields, as between two keystrokes: the screen's handlers
// build the values from the last render), then the form submitted with its button.
async function fillAndSubmit() {
  const tick = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
  const form = document.querySelector('section.entry form');
  let i = 0;
  for (const el of form.querySelectorAll('input, select, textarea')) {
    i++;
    if (el.type === 'checkbox') { if (!el.checked) el.click(); } else if (el.tagName === 'SELECT') {
      el.value = el.options[1] ? el.options[1].value : '';
      el.dispatchEvent(new Event('change', { bubbles: true }));
    } else {
      if (el.type === 'date') el.value = '2026-11-30';
      else if (el.inputMode === 'decimal') el.value = '12.50';
      else if (el.inputMode === 'numeric') el.value = '3';
      else el.value = `value ${i}`;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }
    await tick();
  }
  form.querySelector('button[type=submit]').click();
}
// What fillAndSubmit keys, as the API must show it.
const EXPECT = {
  plain: { claimant: 'value 1', amount: 'value 2', policy_no: 'value 3' },
  declared: { amount: '12.50', loss_date: '2026-11-30', kind: 'auto', urgent: true, note: 'value 5' },
};

// ---- 1. first load
async function firstLoads(browser) {
  const sig = [];
  const work = [];
  let bytes = null;
  let encoding = '';
  for (let i = 0; i < LOADS; i++) {
    const { ctx, page, errors } = await newPage(browser, null);
    if (i === 0) page.on('response', (r) => { if (/\/web\/app\.js$/.test(r.url())) encoding = r.headers()['content-encoding'] || 'identity'; });
    await signIn(page, 'w1');
    const t = await page.evaluate(() => window.__b.t);
    sig.push(t.signin);
    work.push(t.work - t.signin_sent);
    const res = await page.evaluate(() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
      .filter((e) => e.entryType === 'navigation' || /\/web\/app\.(js|css)$/.test(e.name))
      .map((e) => ({ name: new URL(e.name).pathname, enc: e.encodedBodySize, dec: e.decodedBodySize, xfer: e.transferSize })));
    if (res.some((r) => !r.xfer)) throw new Error('a file came from a cache on a cold load: ' + JSON.stringify(res));
    if (errors.length) throw new Error('page errors: ' + errors.join(' | '));
    if (!bytes) bytes = res;
    await ctx.close();
  }
  return { sig, work, bytes, encoding };
}

// ---- 2. take -> form ready, real clicks (playwright), TAKES times; the form then filled and
// submitted in the page.
async function takes(page, n) {
  const visible = [];
  const focused = [];
  let unfocused = 0;
  for (let i = 0; i < n; i++) {
    await page.waitForFunction(() => window.__b.conds.work());
    await page.locator('section.take button').click();
    await page.waitForFunction(() => window.__b.t.form !== undefined, null, { timeout: 10000 });
    // Focus follows in the same render or not at all; a short grace before calling it missed.
    await page.waitForFunction(() => window.__b.t.focus !== undefined, null, { timeout: 300 }).catch(() => {});
    const t = await page.evaluate(() => window.__b.t);
    visible.push(t.form - t.take);
    if (t.focus !== undefined) focused.push(t.focus - t.take);
    else unfocused++;
    await page.evaluate(() => window.__b.fill());
    await page.waitForFunction(() => window.__b.conds.work() || document.querySelector('.msg.error'));
    const err = await page.locator('.msg.error').count();
    if (err) throw new Error('submit: ' + (await page.locator('.msg.error').innerText()));
  }
  return { visible, focused, unfocused };
}

// ---- 3. the keying loop, driven from inside the page for secs seconds: no protocol round trip
// between the steps, the UI's own pace.
async function loop(page, secs) {
  return page.evaluate(async (secs) => {
    const b = window.__b;
    const until = (cond, ms = 10000) => new Promise((res, rej) => {
      if (cond()) return res();
      const mo = new MutationObserver(() => { if (cond()) { mo.disconnect(); clearTimeout(to); res(); } });
      mo.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
      const to = setTimeout(() => { mo.disconnect(); rej(new Error('timeout; page: ' + document.body.innerText.slice(0, 300))); }, ms);
    });
    const cycles = [];
    const ready = [];
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < secs * 1000) {
      await until(() => b.conds.work() || document.querySelector('.msg.info, .msg.error'));
      const m = document.querySelector('.msg.info, .msg.error');
      if (m && !b.conds.work()) throw new Error('no more work: ' + m.textContent);
      const t0 = performance.now();
      b.takeBtn().click();
      await until(() => b.conds.form() || document.querySelector('.msg.info, .msg.error'));
      if (!b.conds.form()) throw new Error('take: ' + document.querySelector('.msg.info, .msg.error').textContent);
      ready.push(performance.now() - t0);
      await b.fill();
      await until(() => b.conds.work() || document.querySelector('.msg.error'));
      if (document.querySelector('.msg.error')) throw new Error('submit: ' + document.querySelector('.msg.error').textContent);
      cycles.push(performance.now() - t0);
      n++;
    }
    return { n, elapsed: (performance.now() - start) / 1000, cycles, ready };
  }, secs);
}

async function worker(browser, login, eng, token, declaredFirst) {
  const { ctx, page, errors } = await newPage(browser, declaredFirst);
  await seed(token, eng, TAKES + 2);
  await signIn(page, login);
  const tk = await takes(page, TAKES);
  // Enough items for the loop at the pace the takes showed, with room.
  const per = pct(tk.visible, 50) + 20;
  await seed(token, eng, Math.ceil((SECS * 1000) / per * 1.5) + 100);
  const lp = await loop(page, SECS);
  if (errors.length) throw new Error('page errors: ' + errors.join(' | '));
  await ctx.close();
  const by = await states(eng);
  // The results keyed are the ones stored: every item the bench submitted, read back.
  let bad = 0;
  let read = 0;
  let after = null;
  const want = JSON.stringify(declaredFirst ? EXPECT.declared : EXPECT.plain);
  for (;;) {
    const l = await api('GET', `/v1/items?engagement_id=${eng}&state=submitted&limit=500${after ? '&after=' + after : ''}`, env.MGR);
    for (const it of l.body.data) {
      const one = await api('GET', `/v1/items/${it.id}`, env.MGR);
      read++;
      if (JSON.stringify(one.body.result) !== want) { if (!bad) console.log(`  item ${it.id}: result ${JSON.stringify(one.body.result)}, keyed ${want}`); bad++; }
    }
    if (!l.body.next_cursor) break;
    after = l.body.next_cursor;
  }
  const done = Object.entries(by).filter(([s]) => s !== 'queued' && s !== 'assigned').reduce((s, [, v]) => s + v, 0);
  return { tk, lp, by, done, expected: TAKES + lp.n, read, bad };
}

const browser = await chromium.launch({ executablePath: env.CHROMIUM, args: ['--no-sandbox'], headless: true });
let rc = 0;
try {
  const fl = await firstLoads(browser);
  const enc = fl.bytes.reduce((s, r) => s + r.enc, 0);
  const dec = fl.bytes.reduce((s, r) => s + r.dec, 0);
  console.log(`\n== first load (HTML+JS+CSS, Content-Encoding of app.js: ${fl.encoding})`);
  for (const r of fl.bytes) console.log(`  ${r.name.padEnd(14)} encoded ${String(r.enc).padStart(7)} B   decoded ${String(r.dec).padStart(7)} B`);
  console.log(`  total          encoded ${kB(enc)} (target < 150 kB: ${enc < 150000 ? 'met' : 'NOT met'})   decoded ${kB(dec)}`);
  console.log(`  ${LOADS} cold loads: navigation start -> sign-in form usable  median ${ms(pct(fl.sig, 50))}  p95 ${ms(pct(fl.sig, 95))}`);
  console.log(`  ${LOADS} cold loads: sign-in sent -> take button enabled      median ${ms(pct(fl.work, 50))}  p95 ${ms(pct(fl.work, 95))}`);

  for (const [name, login, eng, token, first] of [
    ['no declared fields (form from the payload keys, 3 text fields)', 'w1', env.BPO, env.ACMEU, null],
    ['declared result fields (decimal, date, enum, boolean, text)', 'w4', env.DECL, env.LEXU, DECLARED_FIRST],
  ]) {
    const r = await worker(browser, login, eng, token, first);
    console.log(`\n== engagement ${eng}: ${name}`);
    console.log(`  ${TAKES} takes (click): take -> first field in the form  median ${ms(pct(r.tk.visible, 50))}  p95 ${ms(pct(r.tk.visible, 95))}  (target < 100 ms: ${pct(r.tk.visible, 95) < 100 ? 'met' : 'NOT met'} at p95)`);
    console.log(`  ${TAKES} takes (click): take -> first field focused      median ${ms(pct(r.tk.focused, 50))}  p95 ${ms(pct(r.tk.focused, 95))}  (focused ${r.tk.focused.length}/${TAKES})`);
    console.log(`  keying loop ${r.lp.elapsed.toFixed(1)} s: ${r.lp.n} items = ${(r.lp.n / r.lp.elapsed * 60).toFixed(0)} items/min; cycle median ${ms(pct(r.lp.cycles, 50))} p95 ${ms(pct(r.lp.cycles, 95))}; take -> form median ${ms(pct(r.lp.ready, 50))} p95 ${ms(pct(r.lp.ready, 95))}`);
    const okc = r.done === r.expected;
    console.log(`  API: ${JSON.stringify(r.by)}; done ${r.done}, takes + loop ${r.expected}: ${okc ? 'agree' : 'DIFFER'}`);
    console.log(`  results read back: ${r.read}, equal to what was keyed: ${r.read - r.bad}`);
    if (!okc || r.bad || r.read !== r.done) rc = 1;
  }
} catch (e) {
  console.log('FAIL - ' + (e.stack || e));
  rc = 1;
} finally {
  await browser.close();
}
process.exit(rc);
