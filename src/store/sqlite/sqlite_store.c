/* sqlite_store.c - SQLite backend: open, pragmas, migrations, reader pool, statement cache. */
#include "store/sqlite/sqlite_store.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#define SQ_BUSY_TIMEOUT_MS 5000

/* ================================================================
 * Errors
 * ================================================================ */

/*
 * The last error is kept per thread: readers run on many threads at once,
 * and each caller wants the reason of its own failed call.
 */
static _Thread_local char sq_errbuf[512];

int sq__error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sq_errbuf, sizeof(sq_errbuf), fmt, ap);
	va_end(ap);
	return code;
}

int sq__fail(sqlite3 *db, int rc, const char *what)
{
	int ext = db ? sqlite3_extended_errcode(db) : rc;
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	int code;

	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
			code = ERR_EXISTS;
		else if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
			code = ERR_NOTFOUND;
		else
			code = ERR_IO;
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		code = ERR_BUSY;
		break;
	case SQLITE_NOMEM:
		code = ERR_NOMEM;
		break;
	default:
		code = ERR_IO;
		break;
	}
	return sq__error(code, "%s: %s", what, msg);
}

const char *sq__errmsg(struct store *s)
{
	(void)s;
	return sq_errbuf;
}

/* ================================================================
 * Statement cache
 * ================================================================ */

static const char *const sq_sql[SQ__COUNT] = {
#define X(name, sql) [SQ_##name] = sql,
    SQ_STMTS(X)
#undef X
};

static sqlite3_stmt *prepare(struct sq_conn *c, const char *sql, int *rc)
{
	sqlite3_stmt *st = NULL;
	int r = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);

	if (r != SQLITE_OK) {
		*rc = sq__fail(c->db, r, "prepare");
		sqlite3_finalize(st);
		return NULL;
	}
	*rc = 0;
	return st;
}

sqlite3_stmt *sq__prep(struct sq_conn *c, const char *sql, const char *what, int *rc)
{
	sqlite3_stmt *st = NULL;
	int r = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);

	*rc = r == SQLITE_OK ? 0 : sq__fail(c->db, r, what);
	return *rc ? NULL : st;
}

int sq__bind_i64s(sqlite3_stmt *st, int from, const int64_t *v, int n)
{
	int rc = SQLITE_OK;

	for (int i = 0; rc == SQLITE_OK && i < n; i++)
		rc = sqlite3_bind_int64(st, from + i, v[i]);
	return rc;
}

int sq__step_done(struct sq_conn *c, sqlite3_stmt *st, int rc, const char *what)
{
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE ? 0 : sq__fail(c->db, rc, what);
	sqlite3_finalize(st);
	return rc;
}

sqlite3_stmt *sq__stmt(struct sq_conn *c, enum sq_stmt id, int *rc)
{
	if (!c->st[id])
		c->st[id] = prepare(c, sq_sql[id], rc);
	else
		*rc = 0;
	return c->st[id];
}

sqlite3_stmt *sq__item_list_stmt(struct sq_conn *c, unsigned mask, int *rc)
{
	char sql[1024];

	mask &= SQ_ITEM_LIST_VARIANTS - 1;
	if (c->item_list[mask]) {
		*rc = 0;
		return c->item_list[mask];
	}
	/*
	 * Fixed parameter numbers: ?1 after, ?2 limit, ?3.. the filters. The state
	 * as a bare ?6: SQLite compares it with the states in the partial indexes'
	 * WHERE (SQ_OPEN_WHERE, SQ_TAKEN_WHERE) and prepares the statement again
	 * for each bound value (a few tens of microseconds a page), so a queued
	 * page is read from items_open and any other state's from items_taken;
	 * there is no index of all states.
	 */
	snprintf(sql, sizeof(sql),
		 "SELECT " SQ_ITEM_COLS " FROM items WHERE id > ?1%s%s%s%s%s ORDER BY id LIMIT ?2",
		 (mask & 16) ? "" : " AND gold_id = 0",
		 (mask & 1) ? " AND client_id = ?3" : "",
		 (mask & 2) ? " AND engagement_id = ?4" : "",
		 (mask & 4) ? " AND worker_id = ?5" : "", (mask & 8) ? " AND state = ?6" : "");
	c->item_list[mask] = prepare(c, sql, rc);
	return c->item_list[mask];
}

