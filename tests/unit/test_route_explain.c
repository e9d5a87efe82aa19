/* test_route_explain.c - why a take-next found nothing: the reason route.c chooses, and its line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/route.h"

static void add(struct skill_level *v, size_t *n, const char *code, int level)
{
	snprintf(v[*n].code, sizeof(v[*n].code), "%s", code);
	v[*n].level = level;
	(*n)++;
}

/* A worker with accounting 4, en 5, cleared for clients 10 and 20, capacity 2, available. */
static void worker(struct worker_rec *w)
{
	memset(w, 0, sizeof(*w));
	w->id = 1;
	add(w->skills, &w->n_skills, "accounting", 4);
	add(w->langs, &w->n_langs, "en", 5);
	w->clear[w->n_clear++] = 10;
	w->clear[w->n_clear++] = 20;
	w->capacity = 2;
	w->status = WORKER_AVAILABLE;
}

/* Engagement id of client_id needing accounting at level. */
static void engagement(struct engagement_rec *e, int64_t id, int64_t client_id, int level)
{
	memset(e, 0, sizeof(*e));
	e->id = id;
	e->client_id = client_id;
	add(e->skills, &e->n_skills, "accounting", level);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(route_reason_name(ROUTE_NO_WORK), "no_work");
	assert_string_equal(route_reason_name(ROUTE_NOT_CLEARED), "not_cleared");
	assert_string_equal(route_reason_name(ROUTE_BELOW_LEVEL), "below_level");
	assert_string_equal(route_reason_name(ROUTE_AT_CAPACITY), "at_capacity");
	assert_string_equal(route_reason_name(ROUTE_NOT_AVAILABLE), "not_available");
	assert_string_equal(route_reason_name(ROUTE_REASON__COUNT), "?");
}

/* Status and capacity come first, whatever work is queued. */
static void test_status_and_capacity(void **state)
{
	struct route_explain x;
	struct engagement_rec e;
	struct worker_rec w;
	char line[256];

	(void)state;
	worker(&w);
	engagement(&e, 5, 10, 1);
	w.status = WORKER_AWAY;
	route_explain_init(&x, &w, 0);
	route_explain_add(&x, &w, &e, 0);
	assert_int_equal(x.reason, ROUTE_NOT_AVAILABLE);
	route_explain_text(&x, &w, line, sizeof(line));
	assert_non_null(strstr(line, "away"));
	w.status = WORKER_AVAILABLE;
	route_explain_init(&x, &w, 2);
	route_explain_add(&x, &w, &e, 0);
	assert_int_equal(x.reason, ROUTE_AT_CAPACITY);
	route_explain_text(&x, &w, line, sizeof(line));
	assert_non_null(strstr(line, "2 of 2"));
	/* A capacity lowered below the load is still "at capacity". */
	route_explain_init(&x, &w, 3);
	assert_int_equal(x.reason, ROUTE_AT_CAPACITY);
}

static void test_no_work(void **state)
{
	struct route_explain x;
	struct worker_rec w;

	(void)state;
	worker(&w);
	route_explain_init(&x, &w, 0);
	assert_int_equal(x.reason, ROUTE_NO_WORK);
}

static void test_not_cleared_then_below(void **state)
{
	struct engagement_rec other, high, low;
	struct route_explain x;
	struct worker_rec w;
	char line[256];

	(void)state;
	worker(&w);
	engagement(&other, 7, 99, 1); /* a client the worker is not cleared for */
	engagement(&high, 8, 20, 5);  /* cleared, accounting 5 needed, 4 held */
	engagement(&low, 9, 10, 3);   /* cleared and qualified */
	route_explain_init(&x, &w, 0);
	route_explain_add(&x, &w, &other, 0);
	assert_int_equal(x.reason, ROUTE_NOT_CLEARED);
	assert_int_equal(x.engagement_id, 7);
	/* Below the level says more than not cleared: it wins, naming the skill. */
	route_explain_add(&x, &w, &high, 0);
	assert_int_equal(x.reason, ROUTE_BELOW_LEVEL);
	assert_string_equal(x.code, "accounting");
	assert_int_equal(x.need, 5);
	assert_int_equal(x.have, 4);
	assert_false(x.lang);
	route_explain_text(&x, &w, line, sizeof(line));
	assert_non_null(strstr(line, "skill accounting at level 5"));
	/* Not cleared after below level changes nothing. */
	route_explain_add(&x, &w, &other, 0);
	assert_int_equal(x.reason, ROUTE_BELOW_LEVEL);
	/* An engagement that fits makes it eligible, and it stays so. */
	route_explain_add(&x, &w, &low, 0);
	assert_int_equal(x.reason, ROUTE_ELIGIBLE);
	route_explain_add(&x, &w, &high, 0);
	assert_int_equal(x.reason, ROUTE_ELIGIBLE);
}

static void test_language_missing(void **state)
{
	struct route_explain x;
	struct engagement_rec e;
	struct worker_rec w;
	char line[256];

	(void)state;
	worker(&w);
	engagement(&e, 5, 10, 1);
	add(e.langs, &e.n_langs, "ja", 2);
	route_explain_init(&x, &w, 1);
	route_explain_add(&x, &w, &e, 0);
	assert_int_equal(x.reason, ROUTE_BELOW_LEVEL);
	assert_true(x.lang);
	assert_string_equal(x.code, "ja");
	assert_int_equal(x.have, 0);
	route_explain_text(&x, &w, line, sizeof(line));
	assert_non_null(strstr(line, "language ja"));
	assert_non_null(strstr(line, "does not have it"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_status_and_capacity),
	    cmocka_unit_test(test_no_work),
	    cmocka_unit_test(test_not_cleared_then_below),
	    cmocka_unit_test(test_language_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
