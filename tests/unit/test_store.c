/* test_store.c - the SQLite store: records round-trip (checked through their wire JSON), paging, items, audit, backup, reopen. */
/* cmocka needs these before it. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/item.h"
#include "sec/audit.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "util/err.h"
#include "wire/wire.h"

#define T0 1700000000000LL /* 2023-11-14T22:13:20.000Z */

struct fx {
	char dir[64];
	char path[128];
	struct store *s;
};

static void fx_path(struct fx *f, char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", f->dir, name);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct buf err = BUF_INIT;

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/ahd_store_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	fx_path(f, f->path, sizeof(f->path), "ahd.db");
	assert_int_equal(store_open(f->path, 2, &f->s, &err), 0);
	buf_release(&err);
	*state = f;
	return 0;
}

static void rm_dir(const char *dir)
{
	const char *names[] = {"ahd.db",    "ahd.db-wal",    "ahd.db-shm",
			       "backup.db", "backup.db-wal", "backup.db-shm"};
	char p[192];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->s);
	rm_dir(f->dir);
	free(f);
	return 0;
}

/* ---- fixtures ---- */

static int64_t add_client(struct store *s, const char *code)
{
	struct client_rec c = {.created_at = T0, .active = true};

	snprintf(c.code, sizeof(c.code), "%s", code);
	snprintf(c.name, sizeof(c.name), "Client %s", code);
	snprintf(c.time_zone, sizeof(c.time_zone), "Asia/Jakarta");
	assert_int_equal(store_client_insert(s, &c), 0);
	assert_true(c.id > 0);
	return c.id;
}

static int64_t add_service(struct store *s)
{
	const struct service_rec *cat;
	struct service_rec sv;

	assert_true(store_default_catalogue(&cat) > 0);
	sv = cat[0];
	sv.created_at = T0;
	assert_int_equal(store_service_insert(s, &sv), 0);
	return sv.id;
}

static int64_t add_engagement(struct store *s, int64_t client, int64_t service)
{
	struct engagement_rec e = {.client_id = client,
				   .service_id = service,
				   .kind = KIND_BPO,
				   .n_skills = 2,
				   .n_langs = 1,
				   .sla_ms = 86400000,
				   .default_priority = 5,
				   .lease_ms = 1800000,
				   .lease_max_ms = 7200000,
				   .active = true,
				   .created_at = T0};

	snprintf(e.name, sizeof(e.name), "Invoices");
	snprintf(e.skills[0].code, MODEL_CODE_MAX, "typing");
	e.skills[0].level = 3;
	snprintf(e.skills[1].code, MODEL_CODE_MAX, "accounting");
	e.skills[1].level = 2;
	snprintf(e.langs[0].code, MODEL_CODE_MAX, "id");
	e.langs[0].level = 4;
	snprintf(e.time_zone, sizeof(e.time_zone), "UTC");
	assert_int_equal(store_engagement_insert(s, &e), 0);
	return e.id;
}

static int64_t add_user(struct store *s, const char *name, enum role r, int64_t client)
{
	struct user_rec u = {.role = r, .client_id = client, .created_at = T0, .active = true};

	snprintf(u.name, sizeof(u.name), "%s", name);
	assert_int_equal(store_user_insert(s, &u), 0);
	return u.id;
}

static int64_t add_worker(struct store *s, int64_t user, int64_t c1, int64_t c2)
{
	struct worker_rec *w = calloc(1, sizeof(*w));
	int64_t id;

	assert_non_null(w);
	w->user_id = user;
	snprintf(w->name, sizeof(w->name), "Wati");
	w->n_skills = 1;
	snprintf(w->skills[0].code, MODEL_CODE_MAX, "typing");
	w->skills[0].level = 4;
	w->n_langs = 2;
	snprintf(w->langs[0].code, MODEL_CODE_MAX, "id");
	w->langs[0].level = 5;
	snprintf(w->langs[1].code, MODEL_CODE_MAX, "en");
	w->langs[1].level = 3;
	w->n_creds = 1;
	snprintf(w->creds[0], MODEL_CODE_MAX, "CA");
	snprintf(w->country, sizeof(w->country), "ID");
	snprintf(w->time_zone, sizeof(w->time_zone), "Asia/Jakarta");
	w->capacity = 3;
	w->cost_minor = 1250;
	snprintf(w->currency, sizeof(w->currency), "USD");
	w->n_clear = 2;
	w->clear[0] = c2 > c1 ? c2 : c1; /* deliberately unsorted */
	w->clear[1] = c2 > c1 ? c1 : c2;
	w->status = WORKER_AVAILABLE;
	w->active = true;
	w->created_at = T0;
	assert_int_equal(store_worker_insert(s, w), 0);
	id = w->id;
	free(w);
	return id;
}

static int64_t add_item(struct store *s, int64_t eng, int64_t client, const char *ref,
			const char *payload)
{
	struct item_rec it = {.engagement_id = eng,
			      .client_id = client,
			      .priority = 5,
			      .created_at = T0,
			      .due_at = T0 + 86400000,
			      .state = ITEM_QUEUED};

	if (ref)
		snprintf(it.external_ref, sizeof(it.external_ref), "%s", ref);
	it.payload = (char *)payload;
	assert_int_equal(store_item_insert(s, &it), 0);
	return it.id;
}

static void assert_json_eq(json_t *got, const char *want_text)
{
	json_error_t e;
	json_t *want = json_loads(want_text, JSON_DECODE_ANY, &e);

	assert_non_null(want);
	if (!json_equal(got, want)) {
		char *g = json_dumps(got, JSON_SORT_KEYS | JSON_ENCODE_ANY);

		print_error("got:  %s\nwant: %s\n", g, want_text);
		free(g);
		json_decref(want);
		fail();
	}
	json_decref(want);
}

static const char *pragma(sqlite3 *db, const char *sql, char *out, size_t n)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

/* Asserts a rendered record against the wire JSON, then frees it. */
static void assert_wire_eq(json_t *got, const char *want_text)
{
	assert_non_null(got);
	assert_json_eq(got, want_text);
	json_decref(got);
}

/* A walk that counts the records passed (any record type; the pointer is unused). */
static int count_rec(int *n)
{
	(*n)++;
	return 0;
}

static int count_client_cb(void *ctx, const struct client_rec *c)
{
	(void)c;
	return count_rec(ctx);
}

static int count_worker_cb(void *ctx, const struct worker_rec *w)
{
	(void)w;
	return count_rec(ctx);
}

