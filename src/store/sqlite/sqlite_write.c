/* sqlite_write.c - SQLite writer side: transactions, inserts, updates, recovery loads. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/item.h"
#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

/*
 * Everything here runs on the engine thread with the one writer connection.
 * Each per-row write is one step of one cached statement: the engine groups
 * hundreds of them into one transaction.
 */

#define W(base) (&sq__of(base)->writer)

static int bind_text(sqlite3_stmt *st, int i, const char *s, size_t max)
{
	return sqlite3_bind_text(st, i, s, (int)strnlen(s, max), SQLITE_STATIC);
}

/* Binds the fields of rec to ?1.. of statement id, runs it (no rows) and resets it. */
static int write_row(struct sq_conn *w, enum sq_stmt id, const struct sq_field *f, size_t n,
		     const void *rec, const char *what)
{
	int rc;
	sqlite3_stmt *st = sq__stmt(w, id, &rc);

	if (!st)
		return rc;
	rc = sq__bind_fields(st, f, n, rec, what);
	if (!rc) {
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, what);
	}
	sq__done(st);
	return rc;
}

/*
 * The INSERT id of a record of kind k (its columns: sq__insert_fields).
 * OUT: *new_id, the new row's id (unchanged on failure); NULL: not wanted.
 */
static int insert_rec(struct sq_conn *w, enum sq_stmt id, enum sq_kind k, const void *rec,
		      int64_t *new_id, const char *what)
{
	const struct sq_field *f;
	size_t n;
	int rc = sq__insert_fields(k, &f, &n);

	if (!rc)
		rc = write_row(w, id, f, n, rec, what);
	if (!rc && new_id)
		*new_id = sqlite3_last_insert_rowid(w->db);
	return rc;
}

/* write_row for an UPDATE of the record id: ERR_NOTFOUND when there is none. */
static int update_row(struct sq_conn *w, enum sq_stmt id, const struct sq_field *f, size_t n,
		      const void *rec, int64_t rec_id, const char *what)
{
	int rc = write_row(w, id, f, n, rec, what);

	if (!rc && sqlite3_changes(w->db) == 0)
		rc = sq__error(ERR_NOTFOUND, "%s: %lld not found", what, (long long)rec_id);
	return rc;
}

/* ================================================================
 * Transactions
 * ================================================================ */

int sq_begin(struct store *s)
{
	W(s)->next_item_id = 0;
	return sq__exec(W(s), SQ_BEGIN, "begin");
}

int sq_commit(struct store *s)
{
	W(s)->next_item_id = 0;
	return sq__exec(W(s), SQ_COMMIT, "commit");
}

int sq_rollback(struct store *s)
{
	W(s)->next_item_id = 0;
	/* SQLite may already have rolled back (e.g. after SQLITE_FULL). */
	if (sqlite3_get_autocommit(W(s)->db))
		return 0;
	return sq__exec(W(s), SQ_ROLLBACK, "rollback");
}

int sq_savepoint(struct store *s)
{
	W(s)->next_item_id = 0;
	return sq__exec(W(s), SQ_SAVEPOINT, "savepoint");
}

int sq_release(struct store *s)
{
	W(s)->next_item_id = 0;
	return sq__exec(W(s), SQ_RELEASE, "release savepoint");
}

int sq_changes(struct store *s, int64_t *n)
{
	*n = (int64_t)sqlite3_total_changes64(W(s)->db);
	return 0;
}

int sq_rollback_to(struct store *s)
{
	/* ROLLBACK TO keeps the savepoint open; the contract ends it. */
	int rc = sq__exec(W(s), SQ_ROLLBACK_TO, "rollback to savepoint");

	W(s)->next_item_id = 0;
	return rc ? rc : sq__exec(W(s), SQ_RELEASE, "release savepoint");
}

/* ================================================================
 * Inserts and updates: a statement's ?1, ?2, ... are a table of fields, a
 * record's own columns for an INSERT (sqlite_rows.c)
 * ================================================================ */

int sq_client_insert(struct store *s, struct client_rec *c)
{
	return insert_rec(W(s), SQ_CLIENT_INSERT, SQ_K_CLIENT, c, &c->id, "client insert");
}

int sq_service_insert(struct store *s, struct service_rec *sv)
{
	return insert_rec(W(s), SQ_SERVICE_INSERT, SQ_K_SERVICE, sv, &sv->id, "service insert");
}

int sq_engagement_insert(struct store *s, struct engagement_rec *e)
{
	return insert_rec(W(s), SQ_ENGAGEMENT_INSERT, SQ_K_ENGAGEMENT, e, &e->id,
			  "engagement insert");
}

int sq_user_insert(struct store *s, struct user_rec *u)
{
	return insert_rec(W(s), SQ_USER_INSERT, SQ_K_USER, u, &u->id, "user insert");
}

