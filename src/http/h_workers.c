/* h_workers.c - workers (the provider's operators and experts): create, edit, list, get, status. */
#include <stdlib.h>
#include <string.h>

#include "app/people.h"
#include "http/http_int.h"
#include "util/err.h"

/* The worker's arrays as given: only their JSON types are the adapter's to check. */
struct worker_arrays {
	struct app_level_in skills[MODEL_MAX_SKILLS], langs[MODEL_MAX_LANGS];
	const char *creds[MODEL_MAX_CREDS];
	int64_t clear[MODEL_MAX_CLEAR];
	struct clearance_terms_in terms[MODEL_MAX_CLEAR];
	const char *unmasked[MODEL_MAX_CLEAR][MODEL_MAX_UNMASKED];
};

/*
 * "clearances": client ids, or objects {client_id, expires_at?, nda_ref?,
 * unmasked?: [field]}, or both mixed. Types only (the use case checks the
 * values); *n counts past cap.
 */
static int clearance_list(struct req *r, json_t *arr, struct worker_arrays *a, size_t *n)
{
	json_t *el, *um = NULL;
	json_int_t id;
	size_t i, k;
	int rc;

	*n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return http__fail(r, ERR_INVALID, "clearances must be an array of client ids");
	*n = json_array_size(arr);
	json_array_foreach(arr, i, el)
	{
		struct clearance_terms_in *t;
		json_error_t e;

		if (i >= MODEL_MAX_CLEAR)
			break;
		t = &a->terms[i];
		memset(t, 0, sizeof(*t));
		if (json_is_integer(el)) {
			a->clear[i] = json_integer_value(el);
			continue;
		}
		um = NULL;
		if (!json_is_object(el) ||
		    json_unpack_ex(el, &e, JSON_STRICT, "{s:I, s?s, s?s, s?o}", "client_id", &id,
				   "expires_at", &t->expires_at, "nda_ref", &t->nda_ref, "unmasked",
				   &um))
			return http__fail(r, ERR_INVALID,
					  "clearances[%zu] must be a client id or {client_id, "
					  "expires_at?, nda_ref?, unmasked?}",
					  i);
		a->clear[i] = id;
		if ((rc = http__array(r, "unmasked", um, false, a->unmasked[i], MODEL_MAX_UNMASKED,
				      &k)))
			return rc;
		t->unmasked = a->unmasked[i];
		t->n_unmasked = k;
	}
	return 0;
}

/*
 * A JSON array of client ids (ids) or of strings into out[cap]; NULL arr is
 * none. Types only: the use case checks the values, and the count, which
 * *n gives even past cap.
 */
int http__array(struct req *r, const char *field, json_t *arr, bool ids, void *out, size_t cap,
		size_t *n)
{
	const char *what = ids ? "client id" : "string";
	size_t i;
	json_t *el;

	*n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return http__fail(r, ERR_INVALID, "%s must be an array of %ss", field, what);
	*n = json_array_size(arr);
	json_array_foreach(arr, i, el)
	{
		if (i >= cap)
			break;
		if (ids ? !json_is_integer(el) : !json_is_string(el))
			return http__fail(r, ERR_INVALID, "%s[%zu] must be a %s", field, i, what);
		if (ids)
			((int64_t *)out)[i] = json_integer_value(el);
		else
			((const char **)out)[i] = json_string_value(el);
	}
	return 0;
}

/*
 * The lists and the capacity of a worker's body into in (each NULL: not
 * given). OUT: *out, malloc'd (several KiB: off the stack of an HTTP
 * thread), holds the lists in points to; the caller frees it.
 */
static int worker_lists(struct req *r, json_t *skills, json_t *langs, json_t *creds,
			json_t *clear, json_t *capacity, struct worker_arrays **out,
			struct worker_in *in)
{
	struct worker_arrays *a = malloc(sizeof(*a));
	int rc;

