/* h_workers.c - workers (the provider's operators and experts): create, list, get, status. */
#include <stdlib.h>

#include "app/people.h"
#include "http/http_int.h"
#include "util/err.h"

/* The worker's arrays as given: only their JSON types are the adapter's to check. */
struct worker_arrays {
	struct app_level_in skills[MODEL_MAX_SKILLS], langs[MODEL_MAX_LANGS];
	const char *creds[MODEL_MAX_CREDS];
	int64_t clear[MODEL_MAX_CLEAR];
};

static int parse_clearances(struct req *r, json_t *arr, struct worker_arrays *a,
			    struct worker_in *in)
{
	size_t i;
	json_t *el;

	if (!json_is_array(arr))
		return http__fail(r, ERR_INVALID, "clearances must be an array of client ids");
	in->n_clear = json_array_size(arr); /* over the cap: the use case refuses it */
	json_array_foreach(arr, i, el)
	{
		if (i >= MODEL_MAX_CLEAR)
			break;
		if (!json_is_integer(el))
			return http__fail(r, ERR_INVALID, "clearances[%zu] must be a client id", i);
		a->clear[i] = json_integer_value(el);
	}
	in->clear = a->clear;
	return 0;
}

static int parse_credentials(struct req *r, json_t *arr, struct worker_arrays *a,
			     struct worker_in *in)
{
	size_t i;
	json_t *el;

	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return http__fail(r, ERR_INVALID, "credentials must be an array of strings");
	in->n_creds = json_array_size(arr);
	json_array_foreach(arr, i, el)
	{
		if (i >= MODEL_MAX_CREDS)
			break;
		if (!json_is_string(el))
			return http__fail(r, ERR_INVALID, "credentials[%zu] must be a string", i);
		a->creds[i] = json_string_value(el);
	}
	in->creds = a->creds;
	return 0;
}

/*
 * POST /v1/workers {login, name, skills: [{code, level}], languages?: [{code, level}],
 *   credentials?: [string], country, time_zone, capacity?=1,
 *   cost_per_hour: {amount_minor, currency}, clearances: [client id], status?="available"}
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
	/* Several KiB: off the stack of an HTTP thread. */
	if (!(a = malloc(sizeof(*a)))) {
		rc = http__fail(r, ERR_NOMEM, NULL);
	} else if (!(rc = http__levels(r, "skills", skills, a->skills, MODEL_MAX_SKILLS,
				       &in.n_skills)) &&
		   !(rc = http__levels(r, "languages", langs, a->langs, MODEL_MAX_LANGS,
				       &in.n_langs)) &&
		   !(rc = parse_credentials(r, creds, a, &in)) &&
		   !(rc = parse_clearances(r, clear, a, &in)) &&
		   !(rc = http__num(r, "capacity", capacity, &in.capacity))) {
		in.skills = a->skills;
		in.langs = a->langs;
		in.cost_minor = (double)amount;
	}
	rc = http__write_end(&w, rc, &in);
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

	return http__write(r, CMD_WORKER_STATUS, &in, "{s:s}", "status", &in.status);
}