/* One clearance: worker a is cleared for client b until `until` (0: no end), with its terms. */
struct pair_row {
	int64_t a, b;
	int64_t until;
	const char *nda_ref;
	char *unmasked; /* a JSON list */
};

static const struct sq_field pair_ins[] = {
    SQ_F(SQ_I64, struct pair_row, a), SQ_F(SQ_I64, struct pair_row, b),
    SQ_F(SQ_I64, struct pair_row, until), SQ_F(SQ_STR, struct pair_row, nda_ref),
    SQ_F(SQ_JSON, struct pair_row, unmasked),
};

/* Every clearance row of worker r (its old ones deleted first by an update). */
static int clearance_rows(struct sq_conn *w, const struct worker_rec *r)
{
	size_t n_clear = r->n_clear < MODEL_MAX_CLEAR ? r->n_clear : MODEL_MAX_CLEAR;
	int rc = 0;

	for (size_t i = 0; !rc && i < n_clear; i++) {
		const struct clear_terms *t = worker_terms(r, r->clear[i]);
		struct pair_row row = { r->id, r->clear[i], r->clear_until[i], t ? t->nda_ref : "",
					sq__creds_text(t ? t->unmasked : NULL,
						       t ? t->n_unmasked : 0) };

		if (!row.unmasked)
			return sq__error(ERR_NOMEM, "worker clearance insert: out of memory");
		rc = write_row(w, SQ_CLEARANCE_INSERT, pair_ins, SQ_NFIELDS(pair_ins), &row,
			       "worker clearance insert");
		free(row.unmasked);
	}
	return rc;
}

static int worker_insert_rows(struct sq_conn *w, struct worker_rec *r)
{
	int rc = insert_rec(w, SQ_WORKER_INSERT, SQ_K_WORKER, r, &r->id, "worker insert");

	return rc ? rc : clearance_rows(w, r);
}

int sq_worker_insert(struct store *s, struct worker_rec *r)
{
	struct sq_conn *w = W(s);
	int64_t id = r->id;
	int rc = sq__exec(w, SQ_SP_INNER, "savepoint");

	if (rc)
		return rc;
	/* The worker and its clearances go in together or not at all. */
	rc = worker_insert_rows(w, r);
	if (rc) {
		r->id = id;
		sq__exec(w, SQ_SP_INNER_ROLLBACK, "rollback to savepoint");
	}
	sq__exec(w, SQ_SP_INNER_RELEASE, "release savepoint");
	return rc;
}

struct status_row {
	int64_t worker_id;
	enum worker_status status;
};

static const struct sq_field status_upd[] = {
    SQ_F(SQ_I64, struct status_row, worker_id), SQ_F(SQ_WSTATUS, struct status_row, status),
};

int sq_worker_set_status(struct store *s, int64_t worker_id, enum worker_status status)
{
	return update_row(W(s), SQ_WORKER_SET_STATUS, status_upd, SQ_NFIELDS(status_upd),
			  &(struct status_row){ worker_id, status }, worker_id, "worker status");
}

/* ================================================================
 * Edits: the columns an UPDATE may change, ?1 the id
 * ================================================================ */

static const struct sq_field client_upd[] = {
    SQ_R(SQ_I64, client_rec, id), SQ_R(SQ_TEXT, client_rec, name),
    SQ_R(SQ_TEXT, client_rec, time_zone), SQ_R(SQ_BOOL, client_rec, active),
};

int sq_client_update(struct store *s, const struct client_rec *c)
{
	return update_row(W(s), SQ_CLIENT_UPDATE, client_upd, SQ_NFIELDS(client_upd), c, c->id,
			  "client update");
}

static const struct sq_field service_upd[] = {
    SQ_R(SQ_I64, service_rec, id), SQ_R(SQ_TEXT, service_rec, name),
    SQ_R(SQ_TEXT, service_rec, category),
};

int sq_service_update(struct store *s, const struct service_rec *sv)
{
	return update_row(W(s), SQ_SERVICE_UPDATE, service_upd, SQ_NFIELDS(service_upd), sv, sv->id,
			  "service update");
}

static const struct sq_field engagement_upd[] = {
    SQ_R(SQ_I64, engagement_rec, id), SQ_R(SQ_TEXT, engagement_rec, name),
    SQ_RN(SQ_SKILLS, engagement_rec, skills, n_skills),
    SQ_RN(SQ_SKILLS, engagement_rec, langs, n_langs), SQ_R(SQ_I64, engagement_rec, sla_ms),
    SQ_R(SQ_INT, engagement_rec, default_priority), SQ_R(SQ_I64, engagement_rec, lease_ms),
    SQ_R(SQ_TEXT, engagement_rec, time_zone), SQ_R(SQ_I64, engagement_rec, lease_max_ms),
    SQ_R(SQ_BOOL, engagement_rec, active),
    SQ_RN(SQ_SENSITIVE, engagement_rec, sensitive, n_sensitive),
    SQ_R(SQ_INT, engagement_rec, retention_days), SQ_RN(SQ_IDS, engagement_rec, wall, n_wall),
    SQ_R(SQ_INT, engagement_rec, wall_days),
    SQ_RN(SQ_CODES, engagement_rec, item_types, n_item_types),
};

