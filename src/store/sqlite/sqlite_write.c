/* sqlite_write.c - SQLite writer side: transactions, inserts, updates, recovery loads. */
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

/* write_row for an INSERT. OUT: *id, the new row's id (unchanged on failure). */
static int insert_row(struct sq_conn *w, enum sq_stmt id, const struct sq_field *f, size_t n,
		      const void *rec, int64_t *new_id, const char *what)
{
	int rc = write_row(w, id, f, n, rec, what);

	if (!rc)
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
	return sq__exec(W(s), SQ_BEGIN, "begin");
}

int sq_commit(struct store *s)
{
	return sq__exec(W(s), SQ_COMMIT, "commit");
}

int sq_rollback(struct store *s)
{
	/* SQLite may already have rolled back (e.g. after SQLITE_FULL). */
	if (sqlite3_get_autocommit(W(s)->db))
		return 0;
	return sq__exec(W(s), SQ_ROLLBACK, "rollback");
}

int sq_savepoint(struct store *s)
{
	return sq__exec(W(s), SQ_SAVEPOINT, "savepoint");
}

int sq_release(struct store *s)
{
	return sq__exec(W(s), SQ_RELEASE, "release savepoint");
}

int sq_rollback_to(struct store *s)
{
	/* ROLLBACK TO keeps the savepoint open; the contract ends it. */
	int rc = sq__exec(W(s), SQ_ROLLBACK_TO, "rollback to savepoint");

	return rc ? rc : sq__exec(W(s), SQ_RELEASE, "release savepoint");
}

/* ================================================================
 * Inserts and updates: each statement's ?1, ?2, ... as a table of fields
 * ================================================================ */

#define C(T, f) SQ_F(T, struct client_rec, f)
static const struct sq_field client_ins[] = {
    C(SQ_TEXT, code), C(SQ_TEXT, name), C(SQ_TEXT, time_zone), C(SQ_I64, created_at),
};
#undef C

int sq_client_insert(struct store *s, struct client_rec *c)
{
	return insert_row(W(s), SQ_CLIENT_INSERT, client_ins, SQ_NFIELDS(client_ins), c, &c->id,
			  "client insert");
}

#define S(T, f) SQ_F(T, struct service_rec, f)
static const struct sq_field service_ins[] = {
    S(SQ_TEXT, code), S(SQ_TEXT, name), S(SQ_KIND, kind), S(SQ_TEXT, category),
    S(SQ_I64, created_at),
};
#undef S

int sq_service_insert(struct store *s, struct service_rec *sv)
{
	return insert_row(W(s), SQ_SERVICE_INSERT, service_ins, SQ_NFIELDS(service_ins), sv, &sv->id,
			  "service insert");
}

#define E(T, f) SQ_F(T, struct engagement_rec, f)
static const struct sq_field engagement_ins[] = {
    E(SQ_I64, client_id), E(SQ_I64, service_id), E(SQ_TEXT, name), E(SQ_KIND, kind),
    SQ_FN(SQ_SKILLS, struct engagement_rec, skills, n_skills),
    SQ_FN(SQ_SKILLS, struct engagement_rec, langs, n_langs),
    E(SQ_I64, sla_ms), E(SQ_INT, default_priority), E(SQ_I64, lease_ms), E(SQ_TEXT, time_zone),
    E(SQ_I64, created_at),
};
#undef E

int sq_engagement_insert(struct store *s, struct engagement_rec *e)
{
	return insert_row(W(s), SQ_ENGAGEMENT_INSERT, engagement_ins, SQ_NFIELDS(engagement_ins), e,
			  &e->id, "engagement insert");
}

#define U(T, f) SQ_F(T, struct user_rec, f)
static const struct sq_field user_ins[] = {
    U(SQ_TEXT, name), U(SQ_ROLE, role), U(SQ_ID, client_id), U(SQ_I64, created_at),
};
#undef U

int sq_user_insert(struct store *s, struct user_rec *u)
{
	return insert_row(W(s), SQ_USER_INSERT, user_ins, SQ_NFIELDS(user_ins), u, &u->id,
			  "user insert");
}

/* A token: only its hash is stored. */
struct token_row {
	unsigned char hash[32];
	int64_t user_id, created_at;
};

static const struct sq_field token_ins[] = {
    SQ_F(SQ_HASH, struct token_row, hash), SQ_F(SQ_I64, struct token_row, user_id),
    SQ_F(SQ_I64, struct token_row, created_at),
};

int sq_token_insert(struct store *s, int64_t user_id, const unsigned char hash[32],
		    int64_t created_at)
{
	struct token_row t = { .user_id = user_id, .created_at = created_at };

	memcpy(t.hash, hash, 32);
	return write_row(W(s), SQ_TOKEN_INSERT, token_ins, SQ_NFIELDS(token_ins), &t,
			 "token insert");
}

#define R(T, f) SQ_F(T, struct worker_rec, f)
static const struct sq_field worker_ins[] = {
    R(SQ_I64, user_id), R(SQ_TEXT, name),
    SQ_FN(SQ_SKILLS, struct worker_rec, skills, n_skills),
    SQ_FN(SQ_SKILLS, struct worker_rec, langs, n_langs),
    SQ_FN(SQ_CODES, struct worker_rec, creds, n_creds),
    R(SQ_TEXT, country), R(SQ_TEXT, time_zone), R(SQ_INT, capacity), R(SQ_I64, cost_minor),
    R(SQ_TEXT, currency), R(SQ_WSTATUS, status), R(SQ_I64, created_at),
};
#undef R

/* One clearance: worker a is cleared for client b. */
struct pair_row {
	int64_t a, b;
};

