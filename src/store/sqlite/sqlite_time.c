/* sqlite_time.c - time entries, billing periods and assessments in SQLite (notes and answers sealed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#define W(base) (&sq__of(base)->writer)

/*
 * Only the work entry of a lease end is on a hot path (one per submit and
 * expiry): its INSERT is cached (SQ_TIME_INSERT). The rest, a handful per
 * manual entry, correction or period, is prepared per call.
 */
static sqlite3_stmt *prep(struct sq_conn *c, const char *sql, int *rc)
{
	return sq__prep(c, sql, "time statement", rc);
}

/* ------------------------------------------------------------------ */
/* Time entries                                                        */
/* ------------------------------------------------------------------ */

#define TE_COLS                                                                                    \
	"id, engagement_id, client_id, worker_id, item_id, milestone_id, kind, started_at, "      \
	"ended_at, duration_ms, billable, corrected_from, superseded_by, created_at, created_by, " \
	"note"

static struct store_seal_ad te_ad(const struct time_entry *t)
{
	return (struct store_seal_ad){t->client_id, "time_entry", t->id, "note"};
}

/* Columns 0..14 of TE_COLS into t; the note (column 15) opened when s is given. */
static int te_decode(struct store *s, sqlite3_stmt *st, struct time_entry *t)
{
	struct store_seal_ad ad;
	char *note = NULL;
	int rc;

	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, 0);
	t->engagement_id = sqlite3_column_int64(st, 1);
	t->client_id = sqlite3_column_int64(st, 2);
	t->worker_id = sqlite3_column_int64(st, 3);
	t->item_id = sqlite3_column_int64(st, 4);
	t->milestone_id = sqlite3_column_int64(st, 5);
	t->kind = sqlite3_column_int64(st, 6) == TIME_MANUAL ? TIME_MANUAL : TIME_WORK;
	t->started_at = sqlite3_column_int64(st, 7);
	t->ended_at = sqlite3_column_int64(st, 8);
	t->duration_ms = sqlite3_column_int64(st, 9);
	t->billable = sqlite3_column_int64(st, 10) != 0;
	t->corrected_from = sqlite3_column_int64(st, 11);
	t->superseded_by = sqlite3_column_int64(st, 12);
	t->created_at = sqlite3_column_int64(st, 13);
	t->created_by = sqlite3_column_int64(st, 14);
	if (!s || sqlite3_column_type(st, 15) == SQLITE_NULL)
		return 0;
	ad = te_ad(t);
	rc = sq__open_col(s, st, 15, &ad, &note, "time entry read");
	if (!rc && note)
		snprintf(t->note, sizeof(t->note), "%s", note);
	free(note);
	return rc;
}

int sq_time_entry_insert(struct store *s, struct time_entry *t)
{
	struct sq_conn *w = W(s);
	const int64_t v[] = {t->engagement_id, t->client_id,   t->worker_id,	t->item_id,
			     t->milestone_id,  t->kind,	       t->started_at,	t->ended_at,
			     t->duration_ms,   t->billable,    t->corrected_from, t->superseded_by,
			     t->created_at,    t->created_by};
	struct store_seal_ad ad;
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_TIME_INSERT, &rc);

	if (!st)
		return rc;
	rc = sq__bind_i64s(st, 1, v, (int)(sizeof(v) / sizeof(v[0])));
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t->id = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "time entry insert");
	sq__done(st);
	if (rc || !t->note[0])
		return rc;
	/* The note is sealed under the row's own id: written once the id is known. */
	st = prep(w, "UPDATE time_entries SET note = ?2 WHERE id = ?1", &rc);
	if (!st)
		return rc;
	ad = te_ad(t);
	rc = sqlite3_bind_int64(st, 1, t->id);
	rc = rc == SQLITE_OK ? 0 : sq__fail(w->db, rc, "time entry note");
	if (!rc)
		rc = sq__seal_bind(s, st, 2, &ad, t->note, "time entry note");
	if (!rc) {
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "time entry note");
	}
	sqlite3_finalize(st);
	return rc;
}

