// layout.jsx - the frame of every screen: a skip link, the header (name, the role's screens,
// language, who is signed in, sign out), the main region whose heading takes focus on a new screen.
import { useEffect, useRef } from 'preact/hooks';
import { languages, t } from './i18n/index.js';

// The screens each role has in its menu (later screens add their row).
export const menus = {
  worker: [{ path: '/work', label: 'nav.workspace' }],
  client: [
    { path: '/portal', label: 'nav.items' },
    { path: '/portal/new', label: 'nav.new_item' },
    { path: '/portal/upload', label: 'nav.upload' },
    { path: '/portal/export', label: 'nav.export' },
  ],
};
// Administration (admins, managers) and the audit trail (admins, auditors): appended per role.
for (const [role, rows] of Object.entries({
  admin: [{ path: '/admin', label: 'nav.admin', prefix: true }, { path: '/audit', label: 'nav.audit' }],
  manager: [{ path: '/admin', label: 'nav.admin', prefix: true }],
  auditor: [{ path: '/audit', label: 'nav.audit' }],
})) menus[role] = [...(menus[role] || []), ...rows];

export function Layout({ session, lang, onLang, onSignOut, path, children }) {
  const role = session && session.user && session.user.role;
  const items = (role && menus[role]) || [];
  return (
    <div class="shell">
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main').focus(); }}>
        {t('app.skip')}
      </a>
      <header class="top">
        <span class="brand">{t('app.name')}</span>
        {items.length > 0 && (
          <nav aria-label={t('nav.label')}>
            <ul>
              {items.map((m) => (
                <li key={m.path}>
                  <a href={'#' + m.path} aria-current={path.split('?')[0] === m.path || (m.prefix && path.startsWith(m.path + '/')) ? 'page' : undefined}>{t(m.label)}</a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div class="tools">
          <label class="lang">
            <span>{t('app.language')}</span>
            <select value={lang} onChange={(e) => onLang(e.currentTarget.value)}>
              {languages.map((l) => (
                <option key={l} value={l} lang={l}>{t('lang.' + l)}</option>
              ))}
            </select>
          </label>
          {session && (
            <>
              <span class="who">{t('app.signed_in_as', { name: session.user.name, role: t('role.' + role) })}</span>
              <button type="button" class="secondary" onClick={onSignOut}>{t('app.sign_out')}</button>
            </>
          )}
        </div>
      </header>
      <main id="main" tabindex="-1">{children}</main>
    </div>
  );
}

// A screen heading that takes focus when the screen opens, so keyboard and screen-reader
// users start at the new content.
export function Title({ children }) {
  const ref = useRef(null);
  useEffect(() => {
    if (ref.current && !document.activeElement?.closest('main form')) ref.current.focus();
  }, []);
  return <h1 tabindex="-1" ref={ref}>{children}</h1>;
}
