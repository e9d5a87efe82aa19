/*
 * test_rates.c - core/rates.c: a generated month of time entries and items priced, checked
 * against a second computation written here (brute force: item by item, rounding by the
 * (2x + d) / 2d formula), and every edge: tiers at 9,999 / 10,000 / 10,001 items, the
 * minimum fee, both credits, tax rounding, overflow, negative rates, unknown currency.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/model.h"
#include "core/rates.h"
#include "util/err.h"

#define H 3600000LL

static uint64_t rng = 0x9e3779b97f4a7c15ULL; /* fixed seed: the same month every run */
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* half-up of x / d for x >= 0, d > 0, in plain integers (not money.c's code path) */
static uint64_t ref_round(uint64_t x, uint64_t d)
{
	return (2 * x + d) / (2 * d);
}

static void card_base(struct rate_card *c)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->currency, "IDR", 4);
	c->has_hourly[0] = true;
	c->hourly[0] = 7333333; /* 73,333.33 an hour: thirds do not divide evenly */
	c->has_hourly[3] = true;
	c->hourly[3] = 9999999;
	c->has_hourly[5] = true;
	c->hourly[5] = 12345677;
	c->n_types = 1;
	memcpy(c->types[0].type, "default", 8);
	c->types[0].n_tiers = 2;
	c->types[0].tiers[0] = (struct rate_tier){.up_to = 10000, .price = 150};
	c->types[0].tiers[1] = (struct rate_tier){.up_to = 0, .price = 120};
	c->n_taxes = 1;
	memcpy(c->taxes[0].name, "PPN", 4);
	c->taxes[0].rate_bp = 1100;
}

struct entry {
	int64_t worker, ms;
};

static void test_generated_month(void **state)
{
	enum { WORKERS = 40, ENTRIES = 20000, ITEMS = 12345 };
	static struct entry e[ENTRIES];
	int grade[WORKERS];
	struct rate_card c;
	struct bill_usage u;
	struct bill b;
	char why[128];
	uint64_t ms_by_grade[RATES_GRADES] = {0}, want_work = 0, late = 0;

	(void)state;
	card_base(&c);
	c.minimum = 100; /* far below: no top-up */
	c.sla_late_max_bp = 500;
	c.sla_credit_bp = 250;
	c.quality_min_bp = 9500;
	c.quality_credit_bp = 300;
	for (int w = 0; w < WORKERS; w++)
		grade[w] = (int)(next() % 6);
	/* a month of leases: 1 s to 2 h each */
	for (int i = 0; i < ENTRIES; i++) {
		e[i].worker = (int64_t)(next() % WORKERS);
		e[i].ms = 1000 + (int64_t)(next() % (2 * H - 1000));
	}
	/* what the caller gathers: ms per grade, items done and late */
	memset(&u, 0, sizeof(u));
	u.quality_bp = 9400;
	for (int i = 0; i < ENTRIES; i++)
		u.ms[grade[e[i].worker]] += e[i].ms;
	for (int i = 0; i < ITEMS; i++)
		if (next() % 100 < 7)
			u.items_late++;
	u.items[0] = u.items_total = ITEMS;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);

	/* the reference: entry by entry, item by item */
	for (int i = 0; i < ENTRIES; i++)
		ms_by_grade[grade[e[i].worker]] += (uint64_t)e[i].ms;
	for (int g = 0; g < RATES_GRADES; g++) {
		uint64_t price = (uint64_t)(g == 3 ? 9999999 : g == 5 ? 12345677 : 7333333);

		if (ms_by_grade[g])
			want_work += ref_round(price * ms_by_grade[g], (uint64_t)H);
	}
	for (int i = 0; i < ITEMS; i++)
		want_work += i < 10000 ? 150 : 120;
	late = (uint64_t)u.items_late;
	assert_true(late * 10000 > 500ULL * ITEMS); /* the seed gives about 7 % late */
	uint64_t sla = ref_round(want_work * 250, 10000);
	uint64_t qual = ref_round(want_work * 300, 10000); /* 94 % < 95 % */
	uint64_t net = want_work - sla - qual;
	uint64_t tax = ref_round(net * 1100, 10000);

	assert_true((uint64_t)b.work == want_work);
	assert_true((uint64_t)b.fee == want_work);
	assert_true((uint64_t)-b.credits == sla + qual);
	assert_true((uint64_t)b.net == net);
	assert_true((uint64_t)b.tax == tax);
	assert_true((uint64_t)b.total == net + tax);
	/* the lines add up to the total exactly */
	int64_t sum = 0;
	for (size_t i = 0; i < b.n_lines; i++)
		sum += b.lines[i].amount;
	assert_true(sum == b.total);
}

