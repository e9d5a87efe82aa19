/* idtable.c - records in slabs, found by id through open addressing with 8-byte slots. */
#include "util/idtable.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/idmap.h"

/* Freed records are poisoned under AddressSanitizer: a use after free is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#endif

/*
 * A record's place: its slab << POS_BITS | its position in the slab. A
 * slot keeps place + 1 (0: empty) in 32 bits: up to 2^17 slabs of up to
 * 2^15 records.
 */
#define POS_BITS 15
#define POS_MAX ((uint32_t)1 << POS_BITS)
#define SLABS_MAX ((size_t)1 << (32 - POS_BITS))
#define SLOT_PLACE(s) ((uint32_t)(s) - 1)
#define SLOT_HASH(s) ((uint32_t)((s) >> 32)) /* the id's hash, its low 32 bits */

/*
 * A slab is 2 MB aligned to 2 MB, so a record's slab is its address rounded
 * down: a header, then the records, as many as fit (17,441 of 120 bytes: all
 * but 40 bytes in use, also if the kernel backs it with a huge page, which
 * then counts whole). The header holds the slab's number and a bit per
 * record, set while the record is in the table (what iteration visits).
 */
#define SLAB_BYTES ((size_t)2 << 20)
struct slab_head {
	uint64_t number;
	uint64_t in[POS_MAX / 64];
};
#define HEAD_BYTES ((sizeof(struct slab_head) + 63) / 64 * 64)

static unsigned char *rec_at(const struct idtable *t, uint32_t place)
{
	return t->slabs[place >> POS_BITS] + HEAD_BYTES + (place & (POS_MAX - 1)) * t->rec_size;
}

static struct slab_head *head_of(const void *rec)
{
	return (struct slab_head *)((uintptr_t)rec & ~(uintptr_t)(SLAB_BYTES - 1));
}

static uint32_t place_of(const struct idtable *t, const void *rec)
{
	const struct slab_head *h = head_of(rec);
	size_t pos = (size_t)((const unsigned char *)rec - (const unsigned char *)h - HEAD_BYTES) /
		     t->rec_size;

	return (uint32_t)(h->number << POS_BITS | pos);
}

static void mark(const void *rec, uint32_t place, bool in)
{
	uint32_t k = place & (POS_MAX - 1);
	uint64_t *w = &head_of(rec)->in[k / 64];

	*w = in ? *w | (uint64_t)1 << (k % 64) : *w & ~((uint64_t)1 << (k % 64));
}

static bool marked(const struct idtable *t, uint32_t place)
{
	uint32_t k = place & (POS_MAX - 1);
	const struct slab_head *h = (const struct slab_head *)t->slabs[place >> POS_BITS];

	return (h->in[k / 64] >> (k % 64)) & 1;
}

static int64_t id_of(const struct idtable *t, const void *rec)
{
	int64_t id;

	memcpy(&id, (const unsigned char *)rec + t->id_off, sizeof(id));
	return id;
}

static int new_slab(struct idtable *t)
{
	struct slab_head *h;
	void *p;

	if (t->n_slabs >= SLABS_MAX || t->rec_size > IDTABLE_REC_MAX || !t->rec_size)
		return ERR_NOMEM;
	if (!t->per) {
		size_t per = (SLAB_BYTES - HEAD_BYTES) / t->rec_size;

		t->per = per < POS_MAX ? (uint32_t)per : POS_MAX;
	}
	if (t->n_slabs == t->cap_slabs) {
		size_t nc = t->cap_slabs ? t->cap_slabs * 2 : 16;
		unsigned char **ns = realloc(t->slabs, nc * sizeof(*ns));

		if (!ns)
			return ERR_NOMEM;
		t->slabs = ns;
		t->cap_slabs = nc;
	}
	if (posix_memalign(&p, SLAB_BYTES, SLAB_BYTES))
		return ERR_NOMEM;
	/*
	 * No MADV_HUGEPAGE: measured at 10 million records, the faults of huge
	 * pages cost 3 s of kernel time more than 4 KB ones (zeroing at the
	 * fault, compaction) on the thread that touches them first.
	 */
	h = p;
	memset(h, 0, sizeof(*h));
	h->number = t->n_slabs;
	ASAN_POISON_MEMORY_REGION((unsigned char *)p + HEAD_BYTES, SLAB_BYTES - HEAD_BYTES);
	t->slabs[t->n_slabs++] = p;
	return 0;
}

/* The next place never cut (a new slab when the last is full); UINT32_MAX when out of memory. */
static uint32_t cut(struct idtable *t)
{
	uint32_t place;

	if (!t->n_slabs || (t->fresh & (POS_MAX - 1)) == t->per) {
		if (new_slab(t))
			return UINT32_MAX;
		t->fresh = (uint32_t)(t->n_slabs - 1) << POS_BITS;
	}
	place = t->fresh++;
	return place;
}

void *idtable_alloc(struct idtable *t)
{
	unsigned char *r;

	if (t->free) {
		r = rec_at(t, t->free - 1);
		ASAN_UNPOISON_MEMORY_REGION(r, t->rec_size);
		memcpy(&t->free, r, sizeof(t->free));
	} else {
		uint32_t place = cut(t);

		if (place == UINT32_MAX)
			return NULL;
		r = rec_at(t, place);
		ASAN_UNPOISON_MEMORY_REGION(r, t->rec_size);
	}
	memset(r, 0, t->rec_size);
	return r;
}

