/* test_recover.c - recovery read in two parts at once gives the live state of one scan, on random and crash-like stores. */
/* cmocka needs these before it. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit.h"
// clang-format on

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/item.h"
#include "core/release.h"
#include "engine/engine.h"
#include "engine/engine_int.h"
#include "engine/states_int.h"
#include "store/sqlite/sqlite_int.h"
#include "store/store.h"
#include "util/err.h"

#define T0 1700000000000LL
#define N_ENG 3
#define N_WORKERS 4

static atomic_llong fake_now;

static int64_t fake_clock(void *arg)
{
	(void)arg;
	return (int64_t)atomic_load(&fake_now);
}

struct fx {
	char dir[64], dir_a[64], dir_b[64];
	struct store *s;
	struct engine *e;
	int64_t client, eng[N_ENG];
	struct actor w[N_WORKERS];
};

static int run(struct fx *f, struct cmd *c, const struct actor *a)
{
	c->actor = a;
	return engine_call(f->e, c);
}

static int64_t create(struct fx *f, struct cmd *c)
{
	assert_int_equal(run(f, c, &AUTH_LOCAL_ADMIN), 0);
	assert_int_equal(c->result.outcome, CMD_OUT_CREATED);
	return c->result.id;
}

static void path_of(char *out, size_t n, const char *dir, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

/* ---------------------------------------------------------------- the random store */

/* A store made by the engine: items created, taken, submitted, accepted, released, cancelled. */
static void engine_history(struct fx *f)
{
	static int refs;
	struct { int64_t id, epoch; int w; } held[64];
	int64_t submitted[256];
	size_t n_held = 0, n_sub = 0;
	struct cmd c;

	for (int op = 0; op < 600; op++) {
		int r = rand() % 100;

		atomic_fetch_add(&fake_now, 1000);
		if (r < 40) {
			c = (struct cmd){.type = CMD_ITEM_CREATE};
			c.u.item_create.engagement_id = f->eng[rand() % N_ENG];
			c.u.item_create.payload = "{\"form\":1}";
			c.u.item_create.priority = 1 + rand() % 9;
			if (rand() % 2)
				snprintf(c.u.item_create.external_ref,
					 sizeof(c.u.item_create.external_ref), "ref-%d", refs++);
			(void)create(f, &c);
		} else if (r < 65 && n_held < 64) {
			int w = rand() % N_WORKERS;

			c = (struct cmd){.type = CMD_ITEM_NEXT};
			if (!run(f, &c, &f->w[w]) && c.result.outcome == CMD_OUT_OK) {
				held[n_held].id = c.result.id;
				held[n_held].epoch = c.result.item.epoch;
				held[n_held++].w = w;
			}
			cmd_release(&c);
		} else if (r < 85 && n_held) {
			size_t i = (size_t)rand() % n_held;

			if (r < 75 && n_sub < 256) {
				c = (struct cmd){.type = CMD_ITEM_SUBMIT};
				c.u.op.item_id = held[i].id;
				c.u.op.epoch = held[i].epoch;
				c.u.op.result_json = "{\"ok\":true}";
				if (!run(f, &c, &f->w[held[i].w]))
					submitted[n_sub++] = held[i].id;
			} else {
				/* every other one excludes its worker from the item for good */
				c = (struct cmd){.type = CMD_ITEM_RELEASE};
				c.u.release.item_id = held[i].id;
				c.u.release.epoch = held[i].epoch;
				c.u.release.reason = rand() % 2 ? RELEASE_BREAK : RELEASE_SKILL_MISMATCH;
				(void)run(f, &c, &f->w[held[i].w]);
			}
			cmd_release(&c);
			held[i] = held[--n_held];
		} else if (r < 95 && n_sub) {
			size_t i = (size_t)rand() % n_sub;

			/* reviewed (in_review), then every other one accepted (done) */
			c = (struct cmd){.type = CMD_ITEM_REVIEW};
			c.u.op.item_id = submitted[i];
			(void)run(f, &c, &AUTH_LOCAL_ADMIN);
			cmd_release(&c);
			if (rand() % 2) {
				c = (struct cmd){.type = CMD_ITEM_ACCEPT};
				c.u.op.item_id = submitted[i];
				(void)run(f, &c, &AUTH_LOCAL_ADMIN);
				cmd_release(&c);
			}
			submitted[i] = submitted[--n_sub];
		} else {
			c = (struct cmd){.type = CMD_ITEM_CANCEL};
			c.u.op.item_id = 1 + rand() % (op + 1);
			c.u.op.reason = "test";
			(void)run(f, &c, &AUTH_LOCAL_ADMIN);
			cmd_release(&c);
		}
	}
}

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	sqlite3_free(msg);
}

