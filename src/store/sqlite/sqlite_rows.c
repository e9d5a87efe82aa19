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

/* ================================================================
 * JSON text <-> skill, credential and clearance lists
 *
 * The lists are stored as JSON texts of one fixed shape. A small codec
 * of that shape keeps the store free of a JSON library (the wire JSON
 * lives in src/wire/); it reads any valid JSON text of the shape,
 * including the ones earlier versions wrote with jansson.
 * ================================================================ */

static int put_str(struct buf *b, const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	int rc = buf_puts(b, "\"");

	for (size_t i = 0; !rc && i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			rc = buf_printf(b, "\\%c", ch);
		else if (ch < 0x20)
			rc = buf_printf(b, "\\u%04x", ch);
		else
			rc = buf_append(b, &s[i], 1);
	}
	return rc ? rc : buf_puts(b, "\"");
}

char *sq__skills_text(const struct skill_level *sk, size_t n)
{
	struct buf b = BUF_INIT;
	int rc = buf_puts(&b, "[");

	for (size_t i = 0; !rc && i < n; i++) {
		rc = buf_puts(&b, i ? ",{\"code\":" : "{\"code\":");
		if (!rc)
			rc = put_str(&b, sk[i].code, MODEL_CODE_MAX);
		if (!rc)
			rc = buf_printf(&b, ",\"level\":%d}", sk[i].level);
	}
	if (!rc)
		rc = buf_puts(&b, "]");
	if (rc) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

char *sq__creds_text(const char (*creds)[MODEL_CODE_MAX], size_t n)
{
	struct buf b = BUF_INIT;
	int rc = buf_puts(&b, "[");

	for (size_t i = 0; !rc && i < n; i++) {
		rc = i ? buf_puts(&b, ",") : 0;
		if (!rc)
			rc = put_str(&b, creds[i], MODEL_CODE_MAX);
	}
	if (!rc)
		rc = buf_puts(&b, "]");
	if (rc) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* A cursor over a stored JSON text; every reader skips leading white space. */
struct jtext {
	const char *p;
};

static void j_ws(struct jtext *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static bool j_eat(struct jtext *j, char ch)
{
	j_ws(j);
	if (*j->p != ch)
		return false;
	j->p++;
	return true;
}

static bool j_hex4(const char *p, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		char ch = p[i];
		unsigned d = ch >= '0' && ch <= '9'   ? (unsigned)(ch - '0')
			     : ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10)
			     : ch >= 'A' && ch <= 'F' ? (unsigned)(ch - 'A' + 10)
						      : 16u;

		if (d > 15)
			return false;
		*out = *out << 4 | d;
	}
	return true;
}

/* Appends code point u as UTF-8 to dst[*k..n-1], dropping what does not fit. */
static void j_utf8(unsigned u, char *dst, size_t n, size_t *k)
{
	unsigned char b[4];
	size_t len = u < 0x80 ? 1 : u < 0x800 ? 2 : u < 0x10000 ? 3 : 4;

	if (len == 1) {
		b[0] = (unsigned char)u;
	} else {
		for (size_t i = len - 1; i > 0; i--, u >>= 6)
			b[i] = (unsigned char)(0x80 | (u & 0x3f));
		b[0] = (unsigned char)((0xf00u >> len) | u); /* 110x, 1110, 11110 */
	}
	if (*k + len < n) {
		memcpy(dst + *k, b, len);
		*k += len;
	}
}

/* A JSON string into dst (bounded, NUL-terminated; a longer one is cut). */
static bool j_str(struct jtext *j, char *dst, size_t n)
{
	size_t k = 0;
	unsigned u, lo;

	if (!j_eat(j, '"'))
		return false;
	while (*j->p && *j->p != '"') {
		char ch = *j->p++;

		if (ch != '\\') {
			if (k + 1 < n)
				dst[k++] = ch;
			continue;
		}
		ch = *j->p++;
		switch (ch) {
		case 'b': u = '\b'; break;
		case 'f': u = '\f'; break;
		case 'n': u = '\n'; break;
		case 'r': u = '\r'; break;
		case 't': u = '\t'; break;
		case '"': case '\\': case '/': u = (unsigned char)ch; break;
		case 'u':
			if (!j_hex4(j->p, &u))
				return false;
			j->p += 4;
			if (u >= 0xd800 && u < 0xdc00 && j->p[0] == '\\' && j->p[1] == 'u' &&
			    j_hex4(j->p + 2, &lo) && lo >= 0xdc00 && lo < 0xe000) {
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				j->p += 6;
			}
			break;
		default: return false;
		}
		j_utf8(u, dst, n, &k);
	}
	if (n)
		dst[k < n ? k : n - 1] = '\0';
	return j_eat(j, '"');
}

static bool j_int(struct jtext *j, int64_t *out)
{
	char *end;
	long long v;

	j_ws(j);
	errno = 0;
	v = strtoll(j->p, &end, 10);
	if (end == j->p || errno)
		return false;
	j->p = end;
	*out = v;
	return true;
}

/*
 * Walks a stored array: for each element calls one(j, i, ctx), which reads
 * the element. Elements past max are read and dropped (one() gets i >= max).
 * NULL text is the empty list.
 */
static int j_array(sqlite3_stmt *st, int col, size_t max, size_t *n,
		   bool (*one)(struct jtext *j, size_t i, void *ctx), void *ctx)
{
	struct jtext j = { (const char *)sqlite3_column_text(st, col) };
	size_t i = 0;

	*n = 0;
	if (!j.p)
		return 0;
	if (!j_eat(&j, '['))
		goto bad;
	if (!j_eat(&j, ']')) {
		do {
			if (!one(&j, i, ctx))
				goto bad;
			i++;
		} while (j_eat(&j, ','));
		if (!j_eat(&j, ']'))
			goto bad;
	}
	*n = i < max ? i : max;
	return 0;
bad:
	return sq__error(ERR_IO, "stored JSON in column %d is not a list of the expected shape", col);
}

/* {"code": "...", "level": N}, keys in any order. */
static bool one_skill(struct jtext *j, size_t i, void *ctx)
{
	struct skill_level scratch, *sk = i < MODEL_MAX_SKILLS ? (struct skill_level *)ctx + i : &scratch;
	char key[8];
	int64_t level = 0;

	sk->code[0] = '\0';
	if (!j_eat(j, '{'))
		return false;
	if (!j_eat(j, '}')) {
		do {
			if (!j_str(j, key, sizeof(key)) || !j_eat(j, ':'))
				return false;
			if (!strcmp(key, "code") ? !j_str(j, sk->code, sizeof(sk->code))
						  : !j_int(j, &level))
				return false;
		} while (j_eat(j, ','));
		if (!j_eat(j, '}'))
			return false;
	}
	sk->level = (int)level;
	return true;
}

static int skills_parse(sqlite3_stmt *st, int col, struct skill_level *sk, size_t max, size_t *n)
{
	/* one_skill indexes up to MODEL_MAX_SKILLS; languages hold fewer. */
	struct skill_level tmp[MODEL_MAX_SKILLS];
	int rc = j_array(st, col, max, n, one_skill, tmp);

	if (!rc)
		memcpy(sk, tmp, *n * sizeof(*sk));
	return rc;
}

static bool one_cred(struct jtext *j, size_t i, void *ctx)
{
	char scratch[MODEL_CODE_MAX];
	char(*creds)[MODEL_CODE_MAX] = ctx;

	return j_str(j, i < MODEL_MAX_CREDS ? creds[i] : scratch, MODEL_CODE_MAX);
}

static bool one_clear(struct jtext *j, size_t i, void *ctx)
{
	int64_t v, *clear = ctx;

	if (!j_int(j, &v))
		return false;
	if (i < MODEL_MAX_CLEAR)
		clear[i] = v;
	return true;
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
	rc = skills_parse(st, 5, e->skills, MODEL_MAX_SKILLS, &e->n_skills);
	if (!rc)
		rc = skills_parse(st, 6, e->langs, MODEL_MAX_LANGS, &e->n_langs);
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
	rc = skills_parse(st, 3, w->skills, MODEL_MAX_SKILLS, &w->n_skills);
	if (!rc)
		rc = skills_parse(st, 4, w->langs, MODEL_MAX_LANGS, &w->n_langs);
	if (!rc)
		rc = j_array(st, 5, MODEL_MAX_CREDS, &w->n_creds, one_cred, w->creds);
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
	rc = j_array(st, 13, MODEL_MAX_CLEAR, &w->n_clear, one_clear, w->clear);
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
