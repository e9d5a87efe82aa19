/* sqlite_schema.c - the schema migrations, embedded so the binary needs no files at run time. */
#include "store/sqlite/sqlite_int.h"

/*
 * Migration i brings the schema from user_version i to i + 1. Each runs in
 * its own transaction together with the user_version bump. Never edit a
 * migration that has shipped: append a new one.
 *
 * Ids are rowids (no AUTOINCREMENT: rows are never deleted, and the hot
 * item/event inserts then skip the sqlite_sequence update). Optional
 * references (worker_id, client_id of a user) are NULL, never 0.
 */
const char *const sq__migrations[] = {
    /* 1: initial schema */
    "CREATE TABLE clients ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  time_zone TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"

    "CREATE TABLE services ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  category TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"

    "CREATE TABLE engagements ("
    "  id INTEGER PRIMARY KEY,"
    "  client_id INTEGER NOT NULL REFERENCES clients(id),"
    "  service_id INTEGER NOT NULL REFERENCES services(id),"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  skills TEXT NOT NULL,"
    "  languages TEXT NOT NULL,"
    "  sla_ms INTEGER NOT NULL,"
    "  default_priority INTEGER NOT NULL,"
    "  lease_ms INTEGER NOT NULL,"
    "  time_zone TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX engagements_client ON engagements(client_id, id);"

    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  role TEXT NOT NULL,"
    "  client_id INTEGER REFERENCES clients(id),"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX users_client ON users(client_id, id);"

    "CREATE TABLE tokens ("
    "  hash BLOB PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  created_at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX tokens_user ON tokens(user_id);"

    "CREATE TABLE workers ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL UNIQUE REFERENCES users(id),"
    "  name TEXT NOT NULL,"
    "  skills TEXT NOT NULL,"
    "  languages TEXT NOT NULL,"
    "  credentials TEXT NOT NULL,"
    "  country TEXT NOT NULL,"
    "  time_zone TEXT NOT NULL,"
    "  capacity INTEGER NOT NULL,"
    "  cost_minor INTEGER NOT NULL,"
    "  currency TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"

    "CREATE TABLE worker_clearances ("
    "  worker_id INTEGER NOT NULL REFERENCES workers(id),"
    "  client_id INTEGER NOT NULL REFERENCES clients(id),"
    "  PRIMARY KEY (worker_id, client_id)) WITHOUT ROWID;"
    "CREATE INDEX worker_clearances_client ON worker_clearances(client_id);"

    "CREATE TABLE items ("
    "  id INTEGER PRIMARY KEY,"
    "  engagement_id INTEGER NOT NULL REFERENCES engagements(id),"
    "  client_id INTEGER NOT NULL REFERENCES clients(id),"
    "  external_ref TEXT,"
    "  priority INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  due_at INTEGER NOT NULL,"
    "  state TEXT NOT NULL,"
    "  worker_id INTEGER REFERENCES workers(id),"
    "  epoch INTEGER NOT NULL,"
    "  lease_expires INTEGER NOT NULL,"
    "  payload TEXT NOT NULL,"
    "  result TEXT);"
    "CREATE INDEX items_client ON items(client_id, id);"
    "CREATE INDEX items_engagement ON items(engagement_id, id);"
    "CREATE INDEX items_worker ON items(worker_id, id);"
    "CREATE INDEX items_state ON items(state, id);"
    "CREATE INDEX items_open ON items(id) WHERE state IN " SQ_OPEN_STATES ";"

    "CREATE TABLE item_events ("
    "  id INTEGER PRIMARY KEY,"
    "  item_id INTEGER NOT NULL REFERENCES items(id),"
    "  client_id INTEGER NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  action TEXT NOT NULL,"
    "  from_state TEXT,"
    "  to_state TEXT NOT NULL,"
    "  actor_user_id INTEGER,"
    "  worker_id INTEGER,"
    "  epoch INTEGER NOT NULL,"
    "  detail TEXT);"
    "CREATE INDEX item_events_item ON item_events(item_id, id);"

    /* actor_user_id and client_id are NULL for 0; no foreign keys: the
     * trail must stay insertable and verifiable whatever else happens. */
    "CREATE TABLE audit ("
    "  seq INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  actor_user_id INTEGER,"
    "  action TEXT NOT NULL,"
    "  record_type TEXT NOT NULL,"
    "  record_id INTEGER NOT NULL,"
    "  client_id INTEGER,"
    "  prev_hash BLOB NOT NULL,"
    "  hash BLOB NOT NULL);"
    "CREATE INDEX audit_client ON audit(client_id, seq);"

    "CREATE TABLE idempotency ("
    "  user_id INTEGER NOT NULL,"
    "  key TEXT NOT NULL,"
    "  request_hash BLOB NOT NULL,"
    "  status INTEGER NOT NULL,"
    "  body TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (user_id, key));",

    /* 2: arrivals per interval for staffing plans (store_arrivals) */
    "CREATE INDEX items_engagement_created ON items(engagement_id, created_at);",

    /* 3: the idempotency status is the engine's outcome, not an HTTP status:
     * 0 ok, 1 created, 2 none (src/engine/engine.h enum cmd_outcome). */
    "UPDATE idempotency SET status = CASE status WHEN 201 THEN 1 WHEN 204 THEN 2 ELSE 0 END;",

    /* find and explain (issue 14): an external_ref once per engagement (store_item_by_ref),
     * the queue summary's counts by state and due time, late items across engagements. */
    "CREATE INDEX IF NOT EXISTS items_engagement_ref ON items(engagement_id, external_ref) "
    "  WHERE external_ref IS NOT NULL;"
    "CREATE INDEX IF NOT EXISTS items_engagement_state ON items(engagement_id, state, due_at);"
    "CREATE INDEX IF NOT EXISTS items_open_due ON items(due_at) WHERE state IN " SQ_OPEN_STATES ";",
    /* edits and switching off (issue 14): active flags, a lease's maximum and its start,
     * the before and after of an edit in its audit event. Safe on any database: columns
     * added with defaults, existing engagements get 4 x their lease as the maximum, and
     * leases held now count from when they began (deadline - lease). */
    "ALTER TABLE clients ADD COLUMN active INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE engagements ADD COLUMN active INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE engagements ADD COLUMN lease_max_ms INTEGER NOT NULL DEFAULT 0;"
    "UPDATE engagements SET lease_max_ms = 4 * lease_ms;"
    "ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE workers ADD COLUMN active INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE items ADD COLUMN lease_started INTEGER NOT NULL DEFAULT 0;"
    "UPDATE items SET lease_started = lease_expires - (SELECT e.lease_ms FROM engagements e"
    "  WHERE e.id = items.engagement_id) WHERE state = 'assigned';"
    "ALTER TABLE audit ADD COLUMN detail TEXT;",
    /* tokens and sessions (issue 8): a token has an id to list and revoke it by, the
     * first bytes of its text to recognise it, an expiry, its last use (recorded at
     * most once a minute) and when it was revoked; 0 = never. Safe on any database:
     * columns added with defaults, existing tokens numbered in the order they were
     * made, without a prefix (their text was never kept). */
    "ALTER TABLE tokens ADD COLUMN id INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE tokens ADD COLUMN prefix TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE tokens ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE tokens ADD COLUMN last_used_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE tokens ADD COLUMN revoked_at INTEGER NOT NULL DEFAULT 0;"
    "UPDATE tokens SET id = (SELECT n FROM (SELECT hash AS h, row_number() OVER "
    "  (ORDER BY created_at, hash) AS n FROM tokens) WHERE h = tokens.hash);"
    "CREATE UNIQUE INDEX tokens_id ON tokens(id);",
    /* encryption at rest (issue 8): the sealed columns (items.payload, items.result,
     * item_events.detail) take BLOBs in their TEXT columns, so no column changes; old
     * plain values are sealed by a one-time pass in C at the first open with a keyring
     * (sq_seal_plain), which marks it done here. Safe on any database. */
    "CREATE TABLE IF NOT EXISTS seal_pass (done INTEGER NOT NULL);"
    "INSERT INTO seal_pass(done) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM seal_pass);",
    /* tamper-evident audit (issue 8): the signed tree heads of the audit Merkle tree, one
     * per commit batch that added events (docs/audit.md); the latest is also kept outside
     * the database, in <data>/audit-head. A new table: safe on any database. */
    "CREATE TABLE IF NOT EXISTS audit_heads ("
    "  tree_size INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  root_hash BLOB NOT NULL,"
    "  public_key BLOB NOT NULL,"
    "  signature BLOB NOT NULL);",
    /* confidentiality (issue 8: masking, clearance rules, the ethical wall, retention): an engagement's
     * sensitive payload fields and how long its finished items are kept (0: forever); a
     * clearance's expiry (0: none), NDA reference and the fields it shows in clear. Safe on
     * any database: columns with defaults that mean what the rows meant before. */
    "ALTER TABLE engagements ADD COLUMN sensitive TEXT NOT NULL DEFAULT '[]';"
    "ALTER TABLE engagements ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE worker_clearances ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE worker_clearances ADD COLUMN nda_ref TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE worker_clearances ADD COLUMN unmasked TEXT NOT NULL DEFAULT '[]';"
    /* the ethical wall: competitor clients and the window in days (0: none); the last
     * time a worker worked for a client is read from item_events by worker */
    "ALTER TABLE engagements ADD COLUMN wall TEXT NOT NULL DEFAULT '[]';"
    "ALTER TABLE engagements ADD COLUMN wall_days INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX IF NOT EXISTS item_events_worker ON item_events(worker_id, client_id, at) "
    "  WHERE worker_id IS NOT NULL;",
    /* ids never given twice (issue 8): a purge deletes the newest items and events too,
     * and a sealed value's additional data names its row's id, so the next row must not
     * take a deleted one (a ciphertext kept in a backup would open in it). The highest id
     * ever deleted per table is kept here, by triggers; the writer's next id is above it
     * (ITEM_NEXT_ID, EVENT_NEXT_ID). A new table and triggers: safe on any database. */
    "CREATE TABLE IF NOT EXISTS id_high (name TEXT PRIMARY KEY, high INTEGER NOT NULL) "
    "  WITHOUT ROWID;"
    "CREATE TRIGGER IF NOT EXISTS items_id_high AFTER DELETE ON items BEGIN "
    "  INSERT OR REPLACE INTO id_high(name, high) VALUES ('items', max(old.id, "
    "    coalesce((SELECT high FROM id_high WHERE name = 'items'), 0))); END;"
    "CREATE TRIGGER IF NOT EXISTS item_events_id_high AFTER DELETE ON item_events BEGIN "
    "  INSERT OR REPLACE INTO id_high(name, high) VALUES ('item_events', max(old.id, "
    "    coalesce((SELECT high FROM id_high WHERE name = 'item_events'), 0))); END;",
    /* passwords and browser sessions (issue 9): a user's Argon2id hash; sessions and
     * one-time set-password links kept only as the hashes of their texts, with their
     * expiries. New tables: safe on any database. */
    "CREATE TABLE IF NOT EXISTS passwords ("
    "  user_id INTEGER PRIMARY KEY REFERENCES users(id),"
    "  hash TEXT NOT NULL,"
    "  set_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sessions ("
    "  id INTEGER PRIMARY KEY,"
    "  hash BLOB NOT NULL UNIQUE,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  created_at INTEGER NOT NULL,"
    "  last_seen_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  ended_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id) WHERE ended_at = 0;"
    "CREATE TABLE IF NOT EXISTS password_links ("
    "  hash BLOB PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  used_at INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;",
    /* quality observations (issue 10): one row per gold answer, compared field or review
     * decision (core/model.h struct quality_obs), read by the quality reports per
     * engagement and time, and per worker. No foreign keys: an item purged by retention
     * keeps its observations. A new table: safe on any database. */
    "CREATE TABLE IF NOT EXISTS quality_obs ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  engagement_id INTEGER NOT NULL,"
    "  worker_id INTEGER NOT NULL,"
    "  item_id INTEGER NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('gold', 'agree', 'review')),"
    "  field TEXT NOT NULL DEFAULT '',"
    "  code TEXT NOT NULL DEFAULT '',"
    "  ok INTEGER NOT NULL CHECK (ok IN (0, 1)));"
    "CREATE INDEX IF NOT EXISTS quality_obs_engagement ON quality_obs(engagement_id, at);"
    "CREATE INDEX IF NOT EXISTS quality_obs_worker ON quality_obs(worker_id, engagement_id);",
    /* double keying and overlap (issue 10): an engagement's answering settings
     * (engagement_answering: no "key" in the names, which test_encryption reserves for
     * the keyring); every answer
     * of a multi-keyed item (its result sealed; one per worker and item, by UNIQUE); each
     * item's keying phase and decision (label and diff sealed). Answers and decisions go
     * with their item (retention's purge). New tables: safe on any database. */
    "CREATE TABLE IF NOT EXISTS engagement_answering ("
    "  engagement_id INTEGER PRIMARY KEY REFERENCES engagements(id),"
    "  mode TEXT NOT NULL,"
    "  k INTEGER NOT NULL,"
    "  max_k INTEGER NOT NULL,"
    "  min_confidence REAL NOT NULL,"
    "  field TEXT NOT NULL DEFAULT '',"
    "  aggregate TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS item_answers ("
    "  id INTEGER PRIMARY KEY,"
    "  item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
    "  engagement_id INTEGER NOT NULL,"
    "  client_id INTEGER NOT NULL,"
    "  worker_id INTEGER NOT NULL,"
    "  epoch INTEGER NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  kind INTEGER NOT NULL,"
    "  result BLOB,"
    "  UNIQUE(item_id, worker_id));"
    "CREATE INDEX IF NOT EXISTS item_answers_engagement ON item_answers(engagement_id, id);"
    "CREATE TABLE IF NOT EXISTS item_decisions ("
    "  item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,"
    "  engagement_id INTEGER NOT NULL,"
    "  client_id INTEGER NOT NULL,"
    "  phase INTEGER NOT NULL,"
    "  answers INTEGER NOT NULL,"
    "  method TEXT NOT NULL DEFAULT '',"
    "  confidence REAL NOT NULL DEFAULT 0,"
    "  label BLOB,"
    "  diff BLOB,"
    "  decided_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS item_decisions_engagement ON item_decisions(engagement_id, "
    "  item_id);",
    /* fields (issue 10): an engagement's declared payload and result fields, each a JSON
     * array of field objects (core/fields.h), NULL when that side is not declared (any JSON
     * is then accepted). Staff's rules, not a client's values: not sealed. A new table:
     * safe on any database. */
    "CREATE TABLE IF NOT EXISTS engagement_fields ("
    "  engagement_id INTEGER PRIMARY KEY REFERENCES engagements(id),"
    "  payload TEXT,"
    "  result TEXT,"
    "  updated_at INTEGER NOT NULL);",
    /* KPO milestones (issue 10): an item's milestones, title and deliverable sealed
     * (BLOBs; TEXT only without a keyring). AUTOINCREMENT: an id is never given twice, as
     * a sealed value's additional data names it. Deleted with their item (a purge). A new
     * table: safe on any database. */
    "CREATE TABLE IF NOT EXISTS milestones ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
    "  client_id INTEGER NOT NULL,"
    "  engagement_id INTEGER NOT NULL,"
    "  title BLOB,"
    "  due_at INTEGER NOT NULL,"
    "  deliverable BLOB,"
    "  submitted INTEGER NOT NULL DEFAULT 0,"
    "  submitted_at INTEGER NOT NULL DEFAULT 0,"
    "  submitted_by INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  created_by INTEGER NOT NULL DEFAULT 0,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS milestones_item ON milestones(item_id);",
    /* review sampling (issue 10): an engagement's defect codes and sampling settings, the
     * review tasks of submitted items and the lots of acceptance sampling. New tables:
     * safe on any database. A task goes with its item when a purge deletes it. */
    "CREATE TABLE IF NOT EXISTS engagement_defects ("
    "  engagement_id INTEGER NOT NULL REFERENCES engagements(id),"
    "  pos INTEGER NOT NULL,"
    "  code TEXT NOT NULL,"
    "  label TEXT NOT NULL,"
    "  severity TEXT NOT NULL,"
    "  PRIMARY KEY (engagement_id, pos)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS engagement_sampling ("
    "  engagement_id INTEGER PRIMARY KEY REFERENCES engagements(id),"
    "  mode TEXT NOT NULL,"
    "  share_pct INTEGER NOT NULL,"
    "  lot_size INTEGER NOT NULL,"
    "  level TEXT NOT NULL,"
    "  aql_centi INTEGER NOT NULL,"
    "  qa_skill TEXT NOT NULL,"
    "  qa_level INTEGER NOT NULL,"
    "  hash_key BLOB NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS review_lots ("
    "  id INTEGER PRIMARY KEY,"
    "  engagement_id INTEGER NOT NULL REFERENCES engagements(id),"
    "  state TEXT NOT NULL,"
    "  lot_size INTEGER NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  code TEXT NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  ac INTEGER NOT NULL,"
    "  re INTEGER NOT NULL,"
    "  rejected INTEGER NOT NULL,"
    "  decided INTEGER NOT NULL,"
    "  defect TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  closed_at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS review_lots_engagement ON review_lots(engagement_id, id);"
    "CREATE TABLE IF NOT EXISTS review_tasks ("
    "  id INTEGER PRIMARY KEY,"
    "  item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
    "  engagement_id INTEGER NOT NULL,"
    "  client_id INTEGER NOT NULL,"
    "  lot_id INTEGER NOT NULL,"
    "  submitter_id INTEGER NOT NULL,"
    "  item_epoch INTEGER NOT NULL,"
    "  state TEXT NOT NULL,"
    "  reviewer_id INTEGER NOT NULL,"
    "  epoch INTEGER NOT NULL,"
    "  lease_expires INTEGER NOT NULL,"
    "  defect TEXT NOT NULL,"
    "  field TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  decided_at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS review_tasks_item ON review_tasks(item_id);"
    "CREATE INDEX IF NOT EXISTS review_tasks_engagement ON review_tasks(engagement_id, id);"
    "CREATE INDEX IF NOT EXISTS review_tasks_open ON review_tasks(state) "
    "  WHERE state IN ('held', 'waiting', 'leased');",
    /* gold items (issue 10): an engagement's gold items (payload and known result sealed
     * as items' are: record "gold_item"), its gold settings, each worker's assignment
     * counter and last re-qualification by hand, and the hidden flag of an item made
     * from a gold item (items.gold_id, 0 for every ordinary item: the client-facing
     * lists and counts filter it). New tables and a column with a default: safe on any
     * database. */
    "CREATE TABLE IF NOT EXISTS gold_items ("
    "  id INTEGER PRIMARY KEY,"
    "  engagement_id INTEGER NOT NULL REFERENCES engagements(id),"
    "  client_id INTEGER NOT NULL,"
    "  external_ref TEXT NOT NULL DEFAULT '',"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL,"
    "  payload BLOB,"
    "  result BLOB);"
    "CREATE INDEX IF NOT EXISTS gold_items_engagement ON gold_items(engagement_id, id);"
    "CREATE TABLE IF NOT EXISTS gold_settings ("
    "  engagement_id INTEGER PRIMARY KEY REFERENCES engagements(id),"
    "  rate REAL NOT NULL, threshold REAL NOT NULL, margin REAL NOT NULL,"
    "  min_answers INTEGER NOT NULL, qualification INTEGER NOT NULL,"
    "  prefer_ms INTEGER NOT NULL, salt INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS gold_workers ("
    "  engagement_id INTEGER NOT NULL, worker_id INTEGER NOT NULL,"
    "  assigned INTEGER NOT NULL DEFAULT 0, reset_at INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (engagement_id, worker_id)) WITHOUT ROWID;"
    "ALTER TABLE items ADD COLUMN gold_id INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX IF NOT EXISTS items_gold ON items(gold_id) WHERE gold_id != 0;",
    /* webhooks (issue 11): endpoints per client (engagement 0: all of its engagements),
     * their secrets sealed (record "webhook"), and the outbox: one row per (event,
     * endpoint), written in the batch of the change. New tables: safe on any database. */
    "CREATE TABLE IF NOT EXISTS webhooks ("
    "  id INTEGER PRIMARY KEY,"
    "  client_id INTEGER NOT NULL,"
    "  engagement_id INTEGER NOT NULL DEFAULT 0,"
    "  url TEXT NOT NULL,"
    "  events INTEGER NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL, created_by INTEGER NOT NULL DEFAULT 0,"
    "  rotated_at INTEGER NOT NULL DEFAULT 0, old_until INTEGER NOT NULL DEFAULT 0,"
    "  secret BLOB, old_secret BLOB);"
    "CREATE INDEX IF NOT EXISTS webhooks_client ON webhooks(client_id, id);"
    "CREATE TABLE IF NOT EXISTS webhook_outbox ("
    "  id INTEGER PRIMARY KEY,"
    "  webhook_id INTEGER NOT NULL REFERENCES webhooks(id),"
    "  item_id INTEGER NOT NULL DEFAULT 0,"
    "  client_id INTEGER NOT NULL,"
    "  event_id TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  state INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_at INTEGER NOT NULL, last_at INTEGER NOT NULL DEFAULT 0,"
    "  last_status INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS webhook_outbox_due ON webhook_outbox(state, next_at);"
    "CREATE INDEX IF NOT EXISTS webhook_outbox_hook ON webhook_outbox(webhook_id, item_id, id);",
    /* imports (issue 11): a bulk import's job (its error sealed: record "import") and its
     * rejected rows (column and reason sealed: record "import_error"). New tables only. */
    "CREATE TABLE IF NOT EXISTS imports ("
    "  id INTEGER PRIMARY KEY,"
    "  engagement_id INTEGER NOT NULL REFERENCES engagements(id),"
    "  client_id INTEGER NOT NULL, created_by INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
    "  state INTEGER NOT NULL, rows_read INTEGER NOT NULL DEFAULT 0,"
    "  created INTEGER NOT NULL DEFAULT 0, duplicate INTEGER NOT NULL DEFAULT 0,"
    "  rejected INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,"
    "  all_or_nothing INTEGER NOT NULL DEFAULT 0, format TEXT NOT NULL DEFAULT 'csv',"
    "  error BLOB);"
    "CREATE TABLE IF NOT EXISTS import_errors ("
    "  id INTEGER PRIMARY KEY,"
    "  import_id INTEGER NOT NULL REFERENCES imports(id),"
    "  line INTEGER NOT NULL, col BLOB, reason BLOB);"
    "CREATE INDEX IF NOT EXISTS import_errors_import ON import_errors(import_id, line);",
    /* A user's tokens page (GET /v1/tokens?user_id=, the admin screen) walks this index in
     * id order instead of sorting the user's tokens (tests/api/test_paging_large.sh). An
     * index only: safe on any database. */
    "CREATE INDEX IF NOT EXISTS tokens_user_id ON tokens(user_id, id);",
    /* release, worker states and offers (issue 13): an item's workers excluded for good by a
     * release's reason, a worker's state beside its status, an engagement's way of handing out
     * work, and the offers of push engagements. New tables only. */
    "CREATE TABLE IF NOT EXISTS item_exclusions ("
    "  item_id INTEGER NOT NULL REFERENCES items(id),"
    "  worker_id INTEGER NOT NULL REFERENCES workers(id),"
    "  reason TEXT NOT NULL, at INTEGER NOT NULL,"
    "  PRIMARY KEY (item_id, worker_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS worker_states ("
    "  worker_id INTEGER PRIMARY KEY REFERENCES workers(id),"
    "  away_reason INTEGER NOT NULL DEFAULT 0,"
    "  wrap_until INTEGER NOT NULL DEFAULT 0,"
    "  no_answer INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS work_conf ("
    "  engagement_id INTEGER PRIMARY KEY REFERENCES engagements(id),"
    "  mode INTEGER NOT NULL, timeout_ms INTEGER NOT NULL, max_no_answer INTEGER NOT NULL,"
    "  wrap_up_ms INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS offers ("
    "  id INTEGER PRIMARY KEY,"
    "  item_id INTEGER NOT NULL REFERENCES items(id),"
    "  worker_id INTEGER NOT NULL REFERENCES workers(id),"
    "  engagement_id INTEGER NOT NULL, client_id INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
    "  state INTEGER NOT NULL DEFAULT 0, ended_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS offers_item ON offers(item_id, id);"
    "CREATE INDEX IF NOT EXISTS offers_worker ON offers(worker_id, state, id);",
    /* time, periods and assessments (issue 12): time entries (work from leases, manual
     * entries; a correction is a new row, corrected_from/superseded_by link them; the note
     * sealed: record "time_entry"), billing periods per engagement ([starts_at, ends_at) in
     * UTC; open, approved, locked), and process-fit assessments (answers and result sealed:
     * record "assessment"). New tables only: safe on any database. */
    "CREATE TABLE IF NOT EXISTS time_entries ("
    "  id INTEGER PRIMARY KEY,"
    "  engagement_id INTEGER NOT NULL, client_id INTEGER NOT NULL,"
    "  worker_id INTEGER NOT NULL, item_id INTEGER NOT NULL DEFAULT 0,"
    "  milestone_id INTEGER NOT NULL DEFAULT 0, kind INTEGER NOT NULL,"
    "  started_at INTEGER NOT NULL, ended_at INTEGER NOT NULL DEFAULT 0,"
    "  duration_ms INTEGER NOT NULL DEFAULT 0, billable INTEGER NOT NULL DEFAULT 1,"
    "  corrected_from INTEGER NOT NULL DEFAULT 0, superseded_by INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL, created_by INTEGER NOT NULL DEFAULT 0,"
    "  note BLOB);"
    "CREATE INDEX IF NOT EXISTS time_entries_eng ON time_entries(engagement_id, started_at, id);"
    "CREATE INDEX IF NOT EXISTS time_entries_worker ON time_entries(worker_id, id);"
    "CREATE INDEX IF NOT EXISTS time_entries_running ON time_entries(worker_id) "
    "  WHERE ended_at = 0;"
    "CREATE TABLE IF NOT EXISTS billing_periods ("
    "  id INTEGER PRIMARY KEY,"
    "  engagement_id INTEGER NOT NULL REFERENCES engagements(id),"
    "  client_id INTEGER NOT NULL, kind INTEGER NOT NULL,"
    "  starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, label TEXT NOT NULL,"
    "  state INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL, created_by INTEGER NOT NULL DEFAULT 0,"
    "  approved_at INTEGER NOT NULL DEFAULT 0, approved_by INTEGER NOT NULL DEFAULT 0,"
    "  locked_at INTEGER NOT NULL DEFAULT 0, locked_by INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS billing_periods_eng ON billing_periods(engagement_id, starts_at);"
    "CREATE TABLE IF NOT EXISTS assessments ("
    "  id INTEGER PRIMARY KEY,"
    "  client_id INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL, created_by INTEGER NOT NULL DEFAULT 0,"
    "  recommendation TEXT NOT NULL,"
    "  answers BLOB, result BLOB);"
    "CREATE INDEX IF NOT EXISTS assessments_client ON assessments(client_id, id);",
    /* billing (issue 12, invoice): rate cards per engagement (canonical JSON, the provider's
     * prices, not client data), invoices and credit notes with their lines and what each
     * line bills (refs: workers of an hours line, items of an items line), numbers unique
     * per series and year (gap-free: allocated in the issuing transaction), and a client's
     * billing settings (language, in-house cost). New tables, and two indexes: item events
     * done (the items a window bills) and time entries as a draft walks them. */
    "CREATE TABLE IF NOT EXISTS rate_cards ("
    "  engagement_id INTEGER PRIMARY KEY REFERENCES engagements(id),"
    "  card TEXT NOT NULL, updated_at INTEGER NOT NULL, updated_by INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS invoices ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  client_id INTEGER NOT NULL, engagement_id INTEGER NOT NULL, period_id INTEGER NOT NULL,"
    "  from_at INTEGER NOT NULL, to_at INTEGER NOT NULL,"
    "  kind INTEGER NOT NULL, state INTEGER NOT NULL,"
    "  number TEXT NOT NULL DEFAULT '', year INTEGER NOT NULL DEFAULT 0,"
    "  seq INTEGER NOT NULL DEFAULT 0,"
    "  credit_of INTEGER NOT NULL DEFAULT 0, credited_by INTEGER NOT NULL DEFAULT 0,"
    "  currency TEXT NOT NULL, exponent INTEGER NOT NULL,"
    "  work INTEGER NOT NULL, fee INTEGER NOT NULL, credits INTEGER NOT NULL,"
    "  net INTEGER NOT NULL, tax INTEGER NOT NULL, total INTEGER NOT NULL,"
    "  hours_ms INTEGER NOT NULL, items INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL, created_by INTEGER NOT NULL,"
    "  issued_at INTEGER NOT NULL DEFAULT 0, paid_at INTEGER NOT NULL DEFAULT 0,"
    "  credited_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE UNIQUE INDEX IF NOT EXISTS invoices_number ON invoices(kind, year, seq) WHERE seq > 0;"
    "CREATE INDEX IF NOT EXISTS invoices_engagement ON invoices(engagement_id, id);"
    "CREATE INDEX IF NOT EXISTS invoices_client ON invoices(client_id, id);"
    "CREATE INDEX IF NOT EXISTS invoices_period ON invoices(period_id, state);"
    "CREATE TABLE IF NOT EXISTS invoice_lines ("
    "  invoice_id INTEGER NOT NULL REFERENCES invoices(id), line_no INTEGER NOT NULL,"
    "  kind INTEGER NOT NULL, grade INTEGER NOT NULL, tier INTEGER NOT NULL,"
    "  label TEXT NOT NULL, qty INTEGER NOT NULL, first INTEGER NOT NULL,"
    "  price INTEGER NOT NULL, amount INTEGER NOT NULL,"
    "  PRIMARY KEY (invoice_id, line_no)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS invoice_refs ("
    "  invoice_id INTEGER NOT NULL, line_no INTEGER NOT NULL,"
    "  kind INTEGER NOT NULL, ref_id INTEGER NOT NULL,"
    "  PRIMARY KEY (invoice_id, line_no, kind, ref_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS client_billing ("
    "  client_id INTEGER PRIMARY KEY REFERENCES clients(id),"
    "  language TEXT NOT NULL DEFAULT '', has_inhouse INTEGER NOT NULL DEFAULT 0,"
    "  inhouse_hour INTEGER NOT NULL DEFAULT 0, inhouse_currency TEXT NOT NULL DEFAULT '',"
    "  overhead_bp INTEGER NOT NULL DEFAULT 0,"
    "  updated_at INTEGER NOT NULL, updated_by INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS item_events_done ON item_events(to_state, at) WHERE to_state = 'done';"
    /* the draft's walk of a month (store_bill_time_each) read from the index alone */
    "CREATE INDEX IF NOT EXISTS time_entries_bill ON time_entries(engagement_id, started_at, "
    "  worker_id, duration_ms) WHERE superseded_by = 0 AND billable != 0 AND duration_ms > 0;",

    /* housekeeping (engine/purge.c): old sessions and idempotency keys deleted by time,
     * oldest first, through these indexes. */
    "CREATE INDEX IF NOT EXISTS sessions_expires ON sessions(expires_at);"
    "CREATE INDEX IF NOT EXISTS sessions_ended ON sessions(ended_at) WHERE ended_at > 0;"
    "CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency(created_at);",
    /* an engagement's routing: widening rings and item weight (issue 13, sqlite_routing.c) */
    "CREATE TABLE IF NOT EXISTS engagement_routing ("
    "  engagement_id INTEGER PRIMARY KEY REFERENCES engagements(id),"
    "  conf TEXT NOT NULL, updated_at INTEGER NOT NULL);",
    /* partial credit notes (issue 12): a note's reason, and the total an invoice's notes
     * credited so far (a whole credit before this migration: all of it) */
    "ALTER TABLE invoices ADD COLUMN reason TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE invoices ADD COLUMN credited_total INTEGER NOT NULL DEFAULT 0;"
    "UPDATE invoices SET credited_total = total WHERE kind = 0 AND state = 3;"
    /* item types (issue 12): an engagement's declared list (JSON ["claim", ...]; NULL:
     * none, every item "default") */
    "ALTER TABLE engagements ADD COLUMN item_types TEXT;"
    /* and an item's type (''/'default': default), billed by the card's per-type prices */
    "ALTER TABLE items ADD COLUMN type TEXT NOT NULL DEFAULT '';",

    /* (tests/api/test_audit_filters.sh runs the next migration's text, read out of the
     * binary, on a trail set back to before it: it must stay one string literal.) */

    /* the audit trail's filters (issue 9, GET /v1/audit?actor=&action=&from=&to=): an index
     * per filter, each ending in seq (the rowid) so a page is read in seq order from it. A
     * time window becomes a range of seq: at_max, the largest at up to this event, never
     * falls as seq grows (the wall clock may step back; at_max does not), so the events
     * with at >= from start at the first seq whose at_max >= from, and those with at < to
     * end at the last seq whose at_max < to, or at a later event whose at is below its
     * at_max (a step back: audit_back, normally empty). The store's AUDIT_INSERT writes
     * at_max with each event (events are inserted in seq order: the last row's at_max and
     * the new at; no trigger, so no second write of the row); the UPDATE fills it for the
     * events so far. A new column and indexes: safe on any database. */
    "ALTER TABLE audit ADD COLUMN at_max INTEGER;"
    "UPDATE audit SET at_max = w.m FROM (SELECT seq, max(at) OVER (ORDER BY seq) AS m "
    "  FROM audit) AS w WHERE audit.seq = w.seq;"
    "CREATE INDEX IF NOT EXISTS audit_actor ON audit(actor_user_id, seq);"
    "CREATE INDEX IF NOT EXISTS audit_action ON audit(action, seq);"
    "CREATE INDEX IF NOT EXISTS audit_family ON audit(substr(action, 1, instr(action, '.')), seq);"
    "CREATE INDEX IF NOT EXISTS audit_at_max ON audit(at_max);"
    "CREATE INDEX IF NOT EXISTS audit_back ON audit(at) WHERE at < at_max;",
    /* the sla.breach webhook (issue 11, engine/sla.c): the watermark (due_at, item_id) up to
     * which open items past their due time were announced. (0, 0) on any store: an open
     * item already late when this migration runs is announced once, at the first tick. */
    "CREATE TABLE IF NOT EXISTS sla_mark (k INTEGER PRIMARY KEY CHECK (k = 1),"
    "  due_at INTEGER NOT NULL, item_id INTEGER NOT NULL);"
    "INSERT OR IGNORE INTO sla_mark(k, due_at, item_id) VALUES (1, 0, 0);",
    /* bulk import speed (issue 11): the open items' partial indexes rebuilt with their
     * states compared one by one, not as an IN list (sqlite_int.h SQ_OPEN_WHERE: an IN
     * list of constants made SQLite build two ephemeral tables for every item inserted).
     * Same columns, same rows: safe on any database; the rebuild reads the table once. */
    "DROP INDEX IF EXISTS items_open;"
    "CREATE INDEX items_open ON items(id) WHERE " SQ_OPEN_WHERE ";"
    "DROP INDEX IF EXISTS items_open_due;"
    "CREATE INDEX items_open_due ON items(due_at) WHERE " SQ_OPEN_WHERE ";"
    /* and a worker's items indexed only for items that have a worker (a new item has
     * none: an import wrote a NULL entry per row). Every statement that reads it asks
     * worker_id = ?, which implies IS NOT NULL, so SQLite still uses it. */
    "DROP INDEX IF EXISTS items_worker;"
    "CREATE INDEX items_worker ON items(worker_id, id) WHERE worker_id IS NOT NULL;"
    /* and the items by state for every state but queued (sqlite_int.h SQ_TAKEN_WHERE):
     * the queued ones are in items_open, and a new item is queued */
    "DROP INDEX IF EXISTS items_state;"
    "CREATE INDEX items_taken ON items(state, id) WHERE " SQ_TAKEN_WHERE ";",
    /* billing's running sums (issue 12, store_bill_time_each): the time of the current
     * (superseded_by 0), ended (duration_ms > 0) entries per engagement, billable or not,
     * UTC hour of started_at and worker, so a month's draft reads a few hundred thousand
     * sums at most, not ten million entries. Kept by triggers, so every write of an entry
     * (insert, the lease's end, a correction's supersede, any UPDATE or DELETE) moves its
     * sum in the same statement, hence the same savepoint. An hour, not a local day: SQLite
     * knows no time zone rules, an engagement's zone may change, and every period bound of
     * a whole-hour zone is a UTC hour; the hours a bound cuts (half-hour zones) are walked
     * from the entries. The fill sums the entries so far: safe on any database. */
    "CREATE TABLE IF NOT EXISTS time_sums ("
    "  engagement_id INTEGER NOT NULL, billable INTEGER NOT NULL, hour_at INTEGER NOT NULL,"
    "  worker_id INTEGER NOT NULL, ms INTEGER NOT NULL, n INTEGER NOT NULL,"
    "  PRIMARY KEY (engagement_id, billable, hour_at, worker_id)) WITHOUT ROWID;"
    "CREATE TRIGGER IF NOT EXISTS time_sums_ins AFTER INSERT ON time_entries"
    "  WHEN NEW.superseded_by = 0 AND NEW.duration_ms > 0 BEGIN"
    "  INSERT INTO time_sums VALUES (NEW.engagement_id, NEW.billable != 0,"
    "    NEW.started_at - NEW.started_at % 3600000, NEW.worker_id, NEW.duration_ms, 1)"
    "    ON CONFLICT DO UPDATE SET ms = ms + excluded.ms, n = n + 1;"
    "  END;"
    "CREATE TRIGGER IF NOT EXISTS time_sums_upd AFTER UPDATE OF engagement_id, worker_id,"
    "  started_at, duration_ms, billable, superseded_by ON time_entries BEGIN"
    "  UPDATE time_sums SET ms = ms - OLD.duration_ms, n = n - 1"
    "    WHERE OLD.superseded_by = 0 AND OLD.duration_ms > 0"
    "    AND engagement_id = OLD.engagement_id AND billable = (OLD.billable != 0)"
    "    AND hour_at = OLD.started_at - OLD.started_at % 3600000 AND worker_id = OLD.worker_id;"
    "  INSERT INTO time_sums SELECT NEW.engagement_id, NEW.billable != 0,"
    "    NEW.started_at - NEW.started_at % 3600000, NEW.worker_id, NEW.duration_ms, 1"
    "    WHERE NEW.superseded_by = 0 AND NEW.duration_ms > 0"
    "    ON CONFLICT DO UPDATE SET ms = ms + excluded.ms, n = n + 1;"
    "  END;"
    "CREATE TRIGGER IF NOT EXISTS time_sums_del AFTER DELETE ON time_entries"
    "  WHEN OLD.superseded_by = 0 AND OLD.duration_ms > 0 BEGIN"
    "  UPDATE time_sums SET ms = ms - OLD.duration_ms, n = n - 1"
    "    WHERE engagement_id = OLD.engagement_id AND billable = (OLD.billable != 0)"
    "    AND hour_at = OLD.started_at - OLD.started_at % 3600000 AND worker_id = OLD.worker_id;"
    "  END;"
    "INSERT INTO time_sums SELECT engagement_id, billable != 0,"
    "  started_at - started_at % 3600000, worker_id, sum(duration_ms), count(*)"
    "  FROM time_entries WHERE superseded_by = 0 AND duration_ms > 0 GROUP BY 1, 2, 3, 4"
    "  ON CONFLICT DO UPDATE SET ms = ms + excluded.ms, n = n + excluded.n;",
    /* a lease's weight (issue 13): what it added to its worker's load, fixed at the take, so
     * a recovery after the engagement's weight changed counts the load the lease holds. 0 on
     * the leases before this migration: weighed by the engagement's weight at recovery. */
    "ALTER TABLE items ADD COLUMN lease_weight INTEGER NOT NULL DEFAULT 0;",
    /* imported items' creation (issue 11, engine/cmd_import.c): one row per import batch,
     * the items it created, first..last (consecutive ids: one writer, one command). Such
     * an item has no stored `create` event: its history shows one made from this row, the
     * item and the import (sqlite_int.h ITEM_HISTORY). A new table: safe on any store;
     * items imported before it keep their stored create event. */
    "CREATE TABLE IF NOT EXISTS import_batches (first_item_id INTEGER PRIMARY KEY,"
    "  last_item_id INTEGER NOT NULL, import_id INTEGER NOT NULL REFERENCES imports(id));",
    /* bulk import speed (issue 11): items_engagement_ref UNIQUE for the ordinary items
     * (gold_id = 0; a gold item's instances share its ref), so an item's INSERT finds a
     * taken external_ref itself (engine/cmd_items.c ref_unused: a lookup of its own
     * before every create was 7 % of an import's engine time). The engine has refused a
     * taken ref since the index came (issue 14), so a store has no two ordinary items
     * of one engagement with one ref. One that has (written around the server) fails
     * here, by the CHECK's name, and is left as it was (the migration's transaction
     * rolls back): the query there lists them; give all but one of each a ref of its own
     * (UPDATE items SET external_ref = ... WHERE id = ...) and start again. */
    "CREATE TEMP TABLE ref_check (n INTEGER CONSTRAINT \"items with the same external_ref in "
    "one engagement: list them with SELECT engagement_id, external_ref, group_concat(id) "
    "FROM items WHERE gold_id = 0 AND external_ref IS NOT NULL GROUP BY 1, 2 HAVING "
    "count(*) > 1; give all but one of each another external_ref, then start again\" "
    "CHECK (n = 0));"
    "INSERT INTO ref_check SELECT count(*) FROM (SELECT 1 FROM items WHERE gold_id = 0 AND"
    "  external_ref IS NOT NULL GROUP BY engagement_id, external_ref HAVING count(*) > 1);"
    "DROP TABLE ref_check;"
    "DROP INDEX IF EXISTS items_engagement_ref;"
    "CREATE UNIQUE INDEX items_engagement_ref ON items(engagement_id, external_ref)"
    "  WHERE external_ref IS NOT NULL AND gold_id = 0;",
};

const int sq__n_migrations = (int)(sizeof(sq__migrations) / sizeof(sq__migrations[0]));
