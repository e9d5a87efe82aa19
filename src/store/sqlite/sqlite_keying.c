/* sqlite_keying.c - keying in SQLite: an engagement's settings, items' answers (sealed), their decisions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

/*
 * Statements of their own, prepared for each call and finalized after it
 * rather than in the shared statement cache: they run once per keyed
 * submit, settings change or page read, where preparing costs little
 * beside the write, and keying stays one file of the backend.
 *
 * Sealed columns: item_answers.result (record "item_answer", the item's id,
 * field "result:<worker id>": one worker answers an item once, UNIQUE), and
 * item_decisions.label and .diff (record "item_decision", the item's id). Item
 * ids are never given twice (id_high), so a value moved to another row does
 * not open.
 */

#define W(base) (&sq__of(base)->writer)

static const char *const keying_cols =
    "engagement_id, mode, k, max_k, min_confidence, field, aggregate, updated_at";
static const char *const answer_cols =
    "id, item_id, engagement_id, client_id, worker_id, epoch, at, kind, result";
static const char *const ik_cols = "item_id, engagement_id, client_id, phase, answers, method, "
				   "confidence, label, diff, decided_at";

static int prep(sqlite3 *db, const char *sql, sqlite3_stmt **st, const char *what)
{
	int rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);

	return rc == SQLITE_OK ? 0 : sq__fail(db, rc, what);
}

/* Steps st to its end (a write). */
static int run(sqlite3 *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	return rc == SQLITE_DONE ? 0 : sq__fail(db, rc, what);
}

static void answer_field(int64_t worker_id, char *out, size_t n)
{
	snprintf(out, n, "result:%lld", (long long)worker_id);
}

/* ---------------------------------------------------------------- settings */

static int keying_decode(sqlite3_stmt *st, struct keying_conf *c)
{
	const char *mode = (const char *)sqlite3_column_text(st, 1);
	const char *agg = (const char *)sqlite3_column_text(st, 6);

	memset(c, 0, sizeof(*c));
	c->engagement_id = sqlite3_column_int64(st, 0);
	if (!mode || keying_mode_parse(mode, &c->mode) || !agg ||
	    keying_agg_parse(agg, &c->aggregate))
		return sq__error(ERR_IO, "keying of engagement %lld: unknown mode or aggregate",
				 (long long)c->engagement_id);
	c->k = sqlite3_column_int(st, 2);
	c->max_k = sqlite3_column_int(st, 3);
	c->min_confidence = sqlite3_column_double(st, 4);
	sq__col_str(st, 5, c->field, sizeof(c->field));
	c->updated_at = sqlite3_column_int64(st, 7);
	return 0;
}

int sq_keying_put(struct store *s, const struct keying_conf *c)
{
	sqlite3 *db = W(s)->db;
	sqlite3_stmt *st = NULL;
	char sql[512];
	int rc;

	snprintf(sql, sizeof(sql),
		 "INSERT OR REPLACE INTO engagement_answering(%s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		 "?8)",
		 keying_cols);
	if ((rc = prep(db, sql, &st, "keying put")))
		return rc;
	if (sqlite3_bind_int64(st, 1, c->engagement_id) ||
	    sqlite3_bind_text(st, 2, keying_mode_name(c->mode), -1, SQLITE_STATIC) ||
	    sqlite3_bind_int(st, 3, c->k) || sqlite3_bind_int(st, 4, c->max_k) ||
	    sqlite3_bind_double(st, 5, c->min_confidence) ||
	    sqlite3_bind_text(st, 6, c->field, -1, SQLITE_STATIC) ||
	    sqlite3_bind_text(st, 7, keying_agg_name(c->aggregate), -1, SQLITE_STATIC) ||
	    sqlite3_bind_int64(st, 8, c->updated_at))
		rc = sq__fail(db, sqlite3_errcode(db), "keying put");
	else
		rc = run(db, st, "keying put");
	sqlite3_finalize(st);
	return rc;
}