static int64_t items_amount(int64_t n)
{
	struct rate_card c;
	struct bill_usage u = {.quality_bp = -1};
	struct bill b;
	char why[128];

	card_base(&c);
	c.n_taxes = 0;
	u.items[0] = u.items_total = n;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	return b.total;
}

static void test_tiers(void **state)
{
	(void)state;
	assert_true(items_amount(9999) == 9999 * 150);
	assert_true(items_amount(10000) == 10000 * 150);
	assert_true(items_amount(10001) == 10000 * 150 + 120);
	assert_true(items_amount(20001) == 10000 * 150 + 10001 * 120);
	assert_true(items_amount(0) == 0);

	/* three tiers, lines name their positions */
	struct rate_card c;
	struct bill_usage u = {.quality_bp = -1};
	struct bill b;
	char why[128];

	card_base(&c);
	c.n_taxes = 0;
	c.types[0].n_tiers = 3;
	c.types[0].tiers[1] = (struct rate_tier){.up_to = 20000, .price = 120};
	c.types[0].tiers[2] = (struct rate_tier){.up_to = 0, .price = 100};
	u.items[0] = u.items_total = 25000;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	assert_int_equal(b.n_lines, 3);
	assert_true(b.lines[1].first == 10000 && b.lines[1].qty == 10000);
	assert_true(b.lines[2].first == 20000 && b.lines[2].qty == 5000);
	assert_true(b.total == 10000 * 150 + 10000 * 120 + 5000 * 100);
	/* a closed last tier: items past it have no price */
	c.types[0].tiers[2].up_to = 24999;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), ERR_INVALID);
	assert_non_null(strstr(why, "items[0]"));
}

static void test_minimum(void **state)
{
	struct rate_card c;
	struct bill_usage u = {.quality_bp = -1};
	struct bill b;
	char why[128];

	(void)state;
	card_base(&c);
	c.n_taxes = 0;
	c.minimum = 1000;
	u.items[0] = u.items_total = 6; /* 900 */
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	assert_int_equal(b.n_lines, 2);
	assert_int_equal(b.lines[1].kind, BILL_MINIMUM);
	assert_true(b.lines[1].amount == 100 && b.fee == 1000 && b.total == 1000);
	c.minimum = 900; /* exactly reached: no top-up line */
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	assert_int_equal(b.n_lines, 1);
	c.minimum = 901;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	assert_true(b.lines[1].amount == 1);
	/* no work at all: the whole minimum */
	u.items[0] = u.items_total = 0;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	assert_true(b.total == 901 && b.n_lines == 1);
}