int sq_engagement_update(struct store *s, const struct engagement_rec *e)
{
	return update_row(W(s), SQ_ENGAGEMENT_UPDATE, engagement_upd, SQ_NFIELDS(engagement_upd), e,
			  e->id, "engagement update");
}

static const struct sq_field user_upd[] = {
    SQ_R(SQ_I64, user_rec, id), SQ_R(SQ_TEXT, user_rec, name), SQ_R(SQ_ROLE, user_rec, role),
    SQ_R(SQ_ID, user_rec, client_id), SQ_R(SQ_BOOL, user_rec, active),
};

int sq_user_update(struct store *s, const struct user_rec *u)
{
	return update_row(W(s), SQ_USER_UPDATE, user_upd, SQ_NFIELDS(user_upd), u, u->id,
			  "user update");
}

static const struct sq_field worker_upd[] = {
    SQ_R(SQ_I64, worker_rec, id), SQ_R(SQ_TEXT, worker_rec, name),
    SQ_RN(SQ_SKILLS, worker_rec, skills, n_skills), SQ_RN(SQ_SKILLS, worker_rec, langs, n_langs),
    SQ_RN(SQ_CODES, worker_rec, creds, n_creds), SQ_R(SQ_TEXT, worker_rec, country),
    SQ_R(SQ_TEXT, worker_rec, time_zone), SQ_R(SQ_INT, worker_rec, capacity),
    SQ_R(SQ_I64, worker_rec, cost_minor), SQ_R(SQ_TEXT, worker_rec, currency),
    SQ_R(SQ_BOOL, worker_rec, active),
};

static const struct sq_field id_only[] = {
    SQ_F(SQ_I64, struct pair_row, a),
};

int sq_worker_update(struct store *s, const struct worker_rec *r)
{
	struct sq_conn *w = W(s);
	int rc = sq__exec(w, SQ_SP_INNER, "savepoint");

	if (rc)
		return rc;
	/* The worker and its clearances change together or not at all. */
	rc = update_row(w, SQ_WORKER_UPDATE, worker_upd, SQ_NFIELDS(worker_upd), r, r->id,
			"worker update");
	if (!rc)
		rc = write_row(w, SQ_CLEARANCES_DELETE, id_only, SQ_NFIELDS(id_only),
			       &(struct pair_row){ r->id, 0, 0, NULL, NULL }, "worker clearances delete");
	if (!rc)
		rc = clearance_rows(w, r);
	if (rc)
		sq__exec(w, SQ_SP_INNER_ROLLBACK, "rollback to savepoint");
	sq__exec(w, SQ_SP_INNER_RELEASE, "release savepoint");
	return rc;
}

/* A NULL result keeps the stored one (COALESCE in the statement). */
static const struct sq_field item_upd[] = {
    SQ_R(SQ_I64, item_rec, id), SQ_R(SQ_STATE, item_rec, state), SQ_R(SQ_ID, item_rec, worker_id), SQ_R(SQ_I64, item_rec, epoch),
    SQ_R(SQ_I64, item_rec, lease_expires), SQ_R(SQ_JSON, item_rec, result),
    SQ_R(SQ_I64, item_rec, lease_started), SQ_R(SQ_INT, item_rec, lease_weight),
};

/* A sealed column of a write: its ?index, its field name and its plain text (NULL: NULL). */
struct sealed_col {
	int idx;
	const char *field;
	const char *plain;
};

/*
 * write_row with sealed columns: the fields of rec bound as ?1.., then each
 * column of cols sealed for ad (its field set from the column) over its
 * ?index, and ad->record_id as ?id_idx (0: none). Runs it and resets it.
 */
static int write_sealed(struct store *s, enum sq_stmt id, const struct sq_field *f, size_t n,
			const void *rec, struct store_seal_ad ad, const struct sealed_col *cols,
			size_t ncols, int id_idx, const char *what)
{
	struct sq_conn *w = W(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(w, id, &rc);

	if (!st)
		return rc;
	rc = sq__bind_fields(st, f, n, rec, what);
	for (size_t i = 0; !rc && i < ncols; i++) {
		ad.field = cols[i].field;
		rc = sq__seal_bind(s, st, cols[i].idx, &ad, cols[i].plain, what);
	}
	if (!rc && id_idx) {
		rc = sqlite3_bind_int64(st, id_idx, ad.record_id);
		rc = rc == SQLITE_OK ? 0 : sq__fail(w->db, rc, what);
	}
	if (!rc) {
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, what);
	}
	sq__done(st);
	return rc;
}

