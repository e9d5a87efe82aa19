/* staffing.c - JSON of the Erlang check and of staffing plans per engagement and per skill. */
#include "wire/staffing.h"

#include <math.h>
#include <stdlib.h>

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

json_t *wire_staff_erlang(const struct staff_erlang *e)
{
	const struct erlang_load *load = &e->load;
	const struct erlang_target *t = &e->target;
	const struct erlang_plan *p = &e->plan;
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
	for (int i = 0; i < e->nrows; i++)
		json_array_append_new(tbl, metrics_json(&e->rows[i], model_a));
	json_object_set_new(o, "table", tbl);
	return o;
}

/* ================================================================
 * Parts every plan shares
 * ================================================================ */

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
	json_t *cost = json_object(), *arr;

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
	/* Per currency, also with one: a reader of mixed floors reads one shape. */
	if (json_object_set_new(cost, "currencies", arr = json_array()) || !arr) {
		json_decref(cost);
		return NULL;
	}
	for (size_t k = 0; k < res->n_costs; k++) {
		const struct plan_cost *c = &res->costs[k];
		json_t *o = json_object();

		if (json_array_append_new(arr, o) || !o) {
			json_decref(cost);
			return NULL;
		}
		json_object_set_new(o, "currency", json_string(c->currency));
		json_object_set_new(o, "workers", json_integer(c->workers));
		json_object_set_new(o, "available", json_integer(c->available));
		json_object_set_new(o, "avg_cost_per_hour_minor", json_integer(c->avg_cost_minor));
		json_object_set_new(o, "plan_minor", json_integer(c->cost_minor));
		json_object_set_new(o, "available_minor", json_integer(c->available_cost_minor));
	}
	return cost;
}

static json_t *forecast_json(const struct staff_forecast *f)
{
	json_t *fc = json_object();

	if (!fc)
		return NULL;
	json_object_set_new(fc, "method", json_string(forecast_method_name(f->fit.method)));
	json_object_set_new(fc, "fallback", json_boolean(f->fit.method != FORECAST_DSHW));
	json_object_set_new(fc, "wape", num(f->fit.wape));
	json_object_set_new(fc, "holdout_intervals", json_integer((json_int_t)f->fit.holdout));
	json_object_set_new(fc, "history_from", time_json(f->history_from_ms));
	json_object_set_new(fc, "history_intervals",
			    json_integer((json_int_t)f->history_intervals));
	json_object_set_new(fc, "history_items", json_integer((json_int_t)f->history_items));
	json_object_set_new(fc, "note", json_string(f->note));
	return fc;
}

/* Sets the horizon and options of root, in the order both plans answer them. */
static void horizon_json(json_t *root, const struct staff_opts *o, int64_t start_ms, int64_t end_ms)
{
	json_object_set_new(root, "start", time_json(start_ms));
	json_object_set_new(root, "end", time_json(end_ms));
	json_object_set_new(root, "days", json_integer(o->days));
	json_object_set_new(root, "interval_s", json_integer(o->interval_s));
	json_object_set_new(root, "aht_s", json_real(o->aht_s));
	json_object_set_new(root, "aht_default", json_boolean(o->aht_default));
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

/* ================================================================
 * The plans
 * ================================================================ */

json_t *wire_staff_plan(const struct staff_plan *p)
{
	const struct staff_opts *o = &p->opts;
	json_t *root = json_object(), *tg;

	if (!root)
		return NULL;
	json_object_set_new(root, "engagement_id", json_integer(p->engagement.id));
	json_object_set_new(root, "engagement", json_string(p->engagement.name));
	json_object_set_new(root, "kind", json_string(service_kind_name(p->engagement.kind)));
	json_object_set_new(root, "model", json_string(plan_model_name(p->model)));
	horizon_json(root, o, p->start_ms, p->end_ms);
	json_object_set_new(root, "day", p->date[0] ? json_string(p->date) : json_null());
	json_object_set_new(root, "time_zone", json_string(p->engagement.time_zone));
	if (p->now.counted) {
		json_t *now = json_object();

		if (!now) {
			json_decref(root);
			return NULL;
		}
		json_object_set_new(now, "waiting", json_integer(p->now.waiting));
		json_object_set_new(now, "carried", json_integer(p->now.carried));
		json_object_set_new(now, "arrived", json_real(p->now.arrived));
		json_object_set_new(root, "now", now);
	} else {
		json_object_set_new(root, "now", json_null());
	}
	json_object_set_new(root, "sla_s", json_real(p->sla_s));
	json_object_set_new(root, "shrinkage", json_real(o->shrinkage));
	if (p->model == PLAN_QUEUE) {
		tg = json_object();
		json_object_set_new(tg, "service_level", json_real(p->target.service_level));
		json_object_set_new(tg, "within_s", json_real(p->target.sl_time_s));
		json_object_set_new(tg, "max_occupancy", json_real(p->target.max_occupancy));
		json_object_set_new(root, "target", tg);
	} else {
		json_object_set_new(root, "target", json_null());
	}
	json_object_set_new(root, "forecast", forecast_json(&p->forecast));
	json_object_set_new(root, "workers", workers_json(&p->result));
	json_object_set_new(root, "cost", cost_json(&p->result));
	if (intervals_json(root, p->start_ms, o->interval_s, p->iv, p->n, &p->result, true)) {
		json_decref(root);
		return NULL;
	}
	return root;
}

static json_t *skill_part_json(const struct staff_skill_part *pt)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "engagement_id", json_integer(pt->engagement_id));
	json_object_set_new(o, "engagement", json_string(pt->name));
	json_object_set_new(o, "client_id", json_integer(pt->client_id));
	json_object_set_new(o, "kind", json_string(service_kind_name(pt->kind)));
	json_object_set_new(o, "level", json_integer(pt->level));
	json_object_set_new(o, "model", json_string(plan_model_name(pt->model)));
	json_object_set_new(o, "sla_s", json_real(pt->sla_s));
	json_object_set_new(o, "forecast", forecast_json(&pt->forecast));
	json_object_set_new(o, "volume", json_real(pt->volume));
	json_object_set_new(o, "peak_required", json_integer(pt->peak_required));
	json_object_set_new(o, "worker_hours", json_real((double)pt->worker_seconds / 3600.0));
	return o;
}

json_t *wire_staff_skill_plan(const struct staff_skill_plan *p)
{
	const struct staff_opts *o = &p->opts;
	json_t *root = json_object(), *parts = json_array();

	if (!root || !parts)
		goto nomem;
	for (size_t k = 0; k < p->n_parts; k++) {
		if (json_array_append_new(parts, skill_part_json(&p->parts[k])))
			goto nomem;
	}
	json_object_set_new(root, "skill", json_string(p->skill));
	json_object_set_new(root, "level", p->n_parts ? json_integer(p->level) : json_null());
	horizon_json(root, o, p->start_ms, p->end_ms);
	json_object_set_new(root, "shrinkage", json_real(o->shrinkage));
	json_object_set_new(root, "note", p->note ? json_string(p->note) : json_null());
	json_object_set_new(root, "engagements", parts);
	parts = NULL;
	json_object_set_new(root, "workers", workers_json(&p->result));
	json_object_set_new(root, "cost", cost_json(&p->result));
	if (intervals_json(root, p->start_ms, o->interval_s, p->iv, p->n, &p->result, false))
		goto nomem;
	return root;
nomem:
	json_decref(root);
	json_decref(parts);
	return NULL;
}