/*
 * Rows written around the engine, as a store of any age may hold them:
 * every state, leases without their weight (recovery weighs those), refs,
 * exclusions of open and closed items.
 */
static void random_rows(struct fx *f, const char *path, int n)
{
	static const char *const states[] = {"queued", "assigned", "submitted", "in_review",
					      "done", "cancelled", "failed"};
	sqlite3 *db;
	char sql[1024];

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	exec_ok(db, "BEGIN IMMEDIATE");
	for (int i = 0; i < n; i++) {
		const char *st = states[rand() % 7];
		bool leased = strcmp(st, "queued") && strcmp(st, "cancelled");
		int64_t wid = f->w[rand() % N_WORKERS].worker_id;
		char ref[32] = "NULL", worker[32] = "NULL";

		if (rand() % 3 == 0)
			snprintf(ref, sizeof(ref), "'raw-%d'", i);
		if (leased)
			snprintf(worker, sizeof(worker), "%lld", (long long)wid);
		snprintf(sql, sizeof(sql),
			 "INSERT INTO items(engagement_id, client_id, external_ref, priority, "
			 "created_at, due_at, state, worker_id, epoch, lease_expires, payload, "
			 "lease_started, lease_weight) VALUES (%lld, %lld, %s, %d, %lld, %lld, '%s', "
			 "%s, %d, %lld, '{}', %lld, %d)",
			 (long long)f->eng[rand() % N_ENG], (long long)f->client, ref,
			 1 + rand() % 9, (long long)(T0 - rand() % 100000),
			 (long long)(T0 + rand() % 10000000), st,
			 worker,
			 leased ? 1 + rand() % 5 : 0, leased ? (long long)(T0 + rand() % 600000) : 0LL,
			 leased ? (long long)(T0 - rand() % 60000) : 0LL, leased ? rand() % 3 : 0);
		exec_ok(db, sql);
		if (rand() % 10 == 0) {
			snprintf(sql, sizeof(sql),
				 "INSERT OR IGNORE INTO item_exclusions(item_id, worker_id, reason, at) "
				 "VALUES (last_insert_rowid(), %lld, 'skill_mismatch', %lld)",
				 (long long)wid, (long long)T0);
			exec_ok(db, sql);
		}
	}
	exec_ok(db, "COMMIT");
	sqlite3_close(db);
}

/* Copies the store file and its WAL as they are (what a machine's crash leaves), not its -shm. */
static void copy_store(const char *from, const char *to)
{
	static const char *const names[] = {"ahd.db", "ahd.db-wal"};

	for (size_t i = 0; i < 2; i++) {
		char a[160], b[160], buf[65536];
		FILE *in, *out;
		size_t n;

		path_of(a, sizeof(a), from, names[i]);
		path_of(b, sizeof(b), to, names[i]);
		if (!(in = fopen(a, "rb")))
			continue; /* no WAL: checkpointed */
		assert_non_null(out = fopen(b, "wb"));
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			assert_int_equal(fwrite(buf, 1, n, out), n);
		fclose(in);
		assert_int_equal(fclose(out), 0);
	}
}

static long file_size(const char *dir, const char *name)
{
	char p[160];
	struct stat st;

	path_of(p, sizeof(p), dir, name);
	return stat(p, &st) ? -1 : (long)st.st_size;
}

