/* test_plan.c - staffing plans: the model chosen, required workers, advice, integer cost, and
 * the forecast path from synthetic history. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/erlang.h"
#include "core/forecast.h"
#include "core/plan.h"
#include "util/err.h"

static struct plan_worker usd(int64_t cost, bool available)
{
	return (struct plan_worker){.cost_minor = cost, .currency = "USD", .available = available};
}

static void test_model_choice(void **state)
{
	enum plan_model m;

	(void)state;
	assert_int_equal(plan_model_for(20, 900), PLAN_QUEUE);
	assert_int_equal(plan_model_for(900, 900), PLAN_BACKLOG);
	assert_int_equal(plan_model_for(86400, 900), PLAN_BACKLOG);
	assert_int_equal(plan_model_parse("backlog", &m), 0);
	assert_int_equal(m, PLAN_BACKLOG);
	assert_int_equal(plan_model_parse("erlang_c", &m), 0);
	assert_int_equal(m, PLAN_QUEUE);
	assert_int_equal(plan_model_parse("erlang", &m), ERR_INVALID);
	assert_string_equal(plan_model_name(PLAN_QUEUE), "erlang_c");
	assert_string_equal(plan_model_name(PLAN_BACKLOG), "backlog");
}

/* The published check of issue 4 through the plan: 100 per 30 min, AHT 180 s, 80/20, 30%. */
static void test_queue_matches_erlang(void **state)
{
	double vol[3] = {100, 25 * 3, 0};
	struct plan_worker w[16];
	struct plan_interval iv[3];
	struct plan_result res;
	struct plan_input in = {
	    .model = PLAN_QUEUE,
	    .volume = vol,
	    .n = 3,
	    .interval_s = 1800,
	    .aht_s = 180,
	    .target = {.service_level = 0.8, .sl_time_s = 20, .max_occupancy = 1, .shrinkage = 0.3},
	    .workers = w,
	    .n_workers = 16,
	};
	struct erlang_load load = {.contacts = 75, .interval_s = 1800, .aht_s = 180};
	struct erlang_plan ep;

	(void)state;
	for (int i = 0; i < 16; i++)
		w[i] = usd(1000, i < 15); /* 15 available, 1 away */
	assert_int_equal(plan_compute(&in, iv, &res), 0);
	assert_int_equal(iv[0].required, 20); /* 14 on the phones, 20 scheduled */
	assert_true(fabs(iv[0].load - 10.0) < 1e-12);
	assert_int_equal(erlang_required(&load, &in.target, &ep), 0);
	assert_int_equal(iv[1].required, ep.scheduled);
	assert_int_equal(iv[2].required, 0);
	assert_int_equal(res.qualified, 16);
	assert_int_equal(res.available, 15);
	assert_int_equal(iv[0].change, 5);
	assert_string_equal(plan_advice(&iv[0]), "add");
	assert_string_equal(plan_advice(&iv[2]), "release");
	assert_int_equal(iv[2].change, -15);
	assert_int_equal(res.peak_required, 20);
	assert_int_equal(res.n_add + res.n_release + res.n_ok, 3);
	assert_int_equal(res.n_add, 1 + (ep.scheduled > 15));
	/* Cost: (20 + scheduled + 0) half-hours at 10.00 an hour. */
	assert_int_equal(res.worker_seconds, (20 + ep.scheduled) * 1800);
	assert_int_equal(res.cost_minor, (20 + ep.scheduled) * 500);
	assert_int_equal(res.available_cost_minor, 15 * 1000 * 3 / 2);
	assert_string_equal(res.currency, "USD");
}

