/* sqlite_webhooks.c - webhook endpoints (secrets sealed) and their outbox in SQLite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#define W(base) (&sq__of(base)->writer)

/*
 * The statements are prepared per call rather than cached in SQ_STMTS: the
 * webhook writes are a handful per delivery, far from the hot paths. The
 * enqueue is the exception (SQ_WH_ENQUEUE): every accept and rework runs it.
 */
static sqlite3_stmt *prep(struct sq_conn *c, const char *sql, int *rc)
{
	return sq__prep(c, sql, "webhook statement", rc);
}

/* Secrets leave no copy in freed memory (the store links no libsodium). */
static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

static struct store_seal_ad ad_of(const struct webhook_rec *w, const char *field)
{
	return (struct store_seal_ad){w->client_id, "webhook", w->id, field};
}

static int write_secrets(struct store *s, const struct webhook_rec *w)
{
	struct sq_conn *c = W(s);
	struct store_seal_ad a = ad_of(w, "secret"), b = ad_of(w, "old_secret");
	int rc;
	sqlite3_stmt *st = prep(c,
				"UPDATE webhooks SET secret = ?2, old_secret = ?3, active = ?4, "
				"old_until = ?5, rotated_at = ?6 WHERE id = ?1",
				&rc);

	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, w->id);
	if (rc == SQLITE_OK)
		rc = sq__bind_i64s(st, 4, (const int64_t[]){w->active, w->old_until, w->rotated_at}, 3);
	rc = rc == SQLITE_OK ? 0 : sq__fail(c->db, rc, "webhook write");
	if (!rc)
		rc = sq__seal_bind(s, st, 2, &a, w->secret[0] ? w->secret : NULL, "webhook write");
	if (!rc)
		rc = sq__seal_bind(s, st, 3, &b, w->old_secret[0] ? w->old_secret : NULL,
				   "webhook write");
	if (rc) {
		sqlite3_finalize(st);
		return rc;
	}
	rc = sq__step_done(c, st, SQLITE_OK, "webhook write");
	if (!rc && !sqlite3_changes(c->db))
		rc = sq__error(ERR_NOTFOUND, "webhook %lld not found", (long long)w->id);
	return rc;
}

int sq_webhook_insert(struct store *s, struct webhook_rec *w)
{
	struct sq_conn *c = W(s);
	int rc;
	sqlite3_stmt *st =
	    prep(c,
		 "INSERT INTO webhooks(client_id, engagement_id, url, events, active, "
		 "created_at, created_by) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6) RETURNING id",
		 &rc);

	if (!st)
		return rc;
	rc = sq__bind_i64s(st, 1, (const int64_t[]){w->client_id, w->engagement_id}, 2);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 3, w->url, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc =
		    sq__bind_i64s(st, 4, (const int64_t[]){w->events, w->created_at, w->created_by}, 3);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		w->id = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(c->db, rc, "webhook insert");
	sqlite3_finalize(st);
	w->active = true;
	return rc ? rc : write_secrets(s, w);
}

int sq_webhook_update(struct store *s, const struct webhook_rec *w)
{
	return write_secrets(s, w);
}

int sq_webhook_enqueue(struct store *s, const struct webhook_delivery *d, int64_t engagement_id,
		       unsigned bit, int64_t *n)
{
	struct sq_conn *c = W(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(c, SQ_WH_ENQUEUE, &rc);

	*n = 0;
	if (!st)
		return rc;
	rc = sq__bind_i64s(st, 1, (const int64_t[]){d->item_id, d->client_id}, 2);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 3, d->event_id, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 4, d->type, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 5, d->body, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sq__bind_i64s(st, 6, (const int64_t[]){d->created_at, engagement_id, bit}, 3);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE ? 0 : sq__fail(c->db, rc, "webhook enqueue");
	if (!rc)
		*n = sqlite3_changes(c->db);
	sq__done(st);
	return rc;
}

int sq_webhook_attempt(struct store *s, const struct webhook_delivery *d)
{
	struct sq_conn *c = W(s);
	int rc;
	sqlite3_stmt *st =
	    prep(c,
		 "UPDATE webhook_outbox SET state = ?2, attempts = ?3, next_at = ?4, "
		 "last_at = ?5, last_status = ?6, last_error = ?7 WHERE id = ?1",
		 &rc);

	if (!st)
		return rc;
	rc = sq__bind_i64s(
	    st, 1,
	    (const int64_t[]){d->id, d->state, d->attempts, d->next_at, d->last_at, d->last_status},
	    6);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 7, d->last_error, -1, SQLITE_TRANSIENT);
	rc = sq__step_done(c, st, rc, "webhook attempt");
	if (!rc && !sqlite3_changes(c->db))
		rc = sq__error(ERR_NOTFOUND, "delivery %lld not found", (long long)d->id);
	return rc;
}

