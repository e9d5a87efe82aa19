/* test_fault.c - fault injection: I/O and allocation fail at each step of the main flow in turn. */
/*
 * As SQLite's own tests do (malloc.test, ioerr.test): count the fault
 * points a clean run of the main flow passes, then run the flow again once
 * for each point N, with the Nth operation failing, either once (transient)
 * or from N on (persistent). Three kinds of point:
 *
 *	io	xRead, xWrite, xSync, xTruncate of a wrapper VFS registered as the
 *		default, delegating to the real one (SQLITE_IOERR_*)
 *	sqlmem	SQLite's allocator (SQLITE_CONFIG_MALLOC): NULL
 *	json	jansson's allocator (json_set_alloc_funcs): NULL
 *
 * The flow, in-process through the engine, each command with an
 * Idempotency-Key so a retry is safe: client, engagement, worker, two
 * items, get-next (as the worker), submit, accept, cancel. A command that
 * fails must fail cleanly (ERR_IO, ERR_NOMEM or ERR_BUSY) and is retried;
 * when the fault persists the rest of the flow runs after the faults are
 * cleared, on the same engine, and must then succeed (no divergence of live
 * state from the store). Then the engine stops, the store is reopened, and
 * PRAGMA integrity_check is ok, the audit chain verifies, and exactly the
 * records of the flow exist in their final states. Sanitizers catch
 * crashes and leaks.
 *
 *	test_fault [POINTS] [--shard I/N]
 *		POINTS: at most POINTS points per kind and mode (default 60, spread
 *		evenly; 0 = every point). --shard I/N (1 <= I <= N): of those runs,
 *		only every Nth, starting with the Ith, numbered across all kinds and
 *		modes; the N shards together run each of them exactly once. The
 *		clean counting runs are repeated in every shard.
 *
 * CI (tests/fault/CMakeLists.txt) runs every point, in four shards.
 */
#include <ftw.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/common.h"
#include "core/item.h"
#include "sec/audit.h"
#include "sec/auth.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"

/* ------------------------------------------------------------ the faults */

enum fault_kind { FK_IO, FK_SQLMEM, FK_JSON, FK__COUNT };
static const char *const kind_name[FK__COUNT] = {"io", "sqlmem", "json"};

static struct {
	atomic_bool armed;
	enum fault_kind kind;
	long at;	 /* the point that fails; 0 = count only */
	bool persist;	 /* every point from `at` on fails */
	atomic_long n;	 /* points passed while armed */
	atomic_long hit; /* faults injected */
} F;

static bool fault(enum fault_kind k)
{
	long n;

	if (!atomic_load(&F.armed) || F.kind != k)
		return false;
	n = atomic_fetch_add(&F.n, 1) + 1;
	if (F.at && (n == F.at || (F.persist && n > F.at))) {
		atomic_fetch_add(&F.hit, 1);
		return true;
	}
	return false;
}

static void arm(enum fault_kind k, long at, bool persist)
{
	F.kind = k;
	F.at = at;
	F.persist = persist;
	atomic_store(&F.n, 0);
	atomic_store(&F.hit, 0);
	atomic_store(&F.armed, true);
}

static void disarm(void)
{
	atomic_store(&F.armed, false);
}

/* ---- VFS: a shim file in front of the real one, which lives right after it. */

struct ffile {
	sqlite3_file base;
	sqlite3_file *real;
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;

static int f_close(sqlite3_file *f)
{
	struct ffile *p = (struct ffile *)f;

	return p->real->pMethods->xClose(p->real);
}

static int f_read(sqlite3_file *f, void *b, int n, sqlite3_int64 off)
{
	struct ffile *p = (struct ffile *)f;

	if (fault(FK_IO))
		return SQLITE_IOERR_READ;
	return p->real->pMethods->xRead(p->real, b, n, off);
}

static int f_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 off)
{
	struct ffile *p = (struct ffile *)f;

	if (fault(FK_IO))
		return SQLITE_IOERR_WRITE;
	return p->real->pMethods->xWrite(p->real, b, n, off);
}

