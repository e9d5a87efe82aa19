/* test_app_staffing.c - the staffing use cases: every input rule once, defaults, the clock. */
/* cmocka needs these before it. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/staffing.h"
#include "util/clock.h"
#include "util/err.h"

/* 2023-11-14T22:13:20.000Z: an interval boundary of none of 15m, 30m, 1h. */
#define T0 1700000000000LL

static int64_t fixed_now(void)
{
	return T0;
}

/*
 * Input rules are checked before anything is read, so a store-less app
 * serves the invalid cases: a rule that slipped past its check would
 * crash on the NULL store rather than pass quietly.
 */
static const struct app NO_STORE = {.store = NULL, .now_ms = fixed_now};

/* The published check of docs/staffing.md as the base every bad case changes one field of. */
static struct staff_erlang_in erlang_ok(void)
{
	struct staff_erlang_in in = STAFF_ERLANG_IN_INIT;

	in.contacts = 100;
	in.interval_s = 1800;
	in.aht_s = 180;
	in.target.service_level = 0.8;
	in.target.within_s = 20;
	in.target.shrinkage = 0.3;
	return in;
}

/* rc is ERR_INVALID and the message names field. */
static void assert_invalid(int rc, struct buf *err, const char *field)
{
	assert_int_equal(rc, ERR_INVALID);
	if (!strstr(buf_str(err), field))
		fail_msg("message '%s' does not name %s", buf_str(err), field);
	buf_reset(err);
}

static void test_erlang_ok_and_defaults(void **state)
{
	struct staff_erlang_in in = erlang_ok();
	struct staff_erlang out;
	struct buf err = BUF_INIT;

	(void)state;
	assert_int_equal(app_staff_erlang(&NO_STORE, &AUTH_LOCAL_ADMIN, &in, &out, &err), 0);
	assert_int_equal(out.plan.agents, 14);
	assert_int_equal(out.plan.scheduled, 20);
	assert_int_equal(out.nrows, STAFF_ERLANG_ROWS);
	assert_int_equal(out.rows[0].agents, 11);
	assert_int_equal(out.rows[STAFF_ERLANG_ROWS - 1].agents, 16);

	/* Absent: target 80% within 20 s, no occupancy cap, no shrinkage, model c. */
	in = erlang_ok();
	in.target.service_level = in.target.within_s = in.target.shrinkage = APP_ABSENT;
	assert_int_equal(app_staff_erlang(&NO_STORE, &AUTH_LOCAL_ADMIN, &in, &out, &err), 0);
	assert_true(out.load.model == ERLANG_C);
	assert_true(out.target.service_level == 0.8 && out.target.sl_time_s == 20);
	assert_true(out.target.max_occupancy == 1 && out.target.shrinkage == 0);
	assert_int_equal(out.plan.agents, out.plan.scheduled);

	/* No traffic: zero agents and no rows around them. */
	in = erlang_ok();
	in.contacts = 0;
	assert_int_equal(app_staff_erlang(&NO_STORE, &AUTH_LOCAL_ADMIN, &in, &out, &err), 0);
	assert_int_equal(out.plan.agents, 0);
	assert_int_equal(out.nrows, 0);

	/* Model a in either case, with patience. */
	in = erlang_ok();
	in.model = "A";
	in.patience_s = 60;
	in.max_abandon = 0.1;
	assert_int_equal(app_staff_erlang(&NO_STORE, &AUTH_LOCAL_ADMIN, &in, &out, &err), 0);
	assert_true(out.load.model == ERLANG_A);
	assert_true(out.load.patience_s == 60);
	buf_release(&err);
}

static void test_erlang_rules(void **state)
{
	struct staff_erlang_in in;
	struct staff_erlang out;
	struct buf err = BUF_INIT;

	(void)state;
#define BAD(field, stmt)                                                                           \
	do {                                                                                       \
		in = erlang_ok();                                                                  \
		stmt;                                                                              \
		assert_invalid(app_staff_erlang(&NO_STORE, &AUTH_LOCAL_ADMIN, &in, &out, &err),    \
			       &err, field);                                                       \
	} while (0)
	BAD("contacts", in.contacts = APP_ABSENT);
	BAD("contacts", in.contacts = -1);
	BAD("contacts", in.contacts = 1e12);
	BAD("interval", in.interval_s = APP_ABSENT);
	BAD("interval", in.interval_s = 0);
	BAD("interval", in.interval_s = 8 * 86400);
	BAD("aht", in.aht_s = APP_ABSENT);
	BAD("aht", in.aht_s = 0);
	BAD("aht", in.aht_s = 86401);
	BAD("target", in.target.service_level = 0);
	BAD("target", in.target.service_level = 1);
	BAD("within", in.target.within_s = -1);
	BAD("shrinkage", in.target.shrinkage = 1);
	BAD("shrinkage", in.target.shrinkage = -0.1);
	BAD("max_occupancy", in.target.max_occupancy = 0);
	BAD("max_occupancy", in.target.max_occupancy = 1.5);
	BAD("max_abandon", in.max_abandon = 1);
	BAD("model", in.model = "b");
	BAD("patience", in.model = "a"); /* model a needs patience */
	BAD("patience", (in.model = "a", in.patience_s = 0));
	BAD("patience", in.patience_s = 30);		    /* model c refuses it */
	BAD("max_abandon", in.max_abandon = 0.1);	    /* model a only */
	BAD("load", (in.contacts = 1e9, in.aht_s = 86400)); /* past ERLANG_MAX_TRAFFIC */
#undef BAD
	buf_release(&err);
}

