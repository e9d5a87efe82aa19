/* idmap.h - a hash map from positive int64 ids to pointers (open addressing). */
#ifndef ALIHDAYA_IDMAP_H
#define ALIHDAYA_IDMAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * The map does not own the values. Ids must be > 0. Deletion uses
 * backward-shift, so there are no tombstones and lookups stay short.
 * `struct idmap m = IDMAP_INIT;` is valid and safe to release unused.
 */
struct idmap_slot {
	int64_t id; /* 0 = empty */
	void *val;
};

struct idmap {
	struct idmap_slot *slots;
	size_t cap; /* power of two or 0 */
	size_t n;
};

#define IDMAP_INIT { NULL, 0, 0 }

void *idmap_get(const struct idmap *m, int64_t id);
/* Inserts or replaces. 0 or ERR_NOMEM (map unchanged). */
int idmap_put(struct idmap *m, int64_t id, void *val);
/* Removes and returns the value, or NULL. */
void *idmap_del(struct idmap *m, int64_t id);
/* Iterate: for (size_t i = 0; idmap_next(m, &i, &id, &val);) */
int idmap_next(const struct idmap *m, size_t *pos, int64_t *id, void **val);
void idmap_release(struct idmap *m);
/*
 * Room for n entries without growing (one allocation instead of doubling
 * with a rehash each time: recovery of millions of items). 0 or ERR_NOMEM
 * (map unchanged).
 */
int idmap_reserve(struct idmap *m, size_t n);

/* splitmix64's finalizer: ids are sequential, so spread them (idmap's and idtable's slots). */
static inline uint64_t id_hash(int64_t id)
{
	uint64_t x = (uint64_t)id;

	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

#endif
