/* h_time.c - time entries, billing periods and the cost side over HTTP. */
#include <string.h>

#include "app/time.h"
#include "http/http_int.h"
#include "util/err.h"
#include "wire/time.h"
#include "wire/wire.h"

/* The entry a write answered {"id": N} with, as it is now (http__expand). */
static int entry_getter(struct store *s, int64_t id, json_t **out)
{
	struct time_entry t;
	int rc = store_time_entry_get(s, id, &t);

	*out = rc ? NULL : wire_time_entry(&t);
	return rc ? rc : *out ? 0 : ERR_NOMEM;
}

static int period_getter(struct store *s, int64_t id, json_t **out)
{
	struct billing_period p;
	int rc = store_period_get(s, id, &p);

	*out = rc ? NULL : wire_period(&p);
	return rc ? rc : *out ? 0 : ERR_NOMEM;
}

/* A prepared write (rc: the use case's answer) run through the engine, answered with the record. */
static int run(struct req *r, int rc, struct buf *err, struct cmd *c, http_getter get)
{
	if (rc)
		return http__app_fail(r, rc, err);
	if ((rc = http__idem(r, c)) || (rc = http__engine(r, c)))
		return rc;
	http__expand(r, get);
	return 0;
}

/* -1 when the body has no such field, else its truth. */
static int opt_bool(json_t *body, const char *name)
{
	json_t *v = json_object_get(body, name);

	return v ? json_is_true(v) : -1;
}

/* The body of a log or a start into in (jansson's strict unpack names a wrong field). */
static int log_body(struct req *r, json_t *body, bool timer, struct time_log_in *in)
{
	json_t *jw = NULL, *jm = NULL, *jd = NULL;
	int billable = 0, rc;

	if (timer)
		rc = http__unpack(r, body, "{s?o, s?o, s?s, s?s}", "worker_id", &jw, "milestone_id",
				  &jm, "started_at", &in->started_at, "note", &in->note);
	else
		rc = http__unpack(r, body, "{s?o, s?o, s?s, s?s, s?o, s?s, s?b}", "worker_id", &jw,
				  "milestone_id", &jm, "started_at", &in->started_at, "ended_at",
				  &in->ended_at, "duration_ms", &jd, "note", &in->note, "billable",
				  &billable);
	if (!rc)
		rc = http__num(r, "worker_id", jw, &in->worker_id);
	if (!rc)
		rc = http__num(r, "milestone_id", jm, &in->milestone_id);
	if (!rc)
		rc = http__num(r, "duration_ms", jd, &in->duration_ms);
	in->billable = opt_bool(body, "billable");
	return rc;
}

/*
 * POST /v1/engagements/:id/time {started_at, ended_at | duration_ms, note?, milestone_id?,
 * billable?, worker_id? (staff)}  [Idempotency-Key] -> 201 the manual entry (time.log)
 */
int h_time_log(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_TIME_LOG);
	struct time_log_in in = {.engagement_id = r->param[0], .worker_id = APP_ABSENT,
				 .milestone_id = APP_ABSENT, .duration_ms = APP_ABSENT};
	struct buf err = BUF_INIT;
	json_t *body = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if (!(rc = http__body(r, false, &body)) && !(rc = log_body(r, body, false, &in)))
		rc = run(r, app_time_log(&r->srv->app, &r->actor, &in, c, &err), &err, c,
			 entry_getter);
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/* POST /v1/engagements/:id/time/start {note?, milestone_id?, started_at?, worker_id?} -> 201 */
int h_time_start(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_TIME_START);
	struct time_log_in in = {.engagement_id = r->param[0], .worker_id = APP_ABSENT,
				 .milestone_id = APP_ABSENT, .duration_ms = APP_ABSENT};
	struct buf err = BUF_INIT;
	json_t *body = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if (!(rc = http__body(r, true, &body)) && !(rc = log_body(r, body, true, &in)))
		rc = run(r, app_time_start(&r->srv->app, &r->actor, &in, c, &err), &err, c,
			 entry_getter);
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/* POST /v1/time/stop {worker_id? (staff)} -> 200 the stopped entry */
int h_time_stop(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_TIME_STOP);
	struct buf err = BUF_INIT;
	json_t *body = NULL, *jw = NULL;
	double wid = APP_ABSENT;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if (!(rc = http__body(r, true, &body)) &&
	    !(rc = http__unpack(r, body, "{s?o}", "worker_id", &jw)) &&
	    !(rc = http__num(r, "worker_id", jw, &wid)))
		rc = run(r,
			 app_time_stop(&r->srv->app, &r->actor,
				       isnan(wid) || wid < 1 || wid > 1e15 ? 0 : (int64_t)wid, c,
				       &err),
			 &err, c, entry_getter);
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/*
 * PATCH /v1/time/:id {reason, started_at?, ended_at? | duration_ms?, billable?, note?}
 * -> 201 the correcting entry (corrected_from: the original, which stays) (time.correct)
 */