/* The settings of one engagement (id > 0) or of all (0) to fn, on connection db. */
static int keying_rows(sqlite3 *db, int64_t id, int (*fn)(void *ctx, const struct keying_conf *c),
		       void *ctx)
{
	sqlite3_stmt *st = NULL;
	struct keying_conf c;
	char sql[512];
	int rc, n = 0;

	snprintf(sql, sizeof(sql),
		 "SELECT %s FROM engagement_answering WHERE ?1 = 0 OR engagement_id = ?1 ORDER BY "
		 "engagement_id",
		 keying_cols);
	if ((rc = prep(db, sql, &st, "keying read")))
		return rc;
	rc = sqlite3_bind_int64(st, 1, id);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		if ((rc = keying_decode(st, &c)) || (rc = fn(ctx, &c)))
			goto out;
		rc = SQLITE_OK;
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(db, rc, "keying read");
	if (!rc && id && !n)
		rc = ERR_NOTFOUND;
out:
	sqlite3_finalize(st);
	return rc;
}

static int copy_conf(void *ctx, const struct keying_conf *c)
{
	*(struct keying_conf *)ctx = *c;
	return 0;
}

int sq_keying_get(struct store *base, int64_t engagement_id, struct keying_conf *out)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc = keying_rows(c->db, engagement_id ? engagement_id : -1, copy_conf, out);

	sq__reader_put(s, c);
	return rc;
}

/* ---------------------------------------------------------------- answers */

