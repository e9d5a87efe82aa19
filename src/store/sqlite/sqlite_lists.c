/* sqlite_lists.c - the database's JSON texts: the list columns and an item event's detail. */
#include <stdio.h>
#include <string.h>

/*
 * The SQLite backend keeps these lists, and an item event's detail, as JSON
 * texts (clearances come from SQLite's own json_group_array). Reading and
 * writing them is jansson's job, here and nowhere else in src/store/:
 * store.h and everything above it speak records, and the wire JSON is
 * src/wire/'s.
 */
#include <jansson.h>

#include "store/sqlite/sqlite_int.h"
#include "util/err.h"
#include "util/utf8.h"

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

/*
 * Walks the array in column col: each element goes to take(v, i, ctx), i its
 * index; past max, with ctx NULL (checked, then dropped). take returns false
 * for an element of another shape: ERR_IO.
 * OUT: *n, the elements kept. NULL is an empty list.
 */
static int walk_array(sqlite3_stmt *st, int col, size_t max, size_t *n,
		      bool (*take)(json_t *v, size_t i, void *ctx), void *ctx)
{
	json_t *a, *v;
	size_t i;
	int rc = col_array(st, col, &a);

	*n = 0;
	if (rc || !a)
		return rc;
	json_array_foreach(a, i, v)
	{
		/* Past max still checked: a list of another shape is bad at any length. */
		if (!take(v, *n, *n < max ? ctx : NULL)) {
			json_decref(a);
			return sq__error(ERR_IO, "stored JSON in column %d: a list of another shape",
					 col);
		}
		if (*n < max)
			(*n)++;
	}
	json_decref(a);
	return 0;
}

/* ctx NULL: check only (an element past max). */
static bool take_skill(json_t *v, size_t i, void *ctx)
{
	struct skill_level *sk = ctx;
	const char *code;
	json_int_t level;

	if (json_unpack(v, "{s:s, s:I}", "code", &code, "level", &level))
		return false;
	if (sk) {
		snprintf(sk[i].code, sizeof(sk[i].code), "%s", code);
		sk[i].level = (int)level;
	}
	return true;
}

static bool take_cred(json_t *v, size_t i, void *ctx)
{
	char (*creds)[MODEL_CODE_MAX] = ctx;

	if (!json_is_string(v))
		return false;
	if (creds)
		snprintf(creds[i], MODEL_CODE_MAX, "%s", json_string_value(v));
	return true;
}

/* One clearance [client_id, expires_at, nda_ref, [unmasked...]] into the worker record ctx. */
static bool take_client(json_t *v, size_t i, void *ctx)
{
	struct worker_rec *w = ctx;
	json_int_t id, until;
	const char *nda;
	json_t *um, *f;
	size_t k;

	if (json_unpack(v, "[I, I, s, o]", &id, &until, &nda, &um) || !json_is_array(um))
		return false;
	if (!w)
		return true;
	w->clear[i] = id;
	w->clear_until[i] = until;
	if ((!*nda && !json_array_size(um)) || w->n_terms >= MODEL_MAX_TERMS)
		return true;
	struct clear_terms *t = &w->terms[w->n_terms++];

	memset(t, 0, sizeof(*t));
	t->client_id = id;
	snprintf(t->nda_ref, sizeof(t->nda_ref), "%s", nda);
	json_array_foreach(um, k, f)
	{
		if (json_is_string(f) && t->n_unmasked < MODEL_MAX_UNMASKED)
			snprintf(t->unmasked[t->n_unmasked++], MODEL_CODE_MAX, "%s",
				 json_string_value(f));
	}
	return true;
}

static bool take_sensitive(json_t *v, size_t i, void *ctx)
{
	struct sensitive_field *sf = ctx;
	const char *field, *mask;
	enum mask_kind m;

	if (json_unpack(v, "{s:s, s:s}", "field", &field, "mask", &mask) || mask_parse(mask, &m))
		return false;
	if (sf) {
		snprintf(sf[i].field, sizeof(sf[i].field), "%s", field);
		sf[i].mask = m;
	}
	return true;
}

static bool take_id(json_t *v, size_t i, void *ctx)
{
	int64_t *ids = ctx;

	if (!json_is_integer(v))
		return false;
	if (ids)
		ids[i] = json_integer_value(v);
	return true;
}

char *sq__ids_text(const int64_t *ids, size_t n)
{
	json_t *a = json_array();
	bool ok = a != NULL;

	for (size_t i = 0; ok && i < n; i++)
		ok = !json_array_append_new(a, json_integer(ids[i]));
	return dump(a, ok);
}

int sq__ids_parse(sqlite3_stmt *st, int col, int64_t *ids, size_t max, size_t *n)
{
	return walk_array(st, col, max, n, take_id, ids);
}

char *sq__sensitive_text(const struct sensitive_field *f, size_t n)
{
	json_t *a = json_array();
	bool ok = a != NULL;

	for (size_t i = 0; ok && i < n; i++)
		ok = !json_array_append_new(a, json_pack("{s:s%, s:s}", "field", f[i].field,
							 strnlen(f[i].field, MODEL_CODE_MAX),
							 "mask", mask_name(f[i].mask)));
	return dump(a, ok);
}

int sq__sensitive_parse(sqlite3_stmt *st, int col, struct sensitive_field *f, size_t max,
			size_t *n)
{
	return walk_array(st, col, max, n, take_sensitive, f);
}

int sq__skills_parse(sqlite3_stmt *st, int col, struct skill_level *sk, size_t max, size_t *n)
{
	return walk_array(st, col, max, n, take_skill, sk);
}

int sq__creds_parse(sqlite3_stmt *st, int col, char (*creds)[MODEL_CODE_MAX], size_t max,
		    size_t *n)
{
	return walk_array(st, col, max, n, take_cred, creds);
}

int sq__clear_parse(sqlite3_stmt *st, int col, struct worker_rec *w)
{
	w->n_terms = 0;
	return walk_array(st, col, MODEL_MAX_CLEAR, &w->n_clear, take_client, w);
}

/* ================================================================
 * An item event's detail
 * ================================================================ */

int sq__reason_detail(const char *reason, char **out)
{
	json_t *o, *r;

	*out = NULL;
	if (!reason || !*reason)
		return 0;
	/* Checked first, so that a failure of json_string() below can only be memory. */
	if (!utf8_valid(reason, strlen(reason)))
		return sq__error(ERR_INVALID, "event detail: the reason is not UTF-8");
	r = json_string(reason);
	if (!r)
		return sq__error(ERR_NOMEM, "event detail: out of memory");
	o = json_object();
	if (o && !json_object_set_new(o, "reason", r)) /* steals r, also on failure */
		*out = json_dumps(o, JSON_COMPACT);
	else if (!o)
		json_decref(r);
	json_decref(o);
	return *out ? 0 : sq__error(ERR_NOMEM, "event detail: out of memory");
}
