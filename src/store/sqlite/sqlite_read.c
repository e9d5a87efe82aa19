/* sqlite_read.c - SQLite reader side: lookups, gets, pages, history, walks, backup. */
#include <stdlib.h>
#include <string.h>

#include "core/item.h"
#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

/*
 * Every call borrows one read-only connection from the pool for its whole
 * duration and gives it back at `out`. A single statement reads one
 * consistent WAL snapshot, so the writer is never blocked.
 */

/* ================================================================
 * One record by key
 * ================================================================ */

/*
 * SQ_ITEM_GET also selects the payload and result, opened (sqlite_seal.c):
 * copies owned by the record.
 */
int sq__item_texts(struct store *s, sqlite3_stmt *st, struct item_rec *it)
{
	struct store_seal_ad ad = { it->client_id, "item", it->id, "payload" };
	/* After the SQ_ITEM_COLS (14 of them): payload, result. */
	int rc = sq__open_col(s, st, 14, &ad, &it->payload, "item");

	ad.field = "result";
	if (!rc)
		rc = sq__open_col(s, st, 15, &ad, &it->result, "item");
	if (rc)
		item_rec_release(it);
	return rc;
}

/* sq__lookup on a borrowed reader connection; SQ_ITEM_GET also copies the texts. */
static int lookup(struct store *base, enum sq_stmt id, struct sq_key key, enum sq_kind k,
		  void *out, const char *what)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc;
	sqlite3_stmt *st = sq__lookup(c, id, key, k, out, what, &rc);

	if (st && id == SQ_ITEM_GET)
		rc = sq__item_texts(base, st, out);
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

/* A lookup by code or name: one no record can have is not looked up. */
static int lookup_code(struct store *s, enum sq_stmt id, const char *code, enum sq_kind k,
		       void *out, const char *what)
{
	if (strnlen(code, MODEL_CODE_MAX) >= MODEL_CODE_MAX)
		return sq__error(ERR_NOTFOUND, "%s: too long", what);
	return lookup(s, id, (struct sq_key){ code, -1, 0 }, k, out, what);
}

int sq_user_by_name(struct store *s, const char *name, struct user_rec *out)
{
	return lookup_code(s, SQ_USER_BY_NAME, name, SQ_K_USER, out, "user by name");
}

int sq_worker_by_user(struct store *s, int64_t user_id, struct worker_rec *out)
{
	return lookup(s, SQ_WORKER_BY_USER, SQ_KEY_ID(user_id), SQ_K_WORKER, out, "worker by user");
}

int sq_service_by_code(struct store *s, const char *code, struct service_rec *out)
{
	return lookup_code(s, SQ_SERVICE_BY_CODE, code, SQ_K_SERVICE, out, "service by code");
}

int sq_client_get(struct store *s, int64_t id, struct client_rec *out)
{
	return lookup(s, SQ_CLIENT_GET, SQ_KEY_ID(id), SQ_K_CLIENT, out, "client");
}

int sq_service_get(struct store *s, int64_t id, struct service_rec *out)
{
	return lookup(s, SQ_SERVICE_GET, SQ_KEY_ID(id), SQ_K_SERVICE, out, "service");
}

int sq_engagement_get(struct store *s, int64_t id, struct engagement_rec *out)
{
	return lookup(s, SQ_ENGAGEMENT_GET, SQ_KEY_ID(id), SQ_K_ENGAGEMENT, out, "engagement");
}

int sq_user_get(struct store *s, int64_t id, struct user_rec *out)
{
	return lookup(s, SQ_USER_GET, SQ_KEY_ID(id), SQ_K_USER, out, "user");
}

int sq_worker_get(struct store *s, int64_t id, struct worker_rec *out)
{
	return lookup(s, SQ_WORKER_GET, SQ_KEY_ID(id), SQ_K_WORKER, out, "worker");
}

/* Without payload the statement of the writer's state read serves: the same columns. */
int sq_item_get(struct store *s, int64_t id, bool with_payload, struct item_rec *out)
{
	out->payload = out->result = NULL; /* safe to release whatever happens */
	return lookup(s, with_payload ? SQ_ITEM_GET : SQ_ITEM_STATE_GET, SQ_KEY_ID(id), SQ_K_ITEM,
		      out, "item");
}

/* ================================================================
 * Pages and walks
 * ================================================================ */

/* Binds ?1 after and ?2 limit, walks the page; a full page has a next cursor. */
static int page_run(struct sq_conn *c, sqlite3_stmt *st, const struct store_page *pg,
		    enum sq_kind k, union sq_cb cb, void *ctx, int64_t *next_after,
		    const char *what)
{
	int64_t last = 0;
	int n = 0, rc = sqlite3_bind_int64(st, 1, pg->after);

	*next_after = 0;
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, pg->limit);
	if (rc != SQLITE_OK)
		return sq__fail(c->db, rc, what);
	rc = sq__walk(c, st, k, cb, ctx, &n, &last, what);
	if (!rc && n >= pg->limit)
		*next_after = last;
	return rc;
}

