/* sqlite_audit.c - SQLite audit trail pages with filters: actor, action (or its family), time. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

/*
 * A filtered page is one statement made for the filters given (fixed
 * parameter numbers, prepared per call as an item search is), each filter
 * a bound parameter served by an index that ends in seq (migration 'the
 * audit trail's filters'), so SQLite reads the page in seq order and stops
 * at the limit. A time window is also a range of seq, from at_max (the
 * largest at so far, which never falls): the scalar subqueries below give
 * its ends from the audit_at_max index and the audit_back partial index,
 * once per statement and in its snapshot, so the page never reads events
 * outside the window's range.
 */

/* ?1 after, ?2 limit, then one per filter. */
enum { P_CLIENT = 3, P_ACTOR, P_ACTION, P_FROM, P_TO };

/*
 * The statement: its filters' pieces in the %s (tests/api/test_audit_filters.sh reads them).
 * The step-backs are read from their index by name: else SQLite's max() walks seq down the
 * whole table looking for one (there is normally none).
 */
#define AUDIT_FIND_FMT                                                                             \
	"SELECT " SQ_AUDIT_COLS " FROM audit WHERE seq > %s%s%s%s%s ORDER BY seq LIMIT ?2"
/*
 * The lower bound of seq: the cursor, or with from the larger of the cursor and the window's
 * first seq less one, in one expression (SQLite searches the rowid from one lower bound: with
 * two, it took the cursor's and read every event before the window).
 */
#define AUDIT_AFTER "?1"
#define AUDIT_FROM                                                                                 \
	"max(?1, coalesce((SELECT seq FROM audit WHERE at_max >= ?6"                               \
	" ORDER BY at_max, seq LIMIT 1), 9223372036854775807) - 1) AND at >= ?6"
#define AUDIT_BY_CLIENT " AND client_id = ?3"
#define AUDIT_BY_ACTOR " AND actor_user_id = ?4"
#define AUDIT_BY_ACTION " AND action = ?5"
/* The family: the action up to and with its first '.' (the audit_family index's expression). */
#define AUDIT_BY_FAMILY " AND substr(action, 1, instr(action, '.')) = ?5"
#define AUDIT_TO                                                                                   \
	" AND at < ?7 AND seq <= max(coalesce((SELECT seq FROM audit WHERE at_max < ?7"            \
	" ORDER BY at_max DESC, seq DESC LIMIT 1), 0), coalesce((SELECT max(seq) FROM audit"       \
	" INDEXED BY audit_back WHERE at < at_max AND at < ?7), 0))"

bool sq__audit_filtered(const struct store_page *pg)
{
	return pg->actor_user_id || pg->action || pg->at_from > 0 || pg->at_to;
}

static int bind_all(sqlite3_stmt *st, const struct store_page *pg)
{
	int b = sqlite3_bind_int64(st, 1, pg->after);

	b |= sqlite3_bind_int(st, 2, pg->limit);
	if (pg->client_id)
		b |= sqlite3_bind_int64(st, P_CLIENT, pg->client_id);
	if (pg->actor_user_id)
		b |= sqlite3_bind_int64(st, P_ACTOR, pg->actor_user_id);
	if (pg->action)
		b |= sqlite3_bind_text(st, P_ACTION, pg->action, -1, SQLITE_STATIC);
	if (pg->at_from > 0)
		b |= sqlite3_bind_int64(st, P_FROM, pg->at_from);
	if (pg->at_to)
		b |= sqlite3_bind_int64(st, P_TO, pg->at_to);
	return b;
}

int sq__audit_find(struct store *base, const struct store_page *pg, store_audit_cb cb, void *ctx,
		   int64_t *next_after)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c;
	sqlite3_stmt *st = NULL;
	const char *act;
	char sql[1536];
	int n = 0, rc, w;
	int64_t last = 0;

	*next_after = 0;
	if (pg->action && strnlen(pg->action, MODEL_CODE_MAX) >= MODEL_CODE_MAX)
		return 0; /* no event has an action this long */
	/* The action's piece, then the statement with the filters given. */
	act = !pg->action ? "" : pg->action_family ? AUDIT_BY_FAMILY : AUDIT_BY_ACTION;
	w = snprintf(sql, sizeof(sql), AUDIT_FIND_FMT, pg->at_from > 0 ? AUDIT_FROM : AUDIT_AFTER,
		     pg->client_id ? AUDIT_BY_CLIENT : "", pg->actor_user_id ? AUDIT_BY_ACTOR : "",
		     act, pg->at_to ? AUDIT_TO : "");
	if (w < 0 || (size_t)w >= sizeof(sql))
		return sq__error(ERR_INVALID, "audit list: query too long");
	c = sq__reader_get(s);
	if (!(st = sq__prep(c, sql, "audit list", &rc)))
		goto out;
	if ((rc = bind_all(st, pg)) != SQLITE_OK) {
		rc = sq__fail(c->db, rc, "audit list");
		goto out;
	}
	rc = sq__walk(c, st, SQ_K_AUDIT, (union sq_cb){.audit = cb}, ctx, &n, &last, "audit list");
	if (!rc && n >= pg->limit)
		*next_after = last;
out:
	sqlite3_finalize(st);
	sq__reader_put(s, c);
	return rc;
}
