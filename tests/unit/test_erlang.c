/* test_erlang.c - Erlang B, C and A against published figures and brute-force models. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/erlang.h"
#include "util/err.h"

#define assert_near(x, want, tol)                                                                  \
	do {                                                                                       \
		double x_ = (x), w_ = (want);                                                      \
		if (!(fabs(x_ - w_) <= (tol)))                                                     \
			fail_msg("%s = %.10g, want %.10g +- %g", #x, x_, w_, (double)(tol));       \
	} while (0)

static struct erlang_load load_c(double contacts, double interval, double aht)
{
	return (struct erlang_load){
	    .contacts = contacts, .interval_s = interval, .aht_s = aht, .model = ERLANG_C};
}

static struct erlang_load load_a(double contacts, double interval, double aht, double patience)
{
	return (struct erlang_load){.contacts = contacts,
				    .interval_s = interval,
				    .aht_s = aht,
				    .patience_s = patience,
				    .model = ERLANG_A};
}

static struct erlang_target target(double sl, double t, double occ, double shrink)
{
	return (struct erlang_target){
	    .service_level = sl, .sl_time_s = t, .max_occupancy = occ, .shrinkage = shrink};
}

/* ---- the published checks of issue 4 ---------------------------------- */

/* 100 contacts per 30 minutes, AHT 180 s, 80/20 -> 14 agents, 20 scheduled at 30%. */
static void test_published_100_per_30m(void **state)
{
	(void)state;
	struct erlang_load l = load_c(100, 1800, 180);
	struct erlang_target t = target(0.80, 20, 1.0, 0.30);
	struct erlang_plan p;

	assert_int_equal(erlang_required(&l, &t, &p), 0);
	assert_int_equal(p.agents, 14);
	assert_int_equal(p.scheduled, 20);
	assert_int_equal(p.limit, ERLANG_LIMIT_SERVICE_LEVEL);
	assert_near(p.at.traffic, 10.0, 1e-12);
	assert_near(p.at.p_wait, 0.1741319, 5e-8);
	assert_near(p.at.service_level, 0.88835, 5e-6);
	assert_near(p.at.asa_s, 7.836, 5e-4);
	assert_near(p.at.occupancy, 0.714, 5e-4);
	assert_near(p.at.p_abandon, 0.0, 0);
}

/* Same load with 11 agents: P(wait) 0.6821182, service level 0.3896138. */
static void test_published_11_agents(void **state)
{
	(void)state;
	struct erlang_load l = load_c(100, 1800, 180);
	struct erlang_metrics m;
	double c;

	assert_int_equal(erlang_metrics(&l, 11, 20, &m), 0);
	assert_near(m.p_wait, 0.6821182, 5e-8);
	assert_near(m.service_level, 0.3896138, 5e-8);
	assert_int_equal(erlang_c(10.0, 11, &c), 0);
	assert_near(c, 0.6821182, 5e-8);
}

/* 1,000 per hour, AHT 120 s, 80/20, occupancy <= 85%, 30% -> 40 agents (cap), 58. */
static void test_published_occupancy_cap(void **state)
{
	(void)state;
	struct erlang_load l = load_c(1000, 3600, 120);
	struct erlang_target t = target(0.80, 20, 0.85, 0.30);
	struct erlang_plan p, free_p;

	assert_int_equal(erlang_required(&l, &t, &p), 0);
	assert_int_equal(p.agents, 40);
	assert_int_equal(p.scheduled, 58);
	assert_int_equal(p.limit, ERLANG_LIMIT_OCCUPANCY);
	assert_true(p.at.occupancy <= 0.85);

	/* Without the cap the service level alone asks for fewer. */
	t.max_occupancy = 1.0;
	assert_int_equal(erlang_required(&l, &t, &free_p), 0);
	assert_true(free_p.agents < 40);
	assert_int_equal(free_p.limit, ERLANG_LIMIT_SERVICE_LEVEL);
}

