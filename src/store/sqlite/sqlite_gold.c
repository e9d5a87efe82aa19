/* sqlite_gold.c - gold items, their settings, workers' counters and the hidden flag of instances.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

/*
 * Gold statements are few and rare beside the hot path (one counter write
 * per assignment of a gold-checked engagement), so each is prepared where it
 * runs instead of in the shared statement cache. A gold item's payload and
 * known result are sealed like an item's (record "gold_item", its id, field
 * "payload" or "result"): the id is chosen before the insert because the
 * additional data names it; gold items are never deleted, so max + 1 is
 * never an id used before.
 */

#define GOLD_COLS "id, engagement_id, client_id, external_ref, active, created_at"

static int prep(struct sq_conn *c, const char *sql, sqlite3_stmt **st, const char *what)
{
	int b = sqlite3_prepare_v2(c->db, sql, -1, st, NULL);

	return b == SQLITE_OK ? 0 : sq__fail(c->db, b, what);
}

/* Steps a statement that returns no rows and finalizes it. */
static int run_done(struct sq_conn *c, sqlite3_stmt *st, int b, const char *what)
{
	if (b == SQLITE_OK)
		b = sqlite3_step(st);
	sqlite3_finalize(st);
	return b == SQLITE_DONE ? 0 : sq__fail(c->db, b, what);
}

static struct store_seal_ad gold_ad(const struct gold_rec *g, const char *field)
{
	return (struct store_seal_ad){g->client_id, "gold_item", g->id, field};
}

