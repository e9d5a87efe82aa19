/* sqlite_billing.c - rate cards, invoices with their lines and refs, the items a window bills, in SQLite. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#define W(base) (&sq__of(base)->writer)

/*
 * Statements are prepared per call (not cached in SQ_STMTS): billing runs a
 * handful of them per invoice, far from the hot paths. The one loop that
 * can be long (an invoice's refs) reuses its statement.
 */
static sqlite3_stmt *prep(struct sq_conn *c, const char *sql, int *rc)
{
	return sq__prep(c, sql, "billing statement", rc);
}

static void text_col(sqlite3_stmt *st, int i, char *out, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	size_t len = t ? strlen((const char *)t) : 0;

	if (len >= n)
		len = n - 1;
	memcpy(out, t ? (const char *)t : "", len);
	out[len] = 0;
}

/* ---------------------------------------------------------------- rate cards */

int sq_rate_card_put(struct store *base, int64_t engagement_id, const char *card, int64_t at,
		     int64_t by)
{
	struct sq_conn *c = W(base);
	int rc;
	sqlite3_stmt *st = prep(c,
				"INSERT INTO rate_cards(engagement_id, card, updated_at, updated_by) "
				"VALUES (?1, ?2, ?3, ?4) ON CONFLICT(engagement_id) DO UPDATE SET "
				"card = excluded.card, updated_at = excluded.updated_at, "
				"updated_by = excluded.updated_by",
				&rc);

	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, engagement_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, card, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sq__bind_i64s(st, 3, (int64_t[]){at, by}, 2);
	return sq__step_done(c, st, rc, "rate card put");
}

int sq_rate_card_get(struct store *base, int64_t engagement_id, char **card, int64_t *at)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	int rc;
	sqlite3_stmt *st =
	    prep(c, "SELECT card, updated_at FROM rate_cards WHERE engagement_id = ?1", &rc);

	*card = NULL;
	if (st) {
		rc = sqlite3_bind_int64(st, 1, engagement_id);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(st, 0);

			*at = sqlite3_column_int64(st, 1);
			rc = (*card = strdup(t ? t : "{}")) ? 0 : ERR_NOMEM;
		} else if (rc == SQLITE_DONE) {
			rc = sq__error(ERR_NOTFOUND, "no rate card for engagement %lld",
				       (long long)engagement_id);
		} else {
			rc = sq__fail(c->db, rc, "rate card read");
		}
		sqlite3_finalize(st);
	}
	sq__reader_put(sq__of(base), c);
	return rc;
}

/* ---------------------------------------------------------------- invoices */

#define INV_COLS                                                                                   \
	"id, client_id, engagement_id, period_id, from_at, to_at, kind, state, number, year, "     \
	"seq, credit_of, credited_by, currency, exponent, work, fee, credits, net, tax, total, "   \
	"hours_ms, items, created_at, created_by, issued_at, paid_at, credited_at, "               \
	"credited_total, reason"

static void inv_decode(sqlite3_stmt *st, struct invoice_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->client_id = sqlite3_column_int64(st, 1);
	r->engagement_id = sqlite3_column_int64(st, 2);
	r->period_id = sqlite3_column_int64(st, 3);
	r->from_at = sqlite3_column_int64(st, 4);
	r->to_at = sqlite3_column_int64(st, 5);
	r->kind = (enum invoice_kind)sqlite3_column_int(st, 6);
	r->state = (enum invoice_state)sqlite3_column_int(st, 7);
	text_col(st, 8, r->number, sizeof(r->number));
	r->year = sqlite3_column_int64(st, 9);
	r->seq = sqlite3_column_int64(st, 10);
	r->credit_of = sqlite3_column_int64(st, 11);
	r->credited_by = sqlite3_column_int64(st, 12);
	text_col(st, 13, r->currency, sizeof(r->currency));
	r->exponent = sqlite3_column_int(st, 14);
	r->work = sqlite3_column_int64(st, 15);
	r->fee = sqlite3_column_int64(st, 16);
	r->credits = sqlite3_column_int64(st, 17);
	r->net = sqlite3_column_int64(st, 18);
	r->tax = sqlite3_column_int64(st, 19);
	r->total = sqlite3_column_int64(st, 20);
	r->hours_ms = sqlite3_column_int64(st, 21);
	r->items = sqlite3_column_int64(st, 22);
	r->created_at = sqlite3_column_int64(st, 23);
	r->created_by = sqlite3_column_int64(st, 24);
	r->issued_at = sqlite3_column_int64(st, 25);
	r->paid_at = sqlite3_column_int64(st, 26);
	r->credited_at = sqlite3_column_int64(st, 27);
	r->credited_total = sqlite3_column_int64(st, 28);
	text_col(st, 29, r->reason, sizeof(r->reason));
}

