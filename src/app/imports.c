/* imports.c - bulk imports: the streamed file read row by row, rows created in batches. */
#include "app/imports.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "sec/policy.h"
#include "store/store.h"
#include "util/err.h"
#include "util/utf8.h"

/* A batch of rows to create and rows rejected here, sent as one CMD_IMPORT step. */
struct batch {
	struct import_row rows[IMPORT_BATCH_ROWS];
	size_t offs[IMPORT_BATCH_ROWS]; /* each row's payload in arena */
	struct buf arena;		/* the batch's payloads, one after another: no malloc a row */
	size_t n;
	struct import_error_rec errs[IMPORT_BATCH_ROWS];
	size_t n_errs;
};

struct app_import {
	const struct app *app;
	const struct actor *actor; /* &who: the request's actor outlives no request */
	struct actor who;
	/* Spooled (in->spool_dir): the body in this 0600 file until app_import_run. */
	int spool_fd;
	char spool_path[4096];
	struct import_rec rec;
	uint64_t max_bytes;
	struct csv_limits lim;
	struct fieldset *fs; /* the engagement's declared payload fields, NULL: none */
	size_t n_types;	     /* the engagement's item types (a row's type is one, or default) */
	char types[MODEL_MAX_ITEM_TYPES][MODEL_CODE_MAX];
	char *mapping;
	struct import_map *map;
	struct csv_reader *csv; /* NULL: JSON Lines */
	struct buf line;	/* JSON Lines: the line being read */
	int64_t line_no;	/* JSON Lines: its number */
	int64_t records;	/* JSON Lines: lines with a row */
	bool failed;
	FILE *spool; /* all_or_nothing: the good rows, until the end */
	/*
	 * Two batches: one filled while the engine creates the other's rows, so
	 * parsing and checking the file (a tenth of an import's CPU) runs beside
	 * the engine thread, not between its batches. One step in flight at most,
	 * in file order: a batch is sent only once the one before it is all done.
	 */
	struct batch b[2];
	struct batch *cur;	   /* being filled */
	struct cmd *pend;	   /* the step in flight, NULL: none */
	struct batch *pend_b;	   /* its batch, and the row it starts at */
	size_t pend_at;
	struct import_rec pend_base; /* the counts it was sent with */
	sem_t pend_sem;		     /* posted when it is done */
	bool write_failed;	     /* a batch could not be written: the rest is dropped */
	struct buf payload, reason; /* scratch */
};

static int role_may(const struct actor *actor, enum policy_action act, struct buf *err)
{
	if (policy_check(actor, act, NULL) == POLICY_ALLOW)
		return 0;
	return buf_error(err, ERR_FORBIDDEN, "role %s may not take %s", role_name(actor->role),
			 policy_action_name(act));
}

/* The job fails: why (naming the line), once; the rest of the input is dropped. */
static void job_fail(struct app_import *im, const char *why)
{
	if (im->failed)
		return;
	im->failed = true;
	im->rec.state = IMPORT_FAILED;
	snprintf(im->rec.error, sizeof(im->rec.error), "%s", why);
}

static void batch_clear(struct batch *b)
{
	buf_reset(&b->arena);
	b->n = 0;
	b->n_errs = 0;
}

/* A CMD_IMPORT step of op with rows b->rows[at..) and b's errors (b NULL: none). */
static struct cmd *step_new(struct app_import *im, int op, struct batch *b, size_t at)
{
	struct cmd *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->type = CMD_IMPORT;
	c->actor = im->actor;
	c->u.import.op = op;
	c->u.import.rec = im->rec;
	if (b) {
		c->u.import.rows = b->rows + at;
		c->u.import.n = op == IMPORT_OP_BATCH ? b->n - at : 0;
		c->u.import.errs = b->errs;
		c->u.import.n_errs = b->n_errs;
	}
	return c;
}

/*
 * The engine's counters of a step done into rec: what it added to the counts
 * it was sent with (base), so rows rejected here meanwhile (the next batch
 * being read) are kept. Or the step's error into err.
 */
static int step_take(struct app_import *im, struct cmd *c, int op, const struct import_rec *base,
		     struct buf *err)
{
	const struct import_rec *r = &c->u.import.rec;