int sq_time_entry_update(struct store *s, const struct time_entry *t)
{
	struct sq_conn *w = W(s);
	int rc;
	sqlite3_stmt *st = prep(w,
				"UPDATE time_entries SET ended_at = ?2, duration_ms = ?3, "
				"billable = ?4, superseded_by = ?5 WHERE id = ?1",
				&rc);

	if (!st)
		return rc;
	rc = sq__bind_i64s(st, 1,
		       (const int64_t[]){t->id, t->ended_at, t->duration_ms, t->billable,
					 t->superseded_by},
		       5);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "time entry update");
	if (!rc && !sqlite3_changes(w->db))
		rc = sq__error(ERR_NOTFOUND, "time entry %lld not found", (long long)t->id);
	sqlite3_finalize(st);
	return rc;
}

/* One entry by the statement's ?1 (an id); s given: its note opened. */
static int te_one(struct store *s, struct sq_conn *c, const char *sql, int64_t key,
		  struct time_entry *out, const char *missing)
{
	int rc;
	sqlite3_stmt *st = prep(c, sql, &rc);

	memset(out, 0, sizeof(*out));
	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, key);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = te_decode(s, st, out);
	else if (rc == SQLITE_DONE)
		rc = sq__error(ERR_NOTFOUND, "%s %lld", missing, (long long)key);
	else
		rc = sq__fail(c->db, rc, "time entry read");
	sqlite3_finalize(st);
	return rc;
}

int sq_time_entry_state_get(struct store *s, int64_t id, struct time_entry *out)
{
	return te_one(NULL, W(s), "SELECT " TE_COLS " FROM time_entries WHERE id = ?1", id, out,
		      "no time entry");
}

int sq_time_running_get(struct store *s, int64_t worker_id, struct time_entry *out)
{
	return te_one(NULL, W(s),
		      "SELECT " TE_COLS " FROM time_entries WHERE worker_id = ?1 AND ended_at = 0 "
		      "AND superseded_by = 0 ORDER BY id LIMIT 1",
		      worker_id, out, "no running timer of worker");
}

int sq_time_entry_get(struct store *base, int64_t id, struct time_entry *out)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	int rc = te_one(base, c, "SELECT " TE_COLS " FROM time_entries WHERE id = ?1", id, out,
			"no time entry");

	sq__reader_put(sq__of(base), c);
	return rc;
}

int sq_time_entries_each(struct store *base, const struct time_filter *f, store_time_cb cb,
			 void *ctx, int64_t *next_after)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	struct time_entry t;
	int64_t last = 0, rows = 0;
	int rc, step;
	/* ?8 = 0: no limit (LIMIT -1). The range uses time_entries_eng when an engagement is named. */
	sqlite3_stmt *st = prep(
	    c,
	    "SELECT " TE_COLS " FROM time_entries WHERE id > ?1 "
	    "AND (?2 = 0 OR engagement_id = ?2) AND (?3 = 0 OR client_id = ?3) "
	    "AND (?4 = 0 OR worker_id = ?4) AND (?5 = 0 OR item_id = ?5) "
	    "AND started_at >= ?6 AND (?7 = 0 OR started_at < ?7) "
	    "AND (?9 != 0 OR superseded_by = 0) ORDER BY id LIMIT ?8",
	    &rc);

	if (next_after)
		*next_after = 0;
	if (st) {
		rc = sq__bind_i64s(st, 1,
			       (const int64_t[]){f->after, f->engagement_id, f->client_id,
						 f->worker_id, f->item_id, f->from, f->to,
						 f->limit > 0 ? f->limit : -1, f->with_superseded},
			       9);
		rc = rc == SQLITE_OK ? 0 : sq__fail(c->db, rc, "time entries");
		while (!rc) {
			step = sqlite3_step(st);
			if (step == SQLITE_DONE)
				break;
			if (step != SQLITE_ROW) {
				rc = sq__fail(c->db, step, "time entries");
				break;
			}
			if ((rc = te_decode(f->with_note ? base : NULL, st, &t)))
				break;
			rows++;
			last = t.id;
			rc = cb(ctx, &t);
		}
		sqlite3_finalize(st);
	}
	if (next_after && !rc && f->limit > 0 && rows == f->limit)
		*next_after = last;
	sq__reader_put(sq__of(base), c);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Billing periods                                                     */
