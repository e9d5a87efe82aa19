/* unit.h - what the unit tests that open a real store share: its temp folder, a checked error. */
#ifndef ALIHDAYA_TEST_UNIT_H
#define ALIHDAYA_TEST_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "engine/engine.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"

/* Removes the store file "ahd.db" (and its WAL and shared-memory files) in dir, then dir. */
static inline void unit_store_dir_remove(const char *dir)
{
	static const char *const names[] = { "ahd.db", "ahd.db-wal", "ahd.db-shm" };
	char p[512];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

/*
 * A real store in a new folder /tmp/<tag>_XXXXXX: what the use-case tests run
 * against. OUT: dir[dn], path[pn] (the store file), *s. Fails the test when a
 * step fails.
 */
static inline void unit_store_open(char *dir, size_t dn, char *path, size_t pn, const char *tag,
				   struct store **s)
{
	struct buf err = BUF_INIT;

	snprintf(dir, dn, "/tmp/%s_XXXXXX", tag);
	assert_non_null(mkdtemp(dir));
	snprintf(path, pn, "%s/ahd.db", dir);
	assert_int_equal(store_open(path, 2, s, &err), 0);
	buf_release(&err);
}

/* unit_store_open(), then its engine started with o, and *app pointing at both. */
static inline void unit_house_open(char *dir, size_t dn, char *path, size_t pn, const char *tag,
				   const struct engine_opts *o, struct store **s, struct engine **e,
				   struct app *app)
{
	struct buf err = BUF_INIT;

	unit_store_open(dir, dn, path, pn, tag, s);
	assert_int_equal(engine_start(*s, o, e, &err), 0);
	buf_release(&err);
	*app = (struct app){ .store = *s, .engine = *e };
}

/* Stops the engine, closes the store and removes its folder. */
static inline void unit_house_close(struct engine *e, struct store *s, const char *dir)
{
	engine_stop(e);
	store_close(s);
	unit_store_dir_remove(dir);
}

/* rc is ERR_INVALID and the message in err names field; err is released (reusable) after. */
static inline void unit_assert_invalid(int rc, struct buf *err, const char *field)
{
	assert_int_equal(rc, ERR_INVALID);
	if (!strstr(buf_str(err), field))
		fail_msg("message '%s' does not name %s", buf_str(err), field);
	buf_release(err);
}

#endif