/* The clients of one page, copied (a record is valid only during its callback). */
struct client_page {
	int n;
	struct client_rec c[16];
};

static int client_page_add(void *ctx, const struct client_rec *c)
{
	struct client_page *p = ctx;

	assert_true(p->n < 16);
	p->c[p->n++] = *c;
	return 0;
}

/* ---- tests ---- */

static void test_pragmas(void **state)
{
	struct fx *f = *state;
	sqlite3 *db = store_sqlite_writer_db(f->s);
	char v[32], want[16];

	assert_string_equal(pragma(db, "PRAGMA journal_mode", v, sizeof(v)), "wal");
	assert_string_equal(pragma(db, "PRAGMA foreign_keys", v, sizeof(v)), "1");
	assert_string_equal(pragma(db, "PRAGMA synchronous", v, sizeof(v)), "2");
	assert_string_equal(pragma(db, "PRAGMA temp_store", v, sizeof(v)), "2"); /* MEMORY */
	assert_int_equal(sqlite3_busy_timeout(db, 5000), SQLITE_OK);
	snprintf(want, sizeof(want), "%d", store_sqlite_schema_version());
	assert_string_equal(pragma(db, "PRAGMA user_version", v, sizeof(v)), want);
	assert_true(store_sqlite_schema_version() >= 1);
	assert_string_equal(f->s->ops->name, "sqlite");
}

static void test_open_errors(void **state)
{
	struct store *s = NULL;
	struct buf err = BUF_INIT;

	(void)state;
	assert_int_equal(store_open("postgres://db/ahd", 1, &s, &err), ERR_INVALID);
	assert_null(s);
	assert_non_null(strstr(buf_str(&err), "PostgreSQL"));
	assert_int_equal(store_open("/nonexistent-dir/x/ahd.db", 1, &s, &err), ERR_IO);
	assert_null(s);
	assert_true(err.len > 0);
	buf_release(&err);
}

static void test_catalogue(void **state)
{
	const struct service_rec *cat;
	size_t n = store_default_catalogue(&cat), bpo = 0;

	(void)state;
	assert_int_equal(n, 21);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(cat[i].code, cat[i].category);
		bpo += cat[i].kind == KIND_BPO;
	}
	assert_int_equal(bpo, 10);
	assert_string_equal(cat[2].name, "Scanning and OCR correction with indexing");
	assert_string_equal(cat[20].code, "publishing");
}

static void test_records_roundtrip(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	unsigned char th[32];
	struct user_rec u;
	struct token_rec tok;
	struct service_rec sv;
	struct worker_rec *w = calloc(1, sizeof(*w));
	struct client_rec c;
	struct engagement_rec e;
	struct item_rec it;
	int64_t c1, c2, svc, eng, admin, cu, wu, wid;
	char want[1024];

	assert_non_null(w);
	assert_int_equal(store_begin(s), 0);
	c1 = add_client(s, "acme");
	c2 = add_client(s, "globex");
	svc = add_service(s);
	eng = add_engagement(s, c1, svc);
	admin = add_user(s, "root", ROLE_ADMIN, 0);
	cu = add_user(s, "acme-ops", ROLE_CLIENT, c1);
	wu = add_user(s, "wati", ROLE_WORKER, 0);
	wid = add_worker(s, wu, c1, c2);
	memset(th, 0xab, sizeof(th));
	tok = (struct token_rec){.user_id = cu, .created_at = T0, .expires_at = T0 + 1000,
				 .prefix = "ahd_0123abcd"};
	assert_int_equal(store_token_insert(s, &tok, th), 0);
	assert_int_equal(tok.id, 1);
	assert_int_equal(store_commit(s), 0);

	assert_int_equal(store_client_get(s, c1, &c), 0);
	snprintf(want, sizeof(want),
		 "{\"id\":%lld,\"code\":\"acme\",\"name\":\"Client acme\","
		 "\"time_zone\":\"Asia/Jakarta\",\"created_at\":\"2023-11-14T22:13:20.000Z\","
		 "\"active\":true}",
		 (long long)c1);
	assert_wire_eq(wire_client(&c), want);

	assert_int_equal(store_service_get(s, svc, &sv), 0);
	snprintf(want, sizeof(want),
		 "{\"id\":%lld,\"code\":\"data_entry\",\"name\":\"Data entry\",\"kind\":\"bpo\","
		 "\"category\":\"data_entry\",\"created_at\":\"2023-11-14T22:13:20.000Z\"}",
		 (long long)svc);
	assert_wire_eq(wire_service(&sv), want);

	assert_int_equal(store_engagement_get(s, eng, &e), 0);
	snprintf(want, sizeof(want),
		 "{\"id\":%lld,\"client_id\":%lld,\"service_id\":%lld,\"name\":\"Invoices\","
		 "\"kind\":\"bpo\",\"required_skills\":[{\"code\":\"typing\",\"level\":3},"
		 "{\"code\":\"accounting\",\"level\":2}],\"required_languages\":"
		 "[{\"code\":\"id\",\"level\":4}],\"sla_seconds\":86400,\"default_priority\":5,"
		 "\"lease_seconds\":1800,\"lease_max_seconds\":7200,\"time_zone\":\"UTC\","
		 "\"created_at\":\"2023-11-14T22:13:20.000Z\",\"active\":true,\"sensitive\":[],"
		 "\"retention_days\":0,\"wall\":null,\"item_types\":[]}",
		 (long long)eng, (long long)c1, (long long)svc);
	assert_wire_eq(wire_engagement(&e), want);

	assert_int_equal(store_user_get(s, cu, &u), 0);
	snprintf(want, sizeof(want),
		 "{\"id\":%lld,\"name\":\"acme-ops\",\"role\":\"client\",\"client_id\":%lld,"
		 "\"created_at\":\"2023-11-14T22:13:20.000Z\",\"active\":true}",
		 (long long)cu, (long long)c1);
	assert_wire_eq(wire_user(&u), want);
	assert_int_equal(store_user_get(s, admin, &u), 0);
	assert_int_equal(u.client_id, 0);
	snprintf(want, sizeof(want),
		 "{\"id\":%lld,\"name\":\"root\",\"role\":\"admin\",\"client_id\":null,"
		 "\"created_at\":\"2023-11-14T22:13:20.000Z\",\"active\":true}",
		 (long long)admin);
	assert_wire_eq(wire_user(&u), want);

	assert_int_equal(store_worker_get(s, wid, w), 0);
	snprintf(want, sizeof(want),
		 "{\"id\":%lld,\"user_id\":%lld,\"name\":\"Wati\","
		 "\"skills\":[{\"code\":\"typing\",\"level\":4}],"
		 "\"languages\":[{\"code\":\"id\",\"level\":5},{\"code\":\"en\",\"level\":3}],"
		 "\"credentials\":[\"CA\"],\"country\":\"ID\",\"time_zone\":\"Asia/Jakarta\","
		 "\"capacity\":3,\"cost_per_hour\":{\"amount_minor\":1250,\"currency\":\"USD\"},"
		 "\"clearances\":[%lld,%lld],\"status\":\"available\","
		 "\"created_at\":\"2023-11-14T22:13:20.000Z\",\"active\":true}",
		 (long long)wid, (long long)wu, (long long)c1, (long long)c2);
	assert_wire_eq(wire_worker(w), want);

	/* struct lookups */
	assert_int_equal(store_token_lookup(s, th, &u, &tok), 0);
	assert_int_equal(tok.id, 1);
	assert_int_equal(tok.expires_at, T0 + 1000);
	assert_int_equal(tok.revoked_at, 0);
	assert_int_equal(store_token_get(s, 1, &tok), 0);
	assert_string_equal(tok.prefix, "ahd_0123abcd");
	assert_string_equal(tok.user_name, "acme-ops");
	assert_int_equal(store_token_get(s, 2, &tok), ERR_NOTFOUND);
	assert_int_equal(u.id, cu);
	assert_int_equal(u.role, ROLE_CLIENT);
	assert_int_equal(u.client_id, c1);
	assert_string_equal(u.name, "acme-ops");
	memset(th, 0xcd, sizeof(th));
	assert_int_equal(store_token_lookup(s, th, &u, &tok), ERR_NOTFOUND);
	assert_int_equal(store_user_by_name(s, "root", &u), 0);
	assert_int_equal(u.id, admin);
	assert_int_equal(u.client_id, 0);
	assert_int_equal(store_user_by_name(s, "nobody", &u), ERR_NOTFOUND);
	assert_int_equal(store_service_by_code(s, "data_entry", &sv), 0);
	assert_int_equal(sv.id, svc);
	assert_int_equal(sv.kind, KIND_BPO);
	assert_int_equal(store_worker_by_user(s, wu, w), 0);
	assert_int_equal(w->id, wid);
	assert_int_equal(w->n_clear, 2);
	assert_true(w->clear[0] < w->clear[1]);
	assert_int_equal(w->n_langs, 2);
	assert_string_equal(w->creds[0], "CA");
	assert_int_equal(store_worker_by_user(s, admin, w), ERR_NOTFOUND);

	/* status change */
	assert_int_equal(store_worker_set_status(s, wid, WORKER_AWAY), 0);
	assert_int_equal(store_worker_set_status(s, 9999, WORKER_AWAY), ERR_NOTFOUND);
	assert_int_equal(store_worker_get(s, wid, w), 0);
	assert_int_equal(w->status, WORKER_AWAY);

	/* missing rows */
	assert_int_equal(store_client_get(s, 9999, &c), ERR_NOTFOUND);
	assert_true(strlen(store_errmsg(s)) > 0);
	assert_int_equal(store_item_get(s, 9999, true, &it), ERR_NOTFOUND);
	assert_null(it.payload);
	free(w);
}

