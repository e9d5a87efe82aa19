/* staffing.c - staffing plans (per engagement, per skill) from recorded arrivals; Erlang JSON. */
#include "store/staffing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/forecast.h"
#include "core/route.h"
#include "util/clock.h"
#include "util/err.h"

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *time_json(int64_t ms)
{
	char t[40];

	clock_format_ms(ms, t, sizeof(t));
	return json_string(t);
}

/* ================================================================
 * Erlang
 * ================================================================ */

static json_t *metrics_json(const struct erlang_metrics *m, bool model_a)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "agents", json_integer(m->agents));
	json_object_set_new(o, "p_wait", num(m->p_wait));
	json_object_set_new(o, "service_level", num(m->service_level));
	json_object_set_new(o, "asa_s", num(m->asa_s));
	json_object_set_new(o, "occupancy", num(m->occupancy));
	if (model_a) {
		json_object_set_new(o, "sl_of_answered", num(m->sl_of_answered));
		json_object_set_new(o, "p_abandon", num(m->p_abandon));
		json_object_set_new(o, "abandon_within_t", num(m->abandon_within_t));
	}
	return o;
}

json_t *staffing_erlang_json(const struct erlang_load *load, const struct erlang_target *t,
			     const struct erlang_plan *p, const struct erlang_metrics *rows,
			     int nrows)
{
	bool model_a = load->model == ERLANG_A;
	json_t *o = json_object(), *tg = json_object(), *tbl = json_array();

	if (!o || !tg || !tbl) {
		json_decref(o);
		json_decref(tg);
		json_decref(tbl);
		return NULL;
	}
	json_object_set_new(o, "model", json_string(model_a ? "erlang_a" : "erlang_c"));
	json_object_set_new(o, "contacts", json_real(load->contacts));
	json_object_set_new(o, "interval_s", json_real(load->interval_s));
	json_object_set_new(o, "aht_s", json_real(load->aht_s));
	json_object_set_new(o, "patience_s", model_a ? json_real(load->patience_s) : json_null());
	json_object_set_new(o, "traffic_erlangs", json_real(p->at.traffic));
	json_object_set_new(tg, "service_level", json_real(t->service_level));
	json_object_set_new(tg, "within_s", json_real(t->sl_time_s));
	json_object_set_new(tg, "max_occupancy", json_real(t->max_occupancy));
	json_object_set_new(tg, "shrinkage", json_real(t->shrinkage));
	json_object_set_new(tg, "max_abandon",
			    t->max_abandon > 0 ? json_real(t->max_abandon) : json_null());
	json_object_set_new(o, "target", tg);
	json_object_set_new(o, "agents", json_integer(p->agents));
	json_object_set_new(o, "scheduled", json_integer(p->scheduled));
	json_object_set_new(o, "limited_by", json_string(erlang_limit_name(p->limit)));
	json_object_set_new(o, "metrics", metrics_json(&p->at, model_a));
	for (int i = 0; i < nrows; i++)
		json_array_append_new(tbl, metrics_json(&rows[i], model_a));
	json_object_set_new(o, "table", tbl);
	return o;
}

/* ================================================================
 * Options
 * ================================================================ */

/* The options every plan shares (not what is planned: engagement or skill). */
static int check_common(const struct staffing_opts *o, struct buf *err)
{
	if (o->days < 1 || o->days > STAFFING_MAX_DAYS)
		return buf_error(err, ERR_INVALID, "days must be between 1 and %d",
				 STAFFING_MAX_DAYS);
	if (o->interval_s != 900 && o->interval_s != 1800 && o->interval_s != 3600)
		return buf_error(err, ERR_INVALID,
				 "interval must be 900, 1800 or 3600 seconds (15m, 30m, 1h)");
	if (!(o->aht_s >= 0 && o->aht_s <= STAFFING_MAX_AHT_S))
		return buf_error(err, ERR_INVALID, "aht must be above 0 and at most %g seconds",
				 STAFFING_MAX_AHT_S);
	if (!(o->service_level > 0 && o->service_level < 1))
		return buf_error(err, ERR_INVALID, "target must lie strictly between 0 and 1");
	if (!(o->within_s >= 0 && o->within_s <= STAFFING_MAX_AHT_S))
		return buf_error(err, ERR_INVALID, "within must be 0 to %g seconds",
				 STAFFING_MAX_AHT_S);
	if (!(o->shrinkage >= 0 && o->shrinkage < 1))
		return buf_error(err, ERR_INVALID, "shrinkage must be at least 0 and below 1");
	if (!(o->max_occupancy > 0 && o->max_occupancy <= 1))
		return buf_error(err, ERR_INVALID, "max_occupancy must be above 0 and at most 1");
	return 0;
}

