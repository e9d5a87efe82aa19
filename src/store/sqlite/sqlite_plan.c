/* sqlite_plan.c - SQLite readers for staffing plans (arrivals per interval) and for the
 * ethical wall (when a worker last worked for a client). */
#include <stdint.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

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

int sq_worked_last(struct store *base, int64_t worker_id, int64_t client_id, int64_t *at)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc, b;
	sqlite3_stmt *st = sq__stmt(c, SQ_WORKED_LAST, &rc);

	*at = 0;
	if (!st)
		goto out;
	b = sqlite3_bind_int64(st, 1, worker_id);
	b |= sqlite3_bind_int64(st, 2, client_id);
	if (b == SQLITE_OK)
		b = sqlite3_step(st);
	if (b == SQLITE_ROW) {
		*at = sqlite3_column_int64(st, 0);
		rc = 0;
	} else {
		rc = b == SQLITE_DONE ? 0 : sq__fail(c->db, b, "worked last");
	}
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}
