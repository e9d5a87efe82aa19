/* sqlite_int.h - SQLite backend internals: connections, statement cache, row decoders. */
#ifndef ALIHDAYA_SQLITE_INT_H
#define ALIHDAYA_SQLITE_INT_H

#include <pthread.h>
#include <stddef.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "store/store.h"

/* Column lists, in the order the row decoders read them. */
#define SQ_CLIENT_COLS "id, code, name, time_zone, created_at, active"
#define SQ_SERVICE_COLS "id, code, name, kind, category, created_at"
#define SQ_ENGAGEMENT_COLS                                                                         \
	"id, client_id, service_id, name, kind, skills, languages, sla_ms, "                       \
	"default_priority, lease_ms, time_zone, created_at, lease_max_ms, active, sensitive, "    \
	"retention_days, wall, wall_days, item_types"
#define SQ_USER_COLS "id, name, role, client_id, created_at, active"
#define SQ_WORKER_COLS                                                                             \
	"w.id, w.user_id, w.name, w.skills, w.languages, w.credentials, "                          \
	"w.country, w.time_zone, w.capacity, w.cost_minor, w.currency, "                           \
	"w.status, w.created_at, w.active, "                                                       \
	"(SELECT json_group_array(json_array(c.client_id, c.expires_at, c.nda_ref, "              \
	"json(c.unmasked))) FROM worker_clearances c WHERE c.worker_id = w.id)"
#define SQ_ITEM_COLS                                                                               \
	"id, engagement_id, client_id, external_ref, priority, created_at, "                       \
	"due_at, state, worker_id, epoch, lease_expires, lease_started, type, lease_weight"
/* What recovery reads of an open item (struct item_open_rec, sqlite_write.c's open_decode). */
#define SQ_ITEM_OPEN_COLS                                                                          \
	"id, engagement_id, client_id, external_ref, priority, created_at, due_at, state, "        \
	"worker_id, epoch, lease_expires, lease_started, lease_weight"
#define SQ_EVENT_COLS                                                                              \
	"id, item_id, at, action, from_state, to_state, actor_user_id, "                           \
	"worker_id, epoch, detail"
#define SQ_AUDIT_COLS                                                                              \
	"seq, at, actor_user_id, action, record_type, record_id, client_id, "                      \
	"prev_hash, hash, detail"
/* A token's columns (sqlite_tokens.c reads them in this order), its user as u. */
#define SQ_TOKEN_COLS                                                                              \
	"t.id, t.user_id, u.name, t.prefix, t.created_at, t.expires_at, t.last_used_at, "          \
	"t.revoked_at"
#define SQ_AUDIT_HEAD_COLS "tree_size, at, root_hash, public_key, signature"
#define SQ_QOBS_COLS "at, engagement_id, worker_id, item_id, kind, field, code, ok"
#define SQ_MILESTONE_COLS                                                                          \
	"id, item_id, client_id, engagement_id, due_at, submitted, submitted_at, submitted_by, "   \
	"created_at, created_by, updated_at, title, deliverable"
#define SQ_IMPORT_COLS_W                                                                           \
	"engagement_id, client_id, created_by, created_at, updated_at, state, rows_read, created, "  \
	"duplicate, rejected, bytes, all_or_nothing, format, error"
#define SQ_OPEN_STATES "('queued', 'assigned', 'submitted', 'in_review')"
/*
 * The same states as the WHERE of the partial indexes items_open and
 * items_open_due (since the migration that rewrote them), and of the queries
 * that read them: an IN list of more than two constants in a partial index's
 * WHERE makes SQLite build an ephemeral table for every row inserted (its
 * once-only code is off when an index expression is evaluated), two per item
 * created; these comparisons cost nothing. SQLite uses a partial index only
 * for a query whose WHERE contains this same expression (sqlite3ExprImpliesExpr
 * compares the text's tree), so the queries use this macro, never a copy.
 * A migration creates the indexes with it: never change it (a new set of
 * states is a new macro and a migration rebuilding both indexes).
 */
#define SQ_OPEN_WHERE_AS(T)                                                                        \
	"(" T "state = 'queued' OR " T "state = 'assigned' OR " T "state = 'submitted' OR " T      \
	"state = 'in_review')"
#define SQ_OPEN_WHERE SQ_OPEN_WHERE_AS("")
/*
 * Every state but queued, the WHERE of items_taken (state, id): a new item is
 * queued, so creating one writes no entry there (items_state, its all-states
 * predecessor, took one per row); queued items are read through items_open.
 * A list by state binds it as a bare ?6: SQLite then prepares the statement
 * again for the bound value and sees which partial index the state is in.
 * Never change it either (a migration creates the index with it).
 */
#define SQ_TAKEN_WHERE                                                                             \
	"(state = 'assigned' OR state = 'submitted' OR state = 'in_review' OR state = 'done' OR "  \
	"state = 'cancelled' OR state = 'failed')"

/*
 * The record of id ?1; a page of records by id (or seq): ids > ?1, at most
 * ?2, with WHERE ("" or SQ_OF_CLIENT, the records of client ?3) before it.
 */
#define SQ_BY_ID(COLS, FROM, ID) "SELECT " COLS " FROM " FROM " WHERE " ID " = ?1"
#define SQ_PAGE(COLS, FROM, WHERE, ID)                                                             \
	"SELECT " COLS " FROM " FROM " WHERE " WHERE ID " > ?1 ORDER BY " ID " LIMIT ?2"
#define SQ_OF_CLIENT "client_id = ?3 AND "

/*
 * Every statement the backend runs, prepared once per connection on first
 * use (SQLITE_PREPARE_PERSISTENT) and reset after each use.
 */
