/* h_imports.c - bulk imports over HTTP: the upload streamed to the use case, the job, its errors.
 */
#include <stdlib.h>
#include <string.h>

#include "app/imports.h"
#include "http/http_int.h"
#include "util/clock.h"
#include "util/err.h"

/* The job as the API shows it. */
static json_t *import_json(const struct import_rec *r)
{
	char created[40], updated[40];

	clock_format_ms(r->created_at, created, sizeof(created));
	clock_format_ms(r->updated_at, updated, sizeof(updated));
	return json_pack("{s:I, s:I, s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:s*}", "id",
			 (json_int_t)r->id, "engagement_id", (json_int_t)r->engagement_id, "state",
			 import_state_name(r->state), "format", r->format, "all_or_nothing",
			 r->all_or_nothing, "rows_read", (json_int_t)r->rows_read, "created",
			 (json_int_t)r->created, "duplicate", (json_int_t)r->duplicate, "rejected",
			 (json_int_t)r->rejected, "bytes", (json_int_t)r->bytes, "created_at",
			 created, "updated_at", updated, "error", r->error[0] ? r->error : NULL);
}

/* The media type without parameters, lower-cased into out. */
static void media_type(struct req *r, char *out, size_t n)
{
	const char *ct =
	    MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t i = 0;

	for (; ct && ct[i] && ct[i] != ';' && ct[i] != ' ' && i + 1 < n; i++)
		out[i] = (char)(ct[i] >= 'A' && ct[i] <= 'Z' ? ct[i] + 32 : ct[i]);
	out[i] = '\0';
}

/*
 * POST /v1/engagements/:id/imports, once its headers are in (server.c
 * calls this instead of buffering the body): the input checked and the job
 * begun. 0 and r->import set, or the answer is set (400, 403, 404).
 */
int http__import_begin(struct req *r)
{
	const struct http_opts *o = &r->srv->opts;
	struct app_import_in in = {.engagement_id = r->param[0]};
	struct buf err = BUF_INIT;
	char mt[64];
	int rc;

	media_type(r, mt, sizeof(mt));
	in.media_type = mt;
	in.delimiter = http__query(r, "delimiter");
	in.mapping = http__query(r, "map");
	if ((rc = http__query_bool(r, "all_or_nothing", &in.all_or_nothing)))
		return rc;
	in.max_bytes = o->import_max_bytes;
	in.lim.max_rows = o->import_max_rows;
	in.lim.max_row_bytes = o->import_max_row;
	in.lim.max_fields = o->import_max_fields;
	/* The body to a file, the rows by the runner: this thread never waits for a commit. */
	in.spool_dir = r->srv->imports ? r->srv->app.data_dir : NULL;
	rc = app_import_begin(&r->srv->app, &r->actor, &in, &r->import, &err);
	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	return 0;
}

void http__import_feed(struct req *r, const char *p, size_t n)
{
	app_import_feed(r->import, p, n);
}

void http__import_abort(struct req *r)
{
	app_import_abort(r->import);
	r->import = NULL;
}

/*
 * The body is in. Spooled (the server): the job goes to the import runner
 * and this answers 202 at once, state running (or failed, if the upload
 * already failed: too large, the disk); GET /v1/imports/:id follows it.
 * Not spooled: the last row, the final counts, 202 the job done or failed.
 */
int h_imports_create(struct req *r)
{
	struct import_rec rec;
	struct buf err = BUF_INIT;
	int rc;

	if (!r->import)
		return http__fail(r, ERR_INTERNAL, "the import was not begun");
	if (app_import_spooled(r->import)) {
		app_import_runner_submit(r->srv->imports, r->import, &rec);
		r->import = NULL;
		http__reply(r, 202, import_json(&rec));
		return r->out ? 0 : ERR_NOMEM;
	}
	rc = app_import_finish(r->import, &rec, &err);
	r->import = NULL;
	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	http__reply(r, 202, import_json(&rec));
	return r->out ? 0 : ERR_NOMEM;
}

/* GET /v1/imports/:id -> 200 the job: rows read, created, duplicate, rejected, state, bytes. */
int h_imports_get(struct req *r)
{
	struct import_rec rec;
	struct buf err = BUF_INIT;
	int rc = app_import_get(&r->srv->app, &r->actor, r->param[0], &rec, &err);

	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	http__reply(r, 200, import_json(&rec));
	return r->out ? 0 : ERR_NOMEM;
}

/* One RFC 4180 field: quoted when it holds a delimiter, a quote or a line break. */
static void csv_field(struct buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		buf_puts(b, s);
		return;
	}
	buf_puts(b, "\"");
	for (; *s; s++) {
		if (*s == '"')
			buf_puts(b, "\"\"");
		else
			buf_append(b, s, 1);
	}
	buf_puts(b, "\"");
}

static int error_row(void *ctx, const struct import_error_rec *e)
{
	struct buf *b = ctx;

	buf_printf(b, "%lld,", (long long)e->line);
	csv_field(b, e->column);
	buf_puts(b, ",");
	csv_field(b, e->reason);
	return buf_puts(b, "\r\n");
}

/* GET /v1/imports/:id/errors -> 200 text/csv: line,column,reason of each rejected row. */
int h_imports_errors(struct req *r)
{
	struct buf err = BUF_INIT, csv;
	size_t len;
	int rc;

	buf_init(&csv, (size_t)64 << 20);
	buf_puts(&csv, "line,column,reason\r\n");
	rc = app_import_errors(&r->srv->app, &r->actor, r->param[0], error_row, &csv, &err);
	if (rc) {
		buf_release(&csv);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	http__reply(r, 200, NULL);
	r->raw = buf_detach(&csv, &len);
	if (!r->raw)
		return http__fail(r, ERR_NOMEM, "cannot render the errors");
	r->raw_len = len;
	r->ctype = "text/csv; charset=utf-8; header=present";
	return 0;
}
