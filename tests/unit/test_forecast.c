/* test_forecast.c - double-seasonal Holt-Winters recovers a synthetic series; fallbacks. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/forecast.h"
#include "util/err.h"

enum { M1 = 48, M2 = 336 };

static uint64_t rng = 88172645463325252ull;

/* Roughly normal noise from a sum of uniforms (xorshift), deterministic. */
static double noise(void)
{
	double s = 0;

	for (int i = 0; i < 12; i++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		s += (double)(rng >> 11) / 9007199254740992.0;
	}
	return s - 6;
}

/* Half-hourly volumes: a daily shape, quieter weekends, a slow trend. */
static double truth(size_t t)
{
	double hour = (double)(t % M1) / 2, day = (double)((t / M1) % 7);
	double shape = hour < 7 || hour > 21 ? 10 : 60 + 50 * sin(M_PI * (hour - 7) / 14);

	if (day >= 5)
		shape *= 0.45;
	return shape + 0.01 * (double)t;
}

static void test_recovers_double_seasonal(void **state)
{
	(void)state;
	enum { WEEKS = 6, N = WEEKS * M2, H = M2 };
	double *y = malloc(N * sizeof(double)), *fc = malloc(H * sizeof(double));
	double *want = malloc(H * sizeof(double));
	struct forecast_fit fit;

	assert_non_null(y);
	assert_non_null(fc);
	assert_non_null(want);
	for (size_t t = 0; t < N; t++)
		y[t] = fmax(0, truth(t) + 3 * noise());
	for (size_t k = 0; k < H; k++)
		want[k] = truth(N + k);

	assert_int_equal(forecast_fit(y, N, M1, M2, fc, H, &fit), 0);
	assert_int_equal(fit.method, FORECAST_DSHW);
	assert_int_equal(fit.holdout, M2);
	assert_true(fit.wape < 0.08);
	/* Against the noise-free future the forecast is close: noise is ~5% of the mean. */
	double w = forecast_wape(want, fc, H);
	assert_true(w < 0.05);
	/* Weekends stay low, working days high: the weekly season was learned. */
	assert_true(fc[5 * M1 + 26] < 0.6 * fc[2 * M1 + 26]);
	free(y);
	free(fc);
	free(want);
}

static void test_noiseless_is_exact(void **state)
{
	(void)state;
	enum { N = 3 * M2, H = 100 };
	double y[N], fc[H];
	struct forecast_params p = {.alpha = 0.1, .gamma = 0.1, .omega = 0.1};

	for (size_t t = 0; t < N; t++)
		y[t] = truth(t) - 0.01 * (double)t; /* purely seasonal */
	assert_int_equal(forecast_dshw(y, N, M1, M2, &p, fc, H), 0);
	for (size_t k = 0; k < H; k++)
		assert_true(fabs(fc[k] - y[(N + k) - M2]) < 1e-9);
}

static void test_fallbacks(void **state)
{
	(void)state;
	double y[M2 + M2 / 2], fc[M1];
	struct forecast_fit fit;

	for (size_t t = 0; t < sizeof(y) / sizeof(y[0]); t++)
		y[t] = truth(t);
	/* A week and a half: the same interval last week. */
	assert_int_equal(forecast_fit(y, M2 + M2 / 2, M1, M2, fc, M1, &fit), 0);
	assert_int_equal(fit.method, FORECAST_SNAIVE_WEEK);
	assert_int_equal(fit.holdout, M1);
	assert_true(isfinite(fit.wape) && fit.wape >= 0);
	for (size_t k = 0; k < M1; k++)
		assert_true(fc[k] == y[M2 + M2 / 2 - M2 + k]);
	/* Three days: yesterday. */
	assert_int_equal(forecast_fit(y, 3 * M1, M1, M2, fc, M1, &fit), 0);
	assert_int_equal(fit.method, FORECAST_SNAIVE_DAY);
	assert_true(isfinite(fit.wape));
	for (size_t k = 0; k < M1; k++)
		assert_true(fc[k] == y[2 * M1 + k]);
	/* Exactly a day: yesterday, but nothing left to score it on. */
	assert_int_equal(forecast_fit(y, M1, M1, M2, fc, M1, &fit), 0);
	assert_int_equal(fit.method, FORECAST_SNAIVE_DAY);
	assert_int_equal(fit.holdout, 0);
	assert_true(isnan(fit.wape));
	/* A few points: their mean. */
	assert_int_equal(forecast_fit(y, 10, M1, M2, fc, 4, &fit), 0);
	assert_int_equal(fit.method, FORECAST_MEAN);
	assert_true(fc[0] > 0 && fc[0] == fc[3]);
	/* No history at all is a mean of nothing: zero, not an error. */
	assert_int_equal(forecast_fit(y, 0, M1, M2, fc, 4, &fit), 0);
	assert_true(fc[0] == 0);
}

static void test_wape_and_invalid(void **state)
{
	(void)state;
	double a[3] = {10, 0, 30}, f[3] = {12, 1, 27}, z[3] = {0, 0, 0}, fc[4];
	struct forecast_fit fit;
	struct forecast_params p = {.alpha = 2};

	assert_true(fabs(forecast_wape(a, f, 3) - 6.0 / 40.0) < 1e-15);
	assert_true(isnan(forecast_wape(z, f, 3)));
	assert_int_equal(forecast_fit(a, 3, 48, 100, fc, 4, &fit), ERR_INVALID); /* 100 % 48 */
	assert_int_equal(forecast_fit(a, 3, 0, 336, fc, 4, &fit), ERR_INVALID);
	a[1] = NAN;
	assert_int_equal(forecast_fit(a, 3, 48, 336, fc, 4, &fit), ERR_INVALID);
	assert_int_equal(forecast_dshw(z, 3, 1, 2, &p, fc, 4), ERR_INVALID);
	assert_int_equal(forecast_fit(z, 3, 48, 336, fc, (size_t)FORECAST_MAX_POINTS + 1, &fit),
			 ERR_TOOBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_recovers_double_seasonal),
	    cmocka_unit_test(test_noiseless_is_exact),
	    cmocka_unit_test(test_fallbacks),
	    cmocka_unit_test(test_wape_and_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
