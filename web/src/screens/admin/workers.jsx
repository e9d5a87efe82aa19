// workers.jsx - the provider's workers: the list (#/admin/workers), create (login, name,
// skills and languages with levels, credentials, country, time zone, capacity, cost per hour,
// clearances with expiry and NDA) and edit (login cannot change), deactivate and activate.
import { fmtNumber, t } from '../../i18n/index.js';
import { ActiveButton, can, editLink, ListScreen, numCol, RecordForm, yesNo } from './common.jsx';

const FIELDS = [
  { name: 'login', label: 'adm.f.login', create: true, required: true, max: 63 },
  { name: 'name', label: 'adm.f.name', required: true },
  { name: 'skills', label: 'adm.f.skills', type: 'levels', add: 'adm.add_skill' },
  { name: 'languages', label: 'adm.f.languages', type: 'levels', add: 'adm.add_language' },
  { name: 'credentials', label: 'adm.f.credentials', type: 'list' },
  { name: 'country', label: 'adm.f.country', required: true, max: 2 },
  { name: 'time_zone', label: 'adm.f.time_zone', required: true, max: 63 },
  { name: 'capacity', label: 'adm.f.capacity', type: 'int' },
  { name: 'cost_amount', label: 'adm.f.cost_amount', type: 'int', required: true },
  { name: 'cost_currency', label: 'adm.f.cost_currency', required: true, max: 3 },
  { name: 'clearances', label: 'adm.f.clearances', type: 'clearances' },
];
// The cost is one API field of two parts: both go under cost_per_hour (the API's reason names it).
const cost = (k) => (r) => (r && r.cost_per_hour ? String(r.cost_per_hour[k]) : k === 'currency' ? 'USD' : '');
FIELDS[8].from = cost('amount_minor');
FIELDS[9].from = cost('currency');
FIELDS[8].to = FIELDS[9].to = () => undefined;
// cost_per_hour {amount_minor, currency} from the two boxes: on create always, on an edit when
// either changed; the API's reasons about it stand under the amount.
function compose(form, orig) {
  const c = { amount_minor: /^\d+$/.test(form.cost_amount.trim()) ? Number(form.cost_amount.trim()) : form.cost_amount.trim(), currency: form.cost_currency.trim() };
  if (orig && JSON.stringify(c) === JSON.stringify(orig.cost_per_hour)) return {};
  return { cost_per_hour: c };
}
const ALIAS = { cost_per_hour: 'cost_amount' };

export function Workers({ session, params }) {
  const cols = [
    { key: 'id', label: 'adm.f.id' },
    { key: 'name', label: 'adm.f.name', cell: editLink(session, 'workers', (r) => r.name) },
    { key: 'skills', label: 'adm.f.skills', cell: (r) => (r.skills || []).map((s) => `${s.code} ${fmtNumber(s.level)}`).join(', ') || '—' },
    { key: 'status', label: 'adm.f.status', cell: (r) => t('adm.status.' + r.status) },
    numCol('capacity', 'adm.f.capacity'),
    { key: 'active', label: 'adm.f.active', cell: (r) => yesNo(r.active) },
  ];
  const actions = can(session, 'workers', 'a')
    ? (r, ctx) => <ActiveButton kind="workers" rec={r} label={r.name} {...ctx} />
    : null;
  return <ListScreen session={session} kind="workers" cols={cols} params={params} rowActions={actions} />;
}

export function WorkerForm({ session, params }) {
  return <RecordForm session={session} kind="workers" fields={FIELDS} params={params} compose={compose} alias={ALIAS}
    title={(r) => t('adm.edit_worker', { name: r.name || '' })} />;
}
