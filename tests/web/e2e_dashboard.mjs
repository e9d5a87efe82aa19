// e2e_dashboard.mjs - the operations dashboard in a real browser: a manager opens it from the
// menu; an item submitted over the API while the page is open changes the queue's number
// without a reload (the event stream); the staffing chart with its text alternative; the
// workers; en, id and ms with no raw key; axe-core; a client user does not reach it.
import { env, cat, BASE, ok, api, axe, shot, signIn, noRawKeys, run } from './lib.mjs';

// The queue depth cell of engagement id, as a number in any locale's digits (Latin here).
async function depth(page, id) {
  const txt = await page.locator(`tr[data-engagement="${id}"] td[data-col="queue_depth"]`).innerText();
  return Number(txt.replace(/[^\d]/g, ''));
}

await run('e2e_dashboard', async (browser) => {
  const ctx = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Manila' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && errors.push(m.text()));

  await signIn(page, 'mgr');
  const link = page.getByRole('link', { name: cat.en['nav.dashboard'] });
  await link.waitFor();
  ok(true, "the manager's menu has the dashboard");
  await link.click();
  await page.getByRole('heading', { name: cat.en['dash.title'], level: 1 }).waitFor();
  ok(page.url().endsWith('#/dashboard'), 'the dashboard opens at #/dashboard', page.url());
  const row = page.locator(`tr[data-engagement="${env.BPO}"]`);
  await row.waitFor();
  // The figures against the API's own answer.
  const before = (await api('GET', '/v1/dashboard', env.MGR)).body;
  const bpo = before.engagements.find((e) => String(e.id) === env.BPO);
  ok((await depth(page, env.BPO)) === bpo.queue_depth, `the queue depth shown is the API's (${bpo.queue_depth})`);
  const kpoLate = before.engagements.find((e) => String(e.id) === env.KPO).breaches.open;
  const lateShown = Number((await page.locator(`tr[data-engagement="${env.KPO}"] td[data-col="breaches"]`).innerText()).replace(/[^\d]/g, ''));
  ok(kpoLate >= 1 && lateShown === kpoLate, `the KPO engagement's open items past due are shown (${lateShown})`);
  // Live: wait for the stream's first snapshot, then submit elsewhere and watch the number move.
  await page.locator('.live.live').waitFor();
  await page.evaluate(() => { window.__noReload = 1; });
  const n0 = await depth(page, env.BPO);
  const made = await api('POST', '/v1/items', env.MGR, { engagement_id: Number(env.BPO), payload: { claimant: 'Live Test' } });
  ok(made.status === 201, 'an item submitted over the API', JSON.stringify(made.body));
  let n1 = n0;
  for (let i = 0; i < 60 && n1 === n0; i++) {
    await page.waitForTimeout(100);
    n1 = await depth(page, env.BPO);
  }
  ok(n1 === n0 + 1, `the queue depth changes from ${n0} to ${n1} without a reload`);
  ok((await page.evaluate(() => window.__noReload)) === 1, 'the page was not reloaded');

  // The workers and the staffing chart with its text alternative.
  ok((await page.locator('table.workers tbody tr').count()) >= 3, 'the workers are listed with status and load');
  const chart = page.locator('svg.staffing[role="img"]');
  await chart.waitFor();
  ok(true, 'the staffing chart is drawn (inline SVG)');
  const desc = await page.locator('svg.staffing desc').textContent();
  ok(/\d/.test(desc || ''), 'the chart has a text description', desc);
  ok((await chart.getAttribute('aria-labelledby')) === 'chart-title chart-desc', 'the chart is labelled by its title and description');
  const rowsInTable = await page.locator('table.staffing-table tbody tr').count();
  const bars = await page.locator('svg.staffing rect').count();
  ok(rowsInTable > 0 && rowsInTable === bars, `the table alternative has a row per bar (${rowsInTable})`);
  await page.getByText(cat.en['dash.chart_table']).click();
  ok(await page.locator('table.staffing-table').isVisible(), 'the figures open as a table');
  await axe(page, 'dashboard');
  await shot(page, 'dashboard-en');
  await noRawKeys(page, 'en', 'dashboard');

  // id and ms: switched in the header, every string translated.
  for (const lang of ['id', 'ms']) {
    await page.getByLabel(cat[lang === 'id' ? 'en' : 'id']['app.language']).selectOption(lang);
    await page.getByRole('heading', { name: cat[lang]['dash.title'], level: 1 }).waitFor();
    await page.locator('svg.staffing').waitFor();
    await noRawKeys(page, lang, 'dashboard');
    await axe(page, `dashboard [${lang}]`);
    await shot(page, `dashboard-${lang}`);
  }
  ok(errors.length === 0, 'no script error or CSP report in the console', errors.join(' | '));
  await ctx.close();

  // A client user: no dashboard in its menu, and the URL shows the not-found page.
  const c2 = await browser.newContext({ locale: 'en-US' });
  const p2 = await c2.newPage();
  await signIn(p2, 'lex-user');
  await p2.getByRole('heading', { name: cat.en['portal.title'], level: 1 }).waitFor();
  ok((await p2.getByRole('link', { name: cat.en['nav.dashboard'] }).count()) === 0, "a client user's menu has no dashboard");
  await p2.goto(BASE + '/#/dashboard');
  await p2.getByRole('heading', { name: cat.en['notfound.title'] }).waitFor();
  ok(true, 'a client user opening #/dashboard sees the not-found page');
  await c2.close();
});
