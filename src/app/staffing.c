/* staffing.c - staffing use cases: input rules, plans per engagement and per skill, Erlang. */
#include "app/staffing.h"

#include "app/records.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/route.h"
#include "util/clock.h"
#include "util/err.h"

/* ================================================================
 * Input rules
 * ================================================================ */

/*
 * The range rule of one number: absent (APP_ABSENT) takes dflt, or is an
 * error when dflt is APP_ABSENT too (required); present must lie in
 * [lo, hi], an end open when lo_open / hi_open. field is named as the API
 * names it; the CLI's options carry the same names.
 */
struct range {
	const char *field;
	double v, dflt, lo, hi;
	bool lo_open, hi_open;
	double *out;
};

static int check_ranges(const struct range *r, size_t n, struct buf *err)
{
	for (size_t i = 0; i < n; i++) {
		double v = r[i].v;

		if (isnan(v) && isnan(r[i].dflt))
			return buf_error(err, ERR_INVALID, "%s is required", r[i].field);
		if (isnan(v)) {
			*r[i].out = r[i].dflt;
			continue;
		}
		if (!isfinite(v) || (r[i].lo_open ? v <= r[i].lo : v < r[i].lo) ||
		    (r[i].hi_open ? v >= r[i].hi : v > r[i].hi))
			return buf_error(err, ERR_INVALID, "%s must be %s %g and %s %g", r[i].field,
					 r[i].lo_open ? "above" : "at least", r[i].lo,
					 r[i].hi_open ? "below" : "at most", r[i].hi);
		*r[i].out = v;
	}
	return 0;
}

#define NRANGES(r) (sizeof(r) / sizeof((r)[0]))