/*
 * Skill, credential and clearance lists are stored as JSON texts by the
 * store's own codec: any string survives, and texts written by jansson
 * (spaces, escapes, surrogate pairs) read back the same.
 */
static void test_list_texts(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	struct worker_rec *w = calloc(1, sizeof(*w));
	int64_t c1, wu, wid;
	sqlite3 *db;
	char sql[512];

	assert_non_null(w);
	c1 = add_client(s, "acme");
	wu = add_user(s, "wati", ROLE_WORKER, 0);
	wid = add_worker(s, wu, c1, add_client(s, "globex"));
	assert_int_equal(store_worker_get(s, wid, w), 0);
	w->n_creds = 3;
	snprintf(w->creds[0], MODEL_CODE_MAX, "a\"b\\c");
	snprintf(w->creds[1], MODEL_CODE_MAX, "tab\there\x01");
	snprintf(w->creds[2], MODEL_CODE_MAX, "caf\xc3\xa9 \xf0\x9f\x98\x80/");
	w->n_clear = 0;
	w->user_id = add_user(s, "dewi", ROLE_WORKER, 0);
	assert_int_equal(store_worker_insert(s, w), 0);
	assert_int_equal(store_worker_get(s, w->id, w), 0);
	assert_int_equal(w->n_creds, 3);
	assert_string_equal(w->creds[0], "a\"b\\c");
	assert_string_equal(w->creds[1], "tab\there\x01");
	assert_string_equal(w->creds[2], "caf\xc3\xa9 \xf0\x9f\x98\x80/");
	assert_int_equal(w->n_clear, 0);

	/* what jansson wrote: spaces after separators, \u escapes, a surrogate pair */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	snprintf(sql, sizeof(sql),
		 "UPDATE workers SET skills = '[{\"level\": 2, \"code\": \"t\\u00e9st\"}, "
		 "{\"code\": \"x\\/y\", \"level\": 5}]', credentials = "
		 "'[\"\\ud83d\\ude00\\n\"]', languages = ' [ ] ' WHERE id = %lld",
		 (long long)wid);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(store_worker_get(s, wid, w), 0);
	assert_int_equal(w->n_skills, 2);
	assert_string_equal(w->skills[0].code, "t\xc3\xa9st");
	assert_int_equal(w->skills[0].level, 2);
	assert_string_equal(w->skills[1].code, "x/y");
	assert_int_equal(w->skills[1].level, 5);
	assert_int_equal(w->n_creds, 1);
	assert_string_equal(w->creds[0], "\xf0\x9f\x98\x80\n");
	assert_int_equal(w->n_langs, 0);
	assert_int_equal(w->n_clear, 2);

	/* a text of another shape is a storage error, not a silent empty list */
	snprintf(sql, sizeof(sql), "UPDATE workers SET skills = '{\"code\": 1}' WHERE id = %lld",
		 (long long)wid);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_worker_get(s, wid, w), ERR_IO);
	free(w);
}

