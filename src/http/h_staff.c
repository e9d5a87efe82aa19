/* h_staff.c - workforce planning: an Erlang check, staffing plans per engagement and per skill. */
#include <math.h>
#include <stdlib.h>

#include "app/staffing.h"
#include "http/http_int.h"
#include "util/err.h"
#include "wire/staffing.h"

/* A query parameter read as a number into *dst. */
struct q_num {
	const char *name;
	double *dst;
};

/*
 * The numbers of the query string: an absent one stays APP_ABSENT, a present
 * one must parse as a finite number (400). Ranges and defaults are the use
 * case's (app/staffing.c).
 */
static int q_nums(struct req *r, const struct q_num *q, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *v = http__query(r, q[i].name);
		char *end;
		double x;

		if (!v)
			continue;
		x = strtod(v, &end);
		if (!*v || *end || !isfinite(x))
			return http__fail(r, ERR_INVALID, "%s must be a number", q[i].name);
		*q[i].dst = x;
	}
	return 0;
}

/* As q_nums() for q[n], then the service target every staffing question takes. */
static int q_nums_target(struct req *r, const struct q_num *q, size_t n, struct staff_target_in *t)
{
	const struct q_num tq[] = {
	    {"target", &t->service_level},
	    {"within", &t->within_s},
	    {"shrinkage", &t->shrinkage},
	    {"max_occupancy", &t->max_occupancy},
	};
	int rc = q_nums(r, q, n);

	return rc ? rc : q_nums(r, tq, sizeof(tq) / sizeof(tq[0]));
}

/* The answer of a use case: 200 with its JSON, or its error. */
static int answer(struct req *r, int rc, const struct buf *err, json_t *j)
{
	if (rc) {
		json_decref(j);
		return http__fail(r, rc, "%s", buf_str(err));
	}
	if (!j)
		return http__fail(r, ERR_NOMEM, NULL);
	return http__read(r, 0, j);
}

/*
 * GET /v1/staff/erlang?contacts=100&interval=1800&aht=180&target=0.8&within=20
 *   &shrinkage=0.3&max_occupancy=0.85[&model=c|a&patience=60&max_abandon=0.1]
 * Times in seconds, fractions in (0, 1). Every role except client.
 */
int h_staff_erlang(struct req *r)
{
	struct staff_erlang_in in = STAFF_ERLANG_IN_INIT;
	const struct q_num q[] = {
	    {"contacts", &in.contacts},	      {"interval", &in.interval_s}, {"aht", &in.aht_s},
	    {"max_abandon", &in.max_abandon}, {"patience", &in.patience_s},
	};
	struct staff_erlang out;
	struct buf err = BUF_INIT;
	int rc;

	in.model = http__query(r, "model");
	if ((rc = q_nums_target(r, q, sizeof(q) / sizeof(q[0]), &in.target)))
		return rc;
	rc = app_staff_erlang(&r->srv->app, &r->actor, &in, &out, &err);
	rc = answer(r, rc, &err, rc ? NULL : wire_staff_erlang(&out));
	buf_release(&err);
	return rc;
}

/*
 * Both plans: the query parameters into the typed input, then the plan of
 * ?skill= when by_skill, else of the engagement of the path.
 */
static int plan(struct req *r, bool by_skill)
{
	struct staff_plan_in in = STAFF_PLAN_IN_INIT;
	const struct q_num q[] = {
	    {"days", &in.days},
	    {"interval", &in.interval_s},
	    {"aht", &in.aht_s},
	};
	struct staff_plan ep = {0};
	struct staff_skill_plan sp = {0};
	struct buf err = BUF_INIT;
	int rc;

	if ((rc = q_nums_target(r, q, sizeof(q) / sizeof(q[0]), &in.target)))
		return rc;
	in.model = http__query(r, "model");
	in.day = http__query(r, "day");
	if (by_skill) {
		in.skill = http__query(r, "skill");
		rc = app_staff_skill_plan(&r->srv->app, &r->actor, &in, &sp, &err);
		rc = answer(r, rc, &err, rc ? NULL : wire_staff_skill_plan(&sp));
	} else {
		in.engagement_id = r->param[0];
		rc = app_staff_plan(&r->srv->app, &r->actor, &in, &ep, &err);
		rc = answer(r, rc, &err, rc ? NULL : wire_staff_plan(&ep));
	}
	staff_plan_release(&ep);
	staff_skill_plan_release(&sp);
	buf_release(&err);
	return rc;
}

/*
 * GET /v1/engagements/:id/staffing?days=7&interval=900&aht=300
 *   [&day=today|tomorrow|YYYY-MM-DD]
 *   [&model=backlog|erlang_c&target=0.8&within=20&shrinkage=0.3&max_occupancy=0.85]
 * Staff only: the plan shows cost rates.
 */
int h_engagements_staffing(struct req *r)
{
	return plan(r, false);
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
	return plan(r, true);
}
