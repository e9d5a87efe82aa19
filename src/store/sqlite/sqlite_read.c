/* sqlite_read.c - SQLite reader side: lookups, JSON reads, lists, audit verify, backup. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/item.h"
#include "sec/audit.h"
#include "store/sqlite/sqlite_int.h"
#include "util/clock.h"
#include "util/err.h"

/*
 * Every call borrows one read-only connection from the pool for its whole
 * duration and gives it back at `out`. A single statement reads one
 * consistent WAL snapshot, so the writer is never blocked.
 */

/* Converts the current row to its wire JSON. */
typedef int (*row_json_fn)(sqlite3_stmt *st, json_t **out);

static int json_or_nomem(json_t *j, json_t **out, const char *what)
{
	*out = j;
	return j ? 0 : sq__error(ERR_NOMEM, "%s: cannot build JSON", what);
}

static int rj_client(sqlite3_stmt *st, json_t **out)
{
	struct client_rec c;
	int rc = sq__row_client(st, &c);

	return rc ? rc : json_or_nomem(store_json_client(&c), out, "client");
}

static int rj_service(sqlite3_stmt *st, json_t **out)
{
	struct service_rec sv;
	int rc = sq__row_service(st, &sv);

	return rc ? rc : json_or_nomem(store_json_service(&sv), out, "service");
}

static int rj_engagement(sqlite3_stmt *st, json_t **out)
{
	struct engagement_rec e;
	int rc = sq__row_engagement(st, &e);

	return rc ? rc : json_or_nomem(store_json_engagement(&e), out, "engagement");
}

static int rj_user(sqlite3_stmt *st, json_t **out)
{
	struct user_rec u;
	int rc = sq__row_user(st, &u);

	return rc ? rc : json_or_nomem(store_json_user(&u), out, "user");
}

static int rj_worker(sqlite3_stmt *st, json_t **out)
{
	struct worker_rec *w = malloc(sizeof(*w));
	int rc;

	if (!w)
		return sq__error(ERR_NOMEM, "worker: out of memory");
	rc = sq__row_worker(st, w);
	if (!rc)
		rc = json_or_nomem(store_json_worker(w), out, "worker");
	free(w);
	return rc;
}

/* Item without payload (lists, and get for roles that may not see it). */
static int rj_item(sqlite3_stmt *st, json_t **out)
{
	struct item_rec it;
	int rc = sq__row_item(st, &it);

	return rc ? rc : json_or_nomem(store_json_item(&it, false), out, "item");
}

static int rj_item_full(sqlite3_stmt *st, json_t **out)
{
	struct item_rec it;
	int rc = sq__row_item(st, &it);

	if (rc)
		return rc;
	/* Borrowed from the statement: valid until the next step or reset. */
	it.payload = (char *)sqlite3_column_text(st, 11);
	it.result = (char *)sqlite3_column_text(st, 12);
	*out = store_json_item(&it, true);
	if (!*out)
		return sq__error(ERR_IO, "item %lld: stored payload or result is not JSON",
				 (long long)it.id);
	return 0;
}

static json_t *hex_json(sqlite3_stmt *st, int col)
{
	const void *h = sqlite3_column_blob(st, col);
	char hex[65];

	if (!h || sqlite3_column_bytes(st, col) != 32)
		return json_string("");
	audit_hex(h, hex);
	return json_string(hex);
}

static json_t *time_json(int64_t ms)
{
	char t[40];

	clock_format_ms(ms, t, sizeof(t));
	return json_string(t);
}

static json_t *col_text_json(sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);

	return t ? json_string(t) : json_null();
}

static json_t *col_id_json(sqlite3_stmt *st, int col)
{
	int64_t v = sqlite3_column_int64(st, col);

	return v ? json_integer(v) : json_null();
}