int sq_webhook_redeliver(struct store *s, int64_t webhook_id, int64_t id, int64_t at)
{
	struct sq_conn *c = W(s);
	int rc;
	sqlite3_stmt *st = prep(c,
				"UPDATE webhook_outbox SET state = 0, next_at = ?3 "
				"WHERE id = ?2 AND webhook_id = ?1",
				&rc);

	if (!st)
		return rc;
	rc = sq__step_done(c, st, sq__bind_i64s(st, 1, (const int64_t[]){webhook_id, id, at}, 3),
		       "webhook redeliver");
	if (!rc && !sqlite3_changes(c->db))
		rc = sq__error(ERR_NOTFOUND, "delivery %lld not found", (long long)id);
	return rc;
}

#define WH_COLS                                                                                    \
	"w.id, w.client_id, w.engagement_id, w.url, w.events, w.active, w.created_at, "            \
	"w.created_by, w.rotated_at, w.old_until, w.secret, w.old_secret"

/* Columns from..from+11 (WH_COLS) into w; the secrets opened when s is given. */
static int wh_decode(struct store *s, sqlite3_stmt *st, int from, struct webhook_rec *w)
{
	struct store_seal_ad a, b;
	char *p = NULL, *q = NULL;
	int rc;

	memset(w, 0, sizeof(*w));
	w->id = sqlite3_column_int64(st, from);
	w->client_id = sqlite3_column_int64(st, from + 1);
	w->engagement_id = sqlite3_column_int64(st, from + 2);
	sq__col_str(st, from + 3, w->url, sizeof(w->url));
	w->events = (unsigned)sqlite3_column_int64(st, from + 4);
	w->active = sqlite3_column_int64(st, from + 5) != 0;
	w->created_at = sqlite3_column_int64(st, from + 6);
	w->created_by = sqlite3_column_int64(st, from + 7);
	w->rotated_at = sqlite3_column_int64(st, from + 8);
	w->old_until = sqlite3_column_int64(st, from + 9);
	if (!s)
		return 0;
	a = ad_of(w, "secret");
	b = ad_of(w, "old_secret");
	rc = sq__open_col(s, st, from + 10, &a, &p, "webhook read");
	if (!rc)
		rc = sq__open_col(s, st, from + 11, &b, &q, "webhook read");
	if (!rc && p)
		snprintf(w->secret, sizeof(w->secret), "%s", p);
	if (!rc && q)
		snprintf(w->old_secret, sizeof(w->old_secret), "%s", q);
	if (p)
		wipe(p, strlen(p));
	if (q)
		wipe(q, strlen(q));
	free(p);
	free(q);
	return rc;
}

static int get_on(struct store *base, struct sq_conn *c, int64_t id, bool with_secret,
		  struct webhook_rec *out)
{
	int rc;
	sqlite3_stmt *st = prep(c, "SELECT " WH_COLS " FROM webhooks w WHERE w.id = ?1", &rc);

	memset(out, 0, sizeof(*out));
	if (!st)
		return rc;
	rc = sqlite3_bind_int64(st, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = wh_decode(with_secret ? base : NULL, st, 0, out);
	else if (rc == SQLITE_DONE)
		rc = sq__error(ERR_NOTFOUND, "webhook %lld not found", (long long)id);
	else
		rc = sq__fail(c->db, rc, "webhook read");
	sqlite3_finalize(st);
	return rc;
}

int sq_webhook_state_get(struct store *base, int64_t id, struct webhook_rec *out)
{
	return get_on(base, W(base), id, true, out);
}

int sq_webhook_get(struct store *base, int64_t id, bool with_secret, struct webhook_rec *out)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	int rc = get_on(base, c, id, with_secret, out);

	sq__reader_put(sq__of(base), c);
	return rc;
}

int sq_webhook_list(struct store *base, int64_t client_id, store_webhook_cb cb, void *ctx)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	struct webhook_rec w;
	int rc;
	sqlite3_stmt *st =
	    prep(c,
		 "SELECT " WH_COLS " FROM webhooks w WHERE ?1 = 0 OR w.client_id = ?1 "
		 "ORDER BY w.id",
		 &rc);

	if (st) {
		rc = sqlite3_bind_int64(st, 1, client_id);
		rc = rc == SQLITE_OK ? 0 : sq__fail(c->db, rc, "webhook list");
		while (!rc) {
			int step = sqlite3_step(st);

			if (step == SQLITE_DONE)
				break;
			if (step != SQLITE_ROW) {
				rc = sq__fail(c->db, step, "webhook list");
				break;
			}
			if (!(rc = wh_decode(NULL, st, 0, &w)))
				rc = cb(ctx, &w);
		}
		sqlite3_finalize(st);
	}
	sq__reader_put(sq__of(base), c);
	return rc;
}

