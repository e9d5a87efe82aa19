/* sqlite_plan.c - SQLite reader for staffing plans: arrivals per interval. */
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
