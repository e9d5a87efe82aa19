/* imports.h - bulk imports of items: a file streamed in, rows created in batches, the job read. */
#ifndef ALIHDAYA_APP_IMPORTS_H
#define ALIHDAYA_APP_IMPORTS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "core/import.h"
#include "sec/auth.h"
#include "util/buf.h"
#include "util/csv.h"

#define APP_IMPORT_MAX_BYTES ((uint64_t)1 << 30) /* 1 GiB */
/* A spooled upload: <data>/import-ID.spool, read back in pieces of this size. */
#define APP_IMPORT_SPOOL_PREFIX "import-"
#define APP_IMPORT_SPOOL_SUFFIX ".spool"
#define APP_IMPORT_CHUNK ((size_t)256 << 10)

struct app_import_in {
	int64_t engagement_id;
	/* "text/csv", "application/x-ndjson" (or "application/jsonl"); NULL: as jsonl says */
	const char *media_type;
	bool jsonl;	       /* JSON Lines, else CSV (media_type NULL) */
	const char *delimiter; /* CSV: "," or ";", NULL = detected from the header line */
	const char *mapping;   /* CSV: "col:field,..." or NULL */
	bool all_or_nothing;
	uint64_t max_bytes;    /* 0 = APP_IMPORT_MAX_BYTES */
	struct csv_limits lim; /* zeros: util/csv.h's defaults (JSON Lines too) */
	/*
	 * The server's: feed only appends the body (bounded by max_bytes) to a
	 * new 0600 file in this directory, and app_import_run, on the import
	 * runner's thread, parses it and creates the rows; so the request's
	 * thread never waits for a batch's commit. NULL: feed parses and
	 * creates as the body arrives (the CLI's own engine).
	 */
	const char *spool_dir;
};

/*
 * A running import. begin checks the input and the actor and writes the
 * job (state "receiving"); feed takes the file in pieces of any size and
 * creates rows in batches of IMPORT_BATCH_ROWS through the engine as they
 * fill (each batch a blocking app_call()); finish reads the last row,
 * writes the final counts and state and frees the import. A bad file never
 * fails feed: the job is marked failed with the line named, and the rest of
 * the input is counted and dropped.
 *
 * all_or_nothing: every row is checked first (its CSV or JSON form, the
 * declared payload fields) while the file streams in, the good rows kept in
 * an unlinked temporary file (never in memory); only when no row was
 * rejected and the file is whole are they created, in batches. A row the
 * engine still refuses then (the engagement paused meanwhile) is rejected
 * as usual, and rows of a crashed import are completed by uploading the file
 * again (external_ref). Without external_ref a re-upload duplicates.
 */
struct app_import;
int app_import_begin(const struct app *app, const struct actor *actor,
		     const struct app_import_in *in, struct app_import **out, struct buf *err);
void app_import_feed(struct app_import *im, const char *p, size_t n);
/* OUT: *rec, the job as written. 0, or the store's / engine's error (the job then may be stale). */
int app_import_finish(struct app_import *im, struct import_rec *rec, struct buf *err);
/* True when feed spools (in->spool_dir): the body is in, app_import_run does the rest. */
bool app_import_spooled(const struct app_import *im);
/* Spooled, the body all in: the job goes on running. OUT: *rec, the job as it stands. */
void app_import_queued(struct app_import *im, struct import_rec *rec);
/*
 * A spooled import's rows, from its file, then finish (im is freed, the file
 * removed). stop: checked between pieces; once set, the job fails as a
 * stopped server's does. Blocks for the whole import: the runner's thread.
 */
int app_import_run(struct app_import *im, const atomic_bool *stop, struct import_rec *rec,
		   struct buf *err);
/* The upload stopped before its end: the job fails ("the upload was cut off") and im is freed. */
void app_import_abort(struct app_import *im);
/* The job's counters so far (the CLI's progress). */
const struct import_rec *app_import_rec(const struct app_import *im);

/*
 * At a server's start (no import can be live then): the jobs a stopped
 * server or CLI left receiving or running are marked failed, and the spool
 * files left in app->data_dir removed. OUT: *n.
 */
int app_imports_recover(const struct app *app, int64_t *n, struct buf *err);

/* One job, if the actor may see it (another client's: ERR_NOTFOUND). */
int app_import_get(const struct app *app, const struct actor *actor, int64_t id,
		   struct import_rec *out, struct buf *err);
/* Its rejected rows in line order. */
int app_import_errors(const struct app *app, const struct actor *actor, int64_t id,
		      int (*fn)(void *ctx, const struct import_error_rec *e), void *ctx,
		      struct buf *err);

#endif