int sq_invoice_insert(struct store *base, struct invoice_rec *r, const struct invoice_line *lines,
		      size_t n, const struct invoice_ref *refs, size_t n_refs)
{
	struct sq_conn *c = W(base);
	int rc;
	sqlite3_stmt *st = prep(
	    c,
	    "INSERT INTO invoices(client_id, engagement_id, period_id, from_at, to_at, kind, state, "
	    "number, year, seq, credit_of, credited_by, currency, exponent, work, fee, credits, "
	    "net, tax, total, hours_ms, items, created_at, created_by, issued_at, paid_at, "
	    "credited_at, credited_total, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, "
	    "?27, ?28, ?29)",
	    &rc);

	if (!st)
		return rc;
	rc = sq__bind_i64s(st, 1,
		       (int64_t[]){r->client_id, r->engagement_id, r->period_id, r->from_at, r->to_at,
				   r->kind, r->state},
		       7);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 8, r->number, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sq__bind_i64s(st, 9, (int64_t[]){r->year, r->seq, r->credit_of, r->credited_by}, 4);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 13, r->currency, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sq__bind_i64s(st, 14,
			       (int64_t[]){r->exponent, r->work, r->fee, r->credits, r->net, r->tax,
					   r->total, r->hours_ms, r->items, r->created_at,
					   r->created_by, r->issued_at, r->paid_at, r->credited_at,
					   r->credited_total},
			       15);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 29, r->reason, -1, SQLITE_TRANSIENT);
	if ((rc = sq__step_done(c, st, rc, "invoice insert")))
		return rc;
	r->id = sqlite3_last_insert_rowid(c->db);
	st = prep(c,
		  "INSERT INTO invoice_lines(invoice_id, line_no, kind, grade, tier, label, qty, "
		  "first, price, amount) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
		  &rc);
	if (!st)
		return rc;
	for (size_t i = 0; !rc && i < n; i++) {
		const struct invoice_line *l = &lines[i];
		int b = sq__bind_i64s(st, 1,
				  (int64_t[]){r->id, l->line_no, l->kind, l->grade, l->tier}, 5);

		if (b == SQLITE_OK)
			b = sqlite3_bind_text(st, 6, l->label, -1, SQLITE_TRANSIENT);
		if (b == SQLITE_OK)
			b = sq__bind_i64s(st, 7, (int64_t[]){l->qty, l->first, l->price, l->amount}, 4);
		if (b == SQLITE_OK)
			b = sqlite3_step(st);
		rc = b == SQLITE_DONE ? 0 : sq__fail(c->db, b, "invoice line insert");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (rc || !n_refs)
		return rc;
	st = prep(c,
		  "INSERT OR IGNORE INTO invoice_refs(invoice_id, line_no, kind, ref_id) "
		  "VALUES (?1, ?2, ?3, ?4)",
		  &rc);
	if (!st)
		return rc;
	for (size_t i = 0; !rc && i < n_refs; i++) {
		int b = sq__bind_i64s(st, 1,
				  (int64_t[]){r->id, refs[i].line_no, refs[i].kind, refs[i].ref_id},
				  4);

		if (b == SQLITE_OK)
			b = sqlite3_step(st);
		rc = b == SQLITE_DONE ? 0 : sq__fail(c->db, b, "invoice ref insert");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

int sq_invoice_drafts_drop(struct store *base, int64_t period_id, int64_t *dropped)
{
	static const char *const sql[] = {
	    "DELETE FROM invoice_refs WHERE invoice_id IN "
	    "(SELECT id FROM invoices WHERE period_id = ?1 AND state = 0)",
	    "DELETE FROM invoice_lines WHERE invoice_id IN "
	    "(SELECT id FROM invoices WHERE period_id = ?1 AND state = 0)",
	    "DELETE FROM invoices WHERE period_id = ?1 AND state = 0",
	};
	struct sq_conn *c = W(base);
	int rc = 0;

	*dropped = 0;
	for (size_t i = 0; !rc && i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *st = prep(c, sql[i], &rc);

		if (!st)
			return rc;
		rc = sq__step_done(c, st, sqlite3_bind_int64(st, 1, period_id), "invoice draft drop");
		if (!rc && i == 2)
			*dropped = sqlite3_changes(c->db);
	}
	return rc;
}

int sq_invoice_update(struct store *base, const struct invoice_rec *r)
{
	struct sq_conn *c = W(base);
	int rc;
	sqlite3_stmt *st = prep(c,
				"UPDATE invoices SET state = ?2, number = ?3, year = ?4, seq = ?5, "
				"credited_by = ?6, issued_at = ?7, paid_at = ?8, credited_at = ?9, "
				"credited_total = ?10 WHERE id = ?1",
				&rc);

	if (!st)
		return rc;
	rc = sq__bind_i64s(st, 1, (int64_t[]){r->id, r->state}, 2);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 3, r->number, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sq__bind_i64s(st, 4,
			       (int64_t[]){r->year, r->seq, r->credited_by, r->issued_at, r->paid_at,
					   r->credited_at, r->credited_total},
			       7);
	if ((rc = sq__step_done(c, st, rc, "invoice update")))
		return rc;
	return sqlite3_changes(c->db) ? 0
				      : sq__error(ERR_NOTFOUND, "invoice %lld not found",
						  (long long)r->id);
}

static int get_on(struct sq_conn *c, int64_t id, struct invoice_rec *out)
{
	int rc;
	sqlite3_stmt *st = prep(c, "SELECT " INV_COLS " FROM invoices WHERE id = ?1", &rc);

	memset(out, 0, sizeof(*out));
	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		inv_decode(st, out);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = sq__error(ERR_NOTFOUND, "invoice %lld not found", (long long)id);
	} else {
		rc = sq__fail(c->db, rc, "invoice read");
	}
	sqlite3_finalize(st);
	return rc;
}

int sq_invoice_state_get(struct store *base, int64_t id, struct invoice_rec *out)
{
	return get_on(W(base), id, out);
}

int sq_invoice_get(struct store *base, int64_t id, struct invoice_rec *out)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	int rc = get_on(c, id, out);

	sq__reader_put(sq__of(base), c);
	return rc;
}