	if (c->rc)
		return buf_error(err, c->rc, "%s",
				 c->result.message[0] ? c->result.message : err_message(c->rc));
	if (op == IMPORT_OP_BEGIN)
		im->rec.id = c->result.id;
	im->rec.client_id = r->client_id;
	im->rec.created += r->created - base->created;
	im->rec.duplicate += r->duplicate - base->duplicate;
	im->rec.rejected += r->rejected - base->rejected;
	return 0;
}

/* Runs one CMD_IMPORT step without rows (begin, end), waiting for it. */
static int run_step(struct app_import *im, int op, struct buf *err)
{
	struct import_rec base = im->rec;
	struct cmd *c = step_new(im, op, NULL, 0);
	struct buf none = BUF_INIT;
	int rc;

	if (!c)
		return err ? buf_error(err, ERR_NOMEM, "out of memory") : ERR_NOMEM;
	app_call(im->app, c);
	rc = step_take(im, c, op, &base, err ? err : &none);
	buf_release(&none);
	cmd_release(c);
	free(c);
	return rc;
}

static void batch_failed(struct app_import *im, const char *msg)
{
	char why[IMPORT_ERROR_MAX];

	snprintf(why, sizeof(why), "the batch could not be written: %s", msg);
	job_fail(im, why);
	im->write_failed = true;
}

static void on_step_done(struct cmd *c, void *arg)
{
	(void)c;
	sem_post(arg);
}

/* Sends b->rows[at..) (and b's errors) as the step in flight. */
static void batch_send(struct app_import *im, struct batch *b, size_t at)
{
	struct cmd *c = step_new(im, IMPORT_OP_BATCH, b, at);
	int rc;

	if (!c) {
		batch_failed(im, err_message(ERR_NOMEM));
		batch_clear(b);
		return;
	}
	im->pend_base = im->rec;
	if ((rc = app_submit(im->app, c, on_step_done, &im->pend_sem))) {
		batch_failed(im, err_message(rc));
		free(c);
		batch_clear(b);
		return;
	}
	im->pend = c;
	im->pend_b = b;
	im->pend_at = at;
}

/*
 * Waits until the batch in flight is all written: the engine stops a batch at
 * its time budget, and the rows it did not reach go again, before any other.
 */
static void batch_wait(struct app_import *im)
{
	struct buf err = BUF_INIT;

	while (im->pend) {
		struct cmd *c = im->pend;
		struct batch *b = im->pend_b;
		size_t done = 0;

		while (sem_wait(&im->pend_sem) && errno == EINTR)
			;
		im->pend = NULL;
		if (step_take(im, c, IMPORT_OP_BATCH, &im->pend_base, &err))
			batch_failed(im, buf_str(&err));
		else
			done = c->u.import.n_done;
		cmd_release(c);
		free(c);
		b->n_errs = 0; /* written with the first part */
		if (done && im->pend_at + done < b->n && !im->write_failed)
			batch_send(im, b, im->pend_at + done);
		else
			batch_clear(b);
	}
	buf_release(&err);
}

/* The batch being filled sent (after the one in flight); the other one is filled next. */
static void flush(struct app_import *im)
{
	struct batch *b = im->cur;

	batch_wait(im);
	if (im->write_failed)
		batch_clear(b);
	if (!b->n && !b->n_errs)
		return;
	for (size_t i = 0; i < b->n; i++) /* the arena moved while it grew */
		b->rows[i].payload = b->arena.data + b->offs[i];
	batch_send(im, b, 0);
	im->cur = b == &im->b[0] ? &im->b[1] : &im->b[0];
}

static void reject(struct app_import *im, int64_t line, const char *column, const char *reason)
{
	struct import_error_rec *e;

	if (++im->rec.rejected > IMPORT_ERRORS_KEPT)
		return;
	e = &im->cur->errs[im->cur->n_errs++];
	memset(e, 0, sizeof(*e));
	e->import_id = im->rec.id;
	e->line = line;
	snprintf(e->column, sizeof(e->column), "%s", column);
	snprintf(e->reason, sizeof(e->reason), "%s", reason);
	if (im->cur->n_errs == IMPORT_BATCH_ROWS)
		flush(im);
}

/* all_or_nothing: a good row kept for the end: line and lengths, ref, type, payload. */
static int spool_put(struct app_import *im, int64_t line, const char *ref, const char *type,
		     const char *payload)
{
	uint64_t hdr[4] = {(uint64_t)line, strlen(ref), strlen(payload), strlen(type)};

	if (fwrite(hdr, sizeof(hdr), 1, im->spool) != 1 ||
	    fwrite(ref, 1, hdr[1], im->spool) != hdr[1] ||
	    fwrite(type, 1, hdr[3], im->spool) != hdr[3] ||
	    fwrite(payload, 1, hdr[2], im->spool) != hdr[2])
		return ERR_IO;
	return 0;
}

