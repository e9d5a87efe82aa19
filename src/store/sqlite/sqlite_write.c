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

/* Optional text: "" is stored as NULL. */
static int bind_text_opt(sqlite3_stmt *st, int i, const char *s, size_t max)
{
	return s && s[0] ? bind_text(st, i, s, max) : sqlite3_bind_null(st, i);
}

/* Optional reference: 0 is stored as NULL. */
static int bind_id_opt(sqlite3_stmt *st, int i, int64_t id)
{
	return id ? sqlite3_bind_int64(st, i, id) : sqlite3_bind_null(st, i);
}

static int bind_json(sqlite3_stmt *st, int i, const char *text)
{
	return text ? sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* Steps a statement that returns no rows, then resets it. */
static int step_done(struct sq_conn *c, sqlite3_stmt *st, int bind_rc, const char *what)
{
	int rc;

	if (bind_rc != SQLITE_OK)
		rc = sq__fail(c->db, bind_rc, what);
	else if ((rc = sqlite3_step(st)) == SQLITE_DONE)
		rc = 0;
	else
		rc = sq__fail(c->db, rc, what);
	sq__done(st);
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
 * Inserts and updates
 * ================================================================ */

int sq_client_insert(struct store *s, struct client_rec *c)
{
	struct sq_conn *w = W(s);
	int rc, b = 0;
	sqlite3_stmt *st = sq__stmt(w, SQ_CLIENT_INSERT, &rc);

	if (!st)
		return rc;
	b |= bind_text(st, 1, c->code, sizeof(c->code));
	b |= bind_text(st, 2, c->name, sizeof(c->name));
	b |= bind_text(st, 3, c->time_zone, sizeof(c->time_zone));
	b |= sqlite3_bind_int64(st, 4, c->created_at);
	rc = step_done(w, st, b, "client insert");
	if (!rc)
		c->id = sqlite3_last_insert_rowid(w->db);
	return rc;
}

int sq_service_insert(struct store *s, struct service_rec *sv)
{
	struct sq_conn *w = W(s);
	int rc, b = 0;
	sqlite3_stmt *st = sq__stmt(w, SQ_SERVICE_INSERT, &rc);

	if (!st)
		return rc;
	b |= bind_text(st, 1, sv->code, sizeof(sv->code));
	b |= bind_text(st, 2, sv->name, sizeof(sv->name));
	b |= sqlite3_bind_text(st, 3, service_kind_name(sv->kind), -1, SQLITE_STATIC);
	b |= bind_text(st, 4, sv->category, sizeof(sv->category));
	b |= sqlite3_bind_int64(st, 5, sv->created_at);
	rc = step_done(w, st, b, "service insert");
	if (!rc)
		sv->id = sqlite3_last_insert_rowid(w->db);
	return rc;
}

int sq_engagement_insert(struct store *s, struct engagement_rec *e)
{
	struct sq_conn *w = W(s);
	char *skills = NULL, *langs = NULL;
	int rc, b = 0;
	sqlite3_stmt *st = sq__stmt(w, SQ_ENGAGEMENT_INSERT, &rc);

	if (!st)
		return rc;
	skills = sq__skills_text(e->skills,
				 e->n_skills < MODEL_MAX_SKILLS ? e->n_skills : MODEL_MAX_SKILLS);
	langs =
	    sq__skills_text(e->langs, e->n_langs < MODEL_MAX_LANGS ? e->n_langs : MODEL_MAX_LANGS);
	if (!skills || !langs) {
		rc = sq__error(ERR_NOMEM, "engagement insert: out of memory");
		goto out;
	}
	b |= sqlite3_bind_int64(st, 1, e->client_id);
	b |= sqlite3_bind_int64(st, 2, e->service_id);
	b |= bind_text(st, 3, e->name, sizeof(e->name));
	b |= sqlite3_bind_text(st, 4, service_kind_name(e->kind), -1, SQLITE_STATIC);
	b |= bind_json(st, 5, skills);
	b |= bind_json(st, 6, langs);
	b |= sqlite3_bind_int64(st, 7, e->sla_ms);
	b |= sqlite3_bind_int(st, 8, e->default_priority);
	b |= sqlite3_bind_int64(st, 9, e->lease_ms);
	b |= bind_text(st, 10, e->time_zone, sizeof(e->time_zone));
	b |= sqlite3_bind_int64(st, 11, e->created_at);
	rc = step_done(w, st, b, "engagement insert");
	if (!rc)
		e->id = sqlite3_last_insert_rowid(w->db);
out:
	sq__done(st);
	free(skills);
	free(langs);
	return rc;
}

int sq_user_insert(struct store *s, struct user_rec *u)
{
	struct sq_conn *w = W(s);
	int rc, b = 0;
	sqlite3_stmt *st = sq__stmt(w, SQ_USER_INSERT, &rc);

	if (!st)
		return rc;
	b |= bind_text(st, 1, u->name, sizeof(u->name));
	b |= sqlite3_bind_text(st, 2, role_name(u->role), -1, SQLITE_STATIC);
	b |= bind_id_opt(st, 3, u->client_id);
	b |= sqlite3_bind_int64(st, 4, u->created_at);
	rc = step_done(w, st, b, "user insert");
	if (!rc)
		u->id = sqlite3_last_insert_rowid(w->db);
	return rc;
}

int sq_token_insert(struct store *s, int64_t user_id, const unsigned char hash[32],
		    int64_t created_at)
{
	struct sq_conn *w = W(s);
	int rc, b = 0;
	sqlite3_stmt *st = sq__stmt(w, SQ_TOKEN_INSERT, &rc);

	if (!st)
		return rc;
	b |= sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	b |= sqlite3_bind_int64(st, 2, user_id);
	b |= sqlite3_bind_int64(st, 3, created_at);
	return step_done(w, st, b, "token insert");
}

static int worker_insert_rows(struct sq_conn *w, struct worker_rec *r)
{
	char *skills = NULL, *langs = NULL, *creds = NULL;
	int rc, b = 0;
	size_t n_clear = r->n_clear < MODEL_MAX_CLEAR ? r->n_clear : MODEL_MAX_CLEAR;
	sqlite3_stmt *st = sq__stmt(w, SQ_WORKER_INSERT, &rc);

	if (!st)
		return rc;
	skills = sq__skills_text(r->skills,
				 r->n_skills < MODEL_MAX_SKILLS ? r->n_skills : MODEL_MAX_SKILLS);
	langs =
	    sq__skills_text(r->langs, r->n_langs < MODEL_MAX_LANGS ? r->n_langs : MODEL_MAX_LANGS);
	creds = sq__creds_text((const char(*)[MODEL_CODE_MAX])r->creds,
			       r->n_creds < MODEL_MAX_CREDS ? r->n_creds : MODEL_MAX_CREDS);
	if (!skills || !langs || !creds) {
		rc = sq__error(ERR_NOMEM, "worker insert: out of memory");
		goto out;
	}
	b |= sqlite3_bind_int64(st, 1, r->user_id);
	b |= bind_text(st, 2, r->name, sizeof(r->name));
	b |= bind_json(st, 3, skills);
	b |= bind_json(st, 4, langs);
	b |= bind_json(st, 5, creds);
	b |= bind_text(st, 6, r->country, sizeof(r->country));
	b |= bind_text(st, 7, r->time_zone, sizeof(r->time_zone));
	b |= sqlite3_bind_int(st, 8, r->capacity);
	b |= sqlite3_bind_int64(st, 9, r->cost_minor);
	b |= bind_text(st, 10, r->currency, sizeof(r->currency));
	b |= sqlite3_bind_text(st, 11, worker_status_name(r->status), -1, SQLITE_STATIC);
	b |= sqlite3_bind_int64(st, 12, r->created_at);
	rc = step_done(w, st, b, "worker insert");
	if (rc)
		goto out;
	r->id = sqlite3_last_insert_rowid(w->db);

	st = sq__stmt(w, SQ_CLEARANCE_INSERT, &rc);
	for (size_t i = 0; st && i < n_clear; i++) {
		b = sqlite3_bind_int64(st, 1, r->id);
		b |= sqlite3_bind_int64(st, 2, r->clear[i]);
		rc = step_done(w, st, b, "worker clearance insert");
		if (rc)
			break;
	}
out:
	sq__done(st);
	free(skills);
	free(langs);
	free(creds);
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

int sq_worker_set_status(struct store *s, int64_t worker_id, enum worker_status status)
{
	struct sq_conn *w = W(s);
	int rc, b = 0;
	sqlite3_stmt *st = sq__stmt(w, SQ_WORKER_SET_STATUS, &rc);

	if (!st)
		return rc;
	b |= sqlite3_bind_int64(st, 1, worker_id);
	b |= sqlite3_bind_text(st, 2, worker_status_name(status), -1, SQLITE_STATIC);
	rc = step_done(w, st, b, "worker status");
	if (!rc && sqlite3_changes(w->db) == 0)
		rc = sq__error(ERR_NOTFOUND, "worker %lld not found", (long long)worker_id);
	return rc;
}

int sq_item_insert(struct store *s, struct item_rec *it)
{
	struct sq_conn *w = W(s);
	int rc, b = 0;
	sqlite3_stmt *st;

	if (!it->payload)
		return sq__error(ERR_INVALID, "item insert: payload is required");
	st = sq__stmt(w, SQ_ITEM_INSERT, &rc);
	if (!st)
		return rc;
	b |= sqlite3_bind_int64(st, 1, it->engagement_id);
	b |= sqlite3_bind_int64(st, 2, it->client_id);
	b |= bind_text_opt(st, 3, it->external_ref, sizeof(it->external_ref));
	b |= sqlite3_bind_int(st, 4, it->priority);
	b |= sqlite3_bind_int64(st, 5, it->created_at);
	b |= sqlite3_bind_int64(st, 6, it->due_at);
	b |= sqlite3_bind_text(st, 7, item_state_name(it->state), -1, SQLITE_STATIC);
	b |= bind_id_opt(st, 8, it->worker_id);
	b |= sqlite3_bind_int64(st, 9, it->epoch);
	b |= sqlite3_bind_int64(st, 10, it->lease_expires);
	b |= bind_json(st, 11, it->payload);
	b |= bind_json(st, 12, it->result);
	rc = step_done(w, st, b, "item insert");
	if (!rc)
		it->id = sqlite3_last_insert_rowid(w->db);
	return rc;
}

int sq_item_update(struct store *s, const struct item_rec *it)
{
	struct sq_conn *w = W(s);
	int rc, b = 0;
	sqlite3_stmt *st = sq__stmt(w, SQ_ITEM_UPDATE, &rc);

	if (!st)
		return rc;
	b |= sqlite3_bind_int64(st, 1, it->id);
	b |= sqlite3_bind_text(st, 2, item_state_name(it->state), -1, SQLITE_STATIC);
	b |= bind_id_opt(st, 3, it->worker_id);
	b |= sqlite3_bind_int64(st, 4, it->epoch);
	b |= sqlite3_bind_int64(st, 5, it->lease_expires);
	b |= bind_json(st, 6, it->result); /* NULL keeps the stored result */
	rc = step_done(w, st, b, "item update");
	if (!rc && sqlite3_changes(w->db) == 0)
		rc = sq__error(ERR_NOTFOUND, "item %lld not found", (long long)it->id);
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

int sq_event_insert(struct store *s, struct event_rec *ev)
{
	struct sq_conn *w = W(s);
	int rc, b = 0, from = (int)ev->from_state;
	char *reason = NULL;
	sqlite3_stmt *st = sq__stmt(w, SQ_EVENT_INSERT, &rc);

	if (!st)
		return rc;
	if ((rc = sq__reason_detail(ev->reason, &reason))) {
		sq__done(st);
		return rc;
	}
	/* A create has no "from" state: stored as NULL. */
	if (!strcmp(ev->action, "create") || from < 0 || from >= ITEM_STATE__COUNT)
		from = -1;
	b |= sqlite3_bind_int64(st, 1, ev->item_id);
	b |= sqlite3_bind_int64(st, 2, ev->at);
	b |= bind_text(st, 3, ev->action, sizeof(ev->action));
	b |= from < 0 ? sqlite3_bind_null(st, 4)
		      : sqlite3_bind_text(st, 4, item_state_name((enum item_state)from), -1,
					  SQLITE_STATIC);
	b |= sqlite3_bind_text(st, 5, item_state_name(ev->to_state), -1, SQLITE_STATIC);
	b |= bind_id_opt(st, 6, ev->actor_user_id);
	b |= bind_id_opt(st, 7, ev->worker_id);
	b |= sqlite3_bind_int64(st, 8, ev->epoch);
	b |= bind_json(st, 9, reason ? reason : ev->detail);
	rc = step_done(w, st, b, "event insert");
	free(reason);
	/* The client_id subquery finds no item: NOT NULL fails before the foreign key. */
	if (rc && sqlite3_extended_errcode(w->db) == SQLITE_CONSTRAINT_NOTNULL)
		rc = sq__error(ERR_NOTFOUND, "event insert: item %lld not found",
			       (long long)ev->item_id);
	if (!rc)
		ev->id = sqlite3_last_insert_rowid(w->db);
	return rc;
}

int sq_audit_insert(struct store *s, struct audit_rec *a)
{
	struct sq_conn *w = W(s);
	int rc, b = 0;
	sqlite3_stmt *st = sq__stmt(w, SQ_AUDIT_INSERT, &rc);

	if (!st)
		return rc;
	b |= sqlite3_bind_int64(st, 1, a->seq);
	b |= sqlite3_bind_int64(st, 2, a->at);
	b |= bind_id_opt(st, 3, a->actor_user_id);
	b |= bind_text(st, 4, a->action, sizeof(a->action));
	b |= bind_text(st, 5, a->record_type, sizeof(a->record_type));
	b |= sqlite3_bind_int64(st, 6, a->record_id);
	b |= bind_id_opt(st, 7, a->client_id);
	b |= sqlite3_bind_blob(st, 8, a->prev_hash, 32, SQLITE_STATIC);
	b |= sqlite3_bind_blob(st, 9, a->hash, 32, SQLITE_STATIC);
	return step_done(w, st, b, "audit insert");
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

int sq_idem_put(struct store *s, const struct idem_rec *r)
{
	struct sq_conn *w = W(s);
	int rc, b = 0;
	sqlite3_stmt *st = sq__stmt(w, SQ_IDEM_PUT, &rc);

	if (!st)
		return rc;
	b |= sqlite3_bind_int64(st, 1, r->user_id);
	b |= bind_text(st, 2, r->key, sizeof(r->key));
	b |= sqlite3_bind_blob(st, 3, r->request_hash, 32, SQLITE_STATIC);
	b |= sqlite3_bind_int(st, 4, r->status);
	b |= sqlite3_bind_text(st, 5, r->body ? r->body : "", -1, SQLITE_STATIC);
	b |= sqlite3_bind_int64(st, 6, r->created_at);
	return step_done(w, st, b, "idempotency put");
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