void sq__done(sqlite3_stmt *st)
{
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

int sq__exec(struct sq_conn *c, enum sq_stmt id, const char *what)
{
	int rc;
	sqlite3_stmt *st = sq__stmt(c, id, &rc);

	if (!st)
		return rc;
	rc = sqlite3_step(st);
	rc = (rc == SQLITE_DONE || rc == SQLITE_ROW) ? 0 : sq__fail(c->db, rc, what);
	sq__done(st);
	return rc;
}

static void conn_close(struct sq_conn *c)
{
	for (int i = 0; i < SQ__COUNT; i++)
		sqlite3_finalize(c->st[i]);
	for (int i = 0; i < SQ_ITEM_LIST_VARIANTS; i++)
		sqlite3_finalize(c->item_list[i]);
	sqlite3_close(c->db);
	memset(c, 0, sizeof(*c));
}

/* ================================================================
 * Reader pool
 * ================================================================ */

struct sq_conn *sq__reader_get(struct sq_store *s)
{
	struct sq_conn *c = NULL;

	pthread_mutex_lock(&s->pool_mu);
	for (;;) {
		for (int i = 0; i < s->n_readers; i++) {
			if (!s->readers[i].busy) {
				c = &s->readers[i];
				c->busy = true;
				break;
			}
		}
		if (c)
			break;
		pthread_cond_wait(&s->pool_cv, &s->pool_mu);
	}
	pthread_mutex_unlock(&s->pool_mu);
	return c;
}

void sq__reader_put(struct sq_store *s, struct sq_conn *c)
{
	pthread_mutex_lock(&s->pool_mu);
	c->busy = false;
	pthread_cond_signal(&s->pool_cv);
	pthread_mutex_unlock(&s->pool_mu);
}

/* ================================================================
 * Open, migrate, close
 * ================================================================ */

static int exec_sql(sqlite3 *db, const char *sql, struct buf *err, const char *what)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		int code = sq__fail(db, rc, what);

		buf_error(err, code, "%s: %s", what, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return code;
	}
	return 0;
}

/* Runs a one-value pragma query and copies its text result into out. */
static int pragma_text(sqlite3 *db, const char *sql, char *out, size_t n, struct buf *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		goto fail;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto fail;
	sq__col_str(st, 0, out, n);
	sqlite3_finalize(st);
	return 0;
fail:
	rc = sq__fail(db, rc, sql);
	buf_error(err, rc, "%s", sq_errbuf);
	sqlite3_finalize(st);
	return rc;
}

static int migrate(sqlite3 *db, struct buf *err)
{
	char v[32], sql[64];
	long version;
	int rc;

	rc = pragma_text(db, "PRAGMA user_version", v, sizeof(v), err);
	if (rc)
		return rc;
	version = strtol(v, NULL, 10);
	if (version > sq__n_migrations)
		return buf_error(err, ERR_INVALID,
				 "database schema version %ld is newer than this program (%d)",
				 version, sq__n_migrations);
	for (int i = (int)version; i < sq__n_migrations; i++) {
		rc = exec_sql(db, "BEGIN IMMEDIATE", err, "migration begin");
		if (rc)
			return rc;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", i + 1);
		rc = exec_sql(db, sq__migrations[i], err, "migration");
		if (!rc)
			rc = exec_sql(db, sql, err, "migration version");
		if (!rc)
			rc = exec_sql(db, "COMMIT", err, "migration commit");
		if (rc) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
	}
	return 0;
}

static int open_writer(struct sq_conn *c, const char *path, struct buf *err)
{
	char mode[16];
	int rc;

	rc = sqlite3_open_v2(
	    path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);

	if (rc != SQLITE_OK) {
		rc = sq__fail(c->db, rc, "open");
		return buf_error(err, rc, "cannot open database %s: %s", path, sq_errbuf);
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, SQ_BUSY_TIMEOUT_MS);
	rc = pragma_text(c->db, "PRAGMA journal_mode = WAL", mode, sizeof(mode), err);
	if (rc)
		return rc;
	if (strcmp(mode, "wal") != 0)
		return buf_error(err, ERR_IO, "%s: cannot switch to WAL mode (got %s)", path, mode);
	/*
	 * temp_store = MEMORY keeps statement journals off disk: without it each
	 * UPDATE inside a batch opens a temporary file and the hot item-update
	 * path drops from ~90k to ~6k rows per second. cache_size: the writer's
	 * pages stay valid across its own commits (WAL); 64 MiB keeps the items
	 * table's ten indexes' hot pages of a large import in memory (default 2 MiB).
	 * mmap_size: the writer reads the recovery's rows through a map (not
	 * through its 64 MiB page cache, which would then hold them) and leaves
	 * the map once the load is done (sqlite_write.c sq_load): its page cache
	 * stays valid across its own commits, so a map saves it little, and every
	 * page touched through one stayed in the server's RSS (26 B per open item
	 * at 10,000,000; bench/memory.sh: without the map the durable path and an
	 * import measured no slower).
	 * wal_autocheckpoint: SQLite's own checkpoints, only until the store's
	 * WAL hook takes over after the migrations (the checkpointer below).
	 */
	rc = exec_sql(c->db,
		      "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; "
		      "PRAGMA temp_store = MEMORY; PRAGMA mmap_size = " SQ_MMAP_SIZE "; "
		      "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 4096;",
		      err, "pragmas");
	if (rc)
		return rc;
	return migrate(c->db, err);
}

