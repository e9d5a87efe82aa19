/* sqlite_routing.c - an engagement's routing configuration (widening rings, item weight). */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

/* Rare writes and reads (a manager's PUT, a GET, recovery): one-off statements, no cache slot. */

int sq_routing_put(struct store *base, int64_t engagement_id, const char *conf, int64_t at)
{
	struct sq_conn *w = &sq__of(base)->writer;
	int rc;
	sqlite3_stmt *st = sq__prep(w,
				    "INSERT INTO engagement_routing(engagement_id, conf, updated_at) "
				    "VALUES (?1, ?2, ?3) ON CONFLICT(engagement_id) DO UPDATE SET "
				    "conf = ?2, updated_at = ?3",
				    "routing", &rc);

	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, engagement_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, conf, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, at);
	return sq__step_done(w, st, rc, "routing");
}

int sq_routing_get(struct store *base, int64_t engagement_id, char *conf, size_t n,
		   int64_t *updated_at)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc;
	sqlite3_stmt *st = sq__prep(
	    c, "SELECT conf, updated_at FROM engagement_routing WHERE engagement_id = ?1",
	    "routing", &rc);

	if (!st)
		goto out;
	rc = sqlite3_bind_int64(st, 1, engagement_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		*updated_at = sqlite3_column_int64(st, 1);
		rc = t && strlen(t) < n ? 0 : ERR_TOOBIG;
		if (!rc)
			snprintf(conf, n, "%s", t);
	} else {
		rc = rc == SQLITE_DONE ? ERR_NOTFOUND : sq__fail(c->db, rc, "routing");
	}
	sqlite3_finalize(st);
out:
	sq__reader_put(s, c);
	return rc;
}

int sq_routing_each(struct store *base, store_routing_cb cb, void *ctx)
{
	struct sq_conn *w = &sq__of(base)->writer;
	int rc;
	sqlite3_stmt *st = sq__prep(w,
				    "SELECT engagement_id, conf, updated_at FROM engagement_routing "
				    "ORDER BY engagement_id",
				    "routing", &rc);

	if (!st)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = cb(ctx, sqlite3_column_int64(st, 0),
			     (const char *)sqlite3_column_text(st, 1), sqlite3_column_int64(st, 2))))
			break;
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = sq__fail(w->db, rc, "routing");
	sqlite3_finalize(st);
	return rc;
}
