/* test_quality.c - quality math: Wilson bounds, AQL plans, consensus; the observations' store. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/aql.h"
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

/* ---- AQL: ISO 2859-1 Table 1 and Table 2-A ---- */

/*
 * Table 1 as printed in ISO 2859-1 (and ANSI/ASQ Z1.4, MIL-STD-105E Table I),
 * typed here from the published table: each lot size range (low, high) and
 * its letters at S-1, S-2, S-3, S-4, I, II, III.
 */
static const struct {
	int64_t lo, hi;
	const char *letters;
} table1[] = {
    { 2, 8, "AAAAAAB" },		{ 9, 15, "AAAAABC" },	    { 16, 25, "AABBBCD" },
    { 26, 50, "ABBCCDE" },		{ 51, 90, "BBCCCEF" },	    { 91, 150, "BBCDDFG" },
    { 151, 280, "BCDEEGH" },		{ 281, 500, "BCDEFHJ" },    { 501, 1200, "CCEFGJK" },
    { 1201, 3200, "CDEGHKL" },		{ 3201, 10000, "CDFGJLM" }, { 10001, 35000, "CDFHKMN" },
    { 35001, 150000, "DEGJLNP" },	{ 150001, 500000, "DEGJMPQ" },
    { 500001, INT64_MAX, "DEHKNQR" },
};

static void test_aql_table1(void **state)
{
	static const enum aql_level lv[] = { AQL_S1, AQL_S2, AQL_S3, AQL_S4,
					     AQL_GI, AQL_GII, AQL_GIII };

	(void)state;
	for (size_t r = 0; r < sizeof(table1) / sizeof(table1[0]); r++)
		for (int l = 0; l < 7; l++) {
			/* both ends of every range, and one inside */
			assert_int_equal(aql_code_letter(table1[r].lo, lv[l]), table1[r].letters[l]);
			assert_int_equal(aql_code_letter(table1[r].hi, lv[l]), table1[r].letters[l]);
			assert_int_equal(aql_code_letter(table1[r].lo + (table1[r].hi - table1[r].lo) / 2,
							 lv[l]),
					 table1[r].letters[l]);
		}
	assert_int_equal(aql_code_letter(1, AQL_GII), 'A'); /* a lot of one: the first range */
	assert_int_equal(aql_code_letter(0, AQL_GII), 0);
	assert_int_equal(aql_code_letter(-5, AQL_GII), 0);
	assert_int_equal(aql_code_letter(100, (enum aql_level)7), 0);
	assert_int_equal(aql_sample_size('A'), 2);
	assert_int_equal(aql_sample_size('J'), 80);
	assert_int_equal(aql_sample_size('R'), 2000);
	assert_int_equal(aql_sample_size('I'), 0);
	assert_int_equal(aql_sample_size('O'), 0);
}

/*
 * Table 2-A (single sampling, normal inspection) as printed, columns 0.065 to
 * 10 %: "v" use the first plan below, "^" the first plan above, else "Ac Re".
 * Typed from the published master table (ISO 2859-1 Table 2-A, MIL-STD-105E
 * Table II-A); its columns 0.65 to 10 also agree with the level II excerpt
 * of MIL-STD-105E that NIBS publishes (nibs.org/FMOC/DPW_AC/AC-TABLE.ASC).
 */
static const char t2_letters[] = "ABCDEFGHJKLMNPQR";
static const int64_t t2_n[] = { 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000 };
static const int t2_milli[12] = { 65, 100, 150, 250, 400, 650, 1000, 1500, 2500, 4000, 6500, 10000 };
static const char *const t2[16][12] = {
    /*        0.065  0.10   0.15   0.25   0.40   0.65   1.0    1.5    2.5    4.0    6.5    10 */
    /* A */ { "v",   "v",   "v",   "v",   "v",   "v",   "v",   "v",   "v",   "v",   "0 1", "^" },
    /* B */ { "v",   "v",   "v",   "v",   "v",   "v",   "v",   "v",   "v",   "0 1", "^",   "v" },
    /* C */ { "v",   "v",   "v",   "v",   "v",   "v",   "v",   "v",   "0 1", "^",   "v",   "1 2" },
    /* D */ { "v",   "v",   "v",   "v",   "v",   "v",   "v",   "0 1", "^",   "v",   "1 2", "2 3" },
    /* E */ { "v",   "v",   "v",   "v",   "v",   "v",   "0 1", "^",   "v",   "1 2", "2 3", "3 4" },
    /* F */ { "v",   "v",   "v",   "v",   "v",   "0 1", "^",   "v",   "1 2", "2 3", "3 4", "5 6" },
    /* G */ { "v",   "v",   "v",   "v",   "0 1", "^",   "v",   "1 2", "2 3", "3 4", "5 6", "7 8" },
    /* H */ { "v",   "v",   "v",   "0 1", "^",   "v",   "1 2", "2 3", "3 4", "5 6", "7 8", "10 11" },
    /* J */ { "v",   "v",   "0 1", "^",   "v",   "1 2", "2 3", "3 4", "5 6", "7 8", "10 11", "14 15" },
    /* K */ { "v",   "0 1", "^",   "v",   "1 2", "2 3", "3 4", "5 6", "7 8", "10 11", "14 15", "21 22" },
    /* L */ { "0 1", "^",   "v",   "1 2", "2 3", "3 4", "5 6", "7 8", "10 11", "14 15", "21 22", "^" },
    /* M */ { "^",   "v",   "1 2", "2 3", "3 4", "5 6", "7 8", "10 11", "14 15", "21 22", "^", "^" },
    /* N */ { "v",   "1 2", "2 3", "3 4", "5 6", "7 8", "10 11", "14 15", "21 22", "^", "^", "^" },
    /* P */ { "1 2", "2 3", "3 4", "5 6", "7 8", "10 11", "14 15", "21 22", "^", "^", "^", "^" },
    /* Q */ { "2 3", "3 4", "5 6", "7 8", "10 11", "14 15", "21 22", "^", "^", "^", "^", "^" },
    /* R */ { "3 4", "5 6", "7 8", "10 11", "14 15", "21 22", "^", "^", "^", "^", "^", "^" },
};