/* One integer from a query over ?1..?n, or dflt when it yields no row or NULL. */
static int one_int(struct sq_conn *c, const char *sql, const int64_t *args, int n, int64_t dflt,
		   int64_t *out, bool *found)
{
	int rc;
	sqlite3_stmt *st = prep(c, sql, &rc);

	if (found)
		*found = false;
	if (!st)
		return rc;
	rc = sq__bind_i64s(st, 1, args, n);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		bool null = sqlite3_column_type(st, 0) == SQLITE_NULL;

		*out = null ? dflt : sqlite3_column_int64(st, 0);
		if (found)
			*found = !null;
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		*out = dflt;
		rc = 0;
	} else {
		rc = sq__fail(c->db, rc, "invoice query");
	}
	sqlite3_finalize(st);
	return rc;
}

int sq_invoice_seq_next(struct store *base, int kind, int64_t year, int64_t *seq)
{
	int rc = one_int(W(base), "SELECT MAX(seq) FROM invoices WHERE kind = ?1 AND year = ?2",
			 (int64_t[]){kind, year}, 2, 0, seq, NULL);

	if (!rc)
		++*seq;
	return rc;
}

int sq_invoice_billed(struct store *base, int64_t period_id, int64_t *id)
{
	bool found;
	int rc = one_int(W(base),
			 "SELECT id FROM invoices WHERE period_id = ?1 AND kind = 0 AND state IN "
			 "(1, 2, 4) ORDER BY id LIMIT 1",
			 (int64_t[]){period_id}, 1, 0, id, &found);

	if (!rc && !found)
		rc = ERR_NOTFOUND;
	return rc;
}