static int rj_audit(sqlite3_stmt *st, json_t **out)
{
	return json_or_nomem(
	    json_pack("{s:I, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:o}", "seq",
		      (json_int_t)sqlite3_column_int64(st, 0), "at",
		      time_json(sqlite3_column_int64(st, 1)), "actor_user_id", col_id_json(st, 2),
		      "action", col_text_json(st, 3), "record_type", col_text_json(st, 4),
		      "record_id", (json_int_t)sqlite3_column_int64(st, 5), "client_id",
		      col_id_json(st, 6), "prev_hash", hex_json(st, 7), "hash", hex_json(st, 8)),
	    out, "audit");
}

static int rj_event(sqlite3_stmt *st, json_t **out)
{
	const char *action = (const char *)sqlite3_column_text(st, 3);
	const char *detail = (const char *)sqlite3_column_text(st, 9);
	json_t *from = (action && !strcmp(action, "create")) ? json_null() : col_text_json(st, 4);
	json_t *d = json_null();
	json_error_t e;

	if (detail) {
		json_decref(d);
		d = json_loads(detail, JSON_DECODE_ANY, &e);
		if (!d) {
			json_decref(from);
			return sq__error(ERR_IO, "event %lld: stored detail is not JSON",
					 (long long)sqlite3_column_int64(st, 0));
		}
	}
	return json_or_nomem(json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:o}", "id",
				       (json_int_t)sqlite3_column_int64(st, 0), "at",
				       time_json(sqlite3_column_int64(st, 2)), "action",
				       col_text_json(st, 3), "from", from, "to",
				       col_text_json(st, 5), "actor_user_id", col_id_json(st, 6),
				       "worker_id", col_id_json(st, 7), "epoch",
				       (json_int_t)sqlite3_column_int64(st, 8), "detail", d),
			     out, "event");
}

/* ================================================================
 * Generic get and list
 * ================================================================ */

/* Runs statement `id` with ?1 = key and converts its one row. */
static int get_one(struct store *base, enum sq_stmt id, int64_t key, row_json_fn rj, json_t **out,
		   const char *what)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(c, id, &rc);

	*out = NULL;
	if (!st)
		goto out;
	rc = sqlite3_bind_int64(st, 1, key);
	if (rc != SQLITE_OK) {
		rc = sq__fail(c->db, rc, what);
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = rj(st, out);
	else if (rc == SQLITE_DONE)
		rc = sq__error(ERR_NOTFOUND, "%s %lld not found", what, (long long)key);
	else
		rc = sq__fail(c->db, rc, what);
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

/*
 * Steps a bound list statement (?1 after, ?2 limit) into
 * {"data": [...], "next_cursor": "<last id>" | null}.
 */
static int list_run(struct sq_conn *c, sqlite3_stmt *st, int limit, row_json_fn rj, json_t **out,
		    const char *what)
{
	json_t *data = json_array(), *row = NULL, *page = NULL;
	int64_t last = 0;
	int rc, n = 0;
	char cursor[24];

	*out = NULL;
	if (!data)
		return sq__error(ERR_NOMEM, "%s: out of memory", what);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = rj(st, &row);
		if (rc)
			goto out;
		if (json_array_append_new(data, row)) {
			rc = sq__error(ERR_NOMEM, "%s: out of memory", what);
			goto out;
		}
		last = sqlite3_column_int64(st, 0);
		n++;
	}
	if (rc != SQLITE_DONE) {
		rc = sq__fail(c->db, rc, what);
		goto out;
	}
	snprintf(cursor, sizeof(cursor), "%lld", (long long)last);
	page = json_pack("{s:O, s:o}", "data", data, "next_cursor",
			 n >= limit ? json_string(cursor) : json_null());
	rc = json_or_nomem(page, out, what);
out:
	json_decref(data);
	return rc;
}

static int bind_page(struct sq_conn *c, sqlite3_stmt *st, const struct store_page *pg,
		     const char *what)
{
	int b = sqlite3_bind_int64(st, 1, pg->after);

	b |= sqlite3_bind_int(st, 2, pg->limit);
	return b == SQLITE_OK ? 0 : sq__fail(c->db, b, what);
}

