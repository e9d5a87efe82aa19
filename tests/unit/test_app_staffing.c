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
#include "store/store.h"
#include "util/clock.h"
#include "util/err.h"

#include "unit.h"

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
	char dir[64], path[96];
	struct staff_plan_in in = plan_in();
	struct staff_plan p;
	struct staff_skill_plan sp;
	struct buf err = BUF_INIT;
	struct app app = {.now_ms = fixed_now};

	(void)state;
	unit_store_open(dir, sizeof(dir), path, sizeof(path), "ahd_app", &app.store);

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
	unit_store_dir_remove(dir);
}

/* ================================================================
 * A floor: the rules of who is counted, the work on it now, days, currencies
 * ================================================================ */

#define STEP15 (15 * 60 * 1000LL)
#define CUR (T0 / STEP15 * STEP15) /* the 15-minute interval holding T0: 22:00Z */

static struct skill_level lvl(const char *code, int level)
{
	struct skill_level s = {.level = level};

	snprintf(s.code, sizeof(s.code), "%s", code);
	return s;
}

/* A worker with data_entry:3; en at en_level, cleared for clear (0: none). */
static void floor_worker(struct store *s, const char *login, int en_level, int64_t clear,
			 const char *currency, enum worker_status st)
{
	struct user_rec u = {.role = ROLE_WORKER, .created_at = T0};
	struct worker_rec *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	snprintf(u.name, sizeof(u.name), "%s", login);
	assert_int_equal(store_user_insert(s, &u), 0);
	w->user_id = u.id;
	snprintf(w->name, sizeof(w->name), "%s", login);
	w->skills[w->n_skills++] = lvl("data_entry", 3);
	w->langs[w->n_langs++] = lvl("en", en_level);
	snprintf(w->country, sizeof(w->country), "ID");
	snprintf(w->time_zone, sizeof(w->time_zone), "Asia/Jakarta");
	w->capacity = 2;
	w->active = true;
	w->cost_minor = 1000;
	snprintf(w->currency, sizeof(w->currency), "%s", currency);
	if (clear)
		w->clear[w->n_clear++] = clear;
	w->status = st;
	w->created_at = T0;
	assert_int_equal(store_worker_insert(s, w), 0);
	free(w);
}

static void floor_item(struct store *s, int64_t eng, int64_t client, int64_t created,
		       enum item_state st)
{
	struct item_rec it = {.engagement_id = eng,
			      .client_id = client,
			      .priority = 5,
			      .created_at = created,
			      .due_at = created + 86400000,
			      .state = st};

	it.payload = "{}";
	assert_int_equal(store_item_insert(s, &it), 0);
}

/*
 * One engagement in New York (data_entry:2, en:2, 24 h SLA) begun two days
 * before T0; four workers of whom two meet every requirement (one in USD
 * and available, one in EUR and away), one whose English is too low and one
 * not cleared; 10 items queued since 19:00Z, 5 arrived in the current
 * interval (queued), one done. OUT: the engagement's id.
 */
