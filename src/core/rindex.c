/* rindex.c - the routing index: interned skills, ring heaps, eligible sets, capacity by weight. */
#include "core/rindex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/idmap.h"

#define REQ_MAX (MODEL_MAX_SKILLS + MODEL_MAX_LANGS)

/*
 * A slot carries its item's key packed in one word, so sifting compares
 * contiguous memory and touches an item only to record its new position, and
 * a slot is 16 bytes: an entry's eight children are two cache lines.
 * Score heaps: the priority's rank (higher first) in the top bits, then
 * due_at, both clamped so the order of keys never contradicts the score;
 * equal keys (same priority and due time, or clamped) are told apart by the
 * items themselves (rindex_before). The age heap: the moment of the next
 * ring, its sign flipped (the order of int64 as uint64), exact.
 */
struct rx_slot {
	uint64_t key;
	struct rindex_item *it;
};

/*
 * top is a copy of v[0] (valid while n > 0), kept in the engagement's own
 * record: a take-next compares the heads of a worker's eligible engagements
 * without reading any heap array (one cache line per engagement, not one
 * per heap).
 */
struct rx_heap {
	uint32_t n, alloc;
	struct rx_slot *v;
	struct rx_slot top;
};

/*
 * One ring's requirements as interned codes and levels. Eligibility is
 * computed when a worker or an engagement changes, never per take, so a few
 * lookups in the worker's sorted codes cost nothing a decision sees; the code
 * space has no bound (a fixed 256-bit set did: past its 256th code an
 * engagement had no eligible worker).
 */
struct rx_ring {
	int64_t after_ms;
	bool never; /* out of memory while interning: no worker meets it */
	uint8_t n_req;
	uint32_t code[REQ_MAX];
	uint8_t level[REQ_MAX];
};

/*
 * What a take-next reads comes first (the age heap's head, then the ring
 * heaps' heads: three cache lines cover two rings); the rings only on changes.
 */
struct rx_eng {
	bool open;
	int weight;
	int n_rings;
	struct rx_heap age;		    /* by the moment of the next ring (not the last ring) */
	struct rx_heap h[RINDEX_MAX_RINGS]; /* by score; an item in the widest ring reached */
	int64_t id, client_id;
	struct rx_ring ring[RINDEX_MAX_RINGS];
};

/* One engagement a worker may work for, from ring `ring` on, while the clearance holds. */
struct rx_elig {
	struct rx_eng *eng;
	int64_t until; /* the clearance lapses at (0: never) */
	uint8_t ring;
};

/*
 * What a take-next reads is the record's first three cache lines: the fields
 * below and, for a worker eligible for at most ELIG_INLINE engagements (5 on
 * average in bench/routing's world), the eligible set itself, so the record's
 * lines are asked for at once instead of the set's waiting for the record's
 * pointer to it. The skills are read only on changes.
 */
#define ELIG_INLINE 6
struct rx_worker {
	int64_t id;
	bool avail; /* active and available, from its record */
	bool held;  /* the hook: away/offline/wrap-up by the engine's states */
	int capacity, load;
	struct rx_elig *elig; /* inl, or an array of its own past ELIG_INLINE */
	size_t n_elig, alloc_elig;
	struct rx_elig inl[ELIG_INLINE];
	size_t n_clear;
	int64_t *clear, *until; /* ascending client ids, parallel lapse times */
	uint8_t n_have;
	uint32_t have[REQ_MAX]; /* its interned codes, ascending */
	uint8_t level[REQ_MAX]; /* parallel: the level of each */
};

/* An interned code: [0] is 's' or 'l' (the namespace), then the code. */
struct rx_code {
	char s[MODEL_CODE_MAX + 1];
};

struct rindex {
	struct idmap workers, engs;
	size_t n_codes, alloc_codes;
	struct rx_code *codes;
	uint32_t *hash; /* open addressing: code index + 1, 0 empty; hash_cap a power of 2 */
	size_t hash_cap;
};

/* ================================================================
 * Heaps: one function set, two orders (the score; the next ring's moment)
 *
 * A slot carries its item's key, so sifting compares contiguous memory and
 * touches an item only to record its new position (a store, which does not
 * wait for the cache): at a million queued items this is what keeps a
 * take-next within a few cache misses.
 * ================================================================ */