static void test_credits(void **state)
{
	struct rate_card c;
	struct bill_usage u = {.quality_bp = -1};
	struct bill b;
	char why[128];

	(void)state;
	card_base(&c);
	c.n_taxes = 0;
	c.sla_late_max_bp = 500; /* 5 % late allowed */
	c.sla_credit_bp = 1000;	 /* 10 % back */
	u.items[0] = u.items_total = 200; /* 30,000 */
	u.items_late = 10;		  /* exactly 5 %: no credit */
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	assert_true(b.credits == 0 && b.total == 30000);
	u.items_late = 11; /* 5.5 %: credit */
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	assert_true(b.credits == -3000 && b.total == 27000);
	/* quality: at the level no credit, one below a credit */
	u.items_late = 0;
	c.quality_min_bp = 9800;
	c.quality_credit_bp = 333;
	u.quality_bp = 9800;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	assert_true(b.credits == 0);
	u.quality_bp = 9799;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	assert_true(b.credits == -999); /* 3.33 % of 30,000 = 999 */
	u.quality_bp = -1; /* no score known: no credit */
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	assert_true(b.credits == 0);
	/* both at 100 %: the second is what is left (nothing); the net never goes negative */
	c.sla_credit_bp = 10000;
	c.quality_credit_bp = 10000;
	u.items_late = 200;
	u.quality_bp = 0;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	assert_true(b.credits == -30000 && b.net == 0 && b.total == 0);
	assert_true(b.lines[b.n_lines - 1].amount == 0);
	/* a credit's rounding: 10 % of 5 = 0.5 → 1 */
	c.sla_credit_bp = 1000;
	c.quality_credit_bp = 0;
	c.types[0].tiers[0].price = 5;
	u.items[0] = u.items_total = 1;
	u.items_late = 1;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	assert_true(b.credits == -1 && b.total == 4);
}

static int64_t tax_of(int64_t net, int64_t bp)
{
	struct rate_card c;
	struct bill_usage u = {.quality_bp = -1};
	struct bill b;
	char why[128];

	card_base(&c);
	c.types[0].tiers[0].price = 1;
	c.taxes[0].rate_bp = bp;
	u.items[0] = u.items_total = net;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	assert_true(b.net == net && b.total == net + b.tax);
	return b.tax;
}

static void test_tax_rounding(void **state)
{
	(void)state;
	assert_true(tax_of(4, 1100) == 0);   /* 0.44 */
	assert_true(tax_of(5, 1100) == 1);   /* 0.55 */
	assert_true(tax_of(45, 1100) == 5);  /* 4.95 */
	assert_true(tax_of(50, 1100) == 6);  /* 5.50: the half goes up */
	assert_true(tax_of(150, 1000) == 15);
	assert_true(tax_of(5, 1000) == 1);   /* 0.50 */
	assert_true(tax_of(4, 1250) == 1);   /* 0.50 */
	assert_true(tax_of(3, 1250) == 0);   /* 0.375 */
	assert_true(tax_of(9999, 0) == 0);
	assert_true(tax_of(9999, 10000) == 9999);
	/* two tax lines each rounded on the net, summed */
	struct rate_card c;
	struct bill_usage u = {.quality_bp = -1};
	struct bill b;
	char why[128];

	card_base(&c);
	c.types[0].tiers[0].price = 1;
	c.n_taxes = 2;
	memcpy(c.taxes[1].name, "PB1", 4);
	c.taxes[1].rate_bp = 1000;
	u.items[0] = u.items_total = 5;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	assert_true(b.tax == 2 && b.total == 7);
}

static void test_hours_rounding(void **state)
{
	struct rate_card c;
	struct bill_usage u = {.quality_bp = -1};
	struct bill b;
	char why[128];

	(void)state;
	card_base(&c);
	c.n_taxes = 0;
	c.hourly[0] = 1; /* 0.01 an hour */
	u.ms[0] = H / 2; /* 0.005: the half goes up */
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	assert_true(b.total == 1);
	u.ms[0] = H / 2 - 1;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	assert_true(b.total == 0);
	/* grade 4 has no price of its own: grade 0's */
	memset(u.ms, 0, sizeof(u.ms));
	u.ms[4] = H;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), 0);
	assert_true(b.total == 1 && b.lines[0].grade == 4);
	/* no default either: refused, naming the grade */
	c.has_hourly[0] = false;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), ERR_INVALID);
	assert_non_null(strstr(why, "hourly[4]"));
}

