/* unit.h - what the unit tests that open a real store share: its temp folder, a checked error. */
#ifndef ALIHDAYA_TEST_UNIT_H
#define ALIHDAYA_TEST_UNIT_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* rc is ERR_INVALID and the message in err names field; err is released (reusable) after. */
static inline void unit_assert_invalid(int rc, struct buf *err, const char *field)
{
	assert_int_equal(rc, ERR_INVALID);
	if (!strstr(buf_str(err), field))
		fail_msg("message '%s' does not name %s", buf_str(err), field);
	buf_release(err);
}

#endif
