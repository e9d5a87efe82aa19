// e2e_admin.mjs - the administration screens in a real browser (run.sh's world): an admin creates
// a client (after the API refused a bad time zone beside its field), a service, an engagement and
// a worker with a skill and a clearance, edits one, switches a client off and on, makes a token,
// sees it work and revokes it — each checked through the API afterwards; a manager sees only what
// the policy lets it do, and a record it cannot see is the not-found page; every screen in en, id
// and ms without raw keys, axe-core on every screen.
import { env, cat, BASE, ok, api, axe, shot, signIn, noRawKeys, run } from './lib.mjs';

const A = env.ADMIN;

// Opens a screen by its hash and waits until it has its heading and nothing is loading.
async function open(page, hash) {
  await page.goto(BASE + '/' + hash);
  await page.locator('main h1').first().waitFor();
  for (let i = 0; i < 50 && (await page.locator('main .loading').count()); i++) await page.waitForTimeout(100);
}

async function status(page, text) {
  await page.getByRole('status').filter({ hasText: text }).first().waitFor();
}

const find = async (path, pred) => {
  for (let after = null; ;) {
    const r = await api('GET', `${path}?limit=500${after ? '&after=' + after : ''}`, A);
    const hit = r.body.data.find(pred);
    if (hit || !r.body.next_cursor) return hit;
    after = r.body.next_cursor;
  }
};