static int row_add(struct app_import *im, int64_t line, const char *ref, const char *type,
		   const char *payload)
{
	struct batch *b = im->cur;
	struct import_row *r;
	size_t off = b->arena.len;

	if (im->spool)
		return spool_put(im, line, ref, type, payload);
	if (buf_append(&b->arena, payload, strlen(payload) + 1))
		return ERR_NOMEM;
	r = &b->rows[b->n];
	r->line = line;
	snprintf(r->external_ref, sizeof(r->external_ref), "%s", ref);
	snprintf(r->type, sizeof(r->type), "%s", type);
	r->payload = NULL; /* set at flush */
	r->outcome = IMPORT_ROW_CREATED;
	r->reason[0] = '\0';
	b->offs[b->n++] = off;
	/* A batch ends at its row count, or sooner with large rows (its memory bounded). */
	if (b->n == IMPORT_BATCH_ROWS || b->arena.len >= IMPORT_BATCH_BYTES)
		flush(im);
	return 0;
}

/* A row's type: "" (default), "default" or one of the engagement's item types. */
static bool type_known(const struct app_import *im, const char *type)
{
	if (!type[0] || !strcmp(type, "default"))
		return true;
	for (size_t i = 0; i < im->n_types; i++)
		if (!strcmp(im->types[i], type))
			return true;
	return false;
}

/* A row as payload, ref and type (or rc with column and reason): checked, then kept or rejected. */
static void row_take(struct app_import *im, int64_t line, int rc, const char *ref, const char *type,
		     const char *column)
{
	char why[IMPORT_ERROR_MAX];

	if (!rc && !type_known(im, type)) {
		int k = snprintf(why, sizeof(why),
				 "%s is not an item type of engagement %lld (item_types: %s", type,
				 (long long)im->rec.engagement_id,
				 im->n_types ? "" : "none declared, only default");

		for (size_t i = 0; i < im->n_types && k > 0 && (size_t)k < sizeof(why); i++)
			k += snprintf(why + k, sizeof(why) - (size_t)k, "%s%s", i ? ", " : "",
				      im->types[i]);
		if (k > 0 && (size_t)k < sizeof(why))
			snprintf(why + k, sizeof(why) - (size_t)k, ")");
		reject(im, line, "type", why);
		return;
	}
	if (!rc && im->fs) {
		buf_reset(&im->reason);
		rc = fieldset_check(im->fs, buf_str(&im->payload), &im->reason);
		column = "";
	}
	if (rc == ERR_TOOBIG) { /* its JSON past the payload buffer: escapes can grow it 6-fold */
		reject(im, line, "", "the row as JSON is larger than the payload limit");
		return;
	}
	if (rc == ERR_INVALID) {
		reject(im, line, column, buf_str(&im->reason));
		return;
	}
	if (!rc)
		rc = row_add(im, line, ref, type, buf_str(&im->payload));
	if (rc) {
		snprintf(why, sizeof(why), "line %lld: %s", (long long)line, err_message(rc));
		job_fail(im, why);
	}
}

static int on_csv(void *ctx, const struct csv_record *rec)
{
	struct app_import *im = ctx;
	char ref[MODEL_REF_MAX], type[MODEL_ITEM_TYPE_MAX], column[FIELDS_NAME_MAX + 1];
	struct buf err = BUF_INIT;
	int rc;

	if (im->failed)
		return ERR_INVALID;
	if (rec->index == 0) {
		rc = import_map_new(im->fs, rec, im->mapping, &im->map, &err);
		if (rc) {
			char why[IMPORT_ERROR_MAX];

			snprintf(why, sizeof(why), "line %lld: the header: %s",
				 (long long)rec->line, buf_str(&err));
			job_fail(im, why);
		}
		buf_release(&err);
		return rc;
	}
	im->rec.rows_read++;
	buf_reset(&im->reason);
	rc = import_csv_row(im->map, rec, &im->payload, ref, type, column, &im->reason);
	row_take(im, rec->line, rc, ref, type, column);
	return im->failed ? ERR_INVALID : 0;
}

