/* plan.c - a staffing plan from forecast volumes: Erlang C or backlog, advice, integer cost. */
#include "core/plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/backlog.h"
#include "util/err.h"

const char *plan_model_name(enum plan_model m)
{
	return m == PLAN_QUEUE ? "erlang_c" : "backlog";
}

int plan_model_parse(const char *s, enum plan_model *out)
{
	if (!strcmp(s, "erlang_c") || !strcmp(s, "queue"))
		*out = PLAN_QUEUE;
	else if (!strcmp(s, "backlog"))
		*out = PLAN_BACKLOG;
	else
		return ERR_INVALID;
	return 0;
}

enum plan_model plan_model_for(double sla_s, double interval_s)
{
	return sla_s < interval_s ? PLAN_QUEUE : PLAN_BACKLOG;
}

const char *plan_advice(const struct plan_interval *iv)
{
	return iv->change > 0 ? "add" : iv->change < 0 ? "release" : "ok";
}

const char *plan_cost_state_name(enum plan_cost_state s)
{
	switch (s) {
	case PLAN_COST_OK: return "ok";
	case PLAN_COST_NO_WORKERS: return "no_workers";
	case PLAN_COST_MIXED: return "mixed_currencies";
	}
	return "ok";
}

/* ================================================================
 * Required workers
 * ================================================================ */

static int required_queue(const struct plan_input *in, struct plan_interval *iv)
{
	struct erlang_load load = {.interval_s = (double)in->interval_s,
				   .aht_s = in->aht_s,
				   .model = ERLANG_C};
	struct erlang_plan p;
	int rc;

	double waiting = 0;

	for (size_t i = 0; in->waiting && i < in->n + in->n_ahead; i++)
		waiting += in->waiting[i];
	for (size_t i = 0; i < in->n; i++) {
		load.contacts = in->volume[i] + (i == 0 ? waiting : 0);
		rc = erlang_required(&load, &in->target, &p);
		if (rc)
			return rc;
		iv[i].load = p.at.traffic;
		iv[i].required = p.scheduled;
	}
	return 0;
}

static int required_backlog(const struct plan_input *in, struct plan_interval *iv)
{
	size_t n = in->n + in->n_ahead, nb = n;
	/* One batch per interval of arrivals, then one per due interval of the waiting work. */
	struct backlog_batch *b = calloc(2 * n, sizeof(*b));
	double *rate = calloc(n, sizeof(*rate));
	long *whole = calloc(n, sizeof(*whole));
	int rc = ERR_NOMEM;

	if (!b || !rate || !whole)
		goto out;
	rc = backlog_from_arrivals(in->volume, n, (double)in->interval_s, in->aht_s, in->sla_s, b);
	if (rc)
		goto out;
	for (size_t i = 0; in->waiting && i < n; i++) {
		if (in->waiting[i] > 0)
			b[nb++] = (struct backlog_batch){.release = 0,
							 .due = (int)i,
							 .items = in->waiting[i],
							 .handle_s = in->aht_s};
	}
	rc = backlog_required(b, nb, n, (double)in->interval_s, 1.0 - in->target.shrinkage, rate,
			      whole);
	if (rc)
		goto out;
	for (size_t i = 0; i < in->n; i++) {
		iv[i].load = rate[i];
		iv[i].required = whole[i];
	}
out:
	free(b);
	free(rate);
	free(whole);
	return rc;
}

/* ================================================================
 * Cost: integer minor units, rounded half up
 * ================================================================ */

/* round(a * b / d) for a, b >= 0, d > 0; ERR_TOOBIG past int64. */
static int muldiv(int64_t a, int64_t b, int64_t d, int64_t *out)
{
	int64_t p;

	if (__builtin_mul_overflow(a, b, &p) || __builtin_add_overflow(p, d / 2, &p))
		return ERR_TOOBIG;
	*out = p / d;
	return 0;
}

/* The entry of currency cur in res->costs, added if new; NULL past PLAN_MAX_CURRENCIES. */
static struct plan_cost *cost_of(struct plan_result *res, const char *cur)
{
	struct plan_cost *c;

	for (size_t k = 0; k < res->n_costs; k++) {
		if (!strncmp(res->costs[k].currency, cur, sizeof(c->currency)))
			return &res->costs[k];
	}
	if (res->n_costs == PLAN_MAX_CURRENCIES)
		return NULL;
	c = &res->costs[res->n_costs++];
	memcpy(c->currency, cur, sizeof(c->currency));
	c->currency[sizeof(c->currency) - 1] = '\0';
	return c;
}

/*
 * Prices each currency's workers on their own (plan.h): sums[k] and
 * avail[k] are the hourly costs of costs[k]'s workers and of those
 * available. The single-currency fields of res are costs[0]'s when there
 * is one currency.
 */
static int price(const struct plan_worker *w, size_t n_workers, size_t n, int64_t interval_s,
		 struct plan_result *res)
{
	int64_t sums[PLAN_MAX_CURRENCIES] = {0}, avail[PLAN_MAX_CURRENCIES] = {0};
	int64_t hours_den, horizon_s;
	int rc;

