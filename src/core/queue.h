/* queue.h - a per-engagement queue of items ordered by priority, due time, arrival. */
#ifndef ALIHDAYA_QUEUE_H
#define ALIHDAYA_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The queue does not own its entries. Each entry records its own position
 * (heap_idx) so it can be removed in O(log n) when cancelled, and an item
 * put back after its lease expired returns to exactly its original place,
 * because the order depends only on (priority, due_at, id).
 */
struct queue_entry {
	int64_t id;      /* arrival order: smaller ids arrived earlier */
	int priority;    /* higher first */
	int64_t due_at;  /* earlier first */
	size_t heap_idx; /* QUEUE_NOT_QUEUED when not in a queue */
};

#define QUEUE_NOT_QUEUED ((size_t)-1)

struct queue {
	struct queue_entry **v;
	size_t n;
	size_t alloc;
};

#define QUEUE_INIT { NULL, 0, 0 }

/* True if a should be served before b. */
bool queue_before(const struct queue_entry *a, const struct queue_entry *b);
/* 0 or ERR_NOMEM. e must not be queued already. */
int queue_push(struct queue *q, struct queue_entry *e);
/* The best entry, or NULL when empty. */
struct queue_entry *queue_peek(const struct queue *q);
/* Removes and returns the best entry, or NULL. */
struct queue_entry *queue_pop(struct queue *q);
/* Removes e if it is queued in q; no-op otherwise. */
void queue_remove(struct queue *q, struct queue_entry *e);
size_t queue_len(const struct queue *q);
void queue_release(struct queue *q);

#endif