static int setup(void **state)
{
	struct engine_opts o = {.batch_max = 64, .tick_ms = 20, .clock = fake_clock};
	struct fx *f = calloc(1, sizeof(*f));
	struct buf err = BUF_INIT;
	char path[160];
	struct cmd c;
	int64_t svc;

	assert_non_null(f);
	atomic_store(&fake_now, T0);
	snprintf(f->dir, sizeof(f->dir), "/tmp/ahd_recover_XXXXXX");
	snprintf(f->dir_a, sizeof(f->dir_a), "/tmp/ahd_recover_a_XXXXXX");
	snprintf(f->dir_b, sizeof(f->dir_b), "/tmp/ahd_recover_b_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_non_null(mkdtemp(f->dir_a));
	assert_non_null(mkdtemp(f->dir_b));
	path_of(path, sizeof(path), f->dir, "ahd.db");
	assert_int_equal(store_open(path, 2, &f->s, &err), 0);
	assert_int_equal(engine_start(f->s, &o, &f->e, &err), 0);
	buf_release(&err);
	c = (struct cmd){.type = CMD_CLIENT_CREATE};
	snprintf(c.u.client.code, sizeof(c.u.client.code), "acme");
	snprintf(c.u.client.name, sizeof(c.u.client.name), "Acme");
	snprintf(c.u.client.time_zone, sizeof(c.u.client.time_zone), "UTC");
	f->client = create(f, &c);
	c = (struct cmd){.type = CMD_SERVICE_CREATE};
	snprintf(c.u.service.code, sizeof(c.u.service.code), "forms");
	c.u.service.kind = KIND_BPO;
	svc = create(f, &c);
	for (int i = 0; i < N_ENG; i++) {
		c = (struct cmd){.type = CMD_ENGAGEMENT_CREATE};
		c.u.engagement.client_id = f->client;
		c.u.engagement.service_id = svc;
		snprintf(c.u.engagement.name, sizeof(c.u.engagement.name), "eng %d", i);
		c.u.engagement.sla_ms = 3600000;
		c.u.engagement.default_priority = 5;
		c.u.engagement.lease_ms = 600000;
		snprintf(c.u.engagement.time_zone, sizeof(c.u.engagement.time_zone), "UTC");
		f->eng[i] = create(f, &c);
	}
	for (int i = 0; i < N_WORKERS; i++) {
		struct user_rec u;

		c = (struct cmd){.type = CMD_WORKER_CREATE};
		snprintf(c.u.worker.login, sizeof(c.u.worker.login), "w%d", i);
		snprintf(c.u.worker.rec.name, sizeof(c.u.worker.rec.name), "w%d", i);
		c.u.worker.rec.capacity = 3;
		c.u.worker.rec.n_clear = 1;
		c.u.worker.rec.clear[0] = f->client;
		f->w[i].worker_id = create(f, &c);
		assert_int_equal(store_user_by_name(f->s, c.u.worker.login, &u), 0);
		f->w[i].user_id = u.id;
		f->w[i].role = ROLE_WORKER;
		snprintf(f->w[i].name, sizeof(f->w[i].name), "w%d", i);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	if (f->e)
		engine_stop(f->e);
	if (f->s)
		store_close(f->s);
	unit_store_dir_remove(f->dir);
	unit_store_dir_remove(f->dir_a);
	unit_store_dir_remove(f->dir_b);
	free(f);
	sq__few_rows_max = SQ_FEW_ROWS;
	return 0;
}

/* ---------------------------------------------------------------- comparing */

static int lease_cmp(const void *a, const void *b)
{
	const struct lease_deadline *x = a, *y = b;

	if (x->expires != y->expires)
		return x->expires < y->expires ? -1 : 1;
	if (x->item_id != y->item_id)
		return x->item_id < y->item_id ? -1 : 1;
	return (x->epoch > y->epoch) - (x->epoch < y->epoch);
}

static void sorted_leases(const struct lease_heap *h, struct lease_deadline *out)
{
	memcpy(out, h->v, h->n * sizeof(*out));
	qsort(out, h->n, sizeof(*out), lease_cmp);
}

static void item_equal(const struct live_item *a, const struct live_item *b)
{
	assert_int_equal(a->ri.id, b->ri.id);
	assert_int_equal(a->ri.due_at, b->ri.due_at);
	assert_int_equal(a->ri.since, b->ri.since);
	assert_int_equal(a->ri.priority, b->ri.priority);
	assert_int_equal(a->ri.weight, b->ri.weight);
	assert_int_equal(a->engagement_id, b->engagement_id);
	assert_int_equal(a->client_id, b->client_id);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->gold_id, b->gold_id);
	assert_int_equal(a->worker_id, b->worker_id);
	assert_int_equal(a->epoch, b->epoch);
	assert_int_equal(a->lease_expires, b->lease_expires);
	assert_int_equal(a->lease_started, b->lease_started);
	assert_int_equal(!a->external_ref, !b->external_ref);
	if (a->external_ref)
		assert_string_equal(a->external_ref, b->external_ref);
	assert_int_equal(!a->keying, !b->keying);
	if (a->keying) {
		assert_int_equal(a->keying->phase, b->keying->phase);
		assert_int_equal(a->keying->n, b->keying->n);
		assert_int_equal(a->keying->n_by, b->keying->n_by);
		assert_memory_equal(a->keying->by, b->keying->by,
				    a->keying->n_by * sizeof(a->keying->by[0]));
	}
}

/* Two live states of the same store: equal in everything recovery sets, even the items' order. */
static void states_equal(struct engine_state *a, struct engine_state *b)
{
	struct live_item *x, *y;
	struct lease_deadline *la, *lb;
	size_t i = 0, j = 0;
	int64_t id, last = 0;
	void *v;

	assert_int_equal(a->items.n, b->items.n);
	while ((x = idtable_next(&a->items, &i))) {
		y = idtable_next(&b->items, &j);
		assert_non_null(y);
		assert_true(x->ri.id > last); /* in id order, as one scan reads them */
		last = x->ri.id;
		item_equal(x, y);
		assert_ptr_equal(idtable_get(&b->items, x->ri.id), y);
	}
	assert_null(idtable_next(&b->items, &j));
	assert_int_equal(a->n_queued, b->n_queued);
	assert_int_equal(a->n_assigned, b->n_assigned);
	assert_int_equal(a->n_unweighed, 0);
	assert_int_equal(b->n_unweighed, 0);
	assert_int_equal(a->leases.n, b->leases.n);
	la = calloc(a->leases.n + 1, sizeof(*la));
	lb = calloc(b->leases.n + 1, sizeof(*lb));
	sorted_leases(&a->leases, la);
	sorted_leases(&b->leases, lb);
	assert_memory_equal(la, lb, a->leases.n * sizeof(*la));
	free(la);
	free(lb);
	assert_int_equal(a->workers.n, b->workers.n);
	for (size_t k = 0; idmap_next(&a->workers, &k, &id, &v);) {
		const struct live_worker *wa = v, *wb = idmap_get(&b->workers, id);

		assert_non_null(wb);
		assert_int_equal(wa->load, wb->load);
		assert_int_equal(wa->n_worked, wb->n_worked);
		assert_memory_equal(wa->worked, wb->worked, wa->n_worked * sizeof(wa->worked[0]));
	}
	assert_int_equal(!a->states, !b->states);
	if (a->states) {
		assert_int_equal(a->states->items.n, b->states->items.n);
		for (size_t k = 0; idmap_next(&a->states->items, &k, &id, &v);) {
			const struct states_item *sa = v, *sb = idmap_get(&b->states->items, id);

			assert_non_null(sb);
			assert_non_null(idtable_get(&a->items, id)); /* exclusions of open items only */
			assert_int_equal(sa->n_excl, sb->n_excl);
			assert_memory_equal(sa->excl, sb->excl, sa->n_excl * sizeof(sa->excl[0]));
		}
		assert_int_equal(a->states->offers.n, b->states->offers.n);
	}
	assert_int_equal(a->audit_seq, b->audit_seq);
	assert_memory_equal(a->audit_hash, b->audit_hash, 32);
}

/* The open items as plain SQL sees them (no partial index): what every load must hold. */
static void state_is_store(struct engine_state *st, const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	int64_t n = 0;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT id, state, coalesce(worker_id, 0), epoch, "
					    "lease_expires, coalesce(external_ref, '') FROM items NOT "
					    "INDEXED WHERE state IN ('queued', 'assigned', 'submitted', "
					    "'in_review') ORDER BY id",
					    -1, &q, NULL),
			 SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const struct live_item *it = idtable_get(&st->items, sqlite3_column_int64(q, 0));
		enum item_state s;

		assert_non_null(it);
		assert_int_equal(item_state_parse((const char *)sqlite3_column_text(q, 1), &s), 0);
		assert_int_equal(it->state, s);
		assert_int_equal(it->worker_id, sqlite3_column_int64(q, 2));
		assert_int_equal(it->epoch, sqlite3_column_int64(q, 3));
		assert_int_equal(it->lease_expires, sqlite3_column_int64(q, 4));
		assert_string_equal(it->external_ref ? it->external_ref : "",
				    (const char *)sqlite3_column_text(q, 5));
		n++;
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	assert_int_equal(n, (int64_t)st->items.n);
	assert_true(n > 100);
}

