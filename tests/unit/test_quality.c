/* test_quality.c - quality math: Wilson bounds, AQL plans, consensus; the observations' store. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/aql.h"
#include "core/consensus.h"
#include "core/model.h"
#include "core/qreport.h"
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
			int64_t lot = 0;
			enum aql_level level = AQL_GII;
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

/* ---- consensus: majority vote and Dawid-Skene on simulated crowds ---- */

/* splitmix64: a fixed-seed generator of our own, so the crowds are the same on every run. */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double rng_unit(void)
{
	return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

static uint32_t rng_below(uint32_t n)
{
	return (uint32_t)(rng_unit() * n);
}

/* How a simulated worker answers an item whose true class is t. */
enum wkind { W_GOOD, W_RANDOM, W_ADVERSARY, W_BIASED };
struct wsim {
	enum wkind kind;
	double acc; /* good: P(correct); adversary: P(answers t+1); biased: P(answers 0) */
};

static uint32_t answer_of(const struct wsim *w, uint32_t t, uint32_t k)
{
	double u = rng_unit();

	switch (w->kind) {
	case W_GOOD:
		if (u < w->acc)
			return t;
		return (t + 1 + rng_below(k - 1)) % k; /* a wrong class at random */
	case W_ADVERSARY:
		return u < w->acc ? (t + 1) % k : rng_below(k);
	case W_BIASED:
		return u < w->acc ? 0 : t;
	case W_RANDOM:
	default:
		return rng_below(k);
	}
}

/*
 * A crowd: n_items with a true class each (uniform), per items r answers by
 * distinct workers drawn at random. OUT: truth[], the answers (malloc'd).
 */
static struct answer *crowd(uint64_t seed, uint32_t n_items, uint32_t n_workers, uint32_t k,
			    uint32_t r, const struct wsim *ws, uint32_t *truth, size_t *n)
{
	struct answer *a = malloc((size_t)n_items * r * sizeof(*a));
	uint32_t pick[16];

	assert_non_null(a);
	assert_true(r <= 16 && r <= n_workers);
	rng_state = seed;
	*n = 0;
	for (uint32_t i = 0; i < n_items; i++) {
		truth[i] = rng_below(k);
		for (uint32_t j = 0; j < r; j++) {
			uint32_t w;
			bool again;

			do {
				w = rng_below(n_workers);
				again = false;
				for (uint32_t q = 0; q < j; q++)
					again |= pick[q] == w;
			} while (again);
			pick[j] = w;
			a[(*n)++] = (struct answer){ i, w, answer_of(&ws[w], truth[i], k) };
		}
	}
	return a;
}

static double accuracy(const uint32_t *label, const uint32_t *truth, uint32_t n)
{
	uint32_t ok = 0;

	for (uint32_t i = 0; i < n; i++)
		ok += label[i] == truth[i];
	return (double)ok / n;
}

/* Whether item i's majority is a tie (two classes with the most votes). */
static bool is_tie(const struct answer *a, size_t n, uint32_t i, uint32_t k)
{
	uint32_t c[16] = { 0 }, best = 0, nbest = 0;

	for (size_t j = 0; j < n; j++)
		if (a[j].item == i)
			c[a[j].label]++;
	for (uint32_t x = 0; x < k; x++)
		best = c[x] > best ? c[x] : best;
	for (uint32_t x = 0; x < k; x++)
		nbest += c[x] == best;
	return nbest > 1;
}

static void test_majority_basics(void **state)
{
	/* item 0: 2 x class 1, 1 x class 2; item 1: tie 0/2 -> 0; item 2: none; item 3: tie 2/1 -> 1 */
	const struct answer a[] = {
	    { 0, 0, 1 }, { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 1, 0 },
	    { 3, 0, 2 }, { 3, 2, 1 },
	};
	uint32_t label[4];
	double conf[4];
	const struct answer bad[] = { { 0, 0, 3 } };

	(void)state;
	assert_int_equal(consensus_majority(a, 7, 4, 3, 3, label, conf), 0);
	assert_int_equal(label[0], 1);
	assert_near(conf[0], 2.0 / 3.0, 1e-15);
	assert_int_equal(label[1], 0);
	assert_near(conf[1], 0.5, 1e-15);
	assert_int_equal(label[2], CONSENSUS_NONE);
	assert_near(conf[2], 0.0, 0);
	assert_int_equal(label[3], 1);
	assert_int_equal(consensus_majority(bad, 1, 4, 3, 3, label, conf), ERR_INVALID);
	assert_int_equal(consensus_majority(a, 7, 3, 3, 3, label, conf), ERR_INVALID); /* item 3 */
	assert_int_equal(consensus_majority(a, 7, 4, 2, 3, label, conf), ERR_INVALID); /* worker 2 */
	assert_int_equal(consensus_majority(a, 7, 4, 3, 0, label, conf), ERR_INVALID);
	assert_int_equal(consensus_dawid_skene(a, 7, 4, 3, 3, 0, 1e-6, label, conf, NULL),
			 ERR_INVALID);
	assert_int_equal(consensus_dawid_skene(a, 7, 4, 3, 3, 10, NAN, label, conf, NULL),
			 ERR_INVALID);
	assert_int_equal(consensus_dawid_skene(bad, 1, 4, 3, 3, 10, 1e-6, label, conf, NULL),
			 ERR_INVALID);
}

/*
 * Workers of varied accuracy: a few good ones, many near random, adversaries
 * who answer the next class, and workers biased to class 0. The majority is
 * misled; Dawid-Skene learns each worker's confusion and reads through it.
 */
static void test_ds_beats_majority(void **state)
{
	enum { ITEMS = 3000, WORKERS = 60, K = 4, R = 7 };
	struct wsim ws[WORKERS];
	uint32_t *truth = malloc(ITEMS * sizeof(*truth)), *mv = malloc(ITEMS * sizeof(*mv)),
		 *ds = malloc(ITEMS * sizeof(*ds));
	double *cm = malloc(ITEMS * sizeof(*cm)), *cd = malloc(ITEMS * sizeof(*cd));
	double a_mv, a_ds, hi = 0, lo = 0;
	struct answer *a;
	size_t n;
	int iters = 0, nhi = 0, nlo = 0;

	(void)state;
	assert_true(truth && mv && ds && cm && cd);
	for (int w = 0; w < WORKERS; w++) {
		if (w < 12)
			ws[w] = (struct wsim){ W_GOOD, 0.85 };
		else if (w < 36)
			ws[w] = (struct wsim){ W_GOOD, 0.30 }; /* near random (0.25) */
		else if (w < 51)
			ws[w] = (struct wsim){ W_ADVERSARY, 0.85 };
		else
			ws[w] = (struct wsim){ W_BIASED, 0.7 };
	}
	a = crowd(42, ITEMS, WORKERS, K, R, ws, truth, &n);
	assert_int_equal(consensus_majority(a, n, ITEMS, WORKERS, K, mv, cm), 0);
	assert_int_equal(consensus_dawid_skene(a, n, ITEMS, WORKERS, K, 200, 1e-9, ds, cd, &iters),
			 0);
	a_mv = accuracy(mv, truth, ITEMS);
	a_ds = accuracy(ds, truth, ITEMS);
	print_message("varied crowd: majority %.3f, Dawid-Skene %.3f in %d iterations\n", a_mv, a_ds,
		      iters);
	assert_true(a_ds >= a_mv + 0.15);
	assert_true(a_ds >= 0.9);
	assert_true(iters > 1 && iters < 200);
	/* the confidence means something: confident items are right more often */
	for (int i = 0; i < ITEMS; i++) {
		assert_true(cd[i] > 0 && cd[i] <= 1 + 1e-12);
		if (cd[i] >= 0.99) {
			hi += ds[i] == truth[i];
			nhi++;
		} else {
			lo += ds[i] == truth[i];
			nlo++;
		}
	}
	assert_true(nhi > 0);
	assert_true(hi / nhi >= 0.97);
	assert_true(!nlo || hi / nhi > lo / nlo);
	free(a);
	free(truth);
	free(mv);
	free(ds);
	free(cm);
	free(cd);
}

/* Equal workers: Dawid-Skene learns nothing a vote does not know and agrees with it but on ties. */
static void test_ds_equal_workers(void **state)
{
	static const uint32_t classes[] = { 2, 3, 5 };

	(void)state;
	for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]); c++) {
		/* 2000 answers per worker: each one's estimated matrix is close to the others' */
		enum { ITEMS = 4000, WORKERS = 10, R = 5 };
		uint32_t k = classes[c], truth[ITEMS], mv[ITEMS], ds[ITEMS];
		double cm[ITEMS], cd[ITEMS];
		struct wsim ws[WORKERS];
		struct answer *a;
		size_t n;
		int differ = 0, ties = 0;

		for (int w = 0; w < WORKERS; w++)
			ws[w] = (struct wsim){ W_GOOD, 0.75 };
		a = crowd(7 + c, ITEMS, WORKERS, k, R, ws, truth, &n);
		assert_int_equal(consensus_majority(a, n, ITEMS, WORKERS, k, mv, cm), 0);
		assert_int_equal(
		    consensus_dawid_skene(a, n, ITEMS, WORKERS, k, 100, 1e-9, ds, cd, NULL), 0);
		for (uint32_t i = 0; i < ITEMS; i++) {
			bool tie = is_tie(a, n, i, k);

			ties += tie;
			if (!tie && mv[i] != ds[i])
				differ++;
		}
		print_message("equal workers, %u classes: %d items differ off ties (%d ties)\n", k,
			      differ, ties);
		assert_int_equal(differ, 0);
		free(a);
	}
}