int sq_invoice_credit_copy(struct store *base, int64_t from_id, int64_t to_id)
{
	static const char *const sql[] = {
	    "INSERT INTO invoice_lines(invoice_id, line_no, kind, grade, tier, label, qty, first, "
	    "price, amount) SELECT ?2, line_no, kind, grade, tier, label, qty, first, price, "
	    "-amount FROM invoice_lines WHERE invoice_id = ?1",
	    "INSERT INTO invoice_refs(invoice_id, line_no, kind, ref_id) SELECT ?2, line_no, kind, "
	    "ref_id FROM invoice_refs WHERE invoice_id = ?1",
	};
	struct sq_conn *c = W(base);
	int rc = 0;

	for (size_t i = 0; !rc && i < 2; i++) {
		sqlite3_stmt *st = prep(c, sql[i], &rc);

		if (!st)
			return rc;
		rc = sq__step_done(c, st, sq__bind_i64s(st, 1, (int64_t[]){from_id, to_id}, 2),
			       "credit note lines");
	}
	return rc;
}

/* the lines of invoice id, and what its credit notes credited per line (writer or reader) */
static int credit_state_on(struct sq_conn *c, int64_t id, struct invoice_line *lines, size_t cap,
			   size_t *n, struct credited *out)
{
	int rc;
	sqlite3_stmt *st;

	memset(out, 0, sizeof(*out));
	*n = 0;
	if (lines) {
		st = prep(c,
			  "SELECT line_no, kind, grade, tier, label, qty, first, price, amount "
			  "FROM invoice_lines WHERE invoice_id = ?1 ORDER BY line_no",
			  &rc);
		if (!st)
			return rc;
		rc = sqlite3_bind_int64(st, 1, id);
		while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct invoice_line *l;

			if (*n == cap) {
				sqlite3_finalize(st);
				return sq__error(ERR_TOOBIG, "invoice %lld: too many lines",
						 (long long)id);
			}
			l = &lines[(*n)++];
			memset(l, 0, sizeof(*l));
			l->invoice_id = id;
			l->line_no = sqlite3_column_int(st, 0);
			l->kind = (enum bill_line_kind)sqlite3_column_int(st, 1);
			l->grade = sqlite3_column_int(st, 2);
			l->tier = sqlite3_column_int(st, 3);
			text_col(st, 4, l->label, sizeof(l->label));
			l->qty = sqlite3_column_int64(st, 5);
			l->first = sqlite3_column_int64(st, 6);
			l->price = sqlite3_column_int64(st, 7);
			l->amount = sqlite3_column_int64(st, 8);
			rc = SQLITE_OK;
		}
		rc = rc == SQLITE_DONE ? 0 : sq__fail(c->db, rc, "invoice lines");
		sqlite3_finalize(st);
		if (rc)
			return rc;
	}
	st = prep(c,
		  "SELECT l.line_no, SUM(l.qty), SUM(-l.amount), COUNT(DISTINCT n.id) "
		  "FROM invoices n JOIN invoice_lines l ON l.invoice_id = n.id "
		  "WHERE n.credit_of = ?1 AND n.kind = 1 GROUP BY l.line_no",
		  &rc);
	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, id);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int no = sqlite3_column_int(st, 0);

		if (no > 0 && no < CREDIT_SLOTS) {
			out->qty[no] = sqlite3_column_int64(st, 1);
			out->amount[no] = sqlite3_column_int64(st, 2);
		}
		rc = SQLITE_OK;
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(c->db, rc, "invoice credited");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	return one_int(c, "SELECT COUNT(*) FROM invoices WHERE credit_of = ?1 AND kind = 1",
		       (int64_t[]){id}, 1, 0, &out->notes, NULL);
}

