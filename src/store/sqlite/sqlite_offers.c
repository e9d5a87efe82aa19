/* sqlite_offers.c - release exclusions, worker states, engagements' work settings and offers. */
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

/* Runs the writer's statement id with ?1..?n = v (no rows). */
static int write_i64s(struct store *base, enum sq_stmt id, const int64_t *v, int n,
		      const char *what)
{
	struct sq_conn *w = &sq__of(base)->writer;
	int rc;
	sqlite3_stmt *st = sq__stmt(w, id, &rc);

	if (!st)
		return rc;
	rc = sq__bind_i64s(st, 1, v, n);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, what);
	sq__done(st);
	return rc;
}

/* One row decoder per record: columns in the order of the statements. */
typedef int (*row_fn)(sqlite3_stmt *st, void *cb, void *ctx);

/* Steps st (bound) over its rows, each through fn. 0, the callback's code, or the step's. */
static int walk(sqlite3 *db, sqlite3_stmt *st, row_fn fn, void *cb, void *ctx, const char *what)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = fn(st, cb, ctx)))
			return rc;
	return rc == SQLITE_DONE ? 0 : sq__fail(db, rc, what);
}

/* Runs the writer's statement id (no parameters) over its rows. */
static int walk_writer(struct store *base, enum sq_stmt id, row_fn fn, void *cb, void *ctx,
		       const char *what)
{
	struct sq_conn *w = &sq__of(base)->writer;
	int rc;
	sqlite3_stmt *st = sq__stmt(w, id, &rc);

	if (!st)
		return rc;
	rc = walk(w->db, st, fn, cb, ctx, what);
	sq__done(st);
	return rc;
}

/* ================================================================
 * Exclusions
 * ================================================================ */

int sq_exclusion_add(struct store *base, int64_t item_id, int64_t worker_id, const char *reason,
		     int64_t at)
{
	struct sq_conn *w = &sq__of(base)->writer;
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_EXCL_ADD, &rc);

	if (!st)
		return rc;
	rc = sq__bind_i64s(st, 1, (int64_t[]){item_id, worker_id}, 2);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, at);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "item exclusion");
	sq__done(st);
	return rc;
}

static int excl_row(sqlite3_stmt *st, void *cb, void *ctx)
{
	return ((store_exclusion_cb)cb)(ctx, sqlite3_column_int64(st, 0),
					sqlite3_column_int64(st, 1));
}

int sq_exclusion_each(struct store *base, store_exclusion_cb cb, void *ctx)
{
	bool few = sq__few_rows(sq__of(base)->writer.db, "item_exclusions");

	return walk_writer(base, few ? SQ_EXCL_EACH_FEW : SQ_EXCL_EACH, excl_row, (void *)cb, ctx,
			   "item exclusions");
}

/* ================================================================
 * Worker states
 * ================================================================ */

static void wstate_of(sqlite3_stmt *st, struct worker_state_rec *w)
{
	memset(w, 0, sizeof(*w));
	w->worker_id = sqlite3_column_int64(st, 0);
	w->away_reason = sqlite3_column_int(st, 1);
	w->wrap_until = sqlite3_column_int64(st, 2);
	w->no_answer = sqlite3_column_int(st, 3);
}

int sq_worker_state_put(struct store *base, const struct worker_state_rec *w)
{
	return write_i64s(base, SQ_WSTATE_PUT,
			  (int64_t[]){w->worker_id, w->away_reason, w->wrap_until, w->no_answer}, 4,
			  "worker state");
}

int sq_worker_state_get(struct store *base, int64_t worker_id, struct worker_state_rec *out)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(c, SQ_WSTATE_GET, &rc);

	memset(out, 0, sizeof(*out));
	out->worker_id = worker_id;
	if (!st)
		goto out;
	rc = sqlite3_bind_int64(st, 1, worker_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		wstate_of(st, out);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? 0 : sq__fail(c->db, rc, "worker state"); /* none: defaults */
	}
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

static int wstate_row(sqlite3_stmt *st, void *cb, void *ctx)
{
	struct worker_state_rec w;

	wstate_of(st, &w);
	return ((store_worker_state_cb)cb)(ctx, &w);
}

int sq_worker_state_each(struct store *base, store_worker_state_cb cb, void *ctx)
{
	return walk_writer(base, SQ_WSTATE_EACH, wstate_row, (void *)cb, ctx, "worker states");
}

/* ================================================================
 * Work settings
 * ================================================================ */