static void test_backlog_required(void **state)
{
	/* 12 items of 300 s per hour = one worker-hour per hour; SLA one hour: no smoothing. */
	double vol[4] = {12, 24, 0, 12};
	struct plan_worker w[2] = {usd(900, true), usd(900, true)};
	struct plan_interval iv[4];
	struct plan_result res;
	struct plan_input in = {
	    .model = PLAN_BACKLOG,
	    .volume = vol,
	    .n = 4,
	    .interval_s = 3600,
	    .aht_s = 300,
	    .sla_s = 3600,
	    .workers = w,
	    .n_workers = 2,
	};

	(void)state;
	assert_int_equal(plan_compute(&in, iv, &res), 0);
	assert_int_equal(iv[0].required, 1);
	assert_int_equal(iv[1].required, 2);
	assert_int_equal(iv[2].required, 0);
	assert_int_equal(iv[3].required, 1);
	assert_string_equal(plan_advice(&iv[0]), "release");
	assert_string_equal(plan_advice(&iv[1]), "ok");
	assert_int_equal(res.n_ok, 1);
	assert_int_equal(res.n_release, 3);
	/* Half the time productive: twice the workers. */
	in.target.shrinkage = 0.5;
	assert_int_equal(plan_compute(&in, iv, &res), 0);
	assert_int_equal(iv[1].required, 4);
	assert_string_equal(plan_advice(&iv[1]), "add");
	assert_int_equal(iv[1].change, 2);
	/* A two-hour SLA smooths the peak: 3 worker-hours due within hours 0-2, one each. */
	in.target.shrinkage = 0;
	in.sla_s = 7200;
	assert_int_equal(plan_compute(&in, iv, &res), 0);
	for (int i = 0; i < 4; i++) {
		assert_true(fabs(iv[i].load - 1.0) < 1e-9);
		assert_int_equal(iv[i].required, 1);
	}
	assert_int_equal(res.worker_seconds, 4 * 3600);
}

/* Looking past the horizon lets the last arrivals finish after it instead of inside it. */
static void test_backlog_looks_ahead(void **state)
{
	double vol[6] = {0, 0, 48, 0, 0, 0};
	struct plan_interval iv[3];
	struct plan_result res;
	struct plan_input in = {
	    .model = PLAN_BACKLOG,
	    .volume = vol,
	    .n = 3,
	    .interval_s = 3600,
	    .aht_s = 300, /* 4 worker-hours */
	    .sla_s = 4 * 3600,
	};

	(void)state;
	assert_int_equal(plan_compute(&in, iv, &res), 0);
	assert_int_equal(iv[2].required, 4); /* clamped to the horizon's end */
	in.n_ahead = 3;
	assert_int_equal(plan_compute(&in, iv, &res), 0);
	assert_true(fabs(iv[2].load - 1.0) < 1e-9);
	assert_int_equal(iv[2].required, 1);
	assert_int_equal(res.worker_seconds, 3600); /* only the horizon is priced */
	assert_int_equal(res.cost_state, PLAN_COST_NO_WORKERS);
	assert_string_equal(plan_cost_state_name(res.cost_state), "no_workers");
}