/* 25 per 600 s, AHT 180 s, 80/20, 30% -> 11 agents, 16 scheduled. */
static void test_published_25_per_600s(void **state)
{
	(void)state;
	struct erlang_load l = load_c(25, 600, 180);
	struct erlang_target t = target(0.80, 20, 1.0, 0.30);
	struct erlang_plan p;

	assert_int_equal(erlang_required(&l, &t, &p), 0);
	assert_near(p.at.traffic, 7.5, 1e-12);
	assert_int_equal(p.agents, 11);
	assert_int_equal(p.scheduled, 16);
}

static void test_scheduled_rounding(void **state)
{
	(void)state;
	long s;

	assert_int_equal(erlang_scheduled(14, 0.30, &s), 0);
	assert_int_equal(s, 20);
	assert_int_equal(erlang_scheduled(7, 0.30, &s), 0);
	assert_int_equal(s, 10);
	assert_int_equal(erlang_scheduled(15, 0.30, &s), 0);
	assert_int_equal(s, 22);
	assert_int_equal(erlang_scheduled(5, 0, &s), 0);
	assert_int_equal(s, 5);
	assert_int_equal(erlang_scheduled(5, 1.0, &s), ERR_INVALID);
	assert_int_equal(erlang_scheduled(-1, 0.1, &s), ERR_INVALID);
}

/* ---- Erlang B and C against the plain forward recursion ---------------- */

static void test_b_matches_forward_recursion(void **state)
{
	(void)state;
	const double loads[] = {0.3, 1.0, 7.25, 50.5, 1234.5, 9999.9};

	for (size_t i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
		double a = loads[i], fwd = 1.0;
		long top = (long)(a + 12 * sqrt(a) + 40);

		for (long n = 1; n <= top; n++) {
			double b;

			fwd = a * fwd / ((double)n + a * fwd);
			assert_int_equal(erlang_b(a, n, &b), 0);
			if (fwd > 1e-300 && fabs(b - fwd) > 1e-12 * fwd)
				fail_msg("B(%ld, %g) = %.17g, forward %.17g", n, a, b, fwd);
		}
	}
}

static void test_non_integer_traffic(void **state)
{
	(void)state;
	for (long n = 12; n < 30; n++) {
		double c10, c105, c11;

		assert_int_equal(erlang_c(10.0, n, &c10), 0);
		assert_int_equal(erlang_c(10.5, n, &c105), 0);
		assert_int_equal(erlang_c(11.0, n, &c11), 0);
		assert_true(c10 < c105 && c105 < c11);
	}
	/* Fractional contacts are legal and give fractional traffic. */
	struct erlang_load l = load_c(33.3, 900, 97);
	struct erlang_target t = target(0.9, 15, 1.0, 0.0);
	struct erlang_plan p;
	struct erlang_metrics m;

	assert_int_equal(erlang_required(&l, &t, &p), 0);
	assert_true(p.agents > p.at.traffic);
	assert_true(p.at.service_level >= 0.9);
	assert_int_equal(erlang_metrics(&l, p.agents - 1, 15, &m), 0);
	assert_true(m.service_level < 0.9);
}