/* JSON Lines: one complete line (without its newline). */
static void jsonl_line(struct app_import *im, const char *p, size_t n)
{
	char ref[MODEL_REF_MAX], type[MODEL_ITEM_TYPE_MAX], column[FIELDS_NAME_MAX + 1];
	char why[IMPORT_ERROR_MAX];
	int rc;

	if (n && p[n - 1] == '\r')
		n--;
	if (!n)
		return; /* an empty line: none */
	if (++im->records > im->lim.max_rows) {
		snprintf(why, sizeof(why), "line %lld: more than %lld records",
			 (long long)im->line_no, (long long)im->lim.max_rows);
		job_fail(im, why);
		return;
	}
	im->rec.rows_read++;
	buf_reset(&im->reason);
	if (!utf8_valid(p, n)) {
		reject(im, im->line_no, "", "not well-formed UTF-8");
		return;
	}
	rc = import_jsonl_row(p, n, &im->payload, ref, type, column, &im->reason);
	row_take(im, im->line_no, rc, ref, type, column);
}

static void jsonl_feed(struct app_import *im, const char *p, size_t n)
{
	char why[IMPORT_ERROR_MAX];
	const char *nl;
	size_t k;

	while (n && !im->failed) {
		nl = memchr(p, '\n', n);
		k = nl ? (size_t)(nl - p) : n;
		if (memchr(p, '\0', k)) {
			snprintf(why, sizeof(why), "line %lld: a NUL byte", (long long)im->line_no);
			job_fail(im, why);
			return;
		}
		if (buf_append(&im->line, p, k)) {
			snprintf(why, sizeof(why), "line %lld: a record longer than %zu bytes",
				 (long long)im->line_no, im->lim.max_row_bytes);
			job_fail(im, why);
			return;
		}
		if (!nl)
			return;
		jsonl_line(im, im->line.data ? im->line.data : "", im->line.len);
		buf_reset(&im->line);
		im->line_no++;
		p += k + 1;
		n -= k + 1;
	}
}

/* A piece of the file parsed: its rows checked and batched. */
static void parse(struct app_import *im, const char *p, size_t n)
{
	struct buf err = BUF_INIT;

	if (im->failed)
		return;
	if (!im->csv) {
		jsonl_feed(im, p, n);
		return;
	}
	if (csv_feed(im->csv, p, n, &err) && !im->failed)
		job_fail(im, buf_str(&err));
	buf_release(&err);
}

/* Spooled: the piece appended to the job's file, whole (a short write is retried). */
static void spool_write(struct app_import *im, const char *p, size_t n)
{
	while (n && !im->failed) {
		ssize_t k = write(im->spool_fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			job_fail(im, "the upload could not be kept on the server's disk");
			return;
		}
		p += k;
		n -= (size_t)k;
	}
}

void app_import_feed(struct app_import *im, const char *p, size_t n)
{
	char why[IMPORT_ERROR_MAX];

	im->rec.bytes += (int64_t)n;
	if (im->failed)
		return;
	if ((uint64_t)im->rec.bytes > im->max_bytes) {
		snprintf(why, sizeof(why), "the file is larger than %llu bytes",
			 (unsigned long long)im->max_bytes);
		job_fail(im, why);
		return;
	}
	if (im->spool_fd >= 0)
		spool_write(im, p, n);
	else
		parse(im, p, n);
}

bool app_import_spooled(const struct app_import *im)
{
	return im->spool_fd >= 0;
}

void app_import_queued(struct app_import *im, struct import_rec *rec)
{
	if (!im->failed)
		im->rec.state = IMPORT_RUNNING; /* the next batch writes it */
	*rec = im->rec;
}

const struct import_rec *app_import_rec(const struct app_import *im)
{
	return &im->rec;
}

static void import_free(struct app_import *im)
{
	if (!im)
		return;
	batch_wait(im); /* nothing of im is freed under the engine */
	csv_reader_free(im->csv);
	import_map_free(im->map);
	fieldset_free(im->fs);
	free(im->mapping);
	buf_release(&im->line);
	buf_release(&im->b[0].arena);
	buf_release(&im->b[1].arena);
	sem_destroy(&im->pend_sem);
	buf_release(&im->payload);
	buf_release(&im->reason);
	if (im->spool)
		fclose(im->spool);
	if (im->spool_fd >= 0) {
		close(im->spool_fd);
		unlink(im->spool_path);
	}
	free(im);
}