static struct staff_plan_in plan_in(void)
{
	struct staff_plan_in in = STAFF_PLAN_IN_INIT;

	in.engagement_id = 1;
	in.skill = "data_entry";
	return in;
}

/* One bad plan input, through both plans (the skill plan ignores engagement_id). */
static void bad_plan(const struct staff_plan_in *in, const char *field, bool both)
{
	struct staff_plan p;
	struct staff_skill_plan sp;
	struct buf err = BUF_INIT;

	assert_invalid(app_staff_plan(&NO_STORE, &AUTH_LOCAL_ADMIN, in, &p, &err), &err, field);
	staff_plan_release(&p);
	if (both) {
		assert_invalid(app_staff_skill_plan(&NO_STORE, &AUTH_LOCAL_ADMIN, in, &sp, &err),
			       &err, field);
		staff_skill_plan_release(&sp);
	}
	buf_release(&err);
}

static void test_plan_rules(void **state)
{
	struct staff_plan_in in;

	(void)state;
#define BAD(field, both, stmt)                                                                     \
	do {                                                                                       \
		in = plan_in();                                                                    \
		stmt;                                                                              \
		bad_plan(&in, field, both);                                                        \
	} while (0)
	BAD("engagement", false, in.engagement_id = 0);
	BAD("engagement", false, in.engagement_id = -3);
	BAD("days", true, in.days = 0);
	BAD("days", true, in.days = 29);
	BAD("days", true, in.days = 1.5);
	BAD("interval", true, in.interval_s = 600);
	BAD("interval", true, in.interval_s = 7200);
	BAD("aht", true, in.aht_s = 0);
	BAD("aht", true, in.aht_s = 86401);
	BAD("target", true, in.target.service_level = 0);
	BAD("within", true, in.target.within_s = 86401);
	BAD("shrinkage", true, in.target.shrinkage = -0.1);
	BAD("max_occupancy", true, in.target.max_occupancy = 2);
	BAD("model", true, in.model = "phone");
#undef BAD
}

static void test_skill_code_rules(void **state)
{
	struct staff_skill_plan sp;
	struct staff_plan_in in = plan_in();
	struct buf err = BUF_INIT;
	const char *bad[] = {NULL, "", "data entry", "a/b",
			     "x123456789012345678901234567890123456789012345678901234567890123"};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		in.skill = bad[i];
		assert_invalid(app_staff_skill_plan(&NO_STORE, &AUTH_LOCAL_ADMIN, &in, &sp, &err),
			       &err, "skill");
		staff_skill_plan_release(&sp);
	}
	buf_release(&err);
}

/* With an empty store: defaults, the injected clock, and the answers of nothing to plan. */
static void test_plans_on_empty_store(void **state)
{
	char dir[] = "/tmp/ahd_app_XXXXXX", path[64], p2[80];
	struct staff_plan_in in = plan_in();
	struct staff_plan p;
	struct staff_skill_plan sp;
	struct buf err = BUF_INIT;
	struct app app = {.now_ms = fixed_now};

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ahd.db", dir);
	assert_int_equal(store_open(path, 1, &app.store, &err), 0);

	assert_int_equal(app_staff_plan(&app, &AUTH_LOCAL_ADMIN, &in, &p, &err), ERR_NOTFOUND);
	assert_non_null(strstr(buf_str(&err), "no engagement 1"));
	staff_plan_release(&p);
	buf_reset(&err);

	in.interval_s = 3600;
	in.days = 2;
	assert_int_equal(app_staff_skill_plan(&app, &AUTH_LOCAL_ADMIN, &in, &sp, &err), 0);
	assert_string_equal(sp.skill, "data_entry");
	assert_int_equal(sp.n, 48);
	assert_int_equal(sp.n_parts, 0);
	assert_int_equal(sp.level, 0);
	assert_non_null(sp.note);
	assert_true(sp.opts.aht_default && sp.opts.aht_s == STAFF_DEFAULT_AHT_S);
	assert_true(sp.opts.service_level == 0.8 && sp.opts.max_occupancy == 1);
	/* The horizon starts at the interval holding the injected now. */
	assert_int_equal(sp.start_ms, T0 / 3600000 * 3600000);
	assert_int_equal(sp.end_ms, sp.start_ms + 48 * 3600000LL);
	assert_int_equal(sp.result.peak_required, 0);
	assert_true(sp.result.cost_state == PLAN_COST_NO_WORKERS);
	staff_skill_plan_release(&sp);
	staff_skill_plan_release(&sp); /* released twice is safe */

	store_close(app.store);
	buf_release(&err);
	for (const char *const *s = (const char *const[]){"", "-wal", "-shm", NULL}; *s; s++) {
		snprintf(p2, sizeof(p2), "%s%s", path, *s);
		unlink(p2);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_erlang_ok_and_defaults),
	    cmocka_unit_test(test_erlang_rules),
	    cmocka_unit_test(test_plan_rules),
	    cmocka_unit_test(test_skill_code_rules),
	    cmocka_unit_test(test_plans_on_empty_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
