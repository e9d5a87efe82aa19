/* lease.h - a min-heap of lease deadlines, so the engine finds expired leases without scanning. */
#ifndef ALIHDAYA_LEASE_H
#define ALIHDAYA_LEASE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Entries are never removed when a lease ends early (submit, cancel): the
 * engine checks on pop that the item still holds the lease with the same
 * epoch, and skips stale entries. The heap therefore holds at most one
 * entry per lease ever granted that has not reached its deadline yet.
 */
struct lease_deadline {
	int64_t expires; /* ms */
	int64_t item_id;
	int64_t epoch;
};

struct lease_heap {
	struct lease_deadline *v;
	size_t n, alloc;
};

#define LEASE_HEAP_INIT { NULL, 0, 0 }

int lease_heap_push(struct lease_heap *h, struct lease_deadline d); /* 0 or ERR_NOMEM */
/* The earliest deadline, or NULL when empty. */
const struct lease_deadline *lease_heap_peek(const struct lease_heap *h);
void lease_heap_pop(struct lease_heap *h);
void lease_heap_release(struct lease_heap *h);

#endif