static int64_t floor_setup(struct store *s)
{
	struct client_rec c = {.created_at = T0};
	const struct service_rec *cat;
	struct service_rec sv;
	struct engagement_rec e = {.kind = KIND_BPO,
				   .sla_ms = 86400000,
				   .default_priority = 5,
				   .lease_ms = 1800000,
				   .created_at = T0 - 2 * 86400000LL};

	snprintf(c.code, sizeof(c.code), "acme");
	snprintf(c.name, sizeof(c.name), "Acme");
	snprintf(c.time_zone, sizeof(c.time_zone), "America/New_York");
	assert_int_equal(store_client_insert(s, &c), 0);
	assert_true(store_default_catalogue(&cat) > 0);
	sv = cat[0];
	sv.created_at = T0;
	assert_int_equal(store_service_insert(s, &sv), 0);
	e.client_id = c.id;
	e.service_id = sv.id;
	snprintf(e.name, sizeof(e.name), "Forms");
	e.skills[e.n_skills++] = lvl("data_entry", 2);
	e.langs[e.n_langs++] = lvl("en", 2);
	snprintf(e.time_zone, sizeof(e.time_zone), "America/New_York");
	assert_int_equal(store_engagement_insert(s, &e), 0);

	floor_worker(s, "usd", 3, c.id, "USD", WORKER_AVAILABLE);
	floor_worker(s, "eur", 2, c.id, "EUR", WORKER_AWAY);
	floor_worker(s, "low-english", 1, c.id, "USD", WORKER_AVAILABLE);
	floor_worker(s, "not-cleared", 3, 0, "USD", WORKER_AVAILABLE);
	for (int i = 0; i < 10; i++)
		floor_item(s, e.id, c.id, CUR - 3 * 3600000LL, ITEM_QUEUED);
	for (int i = 0; i < 5; i++)
		floor_item(s, e.id, c.id, CUR + 60000, ITEM_QUEUED);
	floor_item(s, e.id, c.id, CUR - 3600000LL, ITEM_DONE);
	return e.id;
}

static void test_plan_on_a_floor(void **state)
{
	char dir[64], path[96];
	struct staff_plan_in in = plan_in();
	struct staff_plan p;
	struct staff_skill_plan sp;
	struct buf err = BUF_INIT;
	struct app app = {.now_ms = fixed_now};
	double volume = 0;

	(void)state;
	unit_store_open(dir, sizeof(dir), path, sizeof(path), "ahd_app", &app.store);
	in.engagement_id = floor_setup(app.store);
	in.days = 1;

	assert_int_equal(app_staff_plan(&app, &AUTH_LOCAL_ADMIN, &in, &p, &err), 0);
	/* Every requirement: too little English or no clearance is not counted. */
	assert_int_equal(p.result.qualified, 2);
	assert_int_equal(p.result.available, 1);
	/* The floor now: 15 queued, 10 from before this interval, 5 arrived in it. */
	assert_true(p.now.counted);
	assert_int_equal(p.now.waiting, 15);
	assert_int_equal(p.now.carried, 10);
	assert_true(p.now.arrived == 5);
	assert_true(p.iv[0].volume >= 5);
	for (size_t i = 0; i < p.n; i++)
		volume += p.iv[i].volume;
	/* All of that work is in the plan (the backlog's profile sums the work exactly). */
	assert_true(p.result.worker_seconds >= (int64_t)(15 * STAFF_DEFAULT_AHT_S));
	assert_true(p.result.peak_required >= 1);
	(void)volume;
	/* Two currencies: each priced on its own, half the hours each. */
	assert_int_equal(p.result.cost_state, PLAN_COST_MIXED);
	assert_int_equal(p.result.n_costs, 2);
	assert_string_equal(p.result.costs[0].currency, "USD");
	assert_string_equal(p.result.costs[1].currency, "EUR");
	assert_int_equal(p.result.costs[0].workers, 1);
	assert_int_equal(p.result.costs[0].cost_minor,
			 (p.result.worker_seconds * 1000 + 3600) / 7200);
	assert_int_equal(p.date[0], '\0');
	staff_plan_release(&p);

	/* The skill plan counts the same workers: every requirement of one engagement. */
	in.skill = "data_entry";
	assert_int_equal(app_staff_skill_plan(&app, &AUTH_LOCAL_ADMIN, &in, &sp, &err), 0);
	assert_int_equal(sp.result.qualified, 2);
	assert_int_equal(sp.result.worker_seconds, p.result.worker_seconds);
	staff_skill_plan_release(&sp);
	/* A day is an engagement's (its zone); a skill's engagements have several. */
	in.day = "tomorrow";
	unit_assert_invalid(app_staff_skill_plan(&app, &AUTH_LOCAL_ADMIN, &in, &sp, &err), &err,
			    "day");
	staff_skill_plan_release(&sp);

	/* Tomorrow in New York: from its midnight (05:00Z), one local day, no floor. */
	assert_int_equal(app_staff_plan(&app, &AUTH_LOCAL_ADMIN, &in, &p, &err), 0);
	assert_string_equal(p.date, "2023-11-15");
	assert_int_equal(p.start_ms, 1700024400000LL); /* 2023-11-15T05:00:00Z */
	assert_int_equal(p.n, 96);
	assert_false(p.now.counted);
	assert_int_equal(p.result.qualified, 2);
	staff_plan_release(&p);
	/* Today (it is 17:13 in New York): from the current interval to midnight. */
	in.day = "today";
	assert_int_equal(app_staff_plan(&app, &AUTH_LOCAL_ADMIN, &in, &p, &err), 0);
	assert_string_equal(p.date, "2023-11-14");
	assert_int_equal(p.start_ms, CUR);
	assert_int_equal(p.end_ms, 1700024400000LL);
	assert_true(p.now.counted && p.now.waiting == 15);
	staff_plan_release(&p);
	/* A date: the same as tomorrow. */
	in.day = "2023-11-15";
	assert_int_equal(app_staff_plan(&app, &AUTH_LOCAL_ADMIN, &in, &p, &err), 0);
	assert_int_equal(p.start_ms, 1700024400000LL);
	staff_plan_release(&p);
	/* Not a day, past, too far, or not a date of the calendar. */
	for (const char *const *d = (const char *const[]){"yesterday", "2023-11-13", "2023-12-31",
							  "2023-02-30", "2023-11-5", "", NULL};
	     *d; d++) {
		in.day = *d;
		unit_assert_invalid(app_staff_plan(&app, &AUTH_LOCAL_ADMIN, &in, &p, &err), &err,
				    "day");
		staff_plan_release(&p);
	}
	store_close(app.store);
	buf_release(&err);
	unit_store_dir_remove(dir);
}

