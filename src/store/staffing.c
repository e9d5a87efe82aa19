/* staffing.c - an engagement's staffing plan from its recorded arrivals; Erlang answers as JSON. */
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

int staffing_check(const struct staffing_opts *o, struct buf *err)
{
	if (o->engagement_id <= 0)
		return buf_error(err, ERR_INVALID, "engagement must be a positive id");
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

/* ================================================================
 * Inputs from the store
 * ================================================================ */

struct pool {
	const struct engagement_rec *e;
	struct plan_worker *w;
	size_t n, cap;
};

static int pool_add(void *ctx, const struct worker_rec *w)
{
	struct pool *p = ctx;

	if (!route_qualified(w, p->e))
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

static json_t *plan_json(const struct plan_run *r, const struct staffing_opts *o,
			 const struct plan_interval *iv, const struct plan_result *res)
{
	json_t *root = json_object(), *fc = json_object(), *wk = json_object(),
	       *cost = json_object(), *sum = json_object(), *arr = json_array(), *tg;
	double volume = 0;

	if (!root || !fc || !wk || !cost || !sum || !arr) {
		json_decref(root);
		json_decref(fc);
		json_decref(wk);
		json_decref(cost);
		json_decref(sum);
		json_decref(arr);
		return NULL;
	}
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

	json_object_set_new(fc, "method", json_string(forecast_method_name(r->fit.method)));
	json_object_set_new(fc, "fallback", json_boolean(r->fit.method != FORECAST_DSHW));
	json_object_set_new(fc, "wape", num(r->fit.wape));
	json_object_set_new(fc, "holdout_intervals", json_integer((json_int_t)r->fit.holdout));
	json_object_set_new(fc, "history_from", time_json(r->hist_from_ms));
	json_object_set_new(fc, "history_intervals", json_integer((json_int_t)r->n_hist));
	json_object_set_new(fc, "history_items", json_integer((json_int_t)r->hist_items));
	json_object_set_new(fc, "note", json_string(forecast_note(r)));
	json_object_set_new(root, "forecast", fc);

	json_object_set_new(wk, "qualified", json_integer(res->qualified));
	json_object_set_new(wk, "available", json_integer(res->available));
	json_object_set_new(root, "workers", wk);

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
	json_object_set_new(root, "cost", cost);

	for (size_t i = 0; i < r->in.n; i++) {
		json_t *row = json_object();

		volume += iv[i].volume;
		json_object_set_new(row, "start",
				    time_json(r->start_ms + (int64_t)i * o->interval_s * 1000));
		json_object_set_new(row, "volume", json_real(iv[i].volume));
		json_object_set_new(row, "load", json_real(iv[i].load));
		json_object_set_new(row, "required", json_integer(iv[i].required));
		json_object_set_new(row, "available", json_integer(iv[i].available));
		json_object_set_new(row, "advice", json_string(plan_advice(&iv[i])));
		json_object_set_new(row, "change", json_integer(labs(iv[i].change)));
		if (json_array_append_new(arr, row)) {
			json_decref(root);
			json_decref(arr);
			json_decref(sum);
			return NULL;
		}
	}
	json_object_set_new(sum, "volume", json_real(volume));
	json_object_set_new(sum, "peak_required", json_integer(res->peak_required));
	json_object_set_new(sum, "intervals_add", json_integer((json_int_t)res->n_add));
	json_object_set_new(sum, "intervals_release", json_integer((json_int_t)res->n_release));
	json_object_set_new(sum, "intervals_ok", json_integer((json_int_t)res->n_ok));
	json_object_set_new(root, "summary", sum);
	json_object_set_new(root, "intervals", arr);
	return root;
}

/* First interval boundary at or after ms (ms >= 0). */
static int64_t ceil_to(int64_t ms, int64_t step)
{
	return (ms + step - 1) / step * step;
}

int staffing_plan(struct store *s, const struct staffing_opts *o, int64_t now_ms, json_t **out,
		  struct buf *err)
{
	struct plan_run r = {0};
	struct pool pool = {0};
	struct plan_result res;
	struct plan_interval *iv = NULL;
	double *hist = NULL, *fc = NULL, none = 0;
	int64_t step = o->interval_s * 1000, earliest;
	size_t m1, m2, h;
	int rc;

	*out = NULL;
	if ((rc = staffing_check(o, err)))
		return rc;
	rc = store_engagement_rec(s, o->engagement_id, &r.e);
	if (rc == ERR_NOTFOUND) {
		rc = buf_error(err, rc, "no engagement %lld", (long long)o->engagement_id);
		goto out;
	} else if (rc) {
		rc = buf_error(err, rc, "%s", store_errmsg(s));
		goto out;
	}

	/* Complete intervals since the engagement began, at most the history window. */
	r.start_ms = now_ms / step * step;
	earliest = r.start_ms - (int64_t)STAFFING_HISTORY_WEEKS * 7 * 86400 * 1000;
	r.hist_from_ms = ceil_to(r.e.created_at > 0 ? r.e.created_at : 0, step);
	if (r.hist_from_ms < earliest)
		r.hist_from_ms = earliest;
	if (r.hist_from_ms > r.start_ms)
		r.hist_from_ms = r.start_ms;
	r.n_hist = (size_t)((r.start_ms - r.hist_from_ms) / step);
	if (r.n_hist && !(hist = malloc(r.n_hist * sizeof(*hist)))) {
		rc = buf_error(err, ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = store_arrivals(s, r.e.id, r.hist_from_ms, r.start_ms, step, hist ? hist : &none,
			    r.n_hist);
	if (rc) {
		rc = buf_error(err, rc, "%s", store_errmsg(s));
		goto out;
	}
	for (size_t i = 0; i < r.n_hist; i++)
		r.hist_items += hist[i];

	/* The model and its horizon: a backlog looks one SLA past the end. */
	r.in.model = o->model_set ? o->model
				  : plan_model_for((double)r.e.sla_ms / 1000.0, (double)o->interval_s);
	r.in.interval_s = o->interval_s;
	r.aht_default = o->aht_s == 0;
	r.in.aht_s = r.aht_default ? STAFFING_DEFAULT_AHT_S : o->aht_s;
	r.in.sla_s = (double)r.e.sla_ms / 1000.0;
	m1 = (size_t)(86400 / o->interval_s);
	m2 = 7 * m1;
	r.in.n = (size_t)o->days * m1;
	if (r.in.model == PLAN_BACKLOG) {
		if (r.in.sla_s < (double)o->interval_s) {
			rc = buf_error(err, ERR_INVALID,
				       "model backlog needs an SLA of at least one interval "
				       "(this engagement's is %gs)",
				       r.in.sla_s);
			goto out;
		}
		r.in.n_ahead = (size_t)ceil(r.in.sla_s / (double)o->interval_s);
		if (r.in.n_ahead > PLAN_MAX_INTERVALS - r.in.n)
			r.in.n_ahead = PLAN_MAX_INTERVALS - r.in.n;
	}
	r.in.target = (struct erlang_target){
	    .service_level = o->service_level,
	    .sl_time_s = o->within_s > 0 ? o->within_s : r.in.sla_s,
	    .max_occupancy = o->max_occupancy,
	    .shrinkage = o->shrinkage,
	};

	h = r.in.n + r.in.n_ahead;
	iv = calloc(r.in.n, sizeof(*iv));
	fc = calloc(h, sizeof(*fc));
	if (!iv || !fc) {
		rc = buf_error(err, ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = forecast_fit(hist ? hist : &none, r.n_hist, m1, m2, fc, h, &r.fit);
	if (rc) {
		rc = buf_error(err, rc, "forecast: %s", err_message(rc));
		goto out;
	}
	r.in.volume = fc;

	pool.e = &r.e;
	rc = store_workers_each(s, pool_add, &pool);
	if (rc) {
		rc = buf_error(err, rc, "%s",
			       rc == ERR_NOMEM || rc == ERR_TOOBIG ? err_message(rc) : store_errmsg(s));
		goto out;
	}
	r.in.workers = pool.w;
	r.in.n_workers = pool.n;

	rc = plan_compute(&r.in, iv, &res);
	if (rc) {
		rc = buf_error(err, rc, "plan: %s", err_message(rc));
		goto out;
	}
	if (!(*out = plan_json(&r, o, iv, &res)))
		rc = buf_error(err, ERR_NOMEM, "out of memory");
out:
	free(pool.w);
	free(hist);
	free(fc);
	free(iv);
	return rc;
}
