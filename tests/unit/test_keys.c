/* test_keys.c - the keyring (sec/keys.h) and the store's sealed columns: roundtrip, copies, rotation, shredding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/item.h"
#include "sec/keys.h"
#include "store/sqlite/sqlite_store.h"
#include "unit.h"

#define T0 1767225600000LL

static char dir[64];

/* A fresh data directory per test; ALIHDAYA_MASTER_KEY unset (the key file is used). */
static int setup(void **state)
{
	(void)state;
	unsetenv(KEYS_MASTER_ENV);
	snprintf(dir, sizeof(dir), "/tmp/ahd_keys_XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	static const char *const names[] = { "keyring", "keyring.tmp", "master.key",
					      "master.key.tmp", "ahd.db", "ahd.db-wal", "ahd.db-shm" };
	char p[128];

	(void)state;
	unsetenv(KEYS_MASTER_ENV);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
	return 0;
}

static struct keyring *ring_open(bool create)
{
	struct keyring *k = NULL;
	struct buf err = BUF_INIT;
	int rc = keys_open(dir, create, &k, &err);

	if (rc)
		fail_msg("keys_open: %s", buf_str(&err));
	buf_release(&err);
	return k;
}

/* Seals text for ad. OUT: *blob (free()), *n. */
static void seal(struct keyring *k, const struct store_seal_ad *ad, const char *text,
		 unsigned char **blob, size_t *n)
{
	struct buf err = BUF_INIT;

	assert_int_equal(keys_seal(k, ad, text, strlen(text), blob, n, &err), 0);
	assert_int_equal(*n, strlen(text) + KEYS_SEAL_OVERHEAD);
	buf_release(&err);
}

/* Opens blob for ad: the error, and the text in *out (NULL on error; free()). */
static int open_as(struct keyring *k, const struct store_seal_ad *ad, const unsigned char *blob,
		   size_t n, char **out)
{
	struct buf err = BUF_INIT;
	int rc = keys_open_value(k, ad, blob, n, out, &err);

	if (rc)
		assert_true(err.len > 0); /* always said why */
	buf_release(&err);
	return rc;
}

static void assert_opens(struct keyring *k, const struct store_seal_ad *ad,
			 const unsigned char *blob, size_t n, const char *want)
{
	char *got = NULL;

	assert_int_equal(open_as(k, ad, blob, n, &got), 0);
	assert_string_equal(got, want);
	free(got);
}

static void test_roundtrip(void **state)
{
	const struct store_seal_ad ad = { 7, "item", 42, "payload" };
	struct keyring *k = ring_open(true);
	unsigned char *blob;
	size_t n;
	struct stat st;
	char p[128];

	(void)state;
	seal(k, &ad, "{\"secret\":\"CANARY\"}", &blob, &n);
	assert_int_equal(blob[0], KEYS_SEAL_FORMAT);
	assert_int_equal(blob[1] | blob[2] | blob[3], 0);
	assert_int_equal(blob[4], 1); /* key version 1, big-endian */
	assert_null(memmem(blob, n, "CANARY", 6));
	assert_opens(k, &ad, blob, n, "{\"secret\":\"CANARY\"}");
	keys_close(k);
	/* The files: 0600, and a keyring read back from them opens it too. */
	snprintf(p, sizeof(p), "%s/%s", dir, KEYS_MASTER_FILE);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(p, sizeof(p), "%s/%s", dir, KEYS_FILE);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	k = ring_open(false);
	assert_opens(k, &ad, blob, n, "{\"secret\":\"CANARY\"}");
	keys_close(k);
	free(blob);
}

