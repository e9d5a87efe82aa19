/* sqlite_tokens.c - API tokens in SQLite: insert with an id, revoke, record use, lookup, list. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

/*
 * The tokens table is keyed by the token's hash (WITHOUT ROWID), so its id
 * is a column of its own, given at insert as one more than the largest: the
 * engine is the only writer, so two inserts never race for it.
 */

#define W(base) (&sq__of(base)->writer)

/* The SQ_TOKEN_COLS of st from column `at` on into t. */
static void token_decode(sqlite3_stmt *st, int at, struct token_rec *t)
{
	const char *name = (const char *)sqlite3_column_text(st, at + 2);
	const char *prefix = (const char *)sqlite3_column_text(st, at + 3);

	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, at);
	t->user_id = sqlite3_column_int64(st, at + 1);
	snprintf(t->user_name, sizeof(t->user_name), "%s", name ? name : "");
	snprintf(t->prefix, sizeof(t->prefix), "%s", prefix ? prefix : "");
	t->created_at = sqlite3_column_int64(st, at + 4);
	t->expires_at = sqlite3_column_int64(st, at + 5);
	t->last_used_at = sqlite3_column_int64(st, at + 6);
	t->revoked_at = sqlite3_column_int64(st, at + 7);
}

int sq_token_insert(struct store *s, struct token_rec *t, const unsigned char hash[32])
{
	struct sq_conn *w = W(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_TOKEN_INSERT, &rc);

	if (!st)
		return rc;
	rc = sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, t->user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, t->created_at);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 4, t->prefix, (int)strnlen(t->prefix, sizeof(t->prefix)),
				       SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 5, t->expires_at);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t->id = sqlite3_column_int64(st, 0);
		/* RETURNING: the row is written when the statement runs to its end. */
		rc = sqlite3_step(st);
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "token insert");
	sq__done(st);
	return rc;
}

/* Runs writer statement id with ?1 = a, ?2 = b (tokens and sessions). OUT: *changes. */
int sq__write_ids(struct store *s, enum sq_stmt id, int64_t a, int64_t b, int *changes,
		  const char *what)
{
	struct sq_conn *w = W(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(w, id, &rc);

	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, a);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, b);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, what);
	sq__done(st);
	if (!rc && changes)
		*changes = sqlite3_changes(w->db);
	return rc;
}

/* An UPDATE of token id with ?2 = at: ERR_NOTFOUND when there is no such token. */
static int token_update(struct store *s, enum sq_stmt id, int64_t token_id, int64_t at,
			const char *what)
{
	int n = 0;
	int rc = sq__write_ids(s, id, token_id, at, &n, what);

	if (!rc && n == 0)
		rc = sq__error(ERR_NOTFOUND, "%s: token %lld not found", what, (long long)token_id);
	return rc;
}

int sq_token_revoke(struct store *s, int64_t id, int64_t at)
{
	return token_update(s, SQ_TOKEN_REVOKE, id, at, "token revoke");
}

int sq_token_touch(struct store *s, int64_t id, int64_t at)
{
	int rc = token_update(s, SQ_TOKEN_TOUCH, id, at, "token touch");

	/* A token removed since its use was noted has nothing to record. */
	return rc == ERR_NOTFOUND ? 0 : rc;
}

int sq_token_lookup(struct store *base, const unsigned char hash[32], struct user_rec *out,
		    struct token_rec *tok)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc;
	sqlite3_stmt *st = sq__lookup(c, SQ_TOKEN_LOOKUP, (struct sq_key){hash, 32, 0}, SQ_K_USER,
				      out, "token lookup", &rc);

	/* After the user's six columns: the token's. */
	if (st)
		token_decode(st, 6, tok);
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

/* Runs the token statement id on a reader: ?1 (and ?2, ?3 when pg), each row to cb. */
static int token_rows(struct store *base, enum sq_stmt id, int64_t key, const struct store_page *pg,
		      store_token_cb cb, void *ctx, int *n, int64_t *last, const char *what)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	struct token_rec t;
	int rc;
	sqlite3_stmt *st = sq__stmt(c, id, &rc);

	*n = 0;
	if (!st)
		goto out;
	rc = sqlite3_bind_int64(st, 1, pg ? pg->after : key);
	if (rc == SQLITE_OK && pg)
		rc = sqlite3_bind_int(st, 2, pg->limit);
	if (rc == SQLITE_OK && pg && pg->user_id)
		rc = sqlite3_bind_int64(st, 3, pg->user_id);
	if (rc != SQLITE_OK) {
		rc = sq__fail(c->db, rc, what);
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		token_decode(st, 0, &t);
		(*n)++;
		*last = t.id;
		if ((rc = cb(ctx, &t)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(c->db, rc, what);
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

static int copy_one(void *ctx, const struct token_rec *t)
{
	*(struct token_rec *)ctx = *t;
	return 0;
}

int sq_token_get(struct store *s, int64_t id, struct token_rec *out)
{
	int64_t last = 0;
	int n, rc = token_rows(s, SQ_TOKEN_GET, id, NULL, copy_one, out, &n, &last, "token get");

	if (!rc && !n)
		rc = sq__error(ERR_NOTFOUND, "token %lld not found", (long long)id);
	return rc;
}

int sq_token_list(struct store *s, const struct store_page *pg, store_token_cb cb, void *ctx,
		  int64_t *next_after)
{
	int64_t last = 0;
	int n, rc = token_rows(s, pg->user_id ? SQ_TOKEN_LIST_USER : SQ_TOKEN_LIST, 0, pg, cb, ctx,
			       &n, &last, "token list");

	*next_after = !rc && n >= pg->limit ? last : 0;
	return rc;
}
