/* h_staff.c - workforce planning: an Erlang check, staffing plans per engagement and per skill. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_int.h"
#include "store/staffing.h"
#include "util/clock.h"
#include "util/err.h"

/*
 * A number in the query string. Absent: *out = dflt, or 400 when required.
 * Present: 400 unless it is a finite number in [lo, hi] (open ends when
 * lo_open / hi_open).
 */
static int q_num(struct req *r, const char *name, bool required, double dflt, double lo,
		 bool lo_open, double hi, bool hi_open, double *out)
{
	const char *v = http__query(r, name);
	char *end;
	double x;

	*out = dflt;
	if (!v) {
		if (required)
			return http__fail(r, ERR_INVALID, "query parameter %s is required", name);
		return 0;
	}
	x = strtod(v, &end);
	if (!*v || *end || !isfinite(x) || (lo_open ? x <= lo : x < lo) ||
	    (hi_open ? x >= hi : x > hi))
		return http__fail(r, ERR_INVALID, "%s must be a number %s %g and %s %g", name,
				  lo_open ? "above" : "from", lo, hi_open ? "below" : "up to", hi);
	*out = x;
	return 0;
}

/*
 * GET /v1/staff/erlang?contacts=100&interval=1800&aht=180&target=0.8&within=20
 *   &shrinkage=0.3&max_occupancy=0.85[&model=c|a&patience=60&max_abandon=0.1]
 * Times in seconds, fractions in (0, 1). Every role except client.
 */
int h_staff_erlang(struct req *r)
{
	struct erlang_load load = {.model = ERLANG_C};
	struct erlang_target t = {0};
	struct erlang_plan p;
	struct erlang_metrics rows[6];
	const char *model = http__query(r, "model");
	double patience = 0;
	long first;
	int rc, nrows = 0;
	json_t *j;

	if (model && !strcmp(model, "a"))
		load.model = ERLANG_A;
	else if (model && strcmp(model, "c"))
		return http__fail(r, ERR_INVALID, "model must be c or a");
	if ((rc = q_num(r, "contacts", true, 0, 0, false, ERLANG_MAX_TRAFFIC * 1000, false,
			&load.contacts)) ||
	    (rc = q_num(r, "interval", true, 0, 0, true, 86400 * 7, false, &load.interval_s)) ||
	    (rc = q_num(r, "aht", true, 0, 0, true, 86400, false, &load.aht_s)) ||
	    (rc = q_num(r, "target", false, 0.8, 0, true, 1, true, &t.service_level)) ||
	    (rc = q_num(r, "within", false, 20, 0, false, 86400, false, &t.sl_time_s)) ||
	    (rc = q_num(r, "shrinkage", false, 0, 0, false, 1, true, &t.shrinkage)) ||
	    (rc = q_num(r, "max_occupancy", false, 1, 0, true, 1, false, &t.max_occupancy)) ||
	    (rc = q_num(r, "max_abandon", false, 0, 0, false, 1, true, &t.max_abandon)) ||
	    (rc = q_num(r, "patience", load.model == ERLANG_A, 0, 0, true, 86400, false,
			&patience)))
		return rc;
	if (load.model == ERLANG_C && (http__query(r, "patience") || t.max_abandon > 0))
		return http__fail(r, ERR_INVALID, "patience and max_abandon apply to model=a only");
	load.patience_s = patience;
	if (erlang_required(&load, &t, &p))
		return http__fail(r, ERR_INVALID,
				  "the load is out of range (traffic up to %g Erlangs)",
				  ERLANG_MAX_TRAFFIC);
	first = p.agents > 3 ? p.agents - 3 : 1;
	for (long k = first; p.agents > 0 && k <= p.agents + 2; k++) {
		if (erlang_metrics(&load, k, t.sl_time_s, &rows[nrows]))
			return http__fail(r, ERR_INVALID, "the load is out of range");
		nrows++;
	}
	j = staffing_erlang_json(&load, &t, &p, rows, nrows);
	if (!j)
		return http__fail(r, ERR_NOMEM, NULL);
	return http__read(r, 0, j);
}

/* The query parameters every plan takes into o; 400 on a bad one. */
static int q_plan_opts(struct req *r, struct staffing_opts *o)
{
	const char *model = http__query(r, "model");
	double days, interval;
	int rc;

	if ((rc = q_num(r, "days", false, 7, 1, false, STAFFING_MAX_DAYS, false, &days)) ||
	    (rc = q_num(r, "interval", false, 900, 0, true, 3600, false, &interval)) ||
	    (rc = q_num(r, "aht", false, 0, 0, true, STAFFING_MAX_AHT_S, false, &o->aht_s)) ||
	    (rc = q_num(r, "target", false, 0.8, 0, true, 1, true, &o->service_level)) ||
	    (rc =
		 q_num(r, "within", false, 0, 0, false, STAFFING_MAX_AHT_S, false, &o->within_s)) ||
	    (rc = q_num(r, "shrinkage", false, 0, 0, false, 1, true, &o->shrinkage)) ||
	    (rc = q_num(r, "max_occupancy", false, 1, 0, true, 1, false, &o->max_occupancy)))
		return rc;
	if (days != floor(days))
		return http__fail(r, ERR_INVALID, "days must be a whole number");
	if (interval != 900 && interval != 1800 && interval != 3600)
		return http__fail(r, ERR_INVALID, "interval must be 900, 1800 or 3600 seconds");
	o->days = (int)days;
	o->interval_s = (int64_t)interval;
	if (model) {
		if (plan_model_parse(model, &o->model))
			return http__fail(r, ERR_INVALID, "model must be backlog or erlang_c");
		o->model_set = true;
	}
	return 0;
}

/*
 * GET /v1/engagements/:id/staffing?days=7&interval=900&aht=300
 *   [&model=backlog|erlang_c&target=0.8&within=20&shrinkage=0.3&max_occupancy=0.85]
 * Staff only: the plan shows cost rates.
 */
int h_engagements_staffing(struct req *r)
{
	struct staffing_opts o = STAFFING_OPTS_INIT;
	struct buf err = BUF_INIT;
	json_t *j = NULL;
	int rc;

	o.engagement_id = r->param[0];
	if ((rc = q_plan_opts(r, &o)))
		return rc;
	rc = staffing_plan(r->srv->store, &o, clock_now_ms(), &j, &err);
	if (rc)
		http__fail(r, rc, "%s", buf_str(&err));
	else
		http__read(r, 0, j);
	buf_release(&err);
	return rc;
}

/*
 * GET /v1/staff/skill-plan?skill=CODE&days=7&interval=900&aht=300
 *   [&model=...&target=...&within=...&shrinkage=...&max_occupancy=...]
 * The plans of every engagement requiring the skill, summed, beside the
 * skill's workers. A query parameter, not a path segment: the router's
 * parameters are ids. Staff only: the plan shows cost rates.
 */
int h_staff_skill_plan(struct req *r)
{
	struct staffing_opts o = STAFFING_OPTS_INIT;
	struct buf err = BUF_INIT;
	char skill[MODEL_CODE_MAX];
	json_t *j = NULL;
	int rc;

	if ((rc = http__code(r, "skill", http__query(r, "skill"), skill, sizeof(skill), true)) ||
	    (rc = q_plan_opts(r, &o)))
		return rc;
	rc = staffing_skill_plan(r->srv->store, skill, &o, clock_now_ms(), &j, &err);
	if (rc)
		http__fail(r, rc, "%s", buf_str(&err));
	else
		http__read(r, 0, j);
	buf_release(&err);
	return rc;
}