/*
 * Eight children per entry: a third of the levels of a binary heap (3.3 for
 * a queue of 1,000), the eight children 128 contiguous bytes compared at
 * once. Each level of a sift is a likely cache miss that waits for the one
 * before it, so fewer levels beat fewer compares: measured with bench/routing
 * (bench/README.md), 8 did about 1.25x the decisions of 4 and more than 16.
 */
#define ARITY 8

bool rindex_before(const struct rindex_item *a, const struct rindex_item *b)
{
	if (a->priority != b->priority)
		return a->priority > b->priority;
	if (a->due_at != b->due_at)
		return a->due_at < b->due_at;
	return a->id < b->id;
}

/* Ties in the age heap need no order: due items all move, whichever first. */
static bool slot_before(const struct rx_slot *a, const struct rx_slot *b, bool age)
{
	if (a->key != b->key)
		return a->key < b->key;
	return !age && a->it != b->it && rindex_before(a->it, b->it);
}

#define DUE_BITS 58
/*
 * Priorities -14..15 (the API's are 1..9) have ranks 1..30 in the top 5 bits;
 * one outside is rank 0 (above) or 31 (below) with no due time, so all of
 * those tie and their items decide (a clamped priority followed by a due time
 * would misorder). A clamped due time (beyond +-4.5 million years) is the
 * last field: it only ties.
 */
static uint64_t score_key(int32_t priority, int64_t due_at)
{
	const int64_t half = (int64_t)1 << (DUE_BITS - 1);
	int64_t d = due_at < -half ? -half : due_at > half - 1 ? half - 1 : due_at;

	if (priority > 15)
		return 0;
	if (priority < -14)
		return (uint64_t)31 << DUE_BITS;
	return (uint64_t)(16 - priority) << DUE_BITS | (uint64_t)(d + half);
}

static uint64_t age_key(int64_t at)
{
	return (uint64_t)at ^ ((uint64_t)1 << 63);
}

static int64_t next_ring_at(const struct rindex_item *it)
{
	return it->since + it->eng->ring[it->ring + 1].after_ms;
}

static struct rx_slot slot_of(const struct rindex_item *it, bool age)
{
	struct rx_slot s = {age ? age_key(next_ring_at(it)) : score_key(it->priority, it->due_at),
			    (struct rindex_item *)it};

	return s;
}

static void place(struct rx_heap *h, bool age, uint32_t i, const struct rx_slot *s)
{
	h->v[i] = *s;
	if (i == 0)
		h->top = *s;
	if (age)
		s->it->aidx = i;
	else
		s->it->hidx = i;
}

static void sift_up(struct rx_heap *h, bool age, uint32_t i)
{
	struct rx_slot s = h->v[i];

	while (i > 0) {
		uint32_t p = (i - 1) / ARITY;

		if (!slot_before(&s, &h->v[p], age))
			break;
		place(h, age, i, &h->v[p]);
		i = p;
	}
	place(h, age, i, &s);
}

static void sift_down(struct rx_heap *h, bool age, uint32_t i)
{
	struct rx_slot s = h->v[i];

	for (;;) {
		uint32_t c = ARITY * i + 1, end = c + ARITY, b = c;

		if (c >= h->n)
			break;
		if (end > h->n)
			end = h->n;
		for (uint32_t k = c + 1; k < end; k++)
			if (slot_before(&h->v[k], &h->v[b], age))
				b = k;
		if (!slot_before(&h->v[b], &s, age))
			break;
		place(h, age, i, &h->v[b]);
		i = b;
	}
	place(h, age, i, &s);
}

/*
 * The slots start HEAP_PAD slots into a 128-byte-aligned block: every
 * entry's eight children (16 bytes each, from index 8i + 1) are then one
 * aligned 128-byte pair of cache lines, which the hardware fetches together,
 * instead of straddling three lines. Measured with bench/routing (bench/README.md).
 */
#define HEAP_ALIGN 128
#define HEAP_PAD (HEAP_ALIGN / sizeof(struct rx_slot) - 1)
_Static_assert(ARITY * sizeof(struct rx_slot) == HEAP_ALIGN, "children are one aligned block");

static void heap_free(struct rx_heap *h)
{
	if (h->v)
		free(h->v - HEAP_PAD);
	h->v = NULL;
}

