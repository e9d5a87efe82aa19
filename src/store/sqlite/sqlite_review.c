/* sqlite_review.c - the SQLite side of review sampling: defect codes, settings, review tasks, lots.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#define W(base) (&sq__of(base)->writer)

#define TASK_COLS                                                                                  \
	"t.id, t.item_id, t.engagement_id, t.client_id, t.lot_id, t.submitter_id, t.item_epoch, "  \
	"t.state, t.reviewer_id, t.epoch, t.lease_expires, t.defect, t.field, t.created_at, "      \
	"t.decided_at, (SELECT count(*) FROM item_events v WHERE v.item_id = t.item_id AND "       \
	"v.action = 'rework')"
#define LOT_COLS                                                                                   \
	"id, engagement_id, state, lot_size, size, code, n, ac, re, rejected, decided, defect, "   \
	"created_at, closed_at"

/*
 * These statements are few and not on the hot path of every item, so each
 * call prepares its own (the backend's cache is for the statements of
 * sqlite_int.h); a failure is recorded as every backend error is.
 */
static sqlite3_stmt *prep(struct sq_conn *c, const char *sql, int *rc)
{
	return sq__prep(c, sql, "review statement", rc);
}

/* Steps a statement to its end: 0 or the error. */
static int run(struct sq_conn *c, sqlite3_stmt *st, const char *what)
{
	int r = sqlite3_step(st);

	return r == SQLITE_DONE || r == SQLITE_ROW ? 0 : sq__fail(c->db, r, what);
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

int sq_defects_set(struct store *s, int64_t engagement_id, const struct defect_rec *d, size_t n)
{
	struct sq_conn *w = W(s);
	sqlite3_stmt *st;
	int rc, b;

	st = prep(w, "DELETE FROM engagement_defects WHERE engagement_id = ?1", &rc);
	if (!rc) {
		b = sqlite3_bind_int64(st, 1, engagement_id);
		rc = b == SQLITE_OK ? run(w, st, "defects set") : sq__fail(w->db, b, "defects set");
	}
	sqlite3_finalize(st);
	if (rc || !n)
		return rc;
	st = prep(w,
		  "INSERT INTO engagement_defects(engagement_id, pos, code, label, severity) "
		  "VALUES (?1, ?2, ?3, ?4, ?5)",
		  &rc);
	for (size_t i = 0; !rc && i < n; i++) {
		b = sqlite3_bind_int64(st, 1, engagement_id);
		b |= sqlite3_bind_int64(st, 2, (int64_t)i);
		b |= bind_text(st, 3, d[i].code);
		b |= bind_text(st, 4, d[i].label);
		b |= bind_text(st, 5, defect_severity_name(d[i].severity));
		rc = b == SQLITE_OK ? run(w, st, "defects set") : sq__fail(w->db, b, "defects set");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* A reader walk of a prepared statement: each row decoded by row() into the callback. */
typedef int (*row_fn)(sqlite3_stmt *st, void *cb, void *ctx, int64_t *last);

static int walk(struct store *base, const char *sql, const int64_t *args, int n_args, row_fn row,
		void *cb, void *ctx, int limit, int64_t *next_after, const char *what)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int64_t last = 0, rows = 0;
	int rc, b = SQLITE_OK, r;
	sqlite3_stmt *st = prep(c, sql, &rc);

	for (int i = 0; !rc && i < n_args; i++)
		b |= sqlite3_bind_int64(st, i + 1, args[i]);
	if (!rc && b != SQLITE_OK)
		rc = sq__fail(c->db, b, what);
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
		rows++;
		rc = row(st, cb, ctx, &last);
	}
	if (!rc && r != SQLITE_DONE)
		rc = sq__fail(c->db, r, what);
	if (next_after)
		*next_after = !rc && limit > 0 && rows == limit ? last : 0;
	sqlite3_finalize(st);
	sq__reader_put(s, c);
	return rc;
}

static int defect_row(sqlite3_stmt *st, void *cb, void *ctx, int64_t *last)
{
	struct defect_rec d;

	memset(&d, 0, sizeof(d));
	sq__col_str(st, 1, d.code, sizeof(d.code));
	sq__col_str(st, 2, d.label, sizeof(d.label));
	if (defect_severity_parse((const char *)sqlite3_column_text(st, 3), &d.severity))
		d.severity = SEV_MINOR;
	*last = sqlite3_column_int64(st, 0);
	return ((store_defect_cb)cb)(ctx, *last, &d);
}

int sq_defects_each(struct store *s, int64_t engagement_id, store_defect_cb cb, void *ctx)
{
	int64_t a[1] = {engagement_id};

	return walk(s,
		    "SELECT engagement_id, code, label, severity FROM engagement_defects "
		    "WHERE ?1 = 0 OR engagement_id = ?1 ORDER BY engagement_id, pos",
		    a, 1, defect_row, (void *)cb, ctx, 0, NULL, "defects");
}

int sq_sampling_set(struct store *s, const struct sampling_rec *r)
{
	struct sq_conn *w = W(s);
	int rc, b;
	sqlite3_stmt *st =
	    prep(w,
		 "INSERT OR REPLACE INTO engagement_sampling(engagement_id, mode, share_pct, "
		 "lot_size, level, aql_centi, qa_skill, qa_level, hash_key, updated_at) "
		 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
		 &rc);

	if (rc)
		return rc;
	b = sqlite3_bind_int64(st, 1, r->engagement_id);
	b |= bind_text(st, 2, sampling_mode_name(r->mode));
	b |= sqlite3_bind_int(st, 3, r->share_pct);
	b |= sqlite3_bind_int64(st, 4, r->lot_size);
	b |= bind_text(st, 5, sampling_level_name(r->level));
	b |= sqlite3_bind_int(st, 6, r->aql_centi);
	b |= bind_text(st, 7, r->qa.code);
	b |= sqlite3_bind_int(st, 8, r->qa.level);
	b |= sqlite3_bind_blob(st, 9, r->key, SAMPLING_KEY_BYTES, SQLITE_TRANSIENT);
	b |= sqlite3_bind_int64(st, 10, r->updated_at);
	rc = b == SQLITE_OK ? run(w, st, "sampling set") : sq__fail(w->db, b, "sampling set");
	sqlite3_finalize(st);
	return rc;
}

static int sampling_row(sqlite3_stmt *st, void *cb, void *ctx, int64_t *last)
{
	struct sampling_rec r;
	const void *key;

	memset(&r, 0, sizeof(r));
	r.engagement_id = *last = sqlite3_column_int64(st, 0);
	if (sampling_mode_parse((const char *)sqlite3_column_text(st, 1), &r.mode))
		r.mode = SAMPLING_NONE;
	r.share_pct = sqlite3_column_int(st, 2);
	r.lot_size = sqlite3_column_int64(st, 3);
	if (sampling_level_parse((const char *)sqlite3_column_text(st, 4), &r.level))
		r.level = 5; /* general level II, the standard's default */
	r.aql_centi = sqlite3_column_int(st, 5);
	sq__col_str(st, 6, r.qa.code, sizeof(r.qa.code));
	r.qa.level = sqlite3_column_int(st, 7);
	key = sqlite3_column_blob(st, 8);
	if (key && sqlite3_column_bytes(st, 8) == SAMPLING_KEY_BYTES)
		memcpy(r.key, key, SAMPLING_KEY_BYTES);
	r.updated_at = sqlite3_column_int64(st, 9);
	return ((store_sampling_cb)cb)(ctx, &r);
}

int sq_sampling_each(struct store *s, int64_t engagement_id, store_sampling_cb cb, void *ctx)
{
	int64_t a[1] = {engagement_id};

	return walk(s,
		    "SELECT engagement_id, mode, share_pct, lot_size, level, aql_centi, qa_skill, "
		    "qa_level, hash_key, updated_at FROM engagement_sampling "
		    "WHERE ?1 = 0 OR engagement_id = ?1 ORDER BY engagement_id",
		    a, 1, sampling_row, (void *)cb, ctx, 0, NULL, "sampling");
}

int sq_review_task_put(struct store *s, struct review_task *t)
{
	struct sq_conn *w = W(s);
	int rc, b;
	sqlite3_stmt *st = prep(
	    w,
	    "INSERT OR REPLACE INTO review_tasks(id, item_id, engagement_id, client_id, lot_id, "
	    "submitter_id, item_epoch, state, reviewer_id, epoch, lease_expires, defect, field, "
	    "created_at, decided_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
	    "?13, ?14, ?15)",
	    &rc);

	if (rc)
		return rc;
	b = t->id ? sqlite3_bind_int64(st, 1, t->id) : sqlite3_bind_null(st, 1);
	b |= sqlite3_bind_int64(st, 2, t->item_id);
	b |= sqlite3_bind_int64(st, 3, t->engagement_id);
	b |= sqlite3_bind_int64(st, 4, t->client_id);
	b |= sqlite3_bind_int64(st, 5, t->lot_id);
	b |= sqlite3_bind_int64(st, 6, t->submitter_id);
	b |= sqlite3_bind_int64(st, 7, t->item_epoch);
	b |= bind_text(st, 8, review_state_name(t->state));
	b |= sqlite3_bind_int64(st, 9, t->reviewer_id);
	b |= sqlite3_bind_int64(st, 10, t->epoch);
	b |= sqlite3_bind_int64(st, 11, t->lease_expires);
	b |= bind_text(st, 12, t->defect);
	b |= bind_text(st, 13, t->field);
	b |= sqlite3_bind_int64(st, 14, t->created_at);
	b |= sqlite3_bind_int64(st, 15, t->decided_at);
	rc = b == SQLITE_OK ? run(w, st, "review task") : sq__fail(w->db, b, "review task");
	if (!rc && !t->id)
		t->id = sqlite3_last_insert_rowid(w->db);
	sqlite3_finalize(st);
	return rc;
}

static int task_row(sqlite3_stmt *st, void *cb, void *ctx, int64_t *last)
{
	struct review_task t;

	memset(&t, 0, sizeof(t));
	t.id = *last = sqlite3_column_int64(st, 0);
	t.item_id = sqlite3_column_int64(st, 1);
	t.engagement_id = sqlite3_column_int64(st, 2);
	t.client_id = sqlite3_column_int64(st, 3);
	t.lot_id = sqlite3_column_int64(st, 4);
	t.submitter_id = sqlite3_column_int64(st, 5);
	t.item_epoch = sqlite3_column_int64(st, 6);
	if (review_state_parse((const char *)sqlite3_column_text(st, 7), &t.state))
		t.state = RV_CLOSED;
	t.reviewer_id = sqlite3_column_int64(st, 8);
	t.epoch = sqlite3_column_int64(st, 9);
	t.lease_expires = sqlite3_column_int64(st, 10);
	sq__col_str(st, 11, t.defect, sizeof(t.defect));
	sq__col_str(st, 12, t.field, sizeof(t.field));
	t.created_at = sqlite3_column_int64(st, 13);
	t.decided_at = sqlite3_column_int64(st, 14);
	t.rework_count = sqlite3_column_int64(st, 15);
	return ((store_review_task_cb)cb)(ctx, &t);
}

int sq_review_task_each_open(struct store *s, store_review_task_cb cb, void *ctx)
{
	return walk(s,
		    "SELECT " TASK_COLS " FROM review_tasks t WHERE t.state IN ('held', 'waiting', "
		    "'leased') OR (t.lot_id > 0 AND t.state IN ('accepted', 'rejected') AND "
		    "(SELECT l.state FROM review_lots l WHERE l.id = t.lot_id) IN ('open', "
		    "'sampling')) ORDER BY t.id",
		    NULL, 0, task_row, (void *)cb, ctx, 0, NULL, "review tasks");
}

int sq_review_task_list(struct store *s, const struct store_page *pg, store_review_task_cb cb,
			void *ctx, int64_t *next_after)
{
	char state[32];
	int64_t a[5] = {pg->after, pg->limit, pg->engagement_id, pg->client_id, pg->worker_id};
	char sql[1024];

	snprintf(state, sizeof(state), "%s",
		 pg->state > 0 ? review_state_name((enum review_state)(pg->state - 1)) : "");
	/* The state is one of the names of core/review.c: never a caller's text. */
	snprintf(sql, sizeof(sql),
		 "SELECT " TASK_COLS " FROM review_tasks t WHERE t.id > ?1 AND (?3 = 0 OR "
		 "t.engagement_id = ?3) AND (?4 = 0 OR t.client_id = ?4) AND (?5 = 0 OR "
		 "t.reviewer_id = ?5) %s%s%s ORDER BY t.id LIMIT ?2",
		 *state ? "AND t.state = '" : "", state, *state ? "'" : "");
	return walk(s, sql, a, 5, task_row, (void *)cb, ctx, pg->limit, next_after, "review tasks");
}

int sq_lot_put(struct store *s, struct lot_rec *l)
{
	struct sq_conn *w = W(s);
	char code[2] = {l->code, 0};
	int rc, b;
	sqlite3_stmt *st =
	    prep(w,
		 "INSERT OR REPLACE INTO review_lots(" LOT_COLS ") VALUES (?1, ?2, ?3, "
		 "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
		 &rc);

	if (rc)
		return rc;
	b = l->id ? sqlite3_bind_int64(st, 1, l->id) : sqlite3_bind_null(st, 1);
	b |= sqlite3_bind_int64(st, 2, l->engagement_id);
	b |= bind_text(st, 3, lot_state_name(l->state));
	b |= sqlite3_bind_int64(st, 4, l->lot_size);
	b |= sqlite3_bind_int64(st, 5, l->size);
	b |= bind_text(st, 6, code);
	b |= sqlite3_bind_int64(st, 7, l->n);
	b |= sqlite3_bind_int(st, 8, l->ac);
	b |= sqlite3_bind_int(st, 9, l->re);
	b |= sqlite3_bind_int64(st, 10, l->rejected);
	b |= sqlite3_bind_int64(st, 11, l->decided);
	b |= bind_text(st, 12, l->defect);
	b |= sqlite3_bind_int64(st, 13, l->created_at);
	b |= sqlite3_bind_int64(st, 14, l->closed_at);
	rc = b == SQLITE_OK ? run(w, st, "lot") : sq__fail(w->db, b, "lot");
	if (!rc && !l->id)
		l->id = sqlite3_last_insert_rowid(w->db);
	sqlite3_finalize(st);
	return rc;
}

static int lot_row(sqlite3_stmt *st, void *cb, void *ctx, int64_t *last)
{
	struct lot_rec l;
	const unsigned char *code;
	const char *state = (const char *)sqlite3_column_text(st, 2);

	memset(&l, 0, sizeof(l));
	l.id = *last = sqlite3_column_int64(st, 0);
	l.engagement_id = sqlite3_column_int64(st, 1);
	for (int i = 0; i < LOT__COUNT; i++)
		if (state && !strcmp(state, lot_state_name((enum lot_state)i)))
			l.state = (enum lot_state)i;
	l.lot_size = sqlite3_column_int64(st, 3);
	l.size = sqlite3_column_int64(st, 4);
	code = sqlite3_column_text(st, 5);
	l.code = code && *code ? (char)code[0] : 0;
	l.n = sqlite3_column_int64(st, 6);
	l.ac = sqlite3_column_int(st, 7);
	l.re = sqlite3_column_int(st, 8);
	l.rejected = sqlite3_column_int64(st, 9);
	l.decided = sqlite3_column_int64(st, 10);
	sq__col_str(st, 11, l.defect, sizeof(l.defect));
	l.created_at = sqlite3_column_int64(st, 12);
	l.closed_at = sqlite3_column_int64(st, 13);
	return ((store_lot_cb)cb)(ctx, &l);
}

int sq_lot_each_open(struct store *s, store_lot_cb cb, void *ctx)
{
	return walk(s,
		    "SELECT " LOT_COLS " FROM review_lots WHERE state IN ('open', 'sampling') "
		    "ORDER BY id",
		    NULL, 0, lot_row, (void *)cb, ctx, 0, NULL, "lots");
}

int sq_lot_list(struct store *s, const struct store_page *pg, store_lot_cb cb, void *ctx,
		int64_t *next_after)
{
	int64_t a[3] = {pg->after, pg->limit, pg->engagement_id};

	return walk(s,
		    "SELECT " LOT_COLS " FROM review_lots WHERE id > ?1 AND (?3 = 0 OR "
		    "engagement_id = ?3) ORDER BY id LIMIT ?2",
		    a, 3, lot_row, (void *)cb, ctx, pg->limit, next_after, "lots");
}
