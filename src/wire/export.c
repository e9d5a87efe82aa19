/* export.c - an export's rows as CSV, JSON Lines (row by row) or XLSX (libxlsxwriter, on disk). */
#include "wire/export.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/item.h"
#include "util/clock.h"
#include "util/err.h"

struct wire_export {
	enum export_format format;
	const struct export_cols *cols;
	struct buf cell;
	/* XLSX */
	char path[4096];
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_row_t row;
	char *tmpdir;
	bool made; /* path is our file, still on disk */
};

const char *wire_export_media_type(enum export_format f)
{
	switch (f) {
	case EXPORT_CSV:
		return "text/csv; charset=utf-8; header=present";
	case EXPORT_JSONL:
		return "application/x-ndjson";
	default:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	}
}

int wire_export_new(enum export_format f, const struct export_cols *cols, const char *dir,
		    struct wire_export **out, struct buf *err)
{
	struct wire_export *we = calloc(1, sizeof(*we));
	lxw_workbook_options o = {.constant_memory = LXW_TRUE};
	int fd, n;

	*out = NULL;
	if (!we)
		return buf_error(err, ERR_NOMEM, "%s", err_message(ERR_NOMEM));
	we->format = f;
	we->cols = cols;
	buf_init(&we->cell, (size_t)64 << 20);
	if (f == EXPORT_XLSX) {
		dir = dir && *dir ? dir : "/tmp";
		n = snprintf(we->path, sizeof(we->path), "%s/.export-XXXXXX", dir);
		if (n < 0 || (size_t)n >= sizeof(we->path))
			goto io;
		/* mkstemp makes it 0600; libxlsxwriter truncates it in place and keeps that mode */
		if ((fd = mkstemp(we->path)) < 0)
			goto io;
		close(fd);
		we->made = true;
		if (!(we->tmpdir = strdup(dir)))
			goto nomem;
		o.tmpdir = we->tmpdir;
		we->wb = workbook_new_opt(we->path, &o);
		if (!we->wb || !(we->ws = workbook_add_worksheet(we->wb, "export")))
			goto io;
	}
	*out = we;
	return 0;
nomem:
	wire_export_free(we);
	return buf_error(err, ERR_NOMEM, "%s", err_message(ERR_NOMEM));
io:
	wire_export_free(we);
	return buf_error(err, ERR_IO, "cannot make the workbook's file in %s", dir);
}

static json_t *time_or_null(int64_t ms)
{
	char t[40];

	if (!ms)
		return json_null();
	clock_format_ms(ms, t, sizeof(t));
	return json_string(t);
}

/* A document's text parsed (NULL text: null; not JSON: its text as a string). */
static json_t *doc(const char *text)
{
	json_t *j;

	if (!text)
		return json_null();
	j = json_loads(text, JSON_DECODE_ANY, NULL);
	return j ? j : json_string(text);
}

/* The row's values, one per column, as a JSON array. NULL: out of memory. */
static json_t *row_values(const struct export_cols *cols, const struct app_export_row *row)
{
	const struct item_rec *it = &row->item;
	json_t *a = json_array(), *payload = doc(it->payload), *result = doc(it->result), *v;

	for (size_t i = 0; a && payload && result && i < cols->n; i++) {
		const struct export_col *c = &cols->col[i];

		switch (c->kind) {
		case EXPORT_COL_ID:
			v = json_integer(it->id);
			break;
		case EXPORT_COL_REF:
			v = it->external_ref[0] ? json_string(it->external_ref) : json_null();
			break;
		case EXPORT_COL_STATE:
			v = json_string(item_state_name(it->state));
			break;
		case EXPORT_COL_CREATED:
			v = time_or_null(it->created_at);
			break;
		case EXPORT_COL_DUE:
			v = time_or_null(it->due_at);
			break;
		case EXPORT_COL_DONE:
			v = time_or_null(row->done_at);
			break;
		case EXPORT_COL_TYPE:
			v = json_string(it->type[0] ? it->type : "default");
			break;
		case EXPORT_COL_PAYLOAD:
			v = json_incref(payload);
			break;
		case EXPORT_COL_RESULT:
			v = json_incref(result);
			break;
		case EXPORT_COL_PAYLOAD_FIELD:
			v = json_incref(json_object_get(payload, c->field));
			break;
		case EXPORT_COL_RESULT_FIELD:
			v = json_incref(json_object_get(result, c->field));
			break;
		default:
			v = NULL;
		}
		if (json_array_append_new(a, v ? v : json_null())) {
			json_decref(a);
			a = NULL;
		}
	}
	if (!payload || !result) {
		json_decref(a);
		a = NULL;
	}
	json_decref(payload);
	json_decref(result);
	return a;
}

static int csv_line(struct wire_export *we, json_t *vals, struct buf *out)
{
	size_t i;
	json_t *v;
	int rc = 0;

	json_array_foreach(vals, i, v)
	{
		buf_reset(&we->cell);
		if ((i && (rc = buf_puts(out, ","))) || (rc = export_cell_text(v, &we->cell)) ||
		    (rc = export_csv_field(out, buf_str(&we->cell), json_is_string(v))))
			return rc;
	}
	return buf_puts(out, "\r\n");
}