static void test_unique_and_fk(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	struct client_rec c = {.created_at = T0, .active = true};
	struct token_rec tok;
	struct user_rec u = {.role = ROLE_ADMIN, .created_at = T0};
	struct service_rec sv;
	const struct service_rec *cat;
	struct engagement_rec e = {.client_id = 777, .service_id = 778, .created_at = T0};
	unsigned char th[32] = {1};
	int64_t uid;

	add_client(s, "acme");
	snprintf(c.code, sizeof(c.code), "acme");
	assert_int_equal(store_client_insert(s, &c), ERR_EXISTS);
	assert_non_null(strstr(store_errmsg(s), "UNIQUE"));
	uid = add_user(s, "root", ROLE_ADMIN, 0);
	snprintf(u.name, sizeof(u.name), "root");
	assert_int_equal(store_user_insert(s, &u), ERR_EXISTS);
	store_default_catalogue(&cat);
	sv = cat[1];
	assert_int_equal(store_service_insert(s, &sv), 0);
	sv = cat[1];
	assert_int_equal(store_service_insert(s, &sv), ERR_EXISTS);
	tok = (struct token_rec){.user_id = uid, .created_at = T0};
	assert_int_equal(store_token_insert(s, &tok, th), 0);
	assert_int_equal(store_token_insert(s, &tok, th), ERR_EXISTS);
	/* a reference to a missing row */
	assert_int_equal(store_engagement_insert(s, &e), ERR_NOTFOUND);
	/* the worker and its clearances go in together: a bad clearance undoes both */
	{
		struct worker_rec *w = calloc(1, sizeof(*w));
		struct store_page pg = {.limit = 10};
		int64_t next = -1;
		int n = 0;

		assert_non_null(w);
		w->user_id = uid;
		snprintf(w->currency, sizeof(w->currency), "USD");
		w->capacity = 1;
		w->n_clear = 1;
		w->clear[0] = 4242;
		assert_int_equal(store_worker_insert(s, w), ERR_NOTFOUND);
		assert_int_equal(store_worker_list(s, &pg, count_worker_cb, &n, &next), 0);
		assert_int_equal(n, 0);
		assert_int_equal(next, 0);
		free(w);
	}
}