int staffing_check(const struct staffing_opts *o, struct buf *err)
{
	if (o->engagement_id <= 0)
		return buf_error(err, ERR_INVALID, "engagement must be a positive id");
	return check_common(o, err);
}

bool staffing_skill_code_ok(const char *code)
{
	size_t n = strlen(code);

	return n > 0 && n < MODEL_CODE_MAX &&
	       code[strspn(code,
			   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-")] ==
		   '\0';
}

int staffing_skill_check(const char *skill, const struct staffing_opts *o, struct buf *err)
{
	if (!skill || !staffing_skill_code_ok(skill))
		return buf_error(err, ERR_INVALID,
				 "skill must be 1 to %d characters of letters, digits and _ . : -",
				 MODEL_CODE_MAX - 1);
	return check_common(o, err);
}

/* ================================================================
 * Inputs from the store
 * ================================================================ */

/* The engagements that require a skill, and the highest level any of them requires. */
struct skill_scan {
	const char *code;
	struct engagement_rec *e;
	size_t n, cap;
	int level;
};

static int skill_scan_add(void *ctx, const struct engagement_rec *e)
{
	struct skill_scan *sc = ctx;
	int level = 0;

	for (size_t k = 0; k < e->n_skills; k++) {
		if (!strcmp(e->skills[k].code, sc->code))
			level = e->skills[k].level;
	}
	if (level == 0)
		return 0;
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? 2 * sc->cap : 8;
		struct engagement_rec *ne;

		if (sc->n >= STAFFING_MAX_SKILL_ENGAGEMENTS)
			return ERR_TOOBIG;
		if (cap > STAFFING_MAX_SKILL_ENGAGEMENTS)
			cap = STAFFING_MAX_SKILL_ENGAGEMENTS;
		if (!(ne = realloc(sc->e, cap * sizeof(*ne))))
			return ERR_NOMEM;
		sc->e = ne;
		sc->cap = cap;
	}
	sc->e[sc->n++] = *e;
	if (level > sc->level)
		sc->level = level;
	return 0;
}

/* Holds the skill at the scan's level and is cleared for one of its engagements' clients. */
static bool skill_holder(const struct worker_rec *w, const struct skill_scan *sc)
{
	bool held = false;

	for (size_t k = 0; k < w->n_skills && !held; k++)
		held = !strcmp(w->skills[k].code, sc->code) && w->skills[k].level >= sc->level;
	for (size_t i = 0; held && i < sc->n; i++) {
		if (route_cleared(w, sc->e[i].client_id))
			return true;
	}
	return false;
}

/* The workers a plan counts: qualified for e, or else holders of sc's skill. */
struct pool {
	const struct engagement_rec *e;
	const struct skill_scan *sc;
	struct plan_worker *w;
	size_t n, cap;
};

static int pool_add(void *ctx, const struct worker_rec *w)
{
	struct pool *p = ctx;

	if (p->e ? !route_qualified(w, p->e) : !skill_holder(w, p->sc))
		return 0;
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 64;
		struct plan_worker *nw;

		if (cap > PLAN_MAX_WORKERS)
			return ERR_TOOBIG;
		if (!(nw = realloc(p->w, cap * sizeof(*nw))))
			return ERR_NOMEM;
		p->w = nw;
		p->cap = cap;
	}
	p->w[p->n] = (struct plan_worker){.cost_minor = w->cost_minor,
					  .available = w->status == WORKER_AVAILABLE};
	memcpy(p->w[p->n].currency, w->currency, sizeof(p->w[p->n].currency));
	p->w[p->n].currency[sizeof(p->w[p->n].currency) - 1] = '\0';
	p->n++;
	return 0;
}

/* ================================================================
 * The plan
 * ================================================================ */

struct plan_run {
	struct engagement_rec e;
	struct plan_input in;
	struct forecast_fit fit;
	int64_t start_ms, hist_from_ms;
	size_t n_hist;
	double hist_items;
	bool aht_default;
};

static const char *forecast_note(const struct plan_run *r)
{
	switch (r->fit.method) {
	case FORECAST_DSHW: return "double-seasonal Holt-Winters fitted on the held-out history";
	case FORECAST_SNAIVE_WEEK:
		return "fallback: under three weeks of history, same interval last week";
	case FORECAST_SNAIVE_DAY:
		return "fallback: under a week of history, same interval yesterday";
	case FORECAST_MEAN: break;
	}
	if (r->n_hist == 0)
		return "fallback: no arrival history yet, the forecast is zero";
	return "fallback: under a day of history, its mean";
}