static void test_cost_integer_and_rounded(void **state)
{
	double vol[1] = {12};
	struct plan_worker w[3] = {usd(1000, true), usd(1001, false), usd(0, false)};
	struct plan_interval iv[1];
	struct plan_result res;
	struct plan_input in = {
	    .model = PLAN_BACKLOG,
	    .volume = vol,
	    .n = 1,
	    .interval_s = 3600,
	    .aht_s = 300,
	    .sla_s = 3600,
	    .workers = w,
	    .n_workers = 2,
	};

	(void)state;
	/* One worker-hour at (1000 + 1001) / 2 = 1000.5 -> 1001 (half up). */
	assert_int_equal(plan_compute(&in, iv, &res), 0);
	assert_int_equal(res.cost_minor, 1001);
	assert_int_equal(res.avg_cost_minor, 1001);
	assert_int_equal(res.available_cost_minor, 1000);
	/* Three workers: 2001 / 3 = 667 an hour. */
	in.n_workers = 3;
	assert_int_equal(plan_compute(&in, iv, &res), 0);
	assert_int_equal(res.cost_minor, 667);
	assert_int_equal(res.n_costs, 1);
	assert_int_equal(res.costs[0].cost_minor, 667);
	/* Mixed currencies are not averaged together: each is priced on its own. */
	memcpy(w[2].currency, "EUR", 4);
	assert_int_equal(plan_compute(&in, iv, &res), 0);
	assert_int_equal(res.cost_state, PLAN_COST_MIXED);
	assert_int_equal(res.cost_minor, 0);
	assert_int_equal(res.worker_seconds, 3600);
	assert_int_equal(res.n_costs, 2);
	assert_string_equal(res.costs[0].currency, "USD");
	assert_int_equal(res.costs[0].workers, 2);
	assert_int_equal(res.costs[0].available, 1);
	assert_int_equal(res.costs[0].avg_cost_minor, 1001); /* 1000.5 half up */
	/* USD's two of three workers take 2/3 of the hour: 3600 * 2001 / (3600 * 3) = 667. */
	assert_int_equal(res.costs[0].cost_minor, 667);
	assert_int_equal(res.costs[0].available_cost_minor, 1000);
	assert_string_equal(res.costs[1].currency, "EUR");
	assert_int_equal(res.costs[1].workers, 1);
	assert_int_equal(res.costs[1].cost_minor, 0);
	assert_int_equal(res.costs[1].available_cost_minor, 0);
	/* A cost past int64 is refused, not wrapped. */
	memcpy(w[2].currency, "USD", 4);
	w[0].cost_minor = INT64_MAX / 2;
	w[1].cost_minor = INT64_MAX / 2;
	in.n_workers = 2;
	assert_int_equal(plan_compute(&in, iv, &res), ERR_TOOBIG);
}

/* Past PLAN_MAX_CURRENCIES the plan gives no cost rather than a partial one. */
static void test_cost_many_currencies(void **state)
{
	struct plan_worker w[PLAN_MAX_CURRENCIES + 1];
	struct plan_interval iv[1] = {{.required = 2}};
	struct plan_result res;

	(void)state;
	for (size_t i = 0; i < PLAN_MAX_CURRENCIES + 1; i++) {
		w[i] = usd(1000, true);
		w[i].currency[0] = (char)('A' + i);
	}
	assert_int_equal(plan_advise(w, PLAN_MAX_CURRENCIES, 3600, iv, 1, &res), 0);
	assert_int_equal(res.n_costs, PLAN_MAX_CURRENCIES);
	/* Each of 16 workers takes 1/16 of two worker-hours at 10.00: 1.25 -> 125. */
	assert_int_equal(res.costs[3].cost_minor, 125);
	assert_int_equal(plan_advise(w, PLAN_MAX_CURRENCIES + 1, 3600, iv, 1, &res), 0);
	assert_int_equal(res.cost_state, PLAN_COST_MIXED);
	assert_int_equal(res.n_costs, 0);
}

/*
 * plan_advise() is plan_compute()'s second half: summing two engagements'
 * required counts and advising on the sum gives what the per-skill plan
 * reports, and advising an engagement's own counts gives its own result.
 */
