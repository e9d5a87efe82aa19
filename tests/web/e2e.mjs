// e2e.mjs - the web application in a real browser: playwright-core drives Debian's chromium
// headless against the server run.sh started (BASE). Prints "ok - ..." / "FAIL - ..." per check;
// exits 1 if any failed. Screenshots go to SCREENS.
import { env, cat, BASE, PW, ok, api, axe, shot, signIn, noRawKeys, refsWhen, sameSet, run } from './lib.mjs';

await run('e2e', async (browser) => {
  // --- catalogues: the same keys in all three, and really translated
  const keys = Object.keys(cat.en).sort().join('\n');
  for (const l of ['id', 'ms']) {
    ok(Object.keys(cat[l]).sort().join('\n') === keys, `catalogue ${l} has exactly the keys of en`);
    const same = Object.keys(cat.en).filter((k) => cat[l][k] === cat.en[k] && !/^(lang\.|app\.name|app\.signed_in_as|item\.title|item\.page_title|work\.item|work\.col_item|work\.result_json|role\.admin|role\.auditor|app\.language)/.test(k));
    ok(same.length < 8, `catalogue ${l} is translated (strings equal to English: ${same.length})`, same.join(', '));
  }

  // --- sign-in screen, a wrong password, the worker's round trip
  let ctx = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Manila' });
  let page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && errors.push(m.text()));
  const first = await page.goto(BASE + '/');
  const csp = first.headers()['content-security-policy'] || '';
  ok(/script-src 'self'/.test(csp) && !/unsafe-inline/.test(csp), 'the page is served with a CSP without unsafe-inline', csp);
  await page.getByRole('heading', { name: cat.en['signin.title'] }).waitFor();
  ok(true, 'GET / shows the sign-in screen');
  await shot(page, 'signin-en');
  await axe(page, 'sign-in');

  await page.getByLabel(cat.en['signin.login'], { exact: true }).fill('w1');
  await page.getByLabel(cat.en['signin.password'], { exact: true }).fill('not the password');
  await page.getByLabel(cat.en['signin.password'], { exact: true }).press('Enter');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  ok((await alert.innerText()) === cat.en['signin.wrong'], 'a wrong password shows the error');

  await signIn(page, 'w1');
  await page.getByRole('heading', { name: cat.en['work.title'], level: 1 }).waitFor();
  ok(page.url().endsWith('#/work'), 'the worker lands on the workspace', page.url());
  await axe(page, 'workspace, no item');
  await shot(page, 'workspace-empty-en');

  // Take the next item with the keyboard: the button has focus, Enter presses it.
  const take = page.getByRole('button', { name: cat.en['work.take'] });
  ok(await take.evaluate((b) => b === document.activeElement), 'the take button has the focus');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: cat.en['work.entry'] }).waitFor();
  const itemId = Number((await page.getByRole('heading', { name: /^Item \d+$/ }).innerText()).replace(/\D/g, ''));
  ok(itemId > 0, `an item is open (${itemId})`);
  ok(await page.getByRole('link', { name: /scan_url/ }).isVisible(), 'the scan link is shown beside the fields');
  ok(/\d+:\d\d/.test(await page.locator('.countdown').innerText()), 'the lease countdown runs');
  // Fields from the payload's keys; keyed with Tab between them.
  const labels = ['claimant', 'amount', 'policy_no'];
  for (const l of labels) ok(await page.getByLabel(l, { exact: true }).isVisible(), `a field for the payload key ${l}`);
  const typed = { claimant: 'Siti Rahma', amount: '11.50', policy_no: 'P-001' };
  ok(await page.getByLabel('claimant', { exact: true }).evaluate((i) => i === document.activeElement), 'the first field has the focus');
  await page.keyboard.type(typed.claimant);
  await page.keyboard.press('Tab');
  await page.keyboard.type(typed.amount);
  await page.keyboard.press('Tab');
  await page.keyboard.type(typed.policy_no);
  await axe(page, 'workspace with an item');
  await shot(page, 'workspace-en');
  // Escape opens the release's reason choice (e2e_release.mjs releases); Escape again closes it.
  await page.keyboard.press('Escape');
  await page.getByRole('heading', { name: cat.en['work.release_title'] }).waitFor();
  ok(await page.getByLabel(cat.en['work.release_reason.break']).evaluate((i) => i === document.activeElement), 'Escape opens the release reasons, the first has the focus');
  await page.keyboard.press('Escape');
  ok((await page.getByRole('heading', { name: cat.en['work.release_title'] }).count()) === 0, 'Escape again closes them, the item stays open');
  await page.getByLabel('policy_no', { exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.locator('.msg.ok').waitFor();
  ok((await page.locator('.msg.ok').innerText()) === cat.en['work.submitted'].replace('{id}', itemId), 'Enter submits: the workspace says submitted');
  ok((await page.locator('.history tbody tr').count()) === 1, 'the history lists the submitted item');
  ok((await page.locator('.today').innerText()).startsWith('Submitted today: 1 '), "today's count is 1");
  const seen = await api('GET', `/v1/items/${itemId}`, env.MGR);
  ok(seen.status === 200 && seen.body.state === 'submitted', 'the API shows the item submitted', JSON.stringify(seen.body));
  ok(JSON.stringify(seen.body.result) === JSON.stringify(typed), 'the API shows the keyed result', JSON.stringify(seen.body && seen.body.result));

  // --- CSRF: a write with the cookie but without the header is refused
  const csrf = await page.evaluate(async () => {
    const r = await fetch('/v1/work/next', { method: 'POST', credentials: 'same-origin', body: '{}', headers: { 'Content-Type': 'application/json' } });
    return { status: r.status, body: await r.text() };
  });
  ok(csrf.status === 403 && /"csrf"/.test(csrf.body), 'a write without X-CSRF-Token is refused (403 csrf)', JSON.stringify(csrf));

  // --- sign-out ends the session on the server: the old cookie, replayed, is refused
  const cookie = (await ctx.cookies()).find((c) => c.name === 'alihdaya_session');
  ok(cookie && cookie.httpOnly && cookie.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict');
  await page.getByRole('button', { name: cat.en['app.sign_out'] }).click();
  await page.getByRole('heading', { name: cat.en['signin.title'] }).waitFor();
  ok(true, 'sign-out shows sign-in');
  await page.reload();
  await page.getByRole('heading', { name: cat.en['signin.title'] }).waitFor();
  const after = await page.evaluate(async () => (await fetch('/v1/session')).status);
  ok(after === 401, 'after sign-out and a reload: sign-in, and GET /v1/session is 401', String(after));
  const replay = await fetch(BASE + '/v1/session', { headers: { Cookie: `alihdaya_session=${cookie && cookie.value}` } });
  ok(replay.status === 401, 'the signed-out session cookie, sent again, is refused (401)', String(replay.status));
  ok(errors.length === 0, 'no script error or CSP report in the console', errors.join(' | '));
  await ctx.close();

  // --- the three languages: from the browser's language, then switched and remembered
  for (const [lang, locale] of [['en', 'en-GB'], ['id', 'id-ID'], ['ms', 'ms-MY']]) {
    ctx = await browser.newContext({ locale, timezoneId: 'Asia/Jakarta' });
    page = await ctx.newPage();
    await page.goto(BASE + '/');
    await page.getByRole('heading', { name: cat[lang]['signin.title'] }).waitFor();
    ok((await page.evaluate(() => document.documentElement.lang)) === lang, `Accept-Language ${locale} picks ${lang}`);
    await noRawKeys(page, lang, 'sign-in');
    if (lang !== 'en') await shot(page, `signin-${lang}`);
    await signIn(page, 'w1', lang);
    await page.getByRole('button', { name: cat[lang]['work.take'] }).click();
    await page.getByRole('heading', { name: cat[lang]['work.entry'] }).waitFor();
    await noRawKeys(page, lang, 'workspace with an item');
    await axe(page, `workspace [${lang}]`);
    if (lang !== 'en') await shot(page, `workspace-${lang}`);
    await page.getByLabel('claimant', { exact: true }).fill('x');
    await page.getByLabel('claimant', { exact: true }).press('Enter');
    await page.locator('.msg.ok').waitFor();
    await page.getByRole('button', { name: cat[lang]['app.sign_out'] }).click();
    await page.getByRole('heading', { name: cat[lang]['signin.title'] }).waitFor();
    await ctx.close();
  }
  ctx = await browser.newContext({ locale: 'en-US' });
  page = await ctx.newPage();
  await page.goto(BASE + '/');
  await page.getByLabel(cat.en['app.language']).selectOption('ms');
  await page.getByRole('heading', { name: cat.ms['signin.title'] }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: cat.ms['signin.title'] }).waitFor();
  ok(true, 'the language switch works and is remembered after a reload');
  await ctx.close();

  // --- the lease: renew, then the warning before it ends (the page's clock run forward)
  ctx = await browser.newContext({ locale: 'en-US' });
  page = await ctx.newPage();
  await page.clock.install();
  await signIn(page, 'w1');
  await page.getByRole('button', { name: cat.en['work.take'] }).click();
  await page.getByRole('heading', { name: cat.en['work.entry'] }).waitFor();
  await page.keyboard.press('Alt+r');
  await page.locator('.msg.ok').waitFor();
  ok((await page.locator('.msg.ok').innerText()).startsWith('Lease renewed until'), 'Alt+R renews the lease (POST /v1/items/:id/renew)');
  await page.clock.fastForward('29:20');
  await page.locator('.msg.warn').waitFor();
  ok(/Your lease ends in \d+ seconds/.test(await page.locator('.msg.warn').innerText()), 'a warning shows before the lease ends');
  ok(await page.locator('.countdown.warn').isVisible(), 'the countdown is marked as a warning');
  await shot(page, 'workspace-lease-warning-en');
  await ctx.close();

  // --- another client's item by URL: the 404 page; the own client's item opens
  ctx = await browser.newContext({ locale: 'en-US' });
  page = await ctx.newPage();
  await signIn(page, 'lex-user');
  await page.getByRole('heading', { name: cat.en['portal.title'] }).waitFor();
  await page.goto(`${BASE}/#/items/${env.ACME_ITEM}`);
  await page.getByRole('heading', { name: cat.en['notfound.title'] }).waitFor();
  ok(true, "a client user opening another client's item by URL sees the 404 page");
  await shot(page, 'notfound-en');
  await ctx.close();
  ctx = await browser.newContext({ locale: 'en-US' });
  page = await ctx.newPage();
  await signIn(page, 'acme-user');
  await page.getByRole('heading', { name: cat.en['portal.title'] }).waitFor();
  await page.goto(`${BASE}/#/items/${env.ACME_ITEM}`);
  await page.getByRole('heading', { name: `Item ${env.ACME_ITEM}` }).waitFor();
  ok(true, "the client's own item opens");
  // ACME's work is BPO: the policy lets a client user review only KPO work, so no buttons.
  await page.goto(`${BASE}/#/items/${itemId}`);
  await page.getByRole('heading', { name: `Item ${itemId}` }).waitFor();
  ok((await page.locator('.item-state').innerText()) === cat.en['state.submitted'] &&
    (await page.getByRole('button', { name: cat.en['item.accept'] }).count()) === 0,
    'a client user sees no Accept on its submitted BPO item (policy item.review: KPO only)');
  await ctx.close();

  // --- the client portal: lex-user's items, filters, paging, detail, send back, accept, submit
  ctx = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Kuala_Lumpur' });
  page = await ctx.newPage();
  const perrors = [];
  page.on('pageerror', (e) => perrors.push(e.message));
  const listCalls = [];
  page.on('request', (r) => { if (/\/v1\/items\?/.test(r.url())) listCalls.push(r.url()); });
  await signIn(page, 'lex-user');
  await page.getByRole('heading', { name: cat.en['portal.title'] }).waitFor();
  ok(page.url().endsWith('#/portal'), 'a client user lands on its items', page.url());
  const mine = ['K-1', 'K-2', 'K-3', 'K-LATE'];
  let refs = await refsWhen(page, (r) => r.length >= 4);
  ok(sameSet(refs, mine), "the list shows the client's items and none of the other client's", refs.join(','));
  ok((await page.locator('table.items .late').count()) === 1, 'the past-due item is marked late');
  await noRawKeys(page, 'en', 'portal list');
  await axe(page, 'portal list');
  await shot(page, 'portal-en');

  // Filters, kept in the hash.
  await page.getByLabel(cat.en['portal.f_state']).selectOption('in_review');
  await page.getByRole('button', { name: cat.en['portal.apply'] }).click();
  refs = await refsWhen(page, (r) => sameSet(r, ['K-1', 'K-2']));
  ok(sameSet(refs, ['K-1', 'K-2']) && /state=in_review/.test(page.url()), 'filter by state: in review', refs.join(',') + ' ' + page.url());
  await page.getByLabel(cat.en['portal.f_state']).selectOption('');
  await page.getByLabel(cat.en['portal.f_late']).check();
  await page.getByRole('button', { name: cat.en['portal.apply'] }).click();
  refs = await refsWhen(page, (r) => sameSet(r, ['K-LATE']));
  ok(sameSet(refs, ['K-LATE']), 'filter: late only (GET /v1/items?late=true)', refs.join(','));
  await page.getByLabel(cat.en['portal.f_late']).uncheck();
  await page.getByLabel(cat.en['portal.f_engagement']).selectOption(String(env.KPO));
  await page.getByRole('button', { name: cat.en['portal.apply'] }).click();
  refs = await refsWhen(page, (r) => sameSet(r, mine));
  ok(sameSet(refs, mine) && new RegExp(`engagement_id=${env.KPO}`).test(page.url()), 'filter by engagement', refs.join(','));

  await page.getByLabel(cat.en['portal.f_ref']).fill('k-l');
  await page.getByRole('button', { name: cat.en['portal.apply'] }).click();
  refs = await refsWhen(page, (r) => sameSet(r, ['K-LATE']));
  ok(sameSet(refs, ['K-LATE']) && /ref_contains=k-l/.test(page.url()), 'search by reference (ref_contains, either case)', refs.join(','));

  // Paging by the server's cursor: 22 more items make two pages of 25.
  for (let i = 1; i <= 22; i++) {
    const r = await api('POST', '/v1/items', env.LEXU, { engagement_id: Number(env.KPO), external_ref: `P-${i}`, payload: { n: i } });
    if (r.status !== 201) ok(false, `create P-${i}`, JSON.stringify(r.body));
  }
  await page.goto(BASE + '/#/portal');
  await page.reload();
  refs = await refsWhen(page, (r) => r.length === 25);
  ok(refs.length === 25, 'the first page holds 25 items', String(refs.length));
  const first25 = refs;
  await page.getByRole('button', { name: cat.en['portal.next'] }).click();
  refs = await refsWhen(page, (r) => r.length === 1);
  ok(refs.length === 1 && !first25.includes(refs[0]), 'Next page shows the 26th item', refs.join(','));
  ok(listCalls.length > 0 && listCalls.every((u) => /limit=25/.test(u)) && listCalls.some((u) => /after=\d+/.test(u)),
    'every list request is one page (limit=25), the next with after=<next_cursor>', listCalls.slice(-2).join(' '));
  await page.getByRole('button', { name: cat.en['portal.prev'] }).click();
  refs = await refsWhen(page, (r) => r.length === 25);
  ok(sameSet(refs, first25), 'Previous page shows the first page again');

  // The detail of an item in review: state, payload, result, history in the user's zone.
  await page.goto(`${BASE}/#/portal?state=in_review`);
  await refsWhen(page, (r) => r.length === 2);
  await page.getByRole('link', { name: `Item ${env.LEX_BACK}`, exact: true }).click();
  await page.getByRole('heading', { name: `Item ${env.LEX_BACK}` }).waitFor();
  const body = await page.locator('main').innerText();
  ok(body.includes('Precedents for K-1') && body.includes('Three cases found for K-1'), 'the detail shows the payload and the result');
  ok((await page.locator('.history-table tbody tr').count()) === 4, 'the history lists create, assign, submit, review');
  const hist = await api('GET', `/v1/items/${env.LEX_BACK}/history`, env.LEXU);
  const want = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Kuala_Lumpur' }).format(new Date(hist.body[0].at));
  ok((await page.locator('.history-table tbody tr td').first().innerText()) === want, "history times in the user's locale and time zone", want);
  await noRawKeys(page, 'en', 'item detail');
  await axe(page, 'item detail with review');
  await shot(page, 'item-en');

  // Send back: the reason is required.
  await page.getByRole('button', { name: cat.en['item.send_back'] }).click();
  ok((await page.getByRole('alert').innerText()) === cat.en['item.reason_needed'], 'Send back without a reason is refused on the page');
  ok(await page.getByLabel(cat.en['kpo.comments']).evaluate((e) => e === document.activeElement), 'the comments field gets the focus');
  const why = 'Add the appellate cases too';
  await page.getByLabel(cat.en['kpo.comments']).fill(why);
  await page.getByRole('button', { name: cat.en['item.send_back'] }).click();
  await page.locator('.msg.ok').waitFor();
  let seen2 = await api('GET', `/v1/items/${env.LEX_BACK}`, env.LEXU);
  const h2 = await api('GET', `/v1/items/${env.LEX_BACK}/history`, env.LEXU);
  const last = h2.body[h2.body.length - 1];
  ok(seen2.body.state === 'queued' && last.action === 'rework' && last.detail && last.detail.reason === why,
    'Send back: the API shows the item queued again with the reason', JSON.stringify(last));
  ok((await page.locator('.item-state').innerText()) === cat.en['state.queued'] &&
    (await page.getByRole('button', { name: cat.en['item.accept'] }).count()) === 0, 'the page shows it queued, without the buttons');

  // Accept another.
  await page.goto(`${BASE}/#/items/${env.LEX_ACCEPT}`);
  await page.getByRole('heading', { name: `Item ${env.LEX_ACCEPT}` }).waitFor();
  await page.getByRole('button', { name: cat.en['item.accept'] }).click();
  await page.locator('.msg.ok').waitFor();
  seen2 = await api('GET', `/v1/items/${env.LEX_ACCEPT}`, env.LEXU);
  ok(seen2.body.state === 'done', 'Accept: the API shows the item done', JSON.stringify(seen2.body.state));

  // A refusal shows the API's own words: the item is taken back elsewhere while the page is open.
  // The worker w2 hands in the most urgent queued item, the senior reviewer approves it, and
  // returns it to the analyst while the client's page is open.
  const w2take = await api('POST', '/v1/work/next', env.W2, {});
  const raceId = w2take.body.id;
  const sub = await api('POST', `/v1/items/${raceId}/submit`, env.W2, { epoch: w2take.body.lease.epoch, result: { memo: 'done' } });
  const rev = await api('POST', `/v1/items/${raceId}/review`, env.MGR, {});
  ok(raceId > 0 && sub.status === 200 && rev.status === 200, 'the worker hands in one more item, the senior approves it', JSON.stringify(rev.body));
  await page.goto(`${BASE}/#/items/${raceId}`);
  await page.getByRole('heading', { name: `Item ${raceId}` }).waitFor();
  await page.getByRole('button', { name: cat.en['item.accept'] }).waitFor();
  const elsewhere = await api('POST', `/v1/items/${raceId}/rework`, env.MGR, { reason: 'taken back' });
  const again = await api('POST', `/v1/items/${raceId}/accept`, env.MGR, {});
  await page.getByRole('button', { name: cat.en['item.accept'] }).click();
  const refusal = page.locator('.error[role="alert"]');
  await refusal.waitFor();
  ok(elsewhere.body.state === 'queued' && again.status === 409 && (await refusal.innerText()) === again.body.error.message,
    "Accept refused by the API (409, taken back elsewhere) shows the API's message", `${await refusal.innerText()} / ${JSON.stringify(again.body)}`);

  // --- a KPO deliverable through the whole review chain: the analyst's and the senior
  // reviewer's steps through the API, the client's in the browser.
  const mk = await api('POST', '/v1/items', env.LEXU, { engagement_id: Number(env.KPO), external_ref: 'K-CHAIN', priority: 9, payload: { question: 'Merger control thresholds' } });
  const kid = mk.body.id;
  const ms = await api('POST', `/v1/items/${kid}/milestones`, env.LEXU, { title: 'Research memo', due_at: '2030-03-01T09:00:00Z' });
  ok(mk.status === 201 && ms.status === 201, 'the client orders a deliverable with a milestone', JSON.stringify(ms.body));
  const handIn = async (memo) => {
    const l = await api('POST', '/v1/work/next', env.W2, {});
    const s2 = await api('POST', `/v1/items/${kid}/submit`, env.W2, { epoch: l.body.lease && l.body.lease.epoch, result: { memo } });
    return l.body.id === kid && s2.status === 200;
  };
  let lease = await api('POST', '/v1/work/next', env.W2, {});
  const pat = await api('PATCH', `/v1/items/${kid}/milestones/${ms.body.id}`, env.W2, { deliverable: 'https://dms.example/memo-7', submitted: true });
  const sub1 = await api('POST', `/v1/items/${kid}/submit`, env.W2, { epoch: lease.body.lease.epoch, result: { memo: 'draft 1' } });
  ok(lease.body.id === kid && pat.status === 200 && sub1.status === 200, 'the analyst hands in the deliverable', JSON.stringify(pat.body));
  await page.goto(`${BASE}/#/items/${kid}`);
  await page.getByRole('heading', { name: `Item ${kid}` }).waitFor();
  await page.locator('.chain-table').waitFor();
  const msRow = await page.locator('table.milestones tbody tr').first().innerText();
  ok(msRow.includes('Research memo') && msRow.includes('https://dms.example/memo-7'), 'the milestone shows with its deliverable', msRow);
  ok((await page.locator('table.milestones a[href="https://dms.example/memo-7"]').count()) === 1, 'a deliverable that is a link opens as one');
  ok((await page.getByRole('button', { name: cat.en['item.accept'] }).count()) === 0 &&
    (await page.locator('.note').innerText()) === cat.en['kpo.awaiting_senior'],
    'submitted KPO work: no Approve for the client before the senior review');
  await api('POST', `/v1/items/${kid}/rework`, env.MGR, { reason: 'Cite the 2024 guidelines' });
  ok(await handIn('draft 2'), 'the senior returns it with comments, the analyst hands it in again');
  await api('POST', `/v1/items/${kid}/review`, env.MGR, { reason: 'Ready for the client' });
  await page.reload();
  await page.getByRole('button', { name: cat.en['item.accept'] }).waitFor();
  let steps = await page.locator('.chain-table tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.step));
  ok(steps.join(' ') === 'submitted senior_returned submitted senior_approved', 'the chain lists each step', steps.join(' '));
  const chainText = await page.locator('.chain-table').innerText();
  ok(chainText.includes('Cite the 2024 guidelines') && chainText.includes('Ready for the client') &&
    chainText.includes(cat.en['kpo.step.senior_returned']) && chainText.includes(`${cat.en['role.manager']}, user`),
    'the chain shows who, and the comments of each step', chainText.slice(0, 300));
  await noRawKeys(page, 'en', 'KPO item in review');
  await axe(page, 'KPO item in review: milestones, review chain, approve and return');
  await shot(page, 'kpo-chain-en');
  const back = 'Add the ASEAN comparison';
  await page.getByLabel(cat.en['kpo.comments']).fill(back);
  await page.getByRole('button', { name: cat.en['item.send_back'] }).click();
  await page.locator('.msg.ok').waitFor();
  let ch = await api('GET', `/v1/items/${kid}/chain`, env.LEXU);
  let lastStep = ch.body.steps[ch.body.steps.length - 1];
  ok(ch.body.state === 'queued' && lastStep.step === 'client_returned' && lastStep.comments === back && lastStep.by.role === 'client',
    'the client returns it with comments in the browser', JSON.stringify(lastStep));
  ok(await handIn('draft 3'), 'the analyst hands it in a third time');
  await api('POST', `/v1/items/${kid}/review`, env.MGR, {});
  await page.reload();
  await page.getByRole('button', { name: cat.en['item.accept'] }).waitFor();
  await page.getByLabel(cat.en['kpo.comments']).fill('Approved for the board');
  await page.getByRole('button', { name: cat.en['item.accept'] }).click();
  await page.locator('.approved').waitFor();
  ch = await api('GET', `/v1/items/${kid}/chain`, env.LEXU);
  lastStep = ch.body.steps[ch.body.steps.length - 1];
  ok(ch.body.state === 'done' && lastStep.step === 'client_approved' && lastStep.comments === 'Approved for the board' &&
    ch.body.approved_by === lastStep.by.user_id && ch.body.approved_at === lastStep.at,
    'the client approves in the browser: the approval billing counts', JSON.stringify(ch.body).slice(0, 300));
  steps = await page.locator('.chain-table tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.step));
  ok(steps.length === 8 && steps[7] === 'client_approved' && (await page.getByRole('button', { name: cat.en['item.accept'] }).count()) === 0,
    'the page shows all eight steps, done, without the buttons', steps.join(' '));
  await axe(page, 'KPO item approved');

  // Submit a new item: key/value rows, then JSON.
  await page.getByRole('link', { name: cat.en['nav.new_item'] }).click();
  await page.getByRole('heading', { name: cat.en['newitem.title'] }).waitFor();
  await axe(page, 'submit an item');
  await page.getByLabel(cat.en['item.engagement']).selectOption(String(env.KPO));
  await page.getByLabel(cat.en['newitem.ref']).fill('K-NEW');
  await page.getByLabel('Field 1', { exact: true }).fill('question');
  await page.getByLabel('Value 1', { exact: true }).fill('New brief');
  await page.getByRole('button', { name: cat.en['newitem.add_row'] }).click();
  await page.getByLabel('Field 2', { exact: true }).fill('court');
  await page.getByLabel('Value 2', { exact: true }).fill('High Court');
  await shot(page, 'newitem-en');
  await page.getByRole('button', { name: cat.en['newitem.submit'] }).click();
  await page.locator('.msg.ok').waitFor();
  const newId = Number((await page.locator('h1').innerText()).replace(/\D/g, ''));
  seen2 = await api('GET', `/v1/items/${newId}`, env.LEXU);
  ok(seen2.status === 200 && seen2.body.external_ref === 'K-NEW' && seen2.body.state === 'queued' &&
    JSON.stringify(seen2.body.payload) === JSON.stringify({ question: 'New brief', court: 'High Court' }),
    'a new item from key/value rows: the API has it queued with that payload', JSON.stringify(seen2.body));
  await page.goto(`${BASE}/#/portal/new`);
  await page.getByRole('heading', { name: cat.en['newitem.title'] }).waitFor();
  await page.getByLabel(cat.en['newitem.mode_json']).check();
  await page.getByLabel(cat.en['newitem.json']).fill('{"pages": [1, 2]');
  await page.getByRole('button', { name: cat.en['newitem.submit'] }).click();
  ok((await page.getByRole('alert').innerText()).startsWith('This is not valid JSON'), 'broken JSON is refused on the page');
  await page.getByLabel(cat.en['newitem.ref']).fill('K-1');
  await page.getByLabel(cat.en['newitem.json']).fill('{"pages": [1, 2]}');
  await page.getByRole('button', { name: cat.en['newitem.submit'] }).click();
  ok((await page.getByRole('alert').innerText()).includes('already used by item'), "the API's refusal is shown as it says it (409 exists)");
  await page.getByLabel(cat.en['newitem.ref']).fill('');
  await page.getByRole('button', { name: cat.en['newitem.submit'] }).click();
  await page.locator('.msg.ok').waitFor();
  const jsonId = Number((await page.locator('h1').innerText()).replace(/\D/g, ''));
  seen2 = await api('GET', `/v1/items/${jsonId}`, env.LEXU);
  ok(JSON.stringify(seen2.body.payload) === '{"pages":[1,2]}', 'a new item from JSON', JSON.stringify(seen2.body.payload));
  ok(perrors.length === 0, 'no script error in the portal', perrors.join(' | '));
  await ctx.close();

  // The portal in Indonesian and Malay.
  for (const [lang, locale] of [['id', 'id-ID'], ['ms', 'ms-MY']]) {
    ctx = await browser.newContext({ locale, timezoneId: 'Asia/Jakarta' });
    page = await ctx.newPage();
    await signIn(page, 'lex-user', lang);
    await page.getByRole('heading', { name: cat[lang]['portal.title'] }).waitFor();
    await refsWhen(page, (r) => r.length > 0);
    await noRawKeys(page, lang, 'portal list');
    await axe(page, `portal list [${lang}]`);
    await shot(page, `portal-${lang}`);
    await page.goto(`${BASE}/#/items/${env.LEX_BACK}`);
    await page.getByRole('heading', { name: `Item ${env.LEX_BACK}` }).waitFor();
    await noRawKeys(page, lang, 'item detail');
    await axe(page, `item detail [${lang}]`);
    await page.goto(`${BASE}/#/portal/new`);
    await page.getByRole('heading', { name: cat[lang]['newitem.title'] }).waitFor();
    await noRawKeys(page, lang, 'submit an item');
    await ctx.close();
  }

  // --- declared result fields build the workspace's form; the API's reasons show beside each
  const decl = [
    { name: 'claimant', type: 'text', required: true, max_length: 80 },
    { name: 'amount', type: 'decimal', scale: 2, required: true },
    { name: 'category', type: 'enum', values: ['medical', 'dental', 'optical'], required: true },
    { name: 'signed', type: 'boolean' },
    { name: 'received', type: 'date' },
  ];
  const put = await api('PUT', `/v1/engagements/${env.BPO}/fields`, env.MGR, { result: decl });
  ok(put.status === 200, 'the manager declares the result fields', JSON.stringify(put.body));
  ctx = await browser.newContext({ locale: 'en-US' });
  page = await ctx.newPage();
  await signIn(page, 'w1');
  await page.getByRole('heading', { name: cat.en['work.title'], level: 1 }).waitFor();
  // w1 still holds the lease of the lease check above (the workspace opens it again), or takes one.
  const entry = page.getByRole('heading', { name: cat.en['work.entry'] });
  const takeBtn = page.getByRole('button', { name: cat.en['work.take'] });
  await Promise.race([entry.waitFor(), takeBtn.waitFor()]);
  if (!(await entry.isVisible())) await takeBtn.click();
  const category = page.getByRole('combobox', { name: /^category/ });
  await category.waitFor();
  const declFocus = await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'f-0', null, { timeout: 2000 }).then(() => true, () => false);
  ok(declFocus, 'the declared form, once it replaces the payload-key form, has its first field focused');
  const fid = Number((await page.getByRole('heading', { name: /^Item \d+$/ }).innerText()).replace(/\D/g, ''));
  ok(true, 'an enum field is a list to choose from');
  ok(await page.getByRole('checkbox', { name: 'signed' }).isVisible(), 'a boolean field is a checkbox');
  ok((await page.getByLabel(/^received/).getAttribute('type')) === 'date', 'a date field is a date picker');
  ok((await page.getByLabel(/^claimant/).getAttribute('maxlength')) === '80', 'a text field keeps its max_length');
  ok((await page.getByLabel(/^amount/).getAttribute('aria-required')) === 'true', 'a required field is marked required');
  await page.getByLabel(/^claimant/).fill('Siti Rahma');
  await page.getByLabel(/^amount/).fill('12.345');
  await category.selectOption('dental');
  await page.getByRole('checkbox', { name: 'signed' }).check();
  await page.getByLabel(/^received/).fill('2026-11-30');
  await page.getByLabel(/^claimant/).press('Enter');
  await page.locator('.field-error').first().waitFor();
  const reason = await page.locator('#' + (await page.getByLabel(/^amount/).getAttribute('aria-describedby'))).innerText();
  ok(/scale 2/.test(reason), "the API's reason shows beside the refused field", reason);
  ok((await page.locator('.field-error').count()) === 1, 'only the refused field is marked');
  ok((await page.getByLabel(/^amount/).getAttribute('aria-invalid')) === 'true', 'the refused field is aria-invalid');
  ok((await page.locator('.msg.error').innerText()) === cat.en['work.err.fields'].replace('{count}', '1'), 'the message says how many fields need correcting');
  await axe(page, 'workspace with a declared form and a refused field');
  await shot(page, 'workspace-fields-en');
  // Two fields changed in one task, with no paint between (a paste or autofill tool does
  // this): each keeps its value.
  await page.evaluate(() => {
    const set = (label, v) => {
      const el = [...document.querySelectorAll('label')].find((l) => l.textContent.startsWith(label)).control;
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    };
    set('claimant', 'Siti Rahmawati');
    set('amount', '12.34');
  });
  await page.getByLabel(/^amount/).press('Enter');
  await page.locator('.msg.ok').waitFor();
  const keyed = await api('GET', `/v1/items/${fid}`, env.MGR);
  const wantTyped = { claimant: 'Siti Rahmawati', amount: '12.34', category: 'dental', signed: true, received: '2026-11-30' };
  ok(keyed.status === 200 && JSON.stringify(keyed.body.result) === JSON.stringify(wantTyped), 'the typed result is stored (a boolean, an exact decimal, a date)', JSON.stringify(keyed.body && keyed.body.result));
  await ctx.close();
  const off = await api('PUT', `/v1/engagements/${env.BPO}/fields`, env.MGR, {});
  ok(off.status === 200, 'the declaration removed again');
});
