/* sqlite_imports.c - bulk import jobs and their rejected rows in SQLite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#define W(base) (&sq__of(base)->writer)

int sq_import_insert(struct store *s, struct import_rec *r)
{
	struct sq_conn *w = W(s);
	const int64_t v[] = {r->engagement_id, r->client_id, r->created_by, r->created_at,
			     r->updated_at,    r->state,     r->rows_read,  r->created,
			     r->duplicate,     r->rejected,  r->bytes,	    r->all_or_nothing};
	int rc = SQLITE_OK;
	sqlite3_stmt *st = sq__stmt(w, SQ_IMPORT_INSERT, &rc);

	if (!st)
		return rc;
	for (int i = 0; rc == SQLITE_OK && i < 12; i++)
		rc = sqlite3_bind_int64(st, i + 1, v[i]);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 13, r->format, -1, SQLITE_STATIC);
	/* error is sealed with the row's id (import_update): none yet */
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_null(st, 14);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->id = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st); /* RETURNING: written when the statement ends */
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "import insert");
	sq__done(st);
	return rc;
}

/* A job's error names the file's lines and headers: the client's words, sealed. */
static struct store_seal_ad job_ad(const struct import_rec *r)
{
	return (struct store_seal_ad){r->client_id, "import", r->id, "error"};
}

int sq_import_update(struct store *s, const struct import_rec *r)
{
	struct sq_conn *w = W(s);
	struct store_seal_ad ad = job_ad(r);
	const int64_t v[] = {r->id,	 r->updated_at, r->state,    r->rows_read,
			     r->created, r->duplicate,	r->rejected, r->bytes};
	int rc = SQLITE_OK;
	sqlite3_stmt *st = sq__stmt(w, SQ_IMPORT_UPDATE, &rc);

	if (!st)
		return rc;
	for (int i = 0; rc == SQLITE_OK && i < 8; i++)
		rc = sqlite3_bind_int64(st, i + 1, v[i]);
	rc = rc == SQLITE_OK ? 0 : sq__fail(w->db, rc, "import update");
	if (!rc)
		rc = sq__seal_bind(s, st, 9, &ad, r->error[0] ? r->error : NULL, "import update");
	if (!rc) {
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "import update");
	}
	if (!rc && !sqlite3_changes(w->db))
		rc = sq__error(ERR_NOTFOUND, "import %lld not found", (long long)r->id);
	sq__done(st);
	return rc;
}

static void col_text(sqlite3_stmt *st, int i, char *out, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(out, n, "%s", t ? (const char *)t : "");
}

static int open_error(struct store *s, sqlite3_stmt *st, struct import_rec *r)
{
	struct store_seal_ad ad = job_ad(r);
	char *text = NULL;
	int rc = sq__open_col(s, st, 14, &ad, &text, "import get");

	if (!rc)
		snprintf(r->error, sizeof(r->error), "%s", text ? text : "");
	free(text);
	return rc;
}

int sq_import_get(struct store *base, int64_t id, struct import_rec *out)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(c, SQ_IMPORT_GET, &rc);

	memset(out, 0, sizeof(*out));
	if (!st)
		goto out;
	rc = sqlite3_bind_int64(st, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->engagement_id = sqlite3_column_int64(st, 1);
		out->client_id = sqlite3_column_int64(st, 2);
		out->created_by = sqlite3_column_int64(st, 3);
		out->created_at = sqlite3_column_int64(st, 4);
		out->updated_at = sqlite3_column_int64(st, 5);
		out->state = (enum import_state)sqlite3_column_int64(st, 6);
		out->rows_read = sqlite3_column_int64(st, 7);
		out->created = sqlite3_column_int64(st, 8);
		out->duplicate = sqlite3_column_int64(st, 9);
		out->rejected = sqlite3_column_int64(st, 10);
		out->bytes = sqlite3_column_int64(st, 11);
		out->all_or_nothing = sqlite3_column_int64(st, 12) != 0;
		col_text(st, 13, out->format, sizeof(out->format));
		rc = open_error(base, st, out);
	} else if (rc == SQLITE_DONE) {
		rc = sq__error(ERR_NOTFOUND, "import %lld not found", (long long)id);
	} else {
		rc = sq__fail(c->db, rc, "import get");
	}
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