/*
 * With a cipher the new item's id is chosen first (max + 1: one writer, in
 * its transaction), because the additional data of its payload names it.
 */
int sq_item_insert(struct store *s, struct item_rec *it)
{
	const struct sq_field *f;
	size_t n;
	int64_t id;
	int rc;

	if (!it->payload)
		return sq__error(ERR_INVALID, "item insert: payload is required");
	if (!s->cipher)
		return insert_rec(W(s), SQ_ITEM_INSERT, SQ_K_ITEM, it, &it->id, "item insert");
	rc = sq__insert_fields(SQ_K_ITEM, &f, &n);
	if (!rc && W(s)->next_item_id)
		id = W(s)->next_item_id;
	else if (!rc)
		rc = sq__next_id(W(s), SQ_ITEM_NEXT_ID, &id);
	if (!rc) {
		const struct sealed_col cols[] = {
		    { 14, "payload", it->payload },
		    { 15, "result", it->result },
		};
		struct store_seal_ad ad = { it->client_id, "item", id, NULL };

		rc = write_sealed(s, SQ_ITEM_INSERT, f, n, it, ad, cols, 2, 16, "item insert");
	}
	if (!rc)
		it->id = id;
	W(s)->next_item_id = rc ? 0 : id + 1;
	return rc;
}

/* An item update by statement id (ITEM_UPDATE, ITEM_UPDATE_STATE: the same ?s). */
static int item_update(struct store *s, enum sq_stmt id, const struct item_rec *it)
{
	const struct sealed_col cols[] = { { 6, "result", it->result } };
	struct store_seal_ad ad = { it->client_id, "item", it->id, NULL };
	int rc;

	if (!s->cipher || !it->result)
		return update_row(W(s), id, item_upd, SQ_NFIELDS(item_upd), it, it->id,
				  "item update");
	if (it->client_id <= 0)
		return sq__error(ERR_INTERNAL, "item update: item %lld without its client",
				 (long long)it->id);
	rc = write_sealed(s, id, item_upd, SQ_NFIELDS(item_upd), it, ad, cols, 1, 0,
			  "item update");
	if (!rc && sqlite3_changes(W(s)->db) == 0)
		rc = sq__error(ERR_NOTFOUND, "item update: %lld not found", (long long)it->id);
	return rc;
}

int sq_item_update(struct store *s, const struct item_rec *it)
{
	return item_update(s, SQ_ITEM_UPDATE, it);
}

int sq_item_update_state(struct store *s, const struct item_rec *it)
{
	return item_update(s, SQ_ITEM_UPDATE_STATE, it);
}

int sq_item_update_read(struct store *s, const struct item_rec *it, struct item_rec *out)
{
	int rc;
	sqlite3_stmt *st;

	memset(out, 0, sizeof(*out));
	if ((rc = sq_item_update(s, it)))
		return rc;
	/*
	 * Read back on the writer, in the open transaction: its page is the one just
	 * written, in the writer's cache (UPDATE ... RETURNING builds a temporary
	 * table for its rows and cost more than this read).
	 */
	if ((st = sq__lookup(W(s), SQ_ITEM_GET, SQ_KEY_ID(it->id), SQ_K_ITEM, out, "item", &rc)))
		rc = sq__item_texts(s, st, out);
	sq__done(st);
	if (rc)
		item_rec_release(out);
	return rc;
}

/* ================================================================
 * Retention
 * ================================================================ */

/* One item to delete: its id, bound as ?1 of the deletes. */
static const struct sq_field purge_id[] = {
    SQ_F(SQ_I64, struct pair_row, a),
};

