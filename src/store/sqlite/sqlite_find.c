/* sqlite_find.c - SQLite item search (every list filter), external_ref lookup, queue summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/item.h"
#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

/*
 * The searches whose filters combine too many ways for item_list's cache
 * of one statement per combination: the statement is made for the filters
 * given, with fixed parameter numbers, and prepared per call. Every filter
 * is a bound parameter; the text filter is a LIKE whose wildcards in the
 * caller's text are escaped, so it matches that text literally.
 */

/* Fixed parameter numbers of a search: ?1 after, ?2 limit, then one per filter. */
enum {
	P_CLIENT = 3,
	P_ENG,
	P_WORKER,
	P_STATE,
	P_DUE_BEFORE,
	P_DUE_AFTER,
	P_CREATED_BEFORE,
	P_CREATED_AFTER,
	P_LATE,
	P_REF,
	P_CONTAINS
};

static bool filter_empty(const struct store_item_filter *f)
{
	return !f || (!f->due_before && !f->due_after && !f->created_before && !f->created_after &&
		      !f->late_at && !f->external_ref && !f->ref_contains);
}

/* '%' text '%' with \, % and _ escaped by '\'. OUT: malloc'd, NULL when out of memory. */
static char *like_pattern(const char *text)
{
	size_t n = strlen(text), j = 0;
	char *p = malloc(2 * n + 3);

	if (!p)
		return NULL;
	p[j++] = '%';
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\\' || text[i] == '%' || text[i] == '_')
			p[j++] = '\\';
		p[j++] = text[i];
	}
	p[j++] = '%';
	p[j] = '\0';
	return p;
}

/* The statement's SQL for the filters given. 0, or ERR_INVALID if it would not fit. */
static int find_sql(const struct store_page *pg, const struct store_item_filter *f, char *sql,
		    size_t n)
{
	int w = snprintf(
	    sql, n,
	    "SELECT " SQ_ITEM_COLS " FROM items WHERE id > ?1%s%s%s%s%s%s%s%s%s%s%s%s"
	    " ORDER BY id LIMIT ?2",
	    pg->with_gold ? "" : " AND gold_id = 0",
	    pg->client_id ? " AND client_id = ?3" : "",
	    pg->engagement_id ? " AND engagement_id = ?4" : "",
	    /* a bare ?6: sq__item_list_stmt says why */
	    pg->worker_id ? " AND worker_id = ?5" : "", pg->state > 0 ? " AND state = ?6" : "",
	    f->due_before ? " AND due_at < ?7" : "", f->due_after ? " AND due_at > ?8" : "",
	    f->created_before ? " AND created_at < ?9" : "",
	    f->created_after ? " AND created_at > ?10" : "",
	    f->late_at ? " AND " SQ_OPEN_WHERE " AND due_at < ?11" : "",
	    f->external_ref ? " AND external_ref = ?12" : "",
	    f->ref_contains ? " AND external_ref LIKE ?13 ESCAPE '\\'" : "");

	return w > 0 && (size_t)w < n ? 0 : sq__error(ERR_INVALID, "item find: query too long");
}

/* Binds v to ?i when it is set (non-zero). */
static int bind_set(sqlite3_stmt *st, int i, int64_t v)
{
	return v ? sqlite3_bind_int64(st, i, v) : SQLITE_OK;
}

static int find_bind(sqlite3_stmt *st, const struct store_page *pg,
		     const struct store_item_filter *f, char *pattern)
{
	int b = bind_set(st, P_CLIENT, pg->client_id);

	b |= bind_set(st, P_ENG, pg->engagement_id);
	b |= bind_set(st, P_WORKER, pg->worker_id);
	if (pg->state > 0)
		b |= sqlite3_bind_text(st, P_STATE,
				       item_state_name((enum item_state)(pg->state - 1)), -1,
				       SQLITE_STATIC);
	b |= bind_set(st, P_DUE_BEFORE, f->due_before);
	b |= bind_set(st, P_DUE_AFTER, f->due_after);
	b |= bind_set(st, P_CREATED_BEFORE, f->created_before);
	b |= bind_set(st, P_CREATED_AFTER, f->created_after);
	b |= bind_set(st, P_LATE, f->late_at);
	if (f->external_ref)
		b |= sqlite3_bind_text(st, P_REF, f->external_ref, -1, SQLITE_STATIC);
	if (pattern)
		b |= sqlite3_bind_text(st, P_CONTAINS, pattern, -1, SQLITE_STATIC);
	return b;
}