/* Lists with an optional client filter: by_client selects the ?3 variant. */
static int list_simple(struct store *base, enum sq_stmt plain, enum sq_stmt by_client,
		       const struct store_page *pg, row_json_fn rj, json_t **out, const char *what)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	bool filter = pg->client_id && by_client != plain;
	int rc;
	sqlite3_stmt *st = sq__stmt(c, filter ? by_client : plain, &rc);

	*out = NULL;
	if (!st)
		goto out;
	rc = bind_page(c, st, pg, what);
	if (!rc && filter && (rc = sqlite3_bind_int64(st, 3, pg->client_id)) != SQLITE_OK)
		rc = sq__fail(c->db, rc, what);
	if (!rc)
		rc = list_run(c, st, pg->limit, rj, out, what);
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

/* ================================================================
 * Lookups into records
 * ================================================================ */

/* Runs statement `id` with ?1 bound by the caller's binder, one row into a record. */
static int lookup(struct store *base, enum sq_stmt id, const void *key, int key_len, int64_t ikey,
		  int (*decode)(sqlite3_stmt *, void *), void *out, const char *what)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	int rc;
	sqlite3_stmt *st = sq__stmt(c, id, &rc);

	if (!st)
		goto out;
	if (key_len < 0)
		rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	else if (key)
		rc = sqlite3_bind_blob(st, 1, key, key_len, SQLITE_STATIC);
	else
		rc = sqlite3_bind_int64(st, 1, ikey);
	if (rc != SQLITE_OK) {
		rc = sq__fail(c->db, rc, what);
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = decode(st, out);
	else if (rc == SQLITE_DONE)
		rc = sq__error(ERR_NOTFOUND, "%s: not found", what);
	else
		rc = sq__fail(c->db, rc, what);
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

static int dec_user(sqlite3_stmt *st, void *out)
{
	return sq__row_user(st, out);
}

static int dec_worker(sqlite3_stmt *st, void *out)
{
	return sq__row_worker(st, out);
}

static int dec_service(sqlite3_stmt *st, void *out)
{
	return sq__row_service(st, out);
}

int sq_token_lookup(struct store *s, const unsigned char hash[32], struct user_rec *out)
{
	return lookup(s, SQ_TOKEN_LOOKUP, hash, 32, 0, dec_user, out, "token lookup");
}

int sq_user_by_name(struct store *s, const char *name, struct user_rec *out)
{
	if (strnlen(name, MODEL_CODE_MAX) >= MODEL_CODE_MAX)
		return sq__error(ERR_NOTFOUND, "user: name too long");
	return lookup(s, SQ_USER_BY_NAME, name, -1, 0, dec_user, out, "user by name");
}

int sq_worker_by_user(struct store *s, int64_t user_id, struct worker_rec *out)
{
	return lookup(s, SQ_WORKER_BY_USER, NULL, 0, user_id, dec_worker, out, "worker by user");
}

int sq_service_by_code(struct store *s, const char *code, struct service_rec *out)
{
	if (strnlen(code, MODEL_CODE_MAX) >= MODEL_CODE_MAX)
		return sq__error(ERR_NOTFOUND, "service: code too long");
	return lookup(s, SQ_SERVICE_BY_CODE, code, -1, 0, dec_service, out, "service by code");
}

/* ================================================================
 * JSON reads
 * ================================================================ */

int sq_client_get(struct store *s, int64_t id, json_t **out)
{
	return get_one(s, SQ_CLIENT_GET, id, rj_client, out, "client");
}

int sq_client_list(struct store *s, const struct store_page *pg, json_t **out)
{
	return list_simple(s, SQ_CLIENT_LIST, SQ_CLIENT_LIST, pg, rj_client, out, "client list");
}

int sq_service_get(struct store *s, int64_t id, json_t **out)
{
	return get_one(s, SQ_SERVICE_GET, id, rj_service, out, "service");
}

int sq_service_list(struct store *s, const struct store_page *pg, json_t **out)
{
	return list_simple(s, SQ_SERVICE_LIST, SQ_SERVICE_LIST, pg, rj_service, out,
			   "service list");
}

int sq_engagement_get(struct store *s, int64_t id, json_t **out)
{
	return get_one(s, SQ_ENGAGEMENT_GET, id, rj_engagement, out, "engagement");
}

int sq_engagement_list(struct store *s, const struct store_page *pg, json_t **out)
{
	return list_simple(s, SQ_ENGAGEMENT_LIST, SQ_ENGAGEMENT_LIST_CLIENT, pg, rj_engagement, out,
			   "engagement list");
}

int sq_user_get(struct store *s, int64_t id, json_t **out)
{
	return get_one(s, SQ_USER_GET, id, rj_user, out, "user");
}

int sq_user_list(struct store *s, const struct store_page *pg, json_t **out)
{
	return list_simple(s, SQ_USER_LIST, SQ_USER_LIST_CLIENT, pg, rj_user, out, "user list");
}

int sq_worker_get(struct store *s, int64_t id, json_t **out)
{
	return get_one(s, SQ_WORKER_GET, id, rj_worker, out, "worker");
}

int sq_worker_list(struct store *s, const struct store_page *pg, json_t **out)
{
	return list_simple(s, SQ_WORKER_LIST, SQ_WORKER_LIST, pg, rj_worker, out, "worker list");
}

int sq_item_get(struct store *s, int64_t id, bool with_payload, json_t **out)
{
	return get_one(s, SQ_ITEM_GET, id, with_payload ? rj_item_full : rj_item, out, "item");
}

int sq_item_list(struct store *base, const struct store_page *pg, json_t **out)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	unsigned mask = (pg->client_id ? 1u : 0) | (pg->engagement_id ? 2u : 0) |
			(pg->worker_id ? 4u : 0) | (pg->state > 0 ? 8u : 0);
	int rc, b = 0;
	sqlite3_stmt *st = sq__item_list_stmt(c, mask, &rc);

	*out = NULL;
	if (!st)
		goto out;
	if (pg->state > ITEM_STATE__COUNT) {
		rc = sq__error(ERR_INVALID, "item list: bad state filter %d", pg->state);
		goto out;
	}
	rc = bind_page(c, st, pg, "item list");
	if (rc)
		goto out;
	if (mask & 1)
		b |= sqlite3_bind_int64(st, 3, pg->client_id);
	if (mask & 2)
		b |= sqlite3_bind_int64(st, 4, pg->engagement_id);
	if (mask & 4)
		b |= sqlite3_bind_int64(st, 5, pg->worker_id);
	if (mask & 8)
		b |= sqlite3_bind_text(st, 6, item_state_name((enum item_state)(pg->state - 1)), -1,
				       SQLITE_STATIC);
	if (b != SQLITE_OK) {
		rc = sq__fail(c->db, b, "item list");
		goto out;
	}
	rc = list_run(c, st, pg->limit, rj_item, out, "item list");
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

int sq_item_history(struct store *base, int64_t item_id, json_t **out)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	json_t *arr = NULL, *ev;
	int rc;
	sqlite3_stmt *ex = NULL, *st = NULL;

	*out = NULL;
	/* One read transaction: the existence check and the events see one snapshot. */
	ex = sq__stmt(c, SQ_ITEM_EXISTS, &rc);
	if (!ex)
		goto out;
	st = sq__stmt(c, SQ_ITEM_HISTORY, &rc);
	if (!st)
		goto out;
	rc = sqlite3_bind_int64(ex, 1, item_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 1, item_id);
	if (rc != SQLITE_OK) {
		rc = sq__fail(c->db, rc, "item history");
		goto out;
	}
	rc = sqlite3_step(ex);
	if (rc == SQLITE_DONE) {
		rc = sq__error(ERR_NOTFOUND, "item %lld not found", (long long)item_id);
		goto out;
	} else if (rc != SQLITE_ROW) {
		rc = sq__fail(c->db, rc, "item history");
		goto out;
	}
	/* ex is still mid-row, so st runs inside the same implicit read transaction. */
	arr = json_array();
	if (!arr) {
		rc = sq__error(ERR_NOMEM, "item history: out of memory");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = rj_event(st, &ev);
		if (rc)
			goto out;
		if (json_array_append_new(arr, ev)) {
			rc = sq__error(ERR_NOMEM, "item history: out of memory");
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = sq__fail(c->db, rc, "item history");
		goto out;
	}
	*out = arr;
	arr = NULL;
	rc = 0;
out:
	json_decref(arr);
	sq__done(st);
	sq__done(ex);
	sq__reader_put(s, c);
	return rc;
}

/* ================================================================
 * Audit
 * ================================================================ */

int sq_audit_list(struct store *s, const struct store_page *pg, json_t **out)
{
	return list_simple(s, SQ_AUDIT_LIST, SQ_AUDIT_LIST_CLIENT, pg, rj_audit, out, "audit list");
}

static void copy_hash(sqlite3_stmt *st, int col, unsigned char out[32])
{
	const void *h = sqlite3_column_blob(st, col);

	if (h && sqlite3_column_bytes(st, col) == 32)
		memcpy(out, h, 32);
	else
		memset(out, 0, 32);
}

int sq_audit_verify(struct store *base, int64_t *checked, int64_t *bad_seq)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	unsigned char prev[32] = {0}, stored_prev[32], stored[32], want[32];
	struct audit_rec a;
	int rc;
	sqlite3_stmt *st = sq__stmt(c, SQ_AUDIT_ALL, &rc);

	*checked = 0;
	*bad_seq = 0;
	if (!st)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&a, 0, sizeof(a));
		a.seq = sqlite3_column_int64(st, 0);
		a.at = sqlite3_column_int64(st, 1);
		a.actor_user_id = sqlite3_column_int64(st, 2);
		sq__col_str(st, 3, a.action, sizeof(a.action));
		sq__col_str(st, 4, a.record_type, sizeof(a.record_type));
		a.record_id = sqlite3_column_int64(st, 5);
		a.client_id = sqlite3_column_int64(st, 6);
		copy_hash(st, 7, stored_prev);
		copy_hash(st, 8, stored);
		memcpy(a.prev_hash, prev, 32);
		audit_hash(&a, want);
		(*checked)++;
		if (memcmp(stored_prev, prev, 32) || memcmp(stored, want, 32)) {
			*bad_seq = a.seq;
			rc = SQLITE_DONE;
			break;
		}
		memcpy(prev, stored, 32);
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(c->db, rc, "audit verify");
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}

/* ================================================================
 * Backup
 * ================================================================ */

#define SQ_BACKUP_RETRIES 200

int sq_backup(struct store *base, const char *path)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	sqlite3 *dst = NULL;
	sqlite3_backup *bk;
	int rc, tries = 0;

	rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		rc = sq__fail(dst, rc, "backup open");
		goto out;
	}
	bk = sqlite3_backup_init(dst, "main", c->db, "main");
	if (!bk) {
		rc = sq__fail(dst, sqlite3_errcode(dst), "backup init");
		goto out;
	}
	/* One step of all pages copies one snapshot; the writer carries on (WAL). */
	do {
		rc = sqlite3_backup_step(bk, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(25);
	} while ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_OK) &&
		 ++tries < SQ_BACKUP_RETRIES);
	sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE) {
		rc = sq__fail(dst, rc, "backup");
		goto out;
	}
	rc = sqlite3_errcode(dst);
	rc = rc == SQLITE_OK ? 0 : sq__fail(dst, rc, "backup finish");
out:
	sqlite3_close(dst);
	sq__reader_put(s, c);
	return rc;
}
