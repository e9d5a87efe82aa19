/* test_backlog.c - on-time staffing of deferred work: feasibility, minimal peak, exact total. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/backlog.h"
#include "util/err.h"

/* Earliest-due-first with the given workers; true if every batch finishes by its due. */
static bool edf_feasible(const struct backlog_batch *b, size_t nb, size_t n, double interval_s,
			 double productive, const double *workers, double slack)
{
	double *left = calloc(nb ? nb : 1, sizeof(double));
	bool ok = true;

	assert_non_null(left);
	for (size_t i = 0; i < nb; i++)
		left[i] = b[i].items * b[i].handle_s;
	for (size_t t = 0; t < n && ok; t++) {
		double cap = workers[t] * interval_s * productive * (1 + slack);

		while (cap > 0) {
			size_t pick = nb;

			for (size_t i = 0; i < nb; i++) {
				if (left[i] > 0 && (size_t)b[i].release <= t &&
				    (pick == nb || b[i].due < b[pick].due))
					pick = i;
			}
			if (pick == nb)
				break;
			double use = fmin(cap, left[pick]);
			left[pick] -= use;
			cap -= use;
		}
		for (size_t i = 0; i < nb; i++) {
			if ((size_t)b[i].due == t &&
			    left[i] > 1e-6 * (1 + b[i].items * b[i].handle_s))
				ok = false;
		}
	}
	free(left);
	return ok;
}

/* The highest work-per-interval of any window: a lower bound on the peak of any plan. */
static double peak_bound(const struct backlog_batch *b, size_t nb, size_t n, double cap)
{
	double best = 0;

	for (size_t s = 0; s < n; s++) {
		for (size_t e = s; e < n; e++) {
			double w = 0;

			for (size_t i = 0; i < nb; i++) {
				if ((size_t)b[i].release >= s && (size_t)b[i].due <= e)
					w += b[i].items * b[i].handle_s;
			}
			best = fmax(best, w / (double)(e - s + 1) / cap);
		}
	}
	return best;
}

static void check_plan(const struct backlog_batch *b, size_t nb, size_t n, double interval_s,
		       double productive)
{
	double *rate = calloc(n, sizeof(double)), *wd = calloc(n, sizeof(double));
	long *whole = calloc(n, sizeof(long));
	double total = 0, work = 0, peak = 0;

	assert_non_null(rate);
	assert_non_null(wd);
	assert_non_null(whole);
	assert_int_equal(backlog_required(b, nb, n, interval_s, productive, rate, whole), 0);
	for (size_t t = 0; t < n; t++) {
		assert_true(rate[t] >= 0);
		assert_true((double)whole[t] >= rate[t] - 1e-9 && (double)whole[t] < rate[t] + 1);
		total += rate[t] * interval_s * productive;
		peak = fmax(peak, rate[t]);
		wd[t] = (double)whole[t];
	}
	for (size_t i = 0; i < nb; i++)
		work += b[i].items * b[i].handle_s;
	/* Exactly the work, no idle staffing; on time; the lowest possible peak. */
	assert_true(fabs(total - work) <= 1e-9 * (1 + work));
	assert_true(edf_feasible(b, nb, n, interval_s, productive, rate, 1e-9));
	assert_true(edf_feasible(b, nb, n, interval_s, productive, wd, 0));
	assert_true(fabs(peak - peak_bound(b, nb, n, interval_s * productive)) <=
		    1e-9 * (1 + peak));
	free(rate);
	free(wd);
	free(whole);
}

/* 10 forms of 6 minutes, due within four 15-minute intervals: one worker each. */
static void test_hand_example(void **state)
{
	(void)state;
	struct backlog_batch b = {.release = 0, .due = 3, .items = 10, .handle_s = 360};
	double rate[6];
	long whole[6];

	assert_int_equal(backlog_required(&b, 1, 6, 900, 1.0, rate, whole), 0);
	for (int t = 0; t < 4; t++) {
		assert_true(fabs(rate[t] - 1.0) < 1e-12);
		assert_int_equal(whole[t], 1);
	}
	assert_true(rate[4] == 0 && rate[5] == 0);
	/* At 80% productive time the same work needs 1.25 -> 2 rostered workers. */
	assert_int_equal(backlog_required(&b, 1, 6, 900, 0.8, rate, whole), 0);
	assert_true(fabs(rate[0] - 1.25) < 1e-12);
	assert_int_equal(whole[0], 2);
}

