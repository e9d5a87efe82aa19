/* sqlite_lists.c - the list columns (skills, languages, credentials, clearances) as JSON texts. */
#include <stdio.h>
#include <string.h>

/*
 * The SQLite backend keeps these lists as JSON texts (clearances come from
 * SQLite's own json_group_array). Reading and writing them is jansson's job,
 * here and nowhere else in src/store/: store.h and everything above it speak
 * records, and the wire JSON is src/wire/'s.
 */
#include <jansson.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

/* The array in column col (NULL for SQL NULL), or ERR_IO. OUT: *out (json_decref). */
static int col_array(sqlite3_stmt *st, int col, json_t **out)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	json_error_t e;

	*out = NULL;
	if (!t)
		return 0;
	*out = json_loads(t, JSON_REJECT_DUPLICATES, &e);
	if (!*out)
		return sq__error(ERR_IO, "stored JSON in column %d is invalid: %s", col, e.text);
	if (!json_is_array(*out)) {
		json_decref(*out);
		*out = NULL;
		return sq__error(ERR_IO, "stored JSON in column %d is not a list", col);
	}
	return 0;
}

static int bad_shape(json_t *a, int col)
{
	json_decref(a);
	return sq__error(ERR_IO, "stored JSON in column %d is not a list of the expected shape", col);
}

/* Serializes a (stolen) array; NULL when out of memory. */
static char *dump(json_t *a, bool ok)
{
	char *text = ok && a ? json_dumps(a, JSON_COMPACT) : NULL;

	json_decref(a);
	return text;
}

char *sq__skills_text(const struct skill_level *sk, size_t n)
{
	json_t *a = json_array();
	bool ok = a != NULL;

	for (size_t i = 0; ok && i < n; i++)
		ok = !json_array_append_new(a, json_pack("{s:s%, s:i}", "code", sk[i].code,
							 strnlen(sk[i].code, MODEL_CODE_MAX),
							 "level", sk[i].level));
	return dump(a, ok);
}

char *sq__creds_text(const char (*creds)[MODEL_CODE_MAX], size_t n)
{
	json_t *a = json_array();
	bool ok = a != NULL;

	for (size_t i = 0; ok && i < n; i++)
		ok = !json_array_append_new(a,
					    json_stringn(creds[i], strnlen(creds[i], MODEL_CODE_MAX)));
	return dump(a, ok);
}

int sq__skills_parse(sqlite3_stmt *st, int col, struct skill_level *sk, size_t max, size_t *n)
{
	json_t *a, *v;
	size_t i;
	int rc = col_array(st, col, &a);

	*n = 0;
	if (rc || !a)
		return rc;
	json_array_foreach(a, i, v)
	{
		const char *code;
		json_int_t level;

		if (json_unpack(v, "{s:s, s:I}", "code", &code, "level", &level))
			return bad_shape(a, col);
		if (*n < max) {
			snprintf(sk[*n].code, sizeof(sk[*n].code), "%s", code);
			sk[*n].level = (int)level;
			(*n)++;
		}
	}
	json_decref(a);
	return 0;
}

int sq__creds_parse(sqlite3_stmt *st, int col, char (*creds)[MODEL_CODE_MAX], size_t max,
		    size_t *n)
{
	json_t *a, *v;
	size_t i;
	int rc = col_array(st, col, &a);

	*n = 0;
	if (rc || !a)
		return rc;
	json_array_foreach(a, i, v)
	{
		if (!json_is_string(v))
			return bad_shape(a, col);
		if (*n < max)
			snprintf(creds[(*n)++], MODEL_CODE_MAX, "%s", json_string_value(v));
	}
	json_decref(a);
	return 0;
}

int sq__clear_parse(sqlite3_stmt *st, int col, int64_t *clear, size_t max, size_t *n)
{
	json_t *a, *v;
	size_t i;
	int rc = col_array(st, col, &a);

	*n = 0;
	if (rc || !a)
		return rc;
	json_array_foreach(a, i, v)
	{
		if (!json_is_integer(v))
			return bad_shape(a, col);
		if (*n < max)
			clear[(*n)++] = json_integer_value(v);
	}
	json_decref(a);
	return 0;
}