/* A lot size and level whose Table 1 letter is letter (the high end of the first range giving it). */
static void lot_of_letter(char letter, int64_t *lot, enum aql_level *level)
{
	for (size_t r = 0; r < sizeof(table1) / sizeof(table1[0]); r++)
		for (int l = 0; l < 7; l++)
			if (table1[r].letters[l] == letter) {
				*lot = table1[r].hi == INT64_MAX ? 1000000 : table1[r].hi;
				*level = (enum aql_level)l;
				return;
			}
	fail_msg("no lot size gives letter %c", letter);
}

static void test_aql_table2a(void **state)
{
	(void)state;
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 12; j++) {
			int row = i, col = j, ac = -1, re = -1;
			int64_t lot;
			enum aql_level level;
			struct aql_plan p;

			/* follow the printed arrows through the printed grid (A's up arrow at
			 * 10 % points off the table: aql.h's choice, the plan to its left) */
			while (t2[row][col][0] == 'v' || t2[row][col][0] == '^') {
				if (t2[row][col][0] == '^' && row == 0)
					col--;
				else
					row += t2[row][col][0] == 'v' ? 1 : -1;
			}
			assert_int_equal(sscanf(t2[row][col], "%d %d", &ac, &re), 2);
			lot_of_letter(t2_letters[i], &lot, &level);
			assert_int_equal(aql_plan_milli(lot, level, t2_milli[j], &p), 0);
			if (p.code != t2_letters[row] || p.ac != ac || p.re != re ||
			    p.n != (t2_n[row] < lot ? t2_n[row] : lot))
				fail_msg("letter %c at %d/1000 %%: got %c n=%lld %d/%d, want %c %d/%d",
					 t2_letters[i], t2_milli[j], p.code, (long long)p.n, p.ac, p.re,
					 t2_letters[row], ac, re);
		}
}

static void plan_is(int64_t lot, enum aql_level level, int milli, char code, int64_t n, int ac)
{
	struct aql_plan p;

	assert_int_equal(aql_plan_milli(lot, level, milli, &p), 0);
	if (p.code != code || p.n != n || p.ac != ac || p.re != ac + 1)
		fail_msg("lot %lld level %s AQL %d/1000 %%: got %c n=%lld Ac %d Re %d, want %c n=%lld "
			 "Ac %d", (long long)lot, aql_level_name(level), milli, p.code, (long long)p.n,
			 p.ac, p.re, code, (long long)n, ac);
}