static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	struct ffile *p = (struct ffile *)f;

	if (fault(FK_IO))
		return SQLITE_IOERR_TRUNCATE;
	return p->real->pMethods->xTruncate(p->real, size);
}

static int f_sync(sqlite3_file *f, int flags)
{
	struct ffile *p = (struct ffile *)f;

	if (fault(FK_IO))
		return SQLITE_IOERR_FSYNC;
	return p->real->pMethods->xSync(p->real, flags);
}

#define PASS(name, args, call)                                                                     \
	static int name args                                                                       \
	{                                                                                          \
		struct ffile *p = (struct ffile *)f;                                               \
		return p->real->pMethods->call;                                                    \
	}

PASS(f_size, (sqlite3_file * f, sqlite3_int64 *s), xFileSize(p->real, s))
PASS(f_lock, (sqlite3_file * f, int l), xLock(p->real, l))
PASS(f_unlock, (sqlite3_file * f, int l), xUnlock(p->real, l))
PASS(f_reserved, (sqlite3_file * f, int *out), xCheckReservedLock(p->real, out))
PASS(f_fcntl, (sqlite3_file * f, int op, void *arg), xFileControl(p->real, op, arg))
PASS(f_sector, (sqlite3_file * f), xSectorSize(p->real))
PASS(f_devchar, (sqlite3_file * f), xDeviceCharacteristics(p->real))
PASS(f_shmmap, (sqlite3_file * f, int pg, int sz, int ext, void volatile **pp),
     xShmMap(p->real, pg, sz, ext, pp))
PASS(f_shmlock, (sqlite3_file * f, int off, int n, int flags), xShmLock(p->real, off, n, flags))
PASS(f_shmunmap, (sqlite3_file * f, int del), xShmUnmap(p->real, del))
PASS(f_fetch, (sqlite3_file * f, sqlite3_int64 off, int n, void **pp), xFetch(p->real, off, n, pp))
PASS(f_unfetch, (sqlite3_file * f, sqlite3_int64 off, void *pg), xUnfetch(p->real, off, pg))

static void f_barrier(sqlite3_file *f)
{
	struct ffile *p = (struct ffile *)f;

	p->real->pMethods->xShmBarrier(p->real);
}

static const sqlite3_io_methods fault_io = {
    3,	       f_close,	  f_read,     f_write, f_truncate, f_sync,    f_size,
    f_lock,    f_unlock,  f_reserved, f_fcntl, f_sector,   f_devchar, f_shmmap,
    f_shmlock, f_barrier, f_shmunmap, f_fetch, f_unfetch,
};

static int f_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
	struct ffile *p = (struct ffile *)f;
	int rc;

	(void)vfs;
	p->real = (sqlite3_file *)(p + 1);
	rc = real_vfs->xOpen(real_vfs, name, p->real, flags, out);
	/* pMethods NULL: SQLite then calls no xClose, as for a failed open of its own. */
	p->base.pMethods = rc == SQLITE_OK && p->real->pMethods ? &fault_io : NULL;
	return rc;
}

/* ---- allocators */

static sqlite3_mem_methods real_mem;

static void *m_malloc(int n)
{
	return fault(FK_SQLMEM) ? NULL : real_mem.xMalloc(n);
}

static void *m_realloc(void *p, int n)
{
	return fault(FK_SQLMEM) ? NULL : real_mem.xRealloc(p, n);
}

static void *j_malloc(size_t n)
{
	return fault(FK_JSON) ? NULL : malloc(n);
}

static void j_free(void *p)
{
	free(p);
}

static void faults_install(void)
{
	sqlite3_mem_methods m;

	sqlite3_shutdown();
	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem) != SQLITE_OK)
		abort();
	m = real_mem;
	m.xMalloc = m_malloc;
	m.xRealloc = m_realloc;
	if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK || sqlite3_initialize())
		abort();
	real_vfs = sqlite3_vfs_find(NULL);
	fault_vfs = *real_vfs;
	fault_vfs.zName = "fault";
	fault_vfs.szOsFile = (int)sizeof(struct ffile) + real_vfs->szOsFile;
	fault_vfs.xOpen = f_open;
	fault_vfs.pNext = NULL;
	if (sqlite3_vfs_register(&fault_vfs, 1) != SQLITE_OK)
		abort();
	json_set_alloc_funcs(j_malloc, j_free);
}

