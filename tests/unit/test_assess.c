/* test_assess.c - the process-fit assessment's scoring (core/assess.c), against cases worked by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/assess.h"
#include "util/err.h"

/* Answers by option key, in question order (focus .. data_sensitivity). */
static void answer(struct assess_answers *a, const char *const keys[AQ__CHOICES], int64_t hours,
		   int64_t in_house_rate, int64_t overhead)
{
	assess_answers_init(a);
	for (int q = 0; q < AQ__CHOICES; q++) {
		a->choice[q] = assess_option(q, keys[q]);
		assert_true(a->choice[q] >= 0);
	}
	a->hours_per_month = hours;
	a->in_house_rate = in_house_rate;
	a->overhead_pct = overhead;
}

static const char *const BPO_END[AQ__CHOICES] = {"cost",	  "predefined", "general",
						 "volume",	  "transactional", "rare",
						 "rules",	  "low"};

static void deciding_is(const struct assess_result *r, const char *joined)
{
	char buf[256] = "";
	size_t n = 0;

	for (int i = 0; i < r->n_deciding && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "", r->deciding[i]);
	assert_string_equal(buf, joined);
}

/* Every answer at the BPO end, 1600 h a month, in-house $35 an hour + 30 %. */
static void test_bpo(void **state)
{
	struct assess_answers a;
	struct assess_result r;
	const char *why;

	(void)state;
	answer(&a, BPO_END, 1600, 3500, 30);
	assert_int_equal(assess_score(&a, &r, &why), 0);
	assert_int_equal(r.rec, ASSESS_BPO);
	assert_int_equal(r.rule, 'c');
	assert_int_equal(r.kpo_points, 0);
	assert_int_equal(r.in_house_points, 0);
	deciding_is(&r, "focus process specialisation driving_force activity client_contact rules");
	assert_int_equal(r.cost_bpo, 1760000);	    /* 1600 * 1100 */
	assert_int_equal(r.cost_kpo, 3840000);	    /* 1600 * 2400 */
	assert_int_equal(r.cost_in_house, 7280000); /* 1600 * 3500 * 1.30 */
	assert_int_equal(r.saving, 5520000);
	assert_string_equal(r.currency, "USD");
	assert_string_equal(assess_rec_name(r.rec), "bpo");
}

/* Expertise, open process, credentials, judgement, advice (2 each); regular contact, mixed rules (1 each): 12. */
static void test_kpo(void **state)
{
	static const char *const k[AQ__CHOICES] = {"expertise", "open",	   "advanced", "judgement",
						   "advisory",	"regular", "mixed",    "medium"};
	struct assess_answers a;
	struct assess_result r;
	const char *why;

	(void)state;
	answer(&a, k, 160, 6000, 25);
	assert_int_equal(assess_score(&a, &r, &why), 0);
	assert_int_equal(r.rec, ASSESS_KPO);
	assert_int_equal(r.kpo_points, 12);
	assert_int_equal(r.in_house_points, 1); /* medium data; 160 h is volume enough */
	deciding_is(&r, "focus process specialisation driving_force activity");
	assert_int_equal(r.cost_kpo, 384000);	   /* 160 * 2400 */
	assert_int_equal(r.cost_in_house, 1200000); /* 160 * 6000 * 1.25 */
	assert_int_equal(r.saving, 816000);
}