int sq_answer_add(struct store *s, struct answer_rec *a)
{
	sqlite3 *db = W(s)->db;
	sqlite3_stmt *st = NULL;
	char field[48];
	struct store_seal_ad ad = {a->client_id, "item_answer", a->item_id, field};
	int rc;

	answer_field(a->worker_id, field, sizeof(field));
	if ((rc = prep(db,
		       "INSERT INTO item_answers(item_id, engagement_id, client_id, worker_id, "
		       "epoch, at, kind, result) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		       &st, "answer add")))
		return rc;
	if (sqlite3_bind_int64(st, 1, a->item_id) || sqlite3_bind_int64(st, 2, a->engagement_id) ||
	    sqlite3_bind_int64(st, 3, a->client_id) || sqlite3_bind_int64(st, 4, a->worker_id) ||
	    sqlite3_bind_int64(st, 5, a->epoch) || sqlite3_bind_int64(st, 6, a->at) ||
	    sqlite3_bind_int(st, 7, (int)a->kind))
		rc = sq__fail(db, sqlite3_errcode(db), "answer add");
	if (!rc)
		rc = sq__seal_bind(s, st, 8, &ad, a->result, "answer add");
	if (!rc)
		rc = run(db, st, "answer add");
	if (!rc)
		a->id = sqlite3_last_insert_rowid(db);
	sqlite3_finalize(st);
	return rc;
}

/* One answer's columns (answer_cols' order), its result not read. */
static void answer_row(sqlite3_stmt *st, struct answer_rec *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	a->item_id = sqlite3_column_int64(st, 1);
	a->engagement_id = sqlite3_column_int64(st, 2);
	a->client_id = sqlite3_column_int64(st, 3);
	a->worker_id = sqlite3_column_int64(st, 4);
	a->epoch = sqlite3_column_int64(st, 5);
	a->at = sqlite3_column_int64(st, 6);
	a->kind = (enum answer_kind)sqlite3_column_int(st, 7);
}

/*
 * Answers on connection db: of item_id (> 0) in id order, or the newest
 * `limit` of engagement_id (newest first); with_result opens the sealed
 * result (else NULL). Each to fn, the result valid during the call.
 */
static int answer_rows(struct store *s, sqlite3 *db, int64_t engagement_id, int64_t item_id,
		       int limit, bool with_result,
		       int (*fn)(void *ctx, const struct answer_rec *a), void *ctx)
{
	sqlite3_stmt *st = NULL;
	char sql[512];
	int rc;

	if (item_id)
		snprintf(sql, sizeof(sql), "SELECT %s FROM item_answers WHERE item_id = ?1 ORDER BY id",
			 answer_cols);
	else
		snprintf(sql, sizeof(sql),
			 "SELECT %s FROM item_answers WHERE engagement_id = ?1 ORDER BY id DESC "
			 "LIMIT ?2",
			 answer_cols);
	if ((rc = prep(db, sql, &st, "answers read")))
		return rc;
	rc = sqlite3_bind_int64(st, 1, item_id ? item_id : engagement_id);
	if (rc == SQLITE_OK && !item_id)
		rc = sqlite3_bind_int(st, 2, limit);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct answer_rec a;
		char field[48];

		answer_row(st, &a);
		if (with_result) {
			struct store_seal_ad ad = {a.client_id, "item_answer", a.item_id, field};

			answer_field(a.worker_id, field, sizeof(field));
			if ((rc = sq__open_col(s, st, 8, &ad, &a.result, "answers read")))
				goto out;
		}
		rc = fn(ctx, &a);
		free(a.result);
		if (rc)
			goto out;
		rc = SQLITE_OK;
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(db, rc, "answers read");
out:
	sqlite3_finalize(st);
	return rc;
}

int sq_answer_walk(struct store *base, bool writer, int64_t engagement_id, int64_t item_id,
		   int limit, int (*fn)(void *ctx, const struct answer_rec *a), void *ctx)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = writer ? &s->writer : sq__reader_get(s);
	int rc = answer_rows(base, c->db, engagement_id, item_id, limit, true, fn, ctx);

	if (!writer)
		sq__reader_put(s, c);
	return rc;
}

/* ---------------------------------------------------------------- decisions */

int sq_item_keying_put(struct store *s, const struct item_keying_rec *r)
{
	sqlite3 *db = W(s)->db;
	sqlite3_stmt *st = NULL;
	struct store_seal_ad ad = {r->client_id, "item_decision", r->item_id, "label"};
	char sql[512];
	int rc;

	snprintf(sql, sizeof(sql),
		 "INSERT INTO item_decisions(%s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
		 "ON CONFLICT(item_id) DO UPDATE SET phase = ?4, answers = ?5, method = ?6, "
		 "confidence = ?7, label = COALESCE(?8, label), diff = COALESCE(?9, diff), "
		 "decided_at = ?10",
		 ik_cols);
	if ((rc = prep(db, sql, &st, "item keying put")))
		return rc;
	if (sqlite3_bind_int64(st, 1, r->item_id) || sqlite3_bind_int64(st, 2, r->engagement_id) ||
	    sqlite3_bind_int64(st, 3, r->client_id) || sqlite3_bind_int(st, 4, (int)r->phase) ||
	    sqlite3_bind_int(st, 5, r->answers) ||
	    sqlite3_bind_text(st, 6, r->method, -1, SQLITE_STATIC) ||
	    sqlite3_bind_double(st, 7, r->confidence) || sqlite3_bind_int64(st, 10, r->decided_at))
		rc = sq__fail(db, sqlite3_errcode(db), "item keying put");
	if (!rc)
		rc = sq__seal_bind(s, st, 8, &ad, r->label, "item keying put");
	ad.field = "diff";
	if (!rc)
		rc = sq__seal_bind(s, st, 9, &ad, r->diff, "item keying put");
	if (!rc)
		rc = run(db, st, "item keying put");
	sqlite3_finalize(st);
	return rc;
}

/* The current row of st (ik_cols) into r; with_text opens label and diff (malloc'd). */
static int ik_decode(struct store *s, sqlite3_stmt *st, bool with_text, struct item_keying_rec *r)
{
	struct store_seal_ad ad = {0, "item_decision", 0, "label"};
	int rc;

	memset(r, 0, sizeof(*r));
	r->item_id = sqlite3_column_int64(st, 0);
	r->engagement_id = sqlite3_column_int64(st, 1);
	r->client_id = sqlite3_column_int64(st, 2);
	r->phase = (enum keying_phase)sqlite3_column_int(st, 3);
	r->answers = sqlite3_column_int(st, 4);
	sq__col_str(st, 5, r->method, sizeof(r->method));
	r->confidence = sqlite3_column_double(st, 6);
	r->decided_at = sqlite3_column_int64(st, 9);
	if (!with_text)
		return 0;
	ad.client_id = r->client_id;
	ad.record_id = r->item_id;
	if ((rc = sq__open_col(s, st, 7, &ad, &r->label, "item keying read")))
		return rc;
	ad.field = "diff";
	if ((rc = sq__open_col(s, st, 8, &ad, &r->diff, "item keying read"))) {
		free(r->label);
		r->label = NULL;
	}
	return rc;
}

int sq_item_keying_get(struct store *base, int64_t item_id, struct item_keying_rec *out)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	sqlite3_stmt *st = NULL;
	char sql[256];
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(sql, sizeof(sql), "SELECT %s FROM item_decisions WHERE item_id = ?1", ik_cols);
	if ((rc = prep(c->db, sql, &st, "item keying get")))
		goto out;
	rc = sqlite3_bind_int64(st, 1, item_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = ik_decode(base, st, true, out);
	else if (rc == SQLITE_DONE)
		rc = ERR_NOTFOUND;
	else
		rc = sq__fail(c->db, rc, "item keying get");
out:
	sqlite3_finalize(st);
	sq__reader_put(s, c);
	return rc;
}

int sq_item_keying_list(struct store *base, int64_t engagement_id, int64_t after, int limit,
			int (*fn)(void *ctx, const struct item_keying_rec *r), void *ctx,
			int64_t *next_after)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	sqlite3_stmt *st = NULL;
	char sql[512];
	int rc, n = 0;
	int64_t last = 0;

	*next_after = 0;
	snprintf(sql, sizeof(sql),
		 "SELECT %s FROM item_decisions WHERE engagement_id = ?1 AND item_id > ?2 ORDER BY "
		 "item_id LIMIT ?3",
		 ik_cols);
	if ((rc = prep(c->db, sql, &st, "consensus list")))
		goto out;
	rc = sqlite3_bind_int64(st, 1, engagement_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, after);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 3, limit);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct item_keying_rec r;

		if ((rc = ik_decode(base, st, true, &r)))
			goto out;
		rc = fn(ctx, &r);
		free(r.label);
		free(r.diff);
		if (rc)
			goto out;
		last = r.item_id;
		n++;
		rc = SQLITE_OK;
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(c->db, rc, "consensus list");
	if (!rc && n == limit)
		*next_after = last;
out:
	sqlite3_finalize(st);
	sq__reader_put(s, c);
	return rc;
}

