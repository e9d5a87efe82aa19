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
 * 2 MB slabs (records never move, so a pointer to one stays valid until
 * idtable_free), and a slot is 8 bytes:
 * the record's place (slab and position) beside 32 bits of its id's hash.
 * The id itself is read from the record (at id_off), only when those 32
 * bits match, so a lookup reads one slot run and the record it returns, as
 * before; growing and deleting never read a record (the 32 bits hold the
 * home slot for any capacity up to 2^32).
 *
 * A record is in the table from idtable_add() to idtable_free(); its id
 * (an int64 > 0 at id_off) must not change meanwhile. Iteration visits
 * every record in the table, and only those, in slab order: the order they
 * were allocated in as long as none was freed (recovery allocates in id
 * order).
 *
 * `struct idtable t = IDTABLE_INIT(struct rec, id);` is valid and safe to
 * release unused. Not thread-safe, but for idtable_run_at() (see there).
 */
struct idtable {
	size_t rec_size; /* bytes per record, a multiple of 8, at most IDTABLE_REC_MAX */
	size_t id_off;	 /* where a record holds its int64 id */
	unsigned char **slabs;
	size_t n_slabs, cap_slabs;
	uint32_t per;	 /* records a slab holds */
	uint32_t fresh;	 /* the place of the next record never cut: slab << 15 | position */
	uint32_t free;	 /* the place + 1 of the last freed record (0: none); each links the next */
	uint64_t *slots; /* place + 1 in the low 32 bits (0: empty), the hash's low 32 bits above */
	size_t cap;	 /* slots: a power of two, or 0 */
	size_t n;	 /* records in the table (added, not freed) */
};
#define IDTABLE_REC_MAX 1024

#define IDTABLE_INIT(type, member)                                                                 	{ (sizeof(type) + 7) / 8 * 8, offsetof(type, member), NULL, 0, 0, 0, 0, 0, NULL, 0, 0 }

/* A new zeroed record, not in the table yet (its id 0); NULL when out of memory. */
void *idtable_alloc(struct idtable *t);
/*
 * n new records in a row, for a bulk load that fills them from several
 * threads (recovery): OUT *first, a handle for idtable_run_at(). They are
 * not zeroed (whoever fills one sets all of it: a thread each, in parallel)
 * and not in the table; idtable_add each (on the owning thread), or
 * idtable_free it. 0 or ERR_NOMEM (nothing cut).
 */
int idtable_alloc_run(struct idtable *t, size_t n, size_t *first);
/*
 * Record k of a run (k < its n). Any thread may call it for records of a
 * run while the table itself is left alone (no alloc, add or free). OUT:
 * *contig (NULL: not asked), how many records from this one on lie next to
 * each other (record k + j is rec_size * j bytes on, for j < *contig).
 */
void *idtable_run_at(const struct idtable *t, size_t first, size_t k, size_t *contig);
/*
 * Puts rec (from idtable_alloc, its id set) in the table. 0, ERR_INVALID
 * (an id <= 0), ERR_EXISTS (that id is in the table already) or ERR_NOMEM;
 * on an error the record stays the caller's (idtable_free it).
 */
int idtable_add(struct idtable *t, void *rec);
/* The record of id, or NULL. */
void *idtable_get(const struct idtable *t, int64_t id);
/*
 * Starts the cache miss of idtable_add() or idtable_get() of this id a while
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