static int open_reader(struct sq_conn *c, const char *path, struct buf *err)
{
	int rc;

	rc = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);

	if (rc != SQLITE_OK) {
		rc = sq__fail(c->db, rc, "open");
		return buf_error(err, rc, "cannot open database %s for reading: %s", path,
				 sq_errbuf);
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, SQ_BUSY_TIMEOUT_MS);
	/*
	 * mmap: every commit of the writer invalidates the readers' page caches;
	 * mapped pages are re-read without a pread() system call each. (The
	 * recovery's second part reads without it: sqlite_write.c load_open.)
	 */
	return exec_sql(c->db, "PRAGMA temp_store = MEMORY; PRAGMA mmap_size = " SQ_MMAP_SIZE ";", err,
			"reader pragmas");
}

/* ================================================================
 * Checkpoints
 * ================================================================ */

/*
 * The WAL's frames are copied into the database file (a checkpoint, and that
 * file's fsync) by a thread with a connection of its own, woken by the
 * writer's WAL hook every SQ_CKPT_FRAMES frames, so the writer's commits do
 * not wait for it: SQLite's own automatic checkpoint runs inside the commit
 * that crosses 1,000 frames (a third of a bulk import's commit CPU, and its
 * fsync of the database file on top). The
 * writer still checkpoints past SQ_CKPT_WRITER_FRAMES: SQLite starts the WAL
 * over only when a writer begins with every frame copied, which a thread
 * beside a writer that keeps committing never sees, so without it the WAL
 * would grow for as long as the writes go on. Its checkpoint then finds
 * most frames copied already. Both are PASSIVE: neither waits for readers
 * nor for the other; what one cannot copy now the next copies.
 */
/*
 * 1,000: the writer's own copy past SQ_CKPT_WRITER_FRAMES is then at most
 * about this many frames. (durable13d's 4096-frame autocheckpoint, which
 * copied a hot page a quarter as often, was measured before the copy left the
 * engine thread; the frames per wake-up were not measured again.)
 */
#define SQ_CKPT_FRAMES 1000
#define SQ_CKPT_WRITER_FRAMES 8000

struct sq_ckpt {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	sqlite3 *db;
	bool wake, stop, busy; /* busy: copying now */
};

static void *ckpt_main(void *arg)
{
	struct sq_ckpt *k = arg;

	pthread_mutex_lock(&k->mu);
	for (;;) {
		while (!k->wake && !k->stop)
			pthread_cond_wait(&k->cv, &k->mu);
		if (k->stop)
			break;
		k->wake = false;
		k->busy = true;
		pthread_mutex_unlock(&k->mu);
		/* A failure (busy, I/O) leaves the frames in the WAL: the next one copies them. */
		(void)sqlite3_wal_checkpoint_v2(k->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&k->mu);
		k->busy = false;
	}
	pthread_mutex_unlock(&k->mu);
	return NULL;
}

static void ckpt_free(struct sq_ckpt *k)
{
	if (!k)
		return;
	sqlite3_close(k->db);
	pthread_cond_destroy(&k->cv);
	pthread_mutex_destroy(&k->mu);
	free(k);
}

/* Stops and frees the checkpointer (before the writer closes: its close checkpoints last). */
static void ckpt_stop(struct sq_store *s)
{
	struct sq_ckpt *k = s->ckpt;

	if (!k)
		return;
	pthread_mutex_lock(&k->mu);
	k->stop = true;
	pthread_cond_signal(&k->cv);
	pthread_mutex_unlock(&k->mu);
	pthread_join(k->thread, NULL);
	ckpt_free(k);
	s->ckpt = NULL;
}

/*
 * The checkpointer's connection (synchronous = FULL: the database file is
 * synced before the copied frames count as copied, so the WAL may start
 * over) and thread. false: none, the writer checkpoints as SQLite would.
 */
