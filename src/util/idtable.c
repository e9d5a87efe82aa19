/* idtable.c - records in slabs, found by id through open addressing with 8-byte slots. */
#include "util/idtable.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util/err.h"

/* Freed records are poisoned under AddressSanitizer: a use after free is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#endif

#define SLOT_IDX(s) ((uint32_t)(s))	     /* the record's index + 1; 0: empty */
#define SLOT_HASH(s) ((uint32_t)((s) >> 32)) /* the id's hash, its low 32 bits */
#define MAX_RECS ((size_t)UINT32_MAX - 1)

/* splitmix64's finalizer: ids are sequential, so spread them. */
static uint64_t hash_of(int64_t id)
{
	uint64_t x = (uint64_t)id;

	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/*
 * A slab is slab_bytes (a power of two, at least 2 MB) aligned to its size, so
 * a record's slab is its address rounded down: a header, then the records.
 * The header holds the slab's number and a bit per record, set while the
 * record is in the table (what iteration visits).
 */
struct slab_head {
	size_t number;
	uint64_t in[IDTABLE_SLAB / 64];
};
#define HEAD_BYTES ((sizeof(struct slab_head) + 63) / 64 * 64)
#define HUGE_PAGE ((size_t)2 << 20)

static unsigned char *rec_at(const struct idtable *t, size_t idx)
{
	return t->slabs[idx >> IDTABLE_SLAB_SHIFT] + HEAD_BYTES +
	       (idx & (IDTABLE_SLAB - 1)) * t->rec_size;
}

static struct slab_head *head_of(const struct idtable *t, const void *rec)
{
	return (struct slab_head *)((uintptr_t)rec & ~(uintptr_t)(t->slab_bytes - 1));
}

/* The record's index, from its address. */
static size_t index_of(const struct idtable *t, const void *rec)
{
	const struct slab_head *h = head_of(t, rec);

	return (h->number << IDTABLE_SLAB_SHIFT) +
	       (size_t)((const unsigned char *)rec - (const unsigned char *)h - HEAD_BYTES) /
		   t->rec_size;
}

static void mark(const struct idtable *t, const void *rec, bool in)
{
	size_t k = index_of(t, rec) & (IDTABLE_SLAB - 1);
	uint64_t *w = &head_of(t, rec)->in[k / 64];

	*w = in ? *w | (uint64_t)1 << (k % 64) : *w & ~((uint64_t)1 << (k % 64));
}

static bool marked(const struct idtable *t, size_t idx)
{
	size_t k = idx & (IDTABLE_SLAB - 1);

	return (((struct slab_head *)t->slabs[idx >> IDTABLE_SLAB_SHIFT])->in[k / 64] >> (k % 64)) & 1;
}

static int64_t id_of(const struct idtable *t, const void *rec)
{
	int64_t id;

	memcpy(&id, (const unsigned char *)rec + t->id_off, sizeof(id));
	return id;
}

/* A freed record keeps the next free one's index + 1 in its first bytes. */
static int new_slab(struct idtable *t)
{
	struct slab_head *h;
	void *p;

	if (!t->slab_bytes) {
		t->slab_bytes = HUGE_PAGE;
		while (t->slab_bytes < HEAD_BYTES + IDTABLE_SLAB * t->rec_size)
			t->slab_bytes *= 2;
	}
	if (t->n_slabs == t->cap_slabs) {
		size_t nc = t->cap_slabs ? t->cap_slabs * 2 : 16;
		unsigned char **ns = realloc(t->slabs, nc * sizeof(*ns));

		if (!ns)
			return ERR_NOMEM;
		t->slabs = ns;
		t->cap_slabs = nc;
	}
	if (posix_memalign(&p, t->slab_bytes, t->slab_bytes))
		return ERR_NOMEM;
	/*
	 * From the second slab on, huge pages: a table that large is millions
	 * of records, and 4 KB pages would cost a fault each and a TLB miss at
	 * most lookups. Records are cut in order, so the last slab's untouched
	 * part is all a table holds unused. The first stays small pages (a few
	 * records cost a few pages, not 2 MB).
	 */
#ifdef MADV_HUGEPAGE
	if (t->n_slabs)
		(void)madvise(p, t->slab_bytes, MADV_HUGEPAGE);
#endif
	h = p;
	memset(h, 0, sizeof(*h));
	h->number = t->n_slabs;
	ASAN_POISON_MEMORY_REGION((unsigned char *)p + HEAD_BYTES, t->slab_bytes - HEAD_BYTES);
	t->slabs[t->n_slabs++] = p;
	return 0;
}

void *idtable_alloc(struct idtable *t)
{
	unsigned char *r;

	if (t->free) {
		r = rec_at(t, t->free - 1);
		ASAN_UNPOISON_MEMORY_REGION(r, t->rec_size);
		memcpy(&t->free, r, sizeof(t->free));
	} else {
		if (t->used >= MAX_RECS)
			return NULL;
		if ((t->used >> IDTABLE_SLAB_SHIFT) == t->n_slabs && new_slab(t))
			return NULL;
		r = rec_at(t, t->used++);
		ASAN_UNPOISON_MEMORY_REGION(r, t->rec_size);
	}
	memset(r, 0, t->rec_size);
	return r;
}

static int grow_to(struct idtable *t, size_t ncap)
{
	uint64_t *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return ERR_NOMEM;
	for (size_t i = 0; i < t->cap; i++) {
		uint64_t s = t->slots[i];
		size_t j;

		if (!s)
			continue;
		for (j = SLOT_HASH(s) & (ncap - 1); ns[j]; j = (j + 1) & (ncap - 1))
			;
		ns[j] = s;
	}
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
	return 0;
}

int idtable_reserve(struct idtable *t, size_t n)
{
	size_t cap = t->cap ? t->cap : 64;

	/* The capacity idtable_add() would reach for n records: n * 4 <= cap * 3. */
	while (n > cap / 4 * 3) {
		if (cap >= ((size_t)1 << 32)) /* the slot keeps 32 bits of hash: the home slot */
			return ERR_NOMEM;
		cap *= 2;
	}
	return cap > t->cap ? grow_to(t, cap) : 0;
}

int idtable_add(struct idtable *t, void *rec)
{
	int64_t id = id_of(t, rec);
	uint64_t h = hash_of(id);
	size_t idx, i;

	if (id <= 0)
		return ERR_INVALID;
	if ((t->n + 1) * 4 > t->cap * 3 && idtable_reserve(t, t->n + 1))
		return ERR_NOMEM;
	for (i = h & (t->cap - 1); t->slots[i]; i = (i + 1) & (t->cap - 1))
		if (SLOT_HASH(t->slots[i]) == (uint32_t)h &&
		    id_of(t, rec_at(t, SLOT_IDX(t->slots[i]) - 1)) == id)
			return ERR_EXISTS;
	idx = index_of(t, rec);
	t->slots[i] = (uint64_t)(idx + 1) | (h & 0xffffffffu) << 32;
	mark(t, rec, true);
	t->n++;
	return 0;
}

void *idtable_get(const struct idtable *t, int64_t id)
{
	uint64_t h;

	if (!t->cap || id <= 0)
		return NULL;
	h = hash_of(id);
	for (size_t i = h & (t->cap - 1); t->slots[i]; i = (i + 1) & (t->cap - 1)) {
		if (SLOT_HASH(t->slots[i]) == (uint32_t)h) {
			unsigned char *r = rec_at(t, SLOT_IDX(t->slots[i]) - 1);

			if (id_of(t, r) == id)
				return r;
		}
	}
	return NULL;
}

void idtable_prefetch(const struct idtable *t, int64_t id)
{
	if (t->cap)
		__builtin_prefetch(&t->slots[hash_of(id) & (t->cap - 1)], 1);
}

/* Empties slot i, moving the later slots of its probe run back (no tombstones). */
static void slot_clear(struct idtable *t, size_t i)
{
	size_t mask = t->cap - 1, j, k;

	for (j = (i + 1) & mask; t->slots[j]; j = (j + 1) & mask) {
		k = SLOT_HASH(t->slots[j]) & mask;
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	t->slots[i] = 0;
}

void idtable_free(struct idtable *t, void *rec)
{
	size_t idx;

	if (!rec)
		return;
	idx = index_of(t, rec);
	if (marked(t, idx)) {
		uint64_t h = hash_of(id_of(t, rec));

		for (size_t i = h & (t->cap - 1); t->slots[i]; i = (i + 1) & (t->cap - 1)) {
			if (SLOT_IDX(t->slots[i]) == idx + 1) {
				slot_clear(t, i);
				break;
			}
		}
		mark(t, rec, false);
		t->n--;
	}
	memcpy(rec, &t->free, sizeof(t->free));
	t->free = idx + 1;
	ASAN_POISON_MEMORY_REGION(rec, t->rec_size);
}

void *idtable_next(const struct idtable *t, size_t *pos)
{
	while (*pos < t->used) {
		size_t i = (*pos)++;

		if (marked(t, i))
			return rec_at(t, i);
	}
	return NULL;
}

void idtable_release(struct idtable *t)
{
	for (size_t s = 0; s < t->n_slabs; s++) {
		ASAN_UNPOISON_MEMORY_REGION(t->slabs[s], t->slab_bytes);
		free(t->slabs[s]);
	}
	free(t->slabs);
	free(t->slots);
	t->slabs = NULL;
	t->slots = NULL;
	t->n_slabs = t->cap_slabs = t->used = t->free = t->cap = t->n = 0;
}
