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

/* A hash column: n bytes, or all zero when the stored value is not n bytes long. */
static void col_hash(sqlite3_stmt *st, int col, unsigned char *out, size_t n)
{
	const void *h = sqlite3_column_blob(st, col);

	if (h && sqlite3_column_bytes(st, col) == (int)n)
		memcpy(out, h, n);
	else
		memset(out, 0, n);
}

/* ================================================================
 * The columns of each record, in the order of its SQ_*_COLS
 * ================================================================ */

/* One column of each kind of record: X(type, field); XN(type, list, its count). */
#define C(T, f) SQ_F(T, struct client_rec, f)
#define S(T, f) SQ_F(T, struct service_rec, f)
#define E(T, f) SQ_F(T, struct engagement_rec, f)
#define U(T, f) SQ_F(T, struct user_rec, f)
#define W(T, f) SQ_F(T, struct worker_rec, f)
#define I(T, f) SQ_F(T, struct item_rec, f)
#define V(T, f) SQ_F(T, struct event_rec, f)
#define A(T, f) SQ_F(T, struct audit_rec, f)
#define EN(T, f, n) SQ_FN(T, struct engagement_rec, f, n)
#define WN(T, f, n) SQ_FN(T, struct worker_rec, f, n)

/* clang-format off */
static const struct sq_field client_cols[] = {
    C(SQ_I64, id), C(SQ_TEXT, code), C(SQ_TEXT, name), C(SQ_TEXT, time_zone),
    C(SQ_I64, created_at), C(SQ_BOOL, active),
};

static const struct sq_field service_cols[] = {
    S(SQ_I64, id), S(SQ_TEXT, code), S(SQ_TEXT, name), S(SQ_KIND, kind), S(SQ_TEXT, category),
    S(SQ_I64, created_at),
};

static const struct sq_field engagement_cols[] = {
    E(SQ_I64, id), E(SQ_I64, client_id), E(SQ_I64, service_id), E(SQ_TEXT, name), E(SQ_KIND, kind),
    EN(SQ_SKILLS, skills, n_skills), EN(SQ_SKILLS, langs, n_langs), E(SQ_I64, sla_ms),
    E(SQ_INT, default_priority), E(SQ_I64, lease_ms), E(SQ_TEXT, time_zone), E(SQ_I64, created_at),
    E(SQ_I64, lease_max_ms), E(SQ_BOOL, active), EN(SQ_SENSITIVE, sensitive, n_sensitive),
    E(SQ_INT, retention_days), EN(SQ_IDS, wall, n_wall), E(SQ_INT, wall_days),
    EN(SQ_CODES, item_types, n_item_types),
};

static const struct sq_field user_cols[] = {
    U(SQ_I64, id), U(SQ_TEXT, name), U(SQ_ROLE, role), U(SQ_ID, client_id), U(SQ_I64, created_at),
    U(SQ_BOOL, active),
};

static const struct sq_field worker_cols[] = {
    W(SQ_I64, id), W(SQ_I64, user_id), W(SQ_TEXT, name), WN(SQ_SKILLS, skills, n_skills),
    WN(SQ_SKILLS, langs, n_langs), WN(SQ_CODES, creds, n_creds), W(SQ_TEXT, country),
    W(SQ_TEXT, time_zone), W(SQ_INT, capacity), W(SQ_I64, cost_minor), W(SQ_TEXT, currency),
    W(SQ_WSTATUS, status), W(SQ_I64, created_at), W(SQ_BOOL, active), WN(SQ_CLEAR, clear, n_clear),
};

/* Payload and result last: a row decodes without them (SQ_ITEM_GET copies them). */
static const struct sq_field item_cols[] = {
    I(SQ_I64, id), I(SQ_I64, engagement_id), I(SQ_I64, client_id), I(SQ_REF, external_ref),
    I(SQ_INT, priority), I(SQ_I64, created_at), I(SQ_I64, due_at), I(SQ_STATE, state),
    I(SQ_ID, worker_id), I(SQ_I64, epoch), I(SQ_I64, lease_expires), I(SQ_I64, lease_started),
    I(SQ_TEXT, type), I(SQ_INT, lease_weight),
    I(SQ_JSON, payload),
    I(SQ_JSON, result),
};

/* A create has no from state (stored NULL); detail is borrowed from the statement. */
static const struct sq_field event_cols[] = {
    V(SQ_I64, id), V(SQ_I64, item_id), V(SQ_I64, at), V(SQ_TEXT, action), V(SQ_FROM, from_state),
    V(SQ_STATE, to_state), V(SQ_ID, actor_user_id), V(SQ_ID, worker_id), V(SQ_I64, epoch),
    V(SQ_JSON, detail),
};

static const struct sq_field audit_cols[] = {
    A(SQ_I64, seq), A(SQ_I64, at), A(SQ_ID, actor_user_id), A(SQ_TEXT, action),
    A(SQ_TEXT, record_type), A(SQ_I64, record_id), A(SQ_ID, client_id), A(SQ_HASH, prev_hash),
    A(SQ_HASH, hash), A(SQ_JSON, detail),
};