/* Seven points is KPO, six is BPO: the threshold's edge. */
static void test_threshold(void **state)
{
	/* 1 + 1 + 1 + 1 + 1 + 0 + 2 = 7; with rules "mixed": 1 + 1 + 1 + 1 + 1 + 0 + 1 = 6 */
	static const char *const seven[AQ__CHOICES] = {"mixed",	     "partly",	"domain",
						       "balanced",   "analytical", "rare",
						       "judgement",  "low"};
	static const char *const six[AQ__CHOICES] = {"mixed",	   "partly",	 "domain",
						     "balanced",   "analytical", "rare",
						     "mixed",	   "low"};
	struct assess_answers a;
	struct assess_result r;
	const char *why;

	(void)state;
	answer(&a, seven, 500, 0, 0);
	assert_int_equal(assess_score(&a, &r, &why), 0);
	assert_int_equal(r.kpo_points, 7);
	assert_int_equal(r.rec, ASSESS_KPO);
	deciding_is(&r, "rules");
	assert_int_equal(r.saving, 0); /* in-house cost unknown: no saving claimed */
	answer(&a, six, 500, 0, 0);
	assert_int_equal(assess_score(&a, &r, &why), 0);
	assert_int_equal(r.kpo_points, 6);
	assert_int_equal(r.rec, ASSESS_BPO);
	deciding_is(&r, "client_contact");
}

/* Data that may not leave the company keeps the work in, whatever else. */
static void test_restricted(void **state)
{
	static const char *const k[AQ__CHOICES] = {"cost",  "predefined", "general",
						   "volume", "transactional", "rare",
						   "rules", "restricted"};
	struct assess_answers a;
	struct assess_result r;
	const char *why;

	(void)state;
	answer(&a, k, 5000, 9000, 40);
	assert_int_equal(assess_score(&a, &r, &why), 0);
	assert_int_equal(r.rec, ASSESS_IN_HOUSE);
	assert_int_equal(r.rule, 'a');
	deciding_is(&r, "data_sensitivity");
	assert_int_equal(r.saving, 0);
}

/* High sensitivity (2) and 50 h a month (1): three in-house points; 100 h: only two. */
static void test_in_house_points(void **state)
{
	static const char *const k[AQ__CHOICES] = {"cost",  "predefined", "general",
						   "volume", "transactional", "rare",
						   "rules", "high"};
	struct assess_answers a;
	struct assess_result r;
	const char *why;

	(void)state;
	answer(&a, k, 50, 3000, 20);
	assert_int_equal(assess_score(&a, &r, &why), 0);
	assert_int_equal(r.in_house_points, 3);
	assert_int_equal(r.rec, ASSESS_IN_HOUSE);
	assert_int_equal(r.rule, 'b');
	deciding_is(&r, "data_sensitivity volume");
	answer(&a, k, 100, 3000, 20);
	assert_int_equal(assess_score(&a, &r, &why), 0);
	assert_int_equal(r.in_house_points, 2);
	assert_int_equal(r.rec, ASSESS_BPO);
	/* Low data and 19 h: 2 points only (the volume alone does not decide). */
	answer(&a, BPO_END, 19, 3000, 20);
	assert_int_equal(assess_score(&a, &r, &why), 0);
	assert_int_equal(r.in_house_points, 2);
	assert_int_equal(r.rec, ASSESS_BPO);
}

/* Outsourcing that saves nothing: in-house. Equal cost counts as no saving. */
static void test_no_saving(void **state)
{
	struct assess_answers a;
	struct assess_result r;
	const char *why;

	(void)state;
	answer(&a, BPO_END, 1600, 1000, 5); /* 1,680,000 in-house < 1,760,000 BPO */
	assert_int_equal(assess_score(&a, &r, &why), 0);
	assert_int_equal(r.cost_in_house, 1680000);
	assert_int_equal(r.rec, ASSESS_IN_HOUSE);
	assert_int_equal(r.rule, 'd');
	deciding_is(&r, "cost");
	answer(&a, BPO_END, 1600, 1000, 10); /* 1,760,000: the same */
	assert_int_equal(assess_score(&a, &r, &why), 0);
	assert_int_equal(r.rec, ASSESS_IN_HOUSE);
	answer(&a, BPO_END, 1600, 1001, 10); /* 1,761,760: 1,760 saved */
	assert_int_equal(assess_score(&a, &r, &why), 0);
	assert_int_equal(r.rec, ASSESS_BPO);
	assert_int_equal(r.saving, 1760);
}