int sq_item_purge(struct store *s, int64_t engagement_id, int64_t before, int limit,
		  bool dry_run, int64_t *items, int64_t *events)
{
	struct sq_conn *w = W(s);
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;
	sqlite3_stmt *st;

	*items = *events = 0;
	if (limit < 1)
		return 0;
	/* A dry run only counts; a purge keeps the ids (the engine bounds limit to a batch). */
	if (!dry_run && !(ids = malloc((size_t)limit * sizeof(*ids))))
		return sq__error(ERR_NOMEM, "item purge: out of memory");
	if (!(st = sq__stmt(w, SQ_PURGE_PICK, &rc))) {
		free(ids);
		return rc;
	}
	/* The ids first, the deletes after: no table changes under a running SELECT. */
	if ((rc = sqlite3_bind_int64(st, 1, engagement_id)) == SQLITE_OK &&
	    (rc = sqlite3_bind_int64(st, 2, before)) == SQLITE_OK &&
	    (rc = sqlite3_bind_int(st, 3, limit)) == SQLITE_OK) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < (size_t)limit) {
			if (ids)
				ids[n] = sqlite3_column_int64(st, 0);
			n++;
			*events += sqlite3_column_int64(st, 1);
		}
	}
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : sq__fail(w->db, rc, "item purge");
	sq__done(st);
	*items = (int64_t)n;
	for (size_t i = 0; !rc && ids && i < n; i++) {
		struct pair_row row = { ids[i], 0, 0, NULL, NULL };

		rc = write_row(w, SQ_PURGE_EVENTS, purge_id, 1, &row, "item purge events");
		if (!rc)
			rc = write_row(w, SQ_PURGE_ITEM, purge_id, 1, &row, "item purge");
	}
	free(ids);
	return rc;
}

/*
 * Sessions and idempotency keys past their use: a batch deletes a bounded
 * number of each (the oldest first, through their time indexes), so a
 * backlog is worked off over several batches and never stalls one.
 */
int sq_housekeep(struct store *s, int64_t sessions_before, int64_t idem_before, int limit,
		 int64_t *sessions, int64_t *keys)
{
	static const char *const sql[2] = {
		"DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < ?1"
		" UNION ALL SELECT id FROM sessions WHERE ended_at > 0 AND ended_at < ?1 LIMIT ?2)",
		"DELETE FROM idempotency WHERE rowid IN (SELECT rowid FROM idempotency"
		" WHERE created_at < ?1 ORDER BY created_at LIMIT ?2)",
	};
	const int64_t before[2] = { sessions_before, idem_before };
	int64_t *out[2] = { sessions, keys };
	struct sq_conn *w = W(s);
	int rc = 0;

	for (int i = 0; i < 2 && !rc; i++) {
		const int64_t v[2] = { before[i], limit };
		sqlite3_stmt *st = sq__prep(w, sql[i], "housekeeping", &rc);

		*out[i] = 0;
		if (!st)
			break;
		rc = sq__step_done(w, st, sq__bind_i64s(st, 1, v, 2), "housekeeping");
		if (!rc)
			*out[i] = sqlite3_changes64(w->db);
	}
	return rc;
}

/* ================================================================
 * The ethical wall: when a worker last worked for a client
 * ================================================================ */

int sq_worked_each(struct store *s, store_worked_cb cb, void *ctx)
{
	struct sq_conn *w = W(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_WORKED_EACH, &rc);

	if (!st)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = cb(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
			sqlite3_column_int64(st, 2));
		if (rc)
			break;
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = sq__fail(w->db, rc, "worked each");
	sq__done(st);
	return rc;
}

/* The writer's own lookups: they see the open transaction. */
int sq_user_rec_get(struct store *s, int64_t id, struct user_rec *out)
{
	int rc;

	sq__done(sq__lookup(W(s), SQ_USER_GET, SQ_KEY_ID(id), SQ_K_USER, out, "user", &rc));
	return rc;
}

int sq_item_state_get(struct store *s, int64_t id, struct item_rec *out)
{
	int rc;

	sq__done(sq__lookup(W(s), SQ_ITEM_STATE_GET, SQ_KEY_ID(id), SQ_K_ITEM, out, "item", &rc));
	return rc;
}

/*
 * An event with a detail under a cipher: the detail (a person's reason) is
 * client text, sealed for the item's client and the event's id, both
 * looked up first. OUT: *id.
 */
static int event_insert_sealed(struct store *s, const struct event_rec *row, int64_t *id)
{
	struct sq_conn *w = W(s);
	const struct sq_field *f;
	size_t n;
	int64_t next = 0;
	struct store_seal_ad ad = { 0, "item_event", 0, NULL };
	int rc = sq__insert_fields(SQ_K_EVENT, &f, &n);
	sqlite3_stmt *st = rc ? NULL : sq__stmt(w, SQ_ITEM_CLIENT, &rc);

	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, row->item_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ad.client_id = sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = sq__error(ERR_NOTFOUND, "event insert: item %lld not found",
			       (long long)row->item_id);
	} else {
		rc = sq__fail(w->db, rc, "event insert");
	}
	sq__done(st);
	if (!rc)
		rc = sq__next_id(w, SQ_EVENT_NEXT_ID, &next);
	if (!rc) {
		const struct sealed_col cols[] = { { 9, "detail", row->detail } };

		ad.record_id = next;
		rc = write_sealed(s, SQ_EVENT_INSERT, f, n, row, ad, cols, 1, 10, "event insert");
	}
	if (!rc)
		*id = next;
	return rc;
}