/* -------------------------------------------------------------- the flow */

enum step {
	S_CLIENT,
	S_ENGAGEMENT,
	S_WORKER,
	S_ITEM_A,
	S_ITEM_B,
	S_NEXT,
	S_SUBMIT,
	S_ACCEPT,
	S_CANCEL,
	S__COUNT
};
static const char *const step_name[S__COUNT] = {
    "client", "engagement", "worker", "item_a", "item_b", "next", "submit", "accept", "cancel"};

struct flow {
	struct cli_ctx ctx;
	char dir[256];
	char clock_path[300]; /* the engine's clock: a file holding one fixed time */
	int64_t service_id;
	int64_t client, engagement, worker, item_a, item_b, epoch;
	struct actor worker_actor;
	bool acked[S__COUNT];
	int failures; /* clean failures seen (then retried) */
};

static int errors; /* check failures over the whole run */

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			errors++;                                                                  \
		}                                                                                  \
	} while (0)

static char where[128]; /* the current kind, mode and point, for messages */

/* The test's own encoding of an answer for the idempotency record: "id epoch". */
static int encode_ids(const struct cmd *c, char **out_text)
{
	char text[64];

	snprintf(text, sizeof(text), "%lld %lld", (long long)c->result.id,
		 (long long)(c->result.has_item ? c->result.item.epoch : 0));
	*out_text = strdup(text);
	return *out_text ? 0 : ERR_NOMEM;
}

static void fill(struct flow *fl, enum step s, struct cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->actor = &AUTH_LOCAL_ADMIN;
	switch (s) {
	case S_CLIENT:
		c->type = CMD_CLIENT_CREATE;
		snprintf(c->u.client.code, sizeof(c->u.client.code), "acme");
		snprintf(c->u.client.name, sizeof(c->u.client.name), "Acme");
		snprintf(c->u.client.time_zone, sizeof(c->u.client.time_zone), "UTC");
		break;
	case S_ENGAGEMENT:
		c->type = CMD_ENGAGEMENT_CREATE;
		c->u.engagement.client_id = fl->client;
		c->u.engagement.service_id = fl->service_id;
		snprintf(c->u.engagement.name, sizeof(c->u.engagement.name), "forms");
		snprintf(c->u.engagement.time_zone, sizeof(c->u.engagement.time_zone), "UTC");
		snprintf(c->u.engagement.skills[0].code, sizeof(c->u.engagement.skills[0].code),
			 "data_entry");
		c->u.engagement.skills[0].level = 2;
		c->u.engagement.n_skills = 1;
		c->u.engagement.sla_ms = 3600000;
		c->u.engagement.lease_ms = 3600000; /* no lease expires during a run */
		c->u.engagement.default_priority = 5;
		break;
	case S_WORKER: {
		struct worker_rec *w = &c->u.worker.rec;

		c->type = CMD_WORKER_CREATE;
		snprintf(c->u.worker.login, sizeof(c->u.worker.login), "ana");
		snprintf(w->name, sizeof(w->name), "Ana");
		snprintf(w->country, sizeof(w->country), "PH");
		snprintf(w->currency, sizeof(w->currency), "USD");
		snprintf(w->time_zone, sizeof(w->time_zone), "Asia/Manila");
		snprintf(w->skills[0].code, sizeof(w->skills[0].code), "data_entry");
		w->skills[0].level = 3;
		w->n_skills = 1;
		w->capacity = 2;
		w->clear[w->n_clear++] = fl->client;
		break;
	}
	case S_ITEM_A:
	case S_ITEM_B:
		c->type = CMD_ITEM_CREATE;
		c->u.item_create.engagement_id = fl->engagement;
		c->u.item_create.priority = s == S_ITEM_A ? 7 : 3;
		snprintf(c->u.item_create.external_ref, sizeof(c->u.item_create.external_ref),
			 "REF-%s", step_name[s]);
		c->u.item_create.payload = "{\"form\":\"claim\",\"fields\":[1,2,3]}";
		break;
	case S_NEXT:
		c->type = CMD_ITEM_NEXT;
		c->actor = &fl->worker_actor;
		break;
	case S_SUBMIT:
		c->type = CMD_ITEM_SUBMIT;
		c->actor = &fl->worker_actor;
		c->u.op.item_id = fl->item_a;
		c->u.op.epoch = fl->epoch;
		c->u.op.result_json = "{\"ok\":true}";
		break;
	case S_ACCEPT:
		c->type = CMD_ITEM_ACCEPT;
		c->u.op.item_id = fl->item_a;
		break;
	case S_CANCEL:
		c->type = CMD_ITEM_CANCEL;
		c->u.op.item_id = fl->item_b;
		c->u.op.reason = "no longer needed";
		break;
	default:
		abort();
	}
	/* One key per step: a retry of a command that did commit is answered, not redone. */
	c->idem_key = step_name[s];
	c->encode = encode_ids;
	memset(c->req_hash, (int)s + 1, sizeof(c->req_hash));
}

