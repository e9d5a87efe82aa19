/* sqlite_seal.c - the sealed columns: binding and reading them through the cipher, the one-time pass. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

/*
 * Which columns are sealed: items.payload and items.result (record "item"),
 * item_events.detail (record "item_event"). With a cipher installed a
 * sealed column holds a BLOB (the cipher's format, sec/keys.h) or NULL;
 * a TEXT there is refused on read, so nobody with write access to the file
 * alone can slip a plain value past the keyring. Without a cipher (unit
 * tests of the store, the benchmark's "off" run) the columns hold TEXT as
 * before and a BLOB there cannot be read.
 */

/* The cipher's message as the calling thread's last error. */
static int cipher_fail(int rc, struct buf *why, const char *what)
{
	rc = sq__error(rc, "%s: %s", what, why->len ? buf_str(why) : err_message(rc));
	buf_release(why);
	return rc;
}

int sq__seal_bind(struct store *s, sqlite3_stmt *st, int idx, const struct store_seal_ad *ad,
		  const char *plain, const char *what)
{
	struct buf why = BUF_INIT;
	unsigned char *blob = NULL;
	size_t len = 0;
	int rc;

	if (!plain)
		rc = sqlite3_bind_null(st, idx);
	else if (!s->cipher)
		rc = sqlite3_bind_text(st, idx, plain, -1, SQLITE_STATIC);
	else {
		rc = s->cipher->seal(s->cipher->ctx, ad, plain, strlen(plain), &blob, &len, &why);
		if (rc)
			return cipher_fail(rc, &why, what);
		buf_release(&why);
		/* SQLite frees the blob once it no longer needs it, also on failure. */
		rc = sqlite3_bind_blob64(st, idx, blob, len, free);
	}
	return rc == SQLITE_OK ? 0 : sq__fail(sqlite3_db_handle(st), rc, what);
}

int sq__open_col(struct store *s, sqlite3_stmt *st, int col, const struct store_seal_ad *ad,
		 char **out, const char *what)
{
	struct buf why = BUF_INIT;
	int type = sqlite3_column_type(st, col), rc;

	*out = NULL;
	if (type == SQLITE_NULL)
		return 0;
	if (type == SQLITE_BLOB) {
		const void *b = sqlite3_column_blob(st, col);
		size_t n = (size_t)sqlite3_column_bytes(st, col);

		if (!s->cipher)
			return sq__error(ERR_CRYPTO, "%s: the %s is sealed and no keyring is open",
					 what, ad->field);
		rc = s->cipher->open(s->cipher->ctx, ad, b, n, out, &why);
		return rc ? cipher_fail(rc, &why, what) : 0;
	}
	if (s->cipher)
		return sq__error(ERR_CRYPTO,
				 "%s: the %s of %s %lld is stored in plain in a sealed column "
				 "(start the server once to seal old values)",
				 what, ad->field, ad->record_type, (long long)ad->record_id);
	{
		const char *t = (const char *)sqlite3_column_text(st, col);

		*out = t ? strdup(t) : NULL;
		if (t && !*out)
			return sq__error(ERR_NOMEM, "%s: out of memory", what);
	}
	return 0;
}

int sq__next_id(struct sq_conn *w, enum sq_stmt id, int64_t *out)
{
	int rc;
	sqlite3_stmt *st = sq__stmt(w, id, &rc);

	if (!st)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = 0;
	} else {
		rc = sq__fail(w->db, rc, "next id");
	}
	sq__done(st);
	return rc;
}

/* ================================================================
 * The one-time pass over a database written before encryption
 * ================================================================ */

/* A value still in plain: where it is, and a copy of it. */
struct plain_val {
	int64_t id, client_id;
	char *text[2];
};

static void plain_vals_free(struct plain_val *v, int n)
{
	for (int i = 0; i < n; i++) {
		free(v[i].text[0]);
		free(v[i].text[1]);
	}
	free(v);
}

/*
 * Reads at most batch rows still in plain (ids > *after) with statement
 * sel (id, client_id, then ncol text columns). OUT: *vals, *n.
 */
static int plain_batch(struct sq_conn *w, enum sq_stmt sel, int64_t after, int batch, int ncol,
		       struct plain_val **vals, int *n)
{
	struct plain_val *v = calloc((size_t)batch, sizeof(*v));
	int rc, i = 0;
	sqlite3_stmt *st = v ? sq__stmt(w, sel, &rc) : NULL;

	*vals = NULL;
	*n = 0;
	if (!v)
		return sq__error(ERR_NOMEM, "seal pass: out of memory");
	if (!st)
		goto out;
	rc = sqlite3_bind_int64(st, 1, after);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, batch);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		v[i].id = sqlite3_column_int64(st, 0);
		v[i].client_id = sqlite3_column_int64(st, 1);
		/* Only TEXT is plain: a BLOB of the same row is sealed already and stays. */
		for (int c = 0; c < ncol; c++) {
			const char *t;

			/* The type first: a text read of a BLOB would convert it. */
			if (sqlite3_column_type(st, 2 + c) != SQLITE_TEXT)
				continue;
			t = (const char *)sqlite3_column_text(st, 2 + c);
			v[i].text[c] = strdup(t ? t : "");
			if (!v[i].text[c]) {
				rc = SQLITE_NOMEM;
				break;
			}
		}
		i++;
		if (rc == SQLITE_NOMEM)
			break;
		rc = SQLITE_OK;
	}
	rc = rc == SQLITE_DONE || rc == SQLITE_OK ? 0 : sq__fail(w->db, rc, "seal pass");