int sq_event_insert(struct store *s, struct event_rec *ev)
{
	struct sq_conn *w = W(s);
	struct event_rec row = *ev;
	char *reason = NULL;
	int rc = sq__reason_detail(ev->reason, &reason);

	if (rc)
		return rc;
	/* A create has no "from" state: stored as NULL. */
	if (!strcmp(ev->action, "create"))
		row.from_state = ITEM_STATE__COUNT;
	if (reason)
		row.detail = reason;
	if (s->cipher && row.detail)
		rc = event_insert_sealed(s, &row, &ev->id);
	else
		rc = insert_rec(w, SQ_EVENT_INSERT, SQ_K_EVENT, &row, &ev->id, "event insert");
	free(reason);
	/* The client_id subquery finds no item: NOT NULL fails before the foreign key. */
	if (rc && sqlite3_extended_errcode(w->db) == SQLITE_CONSTRAINT_NOTNULL)
		rc = sq__error(ERR_NOTFOUND, "event insert: item %lld not found",
			       (long long)ev->item_id);
	return rc;
}

/* a->seq is the caller's: the chain's next. */
int sq_audit_insert(struct store *s, struct audit_rec *a)
{
	return insert_rec(W(s), SQ_AUDIT_INSERT, SQ_K_AUDIT, a, NULL, "audit insert");
}

int sq_audit_head_insert(struct store *s, const struct audit_head *h)
{
	return insert_rec(W(s), SQ_AUDIT_HEAD_INSERT, SQ_K_AUDIT_HEAD, h, NULL, "audit head insert");
}

int sq_audit_tail(struct store *s, int64_t *seq, unsigned char hash[32])
{
	struct sq_conn *w = W(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_AUDIT_TAIL, &rc);

	*seq = 0;
	memset(hash, 0, 32);
	if (!st)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const void *h = sqlite3_column_blob(st, 1);

		*seq = sqlite3_column_int64(st, 0);
		if (h && sqlite3_column_bytes(st, 1) == 32)
			memcpy(hash, h, 32);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = sq__fail(w->db, rc, "audit tail");
	}
	sq__done(st);
	return rc;
}

int sq_idem_get(struct store *s, int64_t user_id, const char *key, struct idem_rec *out)
{
	struct sq_conn *w = W(s);
	int rc, b = 0;
	sqlite3_stmt *st = sq__stmt(w, SQ_IDEM_GET, &rc);

	memset(out, 0, sizeof(*out));
	if (!st)
		return rc;
	b |= sqlite3_bind_int64(st, 1, user_id);
	b |= bind_text(st, 2, key, MODEL_REF_MAX);
	if (b != SQLITE_OK) {
		rc = sq__fail(w->db, b, "idempotency get");
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		rc = ERR_NOTFOUND;
	} else if (rc == SQLITE_ROW) {
		const void *h = sqlite3_column_blob(st, 0);
		const char *body = (const char *)sqlite3_column_text(st, 2);

		out->user_id = user_id;
		snprintf(out->key, sizeof(out->key), "%s", key);
		if (h && sqlite3_column_bytes(st, 0) == 32)
			memcpy(out->request_hash, h, 32);
		out->status = sqlite3_column_int(st, 1);
		out->created_at = sqlite3_column_int64(st, 3);
		out->body = strdup(body ? body : "");
		rc = out->body ? 0 : sq__error(ERR_NOMEM, "idempotency get: out of memory");
	} else {
		rc = sq__fail(w->db, rc, "idempotency get");
	}
out:
	sq__done(st);
	return rc;
}

static const struct sq_field idem_ins[] = {
    SQ_R(SQ_I64, idem_rec, user_id), SQ_R(SQ_TEXT, idem_rec, key), SQ_R(SQ_HASH, idem_rec, request_hash), SQ_R(SQ_INT, idem_rec, status),
    SQ_R(SQ_STR, idem_rec, body), SQ_R(SQ_I64, idem_rec, created_at),
};

int sq_idem_put(struct store *s, const struct idem_rec *r)
{
	return write_row(W(s), SQ_IDEM_PUT, idem_ins, SQ_NFIELDS(idem_ins), r, "idempotency put");
}

/* ================================================================
 * Recovery loads
 * ================================================================ */

/* Walks a recovery statement on the writer connection (it sees the open transaction). */
static int load_walk(struct store *s, enum sq_stmt id, enum sq_kind k, union sq_cb cb, void *ctx,
		     const char *what)
{
	struct sq_conn *w = W(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(w, id, &rc);

	if (!st)
		return rc;
	rc = sq__walk(w, st, k, cb, ctx, NULL, NULL, what);
	sq__done(st);
	return rc;
}

int64_t sq__few_rows_max = SQ_FEW_ROWS;

bool sq__few_rows(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st = NULL;
	char sql[160];
	bool few = false;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT 1 FROM %s LIMIT %lld)", table,
		 (long long)sq__few_rows_max);
	/* Any failure: false, the walk from the open items (what it was before). */
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		few = sqlite3_column_int64(st, 0) < sq__few_rows_max;
	sqlite3_finalize(st);
	return few;
}

