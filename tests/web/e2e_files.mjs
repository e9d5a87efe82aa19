// e2e_files.mjs - the client portal's files: acme-user uploads a small CSV with one bad row
// (the progress bar finishes, the counts and the rejected row with its line, column and
// reason show, the error file downloads), then downloads a CSV export whose rows are checked
// against the items as the API lists them; the screens in en, id and ms with no raw keys,
// axe-core on each, the screenshots docs/screens/portal-upload-en.png and portal-export-en.png.
import { readFileSync } from 'node:fs';
import { api, axe, BASE, cat, env, noRawKeys, ok, run, shot, signIn } from './lib.mjs';

// RFC 4180, for the downloaded files: quotes, doubled quotes, CRLF (our own reading, not the app's).
function csv(text) {
  const rows = [];
  let row = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') q = false; else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
    else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

const FILE = 'external_ref,claimant,amount\r\nU-1,"Budi, Santoso",10.00\r\nU-2,=cmd|calc,20.00\r\nU-3,only two\r\n';

run('e2e_files', async (browser) => {
  let ctx = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Jakarta', acceptDownloads: true });
  let page = await ctx.newPage();
  const writes = [];
  page.on('request', (r) => r.method() === 'POST' && /\/imports$/.test(r.url()) && writes.push(r.headers()));
  await signIn(page, 'acme-user');
  await page.getByRole('link', { name: cat.en['nav.upload'] }).click();
  await page.getByRole('heading', { name: cat.en['upload.title'] }).waitFor();
  ok(/#\/portal\/upload$/.test(page.url()), 'the menu opens the upload screen');
  // From here on (the sign-in's own GET /v1/session was a 401 by design): no console error.
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await noRawKeys(page, 'en', 'upload');
  await axe(page, 'upload [en]');

  // --- upload: the one engagement is chosen for the user; the file, the progress, the report
  ok((await page.locator('#up-eng').inputValue()) === String(env.BPO), 'a client with one engagement has it chosen');
  await page.getByRole('button', { name: cat.en['upload.submit'] }).click();
  ok((await page.getByRole('alert').innerText()) === cat.en['upload.need_file'], 'no file: the page says to choose one');
  await page.locator('#up-file').setInputFiles({ name: 'batch.csv', mimeType: 'text/csv', buffer: Buffer.from(FILE) });
  await page.getByRole('button', { name: cat.en['upload.submit'] }).click();
  await page.locator('table.import-errors tbody tr').first().waitFor();
  ok((await page.locator('#up-progress').getAttribute('value')) === '100', 'the progress bar reaches 100%');
  ok(writes.length === 1 && writes[0]['x-csrf-token'] && writes[0]['content-type'] === 'text/csv',
    'the upload carries the CSRF token and text/csv', JSON.stringify(writes[0] || {}));
  const counts = await page.locator('dl.counts dd').allInnerTexts();
  ok(counts.join(' ') === '3 2 0 1', 'the job counts: 3 read, 2 created, 0 duplicate, 1 rejected', counts.join(' '));
  const cells = await page.locator('table.import-errors tbody tr td').allInnerTexts();
  ok(cells.length === 3 && cells[0] === '4' && /2 fields where the header has 3/.test(cells[2]),
    'the rejected row: line 4 and its reason', cells.join(' | '));
  const dl = page.waitForEvent('download');
  await page.getByRole('link', { name: cat.en['upload.download_errors'] }).click();
  const errFile = await dl;
  const errRows = csv(readFileSync(await errFile.path(), 'utf8'));
  ok(errRows.length === 2 && errRows[0].join() === 'line,column,reason' && errRows[1][0] === '4',
    'the error report downloads as CSV', JSON.stringify(errRows));
  await noRawKeys(page, 'en', 'upload with its report');
  await axe(page, 'upload with its report [en]');
  await shot(page, 'portal-upload-en');

  // --- export: CSV download, its rows against the API's items
  await page.getByRole('link', { name: cat.en['nav.export'] }).click();
  await page.getByRole('heading', { name: cat.en['export.title'] }).waitFor();
  await noRawKeys(page, 'en', 'export');
  await axe(page, 'export [en]');
  await shot(page, 'portal-export-en');
  const down = page.waitForEvent('download');
  await page.getByRole('button', { name: cat.en['export.download'] }).click();
  const file = await down;
  ok(file.suggestedFilename() === `engagement-${env.BPO}.csv`, 'the file is named for the engagement', file.suggestedFilename());
  const rows = csv(readFileSync(await file.path(), 'utf8'));
  ok(rows[0].join() === 'id,external_ref,state,created_at,due_at,done_at,type,payload,result', 'the CSV header: the columns of an engagement without declared fields', rows[0].join());
  const list = await api('GET', `/v1/items?engagement_id=${env.BPO}&limit=100`, env.MGR);
  const want = list.body.data.map((it) => `${it.id} ${it.external_ref} ${it.state}`).sort();
  const got = rows.slice(1).map((r) => `${r[0]} ${r[1]} ${r[2]}`).sort();
  ok(want.length > 0 && got.join() === want.join(), 'every item of the engagement is a row, with its reference and state', got.join(','));
  const u1 = rows.find((r) => r[1] === 'U-1');
  const u2 = rows.find((r) => r[1] === 'U-2');
  ok(u1 && JSON.parse(u1[7]).claimant === 'Budi, Santoso', 'the uploaded payload is in the export, its comma kept', u1 && u1[7]);
  ok(u2 && JSON.parse(u2[7]).claimant === '=cmd|calc', 'the whole payload is JSON text (a { cell: no formula)', u2 && u2[7]);

  // A period by day in the user's zone: yesterday to today holds every item (all made in the
  // last minutes, whatever the hour), tomorrow none.
  const day = (d) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(d);
  const rowsOf = async () => {
    const w = page.waitForEvent('download');
    await page.getByRole('button', { name: cat.en['export.download'] }).click();
    return csv(readFileSync(await (await w).path(), 'utf8')).length - 1;
  };
  await page.locator('input[type=date]').first().fill(day(new Date(Date.now() - 86400000)));
  await page.locator('input[type=date]').nth(1).fill(day(new Date()));
  const today = await rowsOf();
  await page.locator('input[type=date]').first().fill(day(new Date(Date.now() + 86400000)));
  await page.locator('input[type=date]').nth(1).fill(day(new Date(Date.now() + 86400000)));
  const tomorrow = await rowsOf();
  ok(today === want.length && tomorrow === 0, 'the period: yesterday to today holds every item, tomorrow none', `${today} ${tomorrow}`);

  // A period: to before from is refused on the page; XLSX downloads with its name.
  await page.locator('input[type=date]').first().fill('2030-01-02');
  await page.locator('input[type=date]').nth(1).fill('2030-01-01');
  ok((await page.getByRole('alert').innerText()) === cat.en['export.bad_period'], 'a period that ends before it starts is refused');
  await page.locator('input[type=date]').first().fill('');
  await page.locator('input[type=date]').nth(1).fill('');
  await page.getByLabel(cat.en['export.format.xlsx']).check();
  const xl = page.waitForEvent('download');
  await page.getByRole('button', { name: cat.en['export.download'] }).click();
  const xfile = await xl;
  const head = readFileSync(await xfile.path()).subarray(0, 2).toString();
  ok(xfile.suggestedFilename() === `engagement-${env.BPO}.xlsx` && head === 'PK', 'XLSX downloads as a workbook (a zip)', xfile.suggestedFilename());
  ok(errors.length === 0, 'no script error or CSP report in the console', errors.join(' | '));
  await ctx.close();

  // --- Indonesian and Malay: both screens, no raw keys, axe
  for (const [lang, locale] of [['id', 'id-ID'], ['ms', 'ms-MY']]) {
    ctx = await browser.newContext({ locale, timezoneId: 'Asia/Jakarta' });
    page = await ctx.newPage();
    await signIn(page, 'acme-user', lang);
    await page.getByRole('link', { name: cat[lang]['nav.upload'] }).click();
    await page.getByRole('heading', { name: cat[lang]['upload.title'] }).waitFor();
    await noRawKeys(page, lang, 'upload');
    await axe(page, `upload [${lang}]`);
    await page.getByRole('link', { name: cat[lang]['nav.export'] }).click();
    await page.getByRole('heading', { name: cat[lang]['export.title'] }).waitFor();
    await noRawKeys(page, lang, 'export');
    await axe(page, `export [${lang}]`);
    await ctx.close();
  }
});