int sq_invoice_credit_state(struct store *base, int64_t id, struct invoice_line *lines,
			    size_t cap, size_t *n, struct credited *out)
{
	return credit_state_on(W(base), id, lines, cap, n, out);
}

int sq_invoice_credited(struct store *base, int64_t id, struct credited *out)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	size_t n;
	int rc = credit_state_on(c, id, NULL, 0, &n, out);

	sq__reader_put(sq__of(base), c);
	return rc;
}

int sq_invoice_list(struct store *base, int64_t engagement_id, int64_t client_id,
		    store_invoice_cb cb, void *ctx)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	struct invoice_rec r;
	int rc;
	sqlite3_stmt *st = prep(c,
				"SELECT " INV_COLS " FROM invoices WHERE (?1 = 0 OR engagement_id = "
				"?1) AND (?2 = 0 OR client_id = ?2) ORDER BY id DESC LIMIT 1000",
				&rc);

	if (st) {
		rc = sq__bind_i64s(st, 1, (int64_t[]){engagement_id, client_id}, 2);
		rc = rc == SQLITE_OK ? 0 : sq__fail(c->db, rc, "invoice list");
		while (!rc) {
			int step = sqlite3_step(st);

			if (step == SQLITE_DONE)
				break;
			if (step != SQLITE_ROW) {
				rc = sq__fail(c->db, step, "invoice list");
				break;
			}
			inv_decode(st, &r);
			rc = cb(ctx, &r);
		}
		sqlite3_finalize(st);
	}
	sq__reader_put(sq__of(base), c);
	return rc;
}

int sq_invoice_lines_each(struct store *base, int64_t id, store_invoice_line_cb cb, void *ctx)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	struct invoice_line l;
	int rc;
	sqlite3_stmt *st = prep(c,
				"SELECT line_no, kind, grade, tier, label, qty, first, price, amount "
				"FROM invoice_lines WHERE invoice_id = ?1 ORDER BY line_no",
				&rc);

	if (st) {
		rc = sqlite3_bind_int64(st, 1, id);
		rc = rc == SQLITE_OK ? 0 : sq__fail(c->db, rc, "invoice lines");
		while (!rc) {
			int step = sqlite3_step(st);

			if (step == SQLITE_DONE)
				break;
			if (step != SQLITE_ROW) {
				rc = sq__fail(c->db, step, "invoice lines");
				break;
			}
			memset(&l, 0, sizeof(l));
			l.invoice_id = id;
			l.line_no = sqlite3_column_int(st, 0);
			l.kind = (enum bill_line_kind)sqlite3_column_int(st, 1);
			l.grade = sqlite3_column_int(st, 2);
			l.tier = sqlite3_column_int(st, 3);
			text_col(st, 4, l.label, sizeof(l.label));
			l.qty = sqlite3_column_int64(st, 5);
			l.first = sqlite3_column_int64(st, 6);
			l.price = sqlite3_column_int64(st, 7);
			l.amount = sqlite3_column_int64(st, 8);
			rc = cb(ctx, &l);
		}
		sqlite3_finalize(st);
	}
	sq__reader_put(sq__of(base), c);
	return rc;
}

int sq_invoice_refs_each(struct store *base, int64_t id, int line_no, store_invoice_ref_cb cb,
			 void *ctx)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	struct invoice_ref f;
	int rc;
	sqlite3_stmt *st = prep(c,
				"SELECT line_no, kind, ref_id FROM invoice_refs WHERE invoice_id = ?1 "
				"AND (?2 = 0 OR line_no = ?2) ORDER BY line_no, kind, ref_id",
				&rc);

	if (st) {
		rc = sq__bind_i64s(st, 1, (int64_t[]){id, line_no}, 2);
		rc = rc == SQLITE_OK ? 0 : sq__fail(c->db, rc, "invoice refs");
		while (!rc) {
			int step = sqlite3_step(st);

			if (step == SQLITE_DONE)
				break;
			if (step != SQLITE_ROW) {
				rc = sq__fail(c->db, step, "invoice refs");
				break;
			}
			f.line_no = sqlite3_column_int(st, 0);
			f.kind = (enum invoice_ref_kind)sqlite3_column_int(st, 1);
			f.ref_id = sqlite3_column_int64(st, 2);
			rc = cb(ctx, &f);
		}
		sqlite3_finalize(st);
	}
	sq__reader_put(sq__of(base), c);
	return rc;
}