/* ------------------------------------------------------------------ */

#define BP_COLS                                                                                    \
	"id, engagement_id, client_id, kind, starts_at, ends_at, label, state, created_at, "      \
	"created_by, approved_at, approved_by, locked_at, locked_by"

static void bp_decode(sqlite3_stmt *st, struct billing_period *p)
{
	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(st, 0);
	p->engagement_id = sqlite3_column_int64(st, 1);
	p->client_id = sqlite3_column_int64(st, 2);
	p->kind = sqlite3_column_int64(st, 3) == PERIOD_MONTH ? PERIOD_MONTH : PERIOD_WEEK;
	p->starts_at = sqlite3_column_int64(st, 4);
	p->ends_at = sqlite3_column_int64(st, 5);
	sq__col_str(st, 6, p->label, sizeof(p->label));
	p->state = (enum period_state)sqlite3_column_int64(st, 7);
	if ((unsigned)p->state >= PERIOD_STATE__COUNT)
		p->state = PERIOD_LOCKED; /* unknown: the safe reading */
	p->created_at = sqlite3_column_int64(st, 8);
	p->created_by = sqlite3_column_int64(st, 9);
	p->approved_at = sqlite3_column_int64(st, 10);
	p->approved_by = sqlite3_column_int64(st, 11);
	p->locked_at = sqlite3_column_int64(st, 12);
	p->locked_by = sqlite3_column_int64(st, 13);
}

int sq_period_insert(struct store *s, struct billing_period *p)
{
	struct sq_conn *w = W(s);
	int rc;
	sqlite3_stmt *st = prep(w,
				"INSERT INTO billing_periods(engagement_id, client_id, kind, "
				"starts_at, ends_at, label, state, created_at, created_by) VALUES "
				"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
				&rc);

	if (!st)
		return rc;
	rc = sq__bind_i64s(st, 1,
		       (const int64_t[]){p->engagement_id, p->client_id, p->kind, p->starts_at,
					 p->ends_at},
		       5);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 6, p->label, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sq__bind_i64s(st, 7, (const int64_t[]){p->state, p->created_at, p->created_by}, 3);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		p->id = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "period insert");
	sqlite3_finalize(st);
	return rc;
}

int sq_period_update(struct store *s, const struct billing_period *p)
{
	struct sq_conn *w = W(s);
	int rc;
	sqlite3_stmt *st = prep(w,
				"UPDATE billing_periods SET state = ?2, approved_at = ?3, "
				"approved_by = ?4, locked_at = ?5, locked_by = ?6 WHERE id = ?1",
				&rc);

	if (!st)
		return rc;
	rc = sq__bind_i64s(st, 1,
		       (const int64_t[]){p->id, p->state, p->approved_at, p->approved_by,
					 p->locked_at, p->locked_by},
		       6);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "period update");
	if (!rc && !sqlite3_changes(w->db))
		rc = sq__error(ERR_NOTFOUND, "period %lld not found", (long long)p->id);
	sqlite3_finalize(st);
	return rc;
}

/* The one row of a bound period statement into out (ERR_NOTFOUND: none). */
static int bp_one(struct sq_conn *c, sqlite3_stmt *st, int rc, struct billing_period *out,
		  const char *what)
{
	memset(out, 0, sizeof(*out));
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		bp_decode(st, out);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = sq__error(ERR_NOTFOUND, "%s: no such period", what);
	} else {
		rc = sq__fail(c->db, rc, what);
	}
	sqlite3_finalize(st);
	return rc;
}

int sq_period_find(struct store *s, int64_t engagement_id, int64_t from, int64_t to,
		   struct billing_period *out)
{
	struct sq_conn *w = W(s);
	int rc;
	sqlite3_stmt *st = prep(w,
				"SELECT " BP_COLS " FROM billing_periods WHERE engagement_id = ?1 "
				"AND starts_at < ?3 AND ends_at > ?2 ORDER BY starts_at LIMIT 1",
				&rc);

	if (!st)
		return rc;
	return bp_one(w, st, sq__bind_i64s(st, 1, (const int64_t[]){engagement_id, from, to}, 3), out,
		      "period find");
}

