/* sqlite_quality.c - SQLite writer and reader of the quality observations (issue 10). */
#include <stdint.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

int sq_quality_obs_add(struct store *base, const struct quality_obs *o)
{
	struct sq_conn *c = &sq__of(base)->writer;
	const char *kind;
	sqlite3_stmt *st;
	int rc, b;

	if ((unsigned)o->kind >= QOBS_KIND__COUNT)
		return sq__error(ERR_INVALID, "quality observation: unknown kind %d", (int)o->kind);
	kind = qobs_kind_name(o->kind);
	st = sq__stmt(c, SQ_QOBS_ADD, &rc);
	if (!st)
		return rc;
	/* The texts are bounded by their arrays even when a caller forgot the NUL. */
	b = sqlite3_bind_int64(st, 1, o->at);
	b |= sqlite3_bind_int64(st, 2, o->engagement_id);
	b |= sqlite3_bind_int64(st, 3, o->worker_id);
	b |= sqlite3_bind_int64(st, 4, o->item_id);
	b |= sqlite3_bind_text(st, 5, kind, -1, SQLITE_STATIC);
	b |= sqlite3_bind_text(st, 6, o->field, (int)strnlen(o->field, sizeof(o->field)),
			       SQLITE_TRANSIENT);
	b |= sqlite3_bind_text(st, 7, o->code, (int)strnlen(o->code, sizeof(o->code)),
			       SQLITE_TRANSIENT);
	b |= sqlite3_bind_int(st, 8, o->ok ? 1 : 0);
	if (b != SQLITE_OK) {
		rc = sq__fail(c->db, b, "quality observation");
		goto out;
	}
	rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE ? 0 : sq__fail(c->db, rc, "quality observation");
out:
	sq__done(st);
	return rc;
}

int sq_quality_obs_walk(struct store *base, int64_t engagement_id,
			int (*fn)(void *ctx, const struct quality_obs *o), void *ctx)
{
	struct sq_store *s = sq__of(base);
	struct sq_conn *c = sq__reader_get(s);
	struct quality_obs o;
	sqlite3_stmt *st;
	char kind[16];
	int rc, b;

	/* One statement is one snapshot in WAL: the walk sees one committed state. */
	st = sq__stmt(c, engagement_id ? SQ_QOBS_WALK_ENG : SQ_QOBS_WALK, &rc);
	if (!st)
		goto out;
	if (engagement_id) {
		b = sqlite3_bind_int64(st, 1, engagement_id);
		if (b != SQLITE_OK) {
			rc = sq__fail(c->db, b, "quality observations");
			goto out;
		}
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&o, 0, sizeof(o));
		o.at = sqlite3_column_int64(st, 0);
		o.engagement_id = sqlite3_column_int64(st, 1);
		o.worker_id = sqlite3_column_int64(st, 2);
		o.item_id = sqlite3_column_int64(st, 3);
		sq__col_str(st, 4, kind, sizeof(kind));
		if (qobs_kind_parse(kind, &o.kind)) {
			rc = sq__error(ERR_IO, "quality observations: unknown kind '%s'", kind);
			goto out;
		}
		sq__col_str(st, 5, o.field, sizeof(o.field));
		sq__col_str(st, 6, o.code, sizeof(o.code));
		o.ok = sqlite3_column_int(st, 7) != 0;
		rc = fn(ctx, &o);
		if (rc)
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : sq__fail(c->db, rc, "quality observations");
out:
	sq__done(st);
	sq__reader_put(s, c);
	return rc;
}