/*
 * Runs statement id on a borrowed reader, arg bound to ?at when at > 0: a
 * page (?1 after, ?2 limit; OUT: *next_after) or, when pg is NULL, every row.
 */
static int reader_walk(struct store *base, enum sq_stmt id, int at, int64_t arg,
		       const struct store_page *pg, enum sq_kind k, union sq_cb cb, void *ctx,
		       int64_t *next_after, const char *what)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(c, id, &rc);

	if (next_after)
		*next_after = 0;
	if (!st)
		goto out;
	if (at > 0 && (rc = sqlite3_bind_int64(st, at, arg)) != SQLITE_OK)
		rc = sq__fail(c->db, rc, what);
	else if (pg)
		rc = page_run(c, st, pg, k, cb, ctx, next_after, what);
	else
		rc = sq__walk(c, st, k, cb, ctx, NULL, NULL, what);
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

/* Lists with an optional client filter: by_client selects the ?3 variant. */
static int list_simple(struct store *s, enum sq_stmt plain, enum sq_stmt by_client,
		       const struct store_page *pg, enum sq_kind k, union sq_cb cb, void *ctx,
		       int64_t *next_after, const char *what)
{
	bool filter = pg->client_id && by_client != plain;

	return reader_walk(s, filter ? by_client : plain, filter ? 3 : 0, pg->client_id, pg, k, cb,
			   ctx, next_after, what);
}

/* sq_NAME_list: a page of NAME records, its client filter statement BY_CLIENT (or PLAIN: none). */
#define SQ_LIST(NAME, PLAIN, BY_CLIENT, KIND)                                                      \
	int sq_##NAME##_list(struct store *s, const struct store_page *pg, store_##NAME##_cb cb,   \
			     void *ctx, int64_t *next_after)                                       \
	{                                                                                          \
		return list_simple(s, PLAIN, BY_CLIENT, pg, KIND, (union sq_cb){ .NAME = cb }, ctx, \
				   next_after, #NAME " list");                                     \
	}

SQ_LIST(client, SQ_CLIENT_LIST, SQ_CLIENT_LIST, SQ_K_CLIENT)
SQ_LIST(service, SQ_SERVICE_LIST, SQ_SERVICE_LIST, SQ_K_SERVICE)
SQ_LIST(engagement, SQ_ENGAGEMENT_LIST, SQ_ENGAGEMENT_LIST_CLIENT, SQ_K_ENGAGEMENT)
SQ_LIST(user, SQ_USER_LIST, SQ_USER_LIST_CLIENT, SQ_K_USER)
SQ_LIST(worker, SQ_WORKER_LIST, SQ_WORKER_LIST, SQ_K_WORKER)

#undef SQ_LIST

/* The audit trail: its cached statements, or with an actor, action or time filter a search. */
int sq_audit_list(struct store *s, const struct store_page *pg, store_audit_cb cb, void *ctx,
		  int64_t *next_after)
{
	if (sq__audit_filtered(pg))
		return sq__audit_find(s, pg, cb, ctx, next_after);
	return list_simple(s, SQ_AUDIT_LIST, SQ_AUDIT_LIST_CLIENT, pg, SQ_K_AUDIT,
			   (union sq_cb){.audit = cb}, ctx, next_after, "audit list");
}

int sq_audit_each(struct store *s, int64_t after_seq, store_audit_cb cb, void *ctx)
{
	return reader_walk(s, SQ_AUDIT_EACH, 1, after_seq, NULL, SQ_K_AUDIT,
			   (union sq_cb){.audit = cb}, ctx, NULL, "audit walk");
}

int sq_audit_head_each(struct store *s, store_audit_head_cb cb, void *ctx)
{
	return reader_walk(s, SQ_AUDIT_HEAD_EACH, 0, 0, NULL, SQ_K_AUDIT_HEAD,
			   (union sq_cb){.audit_head = cb}, ctx, NULL, "audit head walk");
}

/* The reader runs the recovery walk's statement: same columns, its own connection. */
int sq_workers_each(struct store *s, store_worker_cb cb, void *ctx)
{
	return reader_walk(s, SQ_LOAD_WORKERS, 0, 0, NULL, SQ_K_WORKER, (union sq_cb){.worker = cb},
			   ctx, NULL, "workers");
}

int sq_engagements_each(struct store *s, store_engagement_cb cb, void *ctx)
{
	return reader_walk(s, SQ_LOAD_ENGAGEMENTS, 0, 0, NULL, SQ_K_ENGAGEMENT,
			   (union sq_cb){.engagement = cb}, ctx, NULL, "engagements");
}

int sq_item_list(struct store *base, const struct store_page *pg, store_item_cb cb, void *ctx,
		 int64_t *next_after)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	unsigned mask = (pg->client_id ? 1u : 0) | (pg->engagement_id ? 2u : 0) |
			(pg->worker_id ? 4u : 0) | (pg->state > 0 ? 8u : 0) | (pg->with_gold ? 16u : 0);
	int rc, b = 0;
	sqlite3_stmt *st = sq__item_list_stmt(c, mask, &rc);

	*next_after = 0;
	if (!st)
		goto out;
	if (pg->state > ITEM_STATE__COUNT) {
		rc = sq__error(ERR_INVALID, "item list: bad state filter %d", pg->state);
		goto out;
	}
	if (mask & 1)
		b |= sqlite3_bind_int64(st, 3, pg->client_id);
	if (mask & 2)
		b |= sqlite3_bind_int64(st, 4, pg->engagement_id);
	if (mask & 4)
		b |= sqlite3_bind_int64(st, 5, pg->worker_id);
	if (mask & 8)
		b |= sqlite3_bind_text(st, 6, item_state_name((enum item_state)(pg->state - 1)), -1,
				       SQLITE_STATIC);
	if (b != SQLITE_OK)
		rc = sq__fail(c->db, b, "item list");
	else
		rc = page_run(c, st, pg, SQ_K_ITEM, (union sq_cb){ .item = cb }, ctx, next_after,
			      "item list");
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

/* The events of an item of client_id to cb, each detail opened (sqlite_seal.c). */
static int history_walk(struct store *base, struct sq_conn *c, sqlite3_stmt *st, int64_t client_id,
			store_event_cb cb, void *ctx)
{
	struct event_rec ev;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_seal_ad ad = { client_id, "item_event", 0, "detail" };
		char *detail = NULL;

		/* Opened before the row is decoded: its text read of the column would change
		 * the column's type (sqlite3_column_type is undefined after a conversion). */
		ad.record_id = sqlite3_column_int64(st, 0);
		rc = sq__open_col(base, st, 9, &ad, &detail, "item history");
		if (!rc)
			rc = sq__row_decode(SQ_K_EVENT, st, &ev);
		if (!rc) {
			ev.detail = detail;
			rc = cb(ctx, &ev);
		}
		free(detail);
		if (rc)
			return rc;
	}
	return rc == SQLITE_DONE ? 0 : sq__fail(c->db, rc, "item history");
}