int sq_period_get(struct store *base, int64_t id, struct billing_period *out)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	int rc;
	sqlite3_stmt *st = prep(c, "SELECT " BP_COLS " FROM billing_periods WHERE id = ?1", &rc);

	if (st)
		rc = bp_one(c, st, sqlite3_bind_int64(st, 1, id), out, "period read");
	sq__reader_put(sq__of(base), c);
	return rc;
}

int sq_period_at(struct store *base, int64_t engagement_id, int64_t at, struct billing_period *out)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	int rc;
	sqlite3_stmt *st = prep(c,
				"SELECT " BP_COLS " FROM billing_periods WHERE engagement_id = ?1 "
				"AND starts_at <= ?2 AND ends_at > ?2 ORDER BY starts_at LIMIT 1",
				&rc);

	if (st)
		rc = bp_one(c, st, sq__bind_i64s(st, 1, (const int64_t[]){engagement_id, at}, 2), out,
			    "period read");
	sq__reader_put(sq__of(base), c);
	return rc;
}

int sq_period_list(struct store *base, const struct store_page *pg, store_period_cb cb, void *ctx,
		   int64_t *next_after)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	struct billing_period p;
	int64_t last = 0, rows = 0;
	int rc, step;
	sqlite3_stmt *st = prep(c,
				"SELECT " BP_COLS " FROM billing_periods WHERE id > ?1 "
				"AND (?3 = 0 OR engagement_id = ?3) AND (?4 = 0 OR client_id = ?4) "
				"ORDER BY id LIMIT ?2",
				&rc);

	if (next_after)
		*next_after = 0;
	if (st) {
		rc = sq__bind_i64s(st, 1,
			       (const int64_t[]){pg->after, pg->limit > 0 ? pg->limit : -1,
						 pg->engagement_id, pg->client_id},
			       4);
		rc = rc == SQLITE_OK ? 0 : sq__fail(c->db, rc, "periods");
		while (!rc) {
			step = sqlite3_step(st);
			if (step == SQLITE_DONE)
				break;
			if (step != SQLITE_ROW) {
				rc = sq__fail(c->db, step, "periods");
				break;
			}
			bp_decode(st, &p);
			rows++;
			last = p.id;
			rc = cb(ctx, &p);
		}
		sqlite3_finalize(st);
	}
	if (next_after && !rc && pg->limit > 0 && rows == pg->limit)
		*next_after = last;
	sq__reader_put(sq__of(base), c);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Assessments                                                         */
/* ------------------------------------------------------------------ */

void assessment_rec_release(struct assessment_rec *a)
{
	free(a->answers);
	free(a->result);
	a->answers = a->result = NULL;
}

static struct store_seal_ad as_ad(const struct assessment_rec *a, const char *field)
{
	return (struct store_seal_ad){a->client_id, "assessment", a->id, field};
}

int sq_assessment_insert(struct store *s, struct assessment_rec *a)
{
	struct sq_conn *w = W(s);
	struct store_seal_ad x, y;
	int rc;
	sqlite3_stmt *st = prep(w,
				"INSERT INTO assessments(client_id, created_at, created_by, "
				"recommendation) VALUES (?1, ?2, ?3, ?4) RETURNING id",
				&rc);

	if (!st)
		return rc;
	rc = sq__bind_i64s(st, 1, (const int64_t[]){a->client_id, a->created_at, a->created_by}, 3);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 4, a->recommendation, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		a->id = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "assessment insert");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	st = prep(w, "UPDATE assessments SET answers = ?2, result = ?3 WHERE id = ?1", &rc);
	if (!st)
		return rc;
	x = as_ad(a, "answers");
	y = as_ad(a, "result");
	rc = sqlite3_bind_int64(st, 1, a->id);
	rc = rc == SQLITE_OK ? 0 : sq__fail(w->db, rc, "assessment insert");
	if (!rc)
		rc = sq__seal_bind(s, st, 2, &x, a->answers, "assessment insert");
	if (!rc)
		rc = sq__seal_bind(s, st, 3, &y, a->result, "assessment insert");
	if (!rc) {
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "assessment insert");
	}
	sqlite3_finalize(st);
	return rc;
}