/* The declared payload fields of the engagement, compiled; NULL when none. */
static int load_fields(struct app_import *im, struct buf *err)
{
	char *payload = NULL, *result = NULL;
	int64_t at = 0;
	int rc;

	rc = store_engagement_fields_get(im->app->store, im->rec.engagement_id, &payload, &result,
					 &at);
	if (!rc && payload)
		rc = fieldset_parse(payload, &im->fs, err);
	else if (rc)
		buf_error(err, rc, "%s", err_message(rc));
	free(payload);
	free(result);
	return rc;
}

/* The engagement exists and the actor may import into it; a hidden one is missing. */
static int engagement_scoped(const struct app *app, const struct actor *actor, int64_t id,
			     struct engagement_rec *out, struct buf *err)
{
	struct engagement_rec eng;
	struct policy_scope sc;
	int rc;

	if (id < 1)
		return buf_error(err, ERR_INVALID, "engagement id must be a positive number");
	rc = store_engagement_get(app->store, id, &eng);
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no engagement %lld", (long long)id);
	if (rc)
		return buf_error(err, rc, "%s", err_message(rc));
	sc = (struct policy_scope){.client_id = eng.client_id, .kpo = eng.kind == KIND_KPO};
	if ((rc = policy_require(actor, POL_IMPORT_CREATE, &sc)) == ERR_NOTFOUND)
		return buf_error(err, rc, "no engagement %lld", (long long)id);
	if (rc)
		return buf_error(err, rc, "role %s may not import into engagement %lld",
				 role_name(actor->role), (long long)id);
	*out = eng;
	return 0;
}

