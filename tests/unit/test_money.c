/* test_money.c - core/money.c: the ISO 4217 table, parsing, formatting, rounding and overflow at every edge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/money.h"
#include "util/err.h"

static void test_currencies(void **state)
{
	(void)state;
	/* ISO 4217 minor units, including the ones practice gets wrong */
	assert_int_equal(money_exponent("IDR"), 2);
	assert_int_equal(money_exponent("JPY"), 0);
	assert_int_equal(money_exponent("KRW"), 0);
	assert_int_equal(money_exponent("KWD"), 3);
	assert_int_equal(money_exponent("BHD"), 3);
	assert_int_equal(money_exponent("CLF"), 4);
	const char *two[] = {"USD", "EUR", "MYR", "PHP", "SGD", "INR", "GBP", "AUD"};
	for (size_t i = 0; i < sizeof(two) / sizeof(two[0]); i++)
		assert_int_equal(money_exponent(two[i]), 2);
	assert_int_equal(money_exponent("XXX"), -1);
	assert_int_equal(money_exponent("usd"), -1);
	assert_int_equal(money_exponent("USDX"), -1);
	assert_int_equal(money_exponent(""), -1);
	assert_int_equal(money_exponent(NULL), -1);
}

static void test_parse(void **state)
{
	int64_t v = 77;

	(void)state;
	assert_int_equal(money_parse("1500", 2, &v), 0);
	assert_int_equal(v, 150000);
	assert_int_equal(money_parse("1500.5", 2, &v), 0);
	assert_int_equal(v, 150050);
	assert_int_equal(money_parse("-0.25", 2, &v), 0);
	assert_int_equal(v, -25);
	assert_int_equal(money_parse("7", 0, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(money_parse("1.234", 3, &v), 0);
	assert_int_equal(v, 1234);
	/* never rounded silently, never lenient */
	v = 77;
	const char *badv[] = {"1.005", "", "-", ".5", "5.", "+5", " 5", "5 ", "1,000", "1e3", "0x10",
			      "--1", "1.2.3"};
	for (size_t i = 0; i < sizeof(badv) / sizeof(badv[0]); i++)
		assert_int_equal(money_parse(badv[i], 2, &v), ERR_INVALID);
	assert_int_equal(money_parse("1.5", 0, &v), ERR_INVALID);
	assert_int_equal(v, 77);
	/* the edge of int64: 2^63 - 1 minor units parses, one more does not */
	assert_int_equal(money_parse("92233720368547758.07", 2, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(money_parse("-92233720368547758.07", 2, &v), 0);
	assert_true(v == -INT64_MAX);
	assert_int_equal(money_parse("92233720368547758.08", 2, &v), ERR_INVALID);
	assert_int_equal(money_parse("-92233720368547758.08", 2, &v), ERR_INVALID);
	assert_int_equal(money_parse("9223372036854775807", 0, &v), 0);
	assert_int_equal(money_parse("9223372036854775808", 0, &v), ERR_INVALID);
	assert_int_equal(money_parse("92233720368547758070", 0, &v), ERR_INVALID);
	assert_int_equal(money_parse("99999999999999999999999999", 2, &v), ERR_INVALID);
}

static void test_format(void **state)
{
	char t[MONEY_TEXT_MAX];

	(void)state;
	assert_string_equal(money_format(0, 2, t, sizeof(t)), "0.00");
	assert_string_equal(money_format(5, 2, t, sizeof(t)), "0.05");
	assert_string_equal(money_format(-5, 2, t, sizeof(t)), "-0.05");
	assert_string_equal(money_format(150050, 2, t, sizeof(t)), "1500.50");
	assert_string_equal(money_format(7, 0, t, sizeof(t)), "7");
	assert_string_equal(money_format(1234, 3, t, sizeof(t)), "1.234");
	assert_string_equal(money_format(INT64_MAX, 2, t, sizeof(t)), "92233720368547758.07");
	assert_string_equal(money_format(-INT64_MAX, 0, t, sizeof(t)), "-9223372036854775807");
	assert_string_equal(money_format_grouped(123456789, 2, '.', ',', t, sizeof(t)),
			    "1.234.567,89");
	assert_string_equal(money_format_grouped(123456789, 2, ',', '.', t, sizeof(t)),
			    "1,234,567.89");
	assert_string_equal(money_format_grouped(100000, 2, ',', '.', t, sizeof(t)), "1,000.00");
	assert_string_equal(money_format_grouped(99999, 2, ',', '.', t, sizeof(t)), "999.99");
	assert_string_equal(money_format_grouped(-1000, 0, ',', '.', t, sizeof(t)), "-1,000");
	assert_string_equal(money_format_grouped(INT64_MAX, 0, ',', '.', t, sizeof(t)),
			    "9,223,372,036,854,775,807");
	/* a round trip at every exponent */
	for (int e = 0; e <= 4; e++) {
		int64_t vals[] = {0, 1, -1, 9, 10, 99999, INT64_MAX, -INT64_MAX};
		for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
			int64_t back = 0;

			assert_int_equal(money_parse(money_format(vals[i], e, t, sizeof(t)), e, &back), 0);
			assert_true(back == vals[i]);
		}
	}
}

static void test_overflow(void **state)
{
	int64_t v = 77;

	(void)state;
	assert_int_equal(money_add(INT64_MAX - 1, 1, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(money_add(INT64_MAX, 1, &v), ERR_INVALID);
	assert_int_equal(money_add(-INT64_MAX, -1, &v), ERR_INVALID); /* INT64_MIN is no amount */
	assert_int_equal(money_sub(-INT64_MAX, 1, &v), ERR_INVALID);
	assert_int_equal(money_sub(0, -INT64_MAX, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(money_mul(INT64_MAX / 2, 2, &v), 0);
	assert_int_equal(money_mul(INT64_MAX / 2 + 1, 2, &v), ERR_INVALID);
	assert_int_equal(money_mul(3037000500LL, 3037000500LL, &v), ERR_INVALID); /* > 2^63 */
	assert_int_equal(money_mul(3037000499LL, 3037000499LL, &v), 0);
	assert_int_equal(money_muldiv(INT64_MAX, 3, 2, &v), ERR_INVALID);
	assert_int_equal(money_muldiv(INT64_MAX, INT64_MAX, INT64_MAX, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(money_muldiv(1, 1, 0, &v), ERR_INVALID);
	assert_int_equal(money_muldiv(1, -1, 2, &v), ERR_INVALID);
	assert_int_equal(money_bp(INT64_MAX, 10000, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(money_bp(INT64_MAX, 10001, &v), ERR_INVALID);
}

/* half away from zero, at the half and beside it, both signs */
static void test_rounding(void **state)
{
	int64_t v;

	(void)state;
	struct {
		int64_t a, num, den, want;
	} cases[] = {
	    {1, 1, 2, 1},     {-1, 1, 2, -1},	{3, 1, 2, 2},	  {-3, 1, 2, -2},  {5, 1, 2, 3},
	    {-5, 1, 2, -3},   {1, 1, 3, 0},	{2, 1, 3, 1},	  {-2, 1, 3, -1},  {49, 1, 100, 0},
	    {50, 1, 100, 1},  {51, 1, 100, 1},	{149, 1, 100, 1}, {150, 1, 100, 2}, {-150, 1, 100, -2},
	    {0, 7, 9, 0},     {10000, 1100, 10000, 1100},
	    /* 11 % of 0.05: 0.0055 → 0.01; of 0.04: 0.0044 → 0.00; of 4.55: 0.5005 → 0.50 */
	    {5, 1100, 10000, 1}, {4, 1100, 10000, 0}, {455, 1100, 10000, 50},
	    /* one hour at 11.00 for 30 min: 5.50 exactly; 1 ms: 0.0000030… → 0 */
	    {1100, 1800000, 3600000, 550}, {1100, 1, 3600000, 0},
	    /* 0.005 hours' worth: price 1 * 1,800,000 ms / 3,600,000 = 0.5 → 1 */
	    {1, 1800000, 3600000, 1}, {1, 1799999, 3600000, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(money_muldiv(cases[i].a, cases[i].num, cases[i].den, &v), 0);
		assert_true(v == cases[i].want);
	}
	/* near 2^63: the 128-bit product rounds exactly */
	assert_int_equal(money_muldiv(INT64_MAX, 1, 2, &v), 0);
	assert_true(v == INT64_MAX / 2 + 1); /* 4611686018427387903.5 → …904 */
	assert_int_equal(money_muldiv(-INT64_MAX, 1, 2, &v), 0);
	assert_true(v == -(INT64_MAX / 2 + 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_currencies), cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_format),     cmocka_unit_test(test_overflow),
	    cmocka_unit_test(test_rounding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