/* What a step's answer tells the next steps. */
static int take_reply(struct flow *fl, enum step s, struct cmd *c)
{
	int64_t id = c->result.id, epoch = c->result.has_item ? c->result.item.epoch : 0;
	struct user_rec u;
	long long rid, rep;
	int rc;

	if (c->result.replayed) {
		if (!c->result.replay_text ||
		    sscanf(c->result.replay_text, "%lld %lld", &rid, &rep) != 2)
			return ERR_INTERNAL;
		id = rid;
		epoch = rep;
	}

	if (s != S_NEXT && id <= 0)
		return ERR_INTERNAL;
	switch (s) {
	case S_CLIENT:
		fl->client = id;
		break;
	case S_ENGAGEMENT:
		fl->engagement = id;
		break;
	case S_WORKER:
		/* The worker's own user, for acting as it (a read: may fail too). */
		if ((rc = store_user_by_name(fl->ctx.store, "ana", &u)))
			return rc;
		fl->worker = id;
		memset(&fl->worker_actor, 0, sizeof(fl->worker_actor));
		fl->worker_actor.user_id = u.id;
		fl->worker_actor.role = ROLE_WORKER;
		fl->worker_actor.worker_id = id;
		snprintf(fl->worker_actor.name, sizeof(fl->worker_actor.name), "ana");
		break;
	case S_ITEM_A:
		fl->item_a = id;
		break;
	case S_ITEM_B:
		fl->item_b = id;
		break;
	case S_NEXT:
		if (c->result.outcome != CMD_OUT_OK || id != fl->item_a)
			return ERR_INTERNAL;
		fl->epoch = epoch;
		if (fl->epoch <= 0)
			return ERR_INTERNAL;
		break;
	default:
		break;
	}
	return 0;
}

static bool clean_error(int rc)
{
	return rc == ERR_IO || rc == ERR_NOMEM || rc == ERR_BUSY;
}

/*
 * Runs steps from *next on, each tried up to `tries` times. Stops at a step
 * that keeps failing. A failure must be clean; with `must` it is an error.
 */