static void test_paging(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	struct store_page pg = {.limit = 4};
	struct client_page p;
	json_t *j;
	char code[24];
	int64_t first = 0, seen = 0, next;

	assert_int_equal(store_begin(s), 0);
	for (int i = 0; i < 10; i++) {
		snprintf(code, sizeof(code), "c%02d", i);
		int64_t id = add_client(s, code);

		if (!first)
			first = id;
	}
	assert_int_equal(store_commit(s), 0);

	/* 4 + 4 + 2 */
	for (int page = 0; page < 3; page++) {
		p.n = 0;
		assert_int_equal(store_client_list(s, &pg, client_page_add, &p, &next), 0);
		assert_int_equal(p.n, page < 2 ? 4 : 2);
		for (int i = 0; i < p.n; i++) {
			assert_int_equal(p.c[i].id, first + seen);
			seen++;
		}
		if (page < 2) {
			assert_int_equal(next, first + seen - 1);
			pg.after = next;
		} else {
			assert_int_equal(next, 0);
		}
	}
	assert_int_equal(seen, 10);

	/* a page that is exactly full still offers a cursor; the next one is empty */
	pg.after = first + 5;
	pg.limit = 4;
	p.n = 0;
	assert_int_equal(store_client_list(s, &pg, client_page_add, &p, &next), 0);
	assert_int_equal(next, first + 9);
	pg.after = first + 9;
	p.n = 0;
	assert_int_equal(store_client_list(s, &pg, client_page_add, &p, &next), 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(next, 0);

	/* the wire page: the cursor is a string, null on the last page */
	assert_wire_eq(wire_page(json_array(), 0), "{\"data\":[],\"next_cursor\":null}");
	j = wire_page(json_pack("[i]", 1), first + 3);
	snprintf(code, sizeof(code), "%lld", (long long)(first + 3));
	assert_string_equal(json_string_value(json_object_get(j, "next_cursor")), code);
	json_decref(j);
}

struct collect {
	int n;
	int64_t ids[16];
	enum item_state states[16];
	bool payload_null;
	int stop_after;
};

static int collect_open(void *ctx, int part, int64_t k, const struct item_open_rec *it)
{
	struct collect *c = ctx;

	assert_int_equal(part, 0);
	assert_int_equal(k, c->n);
	c->ids[c->n] = it->id;
	c->states[c->n] = it->state;
	c->n++;
	return c->stop_after && c->n >= c->stop_after ? 77 : 0;
}

static int collect_item(void *ctx, const struct item_rec *it)
{
	struct collect *c = ctx;

	if (it->payload || it->result)
		c->payload_null = false;
	c->ids[c->n] = it->id;
	c->states[c->n] = it->state;
	c->n++;
	return c->stop_after && c->n >= c->stop_after ? 77 : 0;
}

/* Lists never carry payloads. */
static int count_list(struct store *s, const struct store_page *pg)
{
	struct collect col = {.payload_null = true};
	int64_t next;

	assert_int_equal(store_item_list(s, pg, collect_item, &col, &next), 0);
	assert_true(col.payload_null);
	return col.n;
}

static void test_items(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	int64_t c1, c2, svc, e1, e2, wu, wid, items[6];
	struct item_rec it;
	struct item_rec got = {0};
	struct collect col = {.payload_null = true};
	char want[1024];

	assert_int_equal(store_begin(s), 0);
	c1 = add_client(s, "acme");
	c2 = add_client(s, "globex");
	svc = add_service(s);
	e1 = add_engagement(s, c1, svc);
	e2 = add_engagement(s, c2, svc);
	wu = add_user(s, "wati", ROLE_WORKER, 0);
	wid = add_worker(s, wu, c1, c2);
	items[0] = add_item(s, e1, c1, "INV-1", "{\"amount\":12}");
	items[1] = add_item(s, e1, c1, NULL, "[1,2]");
	items[2] = add_item(s, e1, c1, NULL, "\"text\"");
	items[3] = add_item(s, e2, c2, NULL, "{}");
	items[4] = add_item(s, e2, c2, NULL, "{}");
	items[5] = add_item(s, e2, c2, NULL, "{}");
	assert_int_equal(store_commit(s), 0);

	/* payload is required */
	memset(&it, 0, sizeof(it));
	it.engagement_id = e1;
	it.client_id = c1;
	assert_int_equal(store_item_insert(s, &it), ERR_INVALID);

	assert_int_equal(store_item_get(s, items[0], true, &got), 0);
	assert_string_equal(got.payload, "{\"amount\":12}");
	assert_null(got.result);
	snprintf(
	    want, sizeof(want),
	    "{\"id\":%lld,\"engagement_id\":%lld,\"client_id\":%lld,\"external_ref\":\"INV-1\","
	    "\"priority\":5,\"state\":\"queued\",\"created_at\":\"2023-11-14T22:13:20.000Z\","
	    "\"due_at\":\"2023-11-15T22:13:20.000Z\",\"epoch\":0,\"lease\":null,"
	    "\"type\":\"default\",\"payload\":{\"amount\":12},\"result\":null}",
	    (long long)items[0], (long long)e1, (long long)c1);
	assert_wire_eq(wire_item(&got, true), want);
	item_rec_release(&got);
	assert_int_equal(store_item_get(s, items[2], false, &got), 0);
	assert_null(got.payload);
	assert_null(got.result);
	assert_string_equal(got.external_ref, "");
	{
		json_t *j = wire_item(&got, false);

		assert_null(json_object_get(j, "payload"));
		assert_null(json_object_get(j, "result"));
		assert_true(json_is_null(json_object_get(j, "external_ref")));
		json_decref(j);
	}

	/* assign item 0, submit item 1 with a result, finish item 3 */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_item_state_get(s, items[0], &it), 0);
	it.state = ITEM_ASSIGNED;
	it.worker_id = wid;
	it.epoch = 1;
	it.lease_expires = T0 + 60000;
	assert_int_equal(store_item_update(s, &it), 0);
	/* the writer sees its own uncommitted change, readers do not yet */
	assert_int_equal(store_item_state_get(s, items[0], &it), 0);
	assert_int_equal(it.state, ITEM_ASSIGNED);
	assert_null(it.payload);
	assert_int_equal(store_item_get(s, items[0], false, &got), 0);
	assert_int_equal(got.state, ITEM_QUEUED);

	assert_int_equal(store_item_state_get(s, items[1], &it), 0);
	it.state = ITEM_SUBMITTED;
	it.epoch = 1;
	it.result = "{\"ok\":true}";
	assert_int_equal(store_item_update(s, &it), 0);
	it.result = NULL;
	assert_int_equal(store_item_state_get(s, items[3], &it), 0);
	it.state = ITEM_DONE;
	assert_int_equal(store_item_update(s, &it), 0);
	it.id = 99999;
	assert_int_equal(store_item_update(s, &it), ERR_NOTFOUND);
	assert_int_equal(store_item_state_get(s, 99999, &it), ERR_NOTFOUND);
	assert_int_equal(store_commit(s), 0);

	assert_int_equal(store_item_get(s, items[0], true, &got), 0);
	assert_int_equal(got.worker_id, wid);
	assert_int_equal(got.lease_expires, T0 + 60000);
	assert_int_equal(got.epoch, 1);
	{
		json_t *j = wire_item(&got, true);

		snprintf(want, sizeof(want),
			 "{\"worker_id\":%lld,\"expires_at\":\"2023-11-14T22:14:20.000Z\"}",
			 (long long)wid);
		assert_json_eq(json_object_get(j, "lease"), want);
		assert_int_equal(json_integer_value(json_object_get(j, "epoch")), 1);
		json_decref(j);
	}
	item_rec_release(&got);
	assert_int_equal(store_item_get(s, items[1], true, &got), 0);
	assert_string_equal(got.result, "{\"ok\":true}");
	assert_string_equal(got.payload, "[1,2]");
	assert_int_equal(got.state, ITEM_SUBMITTED);
	{
		json_t *j = wire_item(&got, true);

		assert_json_eq(json_object_get(j, "result"), "{\"ok\":true}");
		assert_json_eq(json_object_get(j, "payload"), "[1,2]");
		assert_true(json_is_null(json_object_get(j, "lease")));
		json_decref(j);
	}
	item_rec_release(&got);
	/* an update without a result keeps the stored one */
	assert_int_equal(store_item_state_get(s, items[1], &it), 0);
	it.state = ITEM_IN_REVIEW;
	assert_int_equal(store_item_update(s, &it), 0);
	assert_int_equal(store_item_get(s, items[1], true, &got), 0);
	assert_string_equal(got.result, "{\"ok\":true}");
	item_rec_release(&got);

	/* filters */
	{
		struct store_page pg = {.limit = 50};

		assert_int_equal(count_list(s, &pg), 6);
		pg.client_id = c1;
		assert_int_equal(count_list(s, &pg), 3);
		pg.client_id = 0;
		pg.engagement_id = e2;
		assert_int_equal(count_list(s, &pg), 3);
		pg.state = ITEM_DONE + 1;
		assert_int_equal(count_list(s, &pg), 1);
		pg.engagement_id = 0;
		pg.state = ITEM_QUEUED + 1;
		assert_int_equal(count_list(s, &pg), 3);
		pg.state = 0;
		pg.worker_id = wid;
		assert_int_equal(count_list(s, &pg), 1);
		pg.client_id = c2;
		assert_int_equal(count_list(s, &pg), 0);
		pg.client_id = c1;
		pg.state = ITEM_ASSIGNED + 1;
		assert_int_equal(count_list(s, &pg), 1);
		pg = (struct store_page){.limit = 2, .after = items[0]};
		assert_int_equal(count_list(s, &pg), 2);
	}

	/* open items: queued 2, 4, 5 (ids), assigned 0, in_review 1; done 3 left out */
	assert_int_equal(store_load(s, &(struct store_load){.open_item = collect_open}, &col), 0);
	assert_int_equal(col.n, 5);
	assert_int_equal(col.ids[0], items[0]);
	assert_int_equal(col.states[0], ITEM_ASSIGNED);
	assert_int_equal(col.ids[1], items[1]);
	assert_int_equal(col.states[1], ITEM_IN_REVIEW);
	assert_int_equal(col.ids[2], items[2]);
	assert_int_equal(col.ids[3], items[4]);
	/* a callback's non-zero return stops the walk and is returned */
	col = (struct collect){.stop_after = 2};
	assert_int_equal(store_load(s, &(struct store_load){.open_item = collect_open}, &col), 77);
	assert_int_equal(col.n, 2);
}

/* Renders each event while it is valid (its detail is borrowed for the call). */
static int history_add(void *ctx, const struct event_rec *ev)
{
	json_t *v = wire_event(ev);

	assert_non_null(v);
	assert_int_equal(json_array_append_new(ctx, v), 0);
	/* a create has no from state */
	assert_true(strcmp(ev->action, "create") || ev->from_state == ITEM_STATE__COUNT);
	return 0;
}