/* Rounding half up, once; custom rates replace the defaults. */
static void test_rounding_and_rates(void **state)
{
	struct assess_answers a;
	struct assess_result r;
	const char *why;

	(void)state;
	answer(&a, BPO_END, 3, 333, 50); /* 3 * 333 * 1.5 = 1498.5 */
	a.bpo_rate = 150;
	assert_int_equal(assess_score(&a, &r, &why), 0);
	assert_int_equal(r.cost_in_house, 1499);
	assert_int_equal(r.cost_bpo, 450);
	assert_int_equal(r.cost_kpo, 7200);
	answer(&a, BPO_END, 1, 1, 49); /* 1.49 -> 1 */
	assert_int_equal(assess_score(&a, &r, &why), 0);
	assert_int_equal(r.cost_in_house, 1);
}

static void test_bad_answers(void **state)
{
	struct assess_answers a;
	struct assess_result r;
	const char *why;

	(void)state;
	answer(&a, BPO_END, 100, 0, 0);
	a.choice[AQ_FOCUS] = -1;
	assert_int_equal(assess_score(&a, &r, &why), ERR_INVALID);
	assert_non_null(strstr(why, "focus"));
	answer(&a, BPO_END, 100, 0, 0);
	a.choice[AQ_SENSITIVITY] = 4;
	assert_int_equal(assess_score(&a, &r, &why), ERR_INVALID);
	assert_non_null(strstr(why, "data_sensitivity"));
	answer(&a, BPO_END, 0, 0, 0);
	assert_int_equal(assess_score(&a, &r, &why), ERR_INVALID);
	assert_non_null(strstr(why, "volume"));
	answer(&a, BPO_END, 100, -1, 0);
	assert_int_equal(assess_score(&a, &r, &why), ERR_INVALID);
	answer(&a, BPO_END, 100, 100, 501);
	assert_int_equal(assess_score(&a, &r, &why), ERR_INVALID);
	/* The largest inputs still fit: 10^6 h * 10^8 * 6 < 2^63. */
	answer(&a, BPO_END, ASSESS_HOURS_MAX, ASSESS_RATE_MAX, 500);
	assert_int_equal(assess_score(&a, &r, &why), 0);
	assert_int_equal(r.cost_in_house, (int64_t)600000000000000);
}

/* Every question has its text in the three languages, and they differ from English. */
static void test_texts(void **state)
{
	enum assess_lang l;

	(void)state;
	for (int q = 0; q < AQ__COUNT; q++) {
		const struct assess_question *x = assess_question(q);

		assert_non_null(x);
		for (int i = 0; i < ASSESS_LANG__COUNT; i++)
			assert_non_null(x->text[i]);
		assert_string_not_equal(x->text[ASSESS_EN], x->text[ASSESS_ID]);
		assert_string_not_equal(x->text[ASSESS_EN], x->text[ASSESS_MS]);
		for (int o = 0; o < x->n_options; o++)
			for (int i = 0; i < ASSESS_LANG__COUNT; i++)
				assert_non_null(x->option_text[o][i]);
	}
	assert_null(assess_question(AQ__COUNT));
	assert_int_equal(assess_lang_parse("ms", &l), 0);
	assert_int_equal(l, ASSESS_MS);
	assert_int_equal(assess_lang_parse("fr", &l), ERR_INVALID);
	assert_int_equal(assess_option(AQ_FOCUS, "nope"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bpo),		    cmocka_unit_test(test_kpo),
	    cmocka_unit_test(test_threshold),	    cmocka_unit_test(test_restricted),
	    cmocka_unit_test(test_in_house_points), cmocka_unit_test(test_no_saving),
	    cmocka_unit_test(test_rounding_and_rates), cmocka_unit_test(test_bad_answers),
	    cmocka_unit_test(test_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