/* ---------------------------------------------------------------- recovery */

struct load_ctx {
	const struct store_keying_load *l;
	void *ctx;
};

static int load_answer(void *ctx, const struct answer_rec *a)
{
	struct load_ctx *lc = ctx;

	return lc->l->answer(lc->ctx, a);
}

/*
 * The SELECT of an open item's rows of table (item_id its column): a table
 * of few rows is walked looking up each row's item; a large one from the
 * open items (sq__few_rows: the cost of the smaller).
 */
static void open_rows_sql(sqlite3 *db, char *sql, size_t size, const char *table,
			  const char *cols, const char *order)
{
	if (sq__few_rows(db, table))
		snprintf(sql, size,
			 "SELECT %s FROM %s WHERE EXISTS (SELECT 1 FROM items i WHERE "
			 "i.id = %s.item_id AND " SQ_OPEN_WHERE_AS("i.") ") ORDER BY %s",
			 cols, table, table, order);
	else
		snprintf(sql, size,
			 "SELECT %s FROM %s WHERE item_id IN (SELECT id FROM items INDEXED BY "
			 "items_open WHERE " SQ_OPEN_WHERE ") ORDER BY %s",
			 cols, table, order);
}

int sq_keying_load(struct store *s, const struct store_keying_load *l, void *ctx)
{
	sqlite3 *db = W(s)->db;
	sqlite3_stmt *st = NULL;
	struct load_ctx lc = {l, ctx};
	char sql[512];
	int rc;

	if ((rc = keying_rows(db, 0, l->conf, ctx)))
		return rc;
	/* Only the open items' keying and answers: closed items are not live. */
	open_rows_sql(db, sql, sizeof(sql), "item_decisions", ik_cols, "item_id");
	if ((rc = prep(db, sql, &st, "keying load")))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct item_keying_rec r;

		if ((rc = ik_decode(s, st, false, &r)) || (rc = l->item(ctx, &r)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(db, rc, "keying load");
	sqlite3_finalize(st);
	st = NULL;
	if (rc)
		return rc;
	open_rows_sql(db, sql, sizeof(sql), "item_answers", answer_cols, "id");
	if ((rc = prep(db, sql, &st, "keying load")))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct answer_rec a;

		answer_row(st, &a);
		if ((rc = load_answer(&lc, &a)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(db, rc, "keying load");
out:
	sqlite3_finalize(st);
	return rc;
}
