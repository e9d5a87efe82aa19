/* sqlite_store.h - the SQLite backend's entry points (internal to src/store/ and its tests). */
#ifndef ALIHDAYA_SQLITE_STORE_H
#define ALIHDAYA_SQLITE_STORE_H

#include <sqlite3.h>

#include "store/store.h"
#include "util/buf.h"

/*
 * Opens (creating if missing) the SQLite database at path, applies pending
 * migrations, and opens `readers` read-only connections (at least 1).
 * On failure returns an ERR_* and writes why into err.
 * OUT: *out, released with store_close().
 */
int store_sqlite_open(const char *path, int readers, struct store **out, struct buf *err);

/* The writer connection, for tests that inspect its pragmas. Not for SQL elsewhere. */
sqlite3 *store_sqlite_writer_db(struct store *s);

/* Number of schema migrations compiled in (PRAGMA user_version after open). */
int store_sqlite_schema_version(void);

#endif
