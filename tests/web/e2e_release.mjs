// e2e_release.mjs - the workspace releases an item from the browser: Escape opens the reason
// choice, a reason is picked and the item goes back to the queue (the API shows it queued,
// with the release and its reason in the item's history), in English; id and ms have the keys.
import { BASE, api, axe, cat, env, noRawKeys, ok, run, shot, signIn } from './lib.mjs';

await run('e2e_release', async (browser) => {
  for (const k of Object.keys(cat.en).filter((x) => x.startsWith('work.release_') || x === 'work.released' || x === 'work.reason.wrap_up')) {
    ok(cat.id[k] && cat.ms[k] && cat.id[k] !== cat.en[k] && cat.ms[k] !== cat.en[k], `${k} is translated into id and ms`);
  }
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await ctx.newPage();
  await signIn(page, 'w1');
  await page.getByRole('heading', { name: cat.en['work.title'], level: 1 }).waitFor();
  const takeBtn = page.getByRole('button', { name: cat.en['work.take'] });
  const entry = page.getByRole('heading', { name: cat.en['work.entry'] });
  await Promise.race([entry.waitFor(), takeBtn.waitFor()]);
  if (!(await entry.isVisible())) await takeBtn.click();
  await entry.waitFor();
  const itemId = Number((await page.getByRole('heading', { name: /^Item \d+$/ }).innerText()).replace(/\D/g, ''));
  ok(itemId > 0, `an item is open (${itemId})`);

  // "other" needs a note: the release is refused in the page until one is given.
  await page.keyboard.press('Escape');
  await page.getByRole('heading', { name: cat.en['work.release_title'] }).waitFor();
  await axe(page, 'workspace, release reasons');
  await noRawKeys(page, 'en', 'release reasons');
  await page.getByLabel(cat.en['work.release_reason.other']).check();
  await page.getByRole('button', { name: cat.en['work.release_confirm'] }).click();
  ok((await page.locator('.msg').innerText()) === cat.en['work.release_note_needed'], '"other" without a note asks for one');
  await page.getByLabel(cat.en['work.release_reason.illegible']).check();
  await shot(page, 'workspace-release-en');
  await page.getByRole('button', { name: cat.en['work.release_confirm'] }).click();
  await page.locator('.msg.ok').waitFor();
  ok((await page.locator('.msg.ok').innerText()) === cat.en['work.released'].replace('{id}', String(itemId)), 'the workspace says the item is back in the queue');
  ok(await takeBtn.isVisible(), 'the take button is back');

  const got = await api('GET', `/v1/items/${itemId}`, env.MGR);
  ok(got.status === 200 && got.body.state === 'queued', 'the API shows the item queued again', JSON.stringify(got.body).slice(0, 200));
  const hist = await api('GET', `/v1/items/${itemId}/history`, env.MGR);
  const rel = (hist.body || []).filter((e) => e.action === 'release');
  ok(rel.length === 1 && rel[0].detail && rel[0].detail.reason === 'illegible', 'the history has the release with its reason', JSON.stringify(rel));
  await ctx.close();
  void BASE;
});
