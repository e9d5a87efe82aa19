/* test_quality.c - quality math: Wilson bounds, AQL plans, consensus; the observations' store. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/model.h"
#include "core/quality.h"
#include "unit.h"
#include "util/err.h"

#define assert_near(x, want, tol)                                                                  \
	do {                                                                                       \
		double x_ = (x), w_ = (want);                                                      \
		if (!(fabs(x_ - w_) <= (tol)))                                                     \
			fail_msg("%s = %.15g, want %.15g +- %g", #x, x_, w_, (double)(tol));       \
	} while (0)

/* ---- Wilson ---- */

/*
 * Computed outside our code, with the closed formula in Python 3:
 *   python3 -c "
 *   import math
 *   z=1.959963984540054
 *   def w(k,n):
 *     p=k/n; d=1+z*z/n; c=(p+z*z/(2*n))/d; h=z/d*math.sqrt(p*(1-p)/n+z*z/(4*n*n))
 *     return max(0,c-h),min(1,c+h)
 *   for k,n in [(0,10),(1,10),(5,10),(10,10),(81,263),(95,100),(1,1),(0,1),(48,50),
 *               (980,1000),(3,7)]:
 *     print('{ %d, %d, %.15f, %.15f },'%((k,n)+w(k,n)))"
 */
static const struct {
	int64_t k, n;
	double lo, hi;
} wilson_py[] = {
    { 0, 10, 0.000000000000000, 0.277532799862889 },
    { 1, 10, 0.017876213095073, 0.404150026795238 },
    { 5, 10, 0.236593090512564, 0.763406909487436 },
    { 10, 10, 0.722467200137111, 1.000000000000000 },
    { 81, 263, 0.255288519878274, 0.366209576982800 },
    { 95, 100, 0.888249530768081, 0.978456320845632 },
    { 1, 1, 0.206549314377237, 1.000000000000000 },
    { 0, 1, 0.000000000000000, 0.793450685622763 },
    { 48, 50, 0.865399093124930, 0.988961115672380 },
    { 980, 1000, 0.969309994770282, 0.987016317083585 },
    { 3, 7, 0.158219855251470, 0.749541635472343 },
};

static void test_wilson_python(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(wilson_py) / sizeof(wilson_py[0]); i++) {
		assert_near(wilson_lower(wilson_py[i].k, wilson_py[i].n, WILSON_Z95), wilson_py[i].lo,
			    1e-12);
		assert_near(wilson_upper(wilson_py[i].k, wilson_py[i].n, WILSON_Z95), wilson_py[i].hi,
			    1e-12);
	}
}

/*
 * Published: R. G. Newcombe, "Two-sided confidence intervals for the single
 * proportion: comparison of seven methods", Statistics in Medicine 17 (1998)
 * 857-872, Table II, method 3 (score interval without continuity correction),
 * 95 %, given to 4 decimals.
 */
static void test_wilson_newcombe(void **state)
{
	(void)state;
	assert_near(wilson_lower(81, 263, 1.96), 0.2553, 5e-5);
	assert_near(wilson_upper(81, 263, 1.96), 0.3662, 5e-5);
	assert_near(wilson_lower(15, 148, 1.96), 0.0624, 5e-5);
	assert_near(wilson_upper(15, 148, 1.96), 0.1605, 5e-5);
	assert_near(wilson_lower(0, 20, 1.96), 0.0000, 5e-5);
	assert_near(wilson_upper(0, 20, 1.96), 0.1611, 5e-5);
	assert_near(wilson_lower(1, 29, 1.96), 0.0061, 5e-5);
	assert_near(wilson_upper(1, 29, 1.96), 0.1718, 5e-5);
}