await run('e2e_admin', async (browser) => {
  const en = cat.en;
  let ctx = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Jakarta' });
  let page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await signIn(page, 'admin');
  await page.getByRole('link', { name: en['nav.admin'] }).waitFor();
  await page.waitForURL(/#\/admin$/);
  ok(true, "an admin's home is the administration");
  ok(await page.getByRole('link', { name: en['nav.audit'] }).isVisible(), "the admin's menu has Administration and Audit");
  await page.getByRole('link', { name: en['nav.admin'] }).click();
  await page.getByRole('heading', { name: en['adm.title'], level: 1 }).waitFor();
  const tabs = await page.locator('nav.tabs a').allInnerTexts();
  ok(tabs.join('|') === ['clients', 'services', 'engagements', 'workers', 'users', 'tokens'].map((k) => en['adm.' + k]).join('|'),
    'the admin sees every section', tabs.join('|'));

  // --- a client: the API refuses a bad time zone beside its field; nothing typed is lost
  await open(page, '#/admin/clients');
  await page.getByRole('link', { name: en['adm.new_clients'] }).click();
  await page.locator('#fld-code').waitFor();
  await page.locator('#fld-code').fill('globex');
  await page.locator('#fld-name').fill('Globex Services');
  await page.locator('#fld-time_zone').fill('Mars/Olympus');
  await page.getByRole('button', { name: en['adm.create'] }).click();
  const tzErr = page.locator('#fld-time_zone-err');
  await tzErr.waitFor();
  ok(/time_zone Mars\/Olympus is not an IANA time zone/.test(await tzErr.innerText()), "the API's reason stands beside the time zone", await tzErr.innerText());
  ok((await page.locator('#fld-time_zone').getAttribute('aria-invalid')) === 'true'
    && (await page.locator('#fld-time_zone').getAttribute('aria-describedby')) === 'fld-time_zone-err', 'the field is marked invalid and described by the reason');
  ok((await page.locator('#fld-code').inputValue()) === 'globex' && (await page.locator('#fld-name').inputValue()) === 'Globex Services',
    'nothing typed is lost on the error');
  ok(await page.locator('#fld-time_zone').evaluate((e) => e === document.activeElement), 'the focus is on the refused field');
  ok(!(await find('/v1/clients', (c) => c.code === 'globex')), 'the API holds no client globex after the refusal');
  await axe(page, 'client form with an API error');
  await shot(page, 'admin-error-en');
  await page.locator('#fld-time_zone').fill('Asia/Manila');
  await page.getByRole('button', { name: en['adm.create'] }).click();
  await page.waitForURL(/#\/admin\/clients\/\d+\?created=1$/);
  const clientId = Number(page.url().match(/clients\/(\d+)/)[1]);
  let c = await api('GET', `/v1/clients/${clientId}`, A);
  ok(c.body.code === 'globex' && c.body.name === 'Globex Services' && c.body.time_zone === 'Asia/Manila' && c.body.active === true,
    'the API shows the new client as typed', JSON.stringify(c.body));

  // --- edit it: only the name changes
  await page.locator('#fld-name').waitFor();
  ok((await page.locator('#fld-code').count()) === 0, 'the code is not offered on an edit (the API cannot change it)');
  await page.locator('#fld-name').fill('Globex Services Ltd');
  await page.getByRole('button', { name: en['adm.save'] }).click();
  await status(page, en['adm.saved']);
  c = await api('GET', `/v1/clients/${clientId}`, A);
  ok(c.body.name === 'Globex Services Ltd' && c.body.time_zone === 'Asia/Manila', 'the API shows the edited name', JSON.stringify(c.body));
  const ev = await find('/v1/audit', (e) => e.action === 'client.update' && e.record_id === clientId);
  ok(ev && ev.detail && ev.detail.name && ev.detail.name.after === 'Globex Services Ltd' && !ev.detail.time_zone,
    'the audit event of the edit names only the name', JSON.stringify(ev));

  // --- deactivate and activate it from the list
  await open(page, '#/admin/clients');
  await page.getByRole('button', { name: en['adm.deactivate_n'].replace('{name}', 'globex') }).click();
  await status(page, en['adm.deactivated'].replace('{name}', 'globex'));
  ok((await api('GET', `/v1/clients/${clientId}`, A)).body.active === false, 'Deactivate: the API shows the client inactive');
  await page.getByRole('button', { name: en['adm.activate_n'].replace('{name}', 'globex') }).click();
  await status(page, en['adm.activated'].replace('{name}', 'globex'));
  ok((await api('GET', `/v1/clients/${clientId}`, A)).body.active === true, 'Activate: the API shows it active again');

  // --- a service
  await open(page, '#/admin/services/new');
  await page.locator('#fld-code').fill('doc_review');
  await page.locator('#fld-name').fill('Document review');
  await page.locator('#fld-kind').selectOption('kpo');
  await page.locator('#fld-category').fill('legal');
  await axe(page, 'new service form');
  await page.getByRole('button', { name: en['adm.create'] }).click();
  await page.waitForURL(/#\/admin\/services\/\d+\?created=1$/);
  const serviceId = Number(page.url().match(/services\/(\d+)/)[1]);
  const sv = (await api('GET', `/v1/services/${serviceId}`, A)).body;
  ok(sv.code === 'doc_review' && sv.kind === 'kpo' && sv.category === 'legal' && sv.name === 'Document review', 'the API shows the new service', JSON.stringify(sv));

  // --- an engagement with a required skill at a level
  await open(page, '#/admin/engagements/new');
  for (let i = 0; i < 50 && (await page.locator('#fld-client_id option').count()) < 3; i++) await page.waitForTimeout(100);
  await page.locator('#fld-client_id').selectOption({ label: 'Globex Services Ltd' });
  await page.locator('#fld-service_id').selectOption({ label: 'Document review (kpo)' });
  await page.locator('#fld-name').fill('Contract review');
  await page.locator('#fld-required_skills').getByRole('button', { name: en['adm.add_skill'] }).click();
  await page.locator('#fld-required_skills').getByLabel(en['adm.code_n'].replace('{n}', 1)).fill('legal_research');
  await page.locator('#fld-required_skills').getByLabel(en['adm.level_n'].replace('{n}', 1)).selectOption('3');
  await page.locator('#fld-sla_seconds').fill('172800');
  await axe(page, 'new engagement form');
  await page.getByRole('button', { name: en['adm.create'] }).click();
  await page.waitForURL(/#\/admin\/engagements\/\d+\?created=1$/);
  const engId = Number(page.url().match(/engagements\/(\d+)/)[1]);
  const eg = (await api('GET', `/v1/engagements/${engId}`, A)).body;
  ok(eg.client_id === clientId && eg.service_id === serviceId && eg.kind === 'kpo' && eg.sla_seconds === 172800
    && JSON.stringify(eg.required_skills) === JSON.stringify([{ code: 'legal_research', level: 3 }]),
    'the API shows the new engagement with its skill and level', JSON.stringify(eg));

  // --- a worker with a skill, a language and a clearance with terms
  await open(page, '#/admin/workers/new');
  await page.locator('#fld-login').fill('rina');
  await page.locator('#fld-name').fill('Rina Santos');
  await page.locator('#fld-skills').getByRole('button', { name: en['adm.add_skill'] }).click();
  await page.locator('#fld-skills').getByLabel(en['adm.code_n'].replace('{n}', 1)).fill('legal_research');
  await page.locator('#fld-skills').getByLabel(en['adm.level_n'].replace('{n}', 1)).selectOption('4');
  await page.locator('#fld-languages').getByRole('button', { name: en['adm.add_language'] }).click();
  await page.locator('#fld-languages').getByLabel(en['adm.code_n'].replace('{n}', 1)).fill('en');
  await page.locator('#fld-languages').getByLabel(en['adm.level_n'].replace('{n}', 1)).selectOption('5');
  await page.locator('#fld-credentials').fill('bar:PH, LLB');
  await page.locator('#fld-country').fill('PH');
  await page.locator('#fld-time_zone').fill('Asia/Manila');
  await page.locator('#fld-capacity').fill('2');
  await page.locator('#fld-cost_amount').fill('1500');
  await page.locator('#fld-clearances').getByRole('button', { name: en['adm.add_clearance'] }).click();
  await page.locator('#fld-clearances').getByLabel(en['adm.client_n'].replace('{n}', 1)).selectOption({ label: 'Globex Services Ltd' });
  await page.locator('#fld-clearances').getByLabel(en['adm.nda_n'].replace('{n}', 1)).fill('NDA-9');
  await axe(page, 'new worker form');
  await page.getByRole('button', { name: en['adm.create'] }).click();
  await page.waitForURL(/#\/admin\/workers\/\d+\?created=1$/);
  const workerId = Number(page.url().match(/workers\/(\d+)/)[1]);
  const wk = (await api('GET', `/v1/workers/${workerId}`, A)).body;
  ok(wk.name === 'Rina Santos' && JSON.stringify(wk.skills) === JSON.stringify([{ code: 'legal_research', level: 4 }])
    && JSON.stringify(wk.languages) === JSON.stringify([{ code: 'en', level: 5 }])
    && JSON.stringify(wk.credentials) === JSON.stringify(['bar:PH', 'LLB']) && wk.capacity === 2
    && wk.cost_per_hour.amount_minor === 1500 && wk.cost_per_hour.currency === 'USD'
    && JSON.stringify(wk.clearances) === JSON.stringify([{ client_id: clientId, nda_ref: 'NDA-9' }]),
    'the API shows the new worker with its skill, language and clearance', JSON.stringify(wk));
  // The edit form shows what the API holds; a capacity the API refuses is shown beside it.
  await page.locator('#fld-capacity').waitFor();
  ok((await page.locator('#fld-skills').getByLabel(en['adm.code_n'].replace('{n}', 1)).inputValue()) === 'legal_research'
    && (await page.locator('#fld-clearances').getByLabel(en['adm.nda_n'].replace('{n}', 1)).inputValue()) === 'NDA-9', 'the edit form holds the skill and the clearance');
  await page.locator('#fld-capacity').fill('5000');
  await page.getByRole('button', { name: en['adm.save'] }).click();
  await page.locator('#fld-capacity-err').waitFor();
  ok(/capacity/.test(await page.locator('#fld-capacity-err').innerText()), "a capacity out of range: the API's reason beside it", await page.locator('#fld-capacity-err').innerText());
  await page.locator('#fld-capacity').fill('3');
  await page.getByRole('button', { name: en['adm.save'] }).click();
  await status(page, en['adm.saved']);
  ok((await page.locator('#fld-capacity-err').count()) === 0, 'the reason is gone once the API takes it');
  ok((await api('GET', `/v1/workers/${workerId}`, A)).body.capacity === 3, 'the API shows the edited capacity');
  await shot(page, 'admin-en');

  // --- a token for mgr: shown once, it works, revoked it stops at once
  const mgrUser = await find('/v1/users', (u) => u.name === 'mgr');
  await open(page, '#/admin/users');
  await page.getByRole('link', { name: 'mgr', exact: true }).click();
  await page.getByRole('heading', { name: en['adm.tokens_of'].replace('{name}', 'mgr') }).waitFor();
  await page.getByLabel(en['adm.token_days']).fill('30');
  await page.getByRole('button', { name: en['adm.token_create'] }).click();
  await page.locator('.token-text').waitFor();
  const token = await page.locator('.token-text').inputValue();
  ok(/^ahd_/.test(token), 'the new token is shown once', token.slice(0, 8));
  const tokId = Number((await page.locator('.token-made p').innerText()).match(/\d+/)[0]);
  let tk = (await api('GET', `/v1/tokens/${tokId}`, A)).body;
  ok(tk.user_id === mgrUser.id && tk.expires_at && Math.abs(new Date(tk.expires_at) - Date.now() - 30 * 86400e3) < 3600e3,
    'the API shows the token for mgr, expiring in 30 days', JSON.stringify(tk));
  ok((await api('GET', '/v1/tokens', token)).status === 200, 'the new token works');
  await axe(page, 'user page with a new token');
  await page.getByRole('button', { name: en['adm.revoke_n'].replace('{id}', tokId) }).click();
  await status(page, en['adm.token_revoked'].replace('{id}', tokId));
  ok((await api('GET', '/v1/tokens', token)).status === 401, 'revoked: the token answers 401 at once');
  tk = (await api('GET', `/v1/tokens/${tokId}`, A)).body;
  ok(tk.revoked === true, 'the API shows the token revoked', JSON.stringify(tk));
  await open(page, `#/admin/tokens?user_id=${mgrUser.id}`);
  const tokRows = await page.locator('table.admin-list tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.innerText)));
  const tokRow = tokRows.find((r) => r[0] === String(tokId));
  ok(tokRow && tokRows.every((r) => r[2] === 'mgr') && /^Revoked /.test(tokRow[6]), "the tokens list, filtered by mgr's id, shows it revoked", JSON.stringify(tokRows));
  ok(errors.length === 0, 'no script error', errors.join(' | '));

  // --- paging: 30 users make a second page of the users list
  for (let i = 0; i < 30; i++) await api('POST', '/v1/users', A, { name: `page-user-${String(i).padStart(2, '0')}`, role: 'auditor' });
  const reqs = [];
  page.on('request', (r) => r.url().includes('/v1/users?') && reqs.push(r.url()));
  await open(page, '#/admin/users');
  const first = await page.locator('table.admin-list tbody tr').count();
  await page.getByRole('button', { name: en['portal.next'] }).click();
  await page.getByText(en['adm.page'].replace('{page}', 2), { exact: true }).waitFor();
  const apiFirst = await api('GET', '/v1/users?limit=25', A);
  const apiSecond = await api('GET', `/v1/users?limit=25&after=${apiFirst.body.next_cursor}`, A);
  // The caption says page 2 at once; the rows follow when the page is in (5 s at most).
  const want = apiSecond.body.data.map((u) => u.name).join();
  let second = [];
  for (let i = 0; i < 50; i++) {
    second = await page.locator('table.admin-list tbody tr td:nth-child(2)').allInnerTexts();
    if (!(await page.locator('main .loading').count()) && second.join() === want) break;
    await page.waitForTimeout(100);
  }
  ok(first === 25 && second.join() === apiSecond.body.data.map((u) => u.name).join(), 'Next shows the second page the API gives after next_cursor', second.join());
  ok(reqs.length >= 2 && reqs.every((u) => /limit=25/.test(u)) && reqs.some((u) => /after=/.test(u)), 'every list request is one page (limit=25, after=cursor)', reqs.join(' '));
  await page.getByRole('button', { name: en['portal.prev'] }).click();
  await page.getByText(en['adm.page'].replace('{page}', 1), { exact: true }).waitFor();
  ok(true, 'Previous goes back to page 1');

  // --- every screen: axe (en) and no raw keys (en, id, ms)
  const screens = ['#/admin', '#/admin/clients', '#/admin/clients/new', `#/admin/clients/${clientId}`, '#/admin/services',
    '#/admin/services/new', `#/admin/services/${serviceId}`, '#/admin/engagements', '#/admin/engagements/new',
    `#/admin/engagements/${engId}`, '#/admin/workers', '#/admin/workers/new', `#/admin/workers/${workerId}`,
    '#/admin/users', '#/admin/users/new', `#/admin/users/${mgrUser.id}`, '#/admin/tokens'];
  for (const s of screens) {
    await open(page, s);
    await axe(page, s);
    await noRawKeys(page, 'en', s);
  }
  await ctx.close();
  for (const [lang, locale] of [['id', 'id-ID'], ['ms', 'ms-MY']]) {
    ctx = await browser.newContext({ locale, timezoneId: 'Asia/Kuala_Lumpur' });
    page = await ctx.newPage();
    await signIn(page, 'admin', lang);
    await page.getByRole('link', { name: cat[lang]['nav.admin'] }).waitFor();
    await page.waitForURL(/#\/admin$/);
    for (const s of screens) {
      await open(page, s);
      await noRawKeys(page, lang, s);
    }
    await open(page, `#/admin/workers/${workerId}`);
    await axe(page, `worker form [${lang}]`);
    await shot(page, `admin-${lang}`);
    // The API's refusal in the language: the catalogue's sentence for its code, then the
    // server's own reason (the API speaks English), beside the field it names.
    await open(page, '#/admin/clients');
    await page.getByRole('link', { name: cat[lang]['adm.new_clients'] }).click();
    await page.locator('#fld-code').waitFor();
    await page.locator('#fld-code').fill(`tz-${lang}`);
    await page.locator('#fld-name').fill(`Zone ${lang}`);
    await page.locator('#fld-time_zone').fill('Mars/Olympus');
    await page.getByRole('button', { name: cat[lang]['adm.create'] }).click();
    const err = page.locator('#fld-time_zone-err');
    await err.waitFor();
    const said = await err.innerText();
    const direct = await api('POST', '/v1/clients', A, { code: `tz-${lang}-api`, name: 'Zone', time_zone: 'Mars/Olympus' });
    const reason = direct.body.error.message;
    ok(direct.status === 400 && said === cat[lang]['apierr.with_detail'].replace('{said}', cat[lang]['apierr.invalid']).replace('{detail}', reason),
      `[${lang}] the API's refusal beside the field: the code's sentence in the language, then the server's reason`, said);
    await axe(page, `client form with an API error [${lang}]`);
    await shot(page, `admin-error-${lang}`);
    await ctx.close();
  }

  // --- a manager: only what the policy lets it do; a record it cannot see is the not-found page
  ctx = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Jakarta' });
  page = await ctx.newPage();
  await signIn(page, 'mgr');
  await page.getByRole('link', { name: en['nav.admin'] }).waitFor();
  ok((await page.getByRole('link', { name: en['nav.audit'] }).count()) === 0, "a manager's menu has no Audit");
  await open(page, '#/admin');
  const mtabs = await page.locator('nav.tabs a').allInnerTexts();
  ok(mtabs.join('|') === ['clients', 'services', 'engagements', 'workers'].map((k) => en['adm.' + k]).join('|'), 'a manager sees clients, services, engagements and workers only', mtabs.join('|'));
  await open(page, '#/admin/clients');
  ok((await page.getByRole('link', { name: en['adm.new_clients'] }).count()) === 0 && (await page.getByRole('link', { name: 'globex' }).count()) === 0,
    'a manager is offered no new client and no client edit (admin only)');
  ok((await page.getByRole('button', { name: en['adm.deactivate_n'].replace('{name}', 'globex') }).count()) === 1, 'a manager may deactivate a client');
  await open(page, '#/admin/engagements');
  ok((await page.getByRole('link', { name: en['adm.new_engagements'] }).count()) === 1, 'a manager may create engagements');
  await axe(page, 'engagements list (manager)');
  for (const s of ['#/admin/users', `#/admin/users/${mgrUser.id}`, '#/admin/tokens', `#/admin/clients/${clientId}`, '#/admin/engagements/99999', '#/admin/workers/99999', '#/audit']) {
    await open(page, s);
    ok((await page.locator('main h1').innerText()) === en['notfound.title'], `a manager opening ${s} sees the not-found page`);
  }
  await axe(page, 'not-found page');
  await ctx.close();
});