static void test_events(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	int64_t c1, svc, e1, wu, wid, item, aid, assign_id;
	struct event_rec ev = {0};
	json_t *j;
	char want[1024];

	c1 = add_client(s, "acme");
	svc = add_service(s);
	e1 = add_engagement(s, c1, svc);
	wu = add_user(s, "wati", ROLE_WORKER, 0);
	aid = add_user(s, "boss", ROLE_MANAGER, 0);
	wid = add_worker(s, wu, c1, add_client(s, "globex"));
	item = add_item(s, e1, c1, NULL, "{}");

	assert_int_equal(store_begin(s), 0);
	ev.item_id = item;
	ev.at = T0;
	snprintf(ev.action, sizeof(ev.action), "%s", item_action_name(ACT_CREATE));
	ev.from_state = (enum item_state) - 1;
	ev.to_state = ITEM_QUEUED;
	ev.actor_user_id = aid;
	assert_int_equal(store_event_insert(s, &ev), 0);
	assert_true(ev.id > 0);
	ev.at = T0 + 1000;
	snprintf(ev.action, sizeof(ev.action), "%s", item_action_name(ACT_ASSIGN));
	ev.from_state = ITEM_QUEUED;
	ev.to_state = ITEM_ASSIGNED;
	ev.actor_user_id = 0;
	ev.worker_id = wid;
	ev.epoch = 1;
	ev.detail = "{\"reason\":\"get-next\"}";
	assert_int_equal(store_event_insert(s, &ev), 0);
	assign_id = ev.id;
	/* A reason in plain text: the store writes the detail {"reason": ...}. */
	snprintf(ev.action, sizeof(ev.action), "%s", item_action_name(ACT_CANCEL));
	ev.from_state = ITEM_ASSIGNED;
	ev.to_state = ITEM_CANCELLED;
	ev.detail = NULL;
	ev.reason = "scan \"unreadable\"\n\\ \x01 caf\xc3\xa9";
	assert_int_equal(store_event_insert(s, &ev), 0);
	ev.reason = "not UTF-8: \xff";
	assert_int_equal(store_event_insert(s, &ev), ERR_INVALID);
	ev.reason = NULL;
	ev.item_id = 424242;
	assert_int_equal(store_event_insert(s, &ev), ERR_NOTFOUND);
	assert_int_equal(store_commit(s), 0);

	j = json_array();
	assert_int_equal(store_item_history(s, item, history_add, j), 0);
	snprintf(want, sizeof(want),
		 "[{\"id\":%lld,\"at\":\"2023-11-14T22:13:20.000Z\",\"action\":\"create\","
		 "\"from\":null,\"to\":\"queued\",\"actor_user_id\":%lld,\"worker_id\":null,"
		 "\"epoch\":0,\"detail\":null},"
		 "{\"id\":%lld,\"at\":\"2023-11-14T22:13:21.000Z\",\"action\":\"assign\","
		 "\"from\":\"queued\",\"to\":\"assigned\",\"actor_user_id\":null,"
		 "\"worker_id\":%lld,\"epoch\":1,\"detail\":{\"reason\":\"get-next\"}},"
		 "{\"id\":%lld,\"at\":\"2023-11-14T22:13:21.000Z\",\"action\":\"cancel\","
		 "\"from\":\"assigned\",\"to\":\"cancelled\",\"actor_user_id\":null,"
		 "\"worker_id\":%lld,\"epoch\":1,"
		 "\"detail\":{\"reason\":\"scan \\\"unreadable\\\"\\n\\\\ \\u0001 caf\xc3\xa9\"}}]",
		 (long long)assign_id - 1, (long long)aid, (long long)assign_id, (long long)wid,
		 (long long)assign_id + 1, (long long)wid);
	assert_wire_eq(j, want);
	j = json_array();
	assert_int_equal(store_item_history(s, 424242, history_add, j), ERR_NOTFOUND);
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
}

static void test_idempotency(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	struct idem_rec r = {.user_id = 7, .status = 201, .created_at = T0}, got;

	snprintf(r.key, sizeof(r.key), "key-1");
	memset(r.request_hash, 0x5a, sizeof(r.request_hash));
	r.body = "{\"id\":1}";
	assert_int_equal(store_idem_get(s, 7, "key-1", &got), ERR_NOTFOUND);
	assert_null(got.body);
	assert_int_equal(store_idem_put(s, &r), 0);
	assert_int_equal(store_idem_put(s, &r), ERR_EXISTS);
	assert_int_equal(store_idem_get(s, 7, "key-1", &got), 0);
	assert_int_equal(got.user_id, 7);
	assert_string_equal(got.key, "key-1");
	assert_int_equal(got.status, 201);
	assert_int_equal(got.created_at, T0);
	assert_memory_equal(got.request_hash, r.request_hash, 32);
	assert_string_equal(got.body, "{\"id\":1}");
	free(got.body);
	/* keys are per user */
	assert_int_equal(store_idem_get(s, 8, "key-1", &got), ERR_NOTFOUND);
}

static void audit_append(struct store *s, int64_t client, const char *action)
{
	struct audit_rec a = {.actor_user_id = 3, .record_id = 11, .client_id = client};
	int64_t seq;

	assert_int_equal(store_audit_tail(s, &seq, a.prev_hash), 0);
	a.seq = seq + 1;
	a.at = T0 + seq;
	snprintf(a.action, sizeof(a.action), "%s", action);
	snprintf(a.record_type, sizeof(a.record_type), "item");
	audit_hash(&a, a.hash);
	assert_int_equal(store_audit_insert(s, &a), 0);
}

/* The audit events of one page, copied. */
struct audit_page {
	int n;
	struct audit_rec a[8];
};

static int audit_page_add(void *ctx, const struct audit_rec *a)
{
	struct audit_page *p = ctx;

	assert_true(p->n < 8);
	p->a[p->n++] = *a;
	return 0;
}