static void test_wilson_edges(void **state)
{
	(void)state;
	assert_true(wilson_lower(0, 0, WILSON_Z95) == 0.0);
	assert_true(wilson_upper(0, 0, WILSON_Z95) == 1.0);
	assert_true(wilson_lower(3, -1, WILSON_Z95) == 0.0);
	assert_true(wilson_upper(3, -1, WILSON_Z95) == 1.0);
	/* k clamped into [0, n] */
	assert_near(wilson_lower(12, 10, WILSON_Z95), 0.722467200137111, 1e-12);
	assert_near(wilson_upper(-4, 10, WILSON_Z95), 0.277532799862889, 1e-12);
	/* z = 0: the interval is the point p */
	assert_near(wilson_lower(3, 10, 0), 0.3, 1e-15);
	assert_near(wilson_upper(3, 10, 0), 0.3, 1e-15);
	assert_near(wilson_lower(3, 10, NAN), 0.3, 1e-15);
	/* a wider z makes a wider interval, and the bounds bracket p */
	for (int64_t k = 0; k <= 20; k++) {
		double p = (double)k / 20;

		/* (k = 0 leaves rounding dust of about 1e-17 either way) */
		assert_true(wilson_lower(k, 20, 2.576) <= wilson_lower(k, 20, 1.96) + 1e-15);
		assert_true(wilson_upper(k, 20, 2.576) >= wilson_upper(k, 20, 1.96) - 1e-15);
		assert_true(wilson_lower(k, 20, 1.96) <= p && p <= wilson_upper(k, 20, 1.96));
	}
}

/* ---- the observations' store ---- */

struct walked {
	struct quality_obs o[8];
	int n;
};

static int walk_cb(void *ctx, const struct quality_obs *o)
{
	struct walked *w = ctx;

	if (w->n < 8)
		w->o[w->n] = *o;
	w->n++;
	return 0;
}

static int stop_cb(void *ctx, const struct quality_obs *o)
{
	(void)o;
	++*(int *)ctx;
	return 7;
}

static void test_obs_store(void **state)
{
	char dir[128], path[192];
	struct store *s;
	struct walked w = { 0 };
	int stops = 0;
	struct quality_obs in[] = {
	    { .at = 1000, .engagement_id = 3, .worker_id = 5, .item_id = 11, .kind = QOBS_GOLD,
	      .ok = true },
	    { .at = 1001, .engagement_id = 4, .worker_id = 5, .item_id = 12, .kind = QOBS_AGREE,
	      .field = "amount", .ok = false },
	    { .at = 1002, .engagement_id = 3, .worker_id = 6, .item_id = 13, .kind = QOBS_REVIEW,
	      .field = "date", .code = "wrong_value", .ok = false },
	};
	struct quality_obs bad = { .kind = (enum qobs_kind)9 };

	(void)state;
	unit_store_open(dir, sizeof(dir), path, sizeof(path), "ahd_qobs", &s);
	assert_int_equal(store_begin(s), 0);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(store_quality_obs_add(s, &in[i]), 0);
	assert_int_equal(store_quality_obs_add(s, &bad), ERR_INVALID);
	assert_int_equal(store_commit(s), 0);

	assert_int_equal(store_quality_obs_walk(s, 0, walk_cb, &w), 0);
	assert_int_equal(w.n, 3);
	for (int i = 0; i < 3; i++)
		assert_memory_equal(&w.o[i], &in[i], sizeof(in[i]));
	w.n = 0;
	assert_int_equal(store_quality_obs_walk(s, 3, walk_cb, &w), 0);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.o[0].item_id, 11);
	assert_int_equal(w.o[1].item_id, 13);
	assert_string_equal(w.o[1].code, "wrong_value");
	w.n = 0;
	assert_int_equal(store_quality_obs_walk(s, 99, walk_cb, &w), 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(store_quality_obs_walk(s, 0, stop_cb, &stops), 7);
	assert_int_equal(stops, 1);
	store_close(s);
	unit_store_dir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wilson_python),
	    cmocka_unit_test(test_wilson_newcombe),
	    cmocka_unit_test(test_wilson_edges),
	    cmocka_unit_test(test_obs_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
