/* test_idmap.c - the id map against a plain array model, with deletions that shift runs back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "util/idmap.h"

static void test_put_get_del(void **state)
{
	struct idmap m = IDMAP_INIT;
	int a = 1, b = 2;

	(void)state;
	assert_null(idmap_get(&m, 5));
	assert_int_equal(idmap_put(&m, 5, &a), 0);
	assert_int_equal(idmap_put(&m, 7, &b), 0);
	assert_ptr_equal(idmap_get(&m, 5), &a);
	assert_int_equal(idmap_put(&m, 5, &b), 0); /* replace */
	assert_ptr_equal(idmap_get(&m, 5), &b);
	assert_int_equal(m.n, 2);
	assert_ptr_equal(idmap_del(&m, 5), &b);
	assert_null(idmap_get(&m, 5));
	assert_null(idmap_del(&m, 5));
	assert_true(idmap_put(&m, 0, &a) < 0);
	assert_true(idmap_put(&m, -3, &a) < 0);
	idmap_release(&m);
	idmap_release(&m); /* safe twice */
}

/* 200,000 random operations on ids 1..5000 (dense enough for long probe runs). */
static void test_random_against_model(void **state)
{
	enum { N = 5000 };
	static void *model[N + 1];
	struct idmap m = IDMAP_INIT;
	size_t count = 0, seen = 0;
	int64_t id;
	void *v;

	(void)state;
	srand(12345);
	for (int op = 0; op < 200000; op++) {
		int64_t k = 1 + rand() % N;
		void *val = (void *)(intptr_t)(op + 1);

		if (rand() % 3) {
			if (!model[k])
				count++;
			model[k] = val;
			assert_int_equal(idmap_put(&m, k, val), 0);
		} else {
			assert_ptr_equal(idmap_del(&m, k), model[k]);
			if (model[k])
				count--;
			model[k] = NULL;
		}
		if (op % 997 == 0)
			for (int64_t j = 1; j <= N; j++)
				assert_ptr_equal(idmap_get(&m, j), model[j]);
	}
	assert_int_equal(m.n, count);
	for (size_t i = 0; idmap_next(&m, &i, &id, &v);) {
		assert_ptr_equal(model[id], v);
		seen++;
	}
	assert_int_equal(seen, count);
	idmap_release(&m);
}

/*
 * idmap_reserve: room for n entries at once, the capacity put() would reach
 * (the smallest power of two, at least 64, with n * 4 <= cap * 3: 1000
 * entries need 2048 slots, 1536 need 2048, 1537 need 4096), then n puts
 * without growing; entries already there survive; a smaller reserve is a no-op.
 */
static void test_reserve(void **state)
{
	struct idmap m = IDMAP_INIT;
	int a = 1;

	(void)state;
	assert_int_equal(idmap_put(&m, 3, &a), 0);
	assert_int_equal(idmap_reserve(&m, 1000), 0);
	assert_int_equal(m.cap, 2048);
	assert_ptr_equal(idmap_get(&m, 3), &a);
	assert_int_equal(idmap_reserve(&m, 10), 0);
	assert_int_equal(m.cap, 2048);
	assert_int_equal(idmap_reserve(&m, 1536), 0);
	assert_int_equal(m.cap, 2048);
	for (int64_t id = 10; id < 10 + 1535; id++)
		assert_int_equal(idmap_put(&m, id, (void *)(intptr_t)id), 0);
	assert_int_equal(m.n, 1536);
	assert_int_equal(m.cap, 2048); /* no growth for the reserved entries */
	for (int64_t id = 10; id < 10 + 1535; id++)
		assert_ptr_equal(idmap_get(&m, id), (void *)(intptr_t)id);
	assert_int_equal(idmap_put(&m, 99999, &a), 0); /* the 1537th grows as before */
	assert_int_equal(m.cap, 4096);
	assert_int_equal(idmap_reserve(&m, 1537), 0);
	assert_int_equal(m.cap, 4096);
	idmap_release(&m);
	assert_int_equal(idmap_reserve(&m, 1), 0);
	assert_int_equal(m.cap, 64);
	idmap_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_del),
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_reserve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
