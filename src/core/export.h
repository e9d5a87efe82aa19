/* export.h - exports of an engagement's results: the columns, a value as a cell, CSV quoting. */
#ifndef ALIHDAYA_EXPORT_H
#define ALIHDAYA_EXPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/fields.h"
#include "util/buf.h"

/*
 * docs/api.md "Exports". An export's columns are, in this order:
 *   id, external_ref, state, created_at, due_at, done_at,
 * then the engagement's declared payload fields by their names (a name
 * that is one of the six above, "payload" or "result" is written
 * "payload.NAME"), then its
 * declared result fields as "result.NAME". A side without a declaration is
 * one column holding the whole document as JSON text: "payload", "result".
 */
enum export_format { EXPORT_CSV, EXPORT_JSONL, EXPORT_XLSX };
const char *export_format_name(enum export_format f);
/* 0 and *out, or ERR_INVALID. */
int export_format_parse(const char *s, enum export_format *out);

enum export_col_kind {
	EXPORT_COL_ID,
	EXPORT_COL_REF,
	EXPORT_COL_STATE,
	EXPORT_COL_CREATED,
	EXPORT_COL_DUE,
	EXPORT_COL_DONE,
	EXPORT_COL_TYPE,	  /* the item type (issue 12): "default" when none */
	EXPORT_COL_PAYLOAD,	  /* the whole payload (no declaration) */
	EXPORT_COL_RESULT,	  /* the whole result (no declaration) */
	EXPORT_COL_PAYLOAD_FIELD, /* one declared payload field: .field */
	EXPORT_COL_RESULT_FIELD,  /* one declared result field */
};

struct export_col {
	enum export_col_kind kind;
	char name[FIELDS_NAME_MAX + 10]; /* the header ("result." + a field name at most) */
	char field[FIELDS_NAME_MAX + 1]; /* the field's name, "" for the others */
};

#define EXPORT_COLS_MAX (6 + 2 * FIELDS_MAX)

struct export_cols {
	size_t n;
	struct export_col col[EXPORT_COLS_MAX];
};

/* The columns of an engagement with these declarations (NULL: not declared). OUT: *out. */
void export_columns(const struct fieldset *payload, const struct fieldset *result,
		    struct export_cols *out);

/*
 * A JSON value as a cell's text, appended to out: a string as it is, a
 * number or boolean as its JSON text, an object or array as compact JSON,
 * null (or v NULL: absent) as nothing. 0, ERR_NOMEM, ERR_TOOBIG (out's cap).
 */
int export_cell_text(const json_t *v, struct buf *out);

/*
 * True when a spreadsheet would read s as a formula (it starts with
 * = + - @, a tab or a carriage return): CSV writes it with a leading
 * apostrophe (OWASP's "CSV injection" advice).
 */
bool export_cell_guarded(const char *s);

/*
 * One CSV field (RFC 4180) appended to out: when text (the value was a
 * JSON string or a column's name) guarded as above, then quoted with inner
 * quotes doubled when it holds a comma, a quote, CR or LF, or begins or
 * ends with a space. A number is never guarded: -2 is no formula, and a
 * JSON number cannot hold one. 0, ERR_NOMEM, ERR_TOOBIG.
 */
int export_csv_field(struct buf *out, const char *s, bool text);

#endif
