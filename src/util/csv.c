/* csv.c - the streamed CSV reader: libcsv does the quoting; this adds limits, lines and a BOM. */
#include "util/csv.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/utf8.h"

struct csv_reader {
	struct csv_parser p;
	struct csv_limits lim;
	char delim; /* 0 while detecting */
	csv_record_fn fn;
	void *ctx;
	/* The first bytes, until we know whether they are a BOM. */
	unsigned char bom[3];
	size_t nbom;
	bool bom_done;
	struct buf head; /* detecting: the first line so far */
	/* The record being read: its fields' bytes (each NUL-ended) and their places. */
	struct buf data;
	size_t *off;
	struct csv_field *f;
	size_t nf, cap_f;
	bool too_many;
	size_t bad_col;	  /* first field that is not UTF-8, 1-based; 0 = none */
	bool in_record;	  /* a record has begun and not ended */
	int64_t rec_line; /* where it began */
	int64_t line;	  /* the physical line being parsed */
	size_t row_bytes; /* bytes of the record so far */
	int64_t nrec;
	uint64_t bytes;
	int cb_rc; /* the first error from a callback */
	struct buf msg;
	bool failed;
};

static int never_space(unsigned char c)
{
	(void)c;
	return 0; /* RFC 4180: spaces belong to the field */
}

static void on_field(void *field, size_t len, void *ctx)
{
	struct csv_reader *r = ctx;
	size_t *noff;
	struct csv_field *nf;
	size_t ncap;

	if (r->cb_rc)
		return;
	if (r->nf >= r->lim.max_fields) {
		r->too_many = true;
		r->nf++;
		return;
	}
	if (!r->bad_col && field && !utf8_valid(field, len))
		r->bad_col = r->nf + 1;
	if (r->nf == r->cap_f) {
		ncap = r->cap_f ? r->cap_f * 2 : 16;
		if (ncap > r->lim.max_fields)
			ncap = r->lim.max_fields;
		noff = realloc(r->off, ncap * sizeof(*noff));
		if (noff)
			r->off = noff;
		nf = noff ? realloc(r->f, ncap * sizeof(*nf)) : NULL;
		if (!noff || !nf) {
			r->cb_rc = ERR_NOMEM;
			return;
		}
		r->f = nf;
		r->cap_f = ncap;
	}
	r->off[r->nf] = r->data.len;
	r->f[r->nf].len = len;
	if ((len && buf_append(&r->data, field, len)) || buf_append(&r->data, "", 1)) {
		r->cb_rc = ERR_NOMEM;
		return;
	}
	r->nf++;
}

static void on_record(int c, void *ctx)
{
	struct csv_reader *r = ctx;
	struct csv_record rec;
	char reason[128];

	(void)c;
	if (r->cb_rc)
		return;
	if (++r->nrec > r->lim.max_rows) {
		buf_printf(&r->msg, "line %lld: more than %lld records", (long long)r->rec_line,
			   (long long)r->lim.max_rows);
		r->cb_rc = ERR_TOOBIG;
		return;
	}
	memset(&rec, 0, sizeof(rec));
	rec.line = r->rec_line;
	rec.index = r->nrec - 1;
	rec.n = r->too_many ? r->lim.max_fields : r->nf;
	for (size_t i = 0; i < rec.n; i++)
		r->f[i].p = r->data.data + r->off[i];
	rec.f = r->f;
	reason[0] = '\0';
	if (r->too_many) {
		rec.bad = true;
		snprintf(reason, sizeof(reason), "more than %zu fields", r->lim.max_fields);
	} else if (r->bad_col) {
		rec.bad = true;
		rec.bad_column = r->bad_col;
		snprintf(reason, sizeof(reason), "not well-formed UTF-8");
	}
	rec.reason = reason;
	r->cb_rc = r->fn(r->ctx, &rec);
	buf_reset(&r->data);
	r->nf = 0;
	r->too_many = false;
	r->bad_col = 0;
	r->in_record = false;
	r->row_bytes = 0;
}

int csv_reader_new(const struct csv_limits *lim, char delim, csv_record_fn fn, void *ctx,
		   struct csv_reader **out, struct buf *err)
{
	struct csv_reader *r;

	*out = NULL;
	if (delim && delim != ',' && delim != ';')
		return buf_error(err, ERR_INVALID, "delimiter: ',' or ';'");
	r = calloc(1, sizeof(*r));
	if (!r)
		return buf_error(err, ERR_NOMEM, "out of memory");
	if (lim)
		r->lim = *lim;
	if (!r->lim.max_row_bytes)
		r->lim.max_row_bytes = CSV_MAX_ROW_DEFAULT;
	if (!r->lim.max_fields)
		r->lim.max_fields = CSV_MAX_FIELDS_DEFAULT;
	if (!r->lim.max_rows)
		r->lim.max_rows = CSV_MAX_ROWS_DEFAULT;
	if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
		free(r);
		return buf_error(err, ERR_NOMEM, "out of memory");
	}
	csv_set_space_func(&r->p, never_space);
	r->delim = delim;
	if (delim)
		csv_set_delim(&r->p, (unsigned char)delim);
	r->fn = fn;
	r->ctx = ctx;
	r->line = 1;
	buf_init(&r->head, r->lim.max_row_bytes);
	/* Field bytes plus one NUL each: the row cap bounds it. */
	buf_init(&r->data, r->lim.max_row_bytes + r->lim.max_fields + 16);
	buf_init(&r->msg, 512);
	*out = r;
	return 0;
}

void csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	csv_free(&r->p);
	buf_release(&r->head);
	buf_release(&r->data);
	buf_release(&r->msg);
	free(r->off);
	free(r->f);
	free(r);
}

char csv_delimiter(const struct csv_reader *r)
{
	return r->delim;
}

uint64_t csv_bytes(const struct csv_reader *r)
{
	return r->bytes;
}

static int fail(struct csv_reader *r, int rc, struct buf *err)
{
	r->failed = true;
	if (err)
		buf_puts(err, buf_str(&r->msg));
	return rc;
}

/* One piece holding at most one newline, at its end. */
static int parse_segment(struct csv_reader *r, const char *p, size_t n, struct buf *err)
{
	bool blank = (n == 1 && p[0] == '\n') || (n == 2 && p[0] == '\r' && p[1] == '\n');
	size_t done;

	if (memchr(p, '\0', n)) {
		buf_printf(&r->msg, "line %lld: a NUL byte", (long long)r->line);
		return fail(r, ERR_INVALID, err);
	}
	if (!r->in_record && !blank) {
		r->in_record = true;
		r->rec_line = r->line;
	}
	if (r->in_record) {
		r->row_bytes += n;
		if (r->row_bytes > r->lim.max_row_bytes) {
			buf_printf(&r->msg, "line %lld: a record longer than %zu bytes",
				   (long long)r->rec_line, r->lim.max_row_bytes);
			return fail(r, ERR_TOOBIG, err);
		}
	}
	done = csv_parse(&r->p, p, n, on_field, on_record, r);
	if (r->cb_rc) {
		if (!r->msg.len)
			buf_printf(&r->msg, "line %lld: %s", (long long)r->rec_line,
				   r->cb_rc == ERR_NOMEM ? "out of memory" : "stopped");
		return fail(r, r->cb_rc, err);
	}
	if (done != n) {
		buf_printf(&r->msg,
			   "line %lld: a quote inside an unquoted field, or text after a closing "
			   "quote",
			   (long long)r->line);
		return fail(r, ERR_INVALID, err);
	}
	if (n && p[n - 1] == '\n')
		r->line++;
	return 0;
}

static int parse_lines(struct csv_reader *r, const char *p, size_t n, struct buf *err)
{
	const char *nl;
	size_t k;
	int rc;

	while (n) {
		nl = memchr(p, '\n', n);
		k = nl ? (size_t)(nl - p) + 1 : n;
		if ((rc = parse_segment(r, p, k, err)))
			return rc;
		p += k;
		n -= k;
	}
	return 0;
}

/* The more frequent of ',' and ';' outside quotes in the first line. */
static char detect(const char *p, size_t n)
{
	size_t commas = 0, semis = 0;
	bool q = false;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			q = !q;
		else if (!q && p[i] == ',')
			commas++;
		else if (!q && p[i] == ';')
			semis++;
	}
	return semis > commas ? ';' : ',';
}

static int set_delim(struct csv_reader *r, struct buf *err)
{
	int rc;

	r->delim = detect(r->head.data ? r->head.data : "", r->head.len);
	csv_set_delim(&r->p, (unsigned char)r->delim);
	rc = parse_lines(r, r->head.data ? r->head.data : "", r->head.len, err);
	buf_release(&r->head);
	return rc;
}

/* After the BOM: while detecting, the first line is held until its newline. */
static int feed_text(struct csv_reader *r, const char *p, size_t n, struct buf *err)
{
	const char *nl;
	size_t k;
	int rc;

	if (r->delim)
		return parse_lines(r, p, n, err);
	nl = memchr(p, '\n', n);
	k = nl ? (size_t)(nl - p) + 1 : n;
	if (buf_append(&r->head, p, k)) {
		buf_printf(&r->msg, "line 1: a record longer than %zu bytes", r->lim.max_row_bytes);
		return fail(r, ERR_TOOBIG, err);
	}
	if (!nl)
		return 0;
	if ((rc = set_delim(r, err)))
		return rc;
	return parse_lines(r, p + k, n - k, err);
}

int csv_feed(struct csv_reader *r, const char *p, size_t n, struct buf *err)
{
	static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
	int rc;

	if (r->failed)
		return buf_error(err, ERR_INVALID, "%s", buf_str(&r->msg));
	r->bytes += n;
	if (!r->bom_done) {
		while (n && r->nbom < 3) {
			r->bom[r->nbom++] = (unsigned char)*p++;
			n--;
		}
		if (r->nbom < 3)
			return 0;
		r->bom_done = true;
		if (memcmp(r->bom, bom, 3) &&
		    (rc = feed_text(r, (const char *)r->bom, r->nbom, err)))
			return rc;
	}
	return n ? feed_text(r, p, n, err) : 0;
}

int csv_finish(struct csv_reader *r, struct buf *err)
{
	int rc;

	if (r->failed)
		return buf_error(err, ERR_INVALID, "%s", buf_str(&r->msg));
	if (!r->bom_done) {
		r->bom_done = true;
		if (r->nbom && (rc = feed_text(r, (const char *)r->bom, r->nbom, err)))
			return rc;
	}
	if (!r->delim && (rc = set_delim(r, err)))
		return rc;
	if (csv_fini(&r->p, on_field, on_record, r)) {
		buf_printf(&r->msg,
			   "line %lld: a quoted field is not closed at the end of the input",
			   (long long)r->rec_line);
		return fail(r, ERR_INVALID, err);
	}
	if (r->cb_rc) {
		if (!r->msg.len)
			buf_printf(&r->msg, "line %lld: stopped", (long long)r->rec_line);
		return fail(r, r->cb_rc, err);
	}
	return 0;
}