/* Worked examples as the standard's users quote them, lot sizes at range ends, arrows. */
static void test_aql_examples(void **state)
{
	struct aql_plan p, q;
	enum aql_level l;

	(void)state;
	plan_is(1000, AQL_GII, 1000, 'J', 80, 2);  /* the textbook case: J, 80, Ac 2 Re 3 */
	plan_is(1000, AQL_GII, 2500, 'J', 80, 5);
	plan_is(1000, AQL_GII, 4000, 'J', 80, 7);
	plan_is(500, AQL_GII, 2500, 'H', 50, 3);
	plan_is(501, AQL_GII, 2500, 'J', 80, 5);    /* one more unit: the next range */
	plan_is(1200, AQL_GII, 650, 'J', 80, 1);
	plan_is(1201, AQL_GII, 650, 'K', 125, 2);
	plan_is(3200, AQL_GII, 1000, 'K', 125, 3);
	plan_is(10000, AQL_GII, 2500, 'L', 200, 10);
	plan_is(10001, AQL_GII, 1500, 'M', 315, 10);
	plan_is(1000, AQL_GII, 100, 'K', 125, 0);   /* J at 0.10 %: down to K, Ac 0 */
	plan_is(1000, AQL_GII, 250, 'H', 50, 0);    /* J at 0.25 %: up to H, Ac 0 */
	plan_is(1000, AQL_GII, 400, 'K', 125, 1);   /* J at 0.40 %: down to K, Ac 1 */
	plan_is(150, AQL_GII, 10000, 'F', 20, 5);
	plan_is(50, AQL_GII, 10000, 'D', 8, 2);
	plan_is(8, AQL_GII, 2500, 'C', 5, 0);       /* A at 2.5 %: down to C */
	plan_is(100, AQL_GII, 65, 'L', 100, 0);     /* down to L's 200 > lot: every unit */
	plan_is(2, AQL_GIII, 1000, 'E', 2, 0);      /* B at 1.0 %: down to E's 13 > 2 */
	plan_is(500, AQL_S4, 2500, 'F', 20, 1);     /* S-4: E, down to F */
	plan_is(1000, AQL_GI, 1000, 'H', 50, 1);    /* I: G at 1.0 %, down to H */
	plan_is(150000, AQL_GIII, 650, 'P', 800, 10);
	plan_is(150001, AQL_GIII, 650, 'Q', 1250, 14);
	plan_is(1000000, AQL_S1, 4000, 'E', 13, 1); /* S-1: D at 4.0 %, down to E */
	plan_is(500000, AQL_S3, 6500, 'G', 32, 5);
	plan_is(500001, AQL_S3, 6500, 'H', 50, 7);
	plan_is(35000, AQL_GIII, 10000, 'K', 125, 21); /* N at 10 %: up to K's Ac 21 */
	plan_is(1000000, AQL_GIII, 1000, 'Q', 1250, 21); /* R at 1.0 %: up to Q */
	/* nonconformities per 100 units: Ac beyond 21 on rows A to E only */
	plan_is(8, AQL_GII, 1000000, 'A', 2, 30);
	plan_is(15, AQL_GII, 1000000, 'B', 3, 44);
	plan_is(25, AQL_GII, 1000000, 'B', 3, 44);  /* C at 1000: up to B */
	plan_is(150, AQL_GII, 100000, 'E', 13, 21); /* F at 100: up to E */
	plan_is(1, AQL_GII, 2500, 'C', 1, 0);       /* a lot of one: that one */
	/* the two arrows off the table's edge: our choice (aql.h) */
	plan_is(8, AQL_GII, 10000, 'A', 2, 0);
	plan_is(1000000, AQL_GIII, 15, 'R', 2000, 1);
	plan_is(1000000, AQL_GIII, 10, 'Q', 1250, 0);

	/* hundredths of a percent: the contract's unit */
	assert_int_equal(aql_plan(1000, AQL_GII, 250, &p), 0);
	assert_int_equal(aql_plan_milli(1000, AQL_GII, 2500, &q), 0);
	assert_true(p.code == q.code && p.n == q.n && p.ac == q.ac && p.re == q.re);
	assert_int_equal(aql_plan(1000, AQL_GII, 1, &p), 0); /* 0.010 % */
	assert_int_equal(p.code, 'Q'); /* J at 0.010 %: down to Q, whose 1250 > 1000: every unit */
	assert_true(p.n == 1000 && p.ac == 0 && p.re == 1);
	assert_int_equal(aql_plan(1000, AQL_GII, 6, &p), ERR_INVALID); /* 0.06 %: no column */
	assert_int_equal(aql_plan(1000, AQL_GII, 0, &p), ERR_INVALID);
	assert_int_equal(aql_plan(1000, AQL_GII, -250, &p), ERR_INVALID);
	assert_int_equal(aql_plan(1000, AQL_GII, 300000, &p), ERR_INVALID);
	assert_int_equal(aql_plan(0, AQL_GII, 250, &p), ERR_INVALID);
	assert_int_equal(aql_plan(1000, (enum aql_level)-1, 250, &p), ERR_INVALID);
	assert_int_equal(aql_plan_milli(1000, AQL_GII, 66, &p), ERR_INVALID);
	assert_true(aql_accepts(&q, 5) && !aql_accepts(&q, 6));
	assert_int_equal(aql_level_parse("S-3", &l), 0);
	assert_int_equal(l, AQL_S3);
	assert_int_equal(aql_level_parse("IV", &l), ERR_INVALID);
	assert_string_equal(aql_level_name(AQL_GIII), "III");
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
	    cmocka_unit_test(test_aql_table1),
	    cmocka_unit_test(test_aql_table2a),
	    cmocka_unit_test(test_aql_examples),
	    cmocka_unit_test(test_obs_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