out:
	sq__done(st);
	if (rc) {
		plain_vals_free(v, i);
		return rc;
	}
	*vals = v;
	*n = i;
	return 0;
}

/* One sealed table: its selection of plain rows, its update, its record and fields. */
struct seal_table {
	enum sq_stmt sel, upd;
	const char *record_type;
	int ncol;
	const char *field[2];
};

static const struct seal_table seal_tables[] = {
    { SQ_SEAL_ITEMS, SQ_SEAL_ITEM_SET, "item", 2, { "payload", "result" } },
    { SQ_SEAL_EVENTS, SQ_SEAL_EVENT_SET, "item_event", 1, { "detail", NULL } },
};

/* Seals one batch's values: UPDATE ... SET col = COALESCE(?sealed, col) WHERE id = ?1. */
static int seal_rows(struct store *s, const struct seal_table *t, struct plain_val *v, int n,
		     int64_t *sealed)
{
	struct sq_conn *w = &sq__of(s)->writer;
	int rc = 0;

	for (int i = 0; !rc && i < n; i++) {
		struct store_seal_ad ad = { v[i].client_id, t->record_type, v[i].id, NULL };
		sqlite3_stmt *st = sq__stmt(w, t->upd, &rc);

		if (!st)
			break;
		rc = sqlite3_bind_int64(st, 1, v[i].id);
		rc = rc == SQLITE_OK ? 0 : sq__fail(w->db, rc, "seal pass");
		for (int c = 0; !rc && c < t->ncol; c++) {
			ad.field = t->field[c];
			rc = sq__seal_bind(s, st, 2 + c, &ad, v[i].text[c], "seal pass");
			*sealed += v[i].text[c] != NULL;
		}
		if (!rc) {
			rc = sqlite3_step(st);
			rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "seal pass");
		}
		sq__done(st);
	}
	return rc;
}

/* Reads whether the pass is done (the marker of its migration); no marker table: not yet. */
static int pass_done(struct sq_conn *w, bool *done)
{
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_SEAL_DONE_GET, &rc);

	*done = false;
	if (!st)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*done = sqlite3_column_int(st, 0) != 0;
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "seal pass");
	sq__done(st);
	return rc;
}

int sq_seal_done(struct store *s, bool *done)
{
	return pass_done(&sq__of(s)->writer, done);
}

/*
 * Runs once per database (its marker then says done): one transaction per
 * batch, so a large old database is sealed without one huge transaction,
 * and a pass cut short by a crash goes on where it stopped (rows already
 * sealed are BLOBs and are skipped).
 */
int sq_seal_plain(struct store *s, int batch, int64_t *n_sealed)
{
	struct sq_conn *w = &sq__of(s)->writer;
	bool done;
	int rc;

	*n_sealed = 0;
	if (!s->cipher)
		return sq__error(ERR_INVALID, "seal pass: no cipher installed");
	if (batch < 1)
		batch = 1;
	rc = pass_done(w, &done);
	if (rc || done)
		return rc;
	/*
	 * The plain texts must not stay behind in the file: secure_delete zeroes
	 * the space a rewritten cell leaves, and the checkpoint at the end puts
	 * the sealed pages over the old ones in the database file itself.
	 */
	if ((rc = sqlite3_exec(w->db, "PRAGMA secure_delete = ON", NULL, NULL, NULL)))
		return sq__fail(w->db, rc, "seal pass");
	for (size_t t = 0; !rc && t < sizeof(seal_tables) / sizeof(seal_tables[0]); t++) {
		int64_t after = 0;
		int n = 0;

		do {
			struct plain_val *v = NULL;

			rc = sq__exec(w, SQ_BEGIN, "seal pass");
			if (rc)
				break;
			rc = plain_batch(w, seal_tables[t].sel, after, batch, seal_tables[t].ncol,
					 &v, &n);
			if (!rc)
				rc = seal_rows(s, &seal_tables[t], v, n, n_sealed);
			if (!rc && n)
				after = v[n - 1].id;
			plain_vals_free(v, n);
			if (!rc)
				rc = sq__exec(w, SQ_COMMIT, "seal pass");
			else
				sq__exec(w, SQ_ROLLBACK, "seal pass");
		} while (!rc && n == batch);
	}
	if (!rc)
		rc = sq__exec(w, SQ_SEAL_DONE_SET, "seal pass");
	if (!rc && *n_sealed &&
	    (rc = sqlite3_exec(w->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL)))
		rc = sq__fail(w->db, rc, "seal pass: checkpoint");
	sqlite3_exec(w->db, "PRAGMA secure_delete = OFF", NULL, NULL, NULL);
	return rc;
}
