/* sqlite_sla.c - the sla.breach watermark and the open items past their due time. */
#include <stdint.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#define W(base) (&sq__of(base)->writer)

/*
 * One-off statements: the engine runs them at most once a second (engine/sla.c
 * throttles its tick), never per request. The open-state condition is written
 * exactly as items_open_due's, so both walks are ranges of that partial index;
 * INDEXED BY because without statistics the planner takes items_state and
 * sorts (every open item read), and a change of that index fails loudly here.
 */

int sq_sla_mark_get(struct store *base, int64_t *due_at, int64_t *item_id)
{
	struct sq_conn *w = W(base);
	int rc;
	sqlite3_stmt *st = sq__prep(w, "SELECT due_at, item_id FROM sla_mark WHERE k = 1",
				    "sla mark", &rc);

	*due_at = *item_id = 0;
	if (!st)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*due_at = sqlite3_column_int64(st, 0);
		*item_id = sqlite3_column_int64(st, 1);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "sla mark");
	}
	sqlite3_finalize(st);
	return rc;
}

int sq_sla_mark_put(struct store *base, int64_t due_at, int64_t item_id)
{
	struct sq_conn *w = W(base);
	int rc;
	sqlite3_stmt *st = sq__prep(w,
				    "INSERT INTO sla_mark(k, due_at, item_id) VALUES (1, ?1, ?2) "
				    "ON CONFLICT(k) DO UPDATE SET due_at = ?1, item_id = ?2",
				    "sla mark", &rc);

	if (!st)
		return rc;
	rc = sq__bind_i64s(st, 1, (const int64_t[]){due_at, item_id}, 2);
	return sq__step_done(w, st, rc, "sla mark");
}

int sq_sla_due_each(struct store *base, int64_t after_due, int64_t after_id, int64_t upto,
		    int limit, store_sla_cb cb, void *ctx)
{
	struct sq_conn *w = W(base);
	int rc;
	sqlite3_stmt *st = sq__prep(w,
				    "SELECT id, due_at FROM items INDEXED BY items_open_due WHERE " SQ_OPEN_WHERE
				    " AND due_at <= ?3 AND (due_at, id) > (?1, ?2) "
				    "ORDER BY due_at, id LIMIT ?4",
				    "sla due", &rc);

	if (!st)
		return rc;
	rc = sq__bind_i64s(st, 1, (const int64_t[]){after_due, after_id, upto, limit}, 4);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		rc = cb(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0) /* SQLite's codes; a callback's error (negative) passes */
		rc = sq__fail(w->db, rc, "sla due");
	sqlite3_finalize(st);
	return rc;
}

int sq_sla_next_due(struct store *base, int64_t after, int64_t *due_at)
{
	struct sq_conn *w = W(base);
	int rc;
	sqlite3_stmt *st = sq__prep(w,
				    "SELECT min(due_at) FROM items INDEXED BY items_open_due WHERE " SQ_OPEN_WHERE
				    " AND due_at > ?1",
				    "sla next", &rc);

	*due_at = INT64_MAX;
	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, after);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			*due_at = sqlite3_column_int64(st, 0);
		rc = 0;
	} else {
		rc = sq__fail(w->db, rc, "sla next");
	}
	sqlite3_finalize(st);
	return rc;
}