static const struct sq_field pair_ins[] = {
    SQ_F(SQ_I64, struct pair_row, a), SQ_F(SQ_I64, struct pair_row, b),
};

static int worker_insert_rows(struct sq_conn *w, struct worker_rec *r)
{
	size_t n_clear = r->n_clear < MODEL_MAX_CLEAR ? r->n_clear : MODEL_MAX_CLEAR;
	int rc = insert_row(w, SQ_WORKER_INSERT, worker_ins, SQ_NFIELDS(worker_ins), r, &r->id,
			    "worker insert");

	for (size_t i = 0; !rc && i < n_clear; i++)
		rc = write_row(w, SQ_CLEARANCE_INSERT, pair_ins, SQ_NFIELDS(pair_ins),
			       &(struct pair_row){ r->id, r->clear[i] }, "worker clearance insert");
	return rc;
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

#define I(T, f) SQ_F(T, struct item_rec, f)
static const struct sq_field item_ins[] = {
    I(SQ_I64, engagement_id), I(SQ_I64, client_id), I(SQ_REF, external_ref), I(SQ_INT, priority),
    I(SQ_I64, created_at), I(SQ_I64, due_at), I(SQ_STATE, state), I(SQ_ID, worker_id),
    I(SQ_I64, epoch), I(SQ_I64, lease_expires), I(SQ_JSON, payload), I(SQ_JSON, result),
};

/* A NULL result keeps the stored one (COALESCE in the statement). */
static const struct sq_field item_upd[] = {
    I(SQ_I64, id), I(SQ_STATE, state), I(SQ_ID, worker_id), I(SQ_I64, epoch),
    I(SQ_I64, lease_expires), I(SQ_JSON, result),
};
#undef I

int sq_item_insert(struct store *s, struct item_rec *it)
{
	if (!it->payload)
		return sq__error(ERR_INVALID, "item insert: payload is required");
	return insert_row(W(s), SQ_ITEM_INSERT, item_ins, SQ_NFIELDS(item_ins), it, &it->id,
			  "item insert");
}

int sq_item_update(struct store *s, const struct item_rec *it)
{
	return update_row(W(s), SQ_ITEM_UPDATE, item_upd, SQ_NFIELDS(item_upd), it, it->id,
			  "item update");
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

#define V(T, f) SQ_F(T, struct event_rec, f)
static const struct sq_field event_ins[] = {
    V(SQ_I64, item_id), V(SQ_I64, at), V(SQ_TEXT, action), V(SQ_FROM, from_state),
    V(SQ_STATE, to_state), V(SQ_ID, actor_user_id), V(SQ_ID, worker_id), V(SQ_I64, epoch),
    V(SQ_JSON, detail),
};
#undef V

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
	rc = insert_row(w, SQ_EVENT_INSERT, event_ins, SQ_NFIELDS(event_ins), &row, &ev->id,
			"event insert");
	free(reason);
	/* The client_id subquery finds no item: NOT NULL fails before the foreign key. */
	if (rc && sqlite3_extended_errcode(w->db) == SQLITE_CONSTRAINT_NOTNULL)
		rc = sq__error(ERR_NOTFOUND, "event insert: item %lld not found",
			       (long long)ev->item_id);
	return rc;
}

#define A(T, f) SQ_F(T, struct audit_rec, f)
static const struct sq_field audit_ins[] = {
    A(SQ_I64, seq), A(SQ_I64, at), A(SQ_ID, actor_user_id), A(SQ_TEXT, action),
    A(SQ_TEXT, record_type), A(SQ_I64, record_id), A(SQ_ID, client_id), A(SQ_HASH, prev_hash),
    A(SQ_HASH, hash),
};
#undef A

/* a->seq is the caller's: the chain's next. */
int sq_audit_insert(struct store *s, struct audit_rec *a)
{
	return write_row(W(s), SQ_AUDIT_INSERT, audit_ins, SQ_NFIELDS(audit_ins), a,
			 "audit insert");
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

#define D(T, f) SQ_F(T, struct idem_rec, f)
static const struct sq_field idem_ins[] = {
    D(SQ_I64, user_id), D(SQ_TEXT, key), D(SQ_HASH, request_hash), D(SQ_INT, status),
    D(SQ_STR, body), D(SQ_I64, created_at),
};
#undef D

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

int sq_load_clients(struct store *s, store_client_cb cb, void *ctx)
{
	return load_walk(s, SQ_LOAD_CLIENTS, SQ_K_CLIENT, (union sq_cb){ .client = cb }, ctx,
			 "load clients");
}

int sq_load_services(struct store *s, store_service_cb cb, void *ctx)
{
	return load_walk(s, SQ_LOAD_SERVICES, SQ_K_SERVICE, (union sq_cb){ .service = cb }, ctx,
			 "load services");
}

int sq_load_engagements(struct store *s, store_engagement_cb cb, void *ctx)
{
	return load_walk(s, SQ_LOAD_ENGAGEMENTS, SQ_K_ENGAGEMENT,
			 (union sq_cb){ .engagement = cb }, ctx, "load engagements");
}

int sq_load_workers(struct store *s, store_worker_cb cb, void *ctx)
{
	return load_walk(s, SQ_LOAD_WORKERS, SQ_K_WORKER, (union sq_cb){ .worker = cb }, ctx,
			 "load workers");
}

int sq_load_open_items(struct store *s, store_item_cb cb, void *ctx)
{
	return load_walk(s, SQ_LOAD_OPEN_ITEMS, SQ_K_ITEM, (union sq_cb){ .item = cb }, ctx,
			 "load open items");
}
