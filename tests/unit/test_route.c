/* test_route.c - worker eligibility: skills, languages, clearance, room. */
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

/* A worker with accounting 4, excel 2, en 5, id 3, cleared for clients 10, 20, 30. */
static void worker(struct worker_rec *w)
{
	memset(w, 0, sizeof(*w));
	w->id = 1;
	add(w->skills, &w->n_skills, "accounting", 4);
	add(w->skills, &w->n_skills, "excel", 2);
	add(w->langs, &w->n_langs, "en", 5);
	add(w->langs, &w->n_langs, "id", 3);
	w->clear[w->n_clear++] = 10;
	w->clear[w->n_clear++] = 20;
	w->clear[w->n_clear++] = 30;
	w->capacity = 2;
	w->status = WORKER_AVAILABLE;
	w->active = true;
}

/* An engagement of client 20 needing accounting 3 and id 3. */
static void engagement(struct engagement_rec *e)
{
	memset(e, 0, sizeof(*e));
	e->id = 5;
	e->client_id = 20;
	add(e->skills, &e->n_skills, "accounting", 3);
	add(e->langs, &e->n_langs, "id", 3);
}

static void test_qualified(void **state)
{
	struct worker_rec w;
	struct engagement_rec e;

	(void)state;
	worker(&w);
	engagement(&e);
	assert_true(route_qualified(&w, &e, 0));
	/* Exactly at the level is enough. */
	e.skills[0].level = 4;
	assert_true(route_qualified(&w, &e, 0));
	/* No requirements at all: clearance alone decides. */
	e.n_skills = 0;
	e.n_langs = 0;
	assert_true(route_qualified(&w, &e, 0));
}

static void test_skill_below_level(void **state)
{
	struct worker_rec w;
	struct engagement_rec e;

	(void)state;
	worker(&w);
	engagement(&e);
	add(e.skills, &e.n_skills, "excel", 3);
	assert_false(route_qualified(&w, &e, 0));
}

static void test_skill_missing(void **state)
{
	struct worker_rec w;
	struct engagement_rec e;

	(void)state;
	worker(&w);
	engagement(&e);
	add(e.skills, &e.n_skills, "tax", 1);
	assert_false(route_qualified(&w, &e, 0));
	/* Codes compare exactly: no prefix or case folding. */
	engagement(&e);
	add(e.skills, &e.n_skills, "Excel", 1);
	assert_false(route_qualified(&w, &e, 0));
	engagement(&e);
	add(e.skills, &e.n_skills, "exc", 1);
	assert_false(route_qualified(&w, &e, 0));
}

static void test_language_missing(void **state)
{
	struct worker_rec w;
	struct engagement_rec e;

	(void)state;
	worker(&w);
	engagement(&e);
	add(e.langs, &e.n_langs, "ja", 1);
	assert_false(route_qualified(&w, &e, 0));
	/* Held but below the level. */
	engagement(&e);
	e.langs[0].level = 4;
	assert_false(route_qualified(&w, &e, 0));
}

static void test_not_cleared(void **state)
{
	struct worker_rec w;
	struct engagement_rec e;

	(void)state;
	worker(&w);
	engagement(&e);
	e.client_id = 25;
	assert_false(route_qualified(&w, &e, 0));
	assert_false(route_cleared(&w, 9, 0));
	assert_false(route_cleared(&w, 31, 0));
	w.n_clear = 0;
	assert_false(route_cleared(&w, 10, 0));
}

static void test_cleared_among_many(void **state)
{
	struct worker_rec w;

	(void)state;
	worker(&w);
	/* Odd ids 1, 3, ..., 511: every position of a full array, and every gap. */
	w.n_clear = MODEL_MAX_CLEAR;
	for (size_t i = 0; i < MODEL_MAX_CLEAR; i++)
		w.clear[i] = 2 * (int64_t)i + 1;
	for (int64_t id = -1; id <= 2 * MODEL_MAX_CLEAR + 1; id++) {
		bool want = id > 0 && id % 2 == 1 && id < 2 * MODEL_MAX_CLEAR;

		if (route_cleared(&w, id, 0) != want)
			fail_msg("client %lld: expected %d", (long long)id, want);
	}
	/* Large ids do not overflow the comparison. */
	w.n_clear = 3;
	w.clear[0] = INT64_MIN;
	w.clear[1] = 0;
	w.clear[2] = INT64_MAX;
	assert_true(route_cleared(&w, INT64_MIN, 0));
	assert_true(route_cleared(&w, INT64_MAX, 0));
	assert_false(route_cleared(&w, INT64_MAX - 1, 0));
}

static void test_room(void **state)
{
	struct worker_rec w;

	(void)state;
	worker(&w);
	assert_true(route_has_room(&w, 0));
	assert_true(route_has_room(&w, 1));
	/* A suspended (deactivated) worker has no room, whatever its status and load. */
	w.active = false;
	assert_false(route_has_room(&w, 0));
	w.active = true;
	/* Capacity full. */
	assert_false(route_has_room(&w, 2));
	assert_false(route_has_room(&w, 3));
	w.status = WORKER_AWAY;
	assert_false(route_has_room(&w, 0));
	w.status = WORKER_OFFLINE;
	assert_false(route_has_room(&w, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_qualified),	  cmocka_unit_test(test_skill_below_level),
	    cmocka_unit_test(test_skill_missing), cmocka_unit_test(test_language_missing),
	    cmocka_unit_test(test_not_cleared),	  cmocka_unit_test(test_cleared_among_many),
	    cmocka_unit_test(test_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
