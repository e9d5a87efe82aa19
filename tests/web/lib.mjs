// lib.mjs - what every end-to-end script of tests/web shares: the catalogues, ok/api/axe,
// screenshots, sign-in, the raw-key check and the browser. A script imports it, runs its
// checks inside run(), and run() prints the summary and exits 1 if any check failed.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const env = process.env;
const WEB = env.WEB_ROOT;
const require = createRequire(join(WEB, 'package.json'));
const { chromium } = require('playwright-core');
// axe-core is evaluated through the DevTools protocol: page.addScriptTag would insert an
// inline script, which the application's CSP (script-src 'self') rightly blocks.
const AXE = readFileSync(join(WEB, 'node_modules/axe-core/axe.min.js'), 'utf8');
export const cat = Object.fromEntries(['en', 'id', 'ms'].map((l) => [l, JSON.parse(readFileSync(join(WEB, `src/i18n/${l}.json`), 'utf8'))]));
export const BASE = env.BASE;
export const PW = env.PW;
let pass = 0;
let fail = 0;

export function ok(cond, what, detail) {
  if (cond) {
    pass++;
    console.log(`ok - ${what}`);
  } else {
    fail++;
    console.log(`FAIL - ${what}${detail ? ': ' + detail : ''}`);
  }
}

export async function api(method, path, token, body) {
  const res = await fetch(BASE + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

// axe-core's WCAG 2.1 A and AA rules on the page as it is now.
export async function axe(page, what) {
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(AXE);
  const r = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  const v = r.violations.map((x) => `${x.id} (${x.nodes.length}: ${x.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')})`);
  ok(v.length === 0, `axe-core finds no WCAG 2.1 AA violation: ${what}`, v.join('; '));
}

export async function shot(page, name) {
  await page.screenshot({ path: join(env.SCREENS, name + '.png'), fullPage: true });
}

export async function signIn(page, login, lang = 'en') {
  await page.goto(BASE + '/#/signin');
  await page.getByLabel(cat[lang]['signin.login'], { exact: true }).fill(login);
  await page.getByLabel(cat[lang]['signin.password'], { exact: true }).fill(PW);
  await page.getByLabel(cat[lang]['signin.password'], { exact: true }).press('Enter');
}

// No catalogue key, and no {placeholder}, shows as text on the page.
export async function noRawKeys(page, lang, what) {
  const text = await page.evaluate(() => document.body.innerText);
  const raw = Object.keys(cat.en).filter((k) => text.includes(k));
  const holes = text.match(/\{[a-z_]+\}/g) || [];
  ok(raw.length === 0 && holes.length === 0, `${what} [${lang}]: no raw catalogue key or placeholder on screen`, [...raw, ...holes].join(', '));
}

// The references in the portal's list once pred(refs) holds (polled: the list loads after the
// hash changes), or the last ones seen after 5 s.
export async function refsWhen(page, pred) {
  let refs = [];
  for (let i = 0; i < 50; i++) {
    refs = await page.locator('table.items tbody tr td:nth-child(2)').allInnerTexts();
    const busy = await page.locator('.portal .loading').count();
    if (!busy && pred(refs)) break;
    await page.waitForTimeout(100);
  }
  return refs;
}

export const sameSet = (a, b) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

// The browser, body(browser) inside it; an exception is a failed check. Prints "NAME: N
// passed, N failed" and exits with 1 if any check failed.
export async function run(name, body) {
  const browser = await chromium.launch({ executablePath: env.CHROMIUM, args: ['--no-sandbox'], headless: true });
  try {
    await body(browser);
  } catch (e) {
    ok(false, 'the browser run finished', e.stack || String(e));
  } finally {
    await browser.close();
  }
  console.log(`${name}: ${pass} passed, ${fail} failed`);
  process.exit(fail ? 1 : 0);
}
