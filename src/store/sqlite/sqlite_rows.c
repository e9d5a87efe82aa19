/* sqlite_rows.c - SQLite rows to domain records (their wire JSON is in store/shape.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/item.h"
#include "store/sqlite/sqlite_int.h"
#include "util/clock.h"
#include "util/err.h"

/* ================================================================
 * Column helpers
 * ================================================================ */

void sq__col_str(sqlite3_stmt *st, int i, char *dst, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

static int64_t col_i64(sqlite3_stmt *st, int i)
{
	return sqlite3_column_int64(st, i);
}

static int col_int(sqlite3_stmt *st, int i)
{
	return sqlite3_column_int(st, i);
}

static int col_json(sqlite3_stmt *st, int i, json_t **out)
{
	const char *t = (const char *)sqlite3_column_text(st, i);
	json_error_t e;

	*out = NULL;
	if (!t)
		return 0;
	*out = json_loads(t, JSON_DECODE_ANY, &e);
	if (!*out)
		return sq__error(ERR_IO, "stored JSON in column %d is invalid: %s", i, e.text);
	return 0;
}

/* ================================================================
 * JSON text <-> skill lists
 * ================================================================ */

char *sq__skills_text(const struct skill_level *sk, size_t n)
{
	json_t *a = json_array();
	char *text = NULL;

	if (!a)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s%, s:i}", "code", sk[i].code,
				      strnlen(sk[i].code, MODEL_CODE_MAX), "level", sk[i].level);

		if (!o || json_array_append_new(a, o))
			goto out;
	}
	text = json_dumps(a, JSON_COMPACT);
out:
	json_decref(a);
	return text;
}

char *sq__creds_text(const char (*creds)[MODEL_CODE_MAX], size_t n)
{
	json_t *a = json_array();
	char *text = NULL;

	if (!a)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_stringn(creds[i], strnlen(creds[i], MODEL_CODE_MAX));

		if (!v || json_array_append_new(a, v))
			goto out;
	}
	text = json_dumps(a, JSON_COMPACT);
out:
	json_decref(a);
	return text;
}

static int skills_parse(sqlite3_stmt *st, int col, struct skill_level *sk, size_t max, size_t *n)
{
	json_t *a, *v;
	size_t i;
	int rc = col_json(st, col, &a);

	*n = 0;
	if (rc || !a)
		return rc;
	json_array_foreach(a, i, v)
	{
		if (*n >= max)
			break;
		snprintf(sk[*n].code, sizeof(sk[*n].code), "%s",
			 json_string_value(json_object_get(v, "code"))
			     ? json_string_value(json_object_get(v, "code"))
			     : "");
		sk[*n].level = (int)json_integer_value(json_object_get(v, "level"));
		(*n)++;
	}
	json_decref(a);
	return 0;
}