#define AS_COLS "id, client_id, created_at, created_by, recommendation, answers, result"

static void as_decode(sqlite3_stmt *st, struct assessment_rec *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	a->client_id = sqlite3_column_int64(st, 1);
	a->created_at = sqlite3_column_int64(st, 2);
	a->created_by = sqlite3_column_int64(st, 3);
	sq__col_str(st, 4, a->recommendation, sizeof(a->recommendation));
}

int sq_assessment_get(struct store *base, int64_t id, struct assessment_rec *out)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	struct store_seal_ad x, y;
	int rc;
	sqlite3_stmt *st = prep(c, "SELECT " AS_COLS " FROM assessments WHERE id = ?1", &rc);

	memset(out, 0, sizeof(*out));
	if (st) {
		rc = sqlite3_bind_int64(st, 1, id);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			as_decode(st, out);
			x = as_ad(out, "answers");
			y = as_ad(out, "result");
			rc = sq__open_col(base, st, 5, &x, &out->answers, "assessment read");
			if (!rc)
				rc = sq__open_col(base, st, 6, &y, &out->result, "assessment read");
			if (rc)
				assessment_rec_release(out);
		} else if (rc == SQLITE_DONE) {
			rc = sq__error(ERR_NOTFOUND, "no assessment %lld", (long long)id);
		} else {
			rc = sq__fail(c->db, rc, "assessment read");
		}
		sqlite3_finalize(st);
	}
	sq__reader_put(sq__of(base), c);
	return rc;
}

int sq_assessment_list(struct store *base, const struct store_page *pg, store_assessment_cb cb,
		       void *ctx, int64_t *next_after)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	struct assessment_rec a;
	int64_t last = 0, rows = 0;
	int rc, step;
	sqlite3_stmt *st = prep(c,
				"SELECT " AS_COLS " FROM assessments WHERE id > ?1 "
				"AND (?3 = 0 OR client_id = ?3) ORDER BY id LIMIT ?2",
				&rc);

	if (next_after)
		*next_after = 0;
	if (st) {
		rc = sq__bind_i64s(st, 1,
			       (const int64_t[]){pg->after, pg->limit > 0 ? pg->limit : -1,
						 pg->client_id},
			       3);
		rc = rc == SQLITE_OK ? 0 : sq__fail(c->db, rc, "assessments");
		while (!rc) {
			step = sqlite3_step(st);
			if (step == SQLITE_DONE)
				break;
			if (step != SQLITE_ROW) {
				rc = sq__fail(c->db, step, "assessments");
				break;
			}
			as_decode(st, &a);
			rows++;
			last = a.id;
			rc = cb(ctx, &a);
		}
		sqlite3_finalize(st);
	}
	if (next_after && !rc && pg->limit > 0 && rows == pg->limit)
		*next_after = last;
	sq__reader_put(sq__of(base), c);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Writer reads of the open transaction                                */
/* ------------------------------------------------------------------ */

int sq_period_find_id(struct store *s, int64_t id, struct billing_period *out)
{
	struct sq_conn *w = W(s);
	int rc;
	sqlite3_stmt *st = prep(w, "SELECT " BP_COLS " FROM billing_periods WHERE id = ?1", &rc);

	return st ? bp_one(w, st, sqlite3_bind_int64(st, 1, id), out, "period read") : rc;
}

int sq_time_running_count(struct store *s, int64_t engagement_id, int64_t before, int64_t *n)
{
	struct sq_conn *w = W(s);
	int rc;
	sqlite3_stmt *st = prep(w,
				"SELECT count(*) FROM time_entries WHERE engagement_id = ?1 AND "
				"ended_at = 0 AND superseded_by = 0 AND started_at < ?2",
				&rc);

	*n = 0;
	if (!st)
		return rc;
	rc = sq__bind_i64s(st, 1, (const int64_t[]){engagement_id, before}, 2);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		rc = 0;
	} else {
		rc = sq__fail(w->db, rc, "running timers");
	}
	sqlite3_finalize(st);
	return rc;
}