/* One integer of a statement with at most one bound integer (?1 unless n < 0). */
static int int_query(struct sq_conn *c, enum sq_stmt id, int64_t arg, int64_t *out,
		     const char *what)
{
	int rc;
	sqlite3_stmt *st = sq__stmt(c, id, &rc);

	*out = 0;
	if (!st)
		return rc;
	if (arg >= 0 && (rc = sqlite3_bind_int64(st, 1, arg)) != SQLITE_OK) {
		rc = sq__fail(c->db, rc, what);
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = 0;
	} else {
		rc = sq__fail(c->db, rc, what);
	}
out:
	sq__done(st);
	return rc;
}

/* A row of SQ_LOAD_OPEN_RANGE (SQ_ITEM_OPEN_COLS, in order). */
static int open_decode(sqlite3_stmt *st, struct item_open_rec *r)
{
	const char *state = (const char *)sqlite3_column_text(st, 7);

	r->id = sqlite3_column_int64(st, 0);
	r->engagement_id = sqlite3_column_int64(st, 1);
	r->client_id = sqlite3_column_int64(st, 2);
	r->external_ref = (const char *)sqlite3_column_text(st, 3);
	r->priority = sqlite3_column_int(st, 4);
	r->created_at = sqlite3_column_int64(st, 5);
	r->due_at = sqlite3_column_int64(st, 6);
	r->worker_id = sqlite3_column_int64(st, 8); /* NULL reads 0 */
	r->epoch = sqlite3_column_int64(st, 9);
	r->lease_expires = sqlite3_column_int64(st, 10);
	r->lease_started = sqlite3_column_int64(st, 11);
	r->lease_weight = sqlite3_column_int(st, 12);
	if (r->external_ref && !r->external_ref[0])
		r->external_ref = NULL;
	if (!state || item_state_parse(state, &r->state))
		return sq__error(ERR_IO, "item %lld: unknown state", (long long)r->id);
	return 0;
}

/* One part of the open items: ids lo <= id <= hi, exactly n of them, read on c. */
struct open_part {
	struct sq_conn *c;
	const struct store_load *l;
	void *ctx;
	int part;
	int64_t lo, hi, n;
	atomic_bool *stop; /* set when another part failed: this one ends too */
	int rc;
	char err[256]; /* the message of its failure, from its own thread */
};