static int jsonl_line(struct wire_export *we, json_t *vals, struct buf *out)
{
	json_t *o = json_object();
	char *text;
	int rc;

	for (size_t i = 0; o && i < we->cols->n; i++)
		if (json_object_set(o, we->cols->col[i].name, json_array_get(vals, i))) {
			json_decref(o);
			o = NULL;
		}
	if (!o)
		return ERR_NOMEM;
	text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17));
	json_decref(o);
	if (!text)
		return ERR_NOMEM;
	rc = buf_puts(out, text);
	free(text);
	return rc ? rc : buf_puts(out, "\n");
}

/* One cell of the workbook: numbers and booleans as such, the rest as text. */
static int xlsx_cell(struct wire_export *we, lxw_col_t col, const json_t *v)
{
	lxw_error e;

	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v) && llabs((long long)json_integer_value(v)) < (1LL << 53)) {
		e = worksheet_write_number(we->ws, we->row, col, (double)json_integer_value(v),
					   NULL);
	} else if (json_is_real(v)) {
		e = worksheet_write_number(we->ws, we->row, col, json_real_value(v), NULL);
	} else if (json_is_boolean(v)) {
		e = worksheet_write_boolean(we->ws, we->row, col, json_is_true(v), NULL);
	} else {
		buf_reset(&we->cell);
		if (export_cell_text(v, &we->cell))
			return ERR_NOMEM;
		e = worksheet_write_string(we->ws, we->row, col, buf_str(&we->cell), NULL);
	}
	if (e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED)
		return ERR_TOOBIG;
	return e == LXW_NO_ERROR ? 0 : ERR_IO;
}

static int xlsx_line(struct wire_export *we, json_t *vals, struct buf *err)
{
	size_t i;
	json_t *v;
	int rc;

	json_array_foreach(vals, i, v)
	{
		if ((rc = xlsx_cell(we, (lxw_col_t)i, v)))
			return buf_error(err, rc,
					 rc == ERR_TOOBIG ? "a cell of item row %u is longer than "
							    "32767 characters, the most XLSX holds"
							  : "cannot write row %u of the workbook",
					 (unsigned)we->row);
	}
	we->row++;
	return 0;
}

int wire_export_header(struct wire_export *we, struct buf *out, struct buf *err)
{
	json_t *names;
	int rc = 0;

	if (we->format == EXPORT_JSONL)
		return 0;
	if (!(names = json_array()))
		return buf_error(err, ERR_NOMEM, "%s", err_message(ERR_NOMEM));
	for (size_t i = 0; !rc && i < we->cols->n; i++)
		rc = json_array_append_new(names, json_string(we->cols->col[i].name)) ? ERR_NOMEM
										      : 0;
	if (!rc)
		rc =
		    we->format == EXPORT_CSV ? csv_line(we, names, out) : xlsx_line(we, names, err);
	json_decref(names);
	if (rc && (!err || !err->len))
		buf_error(err, rc, "%s", err_message(rc));
	return rc;
}

int wire_export_row(struct wire_export *we, const struct app_export_row *row, struct buf *out,
		    struct buf *err)
{
	json_t *vals = row_values(we->cols, row);
	int rc;

	if (!vals)
		return buf_error(err, ERR_NOMEM, "%s", err_message(ERR_NOMEM));
	switch (we->format) {
	case EXPORT_CSV:
		rc = csv_line(we, vals, out);
		break;
	case EXPORT_JSONL:
		rc = jsonl_line(we, vals, out);
		break;
	default:
		rc = xlsx_line(we, vals, err);
		break;
	}
	json_decref(vals);
	if (rc && we->format != EXPORT_XLSX)
		buf_error(err, rc, "%s", err_message(rc));
	return rc;
}

int wire_export_finish(struct wire_export *we, int *fd, struct buf *err)
{
	lxw_error e;

	*fd = -1;
	if (!we->wb)
		return buf_error(err, ERR_INTERNAL, "not a workbook");
	e = workbook_close(we->wb);
	we->wb = NULL;
	if (e != LXW_NO_ERROR)
		return buf_error(err, ERR_IO, "cannot write the workbook: %s", lxw_strerror(e));
	*fd = open(we->path, O_RDONLY | O_CLOEXEC);
	unlink(we->path);
	we->made = false;
	if (*fd < 0)
		return buf_error(err, ERR_IO, "cannot open the workbook written");
	return 0;
}

void wire_export_free(struct wire_export *we)
{
	if (!we)
		return;
	if (we->wb) {
		/* A workbook abandoned half-way: closed (libxlsxwriter frees it so), file removed.
		 */
		workbook_close(we->wb);
	}
	if (we->made)
		unlink(we->path);
	buf_release(&we->cell);
	free(we->tmpdir);
	free(we);
}