static void test_stability_1e5_erlangs(void **state)
{
	(void)state;
	/* 1e6 contacts per 30 minutes at 180 s is 1e5 Erlangs. */
	struct erlang_load l = load_c(1e6, 1800, 180);
	struct erlang_target t = target(0.80, 20, 1.0, 0.30);
	struct erlang_plan p;
	struct erlang_metrics m;
	double b;

	assert_int_equal(erlang_required(&l, &t, &p), 0);
	assert_near(p.at.traffic, 1e5, 1e-6);
	assert_true(p.agents > 100000 && p.agents < 100000 + 3 * 316);
	assert_true(isfinite(p.at.p_wait) && p.at.p_wait > 0 && p.at.p_wait < 1);
	assert_true(p.at.service_level >= 0.8 && p.at.service_level < 1);
	assert_true(isfinite(p.at.asa_s) && p.at.asa_s >= 0 && p.at.asa_s < 20);
	assert_int_equal(erlang_metrics(&l, p.agents - 1, 20, &m), 0);
	assert_true(m.service_level < 0.8);

	/* B(a, a) ~ 1 / (sqrt(pi a / 2) + 2/3) at large a. */
	assert_int_equal(erlang_b(1e5, 100000, &b), 0);
	assert_near(b, 1.0 / (sqrt(M_PI * 1e5 / 2) + 2.0 / 3.0), 1e-6);

	/* Far above the load everything is exactly settled, never NaN. */
	assert_int_equal(erlang_metrics(&l, 200000, 20, &m), 0);
	assert_true(m.p_wait == 0 && m.service_level == 1 && m.asa_s == 0);
	assert_near(m.occupancy, 0.5, 1e-12);
	/* And the occupancy cap at this size. */
	t.max_occupancy = 0.85;
	assert_int_equal(erlang_required(&l, &t, &p), 0);
	assert_int_equal(p.agents, 117648);
	assert_int_equal(p.limit, ERLANG_LIMIT_OCCUPANCY);

	/* Erlang A at the same size stays finite too. */
	l = load_a(1e6, 1800, 180, 120);
	t.max_occupancy = 1.0;
	assert_int_equal(erlang_required(&l, &t, &p), 0);
	/* In this overloaded regime waits settle near patience * ln(a / n): fluid bound 0.8465 a.
	 */
	assert_true(p.agents > 84000 && p.agents < 101000);
	assert_true(isfinite(p.at.asa_s) && p.at.service_level >= 0.8);
}

static void test_invalid_input(void **state)
{
	(void)state;
	struct erlang_load l = load_c(100, 1800, 180);
	struct erlang_target t = target(0.8, 20, 1.0, 0.3);
	struct erlang_plan p;
	struct erlang_metrics m;
	double v;

	l.aht_s = 0;
	assert_int_equal(erlang_required(&l, &t, &p), ERR_INVALID);
	l = load_c(NAN, 1800, 180);
	assert_int_equal(erlang_required(&l, &t, &p), ERR_INVALID);
	l = load_c(-1, 1800, 180);
	assert_int_equal(erlang_metrics(&l, 3, 20, &m), ERR_INVALID);
	l = load_c(1e12, 1, 180);
	assert_int_equal(erlang_metrics(&l, 3, 20, &m), ERR_INVALID);
	l = load_c(100, 1800, 180);
	t.service_level = 1.0;
	assert_int_equal(erlang_required(&l, &t, &p), ERR_INVALID);
	t = target(0.8, 20, 0.0, 0.3);
	assert_int_equal(erlang_required(&l, &t, &p), ERR_INVALID);
	t = target(0.8, 20, 1.0, 1.0);
	assert_int_equal(erlang_required(&l, &t, &p), ERR_INVALID);
	l = load_a(100, 1800, 180, 0);
	t = target(0.8, 20, 1.0, 0.3);
	assert_int_equal(erlang_required(&l, &t, &p), ERR_INVALID);
	assert_int_equal(erlang_b(-1, 3, &v), ERR_INVALID);
	assert_int_equal(erlang_c(3, -1, &v), ERR_INVALID);
}

static void test_zero_traffic(void **state)
{
	(void)state;
	struct erlang_load l = load_c(0, 900, 180);
	struct erlang_target t = target(0.8, 20, 0.85, 0.3);
	struct erlang_plan p;

	assert_int_equal(erlang_required(&l, &t, &p), 0);
	assert_int_equal(p.agents, 0);
	assert_int_equal(p.scheduled, 0);
	assert_int_equal(p.limit, ERLANG_LIMIT_NONE);
	l = load_a(0, 900, 180, 60);
	assert_int_equal(erlang_required(&l, &t, &p), 0);
	assert_int_equal(p.agents, 0);
}