/* A place as a count of the places before it, and back. */
static size_t linear_of(const struct idtable *t, uint32_t place)
{
	return (size_t)(place >> POS_BITS) * t->per + (place & (POS_MAX - 1));
}

void *idtable_run_at(const struct idtable *t, size_t first, size_t k, size_t *contig)
{
	size_t l = first + k;

	if (contig)
		*contig = t->per - l % t->per;
	return rec_at(t, (uint32_t)((l / t->per) << POS_BITS | (l % t->per)));
}

int idtable_alloc_run(struct idtable *t, size_t n, size_t *first)
{
	size_t slabs0 = t->n_slabs, left = n;
	uint32_t fresh0 = t->fresh, place;

	*first = 0;
	if (!n)
		return 0;
	/* The first place, then the rest of its slab and whole new slabs as needed. */
	if ((place = cut(t)) == UINT32_MAX)
		goto nomem;
	*first = linear_of(t, place);
	while (--left) {
		size_t room = t->per - (t->fresh & (POS_MAX - 1));

		if (!room) {
			if (cut(t) == UINT32_MAX)
				goto nomem;
			continue;
		}
		room = room < left ? room : left;
		t->fresh += (uint32_t)room;
		left -= room - 1;
	}
	for (size_t s = *first / t->per; s <= (*first + n - 1) / t->per; s++) {
		size_t lo = s == *first / t->per ? *first % t->per : 0;
		size_t hi = s == (*first + n - 1) / t->per ? (*first + n - 1) % t->per + 1 : t->per;

		ASAN_UNPOISON_MEMORY_REGION(t->slabs[s] + HEAD_BYTES + lo * t->rec_size,
					    (hi - lo) * t->rec_size);
	}
	return 0;
nomem:
	while (t->n_slabs > slabs0)
		free(t->slabs[--t->n_slabs]);
	t->fresh = fresh0;
	return ERR_NOMEM;
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
	uint64_t h = id_hash(id);
	uint32_t place;
	size_t i;

	if (id <= 0)
		return ERR_INVALID;
	if ((t->n + 1) * 4 > t->cap * 3 && idtable_reserve(t, t->n + 1))
		return ERR_NOMEM;
	for (i = h & (t->cap - 1); t->slots[i]; i = (i + 1) & (t->cap - 1))
		if (SLOT_HASH(t->slots[i]) == (uint32_t)h &&
		    id_of(t, rec_at(t, SLOT_PLACE(t->slots[i]))) == id)
			return ERR_EXISTS;
	place = place_of(t, rec);
	t->slots[i] = (uint64_t)(place + 1) | (h & 0xffffffffu) << 32;
	mark(rec, place, true);
	t->n++;
	return 0;
}

void *idtable_get(const struct idtable *t, int64_t id)
{
	uint64_t h;

	if (!t->cap || id <= 0)
		return NULL;
	h = id_hash(id);
	for (size_t i = h & (t->cap - 1); t->slots[i]; i = (i + 1) & (t->cap - 1)) {
		if (SLOT_HASH(t->slots[i]) == (uint32_t)h) {
			unsigned char *r = rec_at(t, SLOT_PLACE(t->slots[i]));

			if (id_of(t, r) == id)
				return r;
		}
	}
	return NULL;
}

void idtable_prefetch(const struct idtable *t, int64_t id)
{
	if (t->cap)
		__builtin_prefetch(&t->slots[id_hash(id) & (t->cap - 1)], 1);
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
	uint32_t place;

	if (!rec)
		return;
	place = place_of(t, rec);
	if (marked(t, place)) {
		uint64_t h = id_hash(id_of(t, rec));

		for (size_t i = h & (t->cap - 1); t->slots[i]; i = (i + 1) & (t->cap - 1)) {
			if (SLOT_PLACE(t->slots[i]) == place) {
				slot_clear(t, i);
				break;
			}
		}
		mark(rec, place, false);
		t->n--;
	}
	memcpy(rec, &t->free, sizeof(t->free));
	t->free = place + 1;
	ASAN_POISON_MEMORY_REGION(rec, t->rec_size);
}

void *idtable_next(const struct idtable *t, size_t *pos)
{
	while (t->n_slabs && *pos < t->fresh) {
		uint32_t place = (uint32_t)(*pos)++;

		if ((place & (POS_MAX - 1)) >= t->per) { /* past a slab's last record */
			*pos = (size_t)((place >> POS_BITS) + 1) << POS_BITS;
			continue;
		}
		if (marked(t, place))
			return rec_at(t, place);
	}
	return NULL;
}

void idtable_release(struct idtable *t)
{
	for (size_t s = 0; s < t->n_slabs; s++) {
		ASAN_UNPOISON_MEMORY_REGION(t->slabs[s], SLAB_BYTES);
		free(t->slabs[s]);
	}
	free(t->slabs);
	free(t->slots);
	t->slabs = NULL;
	t->slots = NULL;
	t->n_slabs = t->cap_slabs = t->cap = t->n = 0;
	t->per = t->fresh = t->free = 0;
}