static int open_read(struct open_part *p)
{
	struct item_open_rec r;
	int64_t k = 0;
	int rc;
	sqlite3_stmt *st = sq__stmt(p->c, SQ_LOAD_OPEN_RANGE, &rc);

	if (!st)
		return rc;
	if ((rc = sqlite3_bind_int64(st, 1, p->lo)) != SQLITE_OK ||
	    (rc = sqlite3_bind_int64(st, 2, p->hi)) != SQLITE_OK) {
		rc = sq__fail(p->c->db, rc, "load open items");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k >= p->n) {
			rc = sq__error(ERR_INTERNAL, "load open items: more than the %lld counted",
				       (long long)p->n);
			goto out;
		}
		if ((rc = open_decode(st, &r)) || (rc = p->l->open_item(p->ctx, p->part, k, &r)))
			goto out;
		k++;
		if ((k & 4095) == 0 && atomic_load_explicit(p->stop, memory_order_relaxed)) {
			rc = ERR_INTERNAL; /* the other part's error is the one reported */
			goto out;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(p->c->db, rc, "load open items");
	if (!rc && k != p->n)
		rc = sq__error(ERR_INTERNAL, "load open items: %lld of the %lld counted",
			       (long long)k, (long long)p->n);
out:
	sq__done(st);
	if (rc)
		atomic_store(p->stop, true);
	return rc;
}

static void *open_thread(void *arg)
{
	struct open_part *p = arg;

	p->rc = open_read(p);
	if (p->rc)
		snprintf(p->err, sizeof(p->err), "%s", sq__errmsg(NULL));
	return NULL;
}

/* Below this many open items one part reads them all (a thread would cost more than it saves). */
#define OPEN_SPLIT_MIN 200000

/*
 * The open items (struct store_load): their count, then up to two parts
 * at once, the first on the writer (this thread), the second on a reader
 * connection in a thread of its own. Both read the same state of the store:
 * the caller (sq_load) holds the write lock while they read, so nothing
 * commits in between, and the reader's snapshot is the writer's.
 */
static int load_open(struct store *s, const struct store_load *l, void *ctx, bool locked)
{
	struct sq_store *ss = sq__of(s);
	atomic_bool stop = false;
	struct open_part p[2];
	int64_t n, mid = 0, counts[2];
	int parts = locked && l->parts_max >= 2 ? 2 : 1, rc;
	pthread_t th;
	bool threaded = false;

	if ((rc = int_query(W(s), SQ_COUNT_OPEN_ITEMS, -1, &n, "count open items")))
		return rc;
	if (n < (l->split_min > 0 ? l->split_min : OPEN_SPLIT_MIN) || n < 2)
		parts = 1;
	if (parts == 2 && (rc = int_query(W(s), SQ_OPEN_ITEM_AT, n / 2, &mid, "split open items")))
		return rc;
	for (int i = 0; i < 2; i++)
		p[i] = (struct open_part){.c = W(s), .l = l, .ctx = ctx, .part = i, .stop = &stop};
	p[0].lo = INT64_MIN;
	p[0].hi = parts == 2 ? mid - 1 : INT64_MAX;
	p[0].n = counts[0] = parts == 2 ? n / 2 : n;
	p[1].lo = mid;
	p[1].hi = INT64_MAX;
	p[1].n = counts[1] = n - n / 2;
	if (l->open_items_count && (rc = l->open_items_count(ctx, counts, parts)))
		return rc;
	if (parts == 2) {
		p[1].c = sq__reader_get(ss);
		/*
		 * Read through the page cache, not the reader's map: every page of
		 * half the items table read once through a map stays in the server's
		 * RSS (the map's 256 MiB), for nothing read again. The map is back
		 * for the reader's later reads.
		 */
		(void)sqlite3_exec(p[1].c->db, "PRAGMA mmap_size = 0", NULL, NULL, NULL);
		threaded = !pthread_create(&th, NULL, open_thread, &p[1]);
	}
	rc = open_read(&p[0]);
	if (parts == 2) {
		if (threaded)
			pthread_join(th, NULL);
		else /* no thread to be had: the second part after the first, here */
			p[1].rc = rc ? 0 : open_read(&p[1]);
		(void)sqlite3_exec(p[1].c->db, "PRAGMA mmap_size = " SQ_MMAP_SIZE, NULL, NULL,
				   NULL);
		sq__reader_put(ss, p[1].c);
		if (!rc && p[1].rc)
			rc = threaded ? sq__error(p[1].rc, "%s", p[1].err) : p[1].rc;
	}
	return rc;
}

int sq_load(struct store *s, const struct store_load *l, void *ctx)
{
	const struct {
		enum sq_stmt stmt;
		enum sq_kind kind;
		union sq_cb cb;
		bool on;
		const char *what;
	} walks[] = {
	    {SQ_LOAD_CLIENTS, SQ_K_CLIENT, {.client = l->client}, l->client, "load clients"},
	    {SQ_LOAD_SERVICES, SQ_K_SERVICE, {.service = l->service}, l->service, "load services"},
	    {SQ_LOAD_ENGAGEMENTS, SQ_K_ENGAGEMENT, {.engagement = l->engagement}, l->engagement,
	     "load engagements"},
	    {SQ_LOAD_WORKERS, SQ_K_WORKER, {.worker = l->worker}, l->worker, "load workers"},
	};
	bool locked = false;
	int rc = 0;

	/*
	 * Several parts read at once only under the write lock (taken, nothing
	 * written, rolled back): with no transaction of its own open, nothing
	 * can commit between what the writer and a reader see. Without the lock
	 * (a transaction open, another process writing) one part reads it all.
	 */
	if (l->open_item && l->parts_max >= 2 && sq__of(s)->n_readers > 0 &&
	    sqlite3_get_autocommit(W(s)->db) && !sq__exec(W(s), SQ_BEGIN, "load: begin"))
		locked = true;
	for (size_t i = 0; !rc && i < sizeof(walks) / sizeof(walks[0]); i++)
		if (walks[i].on)
			rc = load_walk(s, walks[i].stmt, walks[i].kind, walks[i].cb, ctx, walks[i].what);
	if (!rc && l->open_item)
		rc = load_open(s, l, ctx, locked);
	if (locked && !sqlite3_get_autocommit(W(s)->db)) {
		int rb = sq__exec(W(s), SQ_ROLLBACK, "load: end");

		rc = rc ? rc : rb;
	}
	/*
	 * The writer leaves its map of the store file (sqlite_store.c open_writer):
	 * the pages the load read through it would otherwise stay in the RSS.
	 * Only outside a transaction, where no statement holds a mapped page.
	 */
	if (sqlite3_get_autocommit(W(s)->db))
		(void)sqlite3_exec(W(s)->db, "PRAGMA mmap_size = 0", NULL, NULL, NULL);
	W(s)->next_item_id = 0;
	return rc;
}