static int creds_parse(sqlite3_stmt *st, int col, struct worker_rec *w)
{
	json_t *a, *v;
	size_t i;
	int rc = col_json(st, col, &a);

	w->n_creds = 0;
	if (rc || !a)
		return rc;
	json_array_foreach(a, i, v)
	{
		const char *t = json_string_value(v);

		if (w->n_creds >= MODEL_MAX_CREDS)
			break;
		snprintf(w->creds[w->n_creds], MODEL_CODE_MAX, "%s", t ? t : "");
		w->n_creds++;
	}
	json_decref(a);
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int clear_parse(sqlite3_stmt *st, int col, struct worker_rec *w)
{
	json_t *a, *v;
	size_t i;
	int rc = col_json(st, col, &a);

	w->n_clear = 0;
	if (rc || !a)
		return rc;
	json_array_foreach(a, i, v)
	{
		if (w->n_clear >= MODEL_MAX_CLEAR)
			break;
		w->clear[w->n_clear++] = json_integer_value(v);
	}
	json_decref(a);
	qsort(w->clear, w->n_clear, sizeof(w->clear[0]), cmp_i64);
	return 0;
}

/* ================================================================
 * Row decoders
 * ================================================================ */

int sq__row_client(sqlite3_stmt *st, struct client_rec *c)
{
	memset(c, 0, sizeof(*c));
	c->id = col_i64(st, 0);
	sq__col_str(st, 1, c->code, sizeof(c->code));
	sq__col_str(st, 2, c->name, sizeof(c->name));
	sq__col_str(st, 3, c->time_zone, sizeof(c->time_zone));
	c->created_at = col_i64(st, 4);
	return 0;
}

int sq__row_service(sqlite3_stmt *st, struct service_rec *sv)
{
	memset(sv, 0, sizeof(*sv));
	sv->id = col_i64(st, 0);
	sq__col_str(st, 1, sv->code, sizeof(sv->code));
	sq__col_str(st, 2, sv->name, sizeof(sv->name));
	if (service_kind_parse((const char *)sqlite3_column_text(st, 3), &sv->kind))
		return sq__error(ERR_IO, "service %lld: unknown kind", (long long)sv->id);
	sq__col_str(st, 4, sv->category, sizeof(sv->category));
	sv->created_at = col_i64(st, 5);
	return 0;
}

int sq__row_engagement(sqlite3_stmt *st, struct engagement_rec *e)
{
	int rc;

	memset(e, 0, sizeof(*e));
	e->id = col_i64(st, 0);
	e->client_id = col_i64(st, 1);
	e->service_id = col_i64(st, 2);
	sq__col_str(st, 3, e->name, sizeof(e->name));
	if (service_kind_parse((const char *)sqlite3_column_text(st, 4), &e->kind))
		return sq__error(ERR_IO, "engagement %lld: unknown kind", (long long)e->id);
	rc = skills_parse(st, 5, e->skills, MODEL_MAX_SKILLS, &e->n_skills);
	if (!rc)
		rc = skills_parse(st, 6, e->langs, MODEL_MAX_LANGS, &e->n_langs);
	if (rc)
		return rc;
	e->sla_ms = col_i64(st, 7);
	e->default_priority = col_int(st, 8);
	e->lease_ms = col_i64(st, 9);
	sq__col_str(st, 10, e->time_zone, sizeof(e->time_zone));
	e->created_at = col_i64(st, 11);
	return 0;
}

int sq__row_user(sqlite3_stmt *st, struct user_rec *u)
{
	memset(u, 0, sizeof(*u));
	u->id = col_i64(st, 0);
	sq__col_str(st, 1, u->name, sizeof(u->name));
	if (role_parse((const char *)sqlite3_column_text(st, 2), &u->role))
		return sq__error(ERR_IO, "user %lld: unknown role", (long long)u->id);
	u->client_id = col_i64(st, 3); /* NULL reads as 0 */
	u->created_at = col_i64(st, 4);
	return 0;
}

int sq__row_worker(sqlite3_stmt *st, struct worker_rec *w)
{
	int rc;

	memset(w, 0, sizeof(*w));
	w->id = col_i64(st, 0);
	w->user_id = col_i64(st, 1);
	sq__col_str(st, 2, w->name, sizeof(w->name));
	rc = skills_parse(st, 3, w->skills, MODEL_MAX_SKILLS, &w->n_skills);
	if (!rc)
		rc = skills_parse(st, 4, w->langs, MODEL_MAX_LANGS, &w->n_langs);
	if (!rc)
		rc = creds_parse(st, 5, w);
	if (rc)
		return rc;
	sq__col_str(st, 6, w->country, sizeof(w->country));
	sq__col_str(st, 7, w->time_zone, sizeof(w->time_zone));
	w->capacity = col_int(st, 8);
	w->cost_minor = col_i64(st, 9);
	sq__col_str(st, 10, w->currency, sizeof(w->currency));
	if (worker_status_parse((const char *)sqlite3_column_text(st, 11), &w->status))
		return sq__error(ERR_IO, "worker %lld: unknown status", (long long)w->id);
	w->created_at = col_i64(st, 12);
	return clear_parse(st, 13, w);
}

int sq__row_item(sqlite3_stmt *st, struct item_rec *it)
{
	memset(it, 0, sizeof(*it));
	it->id = col_i64(st, 0);
	it->engagement_id = col_i64(st, 1);
	it->client_id = col_i64(st, 2);
	sq__col_str(st, 3, it->external_ref, sizeof(it->external_ref));
	it->priority = col_int(st, 4);
	it->created_at = col_i64(st, 5);
	it->due_at = col_i64(st, 6);
	if (item_state_parse((const char *)sqlite3_column_text(st, 7), &it->state))
		return sq__error(ERR_IO, "item %lld: unknown state", (long long)it->id);
	it->worker_id = col_i64(st, 8);
	it->epoch = col_i64(st, 9);
	it->lease_expires = col_i64(st, 10);
	return 0;
}