/* A tight batch inside a loose one: the tight window is staffed higher, the rest levelled. */
static void test_nested_deadlines(void **state)
{
	(void)state;
	struct backlog_batch b[] = {
	    {.release = 0, .due = 9, .items = 20, .handle_s = 900}, /* 20 worker-intervals */
	    {.release = 2, .due = 3, .items = 10, .handle_s = 900}, /* 10 in two intervals */
	};
	double rate[10];

	assert_int_equal(backlog_required(b, 2, 10, 900, 1.0, rate, NULL), 0);
	assert_true(fabs(rate[2] - 5) < 1e-12 && fabs(rate[3] - 5) < 1e-12);
	for (int t = 0; t < 10; t++) {
		if (t != 2 && t != 3)
			assert_true(fabs(rate[t] - 2.5) < 1e-12);
	}
	check_plan(b, 2, 10, 900, 1.0);
}

/* Two days of 15-minute intervals, daytime arrivals, 24-hour SLA. */
static void test_daily_sla(void **state)
{
	(void)state;
	enum { N = 192 };
	double arr[N];
	struct backlog_batch b[N];

	for (int t = 0; t < N; t++) {
		int h = (t % 96) / 4;
		arr[t] = (h >= 8 && h < 18) ? 30 + 10 * sin(t * 0.3) : 2;
	}
	assert_int_equal(backlog_from_arrivals(arr, N, 900, 420, 86400, b), 0);
	assert_int_equal(b[0].due, 95);
	assert_int_equal(b[150].due, N - 1); /* clamped to the horizon */
	check_plan(b, N, N, 900, 0.85);
}

/* Random batches with mixed SLAs (deadlines not in arrival order). */
static void test_random_mixed(void **state)
{
	(void)state;
	enum { N = 60, NB = 80 };
	struct backlog_batch b[NB];
	uint32_t x = 12345;

	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < NB; i++) {
			x = x * 1103515245u + 12345u;
			int r = (int)((x >> 8) % N);
			x = x * 1103515245u + 12345u;
			int len = (int)((x >> 8) % 12);
			x = x * 1103515245u + 12345u;
			b[i] = (struct backlog_batch){.release = r,
						      .due = r + len < N ? r + len : N - 1,
						      .items = (double)((x >> 8) % 50) / 3.0,
						      .handle_s = 60 + (double)((x >> 4) % 600)};
		}
		check_plan(b, NB, N, 1800, 0.9);
	}
}

static void test_invalid(void **state)
{
	(void)state;
	struct backlog_batch b = {.release = 3, .due = 2, .items = 1, .handle_s = 60};
	double rate[4], arr[4] = {1, 2, 3, 4};
	struct backlog_batch out[4];

	assert_int_equal(backlog_required(&b, 1, 4, 900, 1, rate, NULL), ERR_INVALID);
	b = (struct backlog_batch){.release = 0, .due = 4, .items = 1, .handle_s = 60};
	assert_int_equal(backlog_required(&b, 1, 4, 900, 1, rate, NULL), ERR_INVALID);
	b.due = 3;
	b.items = NAN;
	assert_int_equal(backlog_required(&b, 1, 4, 900, 1, rate, NULL), ERR_INVALID);
	b.items = 1;
	assert_int_equal(backlog_required(&b, 1, 4, 900, 0, rate, NULL), ERR_INVALID);
	assert_int_equal(backlog_required(&b, 1, 0, 900, 1, rate, NULL), ERR_INVALID);
	assert_int_equal(backlog_required(&b, 1, BACKLOG_MAX_INTERVALS + 1, 900, 1, NULL, NULL),
			 ERR_TOOBIG);
	/* An SLA shorter than one interval cannot be planned at this granularity. */
	assert_int_equal(backlog_from_arrivals(arr, 4, 900, 60, 600, out), ERR_INVALID);
	/* No work: all zero. */
	assert_int_equal(backlog_required(NULL, 0, 4, 900, 1, rate, NULL), 0);
	for (int t = 0; t < 4; t++)
		assert_true(rate[t] == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hand_example), cmocka_unit_test(test_nested_deadlines),
	    cmocka_unit_test(test_daily_sla),	 cmocka_unit_test(test_random_mixed),
	    cmocka_unit_test(test_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