/*
 * The store in dir loaded three ways: one scan (the reference), two parts at
 * once, and two parts with keying, exclusions and offers walked from the open
 * items (a large store's plan) instead of from their tables: all the same.
 * OUT: *ref, the reference state (the caller releases it).
 */
static void load_three_ways(const char *dir, struct engine_state *ref)
{
	struct engine_state two, two_large;
	struct buf err = BUF_INIT;
	struct store *s;
	char path[160];

	path_of(path, sizeof(path), dir, "ahd.db");
	assert_int_equal(store_open(path, 2, &s, &err), 0);
	assert_int_equal(engine__state_load_parts(ref, s, 1, 0, &err), 0);
	assert_int_equal(engine__state_load_parts(&two, s, 2, 1, &err), 0);
	sq__few_rows_max = 0;
	assert_int_equal(engine__state_load_parts(&two_large, s, 2, 1, &err), 0);
	sq__few_rows_max = SQ_FEW_ROWS;
	store_close(s);
	state_is_store(ref, path);
	states_equal(ref, &two);
	states_equal(ref, &two_large);
	engine_state_release(&two);
	engine_state_release(&two_large);
	buf_release(&err);
}

/* ------------------------------------------------------------------ tests */

static void test_two_parts_equal_one_scan(void **state)
{
	struct fx *f = *state;
	struct engine_state clean, a, b;
	char path[160], path_a[160];
	long wal_a;
	sqlite3 *db;

	srand(1313);
	engine_history(f);
	path_of(path, sizeof(path), f->dir, "ahd.db");
	random_rows(f, path, 3000);
	engine_history(f);
	/* A: the files as a crash leaves them (the server running, its WAL not checkpointed). */
	copy_store(f->dir, f->dir_a);
	assert_true(file_size(f->dir_a, "ahd.db-wal") > 0);
	engine_stop(f->e);
	f->e = NULL;
	store_close(f->s);
	f->s = NULL;
	load_three_ways(f->dir, &clean);
	load_three_ways(f->dir_a, &a);
	states_equal(&clean, &a);
	/*
	 * B: A with a large transaction under way (its pages spilled into the
	 * WAL, uncommitted): a crash then leaves frames recovery must not see.
	 */
	path_of(path_a, sizeof(path_a), f->dir_a, "ahd.db");
	assert_int_equal(sqlite3_open(path_a, &db), SQLITE_OK);
	exec_ok(db, "PRAGMA cache_size = 16");
	wal_a = file_size(f->dir_a, "ahd.db-wal");
	exec_ok(db, "BEGIN IMMEDIATE");
	exec_ok(db, "UPDATE items SET state = 'done' WHERE id % 3 = 0");
	exec_ok(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20000) "
		    "INSERT INTO items(engagement_id, client_id, priority, created_at, due_at, state, "
		    "epoch, lease_expires, payload, lease_started) SELECT engagement_id, client_id, 5, "
		    "0, 0, 'queued', 0, 0, printf('%0300d', c.i), 0 FROM c, (SELECT engagement_id, "
		    "client_id FROM items LIMIT 1)");
	copy_store(f->dir_a, f->dir_b);
	assert_true(file_size(f->dir_b, "ahd.db-wal") > wal_a); /* the spilled, uncommitted pages */
	exec_ok(db, "ROLLBACK");
	sqlite3_close(db);
	load_three_ways(f->dir_b, &b);
	states_equal(&a, &b);
	engine_state_release(&clean);
	engine_state_release(&a);
	engine_state_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_parts_equal_one_scan, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