static void test_advise_sums(void **state)
{
	double va[4] = {100, 0, 400, 50}, vb[4] = {10, 300, 0, 50};
	struct plan_worker w[2] = {usd(900, true), usd(1100, false)};
	struct plan_interval a[4], b[4], sum[4], again[4];
	struct plan_result ra, rb, rs, rr;
	struct plan_input in = {
	    .model = PLAN_QUEUE,
	    .n = 4,
	    .interval_s = 1800,
	    .aht_s = 180,
	    .target = {.service_level = 0.8, .sl_time_s = 20, .max_occupancy = 1},
	    .workers = w,
	    .n_workers = 2,
	};

	(void)state;
	in.volume = va;
	assert_int_equal(plan_compute(&in, a, &ra), 0);
	in.volume = vb;
	assert_int_equal(plan_compute(&in, b, &rb), 0);
	memcpy(again, a, sizeof(again));
	assert_int_equal(plan_advise(w, 2, 1800, again, 4, &rr), 0);
	assert_memory_equal(&rr, &ra, sizeof(rr));
	assert_memory_equal(again, a, sizeof(again));

	memset(sum, 0, sizeof(sum));
	for (int i = 0; i < 4; i++) {
		sum[i].volume = a[i].volume + b[i].volume;
		sum[i].required = a[i].required + b[i].required;
	}
	assert_int_equal(plan_advise(w, 2, 1800, sum, 4, &rs), 0);
	assert_int_equal(rs.qualified, 2);
	assert_int_equal(rs.available, 1);
	assert_int_equal(rs.worker_seconds, ra.worker_seconds + rb.worker_seconds);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(sum[i].available, 1);
		assert_int_equal(sum[i].change, a[i].required + b[i].required - 1);
	}
	assert_int_equal(rs.n_add + rs.n_release + rs.n_ok, 4);
	/* Priced at the average of 900 and 1100 an hour. */
	assert_int_equal(rs.cost_minor, rs.worker_seconds * 1000 / 3600);
	assert_int_equal(rs.available_cost_minor, 2 * 900);

	/* No workers: every interval adds its required count, nothing is priced. */
	assert_int_equal(plan_advise(NULL, 0, 1800, sum, 4, &rs), 0);
	assert_int_equal(rs.cost_state, PLAN_COST_NO_WORKERS);
	assert_int_equal(sum[0].change, sum[0].required);
	/* Bad input. */
	sum[1].required = -1;
	assert_int_equal(plan_advise(w, 2, 1800, sum, 4, &rs), ERR_INVALID);
	sum[1].required = 0;
	assert_int_equal(plan_advise(w, 2, 0, sum, 4, &rs), ERR_INVALID);
	assert_int_equal(plan_advise(w, 2, 1800, sum, 0, &rs), ERR_INVALID);
	assert_int_equal(plan_advise(w, 2, 1800, sum, PLAN_MAX_INTERVALS + 1, &rs), ERR_TOOBIG);
}

static void test_invalid(void **state)
{
	double vol[2] = {1, 1};
	struct plan_interval iv[2];
	struct plan_result res;
	struct plan_input ok = {
	    .model = PLAN_BACKLOG, .volume = vol, .n = 2, .interval_s = 900, .aht_s = 60,
	    .sla_s = 900};
	struct plan_input in;

	(void)state;
	assert_int_equal(plan_compute(&ok, iv, &res), 0);
	in = ok, in.sla_s = 600;
	assert_int_equal(plan_compute(&in, iv, &res), ERR_INVALID);
	in = ok, in.aht_s = 0;
	assert_int_equal(plan_compute(&in, iv, &res), ERR_INVALID);
	in = ok, in.n = 0;
	assert_int_equal(plan_compute(&in, iv, &res), ERR_INVALID);
	in = ok, in.target.shrinkage = 1;
	assert_int_equal(plan_compute(&in, iv, &res), ERR_INVALID);
	in = ok, in.interval_s = 0;
	assert_int_equal(plan_compute(&in, iv, &res), ERR_INVALID);
	vol[1] = NAN;
	assert_int_equal(plan_compute(&ok, iv, &res), ERR_INVALID);
	vol[1] = -1;
	assert_int_equal(plan_compute(&ok, iv, &res), ERR_INVALID);
	vol[1] = 1;
	/* Erlang C needs a service-level target. */
	in = ok, in.model = PLAN_QUEUE;
	assert_int_equal(plan_compute(&in, iv, &res), ERR_INVALID);
	in.target = (struct erlang_target){.service_level = 0.8, .sl_time_s = 20,
					   .max_occupancy = 1};
	assert_int_equal(plan_compute(&in, iv, &res), 0);
	in = ok, in.n = PLAN_MAX_INTERVALS + 1;
	assert_int_equal(plan_compute(&in, iv, &res), ERR_TOOBIG);
}

