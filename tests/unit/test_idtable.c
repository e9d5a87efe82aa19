/* test_idtable.c - the slab record table against a plain array model: adds, frees, reuse, growth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/err.h"
#include "util/idtable.h"

/* The shape of the engine's item: the id not first, a payload to check what survives. */
struct rec {
	int64_t key;
	int64_t id;
	char pad[100];
};

static struct rec *make(struct idtable *t, int64_t id)
{
	struct rec *r = idtable_alloc(t);

	assert_non_null(r);
	assert_int_equal(r->id, 0);
	r->id = id;
	r->key = id * 7;
	memset(r->pad, (int)(id & 0x7f), sizeof(r->pad));
	return r;
}

static void test_add_get_free(void **state)
{
	struct idtable t = IDTABLE_INIT(struct rec, id);
	struct rec *a, *b, *c;
	void *v;
	size_t n = 0;

	(void)state;
	assert_int_equal(t.rec_size, 120);
	assert_null(idtable_get(&t, 5));
	a = make(&t, 5);
	assert_null(idtable_get(&t, 5)); /* allocated is not in the table yet */
	assert_int_equal(idtable_add(&t, a), 0);
	b = make(&t, 7);
	assert_int_equal(idtable_add(&t, b), 0);
	assert_ptr_equal(idtable_get(&t, 5), a);
	assert_ptr_equal(idtable_get(&t, 7), b);
	assert_int_equal(t.n, 2);
	c = make(&t, 5);
	assert_int_equal(idtable_add(&t, c), ERR_EXISTS);
	for (size_t i = 0; (v = idtable_next(&t, &i));)
		n++;
	assert_int_equal(n, 2); /* c is not in the table */
	idtable_free(&t, c);
	c = make(&t, 0);
	assert_int_equal(idtable_add(&t, c), ERR_INVALID);
	c->id = -3;
	assert_int_equal(idtable_add(&t, c), ERR_INVALID);
	idtable_free(&t, c);
	idtable_free(&t, a);
	assert_null(idtable_get(&t, 5));
	assert_ptr_equal(idtable_get(&t, 7), b);
	assert_int_equal(t.n, 1);
	c = make(&t, 9); /* the freed record is reused, zeroed */
	assert_ptr_equal(c, a);
	idtable_free(&t, c);
	idtable_free(&t, NULL);
	idtable_release(&t);
	idtable_release(&t); /* safe twice */
}

/*
 * 300,000 random operations on ids 1..40000: more than two slabs of records
 * (frees and reuse across them), the slots growing from 64, long probe runs
 * with deletions that shift them back; every record's contents checked.
 */
static void test_random_against_model(void **state)
{
	enum { N = 40000 };
	static struct rec *model[N + 1];
	struct idtable t = IDTABLE_INIT(struct rec, id);
	size_t count = 0, seen = 0;
	struct rec *r;

	(void)state;
	srand(4242);
	for (int op = 0; op < 300000; op++) {
		int64_t k = 1 + rand() % N;

		if (rand() % 3) {
			if (model[k])
				continue;
			r = make(&t, k);
			assert_int_equal(idtable_add(&t, r), 0);
			model[k] = r;
			count++;
		} else {
			assert_ptr_equal(idtable_get(&t, k), model[k]);
			if (model[k])
				count--;
			idtable_free(&t, model[k]);
			model[k] = NULL;
		}
		if (op % 29989 == 0)
			for (int64_t j = 1; j <= N; j++)
				assert_ptr_equal(idtable_get(&t, j), model[j]);
	}
	assert_true(t.n_slabs >= 2);
	assert_int_equal(t.n, count);
	for (size_t i = 0; (r = idtable_next(&t, &i));) {
		assert_ptr_equal(model[r->id], r);
		assert_int_equal(r->key, r->id * 7);
		assert_int_equal(r->pad[99], (char)(r->id & 0x7f));
		seen++;
	}
	assert_int_equal(seen, count);
	idtable_release(&t);
}

/* Allocated in id order, iterated in id order (recovery's order, kept by the slabs). */
static void test_order_and_reserve(void **state)
{
	struct idtable t = IDTABLE_INIT(struct rec, id);
	struct rec *r;
	int64_t last = 0;

	(void)state;
	assert_int_equal(idtable_reserve(&t, 1000), 0);
	assert_int_equal(t.cap, 2048);
	assert_int_equal(idtable_reserve(&t, 1536), 0);
	assert_int_equal(t.cap, 2048);
	for (int64_t id = 1; id <= 1536; id++) {
		idtable_prefetch(&t, id * 3);
		assert_int_equal(idtable_add(&t, make(&t, id * 3)), 0);
	}
	assert_int_equal(t.cap, 2048); /* no growth for the reserved records */
	assert_int_equal(idtable_add(&t, make(&t, 99999)), 0);
	assert_int_equal(t.cap, 4096);
	for (size_t i = 0; (r = idtable_next(&t, &i));) {
		assert_true(r->id > last);
		last = r->id;
		/* freeing while iterating is fine */
		if (r->id % 2)
			idtable_free(&t, r);
	}
	for (int64_t id = 1; id <= 1536; id++)
		assert_true((idtable_get(&t, id * 3) != NULL) == (id * 3 % 2 == 0));
	idtable_release(&t);
}

/* A run filled out of order (as recovery's threads do), across slabs, after a record cut alone. */
static void test_run(void **state)
{
	enum { N = 50000 };
	struct idtable t = IDTABLE_INIT(struct rec, id);
	struct rec *one = make(&t, 1), *r;
	unsigned char *p = NULL;
	size_t first, seen = 0;
	int64_t last = 0;

	(void)state;
	assert_int_equal(idtable_add(&t, one), 0);
	assert_int_equal(idtable_alloc_run(&t, N, &first), 0);
	assert_true(t.n_slabs >= 3);
	for (size_t k = N; k-- > 0;) {
		r = idtable_run_at(&t, first, k, NULL);
		memset(r, 0, sizeof(*r));
		r->id = (int64_t)k + 2;
		r->key = r->id * 7;
	}
	for (size_t k = 0, left = 0; k < N; k++, left--) {
		if (!left)
			p = idtable_run_at(&t, first, k, &left);
		else
			p += t.rec_size;
		assert_ptr_equal(p, idtable_run_at(&t, first, k, NULL));
		assert_int_equal(idtable_add(&t, p), 0);
	}
	for (int64_t id = 1; id <= N + 1; id++) {
		r = idtable_get(&t, id);
		assert_non_null(r);
		assert_int_equal(r->id, id);
	}
	for (size_t i = 0; (r = idtable_next(&t, &i));) {
		assert_int_equal(r->id, last + 1);
		last = r->id;
		seen++;
	}
	assert_int_equal(seen, N + 1);
	r = make(&t, N + 2); /* cut after the run */
	assert_ptr_not_equal(r, idtable_run_at(&t, first, N - 1, NULL));
	assert_int_equal(idtable_add(&t, r), 0);
	assert_int_equal(t.n, N + 2);
	assert_int_equal(idtable_alloc_run(&t, 0, &first), 0);
	idtable_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_get_free),
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_order_and_reserve),
		cmocka_unit_test(test_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