/* A ciphertext copied to another record, field, record type or client does not open. */
static void test_copied_fails(void **state)
{
	const struct store_seal_ad ad = { 7, "item", 42, "payload" };
	const struct store_seal_ad other[] = {
	    { 7, "item", 43, "payload" },
	    { 7, "item", 42, "result" },
	    { 7, "item_event", 42, "payload" },
	    { 8, "item", 42, "payload" },
	};
	struct keyring *k = ring_open(true);
	unsigned char *blob, *b8;
	size_t n, n8;
	char *out = (char *)"untouched";

	(void)state;
	seal(k, &ad, "payload text", &blob, &n);
	seal(k, &other[3], "client 8 has a key too", &b8, &n8);
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		assert_int_equal(open_as(k, &other[i], blob, n, &out), ERR_CRYPTO);
		assert_null(out);
	}
	/* One flipped bit anywhere, or a cut, fails as well. */
	for (size_t i = 0; i < n; i++) {
		blob[i] ^= 0x20;
		assert_true(open_as(k, &ad, blob, n, &out) == ERR_CRYPTO);
		blob[i] ^= 0x20;
	}
	assert_int_equal(open_as(k, &ad, blob, n - 1, &out), ERR_CRYPTO);
	assert_int_equal(open_as(k, &ad, blob, 3, &out), ERR_CRYPTO);
	assert_opens(k, &ad, blob, n, "payload text");
	keys_close(k);
	free(blob);
	free(b8);
}