static void test_ds_edges(void **state)
{
	uint32_t label[6];
	double conf[6];
	int iters = 0;

	(void)state;
	/* one worker: Dawid-Skene can only believe it */
	{
		const struct answer a[] = { { 0, 0, 2 }, { 1, 0, 0 }, { 2, 0, 1 }, { 3, 0, 2 } };

		assert_int_equal(consensus_dawid_skene(a, 4, 4, 1, 3, 50, 1e-9, label, conf, &iters), 0);
		assert_int_equal(label[0], 2);
		assert_int_equal(label[1], 0);
		assert_int_equal(label[2], 1);
		assert_int_equal(label[3], 2);
		for (int i = 0; i < 4; i++)
			/* no corroboration: EM may spread the posterior (conf about 0.45
			 * here), but it keeps the worker's labels and stays a probability */
			if (!(conf[i] > 0 && conf[i] <= 1.0 && !isnan(conf[i])))
				fail_msg("item %d: label %u conf %.17g", i, label[i], conf[i]);
	}
	/* one class: every item is it, surely */
	{
		const struct answer a[] = { { 0, 0, 0 }, { 0, 1, 0 }, { 1, 1, 0 } };

		assert_int_equal(consensus_dawid_skene(a, 3, 2, 2, 1, 50, 1e-9, label, conf, &iters), 0);
		assert_int_equal(label[0], 0);
		assert_int_equal(label[1], 0);
		assert_near(conf[0], 1.0, 1e-12);
		assert_near(conf[1], 1.0, 1e-12);
		assert_int_equal(consensus_majority(a, 3, 2, 2, 1, label, conf), 0);
		assert_near(conf[1], 1.0, 0);
	}
	/* items with no answers, workers with none, classes never answered: no NaN */
	{
		const struct answer a[] = { { 1, 2, 1 }, { 1, 3, 1 }, { 4, 2, 0 }, { 4, 3, 0 } };

		assert_int_equal(consensus_dawid_skene(a, 4, 6, 5, 4, 50, 1e-9, label, conf, &iters), 0);
		assert_int_equal(label[0], CONSENSUS_NONE);
		assert_int_equal(label[2], CONSENSUS_NONE);
		assert_int_equal(label[5], CONSENSUS_NONE);
		assert_near(conf[0], 0.0, 0);
		assert_int_equal(label[1], 1);
		assert_int_equal(label[4], 0);
		assert_true(!isnan(conf[1]) && conf[1] > 0.5);
	}
	/* no answers at all */
	assert_int_equal(consensus_dawid_skene(NULL, 0, 3, 0, 2, 10, 1e-9, label, conf, &iters), 0);
	assert_int_equal(label[0], CONSENSUS_NONE);
	assert_int_equal(consensus_majority(NULL, 0, 0, 0, 2, label, conf), 0);
	/* max_iter 1: one M-step and one E-step */
	{
		const struct answer a[] = { { 0, 0, 1 }, { 0, 1, 1 }, { 0, 2, 0 } };

		assert_int_equal(consensus_dawid_skene(a, 3, 1, 3, 2, 1, 0, label, conf, &iters), 0);
		assert_int_equal(iters, 1);
		assert_int_equal(label[0], 1);
	}
}

