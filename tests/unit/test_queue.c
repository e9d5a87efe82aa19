/* test_queue.c - the item queue: order, removal, re-queueing, and a randomized model check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/queue.h"
#include "util/err.h"

static struct queue_entry entry(int64_t id, int priority, int64_t due_at)
{
	struct queue_entry e = {id, priority, due_at, QUEUE_NOT_QUEUED};

	return e;
}

/* Every entry knows its index, and no child comes before its parent. */
static void check_heap(const struct queue *q)
{
	for (size_t i = 0; i < q->n; i++) {
		if (q->v[i]->heap_idx != i)
			fail_msg("entry %lld at %zu records %zu", (long long)q->v[i]->id, i,
				 q->v[i]->heap_idx);
		if (i > 0 && queue_before(q->v[i], q->v[(i - 1) / 2]))
			fail_msg("entry %lld at %zu comes before its parent",
				 (long long)q->v[i]->id, i);
	}
}

static void test_empty(void **state)
{
	struct queue q = QUEUE_INIT;
	struct queue_entry e = entry(1, 1, 1);

	(void)state;
	assert_null(queue_peek(&q));
	assert_null(queue_pop(&q));
	assert_int_equal(queue_len(&q), 0);
	queue_remove(&q, &e); /* not queued: no-op */
	assert_int_equal(e.heap_idx, QUEUE_NOT_QUEUED);
	queue_release(&q);
	queue_release(&q); /* released twice, or never used: both safe */
}

static void test_order(void **state)
{
	struct queue q = QUEUE_INIT;
	/* Pushed in a scrambled order; ids give arrival. */
	struct queue_entry e[] = {
	    entry(1, 5, 300), entry(2, 9, 900), entry(3, 5, 100), entry(4, 5, 300),
	    entry(5, 1, 50),  entry(6, 9, 900), entry(7, 9, 100), entry(8, 5, 100),
	};
	/* priority desc, then due asc, then id asc */
	static const int64_t want[] = {7, 2, 6, 3, 8, 1, 4, 5};
	static const size_t push_order[] = {4, 0, 3, 7, 1, 2, 6, 5};

	(void)state;
	for (size_t i = 0; i < 8; i++) {
		assert_int_equal(queue_push(&q, &e[push_order[i]]), 0);
		check_heap(&q);
	}
	assert_int_equal(queue_len(&q), 8);
	for (size_t i = 0; i < 8; i++) {
		struct queue_entry *p = queue_peek(&q);

		assert_non_null(p);
		assert_ptr_equal(queue_pop(&q), p);
		assert_int_equal(p->id, want[i]);
		assert_int_equal(p->heap_idx, QUEUE_NOT_QUEUED);
		check_heap(&q);
	}
	assert_null(queue_pop(&q));
	queue_release(&q);
}

static void test_remove_middle(void **state)
{
	struct queue q = QUEUE_INIT;
	struct queue_entry e[64];

	(void)state;
	for (int i = 0; i < 64; i++) {
		e[i] = entry(i + 1, 1 + (i * 7) % 9, 1000 - (i * 13) % 50);
		assert_int_equal(queue_push(&q, &e[i]), 0);
	}
	/* Remove entries sitting at inner positions, re-checking after each. */
	for (int k = 0; k < 20; k++) {
		struct queue_entry *victim = q.v[q.n / 2];

		queue_remove(&q, victim);
		assert_int_equal(victim->heap_idx, QUEUE_NOT_QUEUED);
		check_heap(&q);
		for (size_t i = 0; i < q.n; i++)
			assert_ptr_not_equal(q.v[i], victim);
	}
	assert_int_equal(queue_len(&q), 44);
	/* Removing again is a no-op. */
	queue_remove(&q, &e[0]);
	queue_remove(&q, &e[0]);
	assert_int_equal(queue_len(&q), 43);
	/* Pops still come out in order. */
	for (struct queue_entry *prev = queue_pop(&q), *p; (p = queue_pop(&q)); prev = p)
		assert_true(queue_before(prev, p));
	queue_release(&q);
}

static void test_remove_other_queue(void **state)
{
	struct queue a = QUEUE_INIT, b = QUEUE_INIT;
	struct queue_entry x = entry(1, 1, 1), y = entry(2, 1, 1);

	(void)state;
	assert_int_equal(queue_push(&a, &x), 0);
	assert_int_equal(queue_push(&b, &y), 0);
	/* x has heap_idx 0, the same index y holds in b: must not remove y. */
	queue_remove(&b, &x);
	assert_int_equal(queue_len(&b), 1);
	assert_ptr_equal(queue_peek(&b), &y);
	assert_int_equal(x.heap_idx, 0);
	queue_release(&a);
	queue_release(&b);
}

/* A lease expires: the item goes back and is served exactly where it was before. */
static void test_requeue_original_place(void **state)
{
	struct queue q = QUEUE_INIT;
	struct queue_entry e[10];
	int64_t order[10], again[10];

	(void)state;
	for (int i = 0; i < 10; i++) {
		e[i] = entry(i + 1, 1 + i % 3, 500 + (i % 4) * 10);
		assert_int_equal(queue_push(&q, &e[i]), 0);
	}
	for (int i = 0; i < 10; i++)
		order[i] = queue_pop(&q)->id;

	for (int i = 0; i < 10; i++)
		assert_int_equal(queue_push(&q, &e[i]), 0);
	/* Take one from the middle of the order out, as a lease would, then put it back. */
	struct queue_entry *mid = &e[order[5] - 1];
	queue_remove(&q, mid);
	assert_int_equal(queue_len(&q), 9);
	assert_int_equal(queue_push(&q, mid), 0);
	check_heap(&q);
	/* Same with the head, popped and returned. */
	struct queue_entry *head = queue_pop(&q);
	assert_int_equal(head->id, order[0]);
	assert_int_equal(queue_push(&q, head), 0);

	for (int i = 0; i < 10; i++)
		again[i] = queue_pop(&q)->id;
	assert_memory_equal(order, again, sizeof(order));
	queue_release(&q);
}