	if (!(*out = a))
		return http__fail(r, ERR_NOMEM, NULL);
	if ((rc = http__levels(r, "skills", skills, a->skills, MODEL_MAX_SKILLS, &in->n_skills)) ||
	    (rc = http__levels(r, "languages", langs, a->langs, MODEL_MAX_LANGS, &in->n_langs)) ||
	    (rc = http__array(r, "credentials", creds, false, a->creds, MODEL_MAX_CREDS,
			      &in->n_creds)) ||
	    (rc = clearance_list(r, clear, a, &in->n_clear)) ||
	    (rc = http__num(r, "capacity", capacity, &in->capacity)))
		return rc;
	in->skills = a->skills;
	in->langs = a->langs;
	in->creds = a->creds;
	in->clear = a->clear;
	in->clear_terms = a->terms;
	return 0;
}

/*
 * POST /v1/workers {login, name, skills: [{code, level}], languages?: [{code, level}],
 *   credentials?: [string], country, time_zone, capacity?=1,
 *   cost_per_hour: {amount_minor, currency},
 *   clearances: [client id | {client_id, expires_at?, nda_ref?, unmasked?: [field]}],
 *   status?="available"}
 */
int h_workers_create(struct req *r)
{
	json_t *skills = NULL, *langs = NULL, *creds = NULL, *clear = NULL, *capacity = NULL;
	struct worker_in in = WORKER_IN_INIT;
	struct worker_arrays *a = NULL;
	json_int_t amount = 0;
	struct http_write w;
	int rc;

	if (http__write_begin(
		r, &w, CMD_WORKER_CREATE,
		"{s:s, s:s, s:o, s?o, s?o, s:s, s:s, s?o, s:{s:I, s:s}, s:o, s?s}", "login",
		&in.login, "name", &in.name, "skills", &skills, "languages", &langs, "credentials",
		&creds, "country", &in.country, "time_zone", &in.time_zone, "capacity", &capacity,
		"cost_per_hour", "amount_minor", &amount, "currency", &in.currency, "clearances",
		&clear, "status", &in.status))
		return w.rc;
	if (!(rc = worker_lists(r, skills, langs, creds, clear, capacity, &a, &in)))
		in.cost_minor = (double)amount;
	rc = http__write_end(&w, rc, &in);
	free(a);
	return rc;
}

/*
 * PATCH /v1/workers/:id {name?, skills?, languages?, credentials?, country?, time_zone?,
 *   capacity?, cost_per_hour?: {amount_minor?, currency?}, clearances?}
 * Its status has its own route; a suspension is /deactivate.
 */
int h_workers_update(struct req *r)
{
	json_t *skills = NULL, *langs = NULL, *creds = NULL, *clear = NULL, *capacity = NULL,
	       *amount = NULL;
	struct worker_in in = WORKER_IN_INIT;
	struct app_update_in u = {.id = r->param[0], .in = &in};
	struct worker_arrays *a = NULL;
	struct http_write w;
	int rc;

	if (http__write_begin(r, &w, CMD_WORKER_UPDATE,
			      "{s?s, s?o, s?o, s?o, s?s, s?s, s?o, s?{s?o, s?s}, s?o}", "name",
			      &in.name, "skills", &skills, "languages", &langs, "credentials",
			      &creds, "country", &in.country, "time_zone", &in.time_zone,
			      "capacity", &capacity, "cost_per_hour", "amount_minor", &amount,
			      "currency", &in.currency, "clearances", &clear))
		return w.rc;
	in.has_skills = skills;
	in.has_langs = langs;
	in.has_creds = creds;
	in.has_clear = clear;
	if (!(rc = worker_lists(r, skills, langs, creds, clear, capacity, &a, &in)))
		rc = http__num(r, "cost_per_hour.amount_minor", amount, &in.cost_minor);
	rc = http__write_end(&w, rc, &u);
	free(a);
	return rc;
}

/* GET /v1/workers?after=&limit= */
int h_workers_list(struct req *r)
{
	return http__list(r, APP_WORKER, false);
}

/* GET /v1/workers/:id (staff, or the worker itself) */
int h_workers_get(struct req *r)
{
	return http__get(r, APP_WORKER, r->param[0]);
}

/* POST /v1/workers/:id/status {status: "available"|"away"|"offline"} */
int h_workers_status(struct req *r)
{
	struct worker_status_in in = {.worker_id = r->param[0]};

	return http__write(r, CMD_WORKER_STATUS, &in, "{s:s, s?s}", "status", &in.status, "reason",
			   &in.reason);
}
