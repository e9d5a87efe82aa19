// clients.jsx - the clients of the provider: the list (#/admin/clients), create and edit
// (code, name, time zone; the code cannot change), deactivate and activate.
import { t } from '../../i18n/index.js';
import { ActiveButton, can, editLink, ListScreen, RecordForm, yesNo } from './common.jsx';

const FIELDS = [
  { name: 'code', label: 'adm.f.code', create: true, required: true, max: 63 },
  { name: 'name', label: 'adm.f.name', required: true },
  { name: 'time_zone', label: 'adm.f.time_zone', initial: 'UTC', max: 63 },
];

export function Clients({ session, params }) {
  const cols = [
    { key: 'id', label: 'adm.f.id' },
    { key: 'code', label: 'adm.f.code', cell: editLink(session, 'clients', (r) => r.code) },
    { key: 'name', label: 'adm.f.name' },
    { key: 'time_zone', label: 'adm.f.time_zone' },
    { key: 'active', label: 'adm.f.active', cell: (r) => yesNo(r.active) },
  ];
  const actions = can(session, 'clients', 'a')
    ? (r, ctx) => <ActiveButton kind="clients" rec={r} label={r.code} {...ctx} />
    : null;
  return <ListScreen session={session} kind="clients" cols={cols} params={params} rowActions={actions} />;
}

export function ClientForm({ session, params }) {
  return <RecordForm session={session} kind="clients" fields={FIELDS} params={params} title={(r) => t('adm.edit_client', { name: r.name || '' })} />;
}