static void test_overflow(void **state)
{
	struct rate_card c;
	struct bill_usage u = {.quality_bp = -1};
	struct bill b;
	char why[128];

	(void)state;
	card_base(&c);
	c.hourly[0] = INT64_MAX / 2;
	u.ms[0] = 2 * H + H / 2; /* 2.5 hours of half the range */
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), ERR_INVALID);
	assert_non_null(strstr(why, "overflow"));
	/* each line fits, their sum does not */
	u.ms[0] = H;
	c.types[0].tiers[0].price = INT64_MAX / 2 + 2;
	u.items[0] = u.items_total = 1;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), ERR_INVALID);
	/* items: a count times a price near 2^63 */
	memset(u.ms, 0, sizeof(u.ms));
	c.types[0].tiers[0].price = INT64_MAX / 3;
	u.items[0] = u.items_total = 4;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), ERR_INVALID);
	assert_non_null(strstr(why, "items[0]"));
	/* the net fits, the tax on it pushes the total past */
	c.types[0].tiers[0].price = INT64_MAX - 10;
	u.items[0] = u.items_total = 1;
	assert_int_equal(bill_compute(&c, &u, &b, why, sizeof(why)), ERR_INVALID);
	assert_non_null(strstr(why, "total"));
}

static void test_check(void **state)
{
	struct rate_card c;
	char why[128];

	(void)state;
	card_base(&c);
	assert_int_equal(rate_card_check(&c, why, sizeof(why)), 0);
	memcpy(c.currency, "XYZ", 4);
	assert_int_equal(rate_card_check(&c, why, sizeof(why)), ERR_INVALID);
	assert_non_null(strstr(why, "currency"));
	card_base(&c);
	c.hourly[3] = -1;
	assert_int_equal(rate_card_check(&c, why, sizeof(why)), ERR_INVALID);
	assert_non_null(strstr(why, "hourly[3]"));
	card_base(&c);
	c.types[0].tiers[1].price = -5;
	assert_int_equal(rate_card_check(&c, why, sizeof(why)), ERR_INVALID);
	assert_non_null(strstr(why, "items[0]"));
	card_base(&c);
	c.types[0].tiers[0].up_to = 0; /* open before the last */
	assert_int_equal(rate_card_check(&c, why, sizeof(why)), ERR_INVALID);
	card_base(&c);
	c.minimum = -1;
	assert_int_equal(rate_card_check(&c, why, sizeof(why)), ERR_INVALID);
	assert_non_null(strstr(why, "minimum"));
	card_base(&c);
	c.taxes[0].rate_bp = 10001;
	assert_int_equal(rate_card_check(&c, why, sizeof(why)), ERR_INVALID);
	assert_non_null(strstr(why, "tax[0]"));
	card_base(&c);
	c.sla_credit_bp = -1;
	assert_int_equal(rate_card_check(&c, why, sizeof(why)), ERR_INVALID);
	assert_non_null(strstr(why, "credits.sla"));
}

static void test_grade(void **state)
{
	struct skill_level w[] = {{"excel", 4}, {"id", 2}, {"legal", 5}};
	struct skill_level r[] = {{"excel", 1}, {"id", 1}};

	(void)state;
	assert_int_equal(bill_grade(w, 3, r, 2), 4);
	assert_int_equal(bill_grade(w, 3, r, 0), 0);
	assert_int_equal(bill_grade(w, 0, r, 2), 0);
}