static bool skill_code_ok(const char *code)
{
	size_t n = strlen(code);

	return n > 0 && n < MODEL_CODE_MAX &&
	       code[strspn(code,
			   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-")] ==
		   '\0';
}

/* The options every plan shares (not what is planned: engagement or skill). */
static int plan_opts(const struct staff_plan_in *in, struct staff_opts *o, struct buf *err)
{
	double days, interval;
	const struct range r[] = {
	    {"days", in->days, 7, 1, STAFF_MAX_DAYS, false, false, &days},
	    {"interval", in->interval_s, 900, 0, 3600, true, false, &interval},
	    {"aht", in->aht_s, STAFF_DEFAULT_AHT_S, 0, STAFF_MAX_SECONDS, true, false, &o->aht_s},
	    {"target", in->target.service_level, 0.8, 0, 1, true, true, &o->service_level},
	    {"within", in->target.within_s, 0, 0, STAFF_MAX_SECONDS, false, false, &o->within_s},
	    {"shrinkage", in->target.shrinkage, 0, 0, 1, false, true, &o->shrinkage},
	    {"max_occupancy", in->target.max_occupancy, 1, 0, 1, true, false, &o->max_occupancy},
	};
	int rc;

	*o = (struct staff_opts){.aht_default = isnan(in->aht_s)};
	if ((rc = check_ranges(r, NRANGES(r), err)))
		return rc;
	if (days != floor(days))
		return buf_error(err, ERR_INVALID, "days must be a whole number");
	if (interval != 900 && interval != 1800 && interval != 3600)
		return buf_error(err, ERR_INVALID,
				 "interval must be 900, 1800 or 3600 seconds (15m, 30m, 1h)");
	o->days = (int)days;
	o->interval_s = (int64_t)interval;
	if (in->model) {
		if (plan_model_parse(in->model, &o->model))
			return buf_error(err, ERR_INVALID, "model must be backlog or erlang_c");
		o->model_set = true;
	}
	if (in->day && (!*in->day || (size_t)snprintf(o->day, sizeof(o->day), "%s", in->day) >=
					   sizeof(o->day)))
		return buf_error(err, ERR_INVALID, "day must be today, tomorrow or YYYY-MM-DD");
	return 0;
}

/* ================================================================
 * The Erlang check
 * ================================================================ */

int app_staff_erlang(const struct app *app, const struct actor *actor,
		     const struct staff_erlang_in *in, struct staff_erlang *out, struct buf *err)
{
	struct erlang_load *load = &out->load;
	struct erlang_target *t = &out->target;
	bool model_a = in->model && !strcasecmp(in->model, "a");
	const struct range r[] = {
	    {"contacts", in->contacts, APP_ABSENT, 0, ERLANG_MAX_TRAFFIC * 1000, false, false,
	     &load->contacts},
	    {"interval", in->interval_s, APP_ABSENT, 0, 86400 * 7, true, false, &load->interval_s},
	    {"aht", in->aht_s, APP_ABSENT, 0, STAFF_MAX_SECONDS, true, false, &load->aht_s},
	    {"target", in->target.service_level, 0.8, 0, 1, true, true, &t->service_level},
	    {"within", in->target.within_s, 20, 0, STAFF_MAX_SECONDS, false, false, &t->sl_time_s},
	    {"shrinkage", in->target.shrinkage, 0, 0, 1, false, true, &t->shrinkage},
	    {"max_occupancy", in->target.max_occupancy, 1, 0, 1, true, false, &t->max_occupancy},
	    {"max_abandon", in->max_abandon, 0, 0, 1, false, true, &t->max_abandon},
	    /* Required by model a; model c refuses it below. */
	    {"patience", in->patience_s, model_a ? APP_ABSENT : 0, 0, STAFF_MAX_SECONDS, true,
	     false, &load->patience_s},
	};
	int rc;

	(void)app;
	*out = (struct staff_erlang){.load.model = model_a ? ERLANG_A : ERLANG_C};
	if ((rc = app_allow(actor, POL_STAFF_ERLANG, NULL, err)))
		return rc;
	if (in->model && !model_a && strcasecmp(in->model, "c"))
		return buf_error(err, ERR_INVALID, "model must be c or a");
	if ((rc = check_ranges(r, NRANGES(r), err)))
		return rc;
	if (!model_a && (!isnan(in->patience_s) || t->max_abandon > 0))
		return buf_error(err, ERR_INVALID,
				 "patience and max_abandon apply to model a only");
	if (erlang_required(load, t, &out->plan))
		return buf_error(err, ERR_INVALID,
				 "the load is out of range (traffic up to %g Erlangs)",
				 ERLANG_MAX_TRAFFIC);
	for (long k = out->plan.agents > 3 ? out->plan.agents - 3 : 1;
	     out->plan.agents > 0 && k <= out->plan.agents + 2; k++) {
		if (erlang_metrics(load, k, t->sl_time_s, &out->rows[out->nrows]))
			return buf_error(err, ERR_INVALID, "the load is out of range");
		out->nrows++;
	}
	return 0;
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

/* The level of skill that e requires; 0 when it requires none. */
static int required_level(const struct engagement_rec *e, const char *skill)
{
	int level = 0;

	for (size_t k = 0; k < e->n_skills; k++) {
		if (!strcmp(e->skills[k].code, skill))
			level = e->skills[k].level;
	}
	return level;
}

static int skill_scan_add(void *ctx, const struct engagement_rec *e)
{
	struct skill_scan *sc = ctx;
	int level = required_level(e, sc->code);

	if (level == 0)
		return 0;
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? 2 * sc->cap : 8;
		struct engagement_rec *ne;

		if (sc->n >= STAFF_MAX_SKILL_ENGAGEMENTS)
			return ERR_TOOBIG;
		if (cap > STAFF_MAX_SKILL_ENGAGEMENTS)
			cap = STAFF_MAX_SKILL_ENGAGEMENTS;
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

/*
 * A worker a plan counts for e: it meets every requirement of e (skills and
 * languages at level, cleared for the client), exactly as routing decides,
 * and it is active (a suspended worker gets no work, so it staffs nothing).
 */
static bool plan_counts(const struct worker_rec *w, const struct engagement_rec *e, int64_t now)
{
	return w->active && route_qualified(w, e, now);
}

/* Counted (plan_counts()) for at least one of the engagements requiring the skill. */
static bool skill_holder(const struct worker_rec *w, const struct skill_scan *sc, int64_t now)
{
	for (size_t i = 0; i < sc->n; i++) {
		if (plan_counts(w, &sc->e[i], now))
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
	int64_t now; /* clearances lapsed by now count for nothing */
};

static int pool_add(void *ctx, const struct worker_rec *w)
{
	struct pool *p = ctx;

	if (p->e ? !plan_counts(w, p->e, p->now) : !skill_holder(w, p->sc, p->now))
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

/* A walk's error: ours (memory, caps) by its message, the store's by its own. */
static int walk_error(struct store *s, int rc, struct buf *err)
{
	return buf_error(err, rc, "%s",
			 rc == ERR_NOMEM || rc == ERR_TOOBIG ? err_message(rc) : store_errmsg(s));
}

/* ================================================================
 * The plan
 * ================================================================ */

static const char *forecast_note(const struct staff_forecast *f)
{
	switch (f->fit.method) {
	case FORECAST_DSHW:
		return "double-seasonal Holt-Winters fitted on the held-out history";
	case FORECAST_SNAIVE_WEEK:
		return "fallback: under three weeks of history, same interval last week";
	case FORECAST_SNAIVE_DAY:
		return "fallback: under a week of history, same interval yesterday";
	case FORECAST_MEAN:
		break;
	}
	if (f->history_intervals == 0)
		return "fallback: no arrival history yet, the forecast is zero";
	return "fallback: under a day of history, its mean";
}

/* First boundary of the grid phase + k * step at or after ms. */
static int64_t grid_ceil(int64_t ms, int64_t phase, int64_t step)
{
	int64_t d = ms - phase;

	return phase + (d >= 0 ? (d + step - 1) / step : -(-d / step)) * step;
}

/* Last boundary of the grid phase + k * step at or before ms. */
static int64_t grid_floor(int64_t ms, int64_t phase, int64_t step)
{
	int64_t d = ms - phase;

	return phase + (d >= 0 ? d / step : -((-d + step - 1) / step)) * step;
}

/* The interval holding now_ms: where every plan of o without a day begins. */
static int64_t plan_start(const struct staff_opts *o, int64_t now_ms)
{
	return grid_floor(now_ms, 0, o->interval_s * 1000);
}

/* "YYYY-MM-DD" into its numbers (the calendar check is the caller's round trip). */
static bool parse_date(const char *s, int *y, int *mon, int *d)
{
	int v[3] = {0}, widths[3] = {4, 2, 2};

	for (int k = 0; k < 3; k++) {
		for (int i = 0; i < widths[k]; i++, s++) {
			if (*s < '0' || *s > '9')
				return false;
			v[k] = v[k] * 10 + (*s - '0');
		}
		if (*s++ != (k < 2 ? '-' : '\0'))
			return false;
	}
	*y = v[0];
	*mon = v[1];
	*d = v[2];
	return *mon >= 1 && *mon <= 12 && *d >= 1 && *d <= 31;
}

/*
 * The horizon of p (its engagement and opts set): start_ms, end_ms, n,
 * date, and OUT *cur_ms, the start of the interval holding now on the
 * plan's grid (the forecast's history ends there). Without a day the grid
 * is UTC's and the plan runs days * 24 h from now; with one, the grid is
 * aligned to the local midnight of the day (a zone at +05:30 has hourly
 * intervals at :30), and the plan runs to the midnight `days` local days
 * later (23 or 25 hours on a change of clocks), today's from now.
 */
static int plan_horizon(struct staff_plan *p, int64_t now_ms, int64_t *cur_ms, struct buf *err)
{
	const struct staff_opts *o = &p->opts;
	const char *tz = p->engagement.time_zone[0] ? p->engagement.time_zone : "UTC";
	int64_t step = o->interval_s * 1000, today0, last0, m0, m1;
	int y, mon, d, ty, tmon, td, ry, rmon, rd;

	if (!o->day[0]) {
		*cur_ms = p->start_ms = plan_start(o, now_ms);
		p->n = (size_t)o->days * (size_t)(86400 / o->interval_s);
		p->end_ms = p->start_ms + (int64_t)p->n * step;
		return 0;
	}
	if (clock_local_date(tz, now_ms, &ty, &tmon, &td) ||
	    clock_local_midnight(tz, ty, tmon, td, &today0) ||
	    clock_local_midnight(tz, ty, tmon, td + STAFF_MAX_DAYS, &last0))
		return buf_error(err, ERR_INVALID, "engagement %lld's time zone %s cannot be used",
				 (long long)p->engagement.id, tz);
	if (!strcmp(o->day, "today") || !strcmp(o->day, "tomorrow")) {
		y = ty;
		mon = tmon;
		d = td + !strcmp(o->day, "tomorrow");
	} else if (!parse_date(o->day, &y, &mon, &d)) {
		return buf_error(err, ERR_INVALID, "day must be today, tomorrow or YYYY-MM-DD");
	}
	if (clock_local_midnight(tz, y, mon, d, &m0) ||
	    clock_local_midnight(tz, y, mon, d + o->days, &m1) ||
	    clock_local_date(tz, m0 + 12 * 3600 * 1000, &ry, &rmon, &rd))
		return buf_error(err, ERR_INVALID, "day %s is not a date", o->day);
	/* A parsed date that mktime() moved (February 30) is not a date. */
	if (o->day[0] >= '0' && o->day[0] <= '9' && (ry != y || rmon != mon || rd != d))
		return buf_error(err, ERR_INVALID, "day %s is not a date", o->day);
	if (m0 < today0 || m0 > last0)
		return buf_error(err, ERR_INVALID,
				 "day must be today or up to %d days ahead in %s (today is "
				 "%04d-%02d-%02d)",
				 STAFF_MAX_DAYS, tz, ty, tmon, td);
	snprintf(p->date, sizeof(p->date), "%04d-%02d-%02d", ry, rmon, rd);
	*cur_ms = grid_floor(now_ms, m0, step);
	p->start_ms = m0 > *cur_ms ? m0 : *cur_ms;
	p->end_ms = grid_ceil(m1, m0, step);
	p->n = (size_t)((p->end_ms - p->start_ms) / step);
	return 0;
}

/* The queued items of the engagement, walked page by page. */
struct waiting_walk {
	int64_t cur_ms, step;
	size_t n;	 /* intervals of the plan and past it (the waiting array) */
	double *by_due;	 /* n: the carried items by the interval they are due in */
	struct staff_now *now;
};

static int waiting_add(void *ctx, const struct item_rec *it)
{
	struct waiting_walk *ww = ctx;
	int64_t k;

	ww->now->waiting++;
	/* Arrived in the current interval: counted as its arrivals instead. */
	if (it->created_at >= ww->cur_ms)
		return 0;
	ww->now->carried++;
	k = it->due_at > ww->cur_ms ? (it->due_at - ww->cur_ms - 1) / ww->step : 0;
	ww->by_due[(size_t)k < ww->n ? (size_t)k : ww->n - 1] += 1;
	return 0;
}

/*
 * The work on the floor now (struct staff_now): the queued items, the
 * carried ones into by_due[n] by due interval from cur_ms, and the arrivals
 * of the current interval so far. 0 or the store's error.
 */
static int plan_floor(struct store *s, const struct staff_plan *p, int64_t cur_ms, int64_t step,
		      double *by_due, size_t n, struct staff_now *now, struct buf *err)
{
	struct waiting_walk ww = {.cur_ms = cur_ms, .step = step, .n = n, .by_due = by_due,
				  .now = now};
	struct store_page pg = {.limit = STORE_PAGE_MAX,
				.engagement_id = p->engagement.id,
				.state = ITEM_QUEUED + 1};
	int64_t next = 0;
	int rc;

	now->counted = true;
	do {
		pg.after = next;
		if ((rc = store_item_list(s, &pg, waiting_add, &ww, &next)))
			return buf_error(err, rc, "%s", store_errmsg(s));
	} while (next > 0);
	rc = store_arrivals(s, p->engagement.id, cur_ms, cur_ms + step, step, &now->arrived, 1);
	return rc ? buf_error(err, rc, "%s", store_errmsg(s)) : 0;
}

/*
 * The forecast and required workers of p->engagement (read by the caller)
 * for p->opts from now_ms, and advice and cost with workers[n_workers] (may
 * be none: the per-skill plan counts its own workers). Shared by both plans
 * so the per-skill plan is exactly the sum of engagement plans.
 * OUT: the rest of *p.
 */
static int plan_engagement(struct store *s, int64_t now_ms, const struct plan_worker *workers,
			   size_t n_workers, struct staff_plan *p, struct buf *err)
{
	const struct staff_opts *o = &p->opts;
	struct staff_forecast *f = &p->forecast;
	struct plan_input in = {0};
	double *hist = NULL, *fc = NULL, *waiting = NULL, none = 0;
	int64_t step = o->interval_s * 1000, earliest, cur_ms = 0;
	size_t m1, m2, h, off;
	int rc;

	if ((rc = plan_horizon(p, now_ms, &cur_ms, err)))
		return rc;
	/* Complete intervals since the engagement began, at most the history window. */
	earliest = cur_ms - (int64_t)STAFF_HISTORY_WEEKS * 7 * 86400 * 1000;
	f->history_from_ms = grid_ceil(p->engagement.created_at > 0 ? p->engagement.created_at : 0,
				       cur_ms, step);
	if (f->history_from_ms < earliest)
		f->history_from_ms = earliest;
	if (f->history_from_ms > cur_ms)
		f->history_from_ms = cur_ms;
	f->history_intervals = (size_t)((cur_ms - f->history_from_ms) / step);
	f->history_items = 0;
	if (f->history_intervals && !(hist = malloc(f->history_intervals * sizeof(*hist)))) {
		rc = buf_error(err, ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = store_arrivals(s, p->engagement.id, f->history_from_ms, cur_ms, step,
			    hist ? hist : &none, f->history_intervals);
	if (rc) {
		rc = buf_error(err, rc, "%s", store_errmsg(s));
		goto out;
	}
	for (size_t i = 0; i < f->history_intervals; i++)
		f->history_items += hist[i];

	/* The model and its horizon: a backlog looks one SLA past the end. */
	p->sla_s = (double)p->engagement.sla_ms / 1000.0;
	in.model = o->model_set ? o->model : plan_model_for(p->sla_s, (double)o->interval_s);
	in.interval_s = o->interval_s;
	in.aht_s = o->aht_s;
	in.sla_s = p->sla_s;
	m1 = (size_t)(86400 / o->interval_s);
	m2 = 7 * m1;
	in.n = p->n;
	if (in.model == PLAN_BACKLOG) {
		if (in.sla_s < (double)o->interval_s) {
			rc = buf_error(err, ERR_INVALID,
				       "model backlog needs an SLA of at least one interval "
				       "(engagement %lld's is %gs)",
				       (long long)p->engagement.id, in.sla_s);
			goto out;
		}
		in.n_ahead = (size_t)ceil(in.sla_s / (double)o->interval_s);
		if (in.n_ahead > PLAN_MAX_INTERVALS - in.n)
			in.n_ahead = PLAN_MAX_INTERVALS - in.n;
	}
	in.target = (struct erlang_target){
	    .service_level = o->service_level,
	    .sl_time_s = o->within_s > 0 ? o->within_s : in.sla_s,
	    .max_occupancy = o->max_occupancy,
	    .shrinkage = o->shrinkage,
	};
	p->model = in.model;
	p->target = in.target;

	/* The forecast runs from the current interval; a later day's plan is its tail. */
	off = (size_t)((p->start_ms - cur_ms) / step);
	h = off + in.n + in.n_ahead;
	p->iv = calloc(in.n, sizeof(*p->iv));
	fc = calloc(h, sizeof(*fc));
	waiting = calloc(in.n + in.n_ahead, sizeof(*waiting));
	if (!p->iv || !fc || !waiting) {
		rc = buf_error(err, ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = forecast_fit(hist ? hist : &none, f->history_intervals, m1, m2, fc, h, &f->fit);
	if (rc) {
		rc = buf_error(err, rc, "forecast: %s", err_message(rc));
		goto out;
	}
	f->note = forecast_note(f);
	/* The floor now, when the plan holds the current interval: a later day's does not. */
	if (off == 0) {
		rc = plan_floor(s, p, cur_ms, step, waiting, in.n + in.n_ahead, &p->now, err);
		if (rc)
			goto out;
		if (fc[0] < p->now.arrived)
			fc[0] = p->now.arrived;
		in.waiting = waiting;
	}
	in.volume = fc + off;
	in.workers = workers;
	in.n_workers = n_workers;
	rc = plan_compute(&in, p->iv, &p->result);
	if (rc)
		rc = buf_error(err, rc, "plan: %s", err_message(rc));
out:
	free(hist);
	free(fc);
	free(waiting);
	return rc;
}

void staff_plan_release(struct staff_plan *p)
{
	free(p->iv);
	p->iv = NULL;
	p->n = 0;
}

int app_staff_plan(const struct app *app, const struct actor *actor, const struct staff_plan_in *in,
		   struct staff_plan *out, struct buf *err)
{
	struct pool pool = {0};
	int rc;

	*out = (struct staff_plan){0};
	/* Staff only (the plan shows cost rates); any engagement. */
	if ((rc = app_allow(actor, POL_ENGAGEMENT_STAFFING, NULL, err)))
		return rc;
	if (in->engagement_id <= 0)
		return buf_error(err, ERR_INVALID, "engagement must be a positive id");
	if ((rc = plan_opts(in, &out->opts, err)))
		return rc;
	rc = store_engagement_get(app->store, in->engagement_id, &out->engagement);
	if (rc == ERR_NOTFOUND) {
		rc = buf_error(err, rc, "no engagement %lld", (long long)in->engagement_id);
		goto out;
	} else if (rc) {
		rc = buf_error(err, rc, "%s", store_errmsg(app->store));
		goto out;
	}
	pool.e = &out->engagement;
	pool.now = app_now_ms(app);
	if ((rc = store_workers_each(app->store, pool_add, &pool))) {
		rc = walk_error(app->store, rc, err);
		goto out;
	}
	rc = plan_engagement(app->store, app_now_ms(app), pool.w, pool.n, out, err);
out:
	free(pool.w);
	return rc;
}

/* ================================================================
 * The per-skill plan
 * ================================================================ */

static void skill_part(const struct staff_plan *p, const char *skill, struct staff_skill_part *pt)
{
	*pt = (struct staff_skill_part){
	    .engagement_id = p->engagement.id,
	    .client_id = p->engagement.client_id,
	    .kind = p->engagement.kind,
	    .level = required_level(&p->engagement, skill),
	    .model = p->model,
	    .sla_s = p->sla_s,
	    .forecast = p->forecast,
	    .peak_required = p->result.peak_required,
	    .worker_seconds = p->result.worker_seconds,
	};
	memcpy(pt->name, p->engagement.name, sizeof(pt->name));
	for (size_t i = 0; i < p->n; i++)
		pt->volume += p->iv[i].volume;
}

void staff_skill_plan_release(struct staff_skill_plan *p)
{
	free(p->parts);
	free(p->iv);
	p->parts = NULL;
	p->iv = NULL;
	p->n_parts = p->n = 0;
}

int app_staff_skill_plan(const struct app *app, const struct actor *actor,
			 const struct staff_plan_in *in, struct staff_skill_plan *out,
			 struct buf *err)
{
	struct skill_scan sc = {.code = in->skill};
	struct pool pool = {.sc = &sc, .now = app_now_ms(app)};
	struct staff_plan ep = {0};
	int64_t now_ms = app_now_ms(app);
	int rc;

	*out = (struct staff_skill_plan){0};
	if ((rc = app_allow(actor, POL_STAFF_PLAN, NULL, err)))
		return rc;
	if (!in->skill || !skill_code_ok(in->skill))
		return buf_error(err, ERR_INVALID,
				 "skill must be 1 to %d characters of letters, digits and _ . : -",
				 MODEL_CODE_MAX - 1);
	if ((rc = plan_opts(in, &out->opts, err)))
		return rc;
	if (out->opts.day[0])
		return buf_error(err, ERR_INVALID,
				 "day applies to an engagement's plan (in its time zone), not to a "
				 "skill's");
	memcpy(out->skill, in->skill, strlen(in->skill) + 1);
	out->n = (size_t)out->opts.days * (size_t)(86400 / out->opts.interval_s);
	out->start_ms = plan_start(&out->opts, now_ms);
	out->end_ms = out->start_ms + (int64_t)out->n * out->opts.interval_s * 1000;
	if ((rc = store_engagements_each(app->store, skill_scan_add, &sc)) ||
	    (rc = store_workers_each(app->store, pool_add, &pool))) {
		rc = walk_error(app->store, rc, err);
		goto out;
	}
	out->level = sc.level;
	if (sc.n == 0)
		out->note = "no engagement requires this skill: nothing to staff";
	out->iv = calloc(out->n, sizeof(*out->iv));
	out->parts = calloc(sc.n ? sc.n : 1, sizeof(*out->parts));
	if (!out->iv || !out->parts) {
		rc = buf_error(err, ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Each engagement's own plan, without workers; the skill's workers are counted once. */
	for (size_t k = 0; k < sc.n; k++) {
		ep = (struct staff_plan){.engagement = sc.e[k], .opts = out->opts};
		rc = plan_engagement(app->store, now_ms, NULL, 0, &ep, err);
		if (rc)
			goto out;
		for (size_t i = 0; i < out->n; i++) {
			out->iv[i].volume += ep.iv[i].volume;
			out->iv[i].required += ep.iv[i].required;
		}
		skill_part(&ep, in->skill, &out->parts[out->n_parts++]);
		staff_plan_release(&ep);
	}
	rc = plan_advise(pool.w, pool.n, out->opts.interval_s, out->iv, out->n, &out->result);
	if (rc)
		rc = buf_error(err, rc, "plan: %s", err_message(rc));
out:
	staff_plan_release(&ep);
	free(sc.e);
	free(pool.w);
	return rc;
}