static void test_grow(void **state)
{
	struct queue q = QUEUE_INIT;
	struct queue_entry e[1000];

	(void)state;
	for (int i = 0; i < 1000; i++) {
		e[i] = entry(1000 - i, 1, 0);
		assert_int_equal(queue_push(&q, &e[i]), 0);
	}
	check_heap(&q);
	for (int64_t id = 1; id <= 1000; id++)
		assert_int_equal(queue_pop(&q)->id, id);
	queue_release(&q);
	assert_null(q.v);
	assert_int_equal(q.alloc, 0);
}

/* The size computation that would overflow fails as out of memory and leaves the queue alone. */
static void test_push_nomem(void **state)
{
	struct queue_entry *slot[1];
	size_t huge = SIZE_MAX / sizeof(slot[0]);
	struct queue q = {slot, huge, huge};
	struct queue_entry e = entry(1, 1, 1);

	(void)state;
	assert_int_equal(queue_push(&q, &e), ERR_NOMEM);
	assert_ptr_equal(q.v, slot);
	assert_int_equal(q.n, huge);
	assert_int_equal(q.alloc, huge);
	assert_int_equal(e.heap_idx, QUEUE_NOT_QUEUED);
}

/* ------------------------------------------------------------- randomized */

#define N_ENTRIES 512
#define N_OPS 10000

static uint64_t rng_state;

/* xorshift64*: the same sequence on every platform, unlike rand(). */
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static size_t rng_below(size_t n)
{
	return (size_t)(rng() % n);
}

/* The model: queued entries kept sorted with queue_before, best first. */
struct model {
	struct queue_entry *v[N_ENTRIES];
	size_t n;
};

static void model_insert(struct model *m, struct queue_entry *e)
{
	size_t i = m->n;

	while (i > 0 && queue_before(e, m->v[i - 1])) {
		m->v[i] = m->v[i - 1];
		i--;
	}
	m->v[i] = e;
	m->n++;
}

static void model_delete(struct model *m, size_t i)
{
	memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof(m->v[0]));
	m->n--;
}

static void test_randomized(void **state)
{
	static struct queue_entry e[N_ENTRIES];
	static struct model m;
	struct queue q = QUEUE_INIT;
	size_t pushes = 0, pops = 0, removes = 0;

	(void)state;
	rng_state = 0x9e3779b97f4a7c15ULL;
	m.n = 0;
	/* Few priorities and due times, so ties fall through to the id. */
	for (int i = 0; i < N_ENTRIES; i++)
		e[i] = entry(i + 1, 1 + (int)rng_below(9), (int64_t)rng_below(20) * 1000);

	for (int op = 0; op < N_OPS; op++) {
		unsigned r = (unsigned)rng_below(10);
		struct queue_entry *x = &e[rng_below(N_ENTRIES)];

		if (r < 5) {
			/* Push a random entry if it is not queued; else remove it. */
			if (x->heap_idx == QUEUE_NOT_QUEUED) {
				assert_int_equal(queue_push(&q, x), 0);
				model_insert(&m, x);
				pushes++;
			} else {
				r = 9;
			}
		}
		if (r >= 5 && r < 8) {
			struct queue_entry *p = queue_pop(&q);

			if (!m.n) {
				assert_null(p);
			} else {
				assert_ptr_equal(p, m.v[0]);
				assert_int_equal(p->heap_idx, QUEUE_NOT_QUEUED);
				model_delete(&m, 0);
				pops++;
			}
		} else if (r >= 8) {
			size_t i;

			for (i = 0; i < m.n && m.v[i] != x; i++)
				;
			assert_int_equal(i < m.n, x->heap_idx != QUEUE_NOT_QUEUED);
			queue_remove(&q, x);
			assert_int_equal(x->heap_idx, QUEUE_NOT_QUEUED);
			if (i < m.n) {
				model_delete(&m, i);
				removes++;
			}
		}
		assert_int_equal(queue_len(&q), m.n);
		assert_ptr_equal(queue_peek(&q), m.n ? m.v[0] : NULL);
		if (op % 97 == 0)
			check_heap(&q);
	}
	check_heap(&q);
	/* Drain: the rest comes out exactly in model order. */
	for (size_t i = 0; i < m.n; i++)
		assert_ptr_equal(queue_pop(&q), m.v[i]);
	assert_null(queue_pop(&q));
	/* The mix must really exercise all three operations. */
	assert_true(pushes > 1000 && pops > 1000 && removes > 500);
	queue_release(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_order),
	    cmocka_unit_test(test_remove_middle),
	    cmocka_unit_test(test_remove_other_queue),
	    cmocka_unit_test(test_requeue_original_place),
	    cmocka_unit_test(test_grow),
	    cmocka_unit_test(test_push_nomem),
	    cmocka_unit_test(test_randomized),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