/* Room for one more entry: 0 or ERR_NOMEM. */
static int heap_reserve(struct rx_heap *h)
{
	if (h->n == h->alloc) {
		uint32_t alloc = h->alloc ? h->alloc * 2 : 8;
		size_t bytes = ((size_t)alloc + HEAP_PAD) * sizeof(struct rx_slot);
		struct rx_slot *v;

		if (h->alloc > UINT32_MAX / 4)
			return ERR_NOMEM;
		v = aligned_alloc(HEAP_ALIGN, (bytes + HEAP_ALIGN - 1) & ~(size_t)(HEAP_ALIGN - 1));
		if (!v)
			return ERR_NOMEM;
		v += HEAP_PAD;
		if (h->n)
			memcpy(v, h->v, (size_t)h->n * sizeof(*v));
		heap_free(h);
		h->v = v;
		h->alloc = alloc;
	}
	return 0;
}

static int heap_push(struct rx_heap *h, bool age, struct rindex_item *it)
{
	struct rx_slot s = slot_of(it, age);
	int rc = heap_reserve(h);

	if (rc)
		return rc;
	place(h, age, h->n++, &s);
	sift_up(h, age, h->n - 1);
	return 0;
}

static void heap_remove(struct rx_heap *h, bool age, uint32_t i)
{
	struct rx_slot last = h->v[--h->n];

	if (i == h->n)
		return;
	place(h, age, i, &last);
	if (i > 0 && slot_before(&last, &h->v[(i - 1) / ARITY], age))
		sift_up(h, age, i);
	else
		sift_down(h, age, i);
}

/*
 * The best entry of h that f does not skip for worker wid, better than
 * `than` (NULL: any). Best first over the heap's tree: an entry not skipped
 * ends its subtree (its descendants come after it); a skipped one opens its
 * children. At most RINDEX_SCAN_MAX entries are visited.
 */
static const struct rx_slot *heap_best(const struct rx_heap *h, const struct rindex_filter *f,
				       int64_t wid, const struct rx_slot *than)
{
	uint32_t stack[ARITY * RINDEX_SCAN_MAX + 1];
	const struct rx_slot *best = NULL;
	size_t sp = 0, visits = 0;

	if (!h->n || (than && !slot_before(&h->top, than, false)))
		return NULL;
	if (!f || !f->skip)
		return &h->top;
	stack[sp++] = 0;
	while (sp && visits < RINDEX_SCAN_MAX) {
		uint32_t i = stack[--sp];
		const struct rx_slot *s = &h->v[i];

		if ((best && !slot_before(s, best, false)) || (than && !slot_before(s, than, false)))
			continue; /* its whole subtree comes later */
		visits++;
		if (!f->skip(f->ctx, wid, s->it)) {
			best = s;
			continue;
		}
		for (uint32_t c = ARITY * i + 1; c <= ARITY * i + ARITY; c++)
			if (c < h->n)
				stack[sp++] = c;
	}
	return best;
}

/* ================================================================
 * Interning and eligibility
 * ================================================================ */

static uint32_t code_hash(const char *k)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *k; k++)
		h = (h ^ (uint8_t)*k) * 16777619u;
	return h;
}

/* Doubles the hash table (kept at most half full). 0 or ERR_NOMEM. */
static int hash_grow(struct rindex *ix)
{
	size_t cap = ix->hash_cap ? ix->hash_cap * 2 : 64;
	uint32_t *h = calloc(cap, sizeof(*h));

	if (!h)
		return ERR_NOMEM;
	for (size_t i = 0; i < ix->n_codes; i++) {
		size_t j = code_hash(ix->codes[i].s) & (cap - 1);

		while (h[j])
			j = (j + 1) & (cap - 1);
		h[j] = (uint32_t)i + 1;
	}
	free(ix->hash);
	ix->hash = h;
	ix->hash_cap = cap;
	return 0;
}

/*
 * The code's small integer (kind 's' skill, 'l' language), added when new
 * (the table grows: any number of codes); -1: out of memory.
 */
static long intern(struct rindex *ix, char kind, const char *code)
{
	struct rx_code k;
	size_t j;

	k.s[0] = kind;
	snprintf(k.s + 1, MODEL_CODE_MAX, "%s", code);
	if (2 * (ix->n_codes + 1) > ix->hash_cap && hash_grow(ix))
		return -1;
	for (j = code_hash(k.s) & (ix->hash_cap - 1); ix->hash[j]; j = (j + 1) & (ix->hash_cap - 1))
		if (!strcmp(ix->codes[ix->hash[j] - 1].s, k.s))
			return (long)ix->hash[j] - 1;
	if (ix->n_codes == ix->alloc_codes) {
		size_t alloc = ix->alloc_codes ? ix->alloc_codes * 2 : 64;
		struct rx_code *v;

		if (alloc > UINT32_MAX / 2 || !(v = realloc(ix->codes, alloc * sizeof(*v))))
			return -1;
		ix->codes = v;
		ix->alloc_codes = alloc;
	}
	ix->codes[ix->n_codes] = k;
	ix->hash[j] = (uint32_t)ix->n_codes + 1;
	return (long)ix->n_codes++;
}