/* ================================================================
 * The forecast path: synthetic history -> forecast -> plan
 * ================================================================ */

#define M1 24
#define M2 (7 * M1)

/* Office hours on weekdays, a quiet weekend, a little noise. */
static double synthetic(size_t t)
{
	size_t hour = t % M1, day = (t / M1) % 7;
	double base = (hour >= 8 && hour < 18) ? 60 : 6;

	if (day >= 5)
		base /= 3;
	return base + (double)((t * 7919) % 5) - 2;
}

static void test_forecast_then_plan(void **state)
{
	size_t n = 5 * M2, h = 2 * M1;
	double *y = malloc(n * sizeof(double)), *fc = malloc(h * sizeof(double));
	struct plan_interval *iv = calloc(h, sizeof(*iv));
	struct plan_worker w[8];
	struct forecast_fit fit;
	struct plan_result res;
	struct plan_input in = {
	    .model = PLAN_QUEUE,
	    .n = h,
	    .interval_s = 3600,
	    .aht_s = 240,
	    .target = {.service_level = 0.8, .sl_time_s = 60, .max_occupancy = 0.9},
	    .workers = w,
	    .n_workers = 8,
	};

	(void)state;
	assert_non_null(y);
	assert_non_null(fc);
	assert_non_null(iv);
	for (size_t t = 0; t < n; t++)
		y[t] = synthetic(t);
	for (int i = 0; i < 8; i++)
		w[i] = usd(1200, true);
	assert_int_equal(forecast_fit(y, n, M1, M2, fc, h, &fit), 0);
	assert_int_equal(fit.method, FORECAST_DSHW);
	assert_true(fit.wape < 0.1);
	in.volume = fc;
	assert_int_equal(plan_compute(&in, iv, &res), 0);
	/* n = 5 weeks: the horizon starts on a Monday at midnight. */
	for (size_t t = 0; t < h; t++) {
		size_t hour = t % M1;

		assert_true(fabs(iv[t].volume - synthetic(n + t)) < 10);
		if (hour >= 8 && hour < 18)
			assert_true(iv[t].required >= 6); /* 60 per hour x 4 min = 4 Erlangs */
		else
			assert_true(iv[t].required <= 3);
		assert_int_equal(iv[t].change, iv[t].required - 8);
	}
	assert_true(res.n_add + res.n_release + res.n_ok == h);
	assert_int_equal(res.cost_minor, res.worker_seconds / 3600 * 1200);

	/* Three days of history: yesterday's volumes, and the plan follows them. */
	assert_int_equal(forecast_fit(y, 3 * M1, M1, M2, fc, h, &fit), 0);
	assert_int_equal(fit.method, FORECAST_SNAIVE_DAY);
	assert_true(fc[9] > fc[3]);
	assert_int_equal(plan_compute(&in, iv, &res), 0);
	assert_true(iv[9].required > iv[3].required);

	/* No history: zero volume, zero required, every interval releases. */
	assert_int_equal(forecast_fit(y, 0, M1, M2, fc, h, &fit), 0);
	assert_int_equal(fit.method, FORECAST_MEAN);
	assert_true(isnan(fit.wape));
	assert_int_equal(plan_compute(&in, iv, &res), 0);
	assert_int_equal(res.peak_required, 0);
	assert_int_equal(res.n_release, h);
	assert_int_equal(res.cost_minor, 0);
	free(y);
	free(fc);
	free(iv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_model_choice),
	    cmocka_unit_test(test_queue_matches_erlang),
	    cmocka_unit_test(test_backlog_required),
	    cmocka_unit_test(test_backlog_looks_ahead),
	    cmocka_unit_test(test_cost_integer_and_rounded),
	    cmocka_unit_test(test_cost_many_currencies),
	    cmocka_unit_test(test_advise_sums),
	    cmocka_unit_test(test_invalid),
	    cmocka_unit_test(test_forecast_then_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