static bool ckpt_start(struct sq_store *s)
{
	struct sq_ckpt *k = calloc(1, sizeof(*k));

	if (!k)
		return false;
	if (pthread_mutex_init(&k->mu, NULL)) {
		free(k);
		return false;
	}
	if (pthread_cond_init(&k->cv, NULL)) {
		pthread_mutex_destroy(&k->mu);
		free(k);
		return false;
	}
	if (sqlite3_open_v2(s->path, &k->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
		SQLITE_OK ||
	    sqlite3_exec(k->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK ||
	    pthread_create(&k->thread, NULL, ckpt_main, k)) {
		ckpt_free(k);
		return false;
	}
	s->ckpt = k;
	return true;
}

/* The writer's WAL hook, after each of its commits: frames, the WAL's length now. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct sq_store *s = arg;
	bool writer;

	if (frames < s->ckpt_woken_frames) /* the WAL started over */
		s->ckpt_woken_frames = 0;
	if (frames < SQ_CKPT_FRAMES)
		return SQLITE_OK;
	if (!s->ckpt && !s->ckpt_failed && !ckpt_start(s))
		s->ckpt_failed = true;
	if (!s->ckpt) {
		(void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
	pthread_mutex_lock(&s->ckpt->mu);
	/*
	 * Past SQ_CKPT_WRITER_FRAMES the writer copies what is left, only while
	 * the thread is idle: what is left is then at most the frames since it
	 * was last woken, not thousands behind a thread the machine starves.
	 */
	writer = frames >= SQ_CKPT_WRITER_FRAMES && !s->ckpt->busy && !s->ckpt->wake;
	if (!writer && frames >= s->ckpt_woken_frames + SQ_CKPT_FRAMES) {
		s->ckpt_woken_frames = frames;
		s->ckpt->wake = true;
		pthread_cond_signal(&s->ckpt->cv);
	}
	pthread_mutex_unlock(&s->ckpt->mu);
	if (writer)
		(void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return SQLITE_OK;
}

static void sq_close(struct store *base)
{
	struct sq_store *s = sq__of(base);

	if (!s)
		return;
	ckpt_stop(s);
	for (int i = 0; i < s->n_readers; i++)
		conn_close(&s->readers[i]);
	free(s->readers);
	conn_close(&s->writer);
	if (s->pool_init) {
		pthread_cond_destroy(&s->pool_cv);
		pthread_mutex_destroy(&s->pool_mu);
	}
	free(s->path);
	free(s);
}

/*
 * Process-wide settings, before SQLite initializes: no memory statistics
 * (nothing reads sqlite3_memory_used; keeping them takes a global mutex
 * around every malloc and free SQLite does, a tenth of a bulk import's CPU).
 * Once SQLite is initialized sqlite3_config refuses (SQLITE_MISUSE): then
 * the defaults stay, which only costs time.
 */
static pthread_once_t sq_config_once = PTHREAD_ONCE_INIT;

static void sq_config(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int store_sqlite_open(const char *path, int readers, struct store **out, struct buf *err)
{
	struct sq_store *s;
	int rc;

	*out = NULL;
	if (!path || !*path)
		return buf_error(err, ERR_INVALID, "empty database path");
	pthread_once(&sq_config_once, sq_config);
	if (readers < 1)
		readers = 1;
	s = calloc(1, sizeof(*s));
	if (!s)
		return buf_error(err, ERR_NOMEM, "out of memory opening the store");
	s->base.ops = &sq__ops;
	if (pthread_mutex_init(&s->pool_mu, NULL)) {
		free(s);
		return buf_error(err, ERR_NOMEM, "cannot create the reader pool lock");
	}
	if (pthread_cond_init(&s->pool_cv, NULL)) {
		pthread_mutex_destroy(&s->pool_mu);
		free(s);
		return buf_error(err, ERR_NOMEM, "cannot create the reader pool condition");
	}
	s->pool_init = true;

	/* The writer first: it creates the file, switches it to WAL and migrates. */
	rc = open_writer(&s->writer, path, err);
	if (rc)
		goto out;
	if (!(s->path = strdup(path))) {
		rc = buf_error(err, ERR_NOMEM, "out of memory opening the store");
		goto out;
	}
	/* After the migrations (SQLite's own checkpoints until then): the WAL's checkpoints. */
	sqlite3_wal_hook(s->writer.db, wal_hook, s);
	s->readers = calloc((size_t)readers, sizeof(*s->readers));
	if (!s->readers) {
		rc = buf_error(err, ERR_NOMEM, "out of memory opening the store");
		goto out;
	}
	for (int i = 0; i < readers; i++) {
		s->n_readers = i + 1;
		rc = open_reader(&s->readers[i], path, err);
		if (rc)
			goto out;
	}
	*out = &s->base;
out:
	if (rc)
		sq_close(&s->base);
	return rc;
}

sqlite3 *store_sqlite_writer_db(struct store *s)
{
	return sq__of(s)->writer.db;
}

int store_sqlite_schema_version(void)
{
	return sq__n_migrations;
}

const struct store_ops sq__ops = {
    .name = "sqlite",
    .close = sq_close,
    .errmsg = sq__errmsg,
#define X(name, params, args) .name = sq_##name,
    STORE_OPS(X)
#undef X
};