static json_t *workers_json(const struct plan_result *res)
{
	json_t *wk = json_object();

	if (!wk)
		return NULL;
	json_object_set_new(wk, "qualified", json_integer(res->qualified));
	json_object_set_new(wk, "available", json_integer(res->available));
	return wk;
}

static json_t *cost_json(const struct plan_result *res)
{
	json_t *cost = json_object();

	if (!cost)
		return NULL;
	json_object_set_new(cost, "state", json_string(plan_cost_state_name(res->cost_state)));
	json_object_set_new(cost, "worker_hours", json_real((double)res->worker_seconds / 3600.0));
	if (res->cost_state == PLAN_COST_OK) {
		json_object_set_new(cost, "currency", json_string(res->currency));
		json_object_set_new(cost, "avg_cost_per_hour_minor",
				    json_integer(res->avg_cost_minor));
		json_object_set_new(cost, "plan_minor", json_integer(res->cost_minor));
		json_object_set_new(cost, "available_minor",
				    json_integer(res->available_cost_minor));
	} else {
		json_object_set_new(cost, "currency", json_null());
		json_object_set_new(cost, "avg_cost_per_hour_minor", json_null());
		json_object_set_new(cost, "plan_minor", json_null());
		json_object_set_new(cost, "available_minor", json_null());
	}
	return cost;
}

/*
 * Sets "summary" and "intervals" of root from iv[n] starting at start_ms;
 * "load" per interval only when with_load. 0 or ERR_NOMEM.
 */
static int intervals_json(json_t *root, int64_t start_ms, int64_t interval_s,
			  const struct plan_interval *iv, size_t n, const struct plan_result *res,
			  bool with_load)
{
	json_t *sum = json_object(), *arr = json_array();
	double volume = 0;

	if (!sum || !arr)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		json_t *row = json_object();

		volume += iv[i].volume;
		if (!row)
			goto nomem;
		json_object_set_new(row, "start",
				    time_json(start_ms + (int64_t)i * interval_s * 1000));
		json_object_set_new(row, "volume", json_real(iv[i].volume));
		if (with_load)
			json_object_set_new(row, "load", json_real(iv[i].load));
		json_object_set_new(row, "required", json_integer(iv[i].required));
		json_object_set_new(row, "available", json_integer(iv[i].available));
		json_object_set_new(row, "advice", json_string(plan_advice(&iv[i])));
		json_object_set_new(row, "change", json_integer(labs(iv[i].change)));
		if (json_array_append_new(arr, row))
			goto nomem;
	}
	json_object_set_new(sum, "volume", json_real(volume));
	json_object_set_new(sum, "peak_required", json_integer(res->peak_required));
	json_object_set_new(sum, "intervals_add", json_integer((json_int_t)res->n_add));
	json_object_set_new(sum, "intervals_release", json_integer((json_int_t)res->n_release));
	json_object_set_new(sum, "intervals_ok", json_integer((json_int_t)res->n_ok));
	if (json_object_set_new(root, "summary", sum)) {
		json_decref(arr);
		return ERR_NOMEM;
	}
	return json_object_set_new(root, "intervals", arr) ? ERR_NOMEM : 0;
nomem:
	json_decref(sum);
	json_decref(arr);
	return ERR_NOMEM;
}

static json_t *forecast_json(const struct plan_run *r)
{
	json_t *fc = json_object();

	if (!fc)
		return NULL;
	json_object_set_new(fc, "method", json_string(forecast_method_name(r->fit.method)));
	json_object_set_new(fc, "fallback", json_boolean(r->fit.method != FORECAST_DSHW));
	json_object_set_new(fc, "wape", num(r->fit.wape));
	json_object_set_new(fc, "holdout_intervals", json_integer((json_int_t)r->fit.holdout));
	json_object_set_new(fc, "history_from", time_json(r->hist_from_ms));
	json_object_set_new(fc, "history_intervals", json_integer((json_int_t)r->n_hist));
	json_object_set_new(fc, "history_items", json_integer((json_int_t)r->hist_items));
	json_object_set_new(fc, "note", json_string(forecast_note(r)));
	return fc;
}

