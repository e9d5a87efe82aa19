// services.jsx - the service catalogue: the list (#/admin/services), create (code, name, kind,
// category) and edit (name, category: code and kind cannot change). No switch: the API has none.
import { t } from '../../i18n/index.js';
import { editLink, ListScreen, RecordForm } from './common.jsx';

const FIELDS = [
  { name: 'code', label: 'adm.f.code', create: true, required: true, max: 63 },
  { name: 'name', label: 'adm.f.name', required: true },
  { name: 'kind', label: 'adm.f.kind', type: 'select', create: true, required: true, initial: 'bpo', noEmpty: true,
    options: [['bpo', 'adm.kind.bpo'], ['kpo', 'adm.kind.kpo']] },
  { name: 'category', label: 'adm.f.category', max: 63 },
];

export function Services({ session, params }) {
  const cols = [
    { key: 'id', label: 'adm.f.id' },
    { key: 'code', label: 'adm.f.code', cell: editLink(session, 'services', (r) => r.code) },
    { key: 'name', label: 'adm.f.name' },
    { key: 'kind', label: 'adm.f.kind', cell: (r) => t('adm.kind.' + r.kind) },
    { key: 'category', label: 'adm.f.category' },
  ];
  return <ListScreen session={session} kind="services" cols={cols} params={params} />;
}

export function ServiceForm({ session, params }) {
  return <RecordForm session={session} kind="services" fields={FIELDS} params={params} title={(r) => t('adm.edit_service', { name: r.name || '' })} />;
}
