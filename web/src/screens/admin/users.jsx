// users.jsx - the users (admin): the list (#/admin/users, filter by client), create and edit
// (login, role, and the client of a client user), deactivate and activate; the edit page also
// lists the user's tokens and makes a new one (tokens.jsx).
import { t } from '../../i18n/index.js';
import { ActiveButton, clientFilter, editLink, ListScreen, RecordForm, useClientName, yesNo } from './common.jsx';
import { UserTokens } from './tokens.jsx';

export const ROLES = ['admin', 'manager', 'worker', 'client', 'auditor'];
const FIELDS = [
  { name: 'name', label: 'adm.f.login', required: true, max: 63 },
  { name: 'role', label: 'adm.f.role', type: 'select', required: true, options: ROLES.map((r) => [r, 'role.' + r]) },
  // The client_id rule: a client user has one, no other role takes any (the API says so too).
  { name: 'client_id', label: 'adm.f.client', type: 'select', options: 'clients', when: (f) => f.role === 'client',
    to: (v) => (v ? Number(v) : undefined) },
];

export function Users({ session, params }) {
  const clientName = useClientName();
  const cols = [
    { key: 'id', label: 'adm.f.id' },
    { key: 'name', label: 'adm.f.login', cell: editLink(session, 'users', (r) => r.name) },
    { key: 'role', label: 'adm.f.role', cell: (r) => t('role.' + r.role) },
    { key: 'client_id', label: 'adm.f.client', cell: (r) => clientName(r.client_id) },
    { key: 'active', label: 'adm.f.active', cell: (r) => yesNo(r.active) },
  ];
  return (
    <ListScreen session={session} kind="users" cols={cols} params={params} filters={[clientFilter]}
      rowActions={(r, ctx) => (r.id === session.user.id ? null : <ActiveButton kind="users" rec={r} label={r.name} {...ctx} />)} />
  );
}

export function UserForm({ session, params }) {
  return (
    <RecordForm session={session} kind="users" fields={FIELDS} params={params}
      title={(r) => t('adm.edit_user', { name: r.name || '' })}
      after={(u) => <UserTokens user={u} />} />
  );
}