static const struct sq_field audit_head_cols[] = {
    SQ_R(SQ_I64, audit_head, tree_size), SQ_R(SQ_I64, audit_head, timestamp),
    SQ_R(SQ_HASH, audit_head, root), SQ_R(SQ_HASH, audit_head, public_key),
    SQ_R(SQ_HASH, audit_head, signature),
};
/* clang-format on */

#undef C
#undef S
#undef E
#undef EN
#undef U
#undef W
#undef WN
#undef I
#undef V
#undef A

/*
 * Each kind of record: its columns; those a row decodes, [0, n_row); those
 * its INSERT binds as ?1, ?2, ..., [ins_from, ins_to) (the id is the new
 * row's, the clearances rows of their own); its size and name in messages.
 */
static const struct {
	const struct sq_field *f;
	size_t n_row, ins_from, ins_to, size;
	const char *name;
} kinds[] = {
#define K(KIND, cols, row_drop, from, ins_drop, S, name)                                           \
	[KIND] = { cols,       SQ_NFIELDS(cols) - (row_drop), from, SQ_NFIELDS(cols) - (ins_drop), \
		   sizeof(S), name }
    K(SQ_K_CLIENT, client_cols, 0, 1, 0, struct client_rec, "client"),
    K(SQ_K_SERVICE, service_cols, 0, 1, 0, struct service_rec, "service"),
    K(SQ_K_ENGAGEMENT, engagement_cols, 0, 1, 0, struct engagement_rec, "engagement"),
    K(SQ_K_USER, user_cols, 0, 1, 0, struct user_rec, "user"),
    K(SQ_K_WORKER, worker_cols, 0, 1, 1, struct worker_rec, "worker"),
    K(SQ_K_ITEM, item_cols, 2, 1, 0, struct item_rec, "item"),
    K(SQ_K_EVENT, event_cols, 0, 1, 0, struct event_rec, "event"),
    K(SQ_K_AUDIT, audit_cols, 0, 0, 0, struct audit_rec, "audit event"),
    K(SQ_K_AUDIT_HEAD, audit_head_cols, 0, 0, 0, struct audit_head, "audit head"),
#undef K
};

int sq__insert_fields(enum sq_kind k, const struct sq_field **f, size_t *n)
{
	if ((unsigned)k >= SQ_NFIELDS(kinds) || !kinds[k].f)
		return sq__error(ERR_INTERNAL, "unknown record kind %d", (int)k);
	*f = kinds[k].f + kinds[k].ins_from;
	*n = kinds[k].ins_to - kinds[k].ins_from;
	return 0;
}

/* ================================================================
 * Fields to columns and back
 * ================================================================ */

/* Column col into the field f of rec. ERR_INVALID: a name no value has. */
static int decode_field(sqlite3_stmt *st, int col, const struct sq_field *f, void *rec)
{
	void *p = (char *)rec + f->off;
	size_t *n = (size_t *)((char *)rec + f->n_off);
	const char *t = NULL;
	int rc;

	switch (f->type) {
	case SQ_I64:
	case SQ_ID:
		*(int64_t *)p = sqlite3_column_int64(st, col);
		return 0;
	case SQ_INT:
		*(int *)p = sqlite3_column_int(st, col);
		return 0;
	case SQ_TEXT:
	case SQ_REF:
		sq__col_str(st, col, p, f->size);
		return 0;
	case SQ_STR:
		break;
	case SQ_JSON:
		*(char **)p = (char *)sqlite3_column_text(st, col);
		return 0;
	case SQ_KIND:
	case SQ_ROLE:
	case SQ_WSTATUS:
	case SQ_STATE:
	case SQ_FROM:
		t = (const char *)sqlite3_column_text(st, col);
		break;
	case SQ_SKILLS:
		return sq__skills_parse(st, col, p, f->size / sizeof(struct skill_level), n);
	case SQ_CODES:
		return sq__creds_parse(st, col, p, f->size / MODEL_CODE_MAX, n);
	case SQ_CLEAR:
		rc = sq__clear_parse(st, col, rec);
		if (!rc)
			worker_clear_sort(rec);
		return rc;
	case SQ_SENSITIVE:
		return sq__sensitive_parse(st, col, p, f->size / sizeof(struct sensitive_field), n);
	case SQ_IDS:
		return sq__ids_parse(st, col, p, f->size / sizeof(int64_t), n);
	case SQ_HASH:
		col_hash(st, col, p, f->size);
		return 0;
	case SQ_BOOL:
		*(bool *)p = sqlite3_column_int(st, col) != 0;
		return 0;
	}
	switch (f->type) {
	case SQ_KIND: return service_kind_parse(t, p);
	case SQ_ROLE: return role_parse(t, p);
	case SQ_WSTATUS: return worker_status_parse(t, p);
	case SQ_FROM:
		if (!t) {
			*(enum item_state *)p = ITEM_STATE__COUNT;
			return 0;
		}
		return item_state_parse(t, p);
	case SQ_STATE: return item_state_parse(t, p);
	default: return sq__error(ERR_INTERNAL, "field %s: not a column that is read", f->name);
	}
}