int sq_item_find(struct store *base, const struct store_page *pg, const struct store_item_filter *f,
		 store_item_cb cb, void *ctx, int64_t *next_after)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c;
	sqlite3_stmt *st = NULL;
	char *pattern = NULL;
	char sql[1024];
	int rc, b;

	*next_after = 0;
	if (filter_empty(f))
		return sq_item_list(base, pg, cb, ctx, next_after);
	if (pg->state > ITEM_STATE__COUNT)
		return sq__error(ERR_INVALID, "item find: bad state filter %d", pg->state);
	if ((rc = find_sql(pg, f, sql, sizeof(sql))))
		return rc;
	if (f->ref_contains && !(pattern = like_pattern(f->ref_contains)))
		return sq__error(ERR_NOMEM, "item find: out of memory");
	c = sq__reader_get(s);
	b = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (b == SQLITE_OK)
		b = find_bind(st, pg, f, pattern);
	if (b == SQLITE_OK)
		b = sqlite3_bind_int64(st, 1, pg->after);
	if (b == SQLITE_OK)
		b = sqlite3_bind_int(st, 2, pg->limit);
	if (b != SQLITE_OK) {
		rc = sq__fail(c->db, b, "item find");
		goto out;
	}
	{
		int n = 0;
		int64_t last = 0;

		rc = sq__walk(c, st, SQ_K_ITEM, (union sq_cb){.item = cb}, ctx, &n, &last,
			      "item find");
		if (!rc && n >= pg->limit)
			*next_after = last;
	}
out:
	sqlite3_finalize(st);
	sq__reader_put(s, c);
	free(pattern);
	return rc;
}

int sq_item_by_ref(struct store *base, int64_t engagement_id, const char *ref, int64_t *id)
{
	struct sq_conn *w = &sq__of(base)->writer;
	int rc, b;
	sqlite3_stmt *st = sq__stmt(w, SQ_ITEM_BY_REF, &rc);

	*id = 0;
	if (!st)
		return rc;
	b = sqlite3_bind_int64(st, 1, engagement_id);
	if (b == SQLITE_OK)
		b = sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	if (b == SQLITE_OK)
		b = sqlite3_step(st);
	if (b == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (b == SQLITE_DONE) {
		rc = ERR_NOTFOUND;
	} else {
		rc = sq__fail(w->db, b, "item by ref");
	}
	sq__done(st);
	return rc;
}

/* ================================================================
 * Queue summary: several statements in one read transaction
 * ================================================================ */

/* Runs sql (bound ?1.. from v[0..n)) and passes each row's columns to row(). */
typedef int (*row_fn)(void *ctx, sqlite3_stmt *st);

static int run_rows(struct sq_conn *c, const char *sql, const int64_t *v, int n, row_fn row,
		    void *ctx)
{
	sqlite3_stmt *st = NULL;
	int b = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL), rc = 0;

	for (int i = 0; b == SQLITE_OK && i < n; i++)
		b = sqlite3_bind_int64(st, i + 1, v[i]);
	if (b != SQLITE_OK) {
		rc = sq__fail(c->db, b, "engagement queue");
		goto out;
	}
	while ((b = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = row(ctx, st)))
			goto out;
	if (b != SQLITE_DONE)
		rc = sq__fail(c->db, b, "engagement queue");
out:
	sqlite3_finalize(st);
	return rc;
}

