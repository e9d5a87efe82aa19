/* sqlite_milestones.c - KPO milestones in SQLite: their sealed title and deliverable. */
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#define W(base) (&sq__of(base)->writer)

/*
 * A milestone's title and deliverable are a client's text: sealed for the
 * client, record "milestone", the row's id and the field (sqlite_seal.c).
 * The id is the row's own, so an insert writes the row first and its texts
 * once the id is known, in the same transaction.
 */
static struct store_seal_ad ad_of(const struct milestone_rec *m, const char *field)
{
	return (struct store_seal_ad){ m->client_id, "milestone", m->id, field };
}

static int write_texts(struct store *s, const struct milestone_rec *m)
{
	struct sq_conn *w = W(s);
	struct store_seal_ad t = ad_of(m, "title"), d = ad_of(m, "deliverable");
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_MILESTONE_TEXTS, &rc);

	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, m->id);
	rc = rc == SQLITE_OK ? 0 : sq__fail(w->db, rc, "milestone insert");
	if (!rc)
		rc = sq__seal_bind(s, st, 2, &t, m->title, "milestone insert");
	if (!rc)
		rc = sq__seal_bind(s, st, 3, &d, m->deliverable, "milestone insert");
	if (!rc) {
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "milestone insert");
	}
	sq__done(st);
	return rc;
}

int sq_milestone_insert(struct store *s, struct milestone_rec *m)
{
	struct sq_conn *w = W(s);
	const int64_t v[] = { m->item_id,      m->client_id,  m->engagement_id, m->due_at,
			      m->submitted,    m->submitted_at, m->submitted_by, m->created_at,
			      m->created_by,   m->updated_at };
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_MILESTONE_INSERT, &rc);

	if (!st)
		return rc;
	rc = sq__bind_i64s(st, 1, v, (int)(sizeof(v) / sizeof(v[0])));
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		m->id = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st); /* RETURNING: written when the statement ends */
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "milestone insert");
	sq__done(st);
	return rc ? rc : write_texts(s, m);
}

int sq_milestone_update(struct store *s, const struct milestone_rec *m)
{
	struct sq_conn *w = W(s);
	struct store_seal_ad d = ad_of(m, "deliverable");
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_MILESTONE_UPDATE, &rc);

	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, m->id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, m->submitted);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, m->submitted_at);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 5, m->submitted_by);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 6, m->updated_at);
	rc = rc == SQLITE_OK ? 0 : sq__fail(w->db, rc, "milestone update");
	if (!rc)
		rc = sq__seal_bind(s, st, 2, &d, m->deliverable, "milestone update");
	if (!rc) {
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? 0 : sq__fail(w->db, rc, "milestone update");
	}
	if (!rc && !sqlite3_changes(w->db))
		rc = sq__error(ERR_NOTFOUND, "milestone %lld not found", (long long)m->id);
	sq__done(st);
	return rc;
}

/* The current row of SQ_MILESTONE_COLS into m; its texts opened when s is given. */
static int row_decode(struct store *s, sqlite3_stmt *st, struct milestone_rec *m)
{
	struct store_seal_ad t, d;
	int rc;

	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(st, 0);
	m->item_id = sqlite3_column_int64(st, 1);
	m->client_id = sqlite3_column_int64(st, 2);
	m->engagement_id = sqlite3_column_int64(st, 3);
	m->due_at = sqlite3_column_int64(st, 4);
	m->submitted = sqlite3_column_int64(st, 5) != 0;
	m->submitted_at = sqlite3_column_int64(st, 6);
	m->submitted_by = sqlite3_column_int64(st, 7);
	m->created_at = sqlite3_column_int64(st, 8);
	m->created_by = sqlite3_column_int64(st, 9);
	m->updated_at = sqlite3_column_int64(st, 10);
	if (!s)
		return 0;
	t = ad_of(m, "title");
	d = ad_of(m, "deliverable");
	rc = sq__open_col(s, st, 11, &t, &m->title, "milestone read");
	if (!rc)
		rc = sq__open_col(s, st, 12, &d, &m->deliverable, "milestone read");
	if (rc)
		milestone_rec_release(m);
	return rc;
}

/* Statement id on c with ?1 = key: its one row into out (texts when s is given). */
static int get_one(struct store *s, struct sq_conn *c, enum sq_stmt id, int64_t key,
		   struct milestone_rec *out)
{
	int rc;
	sqlite3_stmt *st = sq__stmt(c, id, &rc);

	memset(out, 0, sizeof(*out));
	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, key);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = row_decode(s, st, out);
	else if (rc == SQLITE_DONE)
		rc = sq__error(ERR_NOTFOUND, "milestone %lld not found", (long long)key);
	else
		rc = sq__fail(c->db, rc, "milestone read");
	sq__done(st);
	return rc;
}

int sq_milestone_state_get(struct store *s, int64_t id, struct milestone_rec *out)
{
	return get_one(NULL, W(s), SQ_MILESTONE_GET, id, out);
}

int sq_milestone_count(struct store *s, int64_t item_id, int64_t *n)
{
	struct sq_conn *w = W(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(w, SQ_MILESTONE_COUNT, &rc);

	*n = 0;
	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, item_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		rc = 0;
	} else {
		rc = sq__fail(w->db, rc, "milestone count");
	}
	sq__done(st);
	return rc;
}

int sq_milestone_get(struct store *s, int64_t id, struct milestone_rec *out)
{
	struct sq_conn *c = sq__reader_get(sq__of(s));
	int rc = get_one(s, c, SQ_MILESTONE_GET, id, out);

	sq__reader_put(sq__of(s), c);
	return rc;
}

int sq_milestone_list(struct store *s, int64_t item_id, store_milestone_cb cb, void *ctx)
{
	struct sq_conn *c = sq__reader_get(sq__of(s));
	struct milestone_rec m;
	int rc;
	sqlite3_stmt *st = sq__stmt(c, SQ_MILESTONE_LIST, &rc);

	if (!st)
		goto out;
	rc = sqlite3_bind_int64(st, 1, item_id);
	rc = rc == SQLITE_OK ? 0 : sq__fail(c->db, rc, "milestone list");
	while (!rc) {
		int step = sqlite3_step(st);

		if (step == SQLITE_DONE)
			break;
		if (step != SQLITE_ROW) {
			rc = sq__fail(c->db, step, "milestone list");
			break;
		}
		if ((rc = row_decode(s, st, &m)))
			break;
		rc = cb(ctx, &m);
		milestone_rec_release(&m);
	}
	sq__done(st);
out:
	sq__reader_put(sq__of(s), c);
	return rc;
}