int sq__row_decode(enum sq_kind k, sqlite3_stmt *st, void *rec)
{
	int rc;

	if ((unsigned)k >= SQ_NFIELDS(kinds) || !kinds[k].f)
		return sq__error(ERR_INTERNAL, "unknown record kind %d", (int)k);
	memset(rec, 0, kinds[k].size);
	for (size_t i = 0; i < kinds[k].n_row; i++) {
		rc = decode_field(st, (int)i, &kinds[k].f[i], rec);
		if (rc == ERR_INVALID)
			return sq__error(ERR_IO, "%s %lld: unknown %s", kinds[k].name,
					 (long long)sqlite3_column_int64(st, 0), kinds[k].f[i].name);
		if (rc)
			return rc;
	}
	return 0;
}

/* The name an enum field is stored as (NULL for SQ_FROM's none). */
static const char *enum_text(const struct sq_field *f, const void *p)
{
	int from;

	switch (f->type) {
	case SQ_KIND: return service_kind_name(*(const enum service_kind *)p);
	case SQ_ROLE: return role_name(*(const enum role *)p);
	case SQ_WSTATUS: return worker_status_name(*(const enum worker_status *)p);
	case SQ_FROM:
		from = (int)*(const enum item_state *)p;
		return from < 0 || from >= ITEM_STATE__COUNT ? NULL
							     : item_state_name((enum item_state)from);
	default: return item_state_name(*(const enum item_state *)p);
	}
}

/* ?i from the field f of rec. A SQLite result code, or ERR_NOMEM for a list's text. */
static int bind_field(sqlite3_stmt *st, int i, const struct sq_field *f, const void *rec)
{
	const void *p = (const char *)rec + f->off;
	size_t n = f->n_off ? *(const size_t *)((const char *)rec + f->n_off) : 0;
	const char *t;
	char *list = NULL;

	switch (f->type) {
	case SQ_I64:
		return sqlite3_bind_int64(st, i, *(const int64_t *)p);
	case SQ_ID:
		return *(const int64_t *)p ? sqlite3_bind_int64(st, i, *(const int64_t *)p)
					   : sqlite3_bind_null(st, i);
	case SQ_INT:
		return sqlite3_bind_int(st, i, *(const int *)p);
	case SQ_TEXT:
	case SQ_REF:
		t = p;
		if (f->type == SQ_REF && !t[0])
			return sqlite3_bind_null(st, i);
		return sqlite3_bind_text(st, i, t, (int)strnlen(t, f->size), SQLITE_STATIC);
	case SQ_STR:
	case SQ_JSON:
		t = *(const char *const *)p;
		if (!t && f->type == SQ_STR)
			t = "";
		return t ? sqlite3_bind_text(st, i, t, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
	case SQ_KIND:
	case SQ_ROLE:
	case SQ_WSTATUS:
	case SQ_STATE:
	case SQ_FROM:
		t = enum_text(f, p);
		return t ? sqlite3_bind_text(st, i, t, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
	case SQ_SKILLS:
		n = n < f->size / sizeof(struct skill_level) ? n : f->size / sizeof(struct skill_level);
		list = sq__skills_text(p, n);
		break;
	case SQ_CODES:
		n = n < f->size / MODEL_CODE_MAX ? n : f->size / MODEL_CODE_MAX;
		list = sq__creds_text(p, n);
		break;
	case SQ_CLEAR:
		return SQLITE_MISUSE; /* clearances are rows of their own */
	case SQ_SENSITIVE:
		n = n < f->size / sizeof(struct sensitive_field) ? n
								: f->size / sizeof(struct sensitive_field);
		list = sq__sensitive_text(p, n);
		break;
	case SQ_IDS:
		n = n < f->size / sizeof(int64_t) ? n : f->size / sizeof(int64_t);
		list = sq__ids_text(p, n);
		break;
	case SQ_HASH:
		return sqlite3_bind_blob(st, i, p, (int)f->size, SQLITE_STATIC);
	case SQ_BOOL:
		return sqlite3_bind_int(st, i, *(const bool *)p ? 1 : 0);
	}
	/* SQLite frees the text once it is done with it, also when the bind fails. */
	return list ? sqlite3_bind_text(st, i, list, -1, free) : ERR_NOMEM;
}

int sq__bind_fields(sqlite3_stmt *st, const struct sq_field *f, size_t n, const void *rec,
		    const char *what)
{
	for (size_t i = 0; i < n; i++) {
		int rc = bind_field(st, (int)i + 1, &f[i], rec);

		if (rc == ERR_NOMEM)
			return sq__error(ERR_NOMEM, "%s: out of memory", what);
		if (rc != SQLITE_OK)
			return sq__fail(sqlite3_db_handle(st), rc, what);
	}
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
	struct audit_head audit_head;
};

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
	case SQ_K_AUDIT_HEAD: return cb.audit_head(ctx, &r->audit_head);
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