/* ---- the report's counting rule against a brute-force count ---- */

static const char *const obs_fields[] = { "", "amount", "date", "name, \"x\"", "zip" };
static const char *const obs_codes[] = { "", "wrong_value", "missing_field", "illegible" };

/* n random observations over a few workers, fields, codes and ten days. */
static struct quality_obs *random_obs(uint64_t seed, size_t n)
{
	struct quality_obs *o = calloc(n, sizeof(*o));

	assert_non_null(o);
	rng_state = seed;
	for (size_t i = 0; i < n; i++) {
		o[i].at = 1764547200000LL + (int64_t)rng_below(10 * 86400) * 1000 + rng_below(1000);
		o[i].engagement_id = 1;
		o[i].worker_id = 1 + rng_below(7);
		o[i].item_id = 1 + (int64_t)i;
		o[i].kind = (enum qobs_kind)rng_below(3);
		o[i].ok = rng_unit() < 0.7;
		snprintf(o[i].field, sizeof(o[i].field), "%s", obs_fields[rng_below(5)]);
		if (!o[i].ok && o[i].kind == QOBS_REVIEW)
			snprintf(o[i].code, sizeof(o[i].code), "%s", obs_codes[rng_below(4)]);
		else if (rng_unit() < 0.1)
			snprintf(o[i].code, sizeof(o[i].code), "%s", obs_codes[rng_below(4)]);
	}
	return o;
}