/* ---- Erlang A ---------------------------------------------------------- */

/*
 * Brute force: the truncated birth-death chain of M/M/n+M gives P(wait) and
 * P(abandon) = theta E[queue] / lambda; the tagged caller's own chain,
 * uniformized, gives P(answered within t | j callers ahead).
 */
struct brute {
	double p_wait, p_abandon, service_level;
};

static void brute_a(double lambda, double mu, double theta, int n, double t, struct brute *out)
{
	enum { K = 400 };
	static double pi[K + 1], u[K], v[K], nv[K];
	double sum = 0, eq = 0, pw = 0, sl = 0, big;

	pi[0] = 1;
	for (int k = 1; k <= K; k++) {
		double death = (k <= n ? k * mu : n * mu + (k - n) * theta);

		pi[k] = pi[k - 1] * lambda / death;
	}
	for (int k = 0; k <= K; k++)
		sum += pi[k];
	for (int k = 0; k <= K; k++) {
		pi[k] /= sum;
		if (k >= n) {
			pw += pi[k];
			eq += (k - n) * pi[k];
		}
	}
	/* States i = callers ahead (0..J-1); served and abandoned absorb. */
	int J = K - n;
	big = n * mu + J * theta + theta;
	for (int i = 0; i < J; i++) {
		u[i] = 0;
		v[i] = 0;
	}
	/* u = exp(tQ) applied to "served", in steps short enough for exp(-big dt). */
	int steps = (int)(big * t / 30) + 1;
	double dt = t / steps;
	for (int s = 0; s < steps; s++) {
		double pk = exp(-big * dt), cum = 0;

		for (int i = 0; i < J; i++) {
			v[i] = u[i];
			u[i] = 0;
		}
		for (int k = 0; k < 1000; k++) {
			for (int i = 0; i < J; i++)
				u[i] += pk * v[i];
			cum += pk;
			if (cum > 1 - 1e-15 && k > big * dt)
				break;
			for (int i = 0; i < J; i++) {
				double go = (n * mu + i * theta) / big, stay = 1 - go - theta / big;

				nv[i] = go * (i == 0 ? 1.0 : v[i - 1]) + stay * v[i];
			}
			for (int i = 0; i < J; i++)
				v[i] = nv[i];
			pk *= big * dt / (k + 1);
		}
	}
	for (int k = 0; k < n; k++)
		sl += pi[k];
	for (int j = 0; j < J; j++)
		sl += pi[n + j] * u[j];
	out->p_wait = pw;
	out->p_abandon = theta * eq / lambda;
	out->service_level = sl;
}

static void test_a_matches_brute_force(void **state)
{
	(void)state;
	/* lambda 4/min, AHT 60 s, patience 30 s: a = 4 Erlangs; also overloaded. */
	const struct {
		double contacts, interval, aht, patience, t;
		int n;
	} cases[] = {
	    {4, 60, 60, 30, 20, 5},  {4, 60, 60, 30, 20, 3},  {4, 60, 60, 30, 0, 4},
	    {12, 60, 60, 90, 10, 9}, {12, 60, 60, 5, 30, 10}, {1, 60, 60, 600, 20, 2},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct erlang_load l =
		    load_a(cases[i].contacts, cases[i].interval, cases[i].aht, cases[i].patience);
		struct erlang_metrics m;
		struct brute b;

		assert_int_equal(erlang_metrics(&l, cases[i].n, cases[i].t, &m), 0);
		brute_a(cases[i].contacts / cases[i].interval, 1 / cases[i].aht,
			1 / cases[i].patience, cases[i].n, cases[i].t, &b);
		assert_near(m.p_wait, b.p_wait, 1e-9);
		assert_near(m.p_abandon, b.p_abandon, 1e-9);
		if (fabs(m.service_level - b.service_level) > 1e-8)
			fail_msg("case %zu: sl %.10g brute %.10g", i, m.service_level,
				 b.service_level);
		assert_near(m.occupancy, m.traffic * (1 - m.p_abandon) / cases[i].n, 1e-12);
	}
}

