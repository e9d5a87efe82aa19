/* idtable.h - fixed-size records found by their int64 id: the records in slabs, an 8-byte-slot hash. */
#ifndef ALIHDAYA_IDTABLE_H
#define ALIHDAYA_IDTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What struct idmap costs for millions of small records (the engine's open
 * items) and this table does not: a malloc chunk per record (an 8-byte
 * header, the size rounded up to 16) and a 16-byte slot holding the id
 * beside the pointer. Here the table owns the records: they are cut from
 * slabs of IDTABLE_SLAB records (never moved: a pointer to one stays valid
 * until idtable_free), and a slot is 8 bytes, the record's index beside 32
 * bits of its id's hash. The id itself is read from the record (at id_off),
 * only when those 32 bits match, so a lookup reads one slot run and the
 * record it returns, as before; growing and deleting never read a record
 * (the 32 bits hold the home slot for any capacity up to 2^32).
 *
 * A record is in the table from idtable_add() to idtable_free(); its id
 * (an int64 > 0 at id_off) must not change meanwhile. Iteration visits the
 * records in slab order: the order they were allocated in, as long as none
 * was freed (recovery allocates in id order), every record in the table,
 * and only those.
 *
 * `struct idtable t = IDTABLE_INIT(struct rec, id);` is valid and safe to
 * release unused. Not thread-safe.
 */
#define IDTABLE_SLAB_SHIFT 14 /* 16,384 records a slab: a 2 MB huge page of 120-byte records */
#define IDTABLE_SLAB ((size_t)1 << IDTABLE_SLAB_SHIFT)

struct idtable {
	size_t rec_size; /* bytes per record, a multiple of 8 */
	size_t id_off;	 /* where a record holds its int64 id */
	unsigned char **slabs;
	size_t n_slabs, cap_slabs;
	size_t slab_bytes; /* a slab's size and alignment (a power of two), 0 before the first */
	size_t used; /* records cut from the slabs so far (the high-water mark) */
	size_t free; /* the first freed record: its index + 1, 0 for none */
	uint64_t *slots; /* index + 1 in the low 32 bits (0: empty), the hash's low 32 bits above */
	size_t cap;	 /* slots: a power of two, or 0 */
	size_t n;	 /* records in the table (added, not freed) */
};

#define IDTABLE_INIT(type, member)                                                                 \
	{ (sizeof(type) + 7) / 8 * 8, offsetof(type, member), NULL, 0, 0, 0, 0, 0, NULL, 0, 0 }

/* A new zeroed record, not in the table yet (its id 0); NULL when out of memory. */
void *idtable_alloc(struct idtable *t);
/*
 * Puts rec (from idtable_alloc, its id set) in the table. 0, ERR_INVALID
 * (an id <= 0), ERR_EXISTS (that id is in the table already) or ERR_NOMEM;
 * on an error the record stays the caller's (idtable_free it).
 */
int idtable_add(struct idtable *t, void *rec);
/* The record of id, or NULL. */
void *idtable_get(const struct idtable *t, int64_t id);
/*
 * Starts the cache misses of idtable_add(rec) or idtable_get(id) a while
 * before the call (recovery adds millions in a row; each slot is a miss).
 */
void idtable_prefetch(const struct idtable *t, int64_t id);
/* Takes rec out of the table if it is in it and gives its memory back; NULL is fine. */
void idtable_free(struct idtable *t, void *rec);
/* Iterate: for (size_t i = 0; (rec = idtable_next(t, &i));) - adding or freeing meanwhile is fine. */
void *idtable_next(const struct idtable *t, size_t *pos);
/* Room for n records in the table without growing its slots. 0 or ERR_NOMEM (unchanged). */
int idtable_reserve(struct idtable *t, size_t n);
/* Frees every record and the table's memory (records' own pointers are the caller's). */
void idtable_release(struct idtable *t);

#endif