static size_t clamp(size_t n, size_t max)
{
	return n < max ? n : max;
}

static int ring_add(struct rindex *ix, struct rx_ring *r, char kind, const struct skill_level *s,
		    size_t n)
{
	for (size_t i = 0; i < n && r->n_req < REQ_MAX; i++) {
		long c = intern(ix, kind, s[i].code);

		if (c < 0)
			return ERR_NOMEM;
		r->code[r->n_req] = (uint32_t)c;
		r->level[r->n_req++] = (uint8_t)(s[i].level < 0	    ? 0
						 : s[i].level > 255 ? 255
								    : s[i].level);
	}
	return 0;
}

/* The position of code c in w's ascending codes, or -1: w does not hold it. */
static int have_find(const struct rx_worker *w, uint32_t c)
{
	int lo = 0, hi = w->n_have;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (w->have[mid] == c)
			return mid;
		if (w->have[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* w holds every code r needs, each at or above its level (route.c's holds_all). */
static bool meets(const struct rx_worker *w, const struct rx_ring *r)
{
	if (r->never)
		return false;
	for (int i = 0; i < r->n_req; i++) {
		int k = have_find(w, r->code[i]);

		if (k < 0 || w->level[k] < r->level[i])
			return false;
	}
	return true;
}

static long clear_find(const struct rx_worker *w, int64_t client)
{
	size_t lo = 0, hi = w->n_clear;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->clear[mid] == client)
			return (long)mid;
		if (w->clear[mid] < client)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The first ring w meets for e, and the clearance's lapse; -1 when w never may work for e. */
static int eligible_ring(const struct rx_worker *w, const struct rx_eng *e, int64_t *until)
{
	long c = clear_find(w, e->client_id);

	if (c < 0)
		return -1;
	*until = w->until[c];
	for (int k = 0; k < e->n_rings; k++)
		if (meets(w, &e->ring[k]))
			return k;
	return -1;
}

/* Sets, changes or (ring < 0) drops w's entry for e. */
static int elig_put(struct rx_worker *w, struct rx_eng *e, int ring, int64_t until)
{
	size_t i;

	for (i = 0; i < w->n_elig && w->elig[i].eng != e; i++)
		;
	if (ring < 0) {
		if (i < w->n_elig)
			w->elig[i] = w->elig[--w->n_elig];
		return 0;
	}
	if (i == w->n_elig) {
		if (w->n_elig == w->alloc_elig) {
			size_t alloc = w->alloc_elig * 2;
			struct rx_elig *v = w->elig == w->inl ? malloc(alloc * sizeof(*v))
							      : realloc(w->elig, alloc * sizeof(*v));

			if (!v)
				return ERR_NOMEM;
			if (w->elig == w->inl)
				memcpy(v, w->inl, sizeof(w->inl));
			w->elig = v;
			w->alloc_elig = alloc;
		}
		w->n_elig++;
	}
	w->elig[i].eng = e;
	w->elig[i].ring = (uint8_t)ring;
	w->elig[i].until = until;
	return 0;
}

/* ================================================================
 * Engagements and their queues
 * ================================================================ */

int rindex_conf_check(const struct rindex_conf *c, char *why, size_t n)
{
	if (c->weight < 0 || c->weight > RINDEX_MAX_WEIGHT) {
		snprintf(why, n, "weight must be 1..%d", RINDEX_MAX_WEIGHT);
		return ERR_INVALID;
	}
	if (c->n_rings > RINDEX_MAX_RINGS - 1) {
		snprintf(why, n, "rings: at most %d", RINDEX_MAX_RINGS - 1);
		return ERR_INVALID;
	}
	for (size_t i = 0; i < c->n_rings; i++) {
		const struct rindex_ring *r = &c->rings[i];

		if (r->after_ms <= (i ? c->rings[i - 1].after_ms : 0)) {
			snprintf(why, n,
				 "rings[%zu].after_ms must be above the previous ring's (and 0)",
				 i);
			return ERR_INVALID;
		}
		if (r->lower_by < 0 || r->lower_by > RINDEX_LOWER_MAX) {
			snprintf(why, n, "rings[%zu].lower_levels_by must be 0..%d", i,
				 RINDEX_LOWER_MAX);
			return ERR_INVALID;
		}
		if (r->lower_by && (r->n_skills || r->n_langs)) {
			snprintf(why, n,
				 "rings[%zu]: lower_levels_by or skills and languages, not both", i);
			return ERR_INVALID;
		}
		if (r->n_skills > MODEL_MAX_SKILLS || r->n_langs > MODEL_MAX_LANGS) {
			snprintf(why, n, "rings[%zu]: at most %d skills and %d languages", i,
				 MODEL_MAX_SKILLS, MODEL_MAX_LANGS);
			return ERR_INVALID;
		}
		for (size_t k = 0; k < r->n_skills + r->n_langs; k++) {
			const struct skill_level *s =
			    k < r->n_skills ? &r->skills[k] : &r->langs[k - r->n_skills];

			if (!s->code[0] || s->level < 1 || s->level > 5) {
				snprintf(why, n,
					 "rings[%zu]: every %s needs a code and a level 1..5", i,
					 k < r->n_skills ? "skill" : "language");
				return ERR_INVALID;
			}
		}
	}
	return 0;
}

/* The widest ring an item that has waited `waited` ms has reached. */
static int ring_for(const struct rx_eng *e, int64_t waited)
{
	int k = 0;

	while (k + 1 < e->n_rings && waited >= e->ring[k + 1].after_ms)
		k++;
	return k;
}

static int enqueue(struct rx_eng *e, struct rindex_item *it, int64_t now)
{
	int rc;

	it->eng = e;
	it->ring = (uint8_t)ring_for(e, now - it->since);
	if ((rc = heap_push(&e->h[it->ring], false, it)))
		return rc;
	if (it->ring + 1 < e->n_rings && (rc = heap_push(&e->age, true, it))) {
		heap_remove(&e->h[it->ring], false, it->hidx);
		return rc;
	}
	it->queued = 1;
	return 0;
}

static void dequeue(struct rindex_item *it)
{
	struct rx_eng *e = it->eng;

	heap_remove(&e->h[it->ring], false, it->hidx);
	if (it->ring + 1 < e->n_rings)
		heap_remove(&e->age, true, it->aidx);
	it->queued = 0;
}

/* Moves every item whose wait reached its next ring by now (each moves once per ring). */
static void advance(struct rx_eng *e, int64_t now)
{
	while (e->age.n && e->age.top.key <= age_key(now)) {
		struct rindex_item *it = e->age.top.it;

		/* The age heap only shrinks here; the new ring's heap needs room first. */
		if (heap_reserve(&e->h[ring_for(e, now - it->since)]))
			return; /* out of memory: it moves at a later look */
		dequeue(it);
		(void)enqueue(e, it, now);
	}
}

int rindex_engagement_set(struct rindex *ix, const struct engagement_rec *er, bool open,
			  const struct rindex_conf *c, int64_t now)
{
	struct rx_eng *e = idmap_get(&ix->engs, er->id), tmp;
	struct rindex_item **all = NULL;
	size_t n_all = 0;
	int64_t id;
	void *v;
	int rc = 0, full;

	memset(&tmp, 0, sizeof(tmp));
	tmp.n_rings = 1 + (int)(c ? clamp(c->n_rings, RINDEX_MAX_RINGS - 1) : 0);
	rc = ring_add(ix, &tmp.ring[0], 's', er->skills, clamp(er->n_skills, MODEL_MAX_SKILLS));
	if (!rc)
		rc = ring_add(ix, &tmp.ring[0], 'l', er->langs, clamp(er->n_langs, MODEL_MAX_LANGS));
	for (int k = 1; !rc && k < tmp.n_rings; k++) {
		const struct rindex_ring *r = &c->rings[k - 1];

		tmp.ring[k].after_ms = r->after_ms;
		if (r->lower_by > 0) {
			/* ring 0 lowered: its codes, each level lowered, never under 1 */
			tmp.ring[k] = tmp.ring[0];
			tmp.ring[k].after_ms = r->after_ms;
			for (int q = 0; q < tmp.ring[k].n_req; q++) {
				int was = tmp.ring[k].level[q], lv = was - r->lower_by;

				tmp.ring[k].level[q] = (uint8_t)(lv >= 1 ? lv : was < 1 ? was : 1);
			}
			continue;
		}
		if (!(rc = ring_add(ix, &tmp.ring[k], 's', r->skills,
				    clamp(r->n_skills, MODEL_MAX_SKILLS))))
			rc = ring_add(ix, &tmp.ring[k], 'l', r->langs,
				      clamp(r->n_langs, MODEL_MAX_LANGS));
	}
	if (rc) {
		/*
		 * Out of memory while interning: the engagement keeps its queue (its
		 * items must stay somewhere) but one ring no worker meets; ERR_NOMEM
		 * tells the caller, which rebuilds the index at its next use.
		 */
		memset(&tmp.ring, 0, sizeof(tmp.ring));
		tmp.ring[0].never = true;
		tmp.n_rings = 1;
	}
	full = rc;
	rc = 0;
	if (!e) {
		if (!(e = calloc(1, sizeof(*e))))
			return ERR_NOMEM;
		if (idmap_put(&ix->engs, er->id, e)) {
			free(e);
			return ERR_NOMEM;
		}
	} else {
		/* Its queued items are placed again under the new rings. */
		for (int k = 0; k < e->n_rings; k++)
			n_all += e->h[k].n;
		if (n_all && !(all = malloc(n_all * sizeof(*all))))
			return ERR_NOMEM;
		n_all = 0;
		for (int k = 0; k < e->n_rings; k++) {
			for (uint32_t j = 0; j < e->h[k].n; j++)
				all[n_all++] = e->h[k].v[j].it;
			e->h[k].n = 0;
		}
		e->age.n = 0;
	}
	e->id = er->id;
	e->client_id = er->client_id;
	e->open = open;
	e->weight = c && c->weight > 0 ? c->weight : 1;
	e->n_rings = tmp.n_rings;
	memcpy(e->ring, tmp.ring, sizeof(e->ring));
	for (size_t i = 0; i < n_all; i++) {
		int rc2;

		all[i]->queued = 0;
		if ((rc2 = enqueue(e, all[i], now)))
			rc = rc2; /* out of memory: that item is no longer queued here */
	}
	free(all);
	/* Every worker's eligibility for it. */
	for (size_t i = 0; idmap_next(&ix->workers, &i, &id, &v);) {
		struct rx_worker *w = v;
		int64_t until = 0;
		int r = eligible_ring(w, e, &until);
		int rc2 = elig_put(w, e, r, until);

		if (rc2)
			rc = rc2;
	}
	return rc ? rc : full;
}

int rindex_push(struct rindex *ix, struct rindex_item *it, int64_t engagement_id, int64_t now)
{
	struct rx_eng *e = idmap_get(&ix->engs, engagement_id);

	if (!e)
		return ERR_NOTFOUND;
	if (it->queued)
		return 0;
	return enqueue(e, it, now);
}

void rindex_remove(struct rindex *ix, struct rindex_item *it)
{
	(void)ix;
	if (it->queued)
		dequeue(it);
}

/* ================================================================
 * Workers
 * ================================================================ */

/* A worker's record, zeroed, its eligible set inline; aligned, so a take-next's three lines are three. */
static struct rx_worker *worker_new(void)
{
	struct rx_worker *w = aligned_alloc(64, (sizeof(*w) + 63) & ~(size_t)63);

	if (!w)
		return NULL;
	memset(w, 0, sizeof(*w));
	w->elig = w->inl;
	w->alloc_elig = ELIG_INLINE;
	return w;
}

int rindex_worker_set(struct rindex *ix, const struct worker_rec *wr)
{
	struct rx_worker *w = idmap_get(&ix->workers, wr->id);
	size_t n_clear = clamp(wr->n_clear, MODEL_MAX_CLEAR);
	int64_t *clear = NULL, *until = NULL, id;
	uint32_t have[REQ_MAX];
	uint8_t level[REQ_MAX];
	int n_have = 0;
	void *v;
	int rc = 0, full = 0;

	for (size_t i = 0;
	     i < clamp(wr->n_skills, MODEL_MAX_SKILLS) + clamp(wr->n_langs, MODEL_MAX_LANGS); i++) {
		bool lang = i >= clamp(wr->n_skills, MODEL_MAX_SKILLS);
		const struct skill_level *s =
		    lang ? &wr->langs[i - clamp(wr->n_skills, MODEL_MAX_SKILLS)] : &wr->skills[i];
		long c = intern(ix, lang ? 'l' : 's', s->code);
		int k;

		if (c < 0) {
			full = ERR_NOMEM; /* set without it; the caller rebuilds the index */
			continue;
		}
		/* As route.c's holds(): the first entry of a code counts. Kept ascending. */
		for (k = n_have; k > 0 && have[k - 1] > (uint32_t)c; k--)
			;
		if (k > 0 && have[k - 1] == (uint32_t)c)
			continue;
		memmove(have + k + 1, have + k, (size_t)(n_have - k) * sizeof(*have));
		memmove(level + k + 1, level + k, (size_t)(n_have - k));
		have[k] = (uint32_t)c;
		level[k] = (uint8_t)(s->level < 0 ? 0 : s->level > 255 ? 255 : s->level);
		n_have++;
	}
	if (n_clear && (!(clear = malloc(n_clear * sizeof(*clear))) ||
			!(until = malloc(n_clear * sizeof(*until))))) {
		free(clear);
		return ERR_NOMEM;
	}
	/* worker_rec keeps them ascending (worker_clear_sort); copied as they are. */
	if (n_clear) {
		memcpy(clear, wr->clear, n_clear * sizeof(*clear));
		memcpy(until, wr->clear_until, n_clear * sizeof(*until));
	}
	if (!w) {
		if (!(w = worker_new()) || idmap_put(&ix->workers, wr->id, w)) {
			free(w);
			free(clear);
			free(until);
			return ERR_NOMEM;
		}
	}
	free(w->clear);
	free(w->until);
	w->id = wr->id;
	w->clear = clear;
	w->until = until;
	w->n_clear = n_clear;
	w->n_have = (uint8_t)n_have;
	memcpy(w->have, have, (size_t)n_have * sizeof(*have));
	memcpy(w->level, level, (size_t)n_have);
	w->capacity = wr->capacity;
	w->avail = wr->active && wr->status == WORKER_AVAILABLE;
	w->n_elig = 0;
	for (size_t i = 0; idmap_next(&ix->engs, &i, &id, &v);) {
		int64_t lapse = 0;
		int r = eligible_ring(w, v, &lapse);

		if (r >= 0 && (rc = elig_put(w, v, r, lapse)))
			return rc;
	}
	return full;
}

void rindex_worker_hold(struct rindex *ix, int64_t worker_id, bool held)
{
	struct rx_worker *w = idmap_get(&ix->workers, worker_id);

	if (w)
		w->held = held;
}

int rindex_load(const struct rindex *ix, int64_t worker_id)
{
	const struct rx_worker *w = idmap_get(&ix->workers, worker_id);

	return w ? w->load : -1;
}

void rindex_load_add(struct rindex *ix, int64_t worker_id, int delta)
{
	struct rx_worker *w = idmap_get(&ix->workers, worker_id);

	if (w)
		w->load = w->load + delta < 0 ? 0 : w->load + delta;
}

int rindex_eligible_count(const struct rindex *ix, int64_t worker_id)
{
	const struct rx_worker *w = idmap_get(&ix->workers, worker_id);

	return w ? (int)w->n_elig : -1;
}

bool rindex_eligible_next(const struct rindex *ix, int64_t worker_id, size_t *pos,
			  int64_t *engagement_id)
{
	const struct rx_worker *w = idmap_get(&ix->workers, worker_id);

	if (!w || *pos >= w->n_elig)
		return false;
	*engagement_id = w->elig[(*pos)++].eng->id;
	return true;
}

bool rindex_eng_next(const struct rindex *ix, int64_t engagement_id, size_t *pos,
		     struct rindex_item **it)
{
	const struct rx_eng *e = idmap_get(&ix->engs, engagement_id);
	size_t p = *pos;

	for (int k = 0; e && k < e->n_rings; k++) {
		if (p < e->h[k].n) {
			*it = e->h[k].v[p].it;
			++*pos;
			return true;
		}
		p -= e->h[k].n;
	}
	return false;
}

size_t rindex_eng_len(const struct rindex *ix, int64_t engagement_id)
{
	const struct rx_eng *e = idmap_get(&ix->engs, engagement_id);
	size_t n = 0;

	for (int k = 0; e && k < e->n_rings; k++)
		n += e->h[k].n;
	return n;
}

struct rindex_item *rindex_eng_head(struct rindex *ix, int64_t engagement_id, int64_t now)
{
	struct rx_eng *e = idmap_get(&ix->engs, engagement_id);
	const struct rx_slot *best = NULL;

	if (!e)
		return NULL;
	advance(e, now);
	for (int k = 0; k < e->n_rings; k++)
		if (e->h[k].n && (!best || slot_before(&e->h[k].top, best, false)))
			best = &e->h[k].top;
	return best ? best->it : NULL;
}

bool rindex_eng_known(const struct rindex *ix, int64_t engagement_id)
{
	return idmap_get(&ix->engs, engagement_id) != NULL;
}

/* An item of weight wt fits: a heavier one than the capacity needs an idle worker. */
static bool fits(const struct rx_worker *w, int wt)
{
	return w->load + (wt < w->capacity ? wt : w->capacity) <= w->capacity;
}

/* rindex_peek() for the worker's record w (the take's one lookup). */
static struct rindex_item *peek(struct rx_worker *w, int64_t worker_id, int64_t now,
				const struct rindex_filter *f)
{
	struct rx_slot best = {0, NULL};

	__builtin_prefetch((const char *)w + 64);
	__builtin_prefetch((const char *)w + 128);
	if (!w->avail || w->held || w->load >= w->capacity)
		return NULL;
	/*
	 * The misses of different engagements do not depend on each other: ask
	 * for every engagement, then for every head, before comparing any.
	 */
	for (size_t i = 0; i < w->n_elig; i++)
		__builtin_prefetch(w->elig[i].eng);
	/* The heads are in the record (rx_heap.top): its first lines, for two rings. */
	for (size_t i = 0; i < w->n_elig; i++) {
		const char *e = (const char *)w->elig[i].eng;

		__builtin_prefetch(e + 64);
		__builtin_prefetch(e + 128);
	}
	for (size_t i = 0; i < w->n_elig; i++) {
		const struct rx_elig *el = &w->elig[i];
		struct rx_eng *e = el->eng;

		if (!e->open || (el->until && now >= el->until) || !fits(w, e->weight))
			continue;
		if (f && f->skip_eng && f->skip_eng(f->ctx, worker_id, e->id))
			continue;
		advance(e, now);
		for (int k = el->ring; k < e->n_rings; k++) {
			const struct rx_slot *c =
			    heap_best(&e->h[k], f, worker_id, best.it ? &best : NULL);

			if (c)
				best = *c;
		}
	}
	return best.it;
}

struct rindex_item *rindex_peek(struct rindex *ix, int64_t worker_id, int64_t now,
				const struct rindex_filter *f)
{
	struct rx_worker *w = idmap_get(&ix->workers, worker_id);

	return w ? peek(w, worker_id, now, f) : NULL;
}

struct rindex_item *rindex_take(struct rindex *ix, int64_t worker_id, int64_t now,
				const struct rindex_filter *f)
{
	struct rx_worker *w = idmap_get(&ix->workers, worker_id);
	struct rindex_item *it = w ? peek(w, worker_id, now, f) : NULL;

	if (!it)
		return NULL;
	it->weight = (uint16_t)(it->eng->weight < w->capacity ? it->eng->weight : w->capacity);
	w->load += it->weight;
	dequeue(it);
	return it;
}

void rindex_end(struct rindex *ix, int64_t worker_id, const struct rindex_item *it)
{
	rindex_load_add(ix, worker_id, -(int)it->weight);
}

/* ================================================================
 * Life
 * ================================================================ */

struct rindex *rindex_new(void)
{
	return calloc(1, sizeof(struct rindex));
}

void rindex_free(struct rindex *ix)
{
	int64_t id;
	void *v;

	if (!ix)
		return;
	for (size_t i = 0; idmap_next(&ix->workers, &i, &id, &v);) {
		struct rx_worker *w = v;

		free(w->clear);
		free(w->until);
		if (w->elig != w->inl)
			free(w->elig);
		free(w);
	}
	for (size_t i = 0; idmap_next(&ix->engs, &i, &id, &v);) {
		struct rx_eng *e = v;

		for (int k = 0; k < RINDEX_MAX_RINGS; k++)
			heap_free(&e->h[k]);
		heap_free(&e->age);
		free(e);
	}
	idmap_release(&ix->workers);
	idmap_release(&ix->engs);
	free(ix->codes);
	free(ix->hash);
	free(ix);
}