int sq_gold_insert(struct store *base, struct gold_rec *g)
{
	struct sq_conn *w = &sq__of(base)->writer;
	struct store_seal_ad ad;
	sqlite3_stmt *st = NULL;
	int rc, b;

	if ((rc = prep(w, "SELECT coalesce(max(id), 0) + 1 FROM gold_items", &st, "gold insert")))
		return rc;
	b = sqlite3_step(st);
	g->id = b == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (b != SQLITE_ROW)
		return sq__fail(w->db, b, "gold insert");
	if ((rc = prep(w,
		       "INSERT INTO gold_items(id, engagement_id, client_id, external_ref, active, "
		       "created_at, payload, result) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		       &st, "gold insert")))
		return rc;
	b = sqlite3_bind_int64(st, 1, g->id);
	b |= sqlite3_bind_int64(st, 2, g->engagement_id);
	b |= sqlite3_bind_int64(st, 3, g->client_id);
	b |= sqlite3_bind_text(st, 4, g->external_ref, -1, SQLITE_STATIC);
	b |= sqlite3_bind_int(st, 5, g->active);
	b |= sqlite3_bind_int64(st, 6, g->created_at);
	if (b != SQLITE_OK) {
		sqlite3_finalize(st);
		return sq__fail(w->db, b, "gold insert");
	}
	ad = gold_ad(g, "payload");
	if ((rc = sq__seal_bind(base, st, 7, &ad, g->payload, "gold insert")))
		goto fail;
	ad = gold_ad(g, "result");
	if ((rc = sq__seal_bind(base, st, 8, &ad, g->result, "gold insert")))
		goto fail;
	return run_done(w, st, SQLITE_OK, "gold insert");
fail:
	sqlite3_finalize(st);
	return rc;
}

int sq_gold_set_active(struct store *base, int64_t id, bool active)
{
	struct sq_conn *w = &sq__of(base)->writer;
	sqlite3_stmt *st = NULL;
	int rc, b;

	if ((rc = prep(w, "UPDATE gold_items SET active = ?2 WHERE id = ?1", &st, "gold switch")))
		return rc;
	b = sqlite3_bind_int64(st, 1, id);
	b |= sqlite3_bind_int(st, 2, active);
	return run_done(w, st, b, "gold switch");
}

/* A row of GOLD_COLS (and, with texts, payload and result opened) into g. */
static int gold_row(struct store *base, sqlite3_stmt *st, bool texts, struct gold_rec *g)
{
	struct store_seal_ad ad;
	int rc;

	memset(g, 0, sizeof(*g));
	g->id = sqlite3_column_int64(st, 0);
	g->engagement_id = sqlite3_column_int64(st, 1);
	g->client_id = sqlite3_column_int64(st, 2);
	sq__col_str(st, 3, g->external_ref, sizeof(g->external_ref));
	g->active = sqlite3_column_int(st, 4) != 0;
	g->created_at = sqlite3_column_int64(st, 5);
	if (!texts)
		return 0;
	ad = gold_ad(g, "payload");
	if ((rc = sq__open_col(base, st, 6, &ad, &g->payload, "gold read")))
		return rc;
	ad = gold_ad(g, "result");
	if ((rc = sq__open_col(base, st, 7, &ad, &g->result, "gold read")))
		gold_rec_release(g);
	return rc;
}

int sq_gold_get(struct store *base, int64_t id, bool with_payload, struct gold_rec *out)
{
	struct sq_conn *w = &sq__of(base)->writer;
	sqlite3_stmt *st = NULL;
	int rc, b;

	memset(out, 0, sizeof(*out));
	if ((rc = prep(w, "SELECT " GOLD_COLS ", payload, result FROM gold_items WHERE id = ?1",
		       &st, "gold get")))
		return rc;
	b = sqlite3_bind_int64(st, 1, id);
	if (b == SQLITE_OK)
		b = sqlite3_step(st);
	if (b == SQLITE_ROW)
		rc = gold_row(base, st, with_payload, out);
	else
		rc = b == SQLITE_DONE ? sq__error(ERR_NOTFOUND, "no gold item %lld", (long long)id)
				      : sq__fail(w->db, b, "gold get");
	sqlite3_finalize(st);
	return rc;
}

int sq_gold_list(struct store *base, const struct store_page *pg, store_gold_cb cb, void *ctx,
		 int64_t *next_after)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	sqlite3_stmt *st = NULL;
	int rc, b, n = 0;
	int64_t last = 0;

	*next_after = 0;
	if ((rc = prep(c,
		       "SELECT " GOLD_COLS
		       ", payload, result FROM gold_items WHERE engagement_id = ?1 "
		       "AND id > ?2 ORDER BY id LIMIT ?3",
		       &st, "gold list")))
		goto out;
	b = sqlite3_bind_int64(st, 1, pg->engagement_id);
	b |= sqlite3_bind_int64(st, 2, pg->after);
	b |= sqlite3_bind_int(st, 3, pg->limit);
	if (b != SQLITE_OK) {
		rc = sq__fail(c->db, b, "gold list");
		goto out;
	}
	while ((b = sqlite3_step(st)) == SQLITE_ROW) {
		struct gold_rec g;

		if ((rc = gold_row(base, st, true, &g)))
			goto out;
		rc = cb(ctx, &g);
		last = g.id;
		n++;
		gold_rec_release(&g);
		if (rc)
			goto out;
	}
	if (b != SQLITE_DONE) {
		rc = sq__fail(c->db, b, "gold list");
		goto out;
	}
	*next_after = n == pg->limit ? last : 0;
out:
	sqlite3_finalize(st);
	sq__reader_put(s, c);
	return rc;
}

int sq_gold_each(struct store *base, store_gold_cb cb, void *ctx)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	sqlite3_stmt *st = NULL;
	int rc, b = SQLITE_DONE;

	if ((rc = prep(c, "SELECT " GOLD_COLS " FROM gold_items ORDER BY id", &st, "gold load")))
		goto out;
	while (!rc && (b = sqlite3_step(st)) == SQLITE_ROW) {
		struct gold_rec g;

		gold_row(base, st, false, &g);
		rc = cb(ctx, &g);
	}
	if (!rc && b != SQLITE_DONE)
		rc = sq__fail(c->db, b, "gold load");
out:
	sqlite3_finalize(st);
	sq__reader_put(s, c);
	return rc;
}

/* ---- settings ---- */

#define SETTINGS_COLS                                                                              \
	"engagement_id, rate, threshold, margin, min_answers, qualification, prefer_ms, salt, "    \
	"updated_at"

int sq_gold_settings_put(struct store *base, const struct gold_settings *gs)
{
	struct sq_conn *w = &sq__of(base)->writer;
	sqlite3_stmt *st = NULL;
	int rc, b;

	if ((rc =
		 prep(w,
		      "INSERT OR REPLACE INTO gold_settings(" SETTINGS_COLS ") VALUES (?1, ?2, ?3, "
		      "?4, ?5, ?6, ?7, ?8, ?9)",
		      &st, "gold settings")))
		return rc;
	b = sqlite3_bind_int64(st, 1, gs->engagement_id);
	b |= sqlite3_bind_double(st, 2, gs->rate);
	b |= sqlite3_bind_double(st, 3, gs->threshold);
	b |= sqlite3_bind_double(st, 4, gs->margin);
	b |= sqlite3_bind_int(st, 5, gs->min_answers);
	b |= sqlite3_bind_int(st, 6, gs->qualification);
	b |= sqlite3_bind_int64(st, 7, gs->prefer_ms);
	b |= sqlite3_bind_int64(st, 8, (int64_t)gs->salt);
	b |= sqlite3_bind_int64(st, 9, gs->updated_at);
	return run_done(w, st, b, "gold settings");
}

static void settings_row(sqlite3_stmt *st, struct gold_settings *gs)
{
	memset(gs, 0, sizeof(*gs));
	gs->engagement_id = sqlite3_column_int64(st, 0);
	gs->rate = sqlite3_column_double(st, 1);
	gs->threshold = sqlite3_column_double(st, 2);
	gs->margin = sqlite3_column_double(st, 3);
	gs->min_answers = sqlite3_column_int(st, 4);
	gs->qualification = sqlite3_column_int(st, 5);
	gs->prefer_ms = sqlite3_column_int64(st, 6);
	gs->salt = (uint64_t)sqlite3_column_int64(st, 7);
	gs->updated_at = sqlite3_column_int64(st, 8);
}

/* Every settings row (engagement_id 0) or one's, on a reader, into cb. */
static int settings_walk(struct store *base, int64_t engagement_id, store_gold_settings_cb cb,
			 void *ctx, int *n)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	sqlite3_stmt *st = NULL;
	int rc, b = SQLITE_DONE;

	*n = 0;
	if ((rc = prep(c,
		       "SELECT " SETTINGS_COLS " FROM gold_settings WHERE ?1 = 0 OR "
		       "engagement_id = ?1 ORDER BY engagement_id",
		       &st, "gold settings")))
		goto out;
	if ((b = sqlite3_bind_int64(st, 1, engagement_id)) != SQLITE_OK)
		goto out;
	while (!rc && (b = sqlite3_step(st)) == SQLITE_ROW) {
		struct gold_settings gs;

		settings_row(st, &gs);
		(*n)++;
		rc = cb(ctx, &gs);
	}
out:
	if (!rc && b != SQLITE_DONE && b != SQLITE_ROW)
		rc = sq__fail(c->db, b, "gold settings");
	sqlite3_finalize(st);
	sq__reader_put(s, c);
	return rc;
}