static void test_a_monotone(void **state)
{
	(void)state;
	struct erlang_load l = load_a(400, 1800, 90, 60); /* 20 Erlangs */
	struct erlang_metrics prev, m;

	assert_int_equal(erlang_metrics(&l, 1, 20, &prev), 0);
	for (long n = 2; n <= 40; n++) {
		assert_int_equal(erlang_metrics(&l, n, 20, &m), 0);
		assert_true(m.p_wait < prev.p_wait);
		assert_true(m.p_abandon < prev.p_abandon);
		assert_true(m.service_level > prev.service_level);
		assert_true(m.asa_s < prev.asa_s);
		assert_true(m.occupancy <= prev.occupancy);
		assert_true(m.service_level <= 1 - m.p_abandon + 1e-12);
		prev = m;
	}
	/* More patience: fewer abandon, longer waits; the limit is Erlang C. */
	double prev_ab = 1, prev_asa = 0;
	const double pats[] = {5, 30, 120, 600, 3600, 1e5, 1e7};
	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		l.patience_s = pats[i];
		assert_int_equal(erlang_metrics(&l, 22, 20, &m), 0);
		assert_true(m.p_abandon < prev_ab);
		assert_true(m.asa_s > prev_asa);
		prev_ab = m.p_abandon;
		prev_asa = m.asa_s;
	}
	struct erlang_load c = load_c(400, 1800, 90);
	struct erlang_metrics mc;
	assert_int_equal(erlang_metrics(&c, 22, 20, &mc), 0);
	assert_near(m.p_wait, mc.p_wait, 1e-4);
	assert_near(m.service_level, mc.service_level, 1e-4);
	assert_near(m.asa_s, mc.asa_s, 1e-2);
}

/* 2,000 per hour at 180 s is 100 Erlangs; with 60 s patience fewer than 100 agents do. */
static void test_a_below_load(void **state)
{
	(void)state;
	struct erlang_load l = load_a(2000, 3600, 180, 60);
	struct erlang_target t = target(0.80, 20, 1.0, 0.30);
	struct erlang_plan p;
	struct erlang_metrics m;

	assert_int_equal(erlang_required(&l, &t, &p), 0);
	assert_near(p.at.traffic, 100, 1e-12);
	assert_true(p.agents < 100);
	assert_true(p.at.service_level >= 0.80);
	assert_int_equal(p.limit, ERLANG_LIMIT_SERVICE_LEVEL);
	assert_int_equal(erlang_metrics(&l, p.agents - 1, 20, &m), 0);
	assert_true(m.service_level < 0.80);

	/* An abandonment limit can then decide instead. */
	t.max_abandon = 0.01;
	assert_int_equal(erlang_required(&l, &t, &p), 0);
	assert_true(p.at.p_abandon <= 0.01);
	assert_int_equal(p.limit, ERLANG_LIMIT_ABANDON);
	assert_int_equal(erlang_metrics(&l, p.agents - 1, 20, &m), 0);
	assert_true(m.p_abandon > 0.01);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_published_100_per_30m),
	    cmocka_unit_test(test_published_11_agents),
	    cmocka_unit_test(test_published_occupancy_cap),
	    cmocka_unit_test(test_published_25_per_600s),
	    cmocka_unit_test(test_scheduled_rounding),
	    cmocka_unit_test(test_b_matches_forward_recursion),
	    cmocka_unit_test(test_non_integer_traffic),
	    cmocka_unit_test(test_stability_1e5_erlangs),
	    cmocka_unit_test(test_invalid_input),
	    cmocka_unit_test(test_zero_traffic),
	    cmocka_unit_test(test_a_matches_brute_force),
	    cmocka_unit_test(test_a_monotone),
	    cmocka_unit_test(test_a_below_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
