// e2e_audit.mjs - the audit screen in a real browser (run.sh's world): an auditor opens the trail,
// filters it by client (the events are those GET /v1/audit?client_id= gives, in order), by actor,
// action (a name and a family), from and to in the browser's time zone, and together (each the
// API's page for the same filter, the filters kept in the URL, typed by keyboard), pages it
// by the server's cursor, runs verify and sees the trail intact with the count the API gives;
// an admin may open it, a worker and a client user see the not-found page; en, id and ms without
// raw keys, axe-core on the screen before and after verify.
import { execFileSync } from 'node:child_process';
import { env, cat, BASE, ok, api, axe, shot, signIn, run } from './lib.mjs';

async function open(page, hash) {
  await page.goto(BASE + '/' + hash);
  await page.locator('main h1').first().waitFor();
  for (let i = 0; i < 50 && (await page.locator('main .loading').count()); i++) await page.waitForTimeout(100);
}

// The sequence numbers on screen (the first column, in the page's locale: digits only kept).
const seqs = async (page) => (await page.locator('table.audit-list tbody tr td:first-child').allInnerTexts()).map((s) => Number(s.replace(/\D/g, '')));
// The page's events once pred(seqs) holds and nothing loads (polled: a list loads after its
// hash changes, and the old page stays until then), or the last ones seen after 5 s.
async function seqsWhen(page, pred) {
  let s = [];
  for (let i = 0; i < 50; i++) {
    s = await seqs(page);
    if (!(await page.locator('main .loading').count()) && pred(s)) break;
    await page.waitForTimeout(100);
  }
  return s;
}

// The Who column, and what it must say for an API event in lang.
const whoCol = (page) => page.locator('table.audit-list tbody tr td:nth-child(3)').allInnerTexts();
const whoText = (lang, e) => e.actor_user_id === null ? cat[lang]['audit.system']
  : cat[lang]['audit.user_named'].replace('{name}', e.actor_name).replace('{id}', e.actor_user_id);

// Fills the filter form (every field: those not in f emptied) and applies it.
async function applyFilters(page, f) {
  const en = cat.en;
  await page.getByLabel(en['adm.f.client']).selectOption(f.client_id || '');
  for (const [k, label] of [['actor', 'audit.f_actor'], ['action', 'audit.f_action'], ['from', 'audit.f_from'], ['to', 'audit.f_to']]) {
    await page.getByLabel(en[label]).fill(f[k] || '');
  }
  await page.getByRole('button', { name: en['portal.apply'] }).click();
}

// lib's noRawKeys, but the action column shows the API's action codes (item.review, ...) as they
// are, and some of those are also catalogue keys: that column is left out of the check.
async function noRawKeys(page, lang, what) {
  const text = await page.evaluate(() => {
    const clone = document.body.cloneNode(true);
    clone.querySelectorAll('.audit-list code').forEach((c) => c.remove());
    document.body.appendChild(clone);
    clone.style.position = 'absolute';
    const s = clone.innerText;
    clone.remove();
    return s;
  });
  const raw = Object.keys(cat.en).filter((k) => text.includes(k));
  const holes = text.match(/\{[a-z_]+\}/g) || [];
  ok(raw.length === 0 && holes.length === 0, `${what} [${lang}]: no raw catalogue key or placeholder on screen`, [...raw, ...holes].join(', '));
}