static json_t *plan_json(const struct plan_run *r, const struct staffing_opts *o,
			 const struct plan_interval *iv, const struct plan_result *res)
{
	json_t *root = json_object(), *tg;

	if (!root)
		return NULL;
	json_object_set_new(root, "engagement_id", json_integer(r->e.id));
	json_object_set_new(root, "engagement", json_string(r->e.name));
	json_object_set_new(root, "kind", json_string(service_kind_name(r->e.kind)));
	json_object_set_new(root, "model", json_string(plan_model_name(r->in.model)));
	json_object_set_new(root, "start", time_json(r->start_ms));
	json_object_set_new(root, "end",
			    time_json(r->start_ms + (int64_t)r->in.n * o->interval_s * 1000));
	json_object_set_new(root, "days", json_integer(o->days));
	json_object_set_new(root, "interval_s", json_integer(o->interval_s));
	json_object_set_new(root, "aht_s", json_real(r->in.aht_s));
	json_object_set_new(root, "aht_default", json_boolean(r->aht_default));
	json_object_set_new(root, "sla_s", json_real((double)r->e.sla_ms / 1000.0));
	json_object_set_new(root, "shrinkage", json_real(o->shrinkage));
	if (r->in.model == PLAN_QUEUE) {
		tg = json_object();
		json_object_set_new(tg, "service_level", json_real(r->in.target.service_level));
		json_object_set_new(tg, "within_s", json_real(r->in.target.sl_time_s));
		json_object_set_new(tg, "max_occupancy", json_real(r->in.target.max_occupancy));
		json_object_set_new(root, "target", tg);
	} else {
		json_object_set_new(root, "target", json_null());
	}
	json_object_set_new(root, "forecast", forecast_json(r));
	json_object_set_new(root, "workers", workers_json(res));
	json_object_set_new(root, "cost", cost_json(res));
	if (intervals_json(root, r->start_ms, o->interval_s, iv, r->in.n, res, true)) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* First interval boundary at or after ms (ms >= 0). */
static int64_t ceil_to(int64_t ms, int64_t step)
{
	return (ms + step - 1) / step * step;
}

/* The interval holding now_ms: where every plan of o begins. */
static int64_t plan_start(const struct staffing_opts *o, int64_t now_ms)
{
	int64_t step = o->interval_s * 1000;

	return now_ms / step * step;
}

/*
 * The forecast and required workers of r->e (read by the caller) for o
 * from now_ms, and advice and cost with workers[n_workers] (may be none:
 * the per-skill plan counts its own workers). Shared by both plans so the
 * per-skill plan is exactly the sum of engagement plans.
 * OUT: the rest of *r (r->in.volume is NULL after the call), *iv_out
 * (r->in.n entries, free()), *res.
 */
static int plan_engagement(struct store *s, const struct staffing_opts *o, int64_t now_ms,
			   const struct plan_worker *workers, size_t n_workers, struct plan_run *r,
			   struct plan_interval **iv_out, struct plan_result *res, struct buf *err)
{
	struct plan_interval *iv = NULL;
	double *hist = NULL, *fc = NULL, none = 0;
	int64_t step = o->interval_s * 1000, earliest;
	size_t m1, m2, h;
	int rc;

	*iv_out = NULL;
	/* Complete intervals since the engagement began, at most the history window. */
	r->start_ms = plan_start(o, now_ms);
	earliest = r->start_ms - (int64_t)STAFFING_HISTORY_WEEKS * 7 * 86400 * 1000;
	r->hist_from_ms = ceil_to(r->e.created_at > 0 ? r->e.created_at : 0, step);
	if (r->hist_from_ms < earliest)
		r->hist_from_ms = earliest;
	if (r->hist_from_ms > r->start_ms)
		r->hist_from_ms = r->start_ms;
	r->n_hist = (size_t)((r->start_ms - r->hist_from_ms) / step);
	r->hist_items = 0;
	if (r->n_hist && !(hist = malloc(r->n_hist * sizeof(*hist)))) {
		rc = buf_error(err, ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = store_arrivals(s, r->e.id, r->hist_from_ms, r->start_ms, step, hist ? hist : &none,
			    r->n_hist);
	if (rc) {
		rc = buf_error(err, rc, "%s", store_errmsg(s));
		goto out;
	}
	for (size_t i = 0; i < r->n_hist; i++)
		r->hist_items += hist[i];

	/* The model and its horizon: a backlog looks one SLA past the end. */
	r->in = (struct plan_input){0};
	r->in.model = o->model_set
			  ? o->model
			  : plan_model_for((double)r->e.sla_ms / 1000.0, (double)o->interval_s);
	r->in.interval_s = o->interval_s;
	r->aht_default = o->aht_s == 0;
	r->in.aht_s = r->aht_default ? STAFFING_DEFAULT_AHT_S : o->aht_s;
	r->in.sla_s = (double)r->e.sla_ms / 1000.0;
	m1 = (size_t)(86400 / o->interval_s);
	m2 = 7 * m1;
	r->in.n = (size_t)o->days * m1;
	if (r->in.model == PLAN_BACKLOG) {
		if (r->in.sla_s < (double)o->interval_s) {
			rc = buf_error(err, ERR_INVALID,
				       "model backlog needs an SLA of at least one interval "
				       "(engagement %lld's is %gs)",
				       (long long)r->e.id, r->in.sla_s);
			goto out;
		}
		r->in.n_ahead = (size_t)ceil(r->in.sla_s / (double)o->interval_s);
		if (r->in.n_ahead > PLAN_MAX_INTERVALS - r->in.n)
			r->in.n_ahead = PLAN_MAX_INTERVALS - r->in.n;
	}
	r->in.target = (struct erlang_target){
	    .service_level = o->service_level,
	    .sl_time_s = o->within_s > 0 ? o->within_s : r->in.sla_s,
	    .max_occupancy = o->max_occupancy,
	    .shrinkage = o->shrinkage,
	};

	h = r->in.n + r->in.n_ahead;
	iv = calloc(r->in.n, sizeof(*iv));
	fc = calloc(h, sizeof(*fc));
	if (!iv || !fc) {
		rc = buf_error(err, ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = forecast_fit(hist ? hist : &none, r->n_hist, m1, m2, fc, h, &r->fit);
	if (rc) {
		rc = buf_error(err, rc, "forecast: %s", err_message(rc));
		goto out;
	}
	r->in.volume = fc;
	r->in.workers = workers;
	r->in.n_workers = n_workers;
	rc = plan_compute(&r->in, iv, res);
	if (rc) {
		rc = buf_error(err, rc, "plan: %s", err_message(rc));
		goto out;
	}
	*iv_out = iv;
	iv = NULL;
out:
	r->in.volume = NULL;
	free(hist);
	free(fc);
	free(iv);
	return rc;
}

/* A walk's error: ours (memory, caps) by its message, the store's by its own. */
static int walk_error(struct store *s, int rc, struct buf *err)
{
	return buf_error(err, rc, "%s",
			 rc == ERR_NOMEM || rc == ERR_TOOBIG ? err_message(rc) : store_errmsg(s));
}

int staffing_plan(struct store *s, const struct staffing_opts *o, int64_t now_ms, json_t **out,
		  struct buf *err)
{
	struct plan_run r = {0};
	struct pool pool = {0};
	struct plan_result res;
	struct plan_interval *iv = NULL;
	int rc;

	*out = NULL;
	if ((rc = staffing_check(o, err)))
		return rc;
	rc = store_engagement_get(s, o->engagement_id, &r.e);
	if (rc == ERR_NOTFOUND) {
		rc = buf_error(err, rc, "no engagement %lld", (long long)o->engagement_id);
		goto out;
	} else if (rc) {
		rc = buf_error(err, rc, "%s", store_errmsg(s));
		goto out;
	}
	pool.e = &r.e;
	if ((rc = store_workers_each(s, pool_add, &pool))) {
		rc = walk_error(s, rc, err);
		goto out;
	}
	rc = plan_engagement(s, o, now_ms, pool.w, pool.n, &r, &iv, &res, err);
	if (rc)
		goto out;
	if (!(*out = plan_json(&r, o, iv, &res)))
		rc = buf_error(err, ERR_NOMEM, "out of memory");
out:
	free(pool.w);
	free(iv);
	return rc;
}

/* ================================================================
 * The per-skill plan
 * ================================================================ */

/* One engagement's part of a skill plan: enough to find and check its own plan. */
static json_t *skill_part_json(const struct plan_run *r, const struct plan_result *res,
			       const struct plan_interval *iv, const char *skill)
{
	json_t *o = json_object();
	double volume = 0;
	int level = 0;

	if (!o)
		return NULL;
	for (size_t k = 0; k < r->e.n_skills; k++) {
		if (!strcmp(r->e.skills[k].code, skill))
			level = r->e.skills[k].level;
	}
	for (size_t i = 0; i < r->in.n; i++)
		volume += iv[i].volume;
	json_object_set_new(o, "engagement_id", json_integer(r->e.id));
	json_object_set_new(o, "engagement", json_string(r->e.name));
	json_object_set_new(o, "client_id", json_integer(r->e.client_id));
	json_object_set_new(o, "kind", json_string(service_kind_name(r->e.kind)));
	json_object_set_new(o, "level", json_integer(level));
	json_object_set_new(o, "model", json_string(plan_model_name(r->in.model)));
	json_object_set_new(o, "sla_s", json_real((double)r->e.sla_ms / 1000.0));
	json_object_set_new(o, "forecast", forecast_json(r));
	json_object_set_new(o, "volume", json_real(volume));
	json_object_set_new(o, "peak_required", json_integer(res->peak_required));
	json_object_set_new(o, "worker_hours", json_real((double)res->worker_seconds / 3600.0));
	return o;
}

static json_t *skill_json(const char *skill, const struct skill_scan *sc,
			  const struct staffing_opts *o, int64_t start_ms, json_t *parts,
			  const struct plan_interval *iv, size_t n, const struct plan_result *res)
{
	json_t *root = json_object();

	if (!root)
		return NULL;
	json_object_set_new(root, "skill", json_string(skill));
	json_object_set_new(root, "level", sc->n ? json_integer(sc->level) : json_null());
	json_object_set_new(root, "start", time_json(start_ms));
	json_object_set_new(root, "end", time_json(start_ms + (int64_t)n * o->interval_s * 1000));
	json_object_set_new(root, "days", json_integer(o->days));
	json_object_set_new(root, "interval_s", json_integer(o->interval_s));
	json_object_set_new(root, "aht_s",
			    json_real(o->aht_s > 0 ? o->aht_s : STAFFING_DEFAULT_AHT_S));
	json_object_set_new(root, "aht_default", json_boolean(o->aht_s == 0));
	json_object_set_new(root, "shrinkage", json_real(o->shrinkage));
	json_object_set_new(
	    root, "note",
	    sc->n ? json_null()
		  : json_string("no engagement requires this skill: nothing to staff"));
	json_object_set_new(root, "engagements", json_incref(parts));
	json_object_set_new(root, "workers", workers_json(res));
	json_object_set_new(root, "cost", cost_json(res));
	if (intervals_json(root, start_ms, o->interval_s, iv, n, res, false)) {
		json_decref(root);
		return NULL;
	}
	return root;
}

int staffing_skill_plan(struct store *s, const char *skill, const struct staffing_opts *o,
			int64_t now_ms, json_t **out, struct buf *err)
{
	struct skill_scan sc = {.code = skill};
	struct pool pool = {.sc = &sc};
	struct plan_result res;
	struct plan_interval *sum = NULL, *iv = NULL;
	json_t *parts = NULL;
	size_t n;
	int rc;

	*out = NULL;
	if ((rc = staffing_skill_check(skill, o, err)))
		return rc;
	n = (size_t)o->days * (size_t)(86400 / o->interval_s);
	if ((rc = store_engagements_each(s, skill_scan_add, &sc)) ||
	    (rc = store_workers_each(s, pool_add, &pool))) {
		rc = walk_error(s, rc, err);
		goto out;
	}
	sum = calloc(n, sizeof(*sum));
	parts = json_array();
	if (!sum || !parts) {
		rc = buf_error(err, ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Each engagement's own plan, without workers; the skill's workers are counted once. */
	for (size_t k = 0; k < sc.n; k++) {
		struct plan_run r = {.e = sc.e[k]};
		struct plan_result er;

		rc = plan_engagement(s, o, now_ms, NULL, 0, &r, &iv, &er, err);
		if (rc)
			goto out;
		for (size_t i = 0; i < n; i++) {
			sum[i].volume += iv[i].volume;
			sum[i].required += iv[i].required;
		}
		if (json_array_append_new(parts, skill_part_json(&r, &er, iv, skill))) {
			rc = buf_error(err, ERR_NOMEM, "out of memory");
			goto out;
		}
		free(iv);
		iv = NULL;
	}
	rc = plan_advise(pool.w, pool.n, o->interval_s, sum, n, &res);
	if (rc) {
		rc = buf_error(err, rc, "plan: %s", err_message(rc));
		goto out;
	}
	if (!(*out = skill_json(skill, &sc, o, plan_start(o, now_ms), parts, sum, n, &res)))
		rc = buf_error(err, ERR_NOMEM, "out of memory");
out:
	json_decref(parts);
	free(sc.e);
	free(pool.w);
	free(sum);
	free(iv);
	return rc;
}
