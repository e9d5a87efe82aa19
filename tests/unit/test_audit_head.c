/* test_audit_head.c - the audit key and head files, and the engine signing a head per batch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "app/audit.h"
#include "sec/audit.h"
#include "sec/audit_head.h"
#include "unit.h"

static void rm_files(const char *dir)
{
	static const char *const names[] = { AUDIT_KEY_FILE, AUDIT_HEAD_FILE, "copy" };
	char p[512];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
}

static void slurp(const char *path, char *out, size_t n)
{
	FILE *f = fopen(path, "r");
	size_t got;

	assert_non_null(f);
	got = fread(out, 1, n - 1, f);
	out[got] = '\0';
	fclose(f);
}

static void test_files(void **state)
{
	char dir[] = "/tmp/ahd_head_XXXXXX", path[512], copy[512], a[1024], b[1024];
	unsigned char msg[AUDIT_HEAD_MSG], want[AUDIT_HEAD_MSG] = "alihdaya-audit-head-v1";
	unsigned char pk[32];
	struct audit_signer *s;
	struct audit_head h;
	struct buf err = BUF_INIT;
	merkle_hash root;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(copy, sizeof(copy), "%s/copy", dir);
	assert_int_equal(audit_signer_open(dir, copy, &s, &err), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, AUDIT_KEY_FILE);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 65);
	memset(root, 0xab, sizeof(root));
	assert_int_equal(audit_signer_publish(s, 3, 0x0102030405LL, root, &err), 0);
	audit_signer_free(s);

	snprintf(path, sizeof(path), "%s/%s", dir, AUDIT_HEAD_FILE);
	assert_int_equal(audit_head_read(path, &h, &err), 0);
	assert_int_equal(h.tree_size, 3);
	assert_int_equal(h.timestamp, 0x0102030405LL);
	assert_memory_equal(h.root, root, 32);
	assert_true(audit_head_signed(&h));
	assert_int_equal(audit_key_public(dir, pk, &err), 0);
	assert_memory_equal(pk, h.public_key, 32);
	slurp(path, a, sizeof(a));
	slurp(copy, b, sizeof(b));
	assert_string_equal(a, b);

	/* The message, byte for byte as docs/audit.md gives it. */
	audit_head_message(&h, msg);
	want[30] = 3;
	want[34] = 1, want[35] = 2, want[36] = 3, want[37] = 4, want[38] = 5;
	memset(want + 39, 0xab, 32);
	assert_memory_equal(msg, want, sizeof(msg));

	/* Any change of what is signed breaks the signature. */
	h.tree_size = 2;
	assert_false(audit_head_signed(&h));
	h.tree_size = 3;
	h.root[31] ^= 1;
	assert_false(audit_head_signed(&h));

	/* A key others may read is refused; a broken head file is not one. */
	snprintf(path, sizeof(path), "%s/%s", dir, AUDIT_KEY_FILE);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(audit_signer_open(dir, NULL, &s, &err), ERR_INVALID);
	assert_non_null(strstr(buf_str(&err), "chmod 600"));
	buf_reset(&err);
	snprintf(path, sizeof(path), "%s/%s", dir, AUDIT_HEAD_FILE);
	assert_int_equal(truncate(path, 100), 0);
	assert_int_equal(audit_head_read(path, &h, &err), ERR_INVALID);
	assert_int_equal(audit_head_read("/nonexistent/head", &h, &err), ERR_NOTFOUND);
	buf_release(&err);
	rm_files(dir);
	rmdir(dir);
}

/* n audit events, each its own command. */
static void audit_n(struct engine *e, int n)
{
	for (int i = 0; i < n; i++) {
		struct cmd c;

		memset(&c, 0, sizeof(c));
		c.type = CMD_AUDIT;
		c.actor = &AUTH_LOCAL_ADMIN;
		snprintf(c.u.audit.action, sizeof(c.u.audit.action), "item.read");
		snprintf(c.u.audit.record_type, sizeof(c.u.audit.record_type), "item");
		c.u.audit.record_id = i + 1;
		assert_int_equal(engine_call(e, &c), 0);
		cmd_release(&c);
	}
}

static int count_head(void *ctx, const struct audit_head *h)
{
	(void)h;
	(*(int *)ctx)++;
	return 0;
}

static void test_engine_signs(void **state)
{
	char dir[256], path[512], head[512], before[1024], after[1024];
	struct engine_opts o = {.batch_max = 64};
	struct audit_signer *sg;
	struct store *s;
	struct engine *e;
	struct app app;
	struct audit_head h;
	struct audit_check ck;
	struct buf err = BUF_INIT;
	merkle_hash *leaves, root;
	sqlite3 *db;
	int heads = 0;

	(void)state;
	unit_store_open(dir, sizeof(dir), path, sizeof(path), "ahd_sign", &s);
	assert_int_equal(audit_signer_open(dir, NULL, &sg, &err), 0);
	o.signer = sg;
	assert_int_equal(engine_start(s, &o, &e, &err), 0);
	audit_n(e, 5);
	engine_stop(e);

	/* One stored head per batch, the file's the last; its root the tree's. */
	assert_int_equal(store_audit_head_each(s, count_head, &heads), 0);
	assert_int_equal(heads, 5);
	snprintf(head, sizeof(head), "%s/%s", dir, AUDIT_HEAD_FILE);
	assert_int_equal(audit_head_read(head, &h, &err), 0);
	assert_int_equal(h.tree_size, 5);
	assert_int_equal(audit_leaves(s, 5, &leaves), 0);
	merkle_root(leaves, 5, root);
	free(leaves);
	assert_memory_equal(root, h.root, 32);
	app = (struct app){ .store = s, .data_dir = dir };
	assert_int_equal(app_audit_verify(&app, &AUTH_LOCAL_ADMIN, &ck, &err), 0);
	assert_true(ck.intact);
	assert_int_equal(ck.heads, 6);

	/* A restart with nothing new signs nothing new. */
	slurp(head, before, sizeof(before));
	assert_int_equal(engine_start(s, &o, &e, &err), 0);
	engine_stop(e);
	slurp(head, after, sizeof(after));
	assert_string_equal(before, after);

	/* The newest event cut off: the engine keeps the head as evidence and signs no more. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM audit WHERE seq = 5", NULL, NULL, NULL), 0);
	sqlite3_close(db);
	assert_int_equal(engine_start(s, &o, &e, &err), 0);
	assert_true(audit_signer_halted(sg));
	audit_n(e, 2);
	engine_stop(e);
	slurp(head, after, sizeof(after));
	assert_string_equal(before, after);
	assert_int_equal(app_audit_verify(&app, &AUTH_LOCAL_ADMIN, &ck, &err), 0);
	assert_false(ck.intact);
	assert_int_equal(ck.first_bad, 5);

	audit_signer_free(sg);
	buf_release(&err);
	store_close(s);
	rm_files(dir);
	unit_store_dir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_engine_signs),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