	if (n_workers == 0) {
		res->cost_state = PLAN_COST_NO_WORKERS;
		return 0;
	}
	for (size_t i = 0; i < n_workers; i++) {
		struct plan_cost *c = cost_of(res, w[i].currency);
		size_t k;

		if (!c) {
			/* Too many currencies to list: no cost rather than a partial one. */
			res->n_costs = 0;
			res->cost_state = PLAN_COST_MIXED;
			return 0;
		}
		k = (size_t)(c - res->costs);
		c->workers++;
		c->available += w[i].available;
		if (__builtin_add_overflow(sums[k], w[i].cost_minor, &sums[k]) ||
		    (w[i].available && __builtin_add_overflow(avail[k], w[i].cost_minor, &avail[k])))
			return ERR_TOOBIG;
	}
	hours_den = 3600 * (int64_t)n_workers;
	horizon_s = (int64_t)n * interval_s;
	for (size_t k = 0; k < res->n_costs; k++) {
		struct plan_cost *c = &res->costs[k];

		c->avg_cost_minor = (sums[k] + c->workers / 2) / c->workers;
		if ((rc = muldiv(res->worker_seconds, sums[k], hours_den, &c->cost_minor)) ||
		    (rc = muldiv(horizon_s, avail[k], 3600, &c->available_cost_minor)))
			return rc;
	}
	if (res->n_costs > 1) {
		res->cost_state = PLAN_COST_MIXED;
		return 0;
	}
	res->cost_state = PLAN_COST_OK;
	memcpy(res->currency, res->costs[0].currency, sizeof(res->currency));
	res->avg_cost_minor = res->costs[0].avg_cost_minor;
	res->cost_minor = res->costs[0].cost_minor;
	res->available_cost_minor = res->costs[0].available_cost_minor;
	return 0;
}

/* ================================================================
 * The plan
 * ================================================================ */

static bool input_ok(const struct plan_input *in)
{
	if (!in->volume || in->n == 0 || in->interval_s <= 0 || !(in->aht_s > 0) ||
	    !isfinite(in->aht_s) || (in->n_workers && !in->workers))
		return false;
	if (!(in->target.shrinkage >= 0 && in->target.shrinkage < 1))
		return false;
	for (size_t i = 0; i < in->n + in->n_ahead; i++) {
		if (!(in->volume[i] >= 0) || !isfinite(in->volume[i]))
			return false;
		if (in->waiting && (!(in->waiting[i] >= 0) || !isfinite(in->waiting[i])))
			return false;
	}
	for (size_t i = 0; i < in->n_workers; i++) {
		if (in->workers[i].cost_minor < 0)
			return false;
	}
	if (in->model == PLAN_BACKLOG)
		return in->sla_s >= (double)in->interval_s && isfinite(in->sla_s);
	return in->model == PLAN_QUEUE;
}

int plan_advise(const struct plan_worker *workers, size_t n_workers, int64_t interval_s,
		struct plan_interval *iv, size_t n, struct plan_result *res)
{
	long available = 0;

	memset(res, 0, sizeof(*res));
	if (n > PLAN_MAX_INTERVALS || n_workers > PLAN_MAX_WORKERS)
		return ERR_TOOBIG;
	if (n == 0 || interval_s <= 0 || (n_workers && !workers))
		return ERR_INVALID;
	for (size_t i = 0; i < n_workers; i++) {
		if (workers[i].cost_minor < 0)
			return ERR_INVALID;
		available += workers[i].available;
	}
	for (size_t i = 0; i < n; i++) {
		if (iv[i].required < 0)
			return ERR_INVALID;
	}
	res->qualified = (long)n_workers;
	res->available = available;

	for (size_t i = 0; i < n; i++) {
		int64_t s;

		iv[i].available = available;
		iv[i].change = iv[i].required - available;
		if (iv[i].required > res->peak_required)
			res->peak_required = iv[i].required;
		if (iv[i].change > 0)
			res->n_add++;
		else if (iv[i].change < 0)
			res->n_release++;
		else
			res->n_ok++;
		if (__builtin_mul_overflow((int64_t)iv[i].required, interval_s, &s) ||
		    __builtin_add_overflow(res->worker_seconds, s, &res->worker_seconds))
			return ERR_TOOBIG;
	}
	return price(workers, n_workers, n, interval_s, res);
}

int plan_compute(const struct plan_input *in, struct plan_interval *iv, struct plan_result *res)
{
	int rc;

	memset(res, 0, sizeof(*res));
	/* The caps first: input_ok() reads n + n_ahead volumes. */
	if (in->n > PLAN_MAX_INTERVALS || in->n_ahead > PLAN_MAX_INTERVALS ||
	    in->n_workers > PLAN_MAX_WORKERS)
		return ERR_TOOBIG;
	if (!input_ok(in))
		return ERR_INVALID;

	memset(iv, 0, in->n * sizeof(*iv));
	for (size_t i = 0; i < in->n; i++)
		iv[i].volume = in->volume[i];
	rc = in->model == PLAN_QUEUE ? required_queue(in, iv) : required_backlog(in, iv);
	if (rc)
		return rc;
	return plan_advise(in->workers, in->n_workers, in->interval_s, iv, in->n, res);
}