int sq_done_since(struct store *base, int64_t since, store_done_cb cb, void *ctx)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	sqlite3_stmt *st;
	int rc;

	if (!(st = sq__stmt(c, SQ_DONE_SINCE, &rc)))
		goto out;
	if ((rc = sqlite3_bind_int64(st, 1, since)) != SQLITE_OK) {
		rc = sq__fail(c->db, rc, "done since");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = cb(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
			     sqlite3_column_int64(st, 2))))
			goto out;
	rc = rc == SQLITE_DONE ? 0 : sq__fail(c->db, rc, "done since");
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

int sq_item_history(struct store *base, int64_t item_id, store_event_cb cb, void *ctx)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc;
	sqlite3_stmt *ex = NULL, *st = NULL;

	/* One read transaction: the existence check and the events see one snapshot. */
	ex = sq__stmt(c, SQ_ITEM_EXISTS, &rc);
	if (!ex)
		goto out;
	st = sq__stmt(c, SQ_ITEM_HISTORY, &rc);
	if (!st)
		goto out;
	rc = sqlite3_bind_int64(ex, 1, item_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 1, item_id);
	if (rc != SQLITE_OK) {
		rc = sq__fail(c->db, rc, "item history");
		goto out;
	}
	rc = sqlite3_step(ex);
	if (rc == SQLITE_DONE)
		rc = sq__error(ERR_NOTFOUND, "item %lld not found", (long long)item_id);
	else if (rc != SQLITE_ROW)
		rc = sq__fail(c->db, rc, "item history");
	else /* ex is still mid-row, so st runs inside the same implicit read transaction. */
		rc = history_walk(base, c, st, sqlite3_column_int64(ex, 0), cb, ctx);
out:
	sq__done(st);
	sq__done(ex);
	sq__reader_put(s, c);
	return rc;
}

/* ================================================================
 * Backup
 * ================================================================ */

#define SQ_BACKUP_RETRIES 200

int sq_backup(struct store *base, const char *path)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	sqlite3 *dst = NULL;
	sqlite3_backup *bk;
	int rc, tries = 0;

	rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		rc = sq__fail(dst, rc, "backup open");
		goto out;
	}
	bk = sqlite3_backup_init(dst, "main", c->db, "main");
	if (!bk) {
		rc = sq__fail(dst, sqlite3_errcode(dst), "backup init");
		goto out;
	}
	/* One step of all pages copies one snapshot; the writer carries on (WAL). */
	do {
		rc = sqlite3_backup_step(bk, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(25);
	} while ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_OK) &&
		 ++tries < SQ_BACKUP_RETRIES);
	sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE) {
		rc = sq__fail(dst, rc, "backup");
		goto out;
	}
	rc = sqlite3_errcode(dst);
	rc = rc == SQLITE_OK ? 0 : sq__fail(dst, rc, "backup finish");
out:
	sqlite3_close(dst);
	sq__reader_put(s, c);
	return rc;
}