/* A walk of (id, due, at) rows of a query over (engagement, from, to). */
static int walk3(struct store *base, const char *sql, int64_t engagement_id, int64_t from,
		 int64_t to, store_bill_item_cb cb, void *ctx)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	int rc;
	sqlite3_stmt *st = prep(c, sql, &rc);

	if (st) {
		rc = sq__bind_i64s(st, 1, (int64_t[]){engagement_id, from, to}, 3);
		rc = rc == SQLITE_OK ? 0 : sq__fail(c->db, rc, "billing walk");
		while (!rc) {
			int step = sqlite3_step(st);

			if (step == SQLITE_DONE)
				break;
			if (step != SQLITE_ROW) {
				rc = sq__fail(c->db, step, "billing walk");
				break;
			}
			rc = cb(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
				sqlite3_column_int64(st, 2),
				sqlite3_column_count(st) > 3
				    ? (const char *)sqlite3_column_text(st, 3)
				    : NULL);
		}
		sqlite3_finalize(st);
	}
	sq__reader_put(sq__of(base), c);
	return rc;
}

/*
 * An item is billed in the window of its (last) done event: an item done,
 * reworked and done again is one item, billed once, when finally done.
 */
int sq_bill_items_done(struct store *base, int64_t engagement_id, int64_t from, int64_t to,
		       store_bill_item_cb cb, void *ctx)
{
	return walk3(base,
		     "SELECT i.id, i.due_at, MAX(e.at) AS done, i.type FROM item_events e "
		     "JOIN items i ON i.id = e.item_id WHERE e.to_state = 'done' "
		     "AND i.engagement_id = ?1 AND i.state = 'done' AND i.gold_id = 0 "
		     "GROUP BY i.id HAVING done >= ?2 AND done < ?3 ORDER BY done, i.id",
		     engagement_id, from, to, cb, ctx);
}

int sq_bill_milestones(struct store *base, int64_t engagement_id, int64_t from, int64_t to,
		       store_bill_item_cb cb, void *ctx)
{
	return walk3(base,
		     "SELECT id, due_at, submitted_at FROM milestones WHERE engagement_id = ?1 "
		     "AND submitted = 1 AND submitted_at >= ?2 AND submitted_at < ?3 "
		     "ORDER BY submitted_at, id",
		     engagement_id, from, to, cb, ctx);
}

/* ---------------------------------------------------------------- client billing */

int sq_client_billing_put(struct store *base, const struct client_billing *b)
{
	struct sq_conn *c = W(base);
	int rc;
	sqlite3_stmt *st = prep(
	    c,
	    "INSERT INTO client_billing(client_id, language, has_inhouse, inhouse_hour, "
	    "inhouse_currency, overhead_bp, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, "
	    "?6, ?7, ?8) ON CONFLICT(client_id) DO UPDATE SET language = excluded.language, "
	    "has_inhouse = excluded.has_inhouse, inhouse_hour = excluded.inhouse_hour, "
	    "inhouse_currency = excluded.inhouse_currency, overhead_bp = excluded.overhead_bp, "
	    "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
	    &rc);

	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, b->client_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, b->language, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sq__bind_i64s(st, 3, (int64_t[]){b->has_inhouse, b->inhouse_hour}, 2);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 5, b->inhouse_currency, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sq__bind_i64s(st, 6, (int64_t[]){b->overhead_bp, b->updated_at, b->updated_by}, 3);
	return sq__step_done(c, st, rc, "client billing put");
}

