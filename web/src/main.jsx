// main.jsx - the application's entry: the route table, the session (GET /v1/session at start,
// sign-in, sign-out), the language, and the shell that picks the screen for the hash.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, setCsrf, setUnauthorizedHandler } from './api.js';
import { detectLanguage, setLanguage, t } from './i18n/index.js';
import { Layout } from './layout.jsx';
import { addRoute, match, navigate, usePath } from './router.js';
import { ItemDetail } from './screens/item.jsx';
import { Home, NotFound } from './screens/other.jsx';
import { NewItem, Portal } from './screens/portal.jsx';
import { SetPassword } from './screens/setpassword.jsx';
import { SignIn } from './screens/signin.jsx';
import { Workspace } from './screens/workspace.jsx';
import { Export, Upload } from './screens/files.jsx';
import { Audit } from './screens/audit.jsx';
import { ClientForm, Clients } from './screens/admin/clients.jsx';
import { AdminHome } from './screens/admin/common.jsx';
import { EngagementForm, Engagements } from './screens/admin/engagements.jsx';
import { ServiceForm, Services } from './screens/admin/services.jsx';
import { Tokens } from './screens/admin/tokens.jsx';
import { UserForm, Users } from './screens/admin/users.jsx';
import { WorkerForm, Workers } from './screens/admin/workers.jsx';

// The screens (docs/web.md, "Adding a screen"): public ones open without a session.
addRoute('/signin', SignIn, { public: true, title: 'signin.title' });
addRoute('/set-password/:token', SetPassword, { public: true, title: 'setpw.title' });
addRoute('/work', Workspace, { roles: ['worker'], title: 'work.title' });
addRoute('/portal', Portal, { roles: ['client', 'admin', 'manager', 'auditor'], title: 'portal.title' });
addRoute('/portal/new', NewItem, { roles: ['client', 'admin', 'manager'], title: 'newitem.title' });
addRoute('/items/:id', ItemDetail, { title: 'item.page_title' });
addRoute('/portal/upload', Upload, { roles: ['client', 'admin', 'manager'], title: 'upload.title' });
addRoute('/portal/export', Export, { roles: ['client', 'admin', 'manager'], title: 'export.title' });
// Administration (screens/admin/: admins, and managers for what the policy lets them) and audit.
const STAFF = ['admin', 'manager'];
addRoute('/admin', AdminHome, { roles: STAFF, title: 'adm.title' });
addRoute('/admin/clients', Clients, { roles: STAFF, title: 'adm.clients' });
addRoute('/admin/clients/:id', ClientForm, { roles: ['admin'], title: 'adm.clients' });
addRoute('/admin/services', Services, { roles: STAFF, title: 'adm.services' });
addRoute('/admin/services/:id', ServiceForm, { roles: ['admin'], title: 'adm.services' });
addRoute('/admin/engagements', Engagements, { roles: STAFF, title: 'adm.engagements' });
addRoute('/admin/engagements/:id', EngagementForm, { roles: STAFF, title: 'adm.engagements' });
addRoute('/admin/workers', Workers, { roles: STAFF, title: 'adm.workers' });
addRoute('/admin/workers/:id', WorkerForm, { roles: STAFF, title: 'adm.workers' });
addRoute('/admin/users', Users, { roles: ['admin'], title: 'adm.users' });
addRoute('/admin/users/:id', UserForm, { roles: ['admin'], title: 'adm.users' });
addRoute('/admin/tokens', Tokens, { roles: ['admin'], title: 'adm.tokens' });
addRoute('/audit', Audit, { roles: ['admin', 'auditor'], title: 'audit.title' });
addRoute('/', Home, { title: 'app.name' });

setLanguage(detectLanguage(), false);

function App() {
  const [lang, setLang] = useState(detectLanguage());
  const [session, setSession] = useState(undefined); // undefined: asking; null: signed out
  const path = usePath();

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setCsrf(null);
      setSession(null);
    });
    api.session()
      .then((s) => {
        setCsrf(s.csrf);
        setSession(s);
      })
      .catch(() => setSession(null));
  }, []);

  function changeLang(l) {
    setLanguage(l, true);
    setLang(l);
  }

  function signedIn(s) {
    setCsrf(s.csrf);
    setSession(s);
    if (path === '/signin') navigate('/');
  }

  async function signOut() {
    try {
      await api.signOut();
    } catch {
      /* the session is gone either way on this side */
    }
    setCsrf(null);
    setSession(null);
    navigate('/signin');
  }

  const m = match(path);
  let screen;
  if (session === undefined) {
    screen = <p class="loading" role="status">{t('app.loading')}</p>;
  } else if (!m) {
    screen = <NotFound />;
  } else if (!m.route.public && !session) {
    screen = <SignIn onSignedIn={signedIn} />;
  } else if (m.route.roles && !m.route.roles.includes(session.user.role)) {
    screen = <NotFound />;
  } else {
    const Screen = m.route.screen;
    screen = <Screen key={path.split('?')[0]} params={m.params} session={session} onSignedIn={signedIn} />;
  }
  const title = m && session !== undefined && (session || m.route.public) ? m.route.title : 'signin.title';
  useEffect(() => {
    document.title = `${t(title || 'app.name')} · ${t('app.name')}`;
  }, [title, lang]);

  return (
    <Layout session={session} lang={lang} onLang={changeLang} onSignOut={signOut} path={path}>
      {screen}
    </Layout>
  );
}

render(<App />, document.getElementById('app'));
