/* test_rindex.c - the routing index: order, widening over wait, capacity and weights, eligibility.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/rindex.h"
#include "util/err.h"

#define T0 1000000

static struct engagement_rec eng(int64_t id, int64_t client, const char *skill, int level)
{
	struct engagement_rec e;

	memset(&e, 0, sizeof(e));
	e.id = id;
	e.client_id = client;
	if (skill) {
		snprintf(e.skills[0].code, MODEL_CODE_MAX, "%s", skill);
		e.skills[0].level = level;
		e.n_skills = 1;
	}
	return e;
}

static struct worker_rec worker(int64_t id, int capacity, const char *skill, int level,
				int64_t client)
{
	struct worker_rec w;

	memset(&w, 0, sizeof(w));
	w.id = id;
	w.active = true;
	w.status = WORKER_AVAILABLE;
	w.capacity = capacity;
	if (skill) {
		snprintf(w.skills[0].code, MODEL_CODE_MAX, "%s", skill);
		w.skills[0].level = level;
		w.n_skills = 1;
	}
	if (client) {
		w.clear[0] = client;
		w.n_clear = 1;
	}
	return w;
}

static struct rindex_item item(int64_t id, int priority, int64_t due_at, int64_t since)
{
	struct rindex_item it = {.id = id, .priority = priority, .due_at = due_at, .since = since};

	return it;
}

/* Across two engagements: priority, then the nearest due time (SLA risk), then arrival. */
static void test_order_across_queues(void **state)
{
	struct rindex *ix = rindex_new();
	struct engagement_rec a = eng(1, 7, "typing", 1), b = eng(2, 7, NULL, 0);
	struct worker_rec w = worker(1, 10, "typing", 2, 7);
	struct rindex_item it[5] = {item(1, 5, T0 + 9000, T0), item(2, 5, T0 + 3000, T0),
				    item(3, 8, T0 + 99000, T0), item(4, 5, T0 + 3000, T0),
				    item(5, 1, T0 + 1, T0)};
	const int64_t want[5] = {3, 2, 4, 1, 5};

	(void)state;
	assert_int_equal(rindex_engagement_set(ix, &a, true, NULL, T0), 0);
	assert_int_equal(rindex_engagement_set(ix, &b, true, NULL, T0), 0);
	assert_int_equal(rindex_worker_set(ix, &w), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(rindex_push(ix, &it[i], i % 2 ? 2 : 1, T0), 0);
	for (int i = 0; i < 5; i++) {
		struct rindex_item *got = rindex_take(ix, 1, T0, NULL);

		assert_non_null(got);
		assert_int_equal(got->id, want[i]);
	}
	assert_null(rindex_take(ix, 1, T0, NULL));
	assert_int_equal(rindex_load(ix, 1), 5);
	rindex_free(ix);
}

/* A ring lowers the level after 60 s, a second accepts another skill after 120 s. */
static void test_widening(void **state)
{
	struct rindex *ix = rindex_new();
	struct engagement_rec e = eng(1, 7, "legal", 4);
	struct rindex_conf c = {.weight = 1, .n_rings = 2};
	struct worker_rec low = worker(1, 1, "legal", 2, 7), other = worker(2, 1, "tax", 3, 7);
	struct rindex_item a = item(1, 5, T0 + 1000000, T0),
			   b = item(2, 5, T0 + 1000000, T0 + 30000);
	char why[128];

	(void)state;
	c.rings[0].after_ms = 60000;
	c.rings[0].n_skills = 1;
	snprintf(c.rings[0].skills[0].code, MODEL_CODE_MAX, "legal");
	c.rings[0].skills[0].level = 2;
	c.rings[1].after_ms = 120000;
	c.rings[1].n_skills = 1;
	snprintf(c.rings[1].skills[0].code, MODEL_CODE_MAX, "tax");
	c.rings[1].skills[0].level = 3;
	assert_int_equal(rindex_conf_check(&c, why, sizeof(why)), 0);
	assert_int_equal(rindex_engagement_set(ix, &e, true, &c, T0), 0);
	assert_int_equal(rindex_worker_set(ix, &low), 0);
	assert_int_equal(rindex_worker_set(ix, &other), 0);
	assert_int_equal(rindex_push(ix, &a, 1, T0 + 30000), 0);
	assert_int_equal(rindex_push(ix, &b, 1, T0 + 30000), 0);
	/* Neither has waited a minute. */
	assert_null(rindex_peek(ix, 1, T0 + 59999, NULL));
	assert_null(rindex_peek(ix, 2, T0 + 59999, NULL));
	/* a has: the level-2 worker may take it, not b (29.999 s later). */
	assert_int_equal(rindex_peek(ix, 1, T0 + 60000, NULL)->id, 1);
	assert_null(rindex_peek(ix, 2, T0 + 60000, NULL));
	/* At 120 s a accepts the tax worker as well; b only the legal one. */
	assert_int_equal(rindex_take(ix, 2, T0 + 120000, NULL)->id, 1);
	assert_int_equal(rindex_take(ix, 1, T0 + 120000, NULL)->id, 2);
	rindex_free(ix);
}

/* Rings must grow and name codes with levels. */
static void test_conf_check(void **state)
{
	struct rindex_conf c = {.weight = 1, .n_rings = 2};
	char why[128];

	(void)state;
	c.rings[0].after_ms = 5000;
	c.rings[1].after_ms = 5000;
	assert_int_equal(rindex_conf_check(&c, why, sizeof(why)), ERR_INVALID);
	assert_non_null(strstr(why, "rings[1].after_ms"));
	c.rings[1].after_ms = 9000;
	c.rings[1].n_skills = 1;
	c.rings[1].skills[0].level = 2; /* no code */
	assert_int_equal(rindex_conf_check(&c, why, sizeof(why)), ERR_INVALID);
	snprintf(c.rings[1].skills[0].code, MODEL_CODE_MAX, "x");
	assert_int_equal(rindex_conf_check(&c, why, sizeof(why)), 0);
	c.weight = RINDEX_MAX_WEIGHT + 1;
	assert_int_equal(rindex_conf_check(&c, why, sizeof(why)), ERR_INVALID);
}

/* Capacity 3: three items of weight 1, or one of weight 2 and one of 1; a heavy matter fills it. */
static void test_capacity_and_weight(void **state)
{
	struct rindex *ix = rindex_new();
	struct engagement_rec light = eng(1, 7, NULL, 0), heavy = eng(2, 7, NULL, 0),
			      matter = eng(3, 7, NULL, 0);
	struct rindex_conf two = {.weight = 2}, big = {.weight = 50};
	struct worker_rec w = worker(1, 3, NULL, 0, 7);
	struct rindex_item l[3] = {item(1, 1, T0, T0), item(2, 1, T0, T0), item(3, 1, T0, T0)};
	struct rindex_item h = item(4, 9, T0, T0), m = item(5, 2, T0, T0);
	struct rindex_item *got;

	(void)state;
	assert_int_equal(rindex_engagement_set(ix, &light, true, NULL, T0), 0);
	assert_int_equal(rindex_engagement_set(ix, &heavy, true, &two, T0), 0);
	assert_int_equal(rindex_engagement_set(ix, &matter, true, &big, T0), 0);
	assert_int_equal(rindex_worker_set(ix, &w), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(rindex_push(ix, &l[i], 1, T0), 0);
	assert_int_equal(rindex_push(ix, &h, 2, T0), 0);
	assert_int_equal(rindex_push(ix, &m, 3, T0), 0);
	/* Priority 9 (weight 2) first: load 2; the matter (weight 50 -> 3) no longer fits. */
	assert_int_equal(rindex_take(ix, 1, T0, NULL)->id, 4);
	assert_int_equal(rindex_load(ix, 1), 2);
	assert_int_equal(rindex_take(ix, 1, T0, NULL)->id, 1);
	assert_int_equal(rindex_load(ix, 1), 3);
	assert_null(rindex_take(ix, 1, T0, NULL));
	rindex_end(ix, 1, &h);
	rindex_end(ix, 1, &l[0]);
	assert_int_equal(rindex_load(ix, 1), 0);
	/* Idle: the matter (priority 2) fills the whole worker. */
	got = rindex_take(ix, 1, T0, NULL);
	assert_int_equal(got->id, 5);
	assert_int_equal(rindex_load(ix, 1), 3);
	assert_null(rindex_take(ix, 1, T0, NULL));
	rindex_end(ix, 1, got);
	assert_int_equal(rindex_take(ix, 1, T0, NULL)->id, 2);
	rindex_free(ix);
}

/* While items wait: a clearance added, lapsing, a level raised, the engagement paused, a hold. */
static void test_eligibility_changes(void **state)
{
	struct rindex *ix = rindex_new();
	struct engagement_rec e = eng(1, 7, "typing", 3);
	struct worker_rec w = worker(1, 2, "typing", 2, 0);
	struct rindex_item a = item(1, 5, T0, T0);

	(void)state;
	assert_int_equal(rindex_engagement_set(ix, &e, true, NULL, T0), 0);
	assert_int_equal(rindex_worker_set(ix, &w), 0);
	assert_int_equal(rindex_push(ix, &a, 1, T0), 0);
	assert_int_equal(rindex_eligible_count(ix, 1), 0);
	w.clear[0] = 7;
	w.clear_until[0] = T0 + 5000;
	w.n_clear = 1;
	assert_int_equal(rindex_worker_set(ix, &w), 0);
	assert_null(rindex_peek(ix, 1, T0, NULL)); /* cleared, level 2 < 3 */
	w.skills[0].level = 3;
	assert_int_equal(rindex_worker_set(ix, &w), 0);
	assert_int_equal(rindex_eligible_count(ix, 1), 1);
	assert_ptr_equal(rindex_peek(ix, 1, T0 + 4999, NULL), &a);
	assert_null(rindex_peek(ix, 1, T0 + 5000, NULL)); /* the clearance lapsed */
	w.clear_until[0] = 0;
	assert_int_equal(rindex_worker_set(ix, &w), 0);
	rindex_worker_hold(ix, 1, true); /* the hook: wrap-up, away, offline */
	assert_null(rindex_peek(ix, 1, T0, NULL));
	rindex_worker_hold(ix, 1, false);
	assert_int_equal(rindex_engagement_set(ix, &e, false, NULL, T0), 0);
	assert_null(rindex_peek(ix, 1, T0, NULL)); /* paused */
	e.skills[0].level = 1;
	assert_int_equal(rindex_engagement_set(ix, &e, true, NULL, T0), 0);
	assert_ptr_equal(rindex_peek(ix, 1, T0, NULL), &a);
	w.status = WORKER_AWAY;
	assert_int_equal(rindex_worker_set(ix, &w), 0);
	assert_null(rindex_peek(ix, 1, T0, NULL));
	rindex_free(ix);
}

static bool skip_odd(void *ctx, int64_t worker_id, const struct rindex_item *it)
{
	(void)ctx;
	(void)worker_id;
	return it->id % 2;
}

/* The per-item hook: the best item not skipped, found past skipped ones. */
static void test_filter(void **state)
{
	struct rindex *ix = rindex_new();
	struct engagement_rec e = eng(1, 7, NULL, 0);
	struct worker_rec w = worker(1, 100, NULL, 0, 7);
	struct rindex_filter f = {skip_odd, NULL, NULL};
	struct rindex_item it[40];

	(void)state;
	assert_int_equal(rindex_engagement_set(ix, &e, true, NULL, T0), 0);
	assert_int_equal(rindex_worker_set(ix, &w), 0);
	for (int i = 0; i < 40; i++) {
		/* ids 1..40; the odd ones have the higher priority */
		it[i] = item(i + 1, (i + 1) % 2 ? 9 : 1, T0 + 1000 - i, T0);
		assert_int_equal(rindex_push(ix, &it[i], 1, T0), 0);
	}
	/* Even ids, by due time (the larger id is due sooner): 40, 38, ... */
	for (int k = 40; k >= 2; k -= 2)
		assert_int_equal(rindex_take(ix, 1, T0, &f)->id, k);
	assert_null(rindex_take(ix, 1, T0, &f));
	assert_int_equal(rindex_take(ix, 1, T0, NULL)->id, 39);
	rindex_free(ix);
}

/*
 * More distinct codes than fit one word of bits: 300 engagements, each its own
 * skill, and workers holding codes interned past the 256th. Every one must
 * stay routable (before the fix, codes past 256 left their engagement with no
 * eligible worker), levels still count, and a worker set before a code
 * existed becomes eligible when it is set again with it.
 */
static void test_many_codes(void **state)
{
	enum { N = 300 };
	struct rindex *ix = rindex_new();
	struct rindex_item *it = calloc(N, sizeof(*it));
	char code[MODEL_CODE_MAX];

	(void)state;
	assert_non_null(it);
	for (int i = 0; i < N; i++) {
		struct engagement_rec e;

		snprintf(code, sizeof(code), "skill%03d", i);
		e = eng(i + 1, 7, code, 3);
		if (i % 2) { /* a language as well: its own namespace, more codes */
			snprintf(e.langs[0].code, MODEL_CODE_MAX, "lang%03d", i);
			e.langs[0].level = 1;
			e.n_langs = 1;
		}
		assert_int_equal(rindex_engagement_set(ix, &e, true, NULL, T0), 0);
		it[i] = item(i + 1, 5, T0 + 1000, T0);
		assert_int_equal(rindex_push(ix, &it[i], i + 1, T0), 0);
	}
	for (int i = 0; i < N; i++) {
		/* worker 1000+i: the skill at level 3 (and the language); 5000+i: level 2 */
		struct worker_rec ok, low;

		snprintf(code, sizeof(code), "skill%03d", i);
		ok = worker(1000 + i, 1, code, 3, 7);
		low = worker(5000 + i, 1, code, 2, 7);
		if (i % 2) {
			snprintf(ok.langs[0].code, MODEL_CODE_MAX, "lang%03d", i);
			ok.langs[0].level = 2;
			ok.n_langs = 1;
			low.langs[0] = ok.langs[0];
			low.n_langs = 1;
		}
		assert_int_equal(rindex_worker_set(ix, &ok), 0);
		assert_int_equal(rindex_worker_set(ix, &low), 0);
		assert_int_equal(rindex_eligible_count(ix, 1000 + i), 1);
		assert_int_equal(rindex_eligible_count(ix, 5000 + i), 0);
		assert_null(rindex_peek(ix, 5000 + i, T0, NULL));
	}
	for (int i = N - 1; i >= 0; i--) {
		struct rindex_item *got = rindex_take(ix, 1000 + i, T0, NULL);

		assert_non_null(got);
		assert_int_equal(got->id, i + 1);
	}
	/* A code first named by a worker, then by a new engagement: both see it. */
	{
		struct worker_rec w = worker(9000, 2, "late_code", 4, 7);
		struct engagement_rec e = eng(9000, 7, "late_code", 4);
		struct rindex_item x = item(9001, 5, T0 + 1000, T0);

		assert_int_equal(rindex_worker_set(ix, &w), 0);
		assert_int_equal(rindex_engagement_set(ix, &e, true, NULL, T0), 0);
		assert_int_equal(rindex_eligible_count(ix, 9000), 1);
		assert_int_equal(rindex_push(ix, &x, 9000, T0), 0);
		assert_ptr_equal(rindex_take(ix, 9000, T0, NULL), &x);
	}
	free(it);
	rindex_free(ix);
}

/*
 * Heap keys pack priority and due time into one word, clamped: the order must
 * still be rindex_before's for priorities and due times outside the packed
 * range (equal packed keys fall back to the items).
 */
static void test_extreme_keys(void **state)
{
	enum { N = 9 };
	struct rindex *ix = rindex_new();
	struct engagement_rec e = eng(1, 7, NULL, 0);
	struct worker_rec w = worker(1, 100, NULL, 0, 7);
	struct rindex_item it[N] = {
	    item(1, 20, INT64_MAX, T0),	    item(2, 30, INT64_MAX - 5, T0),
	    item(3, -20, INT64_MIN, T0),    item(4, -30, INT64_MIN + 1, T0),
	    item(5, 5, INT64_MAX, T0),	    item(6, 5, INT64_MAX - 1, T0),
	    item(7, 5, (int64_t)1 << 60, T0), item(8, 8, T0 + 5, T0),
	    item(9, 5, INT64_MIN, T0),
	};
	struct rindex_item *prev = NULL;

	(void)state;
	assert_int_equal(rindex_engagement_set(ix, &e, true, NULL, T0), 0);
	assert_int_equal(rindex_worker_set(ix, &w), 0);
	for (int i = 0; i < N; i++)
		assert_int_equal(rindex_push(ix, &it[i], 1, T0), 0);
	for (int i = 0; i < N; i++) {
		struct rindex_item *got = rindex_take(ix, 1, T0, NULL);

		assert_non_null(got);
		if (prev)
			assert_true(rindex_before(prev, got));
		/* nothing left in the queue comes before it */
		for (int k = 0; k < N; k++)
			if (it[k].queued)
				assert_false(rindex_before(&it[k], got));
		prev = got;
	}
	rindex_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_across_queues), cmocka_unit_test(test_widening),
	    cmocka_unit_test(test_conf_check),		cmocka_unit_test(test_capacity_and_weight),
	    cmocka_unit_test(test_eligibility_changes), cmocka_unit_test(test_filter),
	    cmocka_unit_test(test_many_codes), cmocka_unit_test(test_extreme_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
