/* export.c - the columns of an export, a JSON value as a cell's text, CSV fields with the formula
 * guard. */
#include "core/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

static const char *const format_names[] = {
    [EXPORT_CSV] = "csv",
    [EXPORT_JSONL] = "jsonl",
    [EXPORT_XLSX] = "xlsx",
};

const char *export_format_name(enum export_format f)
{
	return (unsigned)f < sizeof(format_names) / sizeof(format_names[0]) ? format_names[f] : "?";
}

int export_format_parse(const char *s, enum export_format *out)
{
	for (size_t i = 0; s && i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (!strcmp(s, format_names[i])) {
			*out = (enum export_format)i;
			return 0;
		}
	return ERR_INVALID;
}

/* The seven columns every export begins with. */
static const struct {
	enum export_col_kind kind;
	const char *name;
} base_cols[] = {
    {EXPORT_COL_ID, "id"},	 {EXPORT_COL_REF, "external_ref"},
    {EXPORT_COL_STATE, "state"}, {EXPORT_COL_CREATED, "created_at"},
    {EXPORT_COL_DUE, "due_at"},	 {EXPORT_COL_DONE, "done_at"},
    {EXPORT_COL_TYPE, "type"},
};

/* A payload field that would share its column's name with another column. */
static bool is_base_name(const char *s)
{
	for (size_t i = 0; i < sizeof(base_cols) / sizeof(base_cols[0]); i++)
		if (!strcmp(base_cols[i].name, s))
			return true;
	/* the whole-document columns of an undeclared side ("result" beside the payload's) */
	return !strcmp(s, "payload") || !strcmp(s, "result");
}

static void add_col(struct export_cols *c, enum export_col_kind kind, const char *prefix,
		    const char *name, const char *field)
{
	struct export_col *col;

	if (c->n >= EXPORT_COLS_MAX)
		return;
	col = &c->col[c->n++];
	col->kind = kind;
	snprintf(col->name, sizeof(col->name), "%s%s", prefix, name);
	snprintf(col->field, sizeof(col->field), "%s", field ? field : "");
}

void export_columns(const struct fieldset *payload, const struct fieldset *result,
		    struct export_cols *out)
{
	const char *name;

	out->n = 0;
	for (size_t i = 0; i < sizeof(base_cols) / sizeof(base_cols[0]); i++)
		add_col(out, base_cols[i].kind, "", base_cols[i].name, NULL);
	if (!payload)
		add_col(out, EXPORT_COL_PAYLOAD, "", "payload", NULL);
	for (size_t i = 0; payload && (name = fieldset_name(payload, i)); i++)
		add_col(out, EXPORT_COL_PAYLOAD_FIELD, is_base_name(name) ? "payload." : "", name,
			name);
	if (!result)
		add_col(out, EXPORT_COL_RESULT, "", "result", NULL);
	for (size_t i = 0; result && (name = fieldset_name(result, i)); i++)
		add_col(out, EXPORT_COL_RESULT_FIELD, "result.", name, name);
}

int export_cell_text(const json_t *v, struct buf *out)
{
	char *text;
	int rc;

	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v))
		return buf_append(out, json_string_value(v), json_string_length(v));
	text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
	if (!text)
		return ERR_NOMEM;
	rc = buf_puts(out, text);
	free(text);
	return rc;
}

bool export_cell_guarded(const char *s)
{
	return s[0] && strchr("=+-@\t\r", s[0]) != NULL;
}

int export_csv_field(struct buf *out, const char *s, bool text)
{
	size_t n = strlen(s);
	bool guard = text && export_cell_guarded(s);
	bool quote = strpbrk(s, ",\"\r\n") || (n && (s[0] == ' ' || s[n - 1] == ' '));
	int rc = 0;

	if (!quote)
		return guard ? buf_printf(out, "'%s", s) : buf_append(out, s, n);
	rc = buf_puts(out, guard ? "\"'" : "\"");
	for (const char *p = s; !rc && *p; p++) {
		const char *q = strchr(p, '"');
		size_t run = q ? (size_t)(q - p) : strlen(p);

		rc = buf_append(out, p, run);
		p += run;
		if (!rc && *p == '"')
			rc = buf_puts(out, "\"\"");
		else if (!*p)
			break;
	}
	return rc ? rc : buf_puts(out, "\"");
}