/* Whether observation o falls in row w of a report grouped by `by` (the brute-force rule). */
static bool in_row(enum qreport_by by, const struct qreport_row *w, const struct quality_obs *o)
{
	switch (by) {
	case QREPORT_WORKER:
		return o->worker_id == w->worker_id;
	case QREPORT_DAY:
		return o->at >= w->day && o->at < w->day + 86400000LL;
	case QREPORT_FIELD:
		return !strcmp(o->field, w->key);
	case QREPORT_CODE:
	default:
		return !strcmp(o->code, w->key);
	}
}

static void check_report(const struct quality_obs *o, size_t n, enum qreport_by by, int64_t from,
			 int64_t to)
{
	struct qreport r;
	int64_t counted = 0;

	assert_int_equal(qreport_build(o, n, by, from, to, &r), 0);
	for (size_t i = 0; i < r.n_rows; i++) {
		const struct qreport_row *w = &r.rows[i];
		int64_t g = 0, gk = 0, a = 0, ak = 0, v = 0, vk = 0, d = 0, dsum = 0;

		if (i)
			assert_true(by == QREPORT_WORKER ? r.rows[i - 1].worker_id < w->worker_id
				    : by == QREPORT_DAY  ? r.rows[i - 1].day < w->day
							 : strcmp(r.rows[i - 1].key, w->key) < 0);
		for (size_t j = 0; j < n; j++) {
			if ((from && o[j].at < from) || (to && o[j].at >= to) || !in_row(by, w, &o[j]))
				continue;
			g += o[j].kind == QOBS_GOLD;
			gk += o[j].kind == QOBS_GOLD && o[j].ok;
			a += o[j].kind == QOBS_AGREE;
			ak += o[j].kind == QOBS_AGREE && o[j].ok;
			v += o[j].kind == QOBS_REVIEW;
			vk += o[j].kind == QOBS_REVIEW && o[j].ok;
			d += !o[j].ok && o[j].code[0];
		}
		assert_int_equal(w->gold_n, g);
		assert_int_equal(w->gold_ok, gk);
		assert_int_equal(w->agree_n, a);
		assert_int_equal(w->agree_ok, ak);
		assert_int_equal(w->review_n, v);
		assert_int_equal(w->review_ok, vk);
		assert_true(g + a + v > 0); /* no empty row */
		counted += g + a + v;
		for (size_t k = 0; k < w->n_defects; k++) {
			int64_t c = 0;

			for (size_t j = 0; j < n; j++)
				c += !((from && o[j].at < from) || (to && o[j].at >= to)) &&
				     in_row(by, w, &o[j]) && !o[j].ok &&
				     !strcmp(o[j].code, w->defects[k].code);
			assert_int_equal(w->defects[k].n, c);
			assert_true(w->defects[k].code[0]);
			dsum += c;
		}
		assert_int_equal(dsum, d);
	}
	/* every observation in the window is in exactly one row */
	for (size_t j = 0; j < n; j++)
		if (!((from && o[j].at < from) || (to && o[j].at >= to))) {
			int rows = 0;

			for (size_t i = 0; i < r.n_rows; i++)
				rows += in_row(by, &r.rows[i], &o[j]);
			assert_int_equal(rows, 1);
		}
	assert_int_equal(counted, r.n_obs);
	qreport_release(&r);
}