static int64_t before_spring(void)
{
	return 1709985600000LL; /* 2024-03-09T12:00:00Z; New York springs forward on the 10th */
}

static int64_t before_fall(void)
{
	return 1699099200000LL; /* 2023-11-04T12:00:00Z; New York falls back on the 5th */
}

/* Local days of 23 and 25 hours: the plans of the days the clocks change. */
static void test_plan_day_of_clock_change(void **state)
{
	char dir[64], path[96];
	struct staff_plan_in in = plan_in();
	struct staff_plan p;
	struct buf err = BUF_INIT;
	struct app app = {.now_ms = before_spring};

	(void)state;
	unit_store_open(dir, sizeof(dir), path, sizeof(path), "ahd_app", &app.store);
	in.engagement_id = floor_setup(app.store);
	in.days = 1;
	in.interval_s = 3600;
	in.day = "tomorrow";
	assert_int_equal(app_staff_plan(&app, &AUTH_LOCAL_ADMIN, &in, &p, &err), 0);
	assert_string_equal(p.date, "2024-03-10");
	assert_int_equal(p.start_ms, 1710046800000LL); /* 05:00Z (EST) */
	assert_int_equal(p.end_ms, 1710129600000LL);   /* next midnight: 04:00Z (EDT) */
	assert_int_equal(p.n, 23);
	staff_plan_release(&p);
	app.now_ms = before_fall;
	assert_int_equal(app_staff_plan(&app, &AUTH_LOCAL_ADMIN, &in, &p, &err), 0);
	assert_string_equal(p.date, "2023-11-05");
	assert_int_equal(p.n, 25);
	staff_plan_release(&p);
	store_close(app.store);
	buf_release(&err);
	unit_store_dir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_erlang_ok_and_defaults),
	    cmocka_unit_test(test_erlang_rules),
	    cmocka_unit_test(test_plan_rules),
	    cmocka_unit_test(test_skill_code_rules),
	    cmocka_unit_test(test_plans_on_empty_store),
	    cmocka_unit_test(test_plan_on_a_floor),
	    cmocka_unit_test(test_plan_day_of_clock_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