#define D_COLS                                                                                     \
	"o.id, o.webhook_id, o.item_id, o.client_id, o.created_at, o.event_id, o.type, o.body, "   \
	"o.state, o.attempts, o.next_at, o.last_at, o.last_status, o.last_error"

static void d_decode(sqlite3_stmt *st, struct webhook_delivery *d)
{
	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(st, 0);
	d->webhook_id = sqlite3_column_int64(st, 1);
	d->item_id = sqlite3_column_int64(st, 2);
	d->client_id = sqlite3_column_int64(st, 3);
	d->created_at = sqlite3_column_int64(st, 4);
	sq__col_str(st, 5, d->event_id, sizeof(d->event_id));
	sq__col_str(st, 6, d->type, sizeof(d->type));
	d->body = (const char *)sqlite3_column_text(st, 7);
	d->state = (enum webhook_dstate)sqlite3_column_int64(st, 8);
	d->attempts = sqlite3_column_int64(st, 9);
	d->next_at = sqlite3_column_int64(st, 10);
	d->last_at = sqlite3_column_int64(st, 11);
	d->last_status = sqlite3_column_int64(st, 12);
	sq__col_str(st, 13, d->last_error, sizeof(d->last_error));
}

/* Walks a statement of D_COLS (and WH_COLS after them when with_hook). */
static int d_walk(struct store *base, struct sq_conn *c, sqlite3_stmt *st, bool with_hook,
		  store_delivery_cb cb, void *ctx)
{
	struct webhook_delivery d;
	struct webhook_rec w;
	int rc = 0;

	memset(&w, 0, sizeof(w));
	while (!rc) {
		int step = sqlite3_step(st);

		if (step == SQLITE_DONE)
			break;
		if (step != SQLITE_ROW) {
			rc = sq__fail(c->db, step, "webhook deliveries");
			break;
		}
		d_decode(st, &d);
		if (with_hook && (rc = wh_decode(base, st, 14, &w)))
			break;
		rc = cb(ctx, &d, with_hook ? &w : NULL);
	}
	wipe(&w, sizeof(w));
	return rc;
}

int sq_webhook_deliveries(struct store *base, int64_t webhook_id, int limit, store_delivery_cb cb,
			  void *ctx)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	int rc;
	sqlite3_stmt *st = prep(c,
				"SELECT " D_COLS " FROM webhook_outbox o WHERE o.webhook_id = ?1 "
				"ORDER BY o.id DESC LIMIT ?2",
				&rc);

	if (st) {
		rc = sq__bind_i64s(st, 1, (const int64_t[]){webhook_id, limit}, 2);
		rc = rc == SQLITE_OK ? d_walk(base, c, st, false, cb, ctx)
				     : sq__fail(c->db, rc, "webhook deliveries");
		sqlite3_finalize(st);
	}
	sq__reader_put(sq__of(base), c);
	return rc;
}

/*
 * Due rows: pending, next_at reached, the endpoint active, and no earlier
 * pending row of the same endpoint and item (in order per item: a later
 * event waits until the one before is delivered or failed).
 */
int sq_webhook_due(struct store *base, int64_t now, int limit, store_delivery_cb cb, void *ctx)
{
	struct sq_conn *c = sq__reader_get(sq__of(base));
	int rc;
	sqlite3_stmt *st = prep(
	    c,
	    "SELECT " D_COLS ", " WH_COLS " FROM webhook_outbox o JOIN webhooks w "
	    "ON w.id = o.webhook_id WHERE o.state = 0 AND o.next_at <= ?1 AND w.active = 1 "
	    "AND NOT EXISTS (SELECT 1 FROM webhook_outbox p WHERE p.webhook_id = o.webhook_id "
	    "AND p.item_id = o.item_id AND p.state = 0 AND p.id < o.id) ORDER BY o.id LIMIT ?2",
	    &rc);

	if (st) {
		rc = sq__bind_i64s(st, 1, (const int64_t[]){now, limit}, 2);
		rc = rc == SQLITE_OK ? d_walk(base, c, st, true, cb, ctx)
				     : sq__fail(c->db, rc, "webhook due");
		sqlite3_finalize(st);
	}
	sq__reader_put(sq__of(base), c);
	return rc;
}
