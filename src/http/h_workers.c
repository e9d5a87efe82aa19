/* h_workers.c - workers (the provider's operators and experts): create, list, get, status. */
#include <stdlib.h>
#include <string.h>

#include "http/http_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "wire/wire.h"

#define COST_MAX_MINOR ((json_int_t)100000000) /* 1,000,000.00 an hour is not a typo we accept */

static bool upper_letters(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return true;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* clearances: client ids, stored ascending and unique. */
static int parse_clearances(struct req *r, json_t *arr, struct worker_rec *w)
{
	size_t i, n = 0;
	json_t *el;

	if (!json_is_array(arr))
		return http__fail(r, ERR_INVALID, "clearances must be an array of client ids");
	if (json_array_size(arr) > MODEL_MAX_CLEAR)
		return http__fail(r, ERR_INVALID, "clearances holds more than %d clients",
				  MODEL_MAX_CLEAR);
	json_array_foreach(arr, i, el)
	{
		if (!json_is_integer(el) || json_integer_value(el) < 1)
			return http__fail(r, ERR_INVALID, "clearances[%zu] must be a client id", i);
		w->clear[i] = json_integer_value(el);
	}
	qsort(w->clear, i, sizeof(w->clear[0]), cmp_id);
	for (size_t k = 0; k < i; k++)
		if (n == 0 || w->clear[n - 1] != w->clear[k])
			w->clear[n++] = w->clear[k];
	w->n_clear = n;
	return 0;
}

static int parse_credentials(struct req *r, json_t *arr, struct worker_rec *w)
{
	char name[48];
	size_t i;
	json_t *el;
	int rc;

	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return http__fail(r, ERR_INVALID, "credentials must be an array of strings");
	if (json_array_size(arr) > MODEL_MAX_CREDS)
		return http__fail(r, ERR_INVALID, "credentials holds more than %d entries",
				  MODEL_MAX_CREDS);
	json_array_foreach(arr, i, el)
	{
		snprintf(name, sizeof(name), "credentials[%zu]", i);
		if (!json_is_string(el))
			return http__fail(r, ERR_INVALID, "%s must be a string", name);
		if ((rc = http__str(r, name, json_string_value(el), w->creds[i],
				    sizeof(w->creds[i]), true)))
			return rc;
	}
	w->n_creds = i;
	return 0;
}

/*
 * POST /v1/workers {login, name, skills: [{code, level}], languages?: [{code, level}],
 *   credentials?: [string], country, time_zone, capacity?=1,
 *   cost_per_hour: {amount_minor, currency}, clearances: [client id], status?="available"}
 */
int h_workers_create(struct req *r)
{
	const char *login = NULL, *name = NULL, *country = NULL, *tz = NULL, *currency = NULL,
		   *status = NULL;
	json_t *in = NULL, *skills = NULL, *langs = NULL, *creds = NULL, *clear = NULL;
	json_int_t capacity = 1, amount = 0;
	struct worker_rec *w;
	struct cmd *c = NULL;
	int rc;

	if ((rc = http__body(r, false, &in)) ||
	    (rc = http__unpack(r, in,
			       "{s:s, s:s, s:o, s?o, s?o, s:s, s:s, s?I, s:{s:I, s:s}, s:o, s?s}",
			       "login", &login, "name", &name, "skills", &skills, "languages",
			       &langs, "credentials", &creds, "country", &country, "time_zone", &tz,
			       "capacity", &capacity, "cost_per_hour", "amount_minor", &amount,
			       "currency", &currency, "clearances", &clear, "status", &status)))
		goto out;
	if (!(c = http__cmd_new(r, CMD_WORKER_CREATE))) {
		rc = ERR_NOMEM;
		goto out;
	}
	w = &c->u.worker.rec;
	if ((rc = http__code(r, "login", login, c->u.worker.login, sizeof(c->u.worker.login),
			     true)) ||
	    (rc = http__str(r, "name", name, w->name, sizeof(w->name), true)) ||
	    (rc = http__levels(r, "skills", skills, w->skills, MODEL_MAX_SKILLS, &w->n_skills,
			       true)) ||
	    (rc = http__levels(r, "languages", langs, w->langs, MODEL_MAX_LANGS, &w->n_langs,
			       true)) ||
	    (rc = parse_credentials(r, creds, w)) ||
	    (rc = http__str(r, "time_zone", tz, w->time_zone, sizeof(w->time_zone), true)) ||
	    (rc = http__range(r, "capacity", capacity, 1, 1000)) ||
	    (rc = http__range(r, "cost_per_hour.amount_minor", amount, 0, COST_MAX_MINOR)) ||
	    (rc = parse_clearances(r, clear, w)))
		goto out;
	if (!upper_letters(country, 2)) {
		rc = http__fail(r, ERR_INVALID,
				"country must be an ISO 3166 alpha-2 code like \"PH\"");
		goto out;
	}
	if (!upper_letters(currency, 3)) {
		rc = http__fail(r, ERR_INVALID,
				"cost_per_hour.currency must be an ISO 4217 code like \"USD\"");
		goto out;
	}
	if (!clock_valid_tz(w->time_zone)) {
		rc = http__fail(r, ERR_INVALID, "time_zone %s is not an IANA time zone",
				w->time_zone);
		goto out;
	}
	if (status && worker_status_parse(status, &w->status)) {
		rc = http__fail(r, ERR_INVALID, "status must be available, away or offline");
		goto out;
	}
	memcpy(w->country, country, 3);
	memcpy(w->currency, currency, 4);
	w->capacity = (int)capacity;
	w->cost_minor = amount;
	if (!(rc = http__engine(r, c)))
		http__expand(r, wire_worker_read);
out:
	http__cmd_free(c);
	json_decref(in);
	return rc;
}

/* GET /v1/workers?after=&limit= */
int h_workers_list(struct req *r)
{
	struct store_page pg;
	json_t *j = NULL;
	int rc;

	if ((rc = http__page(r, &pg)))
		return rc;
	rc = wire_worker_list(r->srv->store, &pg, &j);
	return http__read(r, rc, j);
}

/* Staff, or the worker itself; anyone else is told there is no such worker. */
static bool may_see_worker(const struct req *r, int64_t worker_id)
{
	if (r->actor.role == ROLE_WORKER)
		return r->actor.worker_id && r->actor.worker_id == worker_id;
	return auth_role_allowed(&r->actor, ROLES_STAFF);
}

/* GET /v1/workers/:id */
int h_workers_get(struct req *r)
{
	json_t *j = NULL;
	int rc;

	if (!may_see_worker(r, r->param[0]))
		return http__fail(r, ERR_NOTFOUND, NULL);
	rc = wire_worker_read(r->srv->store, r->param[0], &j);
	return http__read(r, rc, j);
}

/* POST /v1/workers/:id/status {status: "available"|"away"|"offline"} */
int h_workers_status(struct req *r)
{
	const char *status = NULL;
	struct cmd *c = NULL;
	json_t *in = NULL;
	int rc;

	if (!may_see_worker(r, r->param[0]))
		return http__fail(r, ERR_NOTFOUND, NULL);
	if ((rc = http__body(r, false, &in)) ||
	    (rc = http__unpack(r, in, "{s:s}", "status", &status)))
		goto out;
	if (!(c = http__cmd_new(r, CMD_WORKER_STATUS))) {
		rc = ERR_NOMEM;
		goto out;
	}
	if (worker_status_parse(status, &c->u.wstatus.status)) {
		rc = http__fail(r, ERR_INVALID, "status must be available, away or offline");
		goto out;
	}
	c->u.wstatus.worker_id = r->param[0];
	if (!(rc = http__engine(r, c)))
		http__expand(r, wire_worker_read);
out:
	http__cmd_free(c);
	json_decref(in);
	return rc;
}