/* A rejected row's column and reason are the client's file's words: sealed. */
static struct store_seal_ad ad_of(int64_t client_id, int64_t import_id, const char *field)
{
	return (struct store_seal_ad){client_id, "import_error", import_id, field};
}

int sq_import_batch_add(struct store *s, int64_t import_id, int64_t first, int64_t last)
{
	struct sq_conn *w = W(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_IMPORT_BATCH_ADD, &rc);

	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, first);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, last);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, import_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "import batch add");
	sq__done(st);
	return rc;
}

int sq_import_error_add(struct store *s, int64_t client_id, const struct import_error_rec *e)
{
	struct sq_conn *w = W(s);
	struct store_seal_ad a = ad_of(client_id, e->import_id, "column"),
			     b = ad_of(client_id, e->import_id, "reason");
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_IMPORT_ERROR_ADD, &rc);

	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, e->import_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, e->line);
	rc = rc == SQLITE_OK ? 0 : sq__fail(w->db, rc, "import error add");
	if (!rc)
		rc = sq__seal_bind(s, st, 3, &a, e->column, "import error add");
	if (!rc)
		rc = sq__seal_bind(s, st, 4, &b, e->reason, "import error add");
	if (!rc) {
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "import error add");
	}
	sq__done(st);
	return rc;
}

int sq_import_errors_each(struct store *base, int64_t import_id, int64_t client_id,
			  int (*fn)(void *ctx, const struct import_error_rec *e), void *ctx)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	struct store_seal_ad a = ad_of(client_id, import_id, "column"),
			     b = ad_of(client_id, import_id, "reason");
	struct import_error_rec e;
	char *col = NULL, *why = NULL;
	int rc;
	sqlite3_stmt *st = sq__stmt(c, SQ_IMPORT_ERRORS, &rc);

	if (!st)
		goto out;
	rc = sqlite3_bind_int64(st, 1, import_id);
	if (rc != SQLITE_OK) {
		rc = sq__fail(c->db, rc, "import errors");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&e, 0, sizeof(e));
		e.import_id = import_id;
		e.line = sqlite3_column_int64(st, 0);
		if ((rc = sq__open_col(base, st, 1, &a, &col, "import errors")) ||
		    (rc = sq__open_col(base, st, 2, &b, &why, "import errors")))
			break;
		snprintf(e.column, sizeof(e.column), "%s", col ? col : "");
		snprintf(e.reason, sizeof(e.reason), "%s", why ? why : "");
		free(col);
		free(why);
		col = why = NULL;
		if ((rc = fn(ctx, &e)))
			break;
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = sq__fail(c->db, rc, "import errors");
out:
	free(col);
	free(why);
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

/* One job marked failed: its error sealed for its client. */
static int fail_one(struct store *s, int64_t id, int64_t client_id, int64_t at)
{
	static const char why[] = "the server stopped during the import; upload the file again "
				  "(rows with an external_ref already created count as duplicates)";
	struct sq_conn *w = W(s);
	struct import_rec r = {.id = id, .client_id = client_id};
	struct store_seal_ad ad = job_ad(&r);
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_IMPORT_FAIL, &rc);

	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, at);
	rc = rc == SQLITE_OK ? 0 : sq__fail(w->db, rc, "import fail");
	if (!rc)
		rc = sq__seal_bind(s, st, 3, &ad, why, "import fail");
	if (!rc) {
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "import fail");
	}
	sq__done(st);
	return rc;
}

int sq_import_fail_open(struct store *s, int64_t at, int64_t *n)
{
	struct sq_conn *w = W(s);
	int64_t(*open)[2] = NULL, (*grown)[2];
	size_t k = 0, cap = 0;
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_IMPORT_OPEN, &rc);

	*n = 0;
	if (!st)
		return rc;
	/* Read first, then write: the update must not run under the open select. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			cap = cap ? cap * 2 : 8;
			if (!(grown = realloc(open, cap * sizeof(*open)))) {
				rc = sq__error(ERR_NOMEM, "import fail: out of memory");
				break;
			}
			open = grown;
		}
		open[k][0] = sqlite3_column_int64(st, 0);
		open[k][1] = sqlite3_column_int64(st, 1);
		k++;
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = sq__fail(w->db, rc, "import fail");
	sq__done(st);
	for (size_t i = 0; !rc && i < k; i++)
		rc = fail_one(s, open[i][0], open[i][1], at);
	if (!rc)
		*n = (int64_t)k;
	free(open);
	return rc;
}
