/* exports.h - an engagement's items with payloads and results, read for an export page by page. */
#ifndef ALIHDAYA_APP_EXPORTS_H
#define ALIHDAYA_APP_EXPORTS_H

#include <stdint.h>

#include "app/app.h"
#include "core/export.h"
#include "engine/engine.h"
#include "sec/auth.h"
#include "store/store.h"
#include "util/buf.h"

#define APP_EXPORT_MAX_ROWS 100000
#define APP_EXPORT_PAGE 100 /* items read from the store at a time */

/* An export as asked, not yet checked. */
struct app_export_in {
	int64_t engagement_id;
	const char *format; /* "csv", "jsonl", "xlsx" (required) */
	const char *from;   /* RFC 3339 or NULL: created_at >= from */
	const char *to;	    /* RFC 3339 or NULL: created_at < to */
	const char *state;  /* an item state's name, or NULL: any */
	int64_t limit;	    /* 0: APP_EXPORT_MAX_ROWS; else 1..APP_EXPORT_MAX_ROWS */
};

/* One row: the item (payload and result as the actor may see them) and when it finished. */
struct app_export_row {
	struct item_rec item;
	int64_t done_at; /* ms: its last move into done, cancelled or failed; 0 while open */
};

/*
 * An export in three steps, because payloads may only be read once the
 * read is recorded (as an item read, app/items.h):
 *   1. app_export_begin(): the input and the actor checked (a client's
 *      user: its own client's engagements, another's ERR_NOTFOUND; a
 *      worker ERR_FORBIDDEN), the engagement's fields read into the
 *      columns, the matching items counted (more than limit: ERR_INVALID,
 *      nothing read), and *audit filled: a CMD_AUDIT "item.export" on the
 *      engagement whose detail holds the format, the filters and the row
 *      count, never a value;
 *   2. the caller runs *audit (app_call, app_submit);
 *   3. app_export_open() with its rc, then app_export_next() until it
 *      answers 0: the rows in id order, APP_EXPORT_PAGE items at a time by
 *      keyset (id > the last one), only items counted in step 1 (no id
 *      past the last one counted). A row that left the filter or the
 *      actor's sight meanwhile is skipped, so the rows can be fewer than
 *      the count, never more.
 * The export holds a copy of the actor; app must outlive it.
 */
struct app_export;
int app_export_begin(const struct app *app, const struct actor *actor,
		     const struct app_export_in *in, struct app_export **out, struct cmd *audit,
		     struct buf *err);
/* ERR_BUSY or ERR_SHUTDOWN when the audit failed (nothing may be read then). */
int app_export_open(struct app_export *ex, int audit_rc, struct buf *err);
/*
 * The next row into *row (zeroed before the first call; each call releases
 * the previous row, the end releases the last). 1: a row; 0: the end; < 0: an error.
 */
int app_export_next(struct app_export *ex, struct app_export_row *row, struct buf *err);
const struct export_cols *app_export_cols(const struct app_export *ex);
enum export_format app_export_format(const struct app_export *ex);
/* The rows counted in step 1 (the audit's). */
int64_t app_export_count(const struct app_export *ex);
/* The engagement's client. */
int64_t app_export_client(const struct app_export *ex);
void app_export_free(struct app_export *ex);

#endif