await run('e2e_audit', async (browser) => {
  const en = cat.en;
  const AUD = env.AUD;
  let ctx = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Manila' });
  let page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const reqs = [];
  page.on('request', (r) => r.url().includes('/v1/audit') && reqs.push(r.url()));

  await signIn(page, 'aud');
  await page.getByRole('link', { name: en['nav.audit'] }).waitFor();
  ok((await page.getByRole('link', { name: en['nav.admin'] }).count()) === 0, "an auditor's menu has Audit and no Administration");
  await page.getByRole('link', { name: en['nav.audit'] }).click();
  await page.getByRole('heading', { name: en['audit.title'], level: 1 }).waitFor();
  await page.locator('table.audit-list').waitFor();
  const all1 = await api('GET', '/v1/audit?limit=25', AUD);
  ok((await seqs(page)).join() === all1.body.data.map((e) => e.seq).join(), 'the trail shows the first page the API gives, oldest first', (await seqs(page)).join());
  await axe(page, 'audit trail');

  // --- the client filter: exactly the events the API gives for ACME, in order
  for (let i = 0; i < 50 && (await page.locator('.filters select option').count()) < 3; i++) await page.waitForTimeout(100);
  await page.getByLabel(en['adm.f.client']).selectOption({ label: 'Acme Insurance' });
  await page.getByRole('button', { name: en['portal.apply'] }).click();
  await page.waitForURL(new RegExp(`#/audit\\?client_id=${env.ACME}$`));
  const acme = await api('GET', `/v1/audit?client_id=${env.ACME}&limit=25`, AUD);
  // The hash changes before the filtered page is asked for: wait for that page (5 s at most).
  const shown = await seqsWhen(page, (s) => s.join() === acme.body.data.map((e) => e.seq).join());
  ok(acme.body.data.length > 0 && acme.body.data.every((e) => e.client_id === Number(env.ACME)), "the API's client filter gives ACME's events only");
  ok(shown.join() === acme.body.data.map((e) => e.seq).join(), "the filtered trail is the API's ACME page", shown.join());
  const clientCol = await page.locator('table.audit-list tbody tr td:nth-child(6)').allInnerTexts();
  ok(clientCol.every((c) => c === 'Acme Insurance'), 'every event shown is of Acme Insurance', clientCol.join());
  ok((await whoCol(page)).join('|') === acme.body.data.map((e) => whoText('en', e)).join('|') &&
    acme.body.data.some((e) => e.actor_name === 'acme-user'),
    "Who names each event's user by the API's actor_name (acme-user among them), with its id", (await whoCol(page)).slice(0, 4).join('|'));
  ok(reqs.some((u) => u.includes(`client_id=${env.ACME}`)) && reqs.filter((u) => /\/v1\/audit\?/.test(u)).every((u) => /limit=25/.test(u)),
    'the filter is sent to the server, a page at a time', reqs.join(' '));

  // --- paging: ACME's trail (item creations, reads, worker submits) fills a second page
  for (let i = 0; i < 30; i++) await api('POST', '/v1/items', env.ACMEU, { engagement_id: Number(env.BPO), external_ref: `AUD-${i}`, payload: { n: i } });
  await page.reload();
  await page.locator('table.audit-list').waitFor();
  const p1 = await api('GET', `/v1/audit?client_id=${env.ACME}&limit=25`, AUD);
  const p2 = await api('GET', `/v1/audit?client_id=${env.ACME}&limit=25&after=${p1.body.next_cursor}`, AUD);
  await page.getByRole('button', { name: en['portal.next'] }).click();
  await page.getByText(en['adm.page'].replace('{page}', 2), { exact: true }).waitFor();
  await seqsWhen(page, (s) => s.join() === p2.body.data.map((e) => e.seq).join());
  ok((await seqs(page)).join() === p2.body.data.map((e) => e.seq).join(), "Next shows the API's page after next_cursor", (await seqs(page)).join());
  await page.getByRole('button', { name: en['portal.prev'] }).click();
  await page.getByText(en['adm.page'].replace('{page}', 1), { exact: true }).waitFor();
  ok(true, 'Previous goes back to page 1');

  // --- actor, action, from and to: each narrows the trail to exactly the API's page for it
  await applyFilters(page, {});
  const every = (await api('GET', '/v1/audit?limit=500', AUD)).body.data;
  const acmeUserId = (await api('GET', '/v1/users?limit=100', env.ADMIN)).body.data.find((u) => u.name === 'acme-user').id;
  // The events' times span several seconds (sign-ins, the 30 items): a second with events
  // both before and after it, as the browser's time zone (Asia/Manila, UTC+8) shows it.
  const secs = [...new Set(every.map((e) => Math.ceil(Date.parse(e.at) / 1000) * 1000))].sort((a, b) => a - b);
  const cut = secs[Math.floor(secs.length / 2)];
  const manila = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 19);
  ok(secs.length > 2 && every.some((e) => Date.parse(e.at) < cut) && every.some((e) => Date.parse(e.at) >= cut), 'the trail spans a cut in time to filter by', secs.join());
  const cases = [
    ['actor', { actor: String(acmeUserId) }, `actor=${acmeUserId}`, (e) => e.actor_user_id === acmeUserId],
    ['action', { action: 'item.create' }, 'action=item.create', (e) => e.action === 'item.create'],
    ['action family', { action: 'session.' }, 'action=session.', (e) => e.action.startsWith('session.')],
    ['from', { from: manila(cut) }, `from=${encodeURIComponent(new Date(cut).toISOString())}`, (e) => Date.parse(e.at) >= cut],
    ['to', { to: manila(cut) }, `to=${encodeURIComponent(new Date(cut).toISOString())}`, (e) => Date.parse(e.at) < cut],
    ['client, actor and action', { client_id: String(env.ACME), actor: String(acmeUserId), action: 'item.' },
      `client_id=${env.ACME}&actor=${acmeUserId}&action=item.`, (e) => e.client_id === Number(env.ACME) && e.actor_user_id === acmeUserId && e.action.startsWith('item.')],
  ];
  for (const [name, f, qs, pred] of cases) {
    await applyFilters(page, f);
    await page.waitForURL((u) => u.hash === '#/audit?' + qs, { timeout: 5000 });
    const want = (await api('GET', `/v1/audit?${qs}&limit=25`, AUD)).body.data;
    const shown = await seqsWhen(page, (s) => s.join() === want.map((e) => e.seq).join());
    // Beside it, the whole filtered trail (under 500 events) against the test's own filter.
    const full = (await api('GET', `/v1/audit?${qs}&limit=500`, AUD)).body.data.map((e) => e.seq);
    const mine = every.filter(pred).map((e) => e.seq);
    ok(full.length > 0 && full.length < every.length, `${name}: the filter keeps a part of the trail`, `${full.length} of ${every.length}`);
    ok(full.join() === mine.join(), `${name}: the API keeps exactly the trail's events that match, in order`, full.join());
    ok(shown.length > 0 && shown.join() === want.map((e) => e.seq).join(), `${name}: the screen shows the API's page for the filter`, shown.join());
  }
  const actionsShown = await page.locator('table.audit-list tbody tr td:nth-child(4)').allInnerTexts();
  ok(actionsShown.length > 0 && actionsShown.every((a) => a.startsWith('item.')), 'the family filter shows only item. actions', actionsShown.join());
  // The URL keeps the filters: a reload shows the same page and the fields as they were.
  await page.reload();
  await page.locator('table.audit-list').waitFor();
  ok((await page.getByLabel(en['audit.f_actor']).inputValue()) === String(acmeUserId) && (await page.getByLabel(en['audit.f_action']).inputValue()) === 'item.',
    'after a reload the fields hold the filters of the URL');
  // The time window round trip: the URL's UTC time shows as Manila's local time.
  await applyFilters(page, { from: manila(secs[0] - 1000), to: manila(cut) });
  await page.waitForURL(/from=.*&to=/);
  await page.reload();
  await page.locator('main h1').waitFor();
  ok((await page.getByLabel(en['audit.f_from']).inputValue()) === manila(secs[0] - 1000) && (await page.getByLabel(en['audit.f_to']).inputValue()) === manila(cut),
    'the window comes back from the URL in the browser\'s time zone', await page.getByLabel(en['audit.f_from']).inputValue());
  // Keyboard only: type the actor, Tab to the action, Enter submits.
  await page.getByRole('button', { name: en['audit.f_clear'] }).click();
  await page.waitForURL(/#\/audit$/);
  // The screen redrawn for the bare URL (the whole trail's first page) before typing: a field
  // typed into before that is reset with the form.
  const first = (await api('GET', '/v1/audit?limit=25', AUD)).body.data.map((e) => e.seq).join();
  ok((await seqsWhen(page, (s) => s.join() === first)).join() === first, 'Clear filters shows the whole trail again');
  await page.getByLabel(en['audit.f_actor']).focus();
  await page.keyboard.type('999999');
  await page.keyboard.press('Tab');
  await page.keyboard.type('item.create');
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/audit\?actor=999999&action=item.create$/);
  await page.getByText(en['audit.empty']).waitFor();
  ok((await page.locator('table.audit-list').count()) === 0, 'an actor with no event: the empty message, no rows (by keyboard: Tab, Enter)');
  // From after to: said on the screen in the user's language, nothing asked of the server.
  const before = reqs.length;
  await applyFilters(page, { from: manila(cut), to: manila(cut - 60000) });
  await page.getByText(en['audit.bad_range']).waitFor();
  ok(reqs.length === before, 'from after to: the screen says so and asks the server nothing');
  await axe(page, 'audit trail with every filter filled and the range error');
  await applyFilters(page, { client_id: String(env.ACME), action: 'item.' });
  await seqsWhen(page, (s) => s.length > 0);
  await shot(page, 'audit-filters-en');

  // --- verify: intact, with the count the API gives
  await page.getByRole('button', { name: en['audit.verify'], exact: true }).click();
  const verdict = page.locator('.verdict');
  await verdict.waitFor();
  const v = (await api('GET', '/v1/audit/verify', AUD)).body;
  const line = await page.locator('.verdict-line').innerText();
  const n = Number(line.replace(/\D/g, ''));
  ok(v.intact === true && (await verdict.getAttribute('class')).includes('intact'), 'the API says intact and the verdict is shown as intact', JSON.stringify(v));
  ok(line === en['audit.intact'].replace('{n}', n.toLocaleString('en-US')) && n > 0 && n <= v.checked, 'the verdict says the trail is intact with the count checked', line);
  await axe(page, 'audit trail with the verify verdict');
  await shot(page, 'audit-en');
  ok(errors.length === 0, 'no script error', errors.join(' | '));

  // --- a changed event: verify names where the chain breaks, and links to it
  const victim = p1.body.data[3].seq;
  execFileSync('python3', ['-c', 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute("UPDATE audit SET action = \'tampered\' WHERE seq = ?", (int(sys.argv[2]),)); d.commit()',
    `${env.DATA}/alihdaya.db`, String(victim)]);
  const vb = (await api('GET', '/v1/audit/verify', AUD)).body;
  ok(vb.intact === false && vb.first_bad_seq === victim, `after event ${victim} is changed the API says broken there`, JSON.stringify(vb));
  await page.getByRole('button', { name: en['audit.verify'], exact: true }).click();
  await page.locator('.verdict.broken').waitFor();
  const bline = await page.locator('.verdict-line').innerText();
  ok(bline.startsWith(en['audit.broken_at'].replace('{seq}', victim.toLocaleString('en-US')).split(' (')[0]), 'the verdict says the trail is broken at that event', bline);
  ok((await page.locator('.verdict [role=alert], .verdict[role=alert]').count()) === 1, 'a broken trail is announced as an alert');
  const probs = await page.locator('.problems li').allInnerTexts();
  ok(probs.length === vb.problems.length && probs.length > 0, "the API's problems are listed", probs.join(' | '));
  await axe(page, 'audit trail with a broken verdict');
  await shot(page, 'audit-broken-en');
  await page.getByRole('link', { name: en['audit.show_bad'].replace('{seq}', victim.toLocaleString('en-US')) }).click();
  await page.waitForURL(new RegExp(`#/audit\\?after=${victim - 1}$`));
  await page.locator('table.audit-list').waitFor();
  await seqsWhen(page, (s) => s[0] === victim);
  ok((await seqs(page))[0] === victim, 'the link opens the trail at the changed event', (await seqs(page)).slice(0, 3).join());

  // --- en, id, ms: no raw keys, on the trail and with the verdict
  for (const [lang, locale] of [['en', 'en-GB'], ['id', 'id-ID'], ['ms', 'ms-MY']]) {
    const c2 = await browser.newContext({ locale, timezoneId: 'Asia/Jakarta' });
    const p = await c2.newPage();
    await signIn(p, 'aud', lang);
    await p.getByRole('link', { name: cat[lang]['nav.audit'] }).waitFor();
    await p.waitForURL(/#\/audit$/);
    await open(p, '#/audit');
    await p.locator('table.audit-list').waitFor();
    await noRawKeys(p, lang, 'audit trail');
    // ACME's trail: its users' events (the first page is mostly the system's set-up).
    const acmeP = (await api('GET', `/v1/audit?client_id=${env.ACME}&limit=25`, AUD)).body.data;
    await open(p, `#/audit?client_id=${env.ACME}`);
    await seqsWhen(p, (s) => s.join() === acmeP.map((e) => e.seq).join());
    ok((await whoCol(p)).join('|') === acmeP.map((e) => whoText(lang, e)).join('|') && acmeP.some((e) => e.actor_name),
      `[${lang}] Who names the users in the language`, (await whoCol(p)).slice(0, 3).join('|'));
    await open(p, '#/audit');
    await p.locator('table.audit-list').waitFor();
    const keys = ['audit.f_actor', 'audit.f_action', 'audit.f_from', 'audit.f_to', 'audit.f_clear', 'audit.bad_range'];
    ok(keys.every((k) => cat[lang][k] && (lang === 'en' || cat[lang][k] !== cat.en[k])), `[${lang}] the filters' strings are in the catalogue, translated`);
    let labelled = 0;
    for (const k of keys.slice(0, 4)) labelled += await p.getByLabel(cat[lang][k], { exact: true }).count();
    ok(labelled === 4, `[${lang}] every filter field is labelled in the language`, String(labelled));
    await p.getByRole('button', { name: cat[lang]['audit.verify'], exact: true }).click();
    await p.locator('.verdict').waitFor();
    await noRawKeys(p, lang, 'audit verdict');
    if (lang !== 'en') {
      await axe(p, `audit [${lang}]`);
      await shot(p, `audit-${lang}`);
    }
    await c2.close();
  }
  await ctx.close();

  // --- who may open it: an admin yes; a worker and a client user get the not-found page
  for (const [login, allowed] of [['admin', true], ['w1', false], ['acme-user', false]]) {
    ctx = await browser.newContext({ locale: 'en-US' });
    page = await ctx.newPage();
    await signIn(page, login);
    // Signed in, and the home's redirect to the role's screen (admin, work, portal) done.
    await page.getByRole('button', { name: en['app.sign_out'] }).waitFor();
    await page.waitForURL(/#\/(admin|work|portal)$/);
    await open(page, '#/audit');
    const h = await page.locator('main h1').innerText();
    ok(allowed ? h === en['audit.title'] : h === en['notfound.title'], `${login} opening #/audit: ${allowed ? 'the trail' : 'not found'}`, h);
    await ctx.close();
  }
});