static void run_steps(struct flow *fl, enum step *next, int tries, bool must)
{
	struct cmd c;
	int rc = 0;

	for (; *next < S__COUNT; (*next)++) {
		enum step s = *next;
		int t;

		for (t = 0; t < tries; t++) {
			fill(fl, s, &c);
			rc = engine_call(fl->ctx.engine, &c);
			if (!rc)
				rc = take_reply(fl, s, &c);
			cmd_release(&c);
			if (!rc)
				break;
			CHECK(clean_error(rc) || rc == ERR_INTERNAL,
			      "%s: step %s: unclean error %s", where, step_name[s], err_code(rc));
			CHECK(rc != ERR_INTERNAL, "%s: step %s: answer without what it promises",
			      where, step_name[s]);
			fl->failures++;
		}
		if (rc) {
			CHECK(!must, "%s: step %s still fails after the faults were cleared: %s",
			      where, step_name[s], err_code(rc));
			return;
		}
		fl->acked[s] = true;
	}
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static const char *tmp_base(void)
{
	struct stat st;

	if (getenv("TMPDIR"))
		return getenv("TMPDIR");
	/* tmpfs: an fsync there is cheap, and this test does thousands. */
	return stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
}

static void flow_setup(struct flow *fl)
{
	struct buf err = BUF_INIT;
	struct service_rec sv;
	size_t added;

	memset(fl, 0, sizeof(*fl));
	fl->ctx.lock_fd = -1;
	snprintf(fl->dir, sizeof(fl->dir), "%.200s/ahd-fault-XXXXXX", tmp_base());
	if (!mkdtemp(fl->dir))
		abort();
	config_defaults(&fl->ctx.cfg);
	snprintf(fl->ctx.cfg.data_dir, sizeof(fl->ctx.cfg.data_dir), "%s", fl->dir);
	/*
	 * Every run must pass the same points: a wall clock would make the rows
	 * differ (a lease's measured duration, its timestamps) and with them
	 * SQLite's allocations and writes. The time stands still at one instant.
	 */
	snprintf(fl->clock_path, sizeof(fl->clock_path), "%s/clock", fl->dir);
	FILE *cf = fopen(fl->clock_path, "w");
	if (!cf || fputs("1764547200000\n", cf) < 0 || fclose(cf) ||
	    clock_file_open(&fl->ctx.clock, fl->clock_path, &err)) {
		fprintf(stderr, "setup: the clock file: %s\n", buf_str(&err));
		abort();
	}
	if (cli_open(&fl->ctx, CLI_WRITE, true, &err) || cli_install(&fl->ctx, "admin", &added) ||
	    store_service_by_code(fl->ctx.store, "data_entry", &sv)) {
		fprintf(stderr, "setup: %s\n", buf_str(&err));
		abort();
	}
	fl->service_id = sv.id;
	buf_release(&err);
}

/* The store after the run: whole, chained, and holding exactly the flow's records. */
static void flow_verify(struct flow *fl)
{
	char path[PATH_MAX];
	struct buf err = BUF_INIT;
	struct store *s = NULL;
	struct engine *e = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t checked = 0, bad = -1;
	struct client_rec cl;
	struct item_rec it = { 0 };
	const char *state;
	int rc;

	cli_close(&fl->ctx);
	snprintf(path, sizeof(path), "%s/%s", fl->dir, CLI_DB_FILE);

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	CHECK(rc == SQLITE_OK, "%s: open for integrity_check: %d", where, rc);
	if (rc == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		CHECK(!strcmp((const char *)sqlite3_column_text(st, 0), "ok"),
		      "%s: integrity_check: %s", where, sqlite3_column_text(st, 0));
	else
		CHECK(0, "%s: integrity_check did not run: %s", where, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	st = NULL;
	/* Exactly the two items of the flow: no retry created a third. */
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM items", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		CHECK(sqlite3_column_int(st, 0) == 2, "%s: %d items, not 2", where,
		      sqlite3_column_int(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);

	rc = store_open(path, 1, &s, &err);
	CHECK(rc == 0, "%s: reopen: %s", where, buf_str(&err));
	if (rc)
		goto out;
	rc = audit_verify(s, &checked, &bad);
	CHECK(rc == 0 && bad == 0 && checked > 0, "%s: audit verify rc %d bad %lld", where, rc,
	      (long long)bad);
	rc = store_client_get(s, fl->client, &cl);
	CHECK(rc == 0, "%s: client %lld missing", where, (long long)fl->client);
	rc = store_item_get(s, fl->item_a, false, &it);
	state = rc ? NULL : item_state_name(it.state);
	CHECK(rc == 0 && state && !strcmp(state, "done"), "%s: item a is %s", where,
	      state ? state : "missing");
	rc = store_item_get(s, fl->item_b, false, &it);
	state = rc ? NULL : item_state_name(it.state);
	CHECK(rc == 0 && state && !strcmp(state, "cancelled"), "%s: item b is %s", where,
	      state ? state : "missing");
	/* The live state loads from what is there. */
	rc = engine_start(s, NULL, &e, &err);
	CHECK(rc == 0, "%s: engine restart: %s", where, buf_str(&err));
	engine_stop(e);
out:
	store_close(s);
	buf_release(&err);
	nftw(fl->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/*
 * One run with the fault at point `at` (0: count only). Returns the points
 * passed while armed; *hit tells whether a fault was injected.
 */
static long run_one(enum fault_kind k, long at, bool persist, long *hit, int *failures)
{
	struct flow fl;
	enum step next = 0;
	long n;

	snprintf(where, sizeof(where), "%s %s at %ld", kind_name[k],
		 persist ? "persistent" : "transient", at);
	flow_setup(&fl);
	arm(k, at, persist);
	run_steps(&fl, &next, 3, false);
	disarm();
	n = atomic_load(&F.n);
	*hit = atomic_load(&F.hit);
	/* Faults cleared: the same engine finishes the flow. */
	run_steps(&fl, &next, 1, true);
	*failures = fl.failures;
	flow_verify(&fl);
	return n;
}

static int usage(void)
{
	fprintf(stderr, "usage: test_fault [POINTS] [--shard I/N]\n");
	return 2;
}

/* "I/N" with 1 <= I <= N: *OUT */
static bool parse_shard(const char *s, long *i, long *n)
{
	char *end;

	*i = strtol(s, &end, 10);
	if (end == s || *end != '/')
		return false;
	s = end + 1;
	*n = strtol(s, &end, 10);
	return end != s && !*end && *n >= 1 && *i >= 1 && *i <= *n;
}

int main(int argc, char **argv)
{
	long cap = 60, shard = 1, shards = 1, seq = 0;
	long total_points = 0, total_hits = 0, total_failures = 0;
	bool have_cap = false;
	char *end;

	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--shard") && a + 1 < argc) {
			if (!parse_shard(argv[++a], &shard, &shards))
				return usage();
		} else if (!have_cap) {
			cap = strtol(argv[a], &end, 10);
			if (end == argv[a] || *end || cap < 0)
				return usage();
			have_cap = true;
		} else {
			return usage();
		}
	}
	if (!getenv("FAULT_VERBOSE"))
		log_set_level((enum log_level)(LOG_ERROR + 1));
	faults_install();
	for (int k = 0; k < FK__COUNT; k++) {
		long hit, points;
		int failures;

		points = run_one(k, 0, false, &hit, &failures);
		CHECK(hit == 0 && failures == 0, "%s: the clean run failed", kind_name[k]);
		for (int persist = 0; persist < 2; persist++) {
			long step = cap > 0 && points > cap ? (points + cap - 1) / cap : 1,
			     runs = 0, hits = 0, fails = 0;

			for (long at = 1; at <= points + 1; at += step) {
				if (seq++ % shards != shard - 1)
					continue;
				run_one(k, at, persist, &hit, &failures);
				runs++;
				hits += hit > 0;
				fails += failures;
			}
			/* A run past the last point: it must pass with no fault. */
			if (seq++ % shards == shard - 1) {
				run_one(k, points + 1, persist, &hit, &failures);
				CHECK(hit == 0 && failures == 0,
				      "%s: a run past the last point hit a fault", kind_name[k]);
			}
			printf("fault %-6s %-10s %4ld points in the flow, %4ld runs, %4ld faults "
			       "injected, %4ld clean failures retried\n",
			       kind_name[k], persist ? "persistent" : "transient", points, runs,
			       hits, fails);
			total_points += runs;
			total_hits += hits;
			total_failures += fails;
		}
	}
	printf("fault: shard %ld/%ld, %ld runs, %ld with a fault injected, %ld clean failures; "
	       "%d check failures\n",
	       shard, shards, total_points, total_hits, total_failures, errors);
	return errors ? 1 : 0;
}