int sq_client_billing_get(struct store *base, int64_t client_id, struct client_billing *out)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	int rc;
	sqlite3_stmt *st = prep(c,
				"SELECT language, has_inhouse, inhouse_hour, inhouse_currency, "
				"overhead_bp, updated_at, updated_by FROM client_billing "
				"WHERE client_id = ?1",
				&rc);

	memset(out, 0, sizeof(*out));
	out->client_id = client_id;
	if (st) {
		rc = sqlite3_bind_int64(st, 1, client_id);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			text_col(st, 0, out->language, sizeof(out->language));
			out->has_inhouse = sqlite3_column_int(st, 1) != 0;
			out->inhouse_hour = sqlite3_column_int64(st, 2);
			text_col(st, 3, out->inhouse_currency, sizeof(out->inhouse_currency));
			out->overhead_bp = sqlite3_column_int64(st, 4);
			out->updated_at = sqlite3_column_int64(st, 5);
			out->updated_by = sqlite3_column_int64(st, 6);
			rc = 0;
		} else if (rc == SQLITE_DONE) {
			rc = ERR_NOTFOUND;
		} else {
			rc = sq__fail(c->db, rc, "client billing read");
		}
		sqlite3_finalize(st);
	}
	sq__reader_put(sq__of(base), c);
	return rc;
}

#define HOUR_MS 3600000LL

/* Rows of st (bound, two int64 columns: worker, ms) to cb until done or an error. */
static int bill_rows(struct sq_conn *c, sqlite3_stmt *st, const int64_t *v, store_bill_time_cb cb,
		     void *ctx)
{
	int rc = sq__bind_i64s(st, 1, v, 3);

	rc = rc == SQLITE_OK ? 0 : sq__fail(c->db, rc, "billing time");
	while (!rc) {
		int step = sqlite3_step(st);

		if (step == SQLITE_DONE)
			break;
		if (step != SQLITE_ROW) {
			rc = sq__fail(c->db, step, "billing time");
			break;
		}
		rc = cb(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
	}
	sqlite3_reset(st);
	return rc;
}

/*
 * The time a draft prices: the running sums (time_sums, kept by triggers on
 * time_entries: the current ended billable entries per UTC hour and worker) of
 * the whole hours of [from, to), and the entries themselves, from the partial
 * covering index time_entries_bill, of the parts of an hour a bound cuts (a
 * half-hour zone's midnight) or of a window shorter than an hour. A month of
 * 200 workers is at most 144,000 sums whatever its number of entries. The
 * three reads are not one snapshot: the draft reads a locked period, whose
 * entries no write may change.
 */
int sq_bill_time_each(struct store *base, int64_t engagement_id, int64_t from, int64_t to,
		      store_bill_time_cb cb, void *ctx)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	/* the whole hours [h0, h1); none when the window holds no whole hour */
	int64_t h0 = from % HOUR_MS ? from - from % HOUR_MS + HOUR_MS : from;
	int64_t h1 = to - to % HOUR_MS;
	sqlite3_stmt *walk = NULL, *sums = NULL;
	int rc;

	if (from < 0 || to < 0) /* an hour's key is a floor only from 1970 on */
		h0 = h1 = to;
	if (h0 >= h1)
		h0 = h1 = to;
	walk = prep(
	    c,
	    "SELECT worker_id, duration_ms FROM time_entries INDEXED BY "
	    "time_entries_bill WHERE engagement_id = ?1 AND started_at >= ?2 AND started_at < ?3 "
	    "AND superseded_by = 0 AND billable != 0 AND duration_ms > 0",
	    &rc);
	if (walk && h0 < h1)
		sums = prep(c,
			    "SELECT worker_id, ms FROM time_sums WHERE engagement_id = ?1 "
			    "AND billable = 1 AND hour_at >= ?2 AND hour_at < ?3 AND n > 0",
			    &rc);
	if (walk && (h0 == h1 || sums)) {
		rc = bill_rows(c, walk, (int64_t[]){engagement_id, from, h0}, cb, ctx);
		if (!rc && sums)
			rc = bill_rows(c, sums, (int64_t[]){engagement_id, h0, h1}, cb, ctx);
		if (!rc && h1 < to)
			rc = bill_rows(c, walk, (int64_t[]){engagement_id, h1, to}, cb, ctx);
	}
	sqlite3_finalize(walk);
	sqlite3_finalize(sums);
	sq__reader_put(sq__of(base), c);
	return rc;
}
