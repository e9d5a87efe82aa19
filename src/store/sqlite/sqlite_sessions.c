/* sqlite_sessions.c - passwords, browser sessions and set-password links in SQLite. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#define W(base) (&sq__of(base)->writer)

int sq_password_set(struct store *s, int64_t user_id, const char *hash, int64_t at)
{
	struct sq_conn *w = W(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_PASSWORD_SET, &rc);

	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, at);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "password set");
	sq__done(st);
	return rc;
}

int sq_session_insert(struct store *s, struct session_rec *se, const unsigned char hash[32])
{
	struct sq_conn *w = W(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_SESSION_INSERT, &rc);

	if (!st)
		return rc;
	rc = sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, se->user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, se->created_at);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, se->last_seen_at);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 5, se->expires_at);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		se->id = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st); /* RETURNING: written when the statement ends */
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "session insert");
	sq__done(st);
	return rc;
}

int sq_session_end(struct store *s, int64_t id, int64_t at)
{
	int n = 0;
	int rc = sq__write_ids(s, SQ_SESSION_END, id, at, &n, "session end");

	if (!rc && !n)
		rc = sq__error(ERR_NOTFOUND, "session %lld not found", (long long)id);
	return rc;
}

int sq_session_end_user(struct store *s, int64_t user_id, int64_t at)
{
	return sq__write_ids(s, SQ_SESSION_END_USER, user_id, at, NULL, "sessions end");
}

int sq_session_touch(struct store *s, int64_t id, int64_t at)
{
	return sq__write_ids(s, SQ_SESSION_TOUCH, id, at, NULL, "session touch");
}

int sq_link_insert(struct store *s, int64_t user_id, const unsigned char hash[32], int64_t at,
		   int64_t expires_at)
{
	struct sq_conn *w = W(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_LINK_INSERT, &rc);

	if (!st)
		return rc;
	rc = sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, at);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, expires_at);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "link insert");
	sq__done(st);
	return rc;
}

/* Statement id on c with ?1 = hash, ?2 = at; its one row's column 0 into *user_id. */
static int link_row(struct sq_conn *c, enum sq_stmt id, const unsigned char hash[32], int64_t at,
		    int64_t *user_id, const char *what)
{
	int rc;
	sqlite3_stmt *st = sq__stmt(c, id, &rc);

	*user_id = 0;
	if (!st)
		return rc;
	rc = sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, at);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*user_id = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		rc = *user_id ? 0 : sq__error(ERR_NOTFOUND, "%s: no usable link", what);
	else
		rc = sq__fail(c->db, rc, what);
	sq__done(st);
	return rc;
}

int sq_link_take(struct store *s, const unsigned char hash[32], int64_t at, int64_t *user_id)
{
	return link_row(W(s), SQ_LINK_TAKE, hash, at, user_id, "link take");
}

int sq_link_lookup(struct store *base, const unsigned char hash[32], int64_t at, int64_t *user_id)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc = link_row(c, SQ_LINK_LOOKUP, hash, at, user_id, "link lookup");

	sq__reader_put(s, c);
	return rc;
}

int sq_password_get(struct store *base, int64_t user_id, char out[128])
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(c, SQ_PASSWORD_GET, &rc);

	out[0] = '\0';
	if (!st)
		goto out;
	rc = sqlite3_bind_int64(st, 1, user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sq__col_str(st, 0, out, 128);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = sq__error(ERR_NOTFOUND, "user %lld has no password", (long long)user_id);
	} else {
		rc = sq__fail(c->db, rc, "password get");
	}
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

int sq_session_lookup(struct store *base, const unsigned char hash[32], struct user_rec *u,
		      struct session_rec *se)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc;
	sqlite3_stmt *st = sq__lookup(c, SQ_SESSION_LOOKUP, (struct sq_key){hash, 32, 0}, SQ_K_USER,
				      u, "session lookup", &rc);

	/* After the user's six columns: the session's. */
	if (st) {
		memset(se, 0, sizeof(*se));
		se->id = sqlite3_column_int64(st, 6);
		se->user_id = sqlite3_column_int64(st, 7);
		se->created_at = sqlite3_column_int64(st, 8);
		se->last_seen_at = sqlite3_column_int64(st, 9);
		se->expires_at = sqlite3_column_int64(st, 10);
		se->ended_at = sqlite3_column_int64(st, 11);
	}
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}
