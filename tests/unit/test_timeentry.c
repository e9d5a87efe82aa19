/* test_timeentry.c - time entries' duration, the period and lock rules and the cost (core/timeentry.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/timeentry.h"
#include "util/err.h"

static void test_lease_duration(void **state)
{
	(void)state;
	/* Submit before the deadline: start to now. */
	assert_int_equal(time_lease_duration(1000, 5000, 3000), 2000);
	/* Expiry found late (the engine ran at 9000): only to the deadline. */
	assert_int_equal(time_lease_duration(1000, 5000, 9000), 4000);
	/* A renewal moved the deadline: the lease still counts from its start. */
	assert_int_equal(time_lease_duration(1000, 20000, 15000), 14000);
	/* Unknown start, a clock behind the start: nothing. */
	assert_int_equal(time_lease_duration(0, 5000, 3000), 0);
	assert_int_equal(time_lease_duration(4000, 5000, 3000), 0);
}

static void test_entry_check(void **state)
{
	const int64_t now = 1767225600000, h = 3600000;
	const char *why;

	(void)state;
	assert_int_equal(time_entry_check(now - h, now, now, &why), 0);
	assert_int_equal(time_entry_check(now - h, 0, now, &why), 0); /* a running timer */
	assert_int_equal(time_entry_check(now, now, now, &why), ERR_INVALID);
	assert_int_equal(time_entry_check(now, now - 1, now, &why), ERR_INVALID);
	assert_int_equal(time_entry_check(0, now, now, &why), ERR_INVALID);
	assert_int_equal(time_entry_check(now - 24 * h, now, now, &why), 0);
	assert_int_equal(time_entry_check(now - 24 * h - 1, now, now, &why), ERR_INVALID);
	assert_non_null(strstr(why, "24 hours"));
	/* A minute of skew into the future is allowed, a minute and a millisecond not. */
	assert_int_equal(time_entry_check(now, now + 60000, now, &why), 0);
	assert_int_equal(time_entry_check(now, now + 60001, now, &why), ERR_INVALID);
	assert_int_equal(time_entry_check(now + 60001, 0, now, &why), ERR_INVALID);
}

static void test_period_bounds(void **state)
{
	struct billing_period p = {.starts_at = 1000, .ends_at = 2000};

	(void)state;
	assert_true(period_holds(&p, 1000));
	assert_true(period_holds(&p, 1999));
	assert_false(period_holds(&p, 2000));
	assert_false(period_holds(&p, 999));
	/* Touching periods do not overlap; one instant in common does. */
	assert_false(period_overlaps(1000, 2000, 2000, 3000));
	assert_false(period_overlaps(2000, 3000, 1000, 2000));
	assert_true(period_overlaps(1000, 2000, 1999, 3000));
	assert_true(period_overlaps(1000, 2000, 0, 1001));
	assert_true(period_overlaps(1000, 2000, 1200, 1300));
}

/* open -> approved -> locked, one step at a time, once ended; the clock moves, nothing sleeps. */
static void test_period_advance(void **state)
{
	struct billing_period p = {.starts_at = 1000, .ends_at = 2000, .state = PERIOD_OPEN};
	const char *why;
	int64_t now = 1500;

	(void)state;
	assert_int_equal(period_advance(&p, PERIOD_APPROVED, now, &why), ERR_CONFLICT);
	assert_non_null(strstr(why, "not ended"));
	now = 1999;
	assert_int_equal(period_advance(&p, PERIOD_APPROVED, now, &why), ERR_CONFLICT);
	now = 2000; /* the period's last instant has passed */
	assert_int_equal(period_advance(&p, PERIOD_LOCKED, now, &why), ERR_CONFLICT);
	assert_non_null(strstr(why, "approved before"));
	assert_int_equal(period_advance(&p, PERIOD_APPROVED, now, &why), 0);
	p.state = PERIOD_APPROVED;
	assert_int_equal(period_advance(&p, PERIOD_APPROVED, now, &why), ERR_CONFLICT);
	assert_int_equal(period_advance(&p, PERIOD_LOCKED, now, &why), 0);
	p.state = PERIOD_LOCKED;
	assert_int_equal(period_advance(&p, PERIOD_LOCKED, now, &why), ERR_CONFLICT);
	assert_non_null(strstr(why, "locked"));
	assert_int_equal(period_advance(&p, PERIOD_APPROVED, now, &why), ERR_CONFLICT);
	assert_int_equal(period_advance(&p, PERIOD_OPEN, now, &why), ERR_CONFLICT);
}

/* The reference: exact ms * cost / 3,600,000 rounded half up, in 128 bits. */
static int64_t ref_cost(int64_t ms, int64_t cost)
{
	__int128 p = (__int128)ms * cost;

	return (int64_t)((p + 1800000) / 3600000);
}

static void test_cost(void **state)
{
	static const int64_t ms[] = {0, 1, 999, 1000, 1800000, 3599999, 3600000, 720000,
				     86400000, 123456789012, 4611686018427387903LL};
	static const int64_t cost[] = {0, 1, 900, 1800, 2400, 3599999, 3600001, 7};
	int64_t out;

	(void)state;
	assert_int_equal(time_cost_minor(720000, 900, &out), 0);
	assert_int_equal(out, 180); /* 0.2 h at $9 */
	assert_int_equal(time_cost_minor(1000, 1800, &out), 0);
	assert_int_equal(out, 1); /* 0.5 cent rounds up */
	assert_int_equal(time_cost_minor(999, 1800, &out), 0);
	assert_int_equal(out, 0); /* 0.4995 rounds down */
	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++)
		for (size_t j = 0; j < sizeof(cost) / sizeof(cost[0]); j++) {
			__int128 exact = ((__int128)ms[i] * cost[j] + 1800000) / 3600000;
			int rc = time_cost_minor(ms[i], cost[j], &out);

			if (exact > INT64_MAX) {
				assert_int_equal(rc, ERR_INVALID);
			} else {
				assert_int_equal(rc, 0);
				assert_int_equal(out, ref_cost(ms[i], cost[j]));
			}
		}
	assert_int_equal(time_cost_minor(INT64_MAX, INT64_MAX, &out), ERR_INVALID);
	assert_int_equal(time_cost_minor(-1, 900, &out), ERR_INVALID);
	assert_int_equal(time_cost_minor(1000, -1, &out), ERR_INVALID);
}

static void test_names(void **state)
{
	enum period_kind k;
	enum period_state s;
	enum time_kind t;

	(void)state;
	assert_int_equal(period_kind_parse("month", &k), 0);
	assert_int_equal(k, PERIOD_MONTH);
	assert_int_equal(period_kind_parse("fortnight", &k), ERR_INVALID);
	assert_int_equal(period_state_parse("locked", &s), 0);
	assert_int_equal(s, PERIOD_LOCKED);
	assert_int_equal(time_kind_parse("manual", &t), 0);
	assert_string_equal(time_kind_name(TIME_WORK), "work");
	assert_string_equal(period_state_name(PERIOD_APPROVED), "approved");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lease_duration), cmocka_unit_test(test_entry_check),
	    cmocka_unit_test(test_period_bounds),  cmocka_unit_test(test_period_advance),
	    cmocka_unit_test(test_cost),	   cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