int h_time_correct(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_TIME_CORRECT);
	struct time_correct_in in = {.entry_id = r->param[0], .duration_ms = APP_ABSENT};
	struct buf err = BUF_INIT;
	json_t *body = NULL, *jd = NULL;
	int billable = 0, rc;

	if (!c)
		return ERR_NOMEM;
	if (!(rc = http__body(r, false, &body)) &&
	    !(rc = http__unpack(r, body, "{s?s, s?s, s?s, s?o, s?b, s?s}", "reason", &in.reason,
				"started_at", &in.started_at, "ended_at", &in.ended_at,
				"duration_ms", &jd, "billable", &billable, "note", &in.note)) &&
	    !(rc = http__num(r, "duration_ms", jd, &in.duration_ms))) {
		in.billable = opt_bool(body, "billable");
		rc = run(r, app_time_correct(&r->srv->app, &r->actor, &in, c, &err), &err, c,
			 entry_getter);
	}
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/*
 * GET /v1/engagements/:id/time?from=&to=|period_id=&worker_id=&all=&after=&limit=
 * -> {"data": [entries by id], "next_after"} (time.read)
 */
int h_time_list(struct req *r)
{
	struct time_list_in in = {.engagement_id = r->param[0]};
	struct buf err = BUF_INIT;
	json_t *data = json_array();
	int64_t next = 0;
	int rc;

	if (!data)
		return http__fail(r, ERR_NOMEM, NULL);
	http__page_in(r, false, &in.page);
	in.from = http__query(r, "from");
	in.to = http__query(r, "to");
	in.period_id = http__query(r, "period_id");
	in.worker_id = http__query(r, "worker_id");
	in.all = http__query(r, "all");
	rc = app_time_list(&r->srv->app, &r->actor, &in, wire_time_entry_add, data, &next, &err);
	if (rc) {
		json_decref(data);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	return http__read(r, 0, wire_page(data, next));
}

/* GET /v1/time/:id -> the entry (time.read) */
int h_time_get(struct req *r)
{
	struct buf err = BUF_INIT;
	struct time_entry t;
	int rc = app_time_get(&r->srv->app, &r->actor, r->param[0], &t, &err);

	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	return http__read(r, 0, wire_time_entry(&t));
}

/* POST /v1/engagements/:id/periods {kind: week|month, start: YYYY-MM-DD} -> 201 (period.manage) */
int h_periods_create(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_PERIOD_CREATE);
	struct buf err = BUF_INIT;
	const char *kind = NULL, *start = NULL;
	json_t *body = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if (!(rc = http__body(r, false, &body)) &&
	    !(rc = http__unpack(r, body, "{s:s, s:s}", "kind", &kind, "start", &start)))
		rc = run(r,
			 app_period_create(&r->srv->app, &r->actor, r->param[0], kind, start, c,
					   &err),
			 &err, c, period_getter);
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

static int advance(struct req *r, enum period_state to)
{
	struct cmd *c = http__cmd_new(r, CMD_PERIOD_ADVANCE);
	struct buf err = BUF_INIT;
	json_t *body = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if (!(rc = http__body(r, true, &body)) && !(rc = http__unpack(r, body, "{}")))
		rc = run(r, app_period_advance(&r->srv->app, &r->actor, r->param[0], to, c, &err),
			 &err, c, period_getter);
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/* POST /v1/periods/:id/approve -> 200 the period (period.manage) */
int h_periods_approve(struct req *r)
{
	return advance(r, PERIOD_APPROVED);
}

/* POST /v1/periods/:id/lock -> 200 the period; its entries never change again (period.manage) */
int h_periods_lock(struct req *r)
{
	return advance(r, PERIOD_LOCKED);
}

/* GET /v1/engagements/:id/periods?after=&limit= -> {"data": [periods by id], "next_after"} */
int h_periods_list(struct req *r)
{
	struct app_page_in in;
	struct buf err = BUF_INIT;
	json_t *data = json_array();
	int64_t next = 0;
	int rc;

	if (!data)
		return http__fail(r, ERR_NOMEM, NULL);
	http__page_in(r, false, &in);
	rc = app_period_list(&r->srv->app, &r->actor, r->param[0], &in, wire_period_add, data,
			     &next, &err);
	if (rc) {
		json_decref(data);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	return http__read(r, 0, wire_page(data, next));
}

/* GET /v1/periods/:id -> the period (period.read) */
int h_periods_get(struct req *r)
{
	struct buf err = BUF_INIT;
	struct billing_period p;
	int rc = app_period_get(&r->srv->app, &r->actor, r->param[0], &p, &err);

	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	return http__read(r, 0, wire_period(&p));
}

/*
 * GET /v1/engagements/:id/cost?period_id= | from=&to= -> {hours_ms, workers: [{worker_id,
 * hours_ms, cost_per_hour_minor, currency, cost_minor}], totals: [{currency, cost_minor}]}
 * The cost side of the margin (time.cost: staff only).
 */
int h_time_cost(struct req *r)
{
	struct buf err = BUF_INIT;
	struct time_cost c;
	json_t *j = NULL;
	int rc = app_time_cost(&r->srv->app, &r->actor, r->param[0], http__query(r, "period_id"),
			       http__query(r, "from"), http__query(r, "to"), &c, &err);

	if (!rc && !(j = wire_time_cost(&c)))
		rc = buf_error(&err, ERR_NOMEM, "%s", err_message(ERR_NOMEM));
	time_cost_release(&c);
	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	return http__read(r, 0, j);
}
