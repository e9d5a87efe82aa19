// i18n/index.js - the string catalogues (en, id, ms), the language choice (remembered in
// localStorage, else the browser's languages, which are what it sends as Accept-Language),
// and Intl formatting of dates, times and numbers in the user's locale and time zone.
import en from './en.json';
import id from './id.json';
import ms from './ms.json';

export const catalogues = { en, id, ms };
export const languages = Object.keys(catalogues);
const STORE_KEY = 'alihdaya.lang';

let lang = 'en';
let locale = 'en';

// The browser's preferred tag with this base language ("id-ID"), else the base itself.
function localeFor(base) {
  const prefs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
  return prefs.find((p) => p.toLowerCase().split('-')[0] === base) || base;
}

export function detectLanguage() {
  let saved = null;
  try {
    saved = localStorage.getItem(STORE_KEY);
  } catch {
    saved = null;
  }
  if (saved && catalogues[saved]) return saved;
  const prefs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
  for (const p of prefs) {
    const base = p.toLowerCase().split('-')[0];
    if (catalogues[base]) return base;
  }
  return 'en';
}

export function setLanguage(l, remember) {
  lang = catalogues[l] ? l : 'en';
  locale = localeFor(lang);
  document.documentElement.lang = lang;
  if (remember) {
    try {
      localStorage.setItem(STORE_KEY, lang);
    } catch {
      /* private mode: the choice lasts this page only */
    }
  }
}

export function currentLanguage() {
  return lang;
}

// t('a.b', {n: 3}) -> the string with {n} replaced; a missing key shows as itself (tests look for it).
export function t(key, vars) {
  let s = catalogues[lang][key];
  if (s === undefined) s = en[key];
  if (s === undefined) {
    console.warn('i18n: no string', key);
    return key;
  }
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

// An API error as a screen says it (api.js's ApiError: status, code, message), detail the
// server's sentence to show (its message, or one field's reason). In English the server's own
// sentence, which names the field and the reason; in Indonesian and Malay the catalogue's
// sentence for the error's code, then the server's (the API speaks English only).
export function apiErrorText(err, detail = err && err.message) {
  if (!err || typeof err.status !== 'number') return t('err.generic', { code: 'error' }); // not the API's
  if (err.status === 0) return t('apierr.network');
  const generic = t('err.generic', { code: err.code || err.status });
  if (lang === 'en') return detail || generic;
  const key = 'apierr.' + err.code;
  const said = catalogues[lang][key] !== undefined ? t(key) : generic;
  return detail ? t('apierr.with_detail', { said, detail }) : said;
}

export function fmtDateTime(v) {
  const d = v instanceof Date ? v : new Date(v);
  if (isNaN(d)) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function fmtTime(v) {
  const d = v instanceof Date ? v : new Date(v);
  if (isNaN(d)) return '';
  return new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(d);
}

export function fmtNumber(n) {
  return new Intl.NumberFormat(locale).format(n);
}

// A countdown m:ss, digits in the locale's numbering.
export function fmtCountdown(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const nf = new Intl.NumberFormat(locale, { minimumIntegerDigits: 2 });
  return `${new Intl.NumberFormat(locale).format(Math.floor(s / 60))}:${nf.format(s % 60)}`;
}

// The local calendar day (the browser's time zone) of a time, as YYYY-MM-DD.
export function localDay(v) {
  const d = v instanceof Date ? v : new Date(v);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// A duration in the locale's units: "45 sec", "12 min", "3 hr 5 min" (Intl unit style).
export function fmtDuration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const u = (n, unit) => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(n);
  if (s < 60) return u(s, 'second');
  if (s < 3600) return u(Math.floor(s / 60), 'minute');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return m ? `${u(h, 'hour')} ${u(m, 'minute')}` : u(h, 'hour');
}

// A weekday and day of the month, for a chart's axis ("Wed 2").
export function fmtDay(v) {
  const d = v instanceof Date ? v : new Date(v);
  if (isNaN(d)) return '';
  return new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric' }).format(d);
}