#define SQ_STMTS(X)                                                                                \
	X(BEGIN, "BEGIN IMMEDIATE")                                                                \
	X(COMMIT, "COMMIT")                                                                        \
	X(ROLLBACK, "ROLLBACK")                                                                    \
	X(SAVEPOINT, "SAVEPOINT cmd")                                                              \
	X(RELEASE, "RELEASE cmd")                                                                  \
	X(ROLLBACK_TO, "ROLLBACK TO cmd")                                                          \
	X(SP_INNER, "SAVEPOINT inner_op")                                                          \
	X(SP_INNER_RELEASE, "RELEASE inner_op")                                                    \
	X(SP_INNER_ROLLBACK, "ROLLBACK TO inner_op")                                               \
	X(CLIENT_INSERT, "INSERT INTO clients(code, name, time_zone, created_at, active) "         \
			 "VALUES (?1, ?2, ?3, ?4, ?5)")                                            \
	X(CLIENT_UPDATE, "UPDATE clients SET name = ?2, time_zone = ?3, active = ?4 "              \
			 "WHERE id = ?1")                                                          \
	X(SERVICE_UPDATE, "UPDATE services SET name = ?2, category = ?3 WHERE id = ?1")            \
	X(ENGAGEMENT_UPDATE, "UPDATE engagements SET name = ?2, skills = ?3, languages = ?4, "     \
			     "sla_ms = ?5, default_priority = ?6, lease_ms = ?7, time_zone = ?8, " \
			     "lease_max_ms = ?9, active = ?10, sensitive = ?11, "                  \
			     "retention_days = ?12, wall = ?13, wall_days = ?14, item_types = ?15 " \
			     "WHERE id = ?1")                                                      \
	X(USER_UPDATE, "UPDATE users SET name = ?2, role = ?3, client_id = ?4, active = ?5 "       \
		       "WHERE id = ?1")                                                            \
	X(WORKER_UPDATE, "UPDATE workers SET name = ?2, skills = ?3, languages = ?4, "             \
			 "credentials = ?5, country = ?6, time_zone = ?7, capacity = ?8, "         \
			 "cost_minor = ?9, currency = ?10, active = ?11 WHERE id = ?1")            \
	X(CLEARANCES_DELETE, "DELETE FROM worker_clearances WHERE worker_id = ?1")                \
	X(SERVICE_INSERT, "INSERT INTO services(code, name, kind, category, "                      \
			  "created_at) VALUES (?1, ?2, ?3, ?4, ?5)")                               \
	X(ENGAGEMENT_INSERT, "INSERT INTO engagements(client_id, service_id, "                     \
			     "name, kind, skills, languages, sla_ms, "                             \
			     "default_priority, lease_ms, time_zone, created_at, lease_max_ms, "   \
			     "active, sensitive, retention_days, wall, wall_days, item_types) "    \
			     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "\
			     "?15, ?16, ?17, ?18)")                                                \
	X(USER_INSERT, "INSERT INTO users(name, role, client_id, created_at, active) "             \
		       "VALUES (?1, ?2, ?3, ?4, ?5)")                                              \
	X(TOKEN_INSERT, "INSERT INTO tokens(hash, user_id, created_at, prefix, expires_at, id) "   \
			"VALUES (?1, ?2, ?3, ?4, ?5, "                                             \
			"(SELECT coalesce(max(id), 0) + 1 FROM tokens)) RETURNING id")             \
	X(TOKEN_REVOKE, "UPDATE tokens SET revoked_at = CASE revoked_at WHEN 0 THEN ?2 "           \
			"ELSE revoked_at END WHERE id = ?1")                                       \
	X(TOKEN_TOUCH, "UPDATE tokens SET last_used_at = max(last_used_at, ?2) WHERE id = ?1")     \
	X(PASSWORD_SET, "INSERT INTO passwords(user_id, hash, set_at) VALUES (?1, ?2, ?3) "        \
			"ON CONFLICT(user_id) DO UPDATE SET hash = ?2, set_at = ?3")               \
	X(PASSWORD_GET, "SELECT hash FROM passwords WHERE user_id = ?1")                           \
	X(SESSION_INSERT, "INSERT INTO sessions(hash, user_id, created_at, last_seen_at, "         \
			  "expires_at) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id")                  \
	X(SESSION_END, "UPDATE sessions SET ended_at = CASE ended_at WHEN 0 THEN ?2 "              \
		       "ELSE ended_at END WHERE id = ?1")                                          \
	X(SESSION_END_USER, "UPDATE sessions SET ended_at = ?2 WHERE user_id = ?1 "                \
			    "AND ended_at = 0")                                                    \
	X(SESSION_TOUCH, "UPDATE sessions SET last_seen_at = max(last_seen_at, ?2) WHERE id = ?1") \
	X(SESSION_LOOKUP, "SELECT u.id, u.name, u.role, u.client_id, u.created_at, u.active, "     \
			  "s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at, "          \
			  "s.ended_at FROM sessions s JOIN users u ON u.id = s.user_id "           \
			  "WHERE s.hash = ?1")                                                     \
	X(LINK_INSERT, "INSERT INTO password_links(hash, user_id, created_at, expires_at) "        \
		       "VALUES (?1, ?2, ?3, ?4)")                                                  \
	X(LINK_TAKE, "UPDATE password_links SET used_at = ?2 WHERE hash = ?1 AND used_at = 0 "     \
		     "AND expires_at > ?2 RETURNING user_id")                                      \
	X(LINK_LOOKUP, "SELECT user_id FROM password_links WHERE hash = ?1 AND used_at = 0 "       \
		       "AND expires_at > ?2")                                                      \
	X(WORKER_INSERT, "INSERT INTO workers(user_id, name, skills, languages, "                  \
			 "credentials, country, time_zone, capacity, cost_minor, "                 \
			 "currency, status, created_at, active) VALUES (?1, ?2, ?3, ?4, "          \
			 "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)")                                \
	X(CLEARANCE_INSERT, "INSERT INTO worker_clearances(worker_id, client_id, expires_at, "     \
			    "nda_ref, unmasked) VALUES (?1, ?2, ?3, ?4, ?5)")                      \
	X(WORKER_SET_STATUS, "UPDATE workers SET status = ?2 WHERE id = ?1")                       \
	X(ITEM_INSERT, "INSERT INTO items(engagement_id, client_id, external_ref, "                \
		       "priority, created_at, due_at, state, worker_id, epoch, "                   \
		       "lease_expires, lease_started, type, lease_weight, payload, result, id) "   \
		       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, " \
		       "?16)")                                                                     \
	X(ITEM_UPDATE, "UPDATE items SET state = ?2, worker_id = ?3, epoch = ?4, "                 \
		       "lease_expires = ?5, result = COALESCE(?6, result), lease_started = ?7, "   \
		       "lease_weight = ?8 WHERE id = ?1")                                                            \
	/* ITEM_UPDATE without worker_id (?3 bound, unused): a step that keeps the worker      \
	 * (submit, accept) leaves items_worker alone; SQLite maintains only the indexes on   \
	 * the columns an UPDATE sets. */                                                      \
	X(ITEM_UPDATE_STATE, "UPDATE items SET state = ?2, epoch = ?4, lease_expires = ?5, "      \
			     "result = COALESCE(?6, result), lease_started = ?7, "                 \
			     "lease_weight = ?8 WHERE id = ?1")                                    \
	X(ITEM_STATE_GET, "SELECT " SQ_ITEM_COLS " FROM items WHERE id = ?1")                      \
	X(EVENT_INSERT, "INSERT INTO item_events(item_id, client_id, at, action, "                 \
			"from_state, to_state, actor_user_id, worker_id, epoch, "                  \
			"detail, id) VALUES (?1, (SELECT client_id FROM items WHERE "              \
			"id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")                          \
	/* at_max: the largest at so far (the audit filters' time windows, sqlite_audit.c) */      \
	X(AUDIT_INSERT, "INSERT INTO audit(" SQ_AUDIT_COLS ", at_max) VALUES (?1, ?2, "            \
			"?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, max(?2, coalesce((SELECT at_max FROM "   \
			"audit ORDER BY seq DESC LIMIT 1), ?2)))")                                 \
	X(AUDIT_TAIL, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")                     \
	X(IDEM_GET, "SELECT request_hash, status, body, created_at FROM "                          \
		    "idempotency WHERE user_id = ?1 AND key = ?2")                                 \
	X(IDEM_PUT, "INSERT INTO idempotency(user_id, key, request_hash, status, "                 \
		    "body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")                           \
	X(LOAD_CLIENTS, "SELECT " SQ_CLIENT_COLS " FROM clients ORDER BY id")                      \
	X(LOAD_SERVICES, "SELECT " SQ_SERVICE_COLS " FROM services ORDER BY id")                   \
	X(LOAD_ENGAGEMENTS, "SELECT " SQ_ENGAGEMENT_COLS " FROM engagements "                      \
			    "ORDER BY id")                                                         \
	X(LOAD_WORKERS, "SELECT " SQ_WORKER_COLS " FROM workers w ORDER BY w.id")                  \
	/*                                                                                         \
	 * recovery: the open items of ids ?1 <= id <= ?2 (one part of the load, sqlite_write.c),  \
	 * in id order off the partial index of exactly the open states: no sort, and only the    \
	 * open items even when the store holds millions of finished ones                         \
	 */                                                                                        \
	X(LOAD_OPEN_RANGE,                                                                         \
	  "SELECT " SQ_ITEM_OPEN_COLS " FROM items INDEXED BY items_open "                          \
	  "WHERE " SQ_OPEN_WHERE " AND id >= ?1 AND id <= ?2 ORDER BY id")                          \
	/* recovery: the id of the open item ?1 others precede (where the load's parts meet) */    \
	X(OPEN_ITEM_AT, "SELECT id FROM items INDEXED BY items_open WHERE " SQ_OPEN_WHERE          \
			" ORDER BY id LIMIT 1 OFFSET ?1")                                          \
	X(TOKEN_LOOKUP, "SELECT u.id, u.name, u.role, u.client_id, u.created_at, u.active, "       \
			SQ_TOKEN_COLS " FROM tokens t JOIN users u ON u.id = t.user_id "           \
			"WHERE t.hash = ?1")                                                       \
	X(TOKEN_GET, "SELECT " SQ_TOKEN_COLS " FROM tokens t JOIN users u ON u.id = t.user_id "    \
		     "WHERE t.id = ?1")                                                            \
	X(TOKEN_LIST, "SELECT " SQ_TOKEN_COLS " FROM tokens t JOIN users u ON u.id = t.user_id "   \
		      "WHERE t.id > ?1 ORDER BY t.id LIMIT ?2")                                    \
	X(TOKEN_LIST_USER, "SELECT " SQ_TOKEN_COLS " FROM tokens t JOIN users u "                  \
			   "ON u.id = t.user_id WHERE t.user_id = ?3 AND t.id > ?1 "               \
			   "ORDER BY t.id LIMIT ?2")                                               \
	X(USER_BY_NAME, "SELECT " SQ_USER_COLS " FROM users WHERE name = ?1")                      \
	X(WORKER_BY_USER, "SELECT " SQ_WORKER_COLS " FROM workers w WHERE w.user_id = ?1")         \
	X(SERVICE_BY_CODE, "SELECT " SQ_SERVICE_COLS " FROM services WHERE code = ?1")            \
	X(CLIENT_GET, SQ_BY_ID(SQ_CLIENT_COLS, "clients", "id"))                                   \
	X(CLIENT_LIST, SQ_PAGE(SQ_CLIENT_COLS, "clients", "", "id"))                               \
	X(SERVICE_GET, SQ_BY_ID(SQ_SERVICE_COLS, "services", "id"))                                \
	X(SERVICE_LIST, SQ_PAGE(SQ_SERVICE_COLS, "services", "", "id"))                            \
	X(ENGAGEMENT_GET, SQ_BY_ID(SQ_ENGAGEMENT_COLS, "engagements", "id"))                       \
	X(ENGAGEMENT_LIST, SQ_PAGE(SQ_ENGAGEMENT_COLS, "engagements", "", "id"))                   \
	X(ENGAGEMENT_LIST_CLIENT, SQ_PAGE(SQ_ENGAGEMENT_COLS, "engagements", SQ_OF_CLIENT, "id"))  \
	X(USER_GET, SQ_BY_ID(SQ_USER_COLS, "users", "id"))                                         \
	X(USER_LIST, SQ_PAGE(SQ_USER_COLS, "users", "", "id"))                                     \
	X(USER_LIST_CLIENT, SQ_PAGE(SQ_USER_COLS, "users", SQ_OF_CLIENT, "id"))                    \
	X(WORKER_GET, SQ_BY_ID(SQ_WORKER_COLS, "workers w", "w.id"))                               \
	X(WORKER_LIST, SQ_PAGE(SQ_WORKER_COLS, "workers w", "", "w.id"))                           \
	X(ITEM_GET, "SELECT " SQ_ITEM_COLS ", payload, result FROM items "                         \
		    "WHERE id = ?1")                                                               \
	/* An imported item's create is not stored (import_batches): made here, id 0, first. */    \
	X(ITEM_HISTORY, "SELECT 0, i.id, i.created_at, 'create', NULL, 'queued', "                 \
			"NULLIF(m.created_by, 0), NULL, 0, NULL FROM import_batches b, items i, "  \
			"imports m WHERE b.first_item_id = (SELECT max(first_item_id) FROM "       \
			"import_batches WHERE first_item_id <= ?1) AND b.last_item_id >= ?1 AND "  \
			"i.id = ?1 AND m.id = b.import_id UNION ALL SELECT " SQ_EVENT_COLS        \
			" FROM item_events WHERE item_id = ?1 ORDER BY 1")                         \
	X(ITEM_EXISTS, "SELECT client_id FROM items WHERE id = ?1")                                        \
	/* The partial index item_events_done (to_state = 'done', at) gives them in order. */      \
	X(DONE_SINCE, "SELECT i.engagement_id, e.at, i.due_at FROM item_events e "                 \
		      "INDEXED BY item_events_done JOIN items i ON i.id = e.item_id "               \
		      "WHERE e.to_state = 'done' AND e.at >= ?1 AND i.gold_id = 0 ORDER BY e.at")  \
	/* at most one: items_engagement_ref is UNIQUE for gold_id = 0 */                         \
	X(ITEM_BY_REF, "SELECT id FROM items WHERE engagement_id = ?1 AND external_ref = ?2 "      \
		       "AND gold_id = 0")                                                          \
	/* Finished items of ?1 whose last event is before ?2 (retention), their events counted. */ \
	X(PURGE_PICK, "SELECT i.id, (SELECT count(*) FROM item_events v WHERE v.item_id = i.id) "  \
		      "FROM items i WHERE i.engagement_id = ?1 AND i.state IN ('done', "           \
		      "'cancelled', 'failed') AND (SELECT max(v.at) FROM item_events v "           \
		      "WHERE v.item_id = i.id) < ?2 ORDER BY i.id LIMIT ?3")                       \
	X(PURGE_EVENTS, "DELETE FROM item_events WHERE item_id = ?1")                              \
	X(WORKED_EACH, "SELECT worker_id, client_id, max(at) FROM item_events WHERE worker_id "   \
		       "IS NOT NULL AND action IN ('assign', 'submit') GROUP BY 1, 2")             \
	X(WORKED_LAST, "SELECT max(at) FROM item_events WHERE worker_id = ?1 AND client_id = ?2 " \
		       "AND action IN ('assign', 'submit')")                                       \
	X(PURGE_ITEM, "DELETE FROM items WHERE id = ?1")                                           \
	X(AUDIT_LIST, SQ_PAGE(SQ_AUDIT_COLS, "audit", "", "seq"))                                  \
	X(AUDIT_LIST_CLIENT, SQ_PAGE(SQ_AUDIT_COLS, "audit", SQ_OF_CLIENT, "seq"))                 \
	X(AUDIT_EACH, "SELECT " SQ_AUDIT_COLS " FROM audit WHERE seq > ?1 ORDER BY seq")         \
	/* sealed columns (sqlite_seal.c): an explicit id, as the additional data names it */    \
	/* above every id a purge deleted too (id_high, kept by triggers): never one twice */     \
	X(ITEM_NEXT_ID, "SELECT max(coalesce((SELECT max(id) FROM items), 0), coalesce((SELECT "   \
			"high FROM id_high WHERE name = 'items'), 0)) + 1")                        \
	X(EVENT_NEXT_ID, "SELECT max(coalesce((SELECT max(id) FROM item_events), 0), coalesce("   \
			 "(SELECT high FROM id_high WHERE name = 'item_events'), 0)) + 1")         \
	X(ITEM_CLIENT, "SELECT client_id FROM items WHERE id = ?1")                                \
	X(SEAL_ITEMS, "SELECT id, client_id, payload, result FROM items WHERE id > ?1 AND "        \
		      "(typeof(payload) = 'text' OR typeof(result) = 'text') ORDER BY id LIMIT ?2") \
	X(SEAL_ITEM_SET, "UPDATE items SET payload = COALESCE(?2, payload), "                      \
			 "result = COALESCE(?3, result) WHERE id = ?1")                            \
	X(SEAL_EVENTS, "SELECT id, client_id, detail FROM item_events WHERE id > ?1 AND "          \
		       "typeof(detail) = 'text' ORDER BY id LIMIT ?2")                             \
	X(SEAL_EVENT_SET, "UPDATE item_events SET detail = COALESCE(?2, detail) WHERE id = ?1")    \
	X(SEAL_DONE_GET, "SELECT done FROM seal_pass")                                             \
	X(SEAL_DONE_SET, "UPDATE seal_pass SET done = 1")                                          \
	X(AUDIT_HEAD_INSERT, "INSERT OR REPLACE INTO audit_heads(" SQ_AUDIT_HEAD_COLS ") "         \
			     "VALUES (?1, ?2, ?3, ?4, ?5)")                                        \
	X(AUDIT_HEAD_EACH, "SELECT " SQ_AUDIT_HEAD_COLS " FROM audit_heads ORDER BY tree_size")  \
	X(ARRIVALS, "SELECT (created_at - ?2) / ?4, count(*) FROM items "                          \
		    "WHERE engagement_id = ?1 AND created_at >= ?2 AND created_at < ?3 "           \
		    "AND gold_id = 0 GROUP BY 1")                                                  \
	/* webhooks (sqlite_webhooks.c): every item step that is an event writes its outbox   \
	 * rows with it (item accepted, reworked), so this one is cached */                    \
	X(WH_ENQUEUE, "INSERT INTO webhook_outbox(webhook_id, item_id, client_id, event_id, "     \
		      "type, body, created_at, next_at) SELECT id, ?1, ?2, ?3, ?4, ?5, ?6, ?6 "   \
		      "FROM webhooks WHERE active = 1 AND client_id = ?2 AND (engagement_id = 0 " \
		      "OR engagement_id = ?7) AND (events & ?8) != 0 ORDER BY id")               \
	X(QOBS_ADD, "INSERT INTO quality_obs(at, engagement_id, worker_id, item_id, kind, field, " \
		    "code, ok) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")                           \
	X(QOBS_WALK, "SELECT " SQ_QOBS_COLS " FROM quality_obs ORDER BY id")                       \
	X(QOBS_WALK_ENG, "SELECT " SQ_QOBS_COLS " FROM quality_obs WHERE engagement_id = ?1 "      \
			 "ORDER BY id")                                                            \
	X(FIELDS_SET, "INSERT INTO engagement_fields(engagement_id, payload, result, updated_at) " \
		      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(engagement_id) DO UPDATE SET "          \
		      "payload = ?2, result = ?3, updated_at = ?4")                                \
	X(FIELDS_GET, "SELECT payload, result, updated_at FROM engagement_fields "                 \
		      "WHERE engagement_id = ?1")                                                  \
	X(FIELDS_EACH, "SELECT engagement_id, payload, result FROM engagement_fields "             \
		       "ORDER BY engagement_id")                                                   \
	/* KPO milestones (sqlite_milestones.c): texts sealed once the id is known */             \
	X(MILESTONE_INSERT, "INSERT INTO milestones(item_id, client_id, engagement_id, due_at, "   \
			    "submitted, submitted_at, submitted_by, created_at, created_by, "      \
			    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "         \
			    "RETURNING id")                                                        \
	X(MILESTONE_TEXTS, "UPDATE milestones SET title = ?2, deliverable = ?3 WHERE id = ?1")     \
	X(MILESTONE_UPDATE, "UPDATE milestones SET deliverable = COALESCE(?2, deliverable), "      \
			    "submitted = ?3, "                                                     \
			    "submitted_at = ?4, submitted_by = ?5, updated_at = ?6 WHERE id = ?1") \
	X(MILESTONE_GET, "SELECT " SQ_MILESTONE_COLS " FROM milestones WHERE id = ?1")             \
	X(MILESTONE_LIST, "SELECT " SQ_MILESTONE_COLS " FROM milestones WHERE item_id = ?1 "       \
			  "ORDER BY due_at, id")                                                   \
	X(MILESTONE_COUNT, "SELECT count(*) FROM milestones WHERE item_id = ?1")                   \
	/* imports (sqlite_imports.c) */                                                           \
	X(IMPORT_INSERT, "INSERT INTO imports(" SQ_IMPORT_COLS_W ") VALUES (?1, ?2, ?3, ?4, ?5, "  \
			 "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) RETURNING id")                  \
	X(IMPORT_UPDATE, "UPDATE imports SET updated_at = ?2, state = ?3, rows_read = ?4, "        \
			 "created = ?5, duplicate = ?6, rejected = ?7, bytes = ?8, error = ?9 "    \
			 "WHERE id = ?1")                                                          \
	X(IMPORT_GET, "SELECT id, " SQ_IMPORT_COLS_W " FROM imports WHERE id = ?1")                \
	X(IMPORT_OPEN, "SELECT id, client_id FROM imports WHERE state IN (0, 1) ORDER BY id")      \
	X(IMPORT_FAIL, "UPDATE imports SET state = 3, updated_at = ?2, error = ?3 WHERE id = ?1")  \
	X(IMPORT_BATCH_ADD, "INSERT INTO import_batches(first_item_id, last_item_id, import_id) "  \
			    "VALUES (?1, ?2, ?3)")                                                 \
	X(IMPORT_ERROR_ADD, "INSERT INTO import_errors(import_id, line, col, reason) "             \
			    "VALUES (?1, ?2, ?3, ?4)")                                             \
	X(IMPORT_ERRORS, "SELECT line, col, reason FROM import_errors WHERE import_id = ?1 "       \
			 "ORDER BY line, id")                                                      \
	/* release, worker states, offers (sqlite_offers.c) */                                     \
	X(EXCL_ADD, "INSERT OR IGNORE INTO item_exclusions(item_id, worker_id, reason, at) "       \
		    "VALUES (?1, ?2, ?3, ?4)")                                                     \
	/* recovery's joins: the open items (items_open) first, then their rows */                \
	X(EXCL_EACH, "SELECT x.item_id, x.worker_id FROM items i INDEXED BY items_open "        \
		     "CROSS JOIN item_exclusions x ON "                                             \
		     "i.id = x.item_id WHERE " SQ_OPEN_WHERE_AS("i.") " ORDER BY 1, 2")          \
	/* the same rows from a table of few (sq__few_rows): each row's item looked up */          \
	X(EXCL_EACH_FEW, "SELECT x.item_id, x.worker_id FROM item_exclusions x WHERE EXISTS "    \
			 "(SELECT 1 FROM items i WHERE i.id = x.item_id AND "                     \
			 SQ_OPEN_WHERE_AS("i.") ") ORDER BY 1, 2")                                 \
	X(WSTATE_PUT, "INSERT INTO worker_states(worker_id, away_reason, wrap_until, no_answer) "  \
		      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(worker_id) DO UPDATE SET "               \
		      "away_reason = ?2, wrap_until = ?3, no_answer = ?4")                         \
	X(WSTATE_GET, "SELECT worker_id, away_reason, wrap_until, no_answer FROM worker_states "   \
		      "WHERE worker_id = ?1")                                                      \
	X(WSTATE_EACH, "SELECT worker_id, away_reason, wrap_until, no_answer FROM worker_states "  \
		       "ORDER BY worker_id")                                                       \
	X(WCONF_PUT, "INSERT INTO work_conf(engagement_id, mode, timeout_ms, max_no_answer, "      \
		     "wrap_up_ms, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT("        \
		     "engagement_id) DO UPDATE SET mode = ?2, timeout_ms = ?3, max_no_answer = ?4, " \
		     "wrap_up_ms = ?5, updated_at = ?6")                                           \
	X(WCONF_GET, "SELECT engagement_id, mode, timeout_ms, max_no_answer, wrap_up_ms, "         \
		     "updated_at FROM work_conf WHERE engagement_id = ?1")                         \
	X(WCONF_EACH, "SELECT engagement_id, mode, timeout_ms, max_no_answer, wrap_up_ms, "        \
		      "updated_at FROM work_conf ORDER BY engagement_id")                          \
	X(OFFER_INSERT, "INSERT INTO offers(item_id, worker_id, engagement_id, client_id, "        \
			"created_at, expires_at, state, ended_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, " \
			"?7, ?8) RETURNING id")                                                    \
	X(OFFER_END, "UPDATE offers SET state = ?2, ended_at = ?3 WHERE id = ?1 AND state = 0")    \
	X(OFFER_EACH_LIVE, "SELECT o.id, o.item_id, o.worker_id, o.engagement_id, o.client_id, "   \
			   "o.created_at, o.expires_at, o.state, o.ended_at FROM items i INDEXED " \
			   "BY items_open CROSS JOIN offers o ON i.id = o.item_id WHERE "          \
			   SQ_OPEN_WHERE_AS("i.")                                                  \
			   " ORDER BY o.id")                                                       \
	X(OFFER_EACH_LIVE_FEW, "SELECT o.id, o.item_id, o.worker_id, o.engagement_id, "            \
			       "o.client_id, o.created_at, o.expires_at, o.state, o.ended_at FROM " \
			       "offers o WHERE EXISTS (SELECT 1 FROM items i WHERE i.id = "        \
			       "o.item_id AND " SQ_OPEN_WHERE_AS("i.") ") ORDER BY o.id")          \
	X(OFFER_LIST, "SELECT id, item_id, worker_id, engagement_id, client_id, created_at, "      \
		      "expires_at, state, ended_at FROM offers WHERE (?1 = 0 OR worker_id = ?1) "  \
		      "AND (?2 = 0 OR state = 0) ORDER BY id DESC LIMIT ?3") \
	/* time (sqlite_time.c): every lease that ends writes one work entry: cached */          \
	X(TIME_INSERT, "INSERT INTO time_entries(engagement_id, client_id, worker_id, item_id, "   \
		       "milestone_id, kind, started_at, ended_at, duration_ms, billable, "         \
		       "corrected_from, superseded_by, created_at, created_by) VALUES (?1, ?2, "   \
		       "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) RETURNING id")              \
	/* recovery: how many open items LOAD_OPEN_ITEMS will give (the partial index alone) */    \
	X(COUNT_OPEN_ITEMS, "SELECT count(*) FROM items INDEXED BY items_open "                    \
			    "WHERE " SQ_OPEN_WHERE)

enum sq_stmt {
#define X(name, sql) SQ_##name,
	SQ_STMTS(X)
#undef X
	    SQ__COUNT
};

/* item_list has one statement per combination of its four filters. */
#define SQ_ITEM_LIST_VARIANTS 32 /* and with_gold (16) */

/* One SQLite connection with its statement cache. */
/* The connections' map of the store file (PRAGMA mmap_size), as text for the pragma. */
#define SQ_MMAP_SIZE "268435456"

struct sq_conn {
	sqlite3 *db;
	sqlite3_stmt *st[SQ__COUNT];
	sqlite3_stmt *item_list[SQ_ITEM_LIST_VARIANTS];
	bool busy; /* readers: lent out to a call */
	/*
	 * The writer: the next item id while the savepoint that chose the last
	 * one is open (0: ask the table), so an import's batch of rows asks
	 * once; any transaction or savepoint step forgets it.
	 */
	int64_t next_item_id;
};

/* The checkpointer thread and its connection (sqlite_store.c "Checkpoints"). */
struct sq_ckpt;

struct sq_store {
	struct store base; /* first: a struct store * is a struct sq_store * */
	struct sq_conn writer;
	int n_readers;
	struct sq_conn *readers;
	pthread_mutex_t pool_mu;
	pthread_cond_t pool_cv;
	bool pool_init;
	char *path;            /* for the checkpointer's connection */
	struct sq_ckpt *ckpt;  /* NULL until the WAL first needs a checkpoint */
	bool ckpt_failed;      /* it could not start: the writer checkpoints */
	int ckpt_woken_frames; /* the WAL's frames when it was last woken */
};

static inline struct sq_store *sq__of(struct store *s)
{
	return (struct sq_store *)s;
}

extern const struct store_ops sq__ops;

/* ---- connections (sqlite_store.c) ---- */

/*
 * The cached statement `id` of connection c, prepared on first use.
 * NULL on failure, with the error recorded (see sq__fail); *rc set.
 */
sqlite3_stmt *sq__stmt(struct sq_conn *c, enum sq_stmt id, int *rc);
/* Prepares (once) the item_list variant for the filter mask. */
sqlite3_stmt *sq__item_list_stmt(struct sq_conn *c, unsigned mask, int *rc);
/* Resets a statement and clears its bindings; NULL is fine. */
void sq__done(sqlite3_stmt *st);
/* Runs a cached statement that returns no rows (BEGIN, COMMIT, ...). */
int sq__exec(struct sq_conn *c, enum sq_stmt id, const char *what);
/*
 * A statement for one call, for the few writes and reads far from the hot
 * paths that are not worth a slot in SQ_STMTS: the caller finalizes it. NULL
 * on failure with *rc set and the error recorded as "what: message".
 */
sqlite3_stmt *sq__prep(struct sq_conn *c, const char *sql, const char *what, int *rc);
/* Binds v[0..n) to ?from..: SQLITE_OK or the bind's code. */
int sq__bind_i64s(sqlite3_stmt *st, int from, const int64_t *v, int n);
/* Runs a bound statement of sq__prep to its end (rc: the binds' SQLite code so
 * far) and finalizes it: 0 or the error as sq__fail. */
int sq__step_done(struct sq_conn *c, sqlite3_stmt *st, int rc, const char *what);

/* Borrows a reader connection, waiting while all are lent out. */
struct sq_conn *sq__reader_get(struct sq_store *s);
void sq__reader_put(struct sq_store *s, struct sq_conn *c);

/*
 * Maps a SQLite result code to an ERR_* and records "what: sqlite message"
 * as the calling thread's last error. Constraint UNIQUE/PRIMARYKEY -> ERR_EXISTS,
 * FOREIGNKEY -> ERR_NOTFOUND, BUSY/LOCKED -> ERR_BUSY, NOMEM -> ERR_NOMEM,
 * anything else ERR_IO.
 */
int sq__fail(sqlite3 *db, int rc, const char *what);
/* Records a message as the calling thread's last error and returns code. */
int sq__error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *sq__errmsg(struct store *s);

/*
 * Recovery's walks of the rows that belong to open items (keying's
 * decisions and answers, exclusions, offers) start from every open item
 * and look up its rows: the cost of the open items, whatever the table
 * holds. True when table has fewer than SQ_FEW_ROWS rows (counted up to
 * that, off its smallest b-tree): the walk then starts from the table and
 * looks up each row's item instead, the same rows at the cost of the
 * table's (no more than SQ_FEW_ROWS lookups). table: a name in the code.
 */
#define SQ_FEW_ROWS 100000
bool sq__few_rows(sqlite3 *db, const char *table);
/* SQ_FEW_ROWS, but that tests set it (0: never few, every walk from the open items). */
extern int64_t sq__few_rows_max;

/* ---- fields, rows and walks (sqlite_rows.c) ---- */

/* The record kinds: rows decoded, inserted and walked. */
enum sq_kind { SQ_K_CLIENT, SQ_K_SERVICE, SQ_K_ENGAGEMENT, SQ_K_USER, SQ_K_WORKER, SQ_K_ITEM,
	       SQ_K_EVENT, SQ_K_AUDIT, SQ_K_AUDIT_HEAD };

/*
 * How a record's field is kept in its column. A statement's columns (a
 * SELECT's SQ_*_COLS, an INSERT's ?1, ?2, ...) are one table of these, in
 * column order: the same table decodes a row into a record or binds one.
 */
enum sq_ftype {
	SQ_I64,     /* int64_t */
	SQ_INT,     /* int */
	SQ_ID,      /* int64_t reference: 0 is stored as NULL, NULL reads as 0 */
	SQ_TEXT,    /* char[size]: NULL reads as "" */
	SQ_REF,     /* char[size]: "" is stored as NULL */
	SQ_STR,     /* char *, bound only: NULL is stored as "" */
	SQ_JSON,    /* char *, a JSON text or NULL; read: borrowed from the statement */
	SQ_KIND,    /* enum service_kind, by name */
	SQ_ROLE,    /* enum role, by name */
	SQ_WSTATUS, /* enum worker_status, by name */
	SQ_STATE,   /* enum item_state, by name */
	SQ_FROM,    /* enum item_state, by name; ITEM_STATE__COUNT (none) is NULL */
	SQ_SKILLS,  /* struct skill_level[], its size_t count at n_off: [{"code","level"}] */
	SQ_CODES,   /* char[][MODEL_CODE_MAX], count at n_off: ["CA", ...] */
	SQ_CLEAR,   /* a worker's clearances (clear, clear_until, terms) of the whole record, read
		     * only: json_group_array of [client_id, expires_at, nda_ref, unmasked], sorted */
	SQ_SENSITIVE, /* struct sensitive_field[], count at n_off: [{"field","mask"}] */
	SQ_IDS,     /* int64_t[], count at n_off: [1, 2] */
	SQ_HASH,    /* unsigned char[size] (a hash, key, signature) as a blob; read: zero unless size bytes */
	SQ_BOOL,    /* bool as 0 or 1 */
};

struct sq_field {
	enum sq_ftype type;
	size_t off;   /* of the field in the record */
	size_t size;  /* of the field: arrays bound the text or the list */
	size_t n_off; /* lists: of their count */
	const char *name;
};

#define SQ_F(TYPE, S, f) { TYPE, offsetof(S, f), sizeof(((S *)0)->f), 0, #f }
#define SQ_FN(TYPE, S, f, n) { TYPE, offsetof(S, f), sizeof(((S *)0)->f), offsetof(S, n), #f }
/* The same for a record of core/model.h: SQ_R(SQ_TEXT, client_rec, code). */
#define SQ_R(TYPE, rec, f) SQ_F(TYPE, struct rec, f)
#define SQ_RN(TYPE, rec, f, n) SQ_FN(TYPE, struct rec, f, n)
#define SQ_NFIELDS(t) (sizeof(t) / sizeof((t)[0]))

/*
 * The fields an INSERT of kind k binds as ?1, ?2, ...: the record's SQ_*_COLS
 * without its id (but an audit event's seq), and for an item, its payload
 * and result after them. OUT: *f, *n.
 */
int sq__insert_fields(enum sq_kind k, const struct sq_field **f, size_t *n);

/*
 * Binds fields f[0..n) of rec to ?1..?n of st (list texts are handed to
 * SQLite, which frees them). 0, or ERR_NOMEM / the bind's error as sq__fail.
 */
int sq__bind_fields(sqlite3_stmt *st, const struct sq_field *f, size_t n, const void *rec,
		    const char *what);

/* The callback each record kind is passed to. */
union sq_cb {
	store_client_cb client;
	store_service_cb service;
	store_engagement_cb engagement;
	store_user_cb user;
	store_worker_cb worker;
	store_item_cb item;
	store_event_cb event;
	store_audit_cb audit;
	store_audit_head_cb audit_head;
};

/* The ?1 of a lookup: a text (len < 0), a blob (p, len) or, when p is NULL, an id. */
struct sq_key {
	const void *p;
	int len;
	int64_t id;
};

#define SQ_KEY_ID(v) ((struct sq_key){ NULL, 0, (v) })

/*
 * Runs the cached statement `id` of c with ?1 = key and decodes its one row
 * as kind k into out (ERR_NOTFOUND without a row). OUT: *rc. Returns the
 * statement still on that row when *rc is 0 (for more columns), else NULL;
 * the caller resets it (sq__done).
 */
sqlite3_stmt *sq__lookup(struct sq_conn *c, enum sq_stmt id, struct sq_key key, enum sq_kind k,
			 void *out, const char *what, int *rc);
/*
 * Decodes the current row, the columns of kind k's SQ_*_COLS, into rec (a
 * record of that kind, zeroed first). An event's detail is borrowed from
 * the statement: valid until its next step or reset.
 */
int sq__row_decode(enum sq_kind k, sqlite3_stmt *st, void *rec);
/*
 * Steps a bound statement to its end, decoding each row as kind k and
 * passing it to cb; a non-zero return from cb stops the walk and is
 * returned. OUT: *n rows passed and *last, column 0 of the last (either
 * may be NULL). Does not reset st.
 */
int sq__walk(struct sq_conn *c, sqlite3_stmt *st, enum sq_kind k, union sq_cb cb, void *ctx,
	     int *n, int64_t *last, const char *what);

/*
 * sqlite_lists.c: the list columns (skills, languages, credentials,
 * clearances) and an event's detail are JSON texts in the database. Texts: malloc'd, NULL on
 * ENOMEM. Parsers: column col of st into at most max entries (more are
 * dropped); NULL is an empty list; a text of another shape is ERR_IO.
 */
char *sq__skills_text(const struct skill_level *sk, size_t n); /* [{"code","level"}] */
char *sq__creds_text(const char (*creds)[MODEL_CODE_MAX], size_t n); /* ["CA", ...] */
int sq__skills_parse(sqlite3_stmt *st, int col, struct skill_level *sk, size_t max, size_t *n);
int sq__creds_parse(sqlite3_stmt *st, int col, char (*creds)[MODEL_CODE_MAX], size_t max,
		    size_t *n);
/* [[client_id, expires_at, nda_ref, [unmasked]], ...] into w's clear, clear_until and terms. */
int sq__clear_parse(sqlite3_stmt *st, int col, struct worker_rec *w);
char *sq__sensitive_text(const struct sensitive_field *f, size_t n); /* [{"field","mask"}] */
char *sq__ids_text(const int64_t *ids, size_t n); /* [1, 2] */
int sq__ids_parse(sqlite3_stmt *st, int col, int64_t *ids, size_t max, size_t *n);
int sq__sensitive_parse(sqlite3_stmt *st, int col, struct sensitive_field *f, size_t max,
			size_t *n);

/*
 * {"reason": reason} as an item event's detail, NULL for no reason (NULL or
 * ""). ERR_INVALID: reason is not UTF-8. OUT: *out (free()).
 */
int sq__reason_detail(const char *reason, char **out);

/* Copies column i as text into dst (bounded); NULL becomes "". */
void sq__col_str(sqlite3_stmt *st, int i, char *dst, size_t n);

/* ---- sealed columns (sqlite_seal.c) ---- */

/*
 * Binds plain (NULL: NULL) to ?idx of st: sealed by s->cipher for ad, or
 * as TEXT without a cipher. 0 or the cipher's / SQLite's error recorded.
 */
int sq__seal_bind(struct store *s, sqlite3_stmt *st, int idx, const struct store_seal_ad *ad,
		  const char *plain, const char *what);
/*
 * Column col of the current row of st, opened for ad. OUT: *out (malloc'd,
 * NULL for NULL). ERR_CRYPTO for a value that does not open, a plain value
 * with a cipher, a sealed one without; ERR_SHREDDED; ERR_NOMEM.
 */
/* The payload and result after the SQ_ITEM_COLS of st's row, opened into it (sqlite_read.c). */
int sq__item_texts(struct store *s, sqlite3_stmt *st, struct item_rec *it);
int sq__open_col(struct store *s, sqlite3_stmt *st, int col, const struct store_seal_ad *ad,
		 char **out, const char *what);
/* The id the next row of a table gets (statement ITEM_NEXT_ID / EVENT_NEXT_ID). OUT: *out. */
int sq__next_id(struct sq_conn *w, enum sq_stmt id, int64_t *out);
/*
 * Runs writer statement id with ?1 = a (an id) and ?2 = b (sqlite_tokens.c; tokens and
 * sessions). OUT: *changes, the rows it changed (may be NULL).
 */
int sq__write_ids(struct store *s, enum sq_stmt id, int64_t a, int64_t b, int *changes,
		  const char *what);

/* ---- the callbacks of sq__ops: writer (sqlite_write.c), reader (sqlite_read.c) ---- */

#define X(name, params, args) int sq_##name params;
STORE_OPS(X)
#undef X

/* ---- the audit trail's filtered pages (sqlite_audit.c) ---- */

/* True if pg sets an audit filter beyond the client (actor, action, from, to). */
bool sq__audit_filtered(const struct store_page *pg);
/* sq_audit_list's page for such filters (as store_audit_list). */
int sq__audit_find(struct store *s, const struct store_page *pg, store_audit_cb cb, void *ctx,
		   int64_t *next_after);

/* ---- schema (sqlite_schema.c) ---- */

extern const char *const sq__migrations[];
extern const int sq__n_migrations;

#endif
