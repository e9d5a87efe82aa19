/* queue.c - a binary min-heap of borrowed entries that know their own position. */
#include "core/queue.h"

#include <stdint.h>
#include <stdlib.h>

#include "util/err.h"

#define QUEUE_MIN_ALLOC 16

bool queue_before(const struct queue_entry *a, const struct queue_entry *b)
{
	if (a->priority != b->priority)
		return a->priority > b->priority;
	if (a->due_at != b->due_at)
		return a->due_at < b->due_at;
	return a->id < b->id;
}

static void place(struct queue *q, size_t i, struct queue_entry *e)
{
	q->v[i] = e;
	e->heap_idx = i;
}

/* Moves the entry at i towards the root until its parent comes before it. */
static void sift_up(struct queue *q, size_t i)
{
	struct queue_entry *e = q->v[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!queue_before(e, q->v[parent]))
			break;
		place(q, i, q->v[parent]);
		i = parent;
	}
	place(q, i, e);
}

/* Moves the entry at i towards the leaves until both children come after it. */
static void sift_down(struct queue *q, size_t i)
{
	struct queue_entry *e = q->v[i];

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, best = l;

		if (l >= q->n)
			break;
		if (r < q->n && queue_before(q->v[r], q->v[l]))
			best = r;
		if (!queue_before(q->v[best], e))
			break;
		place(q, i, q->v[best]);
		i = best;
	}
	place(q, i, e);
}

int queue_push(struct queue *q, struct queue_entry *e)
{
	if (q->n == q->alloc) {
		size_t alloc = q->alloc ? q->alloc : QUEUE_MIN_ALLOC / 2;
		struct queue_entry **v;

		if (alloc > SIZE_MAX / 2 / sizeof(*v))
			return ERR_NOMEM;
		alloc *= 2;
		v = realloc(q->v, alloc * sizeof(*v));
		if (!v)
			return ERR_NOMEM;
		q->v = v;
		q->alloc = alloc;
	}
	place(q, q->n++, e);
	sift_up(q, q->n - 1);
	return 0;
}

struct queue_entry *queue_peek(const struct queue *q)
{
	return q->n ? q->v[0] : NULL;
}

/* Removes the entry at i, filling the hole with the last entry and restoring the heap. */
static void remove_at(struct queue *q, size_t i)
{
	struct queue_entry *e = q->v[i];
	struct queue_entry *last = q->v[--q->n];

	e->heap_idx = QUEUE_NOT_QUEUED;
	if (i == q->n)
		return;
	place(q, i, last);
	/* The filler may belong above or below the hole, never both. */
	if (i > 0 && queue_before(last, q->v[(i - 1) / 2]))
		sift_up(q, i);
	else
		sift_down(q, i);
}

struct queue_entry *queue_pop(struct queue *q)
{
	struct queue_entry *e;

	if (!q->n)
		return NULL;
	e = q->v[0];
	remove_at(q, 0);
	return e;
}

void queue_remove(struct queue *q, struct queue_entry *e)
{
	size_t i = e->heap_idx;

	/* The index alone is not proof: e may sit at the same index of another queue. */
	if (i < q->n && q->v[i] == e)
		remove_at(q, i);
}

size_t queue_len(const struct queue *q)
{
	return q->n;
}

/*
 * Entries are left untouched: their owner may have freed them already. A
 * stale heap_idx is harmless, since queue_remove() checks v[idx] == e.
 */
void queue_release(struct queue *q)
{
	free(q->v);
	q->v = NULL;
	q->n = 0;
	q->alloc = 0;
}