static int settings_copy(void *ctx, const struct gold_settings *gs)
{
	*(struct gold_settings *)ctx = *gs;
	return 0;
}

int sq_gold_settings_get(struct store *base, int64_t engagement_id, struct gold_settings *out)
{
	int n, rc;

	memset(out, 0, sizeof(*out));
	if (engagement_id <= 0)
		return sq__error(ERR_NOTFOUND, "no gold settings");
	rc = settings_walk(base, engagement_id, settings_copy, out, &n);
	if (!rc && !n)
		rc = sq__error(ERR_NOTFOUND, "engagement %lld has no gold settings",
			       (long long)engagement_id);
	return rc;
}

int sq_gold_settings_each(struct store *base, store_gold_settings_cb cb, void *ctx)
{
	int n;

	return settings_walk(base, 0, cb, ctx, &n);
}

/* ---- workers' counters ---- */

int sq_gold_worker_put(struct store *base, const struct gold_worker_rec *gw)
{
	struct sq_conn *w = &sq__of(base)->writer;
	sqlite3_stmt *st = NULL;
	int rc, b;

	if ((rc = prep(w,
		       "INSERT OR REPLACE INTO gold_workers(engagement_id, worker_id, assigned, "
		       "reset_at) VALUES (?1, ?2, ?3, ?4)",
		       &st, "gold worker")))
		return rc;
	b = sqlite3_bind_int64(st, 1, gw->engagement_id);
	b |= sqlite3_bind_int64(st, 2, gw->worker_id);
	b |= sqlite3_bind_int64(st, 3, gw->assigned);
	b |= sqlite3_bind_int64(st, 4, gw->reset_at);
	return run_done(w, st, b, "gold worker");
}