static void test_json(void **state)
{
	const char *card =
	    "{\"currency\":\"IDR\",\"hourly\":[{\"grade\":0,\"price\":\"75000.00\"},"
	    "{\"grade\":3,\"price\":\"99999.99\"}],\"items\":[{\"type\":\"default\","
	    "\"tiers\":[{\"up_to\":10000,\"price\":\"1.50\"},{\"up_to\":null,\"price\":\"1.2\"}]}],"
	    "\"milestone\":\"5000000\",\"minimum\":\"100.00\",\"credits\":{\"sla\":"
	    "{\"late_max_bp\":500,\"credit_bp\":250},\"quality\":{\"min_bp\":9500,\"credit_bp\":300}},"
	    "\"tax\":[{\"name\":\"PPN\",\"rate_bp\":1100}]}";
	struct rate_card c, d;
	char why[160], *text;

	(void)state;
	assert_int_equal(rate_card_parse(card, &c, why, sizeof(why)), 0);
	assert_string_equal(c.currency, "IDR");
	assert_true(c.has_hourly[0] && c.hourly[0] == 7500000);
	assert_true(c.has_hourly[3] && c.hourly[3] == 9999999 && !c.has_hourly[1]);
	assert_true(c.types[0].tiers[0].up_to == 10000 && c.types[0].tiers[0].price == 150);
	assert_true(c.types[0].tiers[1].up_to == 0 && c.types[0].tiers[1].price == 120);
	assert_true(c.milestone == 500000000 && c.minimum == 10000);
	assert_true(c.sla_late_max_bp == 500 && c.quality_credit_bp == 300);
	assert_true(c.n_taxes == 1 && c.taxes[0].rate_bp == 1100);
	/* the canonical text reads back the same */
	text = rate_card_render(&c);
	assert_non_null(text);
	assert_int_equal(rate_card_parse(text, &d, why, sizeof(why)), 0);
	assert_memory_equal(&c, &d, sizeof(c));
	free(text);

	struct {
		const char *json, *field;
	} bad[] = {
	    {"{\"currency\":\"XYZ\"}", "currency"},
	    {"{\"currency\":\"idr\"}", "currency"},
	    {"{}", "currency"},
	    {"{\"currency\":\"IDR\",\"hourly\":[{\"grade\":0,\"price\":\"-1.00\"}]}",
	     "hourly[0].price: must not be negative"},
	    {"{\"currency\":\"IDR\",\"hourly\":[{\"grade\":0,\"price\":\"1.005\"}]}",
	     "hourly[0].price: not a decimal"},
	    {"{\"currency\":\"IDR\",\"hourly\":[{\"grade\":0,\"price\":150}]}",
	     "hourly[0].price: must be a decimal string"},
	    {"{\"currency\":\"IDR\",\"hourly\":[{\"grade\":0,\"price\":\"92233720368547758.08\"}]}",
	     "hourly[0].price: amount overflows"},
	    {"{\"currency\":\"JPY\",\"minimum\":\"9223372036854775808\"}", "minimum: amount overflows"},
	    {"{\"currency\":\"IDR\",\"hourly\":[{\"grade\":6,\"price\":\"1\"}]}",
	     "hourly[0].grade"},
	    {"{\"currency\":\"IDR\",\"items\":[{\"type\":\"default\",\"tiers\":[{\"up_to\":5,"
	     "\"price\":\"1\"},{\"up_to\":5,\"price\":\"1\"}]}]}",
	     "items[0]"},
	    {"{\"currency\":\"IDR\",\"items\":[{\"type\":\"default\",\"tiers\":[{\"price\":\"-0.01\"}]}]}",
	     "items[0].tiers[0].price: must not be negative"},
	    {"{\"currency\":\"IDR\",\"tax\":[{\"name\":\"PPN\",\"rate_bp\":-1}]}", "tax[0].rate_bp"},
	    {"{\"currency\":\"IDR\",\"credits\":{\"sla\":{\"late_max_bp\":1,\"credit_bp\":10001}}}",
	     "credits.sla.credit_bp"},
	    {"{\"currency\":\"IDR\",\"hourlyy\":[]}", "hourlyy: unknown field"},
	    {"{\"currency\":\"IDR\",\"minimum\":\"-5\"}", "minimum: must not be negative"},
	    {"[1]", "body"},
	    {"{", "body"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = 0;
		assert_int_equal(rate_card_parse(bad[i].json, &c, why, sizeof(why)), ERR_INVALID);
		if (!strstr(why, bad[i].field))
			fail_msg("%s: got \"%s\", want \"%s\"", bad[i].json, why, bad[i].field);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_generated_month), cmocka_unit_test(test_tiers),
	    cmocka_unit_test(test_minimum),	    cmocka_unit_test(test_credits),
	    cmocka_unit_test(test_tax_rounding),    cmocka_unit_test(test_hours_rounding),
	    cmocka_unit_test(test_overflow),	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_grade),	    cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