static void wconf_of(sqlite3_stmt *st, struct work_conf *w)
{
	memset(w, 0, sizeof(*w));
	w->engagement_id = sqlite3_column_int64(st, 0);
	w->mode = sqlite3_column_int(st, 1) == OFFER_PUSH ? OFFER_PUSH : OFFER_PULL;
	w->timeout_ms = sqlite3_column_int64(st, 2);
	w->max_no_answer = sqlite3_column_int(st, 3);
	w->wrap_up_ms = sqlite3_column_int64(st, 4);
	w->updated_at = sqlite3_column_int64(st, 5);
}

int sq_work_conf_put(struct store *base, const struct work_conf *w)
{
	return write_i64s(base, SQ_WCONF_PUT,
			  (int64_t[]){w->engagement_id, w->mode, w->timeout_ms, w->max_no_answer,
				      w->wrap_up_ms, w->updated_at},
			  6, "work settings");
}

int sq_work_conf_get(struct store *base, int64_t engagement_id, struct work_conf *out)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(c, SQ_WCONF_GET, &rc);

	memset(out, 0, sizeof(*out));
	if (!st)
		goto out;
	rc = sqlite3_bind_int64(st, 1, engagement_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		wconf_of(st, out);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? ERR_NOTFOUND : sq__fail(c->db, rc, "work settings");
	}
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

static int wconf_row(sqlite3_stmt *st, void *cb, void *ctx)
{
	struct work_conf w;

	wconf_of(st, &w);
	return ((store_work_conf_cb)cb)(ctx, &w);
}

int sq_work_conf_each(struct store *base, store_work_conf_cb cb, void *ctx)
{
	return walk_writer(base, SQ_WCONF_EACH, wconf_row, (void *)cb, ctx, "work settings");
}

/* ================================================================
 * Offers
 * ================================================================ */

int sq_offer_insert(struct store *base, struct offer_rec *o)
{
	struct sq_conn *w = &sq__of(base)->writer;
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_OFFER_INSERT, &rc);

	if (!st)
		return rc;
	rc = sq__bind_i64s(st, 1,
		       (int64_t[]){o->item_id, o->worker_id, o->engagement_id, o->client_id,
				   o->created_at, o->expires_at, o->state, o->ended_at},
		       8);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		o->id = sqlite3_column_int64(st, 0);
		rc = 0;
	} else {
		rc = sq__fail(w->db, rc, "offer insert");
	}
	sq__done(st);
	return rc;
}

int sq_offer_end(struct store *base, int64_t id, enum offer_state state, int64_t at)
{
	return write_i64s(base, SQ_OFFER_END, (int64_t[]){id, state, at}, 3, "offer end");
}

static int offer_row(sqlite3_stmt *st, void *cb, void *ctx)
{
	struct offer_rec o;
	int state = sqlite3_column_int(st, 7);

	memset(&o, 0, sizeof(o));
	o.id = sqlite3_column_int64(st, 0);
	o.item_id = sqlite3_column_int64(st, 1);
	o.worker_id = sqlite3_column_int64(st, 2);
	o.engagement_id = sqlite3_column_int64(st, 3);
	o.client_id = sqlite3_column_int64(st, 4);
	o.created_at = sqlite3_column_int64(st, 5);
	o.expires_at = sqlite3_column_int64(st, 6);
	o.state = state >= 0 && state < OFFER_STATE__COUNT ? (enum offer_state)state
							    : OFFER_WITHDRAWN;
	o.ended_at = sqlite3_column_int64(st, 8);
	return ((store_offer_cb)cb)(ctx, &o);
}

int sq_offer_each_live(struct store *base, store_offer_cb cb, void *ctx)
{
	bool few = sq__few_rows(sq__of(base)->writer.db, "offers");

	return walk_writer(base, few ? SQ_OFFER_EACH_LIVE_FEW : SQ_OFFER_EACH_LIVE, offer_row,
			   (void *)cb, ctx, "offers");
}

int sq_offer_list(struct store *base, int64_t worker_id, bool open_only, int limit,
		  store_offer_cb cb, void *ctx)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(c, SQ_OFFER_LIST, &rc);

	if (!st)
		goto out;
	rc = sq__bind_i64s(st, 1, (int64_t[]){worker_id, open_only, limit}, 3);
	rc = rc == SQLITE_OK ? walk(c->db, st, offer_row, (void *)cb, ctx, "offer list")
			     : sq__fail(c->db, rc, "offer list");
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}