static void test_report_counts(void **state)
{
	enum { N = 3000 };
	struct quality_obs *o = random_obs(99, N);
	char day[16];

	(void)state;
	for (int by = 0; by < QREPORT_BY__COUNT; by++) {
		check_report(o, N, (enum qreport_by)by, 0, 0);
		/* a window from the middle of day 2 to the start of day 7 */
		check_report(o, N, (enum qreport_by)by, 1764547200000LL + 2 * 86400000LL + 43200000,
			     1764547200000LL + 7 * 86400000LL);
	}
	free(o);
	/* more groups than QREPORT_ROWS_MAX: ERR_TOOBIG, and the report can be released */
	{
		struct qreport r;
		struct quality_obs one = {.kind = QOBS_GOLD, .ok = true};
		int rc = 0;

		qreport_init(&r, QREPORT_WORKER, 0, 0);
		for (int64_t w = 1; w <= QREPORT_ROWS_MAX + 1 && !rc; w++) {
			one.worker_id = w;
			rc = qreport_add(&r, &one);
		}
		assert_int_equal(rc, ERR_TOOBIG);
		assert_int_equal(r.n_rows, QREPORT_ROWS_MAX);
		qreport_release(&r);
	}
	/* the day's text (2025-12-01 is 1764547200000 ms, date -u -d @1764547200) */
	qreport_day_text(1764547200000LL + 5, day, sizeof(day));
	assert_string_equal(day, "2025-12-01");
	qreport_day_text(951782400000LL, day, sizeof(day)); /* date -u -d @951782400 */
	assert_string_equal(day, "2000-02-29");
	qreport_day_text(-1, day, sizeof(day));
	assert_string_equal(day, "1969-12-31");
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
	    cmocka_unit_test(test_majority_basics),
	    cmocka_unit_test(test_ds_beats_majority),
	    cmocka_unit_test(test_ds_equal_workers),
	    cmocka_unit_test(test_ds_edges),
	    cmocka_unit_test(test_report_counts),
	    cmocka_unit_test(test_obs_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