/* The job's spool file: <dir>/import-ID.spool, 0600, new (ids are never given twice). */
static int spool_open(struct app_import *im, const char *dir, struct buf *err)
{
	snprintf(im->spool_path, sizeof(im->spool_path), "%s/" APP_IMPORT_SPOOL_PREFIX "%lld%s",
		 dir, (long long)im->rec.id, APP_IMPORT_SPOOL_SUFFIX);
	im->spool_fd = open(im->spool_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (im->spool_fd < 0)
		return buf_error(err, ERR_IO, "cannot create %s: %s", im->spool_path,
				 strerror(errno));
	return 0;
}

int app_import_begin(const struct app *app, const struct actor *actor,
		     const struct app_import_in *in, struct app_import **out, struct buf *err)
{
	struct app_import *im;
	struct engagement_rec eng;
	bool jsonl = in->jsonl;
	int rc;

	*out = NULL;
	memset(&eng, 0, sizeof(eng)); /* -O2 cannot see engagement_scoped fill it on success */
	if ((rc = role_may(actor, POL_IMPORT_CREATE, err)) ||
	    (rc = engagement_scoped(app, actor, in->engagement_id, &eng, err)))
		return rc;
	if (in->media_type) {
		jsonl = !strcmp(in->media_type, "application/x-ndjson") ||
			!strcmp(in->media_type, "application/jsonl");
		if (!jsonl && strcmp(in->media_type, "text/csv"))
			return buf_error(err, ERR_INVALID,
					 "Content-Type must be text/csv or application/x-ndjson");
	}
	if (in->delimiter && strcmp(in->delimiter, ",") && strcmp(in->delimiter, ";"))
		return buf_error(err, ERR_INVALID, "delimiter must be , or ;");
	if (in->mapping && strlen(in->mapping) > 8192)
		return buf_error(err, ERR_INVALID, "map is longer than 8192 bytes");
	if (jsonl && (in->mapping || in->delimiter))
		return buf_error(err, ERR_INVALID, "map and delimiter are for CSV only");
	if (!(im = calloc(1, sizeof(*im))))
		return buf_error(err, ERR_NOMEM, "out of memory");
	im->app = app;
	im->who = *actor;
	im->actor = &im->who;
	im->spool_fd = -1;
	im->n_types = eng.n_item_types;
	memcpy(im->types, eng.item_types, sizeof(im->types));
	im->lim = in->lim;
	if (!im->lim.max_row_bytes)
		im->lim.max_row_bytes = CSV_MAX_ROW_DEFAULT;
	if (!im->lim.max_fields)
		im->lim.max_fields = CSV_MAX_FIELDS_DEFAULT;
	if (!im->lim.max_rows)
		im->lim.max_rows = CSV_MAX_ROWS_DEFAULT;
	im->max_bytes = in->max_bytes ? in->max_bytes : APP_IMPORT_MAX_BYTES;
	im->rec.engagement_id = in->engagement_id;
	im->rec.all_or_nothing = in->all_or_nothing;
	snprintf(im->rec.format, sizeof(im->rec.format), "%s", jsonl ? "jsonl" : "csv");
	im->line_no = 1;
	buf_init(&im->line, im->lim.max_row_bytes);
	buf_init(&im->payload, im->lim.max_row_bytes * 2 + 1024);
	buf_init(&im->reason, 4096);
	/* A row's payload is at most payload.cap: one such row always fits. */
	buf_init(&im->b[0].arena, IMPORT_BATCH_BYTES + im->payload.cap + 1);
	buf_init(&im->b[1].arena, IMPORT_BATCH_BYTES + im->payload.cap + 1);
	im->cur = &im->b[0];
	sem_init(&im->pend_sem, 0, 0);
	if (in->mapping && !(im->mapping = strdup(in->mapping))) {
		rc = buf_error(err, ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = load_fields(im, err)))
		goto out;
	if (!jsonl && (rc = csv_reader_new(&im->lim, in->delimiter ? in->delimiter[0] : 0, on_csv,
					   im, &im->csv, err)))
		goto out;
	if (in->all_or_nothing && !(im->spool = tmpfile())) {
		rc = buf_error(err, ERR_IO, "cannot open a temporary file for the rows");
		goto out;
	}
	if ((rc = run_step(im, IMPORT_OP_BEGIN, err)))
		goto out;
	if (in->spool_dir && (rc = spool_open(im, in->spool_dir, err))) {
		/* The job is written: it fails as a cut-off upload would. */
		job_fail(im, "the upload could not be kept on the server's disk");
		run_step(im, IMPORT_OP_END, NULL);
		goto out;
	}
	*out = im;
	return 0;
out:
	import_free(im);
	return rc;
}

/* all_or_nothing, nothing rejected: the kept rows created, in batches. */
static void spool_replay(struct app_import *im)
{
	uint64_t hdr[4];
	char ref[MODEL_REF_MAX], type[MODEL_ITEM_TYPE_MAX];
	FILE *f = im->spool;
	char *p;

	im->spool = NULL; /* row_add now fills batches */
	rewind(f);
	while (!im->failed && fread(hdr, sizeof(hdr), 1, f) == 1) {
		p = hdr[1] < sizeof(ref) && hdr[3] < sizeof(type) && hdr[2] <= im->payload.cap
			? malloc(hdr[2] + 1)
			: NULL;
		if (!p || fread(ref, 1, hdr[1], f) != hdr[1] ||
		    fread(type, 1, hdr[3], f) != hdr[3] || fread(p, 1, hdr[2], f) != hdr[2]) {
			free(p);
			job_fail(im, "the temporary file of rows could not be read");
			break;
		}
		ref[hdr[1]] = '\0';
		type[hdr[3]] = '\0';
		p[hdr[2]] = '\0';
		if (row_add(im, (int64_t)hdr[0], ref, type, p))
			job_fail(im, "out of memory");
		free(p);
	}
	fclose(f);
}

int app_import_finish(struct app_import *im, struct import_rec *rec, struct buf *err)
{
	struct buf e = BUF_INIT;
	int rc;

	if (!im->failed && im->csv && csv_finish(im->csv, &e))
		job_fail(im, buf_str(&e));
	if (!im->failed && !im->csv && im->line.len) {
		jsonl_line(im, im->line.data, im->line.len);
		buf_reset(&im->line);
	}
	if (!im->failed && im->csv && !im->map)
		job_fail(im, "line 1: no header line");
	buf_release(&e);
	if (im->spool && !im->failed && !im->rec.rejected) {
		im->rec.state = IMPORT_RUNNING;
		spool_replay(im);
	}
	if (im->spool && !im->failed && im->rec.rejected)
		snprintf(im->rec.error, sizeof(im->rec.error),
			 "all_or_nothing: %lld rows rejected, nothing created",
			 (long long)im->rec.rejected);
	flush(im);
	batch_wait(im);
	if (!im->failed)
		im->rec.state = IMPORT_DONE;
	rc = run_step(im, IMPORT_OP_END, err);
	*rec = im->rec;
	import_free(im);
	return rc;
}

int app_import_run(struct app_import *im, const atomic_bool *stop, struct import_rec *rec,
		   struct buf *err)
{
	static const char stopped[] = "the server stopped during the import; upload the file "
				      "again (rows with an external_ref already created count as "
				      "duplicates)";
	char *chunk = malloc(APP_IMPORT_CHUNK);
	ssize_t k = 0;

	if (!chunk)
		job_fail(im, "out of memory");
	if (chunk && lseek(im->spool_fd, 0, SEEK_SET) < 0)
		job_fail(im, "the upload kept on the server's disk could not be read");
	while (chunk && !im->failed) {
		if (stop && atomic_load(stop)) {
			job_fail(im, stopped);
			break;
		}
		k = read(im->spool_fd, chunk, APP_IMPORT_CHUNK);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			job_fail(im, "the upload kept on the server's disk could not be read");
		if (k <= 0)
			break;
		parse(im, chunk, (size_t)k);
	}
	free(chunk);
	return app_import_finish(im, rec, err);
}

void app_import_abort(struct app_import *im)
{
	if (!im)
		return;
	job_fail(im, "the upload was cut off");
	batch_wait(im);
	batch_clear(im->cur);
	run_step(im, IMPORT_OP_END, NULL);
	import_free(im);
}

static int scoped(const struct app *app, const struct actor *actor, int64_t id,
		  struct import_rec *out, struct buf *err)
{
	struct policy_scope sc;
	int rc;

	if ((rc = role_may(actor, POL_IMPORT_READ, err)))
		return rc;
	if (id < 1)
		return buf_error(err, ERR_INVALID, "import id must be a positive number");
	rc = store_import_get(app->store, id, out);
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no import %lld", (long long)id);
	if (rc)
		return buf_error(err, rc, "%s", err_message(rc));
	sc = (struct policy_scope){.client_id = out->client_id};
	if ((rc = policy_require(actor, POL_IMPORT_READ, &sc)) == ERR_NOTFOUND)
		return buf_error(err, rc, "no import %lld", (long long)id);
	if (rc)
		return buf_error(err, rc, "role %s may not read import %lld",
				 role_name(actor->role), (long long)id);
	return 0;
}

int app_import_get(const struct app *app, const struct actor *actor, int64_t id,
		   struct import_rec *out, struct buf *err)
{
	return scoped(app, actor, id, out, err);
}

int app_import_errors(const struct app *app, const struct actor *actor, int64_t id,
		      int (*fn)(void *ctx, const struct import_error_rec *e), void *ctx,
		      struct buf *err)
{
	struct import_rec rec;
	int rc;

	if ((rc = scoped(app, actor, id, &rec, err)))
		return rc;
	rc = store_import_errors_each(app->store, id, rec.client_id, fn, ctx);
	if (rc)
		buf_error(err, rc, "%s", err_message(rc));
	return rc;
}

/* The spool files a stopped server left: their jobs are failed by recovery, their bytes go. */
static void spool_sweep(const char *dir)
{
	size_t pre = strlen(APP_IMPORT_SPOOL_PREFIX), suf = strlen(APP_IMPORT_SPOOL_SUFFIX);
	char path[4096];
	struct dirent *d;
	DIR *dh;

	if (!dir || !(dh = opendir(dir)))
		return;
	while ((d = readdir(dh))) {
		size_t len = strlen(d->d_name);

		if (len > pre + suf && !strncmp(d->d_name, APP_IMPORT_SPOOL_PREFIX, pre) &&
		    !strcmp(d->d_name + len - suf, APP_IMPORT_SPOOL_SUFFIX)) {
			snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
			unlink(path);
		}
	}
	closedir(dh);
}

int app_imports_recover(const struct app *app, int64_t *n, struct buf *err)
{
	struct cmd *c = calloc(1, sizeof(*c));
	int rc;

	*n = 0;
	if (!c)
		return buf_error(err, ERR_NOMEM, "out of memory");
	c->type = CMD_IMPORT;
	c->actor = &AUTH_LOCAL_ADMIN;
	c->u.import.op = IMPORT_OP_RECOVER;
	spool_sweep(app->data_dir);
	rc = app_call(app, c);
	if (rc)
		buf_error(err, rc, "%s",
			  c->result.message[0] ? c->result.message : err_message(rc));
	else
		*n = c->result.id;
	cmd_release(c);
	free(c);
	return rc;
}