static void test_rotate(void **state)
{
	const struct store_seal_ad a1 = { 1, "item", 1, "payload" }, a2 = { 2, "item", 2, "payload" };
	struct keyring *k = ring_open(true);
	struct keys_rotation rot;
	struct buf err = BUF_INIT;
	unsigned char *b1, *b2, *b3;
	size_t n1, n2, n3;
	char p[128], line[256];
	FILE *f;
	int lines = 0;

	(void)state;
	seal(k, &a1, "one", &b1, &n1);
	seal(k, &a2, "two", &b2, &n2);
	assert_int_equal(keys_rotate(k, &rot, &err), 0);
	assert_int_equal(rot.master_version, 2);
	assert_true(rot.master_changed);
	assert_int_equal(rot.clients, 2);
	seal(k, &a1, "three", &b3, &n3);
	assert_int_equal(b3[4], 2); /* new writes: data key version 2 */
	assert_opens(k, &a1, b1, n1, "one");
	assert_opens(k, &a2, b2, n2, "two");
	keys_close(k);
	/* The key file holds the new master alone; the keyring on disk opens everything. */
	snprintf(p, sizeof(p), "%s/%s", dir, KEYS_MASTER_FILE);
	f = fopen(p, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		lines++;
	fclose(f);
	assert_int_equal(lines, 1);
	assert_int_equal(line[0], '2');
	k = ring_open(true);
	assert_opens(k, &a1, b1, n1, "one");
	assert_opens(k, &a2, b2, n2, "two");
	assert_opens(k, &a1, b3, n3, "three");
	assert_int_equal(keys_rotate(k, &rot, &err), 0);
	assert_int_equal(rot.master_version, 3);
	assert_opens(k, &a1, b1, n1, "one");
	keys_close(k);
	buf_release(&err);
	free(b1);
	free(b2);
	free(b3);
}

/* A rotation cut short between its steps: the key file has both keys; the keyring opens. */
static void test_rotate_cut_short(void **state)
{
	const struct store_seal_ad a = { 3, "item", 9, "result" };
	struct keyring *k = ring_open(true);
	unsigned char *b, mk[32];
	size_t n;
	char p[128], old[256] = "", hex[65];
	FILE *f;

	(void)state;
	seal(k, &a, "kept", &b, &n);
	keys_close(k);
	snprintf(p, sizeof(p), "%s/%s", dir, KEYS_MASTER_FILE);
	f = fopen(p, "r");
	assert_non_null(fgets(old, sizeof(old), f));
	fclose(f);
	/* As step 1 leaves it: a new key (version 2) first, the keyring still under version 1. */
	randombytes_buf(mk, sizeof(mk));
	sodium_bin2hex(hex, sizeof(hex), mk, sizeof(mk));
	f = fopen(p, "w");
	fprintf(f, "2 %s\n%s", hex, old);
	fclose(f);
	k = ring_open(true);
	assert_opens(k, &a, b, n, "kept");
	keys_close(k);
	f = fopen(p, "r");
	{
		char line[256];
		int lines = 0;

		while (fgets(line, sizeof(line), f))
			lines++;
		assert_int_equal(lines, 1); /* finished: the keyring's own key alone */
	}
	fclose(f);
	free(b);
}

static void test_destroy(void **state)
{
	const struct store_seal_ad a = { 5, "item", 1, "payload" }, keep = { 6, "item", 2, "payload" };
	struct keyring *k = ring_open(true);
	struct buf err = BUF_INIT;
	unsigned char *b, *bk, *again = NULL;
	size_t n, nk, na;
	char *out = NULL;
	struct keys_info info;

	(void)state;
	seal(k, &a, "gone soon", &b, &n);
	seal(k, &keep, "stays", &bk, &nk);
	assert_int_equal(keys_destroy(k, 5, &err), 0);
	assert_int_equal(keys_destroy(k, 5, &err), 0); /* idempotent */
	assert_int_equal(open_as(k, &a, b, n, &out), ERR_SHREDDED);
	assert_null(out);
	assert_int_equal(keys_seal(k, &a, "x", 1, &again, &na, &err), ERR_SHREDDED);
	assert_null(again);
	assert_opens(k, &keep, bk, nk, "stays");
	assert_int_equal(keys_status(k, &info, NULL, NULL), 0);
	assert_int_equal(info.n_clients, 2);
	keys_close(k);
	/* From the files, after a rotation too: still nothing of client 5. */
	k = ring_open(true);
	assert_int_equal(open_as(k, &a, b, n, &out), ERR_SHREDDED);
	{
		struct keys_rotation rot;

		assert_int_equal(keys_rotate(k, &rot, &err), 0);
		assert_int_equal(rot.clients, 1);
	}
	assert_int_equal(open_as(k, &a, b, n, &out), ERR_SHREDDED);
	assert_opens(k, &keep, bk, nk, "stays");
	keys_close(k);
	buf_release(&err);
	free(b);
	free(bk);
}

static void test_wrong_master(void **state)
{
	struct keyring *k = NULL;
	struct buf err = BUF_INIT;
	char p[128];

	(void)state;
	keys_close(ring_open(true));
	setenv(KEYS_MASTER_ENV, "00000000000000000000000000000000000000000000000000000000000000ff", 1);
	assert_int_equal(keys_open(dir, true, &k, &err), ERR_CRYPTO);
	assert_null(k);
	assert_string_equal(buf_str(&err), "master key does not open the keyring: wrong "
					   "ALIHDAYA_MASTER_KEY or key file?");
	buf_release(&err);
	setenv(KEYS_MASTER_ENV, "not hex", 1);
	assert_int_equal(keys_open(dir, true, &k, &err), ERR_INVALID);
	buf_release(&err);
	unsetenv(KEYS_MASTER_ENV);
	/* A key file others may read is refused, named. */
	snprintf(p, sizeof(p), "%s/%s", dir, KEYS_MASTER_FILE);
	assert_int_equal(chmod(p, 0640), 0);
	assert_int_equal(keys_open(dir, true, &k, &err), ERR_INVALID);
	assert_non_null(strstr(buf_str(&err), "readable by group or others"));
	buf_release(&err);
	assert_int_equal(chmod(p, 0600), 0);
	/* The key file gone, the keyring kept: no master key, said so. */
	assert_int_equal(unlink(p), 0);
	assert_int_equal(keys_open(dir, false, &k, &err), ERR_CRYPTO);
	assert_non_null(strstr(buf_str(&err), "no master key"));
	buf_release(&err);
}

/* With ALIHDAYA_MASTER_KEY: no key file is made, and a rotation keeps the environment's key. */
static void test_env_master(void **state)
{
	const struct store_seal_ad a = { 1, "item_event", 4, "detail" };
	struct keyring *k;
	struct keys_rotation rot;
	struct buf err = BUF_INIT;
	unsigned char *b;
	size_t n;
	char p[128];

	(void)state;
	setenv(KEYS_MASTER_ENV, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1);
	k = ring_open(true);
	seal(k, &a, "{\"reason\":\"r\"}", &b, &n);
	assert_int_equal(keys_rotate(k, &rot, &err), 0);
	assert_false(rot.master_changed);
	assert_int_equal(rot.master_version, 1);
	keys_close(k);
	snprintf(p, sizeof(p), "%s/%s", dir, KEYS_MASTER_FILE);
	assert_int_not_equal(access(p, F_OK), 0);
	k = ring_open(false);
	assert_opens(k, &a, b, n, "{\"reason\":\"r\"}");
	keys_close(k);
	buf_release(&err);
	free(b);
}

/* In the open transaction: a client, a service and an engagement; *it then belongs to them. */
static void world(struct store *s, struct item_rec *it)
{
	struct client_rec c = { .created_at = T0, .active = true };
	struct service_rec sv;
	const struct service_rec *cat;
	struct engagement_rec e = { .kind = KIND_BPO, .sla_ms = 86400000, .default_priority = 5,
				    .lease_ms = 1800000, .lease_max_ms = 7200000, .active = true,
				    .created_at = T0 };

	snprintf(c.code, sizeof(c.code), "acme");
	snprintf(c.name, sizeof(c.name), "Acme");
	snprintf(c.time_zone, sizeof(c.time_zone), "UTC");
	assert_int_equal(store_client_insert(s, &c), 0);
	store_default_catalogue(&cat);
	sv = cat[0];
	assert_int_equal(store_service_insert(s, &sv), 0);
	e.client_id = c.id;
	e.service_id = sv.id;
	snprintf(e.name, sizeof(e.name), "E");
	snprintf(e.time_zone, sizeof(e.time_zone), "UTC");
	assert_int_equal(store_engagement_insert(s, &e), 0);
	it->engagement_id = e.id;
	it->client_id = c.id;
}

/* The store with the keyring as its cipher: raw columns are BLOBs; reads open; the upgrade pass. */
static void test_store_sealed(void **state)
{
	struct keyring *k = ring_open(true);
	struct buf err = BUF_INIT;
	struct store *s;
	struct item_rec it = { .priority = 5, .created_at = T0, .due_at = T0 + 1, .state = ITEM_QUEUED },
			got;
	char path[128];
	sqlite3_stmt *st;
	int64_t sealed = 0, plain_id;

	(void)state;
	snprintf(path, sizeof(path), "%s/ahd.db", dir);
	assert_int_equal(store_open(path, 2, &s, &err), 0);
	/* First without a cipher: rows in plain, as a database from before encryption. */
	assert_int_equal(store_begin(s), 0);
	world(s, &it);
	it.payload = (char *)"{\"p\":\"OLD-CANARY\"}";
	assert_int_equal(store_item_insert(s, &it), 0);
	plain_id = it.id;
	assert_int_equal(store_commit(s), 0);
	/* The cipher, and the pass (its marker reset: this store was made with it done). */
	store_set_cipher(s, keys_cipher(k));
	assert_int_equal(sqlite3_exec(store_sqlite_writer_db(s), "UPDATE seal_pass SET done = 0",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(store_seal_plain(s, 1, &sealed), 0);
	assert_int_equal(sealed, 1);
	assert_int_equal(store_seal_plain(s, 1, &sealed), 0);
	assert_int_equal(sealed, 0); /* once */
	assert_int_equal(store_begin(s), 0);
	it.id = 0;
	it.payload = (char *)"{\"p\":\"NEW-CANARY\"}";
	assert_int_equal(store_item_insert(s, &it), 0);
	assert_int_equal(it.id, plain_id + 1);
	it.result = (char *)"{\"r\":\"RESULT-CANARY\"}";
	it.state = ITEM_SUBMITTED;
	assert_int_equal(store_item_update(s, &it), 0);
	assert_int_equal(store_commit(s), 0);
	/* Raw: BLOBs holding no canary. */
	assert_int_equal(sqlite3_prepare_v2(store_sqlite_writer_db(s),
					    "SELECT typeof(payload), payload, typeof(result) FROM items",
					    -1, &st, NULL), SQLITE_OK);
	for (int row = 0; row < 2; row++) {
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "blob");
		assert_null(memmem(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
				   "CANARY", 6));
	}
	assert_string_equal((const char *)sqlite3_column_text(st, 2), "blob");
	sqlite3_finalize(st);
	/* Reads open them. */
	assert_int_equal(store_item_get(s, plain_id, true, &got), 0);
	assert_string_equal(got.payload, "{\"p\":\"OLD-CANARY\"}");
	item_rec_release(&got);
	assert_int_equal(store_item_get(s, plain_id + 1, true, &got), 0);
	assert_string_equal(got.payload, "{\"p\":\"NEW-CANARY\"}");
	assert_string_equal(got.result, "{\"r\":\"RESULT-CANARY\"}");
	item_rec_release(&got);
	/* One item's payload copied onto the other: an error, not the other's text. */
	assert_int_equal(sqlite3_exec(store_sqlite_writer_db(s),
				      "UPDATE items SET payload = (SELECT payload FROM items "
				      "WHERE id = 1) WHERE id = 2",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(store_item_get(s, plain_id + 1, true, &got), ERR_CRYPTO);
	assert_null(got.payload);
	/* Shredded: its items answer ERR_SHREDDED. */
	assert_int_equal(keys_destroy(k, it.client_id, &err), 0);
	assert_int_equal(store_item_get(s, plain_id, true, &got), ERR_SHREDDED);
	assert_non_null(strstr(store_errmsg(s), "removed"));
	store_close(s);
	keys_close(k);
	buf_release(&err);
}

/*
 * An id is never given twice: a purge (retention) deletes the newest items and
 * events too, and the next row must not take their ids, or a ciphertext kept
 * from before (a backup) would open in the new row, whose additional data it
 * matches (same client, record and field).
 */
static void test_ids_not_reused(void **state)
{
	struct keyring *k = ring_open(true);
	struct buf err = BUF_INIT;
	struct store *s;
	struct item_rec it = { .priority = 5, .created_at = T0, .due_at = T0 + 1, .state = ITEM_QUEUED },
			got;
	struct event_rec ev = { .at = T0, .action = "rework", .to_state = ITEM_QUEUED,
				.reason = "EVENT-CANARY" };
	char path[128];
	sqlite3 *db;
	int64_t first, ev_first;

	(void)state;
	snprintf(path, sizeof(path), "%s/ahd.db", dir);
	assert_int_equal(store_open(path, 2, &s, &err), 0);
	store_set_cipher(s, keys_cipher(k));
	db = store_sqlite_writer_db(s);
	assert_int_equal(store_begin(s), 0);
	world(s, &it);
	it.payload = (char *)"{\"p\":\"KEPT-IN-A-BACKUP\"}";
	assert_int_equal(store_item_insert(s, &it), 0);
	first = it.id;
	ev.item_id = it.id;
	assert_int_equal(store_event_insert(s, &ev), 0);
	ev_first = ev.id;
	assert_int_equal(store_commit(s), 0);
	/* The ciphertexts kept elsewhere, then the rows deleted as a purge deletes them. */
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TABLE kept AS SELECT i.payload AS p, v.detail AS d FROM "
				      "items i, item_events v WHERE v.item_id = i.id;"
				      "DELETE FROM item_events; DELETE FROM items;",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(store_begin(s), 0);
	it.id = 0;
	it.payload = (char *)"{\"p\":\"NEW\"}";
	assert_int_equal(store_item_insert(s, &it), 0);
	assert_true(it.id > first);
	ev.id = 0;
	ev.item_id = it.id;
	assert_int_equal(store_event_insert(s, &ev), 0);
	assert_true(ev.id > ev_first);
	assert_int_equal(store_commit(s), 0);
	/* The kept payload put into the new row does not open there. */
	assert_int_equal(sqlite3_exec(db, "UPDATE items SET payload = (SELECT p FROM kept)", NULL,
				      NULL, NULL), SQLITE_OK);
	assert_int_equal(store_item_get(s, it.id, true, &got), ERR_CRYPTO);
	assert_null(got.payload);
	store_close(s);
	keys_close(k);
	buf_release(&err);
}

/*
 * Nonces (keys_ring.c: a random prefix per run of seals and a counter): none
 * repeats over several runs, in a second thread, or in a forked child that
 * goes on from its parent's run; and every value still opens.
 */
#define NONCE_AT 5 /* format byte, key version */
#define NONCE_N 24
#define SEALS 10000 /* more than two runs */

static int cmp_nonce(const void *a, const void *b)
{
	return memcmp(a, b, NONCE_N);
}

struct seal_thread {
	struct keyring *k;
	unsigned char nonce[NONCE_N];
};

static void *seal_in_thread(void *arg)
{
	struct seal_thread *t = arg;
	const struct store_seal_ad ad = { 7, "item", 1, "payload" };
	unsigned char *blob;
	size_t n;

	seal(t->k, &ad, "x", &blob, &n);
	memcpy(t->nonce, blob + NONCE_AT, NONCE_N);
	free(blob);
	return NULL;
}

static void test_nonces_unique(void **state)
{
	const struct store_seal_ad ad = { 7, "item", 1, "payload" };
	struct keyring *k = ring_open(true);
	unsigned char(*nonces)[NONCE_N] = calloc(SEALS + 2, NONCE_N);
	struct seal_thread t = { k, { 0 } };
	unsigned char *blob;
	size_t n, count = 0;
	pthread_t th;
	int fd[2];
	pid_t pid;

	(void)state;
	assert_non_null(nonces);
	for (int i = 0; i < SEALS; i++) {
		seal(k, &ad, "{\"a\":1}", &blob, &n);
		memcpy(nonces[count++], blob + NONCE_AT, NONCE_N);
		if (i % 1000 == 0)
			assert_opens(k, &ad, blob, n, "{\"a\":1}");
		free(blob);
	}
	assert_int_equal(pthread_create(&th, NULL, seal_in_thread, &t), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	memcpy(nonces[count++], t.nonce, NONCE_N);
	/* A child forked in the middle of a run seals once; the parent then seals once too. */
	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		unsigned char *b = NULL;
		size_t bn = 0;
		struct buf err = BUF_INIT;

		if (keys_seal(k, &ad, "x", 1, &b, &bn, &err) || write(fd[1], b + NONCE_AT, NONCE_N) != NONCE_N)
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	assert_int_equal(read(fd[0], nonces[count++], NONCE_N), NONCE_N);
	close(fd[0]);
	assert_int_equal(waitpid(pid, &fd[0], 0), pid);
	assert_int_equal(fd[0], 0);
	seal(k, &ad, "x", &blob, &n);
	assert_memory_not_equal(blob + NONCE_AT, nonces[count - 1], NONCE_N);
	free(blob);
	qsort(nonces, count, NONCE_N, cmp_nonce);
	for (size_t i = 1; i < count; i++)
		if (!memcmp(nonces[i - 1], nonces[i], NONCE_N))
			fail_msg("nonce %zu of %zu repeats", i, count);
	free(nonces);
	keys_close(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_copied_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rotate, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rotate_cut_short, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_destroy, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wrong_master, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_env_master, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_store_sealed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ids_not_reused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nonces_unique, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
