/* h_exports.c - an engagement's results as CSV, JSON Lines or XLSX, streamed from the store. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/exports.h"
#include "http/http_int.h"
#include "util/err.h"
#include "util/log.h"
#include "wire/export.h"

/* Bytes rendered ahead of the socket before MHD is given them. */
#define EXPORT_CHUNK (32 * 1024)

/*
 * One export answer: the use case's cursor, the renderer, the bytes
 * rendered and not yet sent. CSV and JSON Lines are rendered a few rows at
 * a time as MHD asks for bytes; XLSX is written whole to its file first
 * (it needs one) and the file is streamed.
 */
struct http_export {
	struct app_export *ex;
	struct wire_export *we;
	struct app_export_row row;
	struct buf out;
	size_t off;
	int fd; /* XLSX: the workbook, unlinked; -1 else */
	bool header, ended;
};

static void export_free(void *cls)
{
	struct http_export *hx = cls;

	if (!hx)
		return;
	item_rec_release(&hx->row.item);
	wire_export_free(hx->we);
	app_export_free(hx->ex);
	buf_release(&hx->out);
	if (hx->fd >= 0)
		close(hx->fd);
	free(hx);
}

/* Renders rows into hx->out until it holds EXPORT_CHUNK bytes or the rows end. */
static int render(struct http_export *hx)
{
	struct buf err = BUF_INIT;
	int rc = 0;

	buf_reset(&hx->out);
	hx->off = 0;
	if (!hx->header) {
		hx->header = true;
		rc = wire_export_header(hx->we, &hx->out, &err);
	}
	while (!rc && !hx->ended && hx->out.len < EXPORT_CHUNK) {
		rc = app_export_next(hx->ex, &hx->row, &err);
		if (rc == 0)
			hx->ended = true;
		else if (rc == 1)
			rc = wire_export_row(hx->we, &hx->row, &hx->out, &err);
	}
	if (rc)
		log_warn("export: cut off: %s", buf_str(&err));
	buf_release(&err);
	return rc;
}

/* MHD's content reader: the next bytes of the answer, the end, or an error (the connection is cut).
 */
static ssize_t export_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct http_export *hx = cls;
	size_t n;

	(void)pos;
	if (hx->fd >= 0) {
		ssize_t got;

		do
			got = read(hx->fd, out, max);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		return got ? got : MHD_CONTENT_READER_END_OF_STREAM;
	}
	while (hx->off == hx->out.len) {
		if (hx->ended)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (render(hx))
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	n = hx->out.len - hx->off;
	if (n > max)
		n = max;
	memcpy(out, hx->out.data + hx->off, n);
	hx->off += n;
	return (ssize_t)n;
}

/* XLSX: every row into the workbook's file, which is then opened for streaming. */
static int write_workbook(struct http_export *hx, struct buf *err)
{
	int rc = wire_export_header(hx->we, &hx->out, err);

	while (!rc && (rc = app_export_next(hx->ex, &hx->row, err)) == 1)
		rc = wire_export_row(hx->we, &hx->row, &hx->out, err);
	return rc ? rc : wire_export_finish(hx->we, &hx->fd, err);
}

/* The first run: the query checked, the export begun (counted), its audit event filled. */
static int export_begin(struct req *r, struct cmd *audit, struct buf *err)
{
	struct app_export_in in = {.engagement_id = r->param[0]};
	struct http_export *hx;
	int rc;

	if ((rc = http__query_id(r, "limit", &in.limit)))
		return rc;
	in.format = http__query(r, "format");
	in.from = http__query(r, "from");
	in.to = http__query(r, "to");
	in.state = http__query(r, "state");
	if (!(hx = calloc(1, sizeof(*hx))))
		return http__fail(r, ERR_NOMEM, NULL);
	hx->fd = -1;
	buf_init(&hx->out, (size_t)128 << 20);
	rc = app_export_begin(&r->srv->app, &r->actor, &in, &hx->ex, audit, err);
	if (rc) {
		export_free(hx);
		return http__app_fail(r, rc, err);
	}
	r->stream_ctx = hx;
	r->stream_free = export_free;
	return 0;
}

/*
 * GET /v1/engagements/:id/export?format=csv|jsonl|xlsx&from=&to=&state=&limit=
 * -> 200 the file, streamed (docs/api.md "Exports"). The export is recorded
 * (item.export, with its row count) durably before any payload is read.
 */
int h_engagements_export(struct req *r)
{
	struct buf err = BUF_INIT;
	struct http_export *hx;
	struct cmd *audit;
	enum export_format f;
	int rc;

	if (!(audit = http__cmd_new(r, CMD_AUDIT)))
		return ERR_NOMEM;
	if (!r->stream_ctx && (rc = export_begin(r, audit, &err)))
		goto out;
	hx = r->stream_ctx;
	/* Suspends on the first run; the handler runs again once the event is durable. */
	rc = http__engine(r, audit);
	if (rc == ERR_SUSPENDED)
		goto out;
	if ((rc = app_export_open(hx->ex, rc, &err))) {
		rc = http__app_fail(r, rc, &err);
		goto out;
	}
	f = app_export_format(hx->ex);
	if ((rc = wire_export_new(f, app_export_cols(hx->ex), r->srv->app.data_dir, &hx->we,
				  &err))) {
		rc = http__app_fail(r, rc, &err);
		goto out;
	}
	if (f == EXPORT_XLSX && (rc = write_workbook(hx, &err))) {
		rc = http__app_fail(r, rc, &err);
		goto out;
	}
	http__reply(r, 200, NULL);
	r->ctype = wire_export_media_type(f);
	snprintf(r->disposition, sizeof(r->disposition),
		 "attachment; filename=\"engagement-%lld.%s\"", (long long)r->param[0],
		 export_format_name(f));
	r->stream_fn = export_read;
out:
	buf_release(&err);
	http__cmd_free(audit);
	return rc;
}