int sq_gold_workers_each(struct store *base, int64_t engagement_id, store_gold_worker_cb cb,
			 void *ctx)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	sqlite3_stmt *st = NULL;
	int rc, b = SQLITE_DONE;

	if ((rc = prep(c,
		       "SELECT engagement_id, worker_id, assigned, reset_at FROM gold_workers "
		       "WHERE ?1 = 0 OR engagement_id = ?1 ORDER BY engagement_id, worker_id",
		       &st, "gold workers")))
		goto out;
	if ((b = sqlite3_bind_int64(st, 1, engagement_id)) != SQLITE_OK)
		goto out;
	while (!rc && (b = sqlite3_step(st)) == SQLITE_ROW) {
		struct gold_worker_rec gw = {
		    sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3)};

		rc = cb(ctx, &gw);
	}
out:
	if (!rc && b != SQLITE_DONE && b != SQLITE_ROW)
		rc = sq__fail(c->db, b, "gold workers");
	sqlite3_finalize(st);
	sq__reader_put(s, c);
	return rc;
}

/* ---- instances ---- */

int sq_item_set_gold(struct store *base, int64_t item_id, int64_t gold_id)
{
	struct sq_conn *w = &sq__of(base)->writer;
	sqlite3_stmt *st = NULL;
	int rc, b;

	/* The instance's external_ref is its gold item's, set with gold_id: an ordinary
	 * item of the engagement may have the same (items_engagement_ref is UNIQUE for
	 * gold_id = 0 only, sqlite_schema.c). */
	if ((rc = prep(w,
		       "UPDATE items SET gold_id = ?2, external_ref = (SELECT "
		       "nullif(external_ref, '') FROM gold_items WHERE id = ?2) WHERE id = ?1",
		       &st, "gold instance")))
		return rc;
	b = sqlite3_bind_int64(st, 1, item_id);
	b |= sqlite3_bind_int64(st, 2, gold_id);
	return run_done(w, st, b, "gold instance");
}

int sq_item_gold(struct store *base, int64_t item_id, int64_t *gold_id)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	sqlite3_stmt *st = NULL;
	int rc, b;

	*gold_id = 0;
	if ((rc = prep(c, "SELECT gold_id FROM items WHERE id = ?1", &st, "item gold")))
		goto out;
	b = sqlite3_bind_int64(st, 1, item_id);
	if (b == SQLITE_OK)
		b = sqlite3_step(st);
	if (b == SQLITE_ROW)
		*gold_id = sqlite3_column_int64(st, 0);
	else if (b != SQLITE_DONE)
		rc = sq__fail(c->db, b, "item gold");
out:
	sqlite3_finalize(st);
	sq__reader_put(s, c);
	return rc;
}

int sq_gold_instances_each(struct store *base, store_gold_inst_cb cb, void *ctx)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	sqlite3_stmt *st = NULL;
	int rc, b = SQLITE_DONE;

	if ((rc = prep(c,
		       /* off the partial index of the instances, sorted: not a scan of
			* every item in id order (a second and more at 10 million) */
		       "SELECT id, engagement_id, coalesce(worker_id, 0), gold_id FROM items "
		       "INDEXED BY items_gold WHERE gold_id != 0 ORDER BY id",
		       &st, "gold instances")))
		goto out;
	while (!rc && (b = sqlite3_step(st)) == SQLITE_ROW)
		rc = cb(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
			sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3));
	if (!rc && b != SQLITE_DONE)
		rc = sq__fail(c->db, b, "gold instances");
out:
	sqlite3_finalize(st);
	sq__reader_put(s, c);
	return rc;
}
