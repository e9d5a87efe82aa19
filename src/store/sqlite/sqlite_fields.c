/* sqlite_fields.c - an engagement's declared payload and result fields in SQLite. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

/* Binds text or NULL (that side not declared). */
static int bind_opt(sqlite3_stmt *st, int idx, const char *text)
{
	return text ? sqlite3_bind_text(st, idx, text, -1, SQLITE_STATIC) : sqlite3_bind_null(st, idx);
}

int sq_engagement_fields_set(struct store *base, int64_t engagement_id, const char *payload,
			     const char *result, int64_t at)
{
	struct sq_conn *w = &sq__of(base)->writer;
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_FIELDS_SET, &rc);

	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, engagement_id);
	if (rc == SQLITE_OK)
		rc = bind_opt(st, 2, payload);
	if (rc == SQLITE_OK)
		rc = bind_opt(st, 3, result);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, at);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "engagement fields set");
	sq__done(st);
	return rc;
}

/* Column i as a malloc'd text, NULL for SQL NULL. 0 or ERR_NOMEM. */
static int col_dup(sqlite3_stmt *st, int i, char **out)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	*out = NULL;
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return 0;
	if (!t || !(*out = strdup((const char *)t)))
		return sq__error(ERR_NOMEM, "engagement fields: out of memory");
	return 0;
}

int sq_engagement_fields_get(struct store *base, int64_t engagement_id, char **payload,
			     char **result, int64_t *at)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(c, SQ_FIELDS_GET, &rc);

	*payload = *result = NULL;
	*at = 0;
	if (!st)
		goto out;
	rc = sqlite3_bind_int64(st, 1, engagement_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*at = sqlite3_column_int64(st, 2);
		if ((rc = col_dup(st, 0, payload)) || (rc = col_dup(st, 1, result))) {
			free(*payload);
			*payload = NULL;
		}
	} else if (rc == SQLITE_DONE) {
		rc = 0; /* never declared: both NULL */
	} else {
		rc = sq__fail(c->db, rc, "engagement fields get");
	}
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

int sq_engagement_fields_each(struct store *base, store_fields_cb cb, void *ctx)
{
	struct sq_conn *w = &sq__of(base)->writer;
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_FIELDS_EACH, &rc);

	if (!st)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = cb(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2));
		if (rc)
			break;
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = sq__fail(w->db, rc, "engagement fields each");
	sq__done(st);
	return rc;
}
