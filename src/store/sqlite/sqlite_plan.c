/* sqlite_plan.c - SQLite readers for staffing plans: engagements, workers, arrivals. */
#include <stdlib.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

int sq_engagement_rec(struct store *base, int64_t id, struct engagement_rec *out)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(c, SQ_ENGAGEMENT_GET, &rc);

	if (!st)
		goto out;
	rc = sqlite3_bind_int64(st, 1, id);
	if (rc != SQLITE_OK) {
		rc = sq__fail(c->db, rc, "engagement");
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = sq__row_engagement(st, out);
	else if (rc == SQLITE_DONE)
		rc = sq__error(ERR_NOTFOUND, "engagement %lld not found", (long long)id);
	else
		rc = sq__fail(c->db, rc, "engagement");
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

/* The reader runs the recovery walk's statement: same columns, its own connection. */
int sq_workers_each(struct store *base, store_worker_cb cb, void *ctx)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	struct worker_rec *w = malloc(sizeof(*w)); /* ~7 KiB: not on a handler's stack */
	int rc;
	sqlite3_stmt *st = sq__stmt(c, SQ_LOAD_WORKERS, &rc);

	if (!st)
		goto out;
	if (!w) {
		rc = sq__error(ERR_NOMEM, "workers: out of memory");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = sq__row_worker(st, w);
		if (!rc)
			rc = cb(ctx, w);
		if (rc)
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(c->db, rc, "workers");
out:
	free(w);
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

/* As sq_workers_each: the recovery walk's statement on a reader connection. */
int sq_engagements_each(struct store *base, store_engagement_cb cb, void *ctx)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	struct engagement_rec e;
	int rc;
	sqlite3_stmt *st = sq__stmt(c, SQ_LOAD_ENGAGEMENTS, &rc);

	if (!st)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = sq__row_engagement(st, &e);
		if (!rc)
			rc = cb(ctx, &e);
		if (rc)
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(c->db, rc, "engagements");
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

int sq_arrivals(struct store *base, int64_t engagement_id, int64_t from_ms, int64_t to_ms,
		int64_t interval_ms, double *counts, size_t n)
{
	struct sq_store *s;
	struct sq_conn *c;
	sqlite3_stmt *st;
	int rc, b;

	if (interval_ms <= 0 || to_ms < from_ms || (to_ms - from_ms) % interval_ms ||
	    (uint64_t)((to_ms - from_ms) / interval_ms) != (uint64_t)n)
		return sq__error(ERR_INVALID, "arrivals: the window is not %zu intervals", n);
	for (size_t i = 0; i < n; i++)
		counts[i] = 0;
	if (n == 0)
		return 0;
	s = sq__of(base);
	c = sq__reader_get(s);
	st = sq__stmt(c, SQ_ARRIVALS, &rc);
	if (!st)
		goto out;
	b = sqlite3_bind_int64(st, 1, engagement_id);
	b |= sqlite3_bind_int64(st, 2, from_ms);
	b |= sqlite3_bind_int64(st, 3, to_ms);
	b |= sqlite3_bind_int64(st, 4, interval_ms);
	if (b != SQLITE_OK) {
		rc = sq__fail(c->db, b, "arrivals");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t k = sqlite3_column_int64(st, 0);

		if (k >= 0 && (uint64_t)k < (uint64_t)n)
			counts[k] = (double)sqlite3_column_int64(st, 1);
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(c->db, rc, "arrivals");
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}