static int row_state(void *ctx, sqlite3_stmt *st)
{
	struct store_queue *q = ctx;
	enum item_state s;
	const char *name = (const char *)sqlite3_column_text(st, 0);

	if (name && !item_state_parse(name, &s))
		q->by_state[s] = sqlite3_column_int64(st, 1);
	return 0;
}

static int row_oldest(void *ctx, sqlite3_stmt *st)
{
	struct store_queue *q = ctx;

	q->oldest_id = sqlite3_column_int64(st, 0);
	q->oldest_created_at = sqlite3_column_int64(st, 1);
	return 0;
}

static int row_count(void *ctx, sqlite3_stmt *st)
{
	*(int64_t *)ctx = sqlite3_column_int64(st, 0);
	return 0;
}

struct load_walk {
	store_load_cb cb;
	void *ctx;
};

static int row_load(void *ctx, sqlite3_stmt *st)
{
	struct load_walk *l = ctx;

	return l->cb(l->ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
}

/* The counts of the engagement's queue at now. */
static int queue_counts(struct sq_conn *c, int64_t eid, int64_t now, int64_t soon_ms,
			struct store_queue *q)
{
	const int64_t soon[3] = {eid, now, now + soon_ms}, late[2] = {eid, now};
	int rc;

	if ((rc = run_rows(c,
			   "SELECT state, count(*) FROM items WHERE engagement_id = ?1 "
			   "AND gold_id = 0 GROUP BY state",
			   &eid, 1, row_state, q)) ||
	    (rc = run_rows(c,
			   "SELECT id, created_at FROM items WHERE engagement_id = ?1 "
			   "AND gold_id = 0 AND state = 'queued' ORDER BY created_at, id LIMIT 1",
			   &eid, 1, row_oldest, q)) ||
	    (rc = run_rows(
		 c,
		 "SELECT count(*) FROM items WHERE engagement_id = ?1 AND gold_id = 0 AND state IN "
		 SQ_OPEN_STATES " AND due_at >= ?2 AND due_at < ?3",
		 soon, 3, row_count, &q->due_soon)))
		return rc;
	return run_rows(
	    c,
	    "SELECT count(*) FROM items WHERE engagement_id = ?1 AND gold_id = 0 AND state IN "
	    SQ_OPEN_STATES " AND due_at < ?2",
	    late, 2, row_count, &q->late);
}

int sq_engagement_queue(struct store *base, int64_t engagement_id, int64_t now, int64_t soon_ms,
			struct store_queue *q, store_item_cb held, store_load_cb load, void *ctx)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	struct load_walk lw = {load, ctx};
	sqlite3_stmt *st = NULL;
	int rc, b;

	memset(q, 0, sizeof(*q));
	/* A deferred read transaction: every statement below sees one snapshot. */
	if ((b = sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK) {
		rc = sq__fail(c->db, b, "engagement queue");
		goto out;
	}
	if ((rc = queue_counts(c, engagement_id, now, soon_ms, q)))
		goto end;
	if (held) {
		b = sqlite3_prepare_v2(c->db,
				       "SELECT " SQ_ITEM_COLS
				       " FROM items WHERE engagement_id = ?1 AND gold_id = 0 "
				       "AND state = 'assigned' ORDER BY lease_expires, id",
				       -1, &st, NULL);
		if (b == SQLITE_OK)
			b = sqlite3_bind_int64(st, 1, engagement_id);
		if (b != SQLITE_OK) {
			rc = sq__fail(c->db, b, "engagement queue");
			goto end;
		}
		if ((rc = sq__walk(c, st, SQ_K_ITEM, (union sq_cb){.item = held}, ctx, NULL, NULL,
				   "engagement queue")))
			goto end;
	}
	if (load)
		rc = run_rows(c,
			      "SELECT worker_id, count(*) FROM items WHERE state = 'assigned' "
			      "AND worker_id IS NOT NULL GROUP BY worker_id ORDER BY worker_id",
			      NULL, 0, row_load, &lw);
end:
	sqlite3_finalize(st);
	sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
out:
	sq__reader_put(s, c);
	return rc;
}
