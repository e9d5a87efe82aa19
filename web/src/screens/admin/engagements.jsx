// engagements.jsx - a client's engagements: the list (#/admin/engagements, filter by client),
// create (client, service, name, required skills and languages with levels, SLA, lease times,
// time zone, retention) and edit (client and service cannot change), pause and resume.
import { t } from '../../i18n/index.js';
import { ActiveButton, can, clientFilter, editLink, ListScreen, numCol, RecordForm, useClientName, yesNo } from './common.jsx';

const FIELDS = [
  { name: 'client_id', label: 'adm.f.client', type: 'select', options: 'clients', create: true, required: true },
  { name: 'service_id', label: 'adm.f.service', type: 'select', options: 'services', create: true, required: true },
  { name: 'name', label: 'adm.f.name', required: true },
  { name: 'required_skills', label: 'adm.f.required_skills', type: 'levels', add: 'adm.add_skill' },
  { name: 'required_languages', label: 'adm.f.required_languages', type: 'levels', add: 'adm.add_language' },
  { name: 'sla_seconds', label: 'adm.f.sla_seconds', type: 'int', required: true },
  { name: 'default_priority', label: 'adm.f.default_priority', type: 'int' },
  { name: 'lease_seconds', label: 'adm.f.lease_seconds', type: 'int' },
  { name: 'lease_max_seconds', label: 'adm.f.lease_max_seconds', type: 'int' },
  { name: 'time_zone', label: 'adm.f.time_zone', max: 63 },
  { name: 'retention_days', label: 'adm.f.retention_days', type: 'int' },
];
// The API takes ids as numbers.
for (const f of FIELDS) if (f.name.endsWith('_id')) f.to = (v) => (v ? Number(v) : undefined);

export function Engagements({ session, params }) {
  const clientName = useClientName();
  const cols = [
    { key: 'id', label: 'adm.f.id' },
    { key: 'name', label: 'adm.f.name', cell: editLink(session, 'engagements', (r) => r.name) },
    { key: 'client_id', label: 'adm.f.client', cell: (r) => clientName(r.client_id) },
    { key: 'kind', label: 'adm.f.kind', cell: (r) => t('adm.kind.' + r.kind) },
    numCol('sla_seconds', 'adm.f.sla_seconds'),
    { key: 'active', label: 'adm.f.active', cell: (r) => yesNo(r.active) },
  ];
  const actions = can(session, 'engagements', 'a')
    ? (r, ctx) => <ActiveButton kind="engagements" rec={r} label={r.name} {...ctx} />
    : null;
  return <ListScreen session={session} kind="engagements" cols={cols} params={params} filters={[clientFilter]} rowActions={actions} />;
}

export function EngagementForm({ session, params }) {
  return <RecordForm session={session} kind="engagements" fields={FIELDS} params={params} title={(r) => t('adm.edit_engagement', { name: r.name || '' })} />;
}
