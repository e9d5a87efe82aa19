/* sqlite_rows.c - SQLite rows to domain records, and the walk that hands them to callbacks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/item.h"
#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

/* ================================================================
 * Column helpers
 * ================================================================ */

void sq__col_str(sqlite3_stmt *st, int i, char *dst, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

static int64_t col_i64(sqlite3_stmt *st, int i)
{
	return sqlite3_column_int64(st, i);
}

static int col_int(sqlite3_stmt *st, int i)
{
	return sqlite3_column_int(st, i);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* ================================================================
 * Row decoders
 * ================================================================ */

int sq__row_client(sqlite3_stmt *st, struct client_rec *c)
{
	memset(c, 0, sizeof(*c));
	c->id = col_i64(st, 0);
	sq__col_str(st, 1, c->code, sizeof(c->code));
	sq__col_str(st, 2, c->name, sizeof(c->name));
	sq__col_str(st, 3, c->time_zone, sizeof(c->time_zone));
	c->created_at = col_i64(st, 4);
	return 0;
}

int sq__row_service(sqlite3_stmt *st, struct service_rec *sv)
{
	memset(sv, 0, sizeof(*sv));
	sv->id = col_i64(st, 0);
	sq__col_str(st, 1, sv->code, sizeof(sv->code));
	sq__col_str(st, 2, sv->name, sizeof(sv->name));
	if (service_kind_parse((const char *)sqlite3_column_text(st, 3), &sv->kind))
		return sq__error(ERR_IO, "service %lld: unknown kind", (long long)sv->id);
	sq__col_str(st, 4, sv->category, sizeof(sv->category));
	sv->created_at = col_i64(st, 5);
	return 0;
}

int sq__row_engagement(sqlite3_stmt *st, struct engagement_rec *e)
{
	int rc;

	memset(e, 0, sizeof(*e));
	e->id = col_i64(st, 0);
	e->client_id = col_i64(st, 1);
	e->service_id = col_i64(st, 2);
	sq__col_str(st, 3, e->name, sizeof(e->name));
	if (service_kind_parse((const char *)sqlite3_column_text(st, 4), &e->kind))
		return sq__error(ERR_IO, "engagement %lld: unknown kind", (long long)e->id);
	rc = sq__skills_parse(st, 5, e->skills, MODEL_MAX_SKILLS, &e->n_skills);
	if (!rc)
		rc = sq__skills_parse(st, 6, e->langs, MODEL_MAX_LANGS, &e->n_langs);
	if (rc)
		return rc;
	e->sla_ms = col_i64(st, 7);
	e->default_priority = col_int(st, 8);
	e->lease_ms = col_i64(st, 9);
	sq__col_str(st, 10, e->time_zone, sizeof(e->time_zone));
	e->created_at = col_i64(st, 11);
	return 0;
}

int sq__row_user(sqlite3_stmt *st, struct user_rec *u)
{
	memset(u, 0, sizeof(*u));
	u->id = col_i64(st, 0);
	sq__col_str(st, 1, u->name, sizeof(u->name));
	if (role_parse((const char *)sqlite3_column_text(st, 2), &u->role))
		return sq__error(ERR_IO, "user %lld: unknown role", (long long)u->id);
	u->client_id = col_i64(st, 3); /* NULL reads as 0 */
	u->created_at = col_i64(st, 4);
	return 0;
}

int sq__row_worker(sqlite3_stmt *st, struct worker_rec *w)
{
	int rc;

	memset(w, 0, sizeof(*w));
	w->id = col_i64(st, 0);
	w->user_id = col_i64(st, 1);
	sq__col_str(st, 2, w->name, sizeof(w->name));
	rc = sq__skills_parse(st, 3, w->skills, MODEL_MAX_SKILLS, &w->n_skills);
	if (!rc)
		rc = sq__skills_parse(st, 4, w->langs, MODEL_MAX_LANGS, &w->n_langs);
	if (!rc)
		rc = sq__creds_parse(st, 5, w->creds, MODEL_MAX_CREDS, &w->n_creds);
	if (rc)
		return rc;
	sq__col_str(st, 6, w->country, sizeof(w->country));
	sq__col_str(st, 7, w->time_zone, sizeof(w->time_zone));
	w->capacity = col_int(st, 8);
	w->cost_minor = col_i64(st, 9);
	sq__col_str(st, 10, w->currency, sizeof(w->currency));
	if (worker_status_parse((const char *)sqlite3_column_text(st, 11), &w->status))
		return sq__error(ERR_IO, "worker %lld: unknown status", (long long)w->id);
	w->created_at = col_i64(st, 12);
	rc = sq__clear_parse(st, 13, w->clear, MODEL_MAX_CLEAR, &w->n_clear);
	if (!rc)
		qsort(w->clear, w->n_clear, sizeof(w->clear[0]), cmp_i64);
	return rc;
}

int sq__row_item(sqlite3_stmt *st, struct item_rec *it)
{
	memset(it, 0, sizeof(*it));
	it->id = col_i64(st, 0);
	it->engagement_id = col_i64(st, 1);
	it->client_id = col_i64(st, 2);
	sq__col_str(st, 3, it->external_ref, sizeof(it->external_ref));
	it->priority = col_int(st, 4);
	it->created_at = col_i64(st, 5);
	it->due_at = col_i64(st, 6);
	if (item_state_parse((const char *)sqlite3_column_text(st, 7), &it->state))
		return sq__error(ERR_IO, "item %lld: unknown state", (long long)it->id);
	it->worker_id = col_i64(st, 8);
	it->epoch = col_i64(st, 9);
	it->lease_expires = col_i64(st, 10);
	return 0;
}


int sq__row_event(sqlite3_stmt *st, struct event_rec *ev)
{
	const char *from = (const char *)sqlite3_column_text(st, 4);

	memset(ev, 0, sizeof(*ev));
	ev->id = col_i64(st, 0);
	ev->item_id = col_i64(st, 1);
	ev->at = col_i64(st, 2);
	sq__col_str(st, 3, ev->action, sizeof(ev->action));
	/* A create has no from state (stored NULL). */
	ev->from_state = ITEM_STATE__COUNT;
	if ((from && item_state_parse(from, &ev->from_state)) ||
	    item_state_parse((const char *)sqlite3_column_text(st, 5), &ev->to_state))
		return sq__error(ERR_IO, "event %lld: unknown state", (long long)ev->id);
	ev->actor_user_id = col_i64(st, 6);
	ev->worker_id = col_i64(st, 7);
	ev->epoch = col_i64(st, 8);
	ev->detail = (char *)sqlite3_column_text(st, 9);
	return 0;
}

/* A hash column: 32 bytes, or all zero when the stored value is not 32 bytes long. */
static void col_hash(sqlite3_stmt *st, int col, unsigned char out[32])
{
	const void *h = sqlite3_column_blob(st, col);

	if (h && sqlite3_column_bytes(st, col) == 32)
		memcpy(out, h, 32);
	else
		memset(out, 0, 32);
}

int sq__row_audit(sqlite3_stmt *st, struct audit_rec *a)
{
	memset(a, 0, sizeof(*a));
	a->seq = col_i64(st, 0);
	a->at = col_i64(st, 1);
	a->actor_user_id = col_i64(st, 2);
	sq__col_str(st, 3, a->action, sizeof(a->action));
	sq__col_str(st, 4, a->record_type, sizeof(a->record_type));
	a->record_id = col_i64(st, 5);
	a->client_id = col_i64(st, 6);
	col_hash(st, 7, a->prev_hash);
	col_hash(st, 8, a->hash);
	return 0;
}

/* ================================================================
 * Walks: rows of any kind to their callbacks
 * ================================================================ */

/* Room for one record of any kind (a walk allocates one, off the stack). */
union sq_rec {
	struct client_rec client;
	struct service_rec service;
	struct engagement_rec engagement;
	struct user_rec user;
	struct worker_rec worker;
	struct item_rec item;
	struct event_rec event;
	struct audit_rec audit;
};

int sq__row_decode(enum sq_kind k, sqlite3_stmt *st, void *rec)
{
	switch (k) {
	case SQ_K_CLIENT: return sq__row_client(st, rec);
	case SQ_K_SERVICE: return sq__row_service(st, rec);
	case SQ_K_ENGAGEMENT: return sq__row_engagement(st, rec);
	case SQ_K_USER: return sq__row_user(st, rec);
	case SQ_K_WORKER: return sq__row_worker(st, rec);
	case SQ_K_ITEM: return sq__row_item(st, rec);
	case SQ_K_EVENT: return sq__row_event(st, rec);
	case SQ_K_AUDIT: return sq__row_audit(st, rec);
	}
	return sq__error(ERR_INTERNAL, "unknown record kind %d", (int)k);
}

sqlite3_stmt *sq__lookup(struct sq_conn *c, enum sq_stmt id, struct sq_key key, enum sq_kind k,
			 void *out, const char *what, int *rc)
{
	sqlite3_stmt *st = sq__stmt(c, id, rc);

	if (!st)
		return NULL;
	if (key.len < 0)
		*rc = sqlite3_bind_text(st, 1, key.p, -1, SQLITE_STATIC);
	else if (key.p)
		*rc = sqlite3_bind_blob(st, 1, key.p, key.len, SQLITE_STATIC);
	else
		*rc = sqlite3_bind_int64(st, 1, key.id);
	if (*rc == SQLITE_OK)
		*rc = sqlite3_step(st);
	if (*rc == SQLITE_ROW)
		*rc = sq__row_decode(k, st, out);
	else if (*rc == SQLITE_DONE && key.p)
		*rc = sq__error(ERR_NOTFOUND, "%s: not found", what);
	else if (*rc == SQLITE_DONE)
		*rc = sq__error(ERR_NOTFOUND, "%s %lld not found", what, (long long)key.id);
	else
		*rc = sq__fail(c->db, *rc, what);
	if (*rc) {
		sq__done(st);
		return NULL;
	}
	return st;
}

static int emit(enum sq_kind k, union sq_cb cb, void *ctx, const union sq_rec *r)
{
	switch (k) {
	case SQ_K_CLIENT: return cb.client(ctx, &r->client);
	case SQ_K_SERVICE: return cb.service(ctx, &r->service);
	case SQ_K_ENGAGEMENT: return cb.engagement(ctx, &r->engagement);
	case SQ_K_USER: return cb.user(ctx, &r->user);
	case SQ_K_WORKER: return cb.worker(ctx, &r->worker);
	case SQ_K_ITEM: return cb.item(ctx, &r->item);
	case SQ_K_EVENT: return cb.event(ctx, &r->event);
	case SQ_K_AUDIT: return cb.audit(ctx, &r->audit);
	}
	return ERR_INTERNAL;
}

int sq__walk(struct sq_conn *c, sqlite3_stmt *st, enum sq_kind k, union sq_cb cb, void *ctx,
	     int *n, int64_t *last, const char *what)
{
	union sq_rec *r = malloc(sizeof(*r));
	int rc, rows = 0;
	int64_t id = 0;

	if (!r)
		return sq__error(ERR_NOMEM, "%s: out of memory", what);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = sq__row_decode(k, st, r);
		if (!rc)
			rc = emit(k, cb, ctx, r);
		if (rc)
			goto out;
		id = sqlite3_column_int64(st, 0);
		rows++;
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(c->db, rc, what);
out:
	if (n)
		*n = rows;
	if (last)
		*last = id;
	free(r);
	return rc;
}