static void test_audit(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	struct audit_rec dup = {.seq = 1};
	unsigned char h[32], zero[32] = {0};
	int64_t seq, checked, bad;
	struct store_page pg = {.limit = 3};
	struct audit_page p = {0};
	int64_t next;
	json_t *first;
	char hex[65];
	sqlite3 *db;

	assert_int_equal(store_audit_tail(s, &seq, h), 0);
	assert_int_equal(seq, 0);
	assert_memory_equal(h, zero, 32);
	assert_int_equal(audit_verify(s, &checked, &bad), 0);
	assert_int_equal(checked, 0);
	assert_int_equal(bad, 0);

	assert_int_equal(store_begin(s), 0);
	for (int i = 0; i < 5; i++)
		audit_append(s, i % 2 ? 0 : 9, "item.read");
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_audit_insert(s, &dup), ERR_EXISTS);
	assert_int_equal(store_audit_tail(s, &seq, h), 0);
	assert_int_equal(seq, 5);

	assert_int_equal(audit_verify(s, &checked, &bad), 0);
	assert_int_equal(checked, 5);
	assert_int_equal(bad, 0);

	assert_int_equal(store_audit_list(s, &pg, audit_page_add, &p, &next), 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(next, 3);
	assert_memory_equal(p.a[0].prev_hash, zero, 32);
	assert_memory_equal(p.a[1].prev_hash, p.a[0].hash, 32);
	assert_int_equal(p.a[0].seq, 1);
	assert_int_equal(p.a[0].client_id, 9);
	assert_int_equal(p.a[1].client_id, 0);
	first = wire_audit(&p.a[0]);
	audit_hex(zero, hex);
	assert_string_equal(json_string_value(json_object_get(first, "prev_hash")), hex);
	assert_int_equal(json_integer_value(json_object_get(first, "seq")), 1);
	assert_int_equal(json_integer_value(json_object_get(first, "client_id")), 9);
	assert_int_equal(json_integer_value(json_object_get(first, "actor_user_id")), 3);
	assert_string_equal(json_string_value(json_object_get(first, "action")), "item.read");
	assert_string_equal(json_string_value(json_object_get(first, "record_type")), "item");
	assert_int_equal(json_integer_value(json_object_get(first, "record_id")), 11);
	assert_string_equal(json_string_value(json_object_get(first, "at")),
			    "2023-11-14T22:13:20.000Z");
	assert_int_equal(strlen(json_string_value(json_object_get(first, "hash"))), 64);
	audit_hex(p.a[0].hash, hex);
	assert_string_equal(json_string_value(json_object_get(first, "hash")), hex);
	json_decref(first);
	first = wire_audit(&p.a[1]);
	assert_true(json_is_null(json_object_get(first, "client_id")));
	json_decref(first);
	pg.client_id = 9;
	pg.limit = 10;
	p.n = 0;
	assert_int_equal(store_audit_list(s, &pg, audit_page_add, &p, &next), 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(next, 0);
	/* the whole trail from a seq on, in order */
	p.n = 0;
	assert_int_equal(store_audit_each(s, 2, audit_page_add, &p), 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.a[0].seq, 3);
	assert_int_equal(p.a[2].seq, 5);

	/* tamper with row 3 behind the store's back */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(
	    sqlite3_exec(db, "UPDATE audit SET record_id = 12 WHERE seq = 3", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(audit_verify(s, &checked, &bad), 0);
	assert_int_equal(bad, 3);
	assert_int_equal(checked, 3);
}

static int count_rows(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int n;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void test_backup(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	char bpath[192];

	add_client(s, "acme");
	add_client(s, "globex");
	/* an open writer transaction does not block the backup, and is not in it */
	assert_int_equal(store_begin(s), 0);
	add_client(s, "initech");
	fx_path(f, bpath, sizeof(bpath), "backup.db");
	assert_int_equal(store_backup(s, bpath), 0);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(count_rows(bpath, "SELECT count(*) FROM clients"), 2);
	assert_int_equal(count_rows(bpath, "PRAGMA user_version"), store_sqlite_schema_version());
	assert_int_equal(store_backup(s, "/nonexistent-dir/b.db"), ERR_IO);
}

static void test_rollback(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	struct client_rec c;
	struct client_page p = {0};
	struct store_page pg = {.limit = 10};
	int64_t keep, gone, next;

	keep = add_client(s, "keep");
	assert_int_equal(store_begin(s), 0);
	gone = add_client(s, "gone");
	assert_int_equal(store_rollback(s), 0);
	assert_int_equal(store_client_get(s, gone, &c), ERR_NOTFOUND);
	assert_int_equal(store_client_get(s, keep, &c), 0);
	assert_string_equal(c.code, "keep");
	/* rollback without a transaction is harmless */
	assert_int_equal(store_rollback(s), 0);

	/* savepoints: a failed command leaves no trace, the batch still commits */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_savepoint(s), 0);
	add_client(s, "one");
	assert_int_equal(store_release(s), 0);
	assert_int_equal(store_savepoint(s), 0);
	add_client(s, "two");
	assert_int_equal(store_rollback_to(s), 0);
	assert_int_equal(store_savepoint(s), 0);
	add_client(s, "three");
	assert_int_equal(store_release(s), 0);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_client_list(s, &pg, client_page_add, &p, &next), 0);
	assert_int_equal(p.n, 3);
	for (int i = 0; i < 3; i++)
		assert_string_not_equal(p.c[i].code, "two");
}

static int count_cb(void *ctx, const void *rec)
{
	(void)rec;
	(*(int *)ctx)++;
	return 0;
}

static int count_client(void *ctx, const struct client_rec *c)
{
	return count_cb(ctx, c);
}

static int count_service(void *ctx, const struct service_rec *sv)
{
	return count_cb(ctx, sv);
}

static int check_engagement(void *ctx, const struct engagement_rec *e)
{
	assert_int_equal(e->n_skills, 2);
	assert_string_equal(e->skills[1].code, "accounting");
	assert_int_equal(e->langs[0].level, 4);
	assert_int_equal(e->sla_ms, 86400000);
	return count_cb(ctx, e);
}

static int check_worker(void *ctx, const struct worker_rec *w)
{
	assert_int_equal(w->n_clear, 2);
	assert_true(w->clear[0] < w->clear[1]);
	assert_int_equal(w->cost_minor, 1250);
	assert_string_equal(w->currency, "USD");
	return count_cb(ctx, w);
}

static void test_reopen(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	int64_t c1, c2, svc, wu;
	int n = 0;
	char v[32];
	struct client_rec c;
	struct item_rec it;

	assert_int_equal(store_begin(f->s), 0);
	c1 = add_client(f->s, "acme");
	c2 = add_client(f->s, "globex");
	svc = add_service(f->s);
	add_engagement(f->s, c1, svc);
	wu = add_user(f->s, "wati", ROLE_WORKER, 0);
	add_worker(f->s, wu, c2, c1);
	add_item(f->s, 1, c1, NULL, "{\"x\":1}");
	assert_int_equal(store_commit(f->s), 0);
	store_close(f->s);
	f->s = NULL;

	/* mark the schema so a re-applied migration would be noticed */
	assert_int_equal(store_open(f->path, 1, &f->s, &err), 0);
	snprintf(v, sizeof(v), "%d", store_sqlite_schema_version());
	assert_string_equal(
	    pragma(store_sqlite_writer_db(f->s), "PRAGMA user_version", v, sizeof(v)), v);
	assert_int_equal(store_client_get(f->s, c2, &c), 0);
	assert_string_equal(c.code, "globex");
	assert_int_equal(store_load(f->s, &(struct store_load){.client = count_client}, &n), 0);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(store_load(f->s, &(struct store_load){.service = count_service}, &n), 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(store_load(f->s, &(struct store_load){.engagement = check_engagement}, &n),
			 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(store_load(f->s, &(struct store_load){.worker = check_worker}, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_item_get(f->s, 1, true, &it), 0);
	assert_string_equal(it.payload, "{\"x\":1}");
	item_rec_release(&it);
	/* the schema is not created twice: a second reopen works too */
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(store_open(f->path, 1, &f->s, &err), 0);
	assert_int_equal(count_rows(f->path, "SELECT count(*) FROM sqlite_master WHERE "
					     "type = 'table' AND name = 'clients'"),
			 1);
	buf_release(&err);
}

/* A database from a newer program is refused, not downgraded. */
static void test_newer_schema(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	sqlite3 *db;
	char sql[64];

	store_close(f->s);
	f->s = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", store_sqlite_schema_version() + 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(f->path, 1, &f->s, &err), ERR_INVALID);
	assert_null(f->s);
	assert_non_null(strstr(buf_str(&err), "newer"));
	buf_release(&err);
}

/*
 * The migration that makes items_engagement_ref UNIQUE checks first: a store
 * with two ordinary items of one engagement under one external_ref (written
 * around the server) is refused by name and left at its version; once one
 * of them has a ref of its own, it opens. A gold instance may share a ref.
 */
static void test_ref_unique_migration(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	sqlite3 *db;
	char sql[160], v[16], want[16];
	int version = store_sqlite_schema_version();

	store_close(f->s);
	f->s = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "DROP INDEX items_engagement_ref; PRAGMA user_version = %d",
		 version - 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(
		db,
		"INSERT INTO items(engagement_id, client_id, external_ref, priority, "
		"created_at, due_at, state, epoch, lease_expires, payload, gold_id) VALUES "
		"(1, 1, 'R1', 5, 0, 0, 'done', 0, 0, '{}', 0), "
		"(1, 1, 'R1', 5, 0, 0, 'done', 0, 0, '{}', 0), "
		"(1, 1, 'R1', 5, 0, 0, 'done', 0, 0, '{}', 7)",
		NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_not_equal(store_open(f->path, 1, &f->s, &err), 0);
	assert_null(f->s);
	assert_non_null(
	    strstr(buf_str(&err), "items with the same external_ref in one engagement"));
	snprintf(want, sizeof(want), "%d", version - 1);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_string_equal(pragma(db, "PRAGMA user_version", v, sizeof(v)), want);
	assert_int_equal(sqlite3_exec(db,
				      "UPDATE items SET external_ref = 'R1-2' WHERE id = (SELECT "
				      "max(id) FROM items WHERE gold_id = 0)",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	buf_release(&err);
	assert_int_equal(store_open(f->path, 1, &f->s, &err), 0);
	assert_int_equal(count_rows(f->path,
				    "SELECT count(*) FROM sqlite_master WHERE name = "
				    "'items_engagement_ref' AND sql LIKE 'CREATE UNIQUE%'"),
			 1);
	buf_release(&err);
}

/*
 * The WAL starts over while the writes go on: the checkpointer thread copies
 * the frames, and the writer's own checkpoint past 8,000 frames lets the
 * next transaction begin the WAL again (sqlite_store.c "Checkpoints"). A
 * checkpointer alone, or none, and the WAL would hold all 40,000 pages.
 */
static void test_wal_bounded(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	char wal[600], *payload = malloc(4001);
	int64_t c = add_client(s, "walco"), e = add_engagement(s, c, add_service(s));
	struct stat sb;
	off_t most = 0;

	assert_non_null(payload);
	memset(payload, 'x', 4000);
	payload[0] = '"';
	payload[3999] = '"';
	payload[4000] = '\0';
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	for (int b = 0; b < 200; b++) {
		assert_int_equal(store_begin(s), 0);
		for (int i = 0; i < 200; i++)
			add_item(s, e, c, NULL, payload); /* a page each: 40,000 in all */
		assert_int_equal(store_commit(s), 0);
		if (stat(wal, &sb) == 0 && sb.st_size > most)
			most = sb.st_size;
	}
	free(payload);
	assert_true(most > 0);
	/* 8,000 frames, and room for the commits while the checkpointer was busy (the writer
	 * copies only while it is idle), far from the 40,000 of a WAL that never starts over */
	assert_true(most < (off_t)16000 * (4096 + 24));
	assert_int_equal(count_rows(f->path, "SELECT count(*) FROM items"), 40000);
}

/* ---- readers on many threads share a small pool while the writer commits ---- */

struct reader_arg {
	struct store *s;
	int errors;
	int reads;
};

static void *reader_thread(void *p)
{
	struct reader_arg *a = p;
	struct store_page pg = {.limit = 20};
	struct client_rec c;
	int64_t next;
	int n = 0;

	for (int i = 0; i < 200; i++) {
		if (store_client_list(a->s, &pg, count_client_cb, &n, &next))
			a->errors++;
		if (store_client_get(a->s, 1, &c) == 0 && c.id != 1)
			a->errors++;
		a->reads++;
	}
	return NULL;
}

static void test_concurrent_readers(void **state)
{
	struct fx *f = *state;
	pthread_t th[4];
	struct reader_arg args[4];
	char code[16];

	add_client(f->s, "first");
	for (int i = 0; i < 4; i++) {
		args[i] = (struct reader_arg){.s = f->s};
		assert_int_equal(pthread_create(&th[i], NULL, reader_thread, &args[i]), 0);
	}
	for (int b = 0; b < 20; b++) {
		assert_int_equal(store_begin(f->s), 0);
		for (int i = 0; i < 10; i++) {
			snprintf(code, sizeof(code), "b%d-%d", b, i);
			add_client(f->s, code);
		}
		assert_int_equal(store_commit(f->s), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(args[i].errors, 0);
		assert_int_equal(args[i].reads, 200);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_pragmas, setup, teardown),
	    cmocka_unit_test(test_open_errors),
	    cmocka_unit_test(test_catalogue),
	    cmocka_unit_test_setup_teardown(test_records_roundtrip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list_texts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unique_and_fk, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_items, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_events, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_idempotency, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_newer_schema, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ref_unique_migration, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wal_bounded, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_concurrent_readers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
