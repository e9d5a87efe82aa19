/*
 * test_route_model.c - the routing index against a deliberately simple reference.
 *
 * Long random sequences of commands (create an item, add or remove a
 * clearance, change skill levels, capacity, status, an engagement's rings,
 * weight or pause; take next; submit; expire; cancel; exclude a worker from an
 * item; move the clock) are applied to core/rindex and to a reference written
 * here: a linear scan over every item and every worker that compares skill
 * codes as strings. Every take-next must give the same item (or none), and
 * the loads must agree. Fixed seeds, thousands of steps each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/rindex.h"
#include "util/err.h"

#define N_CLIENTS 4
#define N_ENG 7
#define N_WORKERS 9
#define N_ITEMS 600
#define N_CODES 6

enum ref_state { R_FREE, R_QUEUED, R_HELD, R_CLOSED };

struct ref_item {
	struct rindex_item ix; /* the index's entry */
	enum ref_state state;
	int eng;    /* index into engs */
	int holder; /* index into workers when held */
	int weight; /* what it added to the holder's load */
	bool excl[N_WORKERS];
	int64_t id, due_at, since;
	int priority;
};

struct world {
	uint64_t rng;
	int64_t now;
	struct rindex *ix;
	struct engagement_rec engs[N_ENG];
	struct rindex_conf conf[N_ENG];
	bool open[N_ENG];
	struct worker_rec workers[N_WORKERS];
	bool held[N_WORKERS];
	int load[N_WORKERS];
	struct ref_item items[N_ITEMS];
	int n_items;
	int64_t next_id;
	long takes, found;
};

static uint64_t rnd(struct world *w)
{
	/* xorshift64*: fixed seeds give fixed sequences on every machine */
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 2685821657736338717ULL;
}

static int pick(struct world *w, int n)
{
	return (int)(rnd(w) % (uint64_t)n);
}

static void code(char *out, bool lang, int i)
{
	snprintf(out, MODEL_CODE_MAX, "%s%d", lang ? "lang" : "skill", i);
}

/* ---------------- the reference: strings and a scan ---------------- */

static int ref_level(const struct skill_level *have, size_t n, const char *c)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(have[i].code, c))
			return have[i].level;
	return -1;
}

static bool ref_meets(const struct worker_rec *wr, const struct skill_level *s, size_t ns,
		      const struct skill_level *l, size_t nl)
{
	for (size_t i = 0; i < ns; i++)
		if (ref_level(wr->skills, wr->n_skills, s[i].code) < s[i].level)
			return false;
	for (size_t i = 0; i < nl; i++)
		if (ref_level(wr->langs, wr->n_langs, l[i].code) < l[i].level)
			return false;
	return true;
}

static bool ref_cleared(const struct world *w, const struct worker_rec *wr, int64_t client)
{
	for (size_t i = 0; i < wr->n_clear; i++)
		if (wr->clear[i] == client)
			return !wr->clear_until[i] || w->now < wr->clear_until[i];
	return false;
}

static bool ref_may(const struct world *w, int wi, const struct ref_item *it)
{
	const struct worker_rec *wr = &w->workers[wi];
	const struct engagement_rec *e = &w->engs[it->eng];
	const struct rindex_conf *c = &w->conf[it->eng];
	int weight = c->weight ? c->weight : 1;
	int64_t waited = w->now - it->since;
	bool ring = ref_meets(wr, e->skills, e->n_skills, e->langs, e->n_langs);

	for (size_t k = 0; !ring && k < c->n_rings; k++) {
		struct skill_level ls[MODEL_MAX_SKILLS], ll[MODEL_MAX_LANGS];

		if (waited < c->rings[k].after_ms)
			continue;
		if (!c->rings[k].lower_by) {
			ring = ref_meets(wr, c->rings[k].skills, c->rings[k].n_skills,
					 c->rings[k].langs, c->rings[k].n_langs);
			continue;
		}
		/* lowered: the engagement's own requirements, each level less, at least 1 */
		memcpy(ls, e->skills, sizeof(ls));
		memcpy(ll, e->langs, sizeof(ll));
		for (size_t q = 0; q < e->n_skills; q++)
			ls[q].level = ls[q].level - c->rings[k].lower_by < 1
					  ? 1
					  : ls[q].level - c->rings[k].lower_by;
		for (size_t q = 0; q < e->n_langs; q++)
			ll[q].level = ll[q].level - c->rings[k].lower_by < 1
					  ? 1
					  : ll[q].level - c->rings[k].lower_by;
		ring = ref_meets(wr, ls, e->n_skills, ll, e->n_langs);
	}
	if (weight > wr->capacity)
		weight = wr->capacity;
	return ring && w->open[it->eng] && ref_cleared(w, wr, e->client_id) &&
	       w->load[wi] + weight <= wr->capacity && !it->excl[wi];
}

static bool ref_before(const struct ref_item *a, const struct ref_item *b)
{
	if (a->priority != b->priority)
		return a->priority > b->priority;
	if (a->due_at != b->due_at)
		return a->due_at < b->due_at;
	return a->id < b->id;
}

static struct ref_item *ref_next(struct world *w, int wi)
{
	const struct worker_rec *wr = &w->workers[wi];
	struct ref_item *best = NULL;

	if (!wr->active || wr->status != WORKER_AVAILABLE || w->held[wi])
		return NULL;
	for (int i = 0; i < w->n_items; i++) {
		struct ref_item *it = &w->items[i];

		if (it->state == R_QUEUED && ref_may(w, wi, it) && (!best || ref_before(it, best)))
			best = it;
	}
	return best;
}

/* ---------------- the world ---------------- */

static bool skip_excluded(void *ctx, int64_t worker_id, const struct rindex_item *it)
{
	const struct ref_item *r = (const struct ref_item *)it; /* ix is the first member */

	(void)ctx;
	return r->excl[worker_id - 1];
}

static void random_reqs(struct world *w, struct skill_level *s, size_t *ns, struct skill_level *l,
			size_t *nl)
{
	*ns = (size_t)pick(w, 3);
	for (size_t i = 0; i < *ns; i++) {
		code(s[i].code, false, pick(w, N_CODES));
		s[i].level = 1 + pick(w, 5);
	}
	*nl = (size_t)pick(w, 2);
	for (size_t i = 0; i < *nl; i++) {
		code(l[i].code, true, pick(w, 2));
		l[i].level = 1 + pick(w, 5);
	}
}

static void random_conf(struct world *w, int ei)
{
	struct rindex_conf *c = &w->conf[ei];
	int64_t after = 0;
	char why[128];

	memset(c, 0, sizeof(*c));
	c->weight = pick(w, 4) ? 1 : 1 + pick(w, 4);
	c->n_rings = (size_t)pick(w, 4);
	for (size_t k = 0; k < c->n_rings; k++) {
		struct rindex_ring *r = &c->rings[k];

		after += 1 + pick(w, 20000);
		r->after_ms = after;
		/* A third lower the engagement's own levels (PUT .../routing's lower_levels_by). */
		if (!pick(w, 3)) {
			r->lower_by = 1 + pick(w, RINDEX_LOWER_MAX);
			continue;
		}
		random_reqs(w, r->skills, &r->n_skills, r->langs, &r->n_langs);
		/* A ring with no requirements would be legal; keep them rare. */
		if (!r->n_skills && !r->n_langs && pick(w, 4)) {
			code(r->skills[0].code, false, pick(w, N_CODES));
			r->skills[0].level = 1;
			r->n_skills = 1;
		}
	}
	assert_int_equal(rindex_conf_check(c, why, sizeof(why)), 0);
}

static void set_eng(struct world *w, int ei)
{
	assert_int_equal(
	    rindex_engagement_set(w->ix, &w->engs[ei], w->open[ei], &w->conf[ei], w->now), 0);
}

static void set_worker(struct world *w, int wi)
{
	worker_clear_sort(&w->workers[wi]);
	assert_int_equal(rindex_worker_set(w->ix, &w->workers[wi]), 0);
}

static void random_skills(struct world *w, struct worker_rec *wr)
{
	wr->n_skills = (size_t)pick(w, 5);
	for (size_t i = 0; i < wr->n_skills; i++) {
		code(wr->skills[i].code, false, pick(w, N_CODES));
		wr->skills[i].level = pick(w, 6);
	}
	wr->n_langs = (size_t)pick(w, 3);
	for (size_t i = 0; i < wr->n_langs; i++) {
		code(wr->langs[i].code, true, pick(w, 2));
		wr->langs[i].level = 1 + pick(w, 5);
	}
}

/*
 * pad codes interned before the world's own, by workers the model never
 * asks for (no clearance, inactive): the world's codes then sit past the
 * 256th, where a fixed-size code space used to end.
 */
static void world_init(struct world *w, uint64_t seed, int pad)
{
	memset(w, 0, sizeof(*w));
	w->rng = seed;
	w->now = 1000000;
	w->next_id = 1;
	assert_non_null(w->ix = rindex_new());
	for (int k = 0; k * MODEL_MAX_SKILLS < pad; k++) {
		struct worker_rec wr;

		memset(&wr, 0, sizeof(wr));
		wr.id = 1000000 + k;
		wr.capacity = 1;
		for (int q = 0; q < MODEL_MAX_SKILLS; q++) {
			snprintf(wr.skills[q].code, MODEL_CODE_MAX, "pad%d", k * MODEL_MAX_SKILLS + q);
			wr.skills[q].level = 5;
		}
		wr.n_skills = MODEL_MAX_SKILLS;
		assert_int_equal(rindex_worker_set(w->ix, &wr), 0);
	}
	for (int i = 0; i < N_ENG; i++) {
		struct engagement_rec *e = &w->engs[i];

		e->id = 100 + i;
		e->client_id = 1 + pick(w, N_CLIENTS);
		random_reqs(w, e->skills, &e->n_skills, e->langs, &e->n_langs);
		w->open[i] = true;
		random_conf(w, i);
		set_eng(w, i);
	}
	for (int i = 0; i < N_WORKERS; i++) {
		struct worker_rec *wr = &w->workers[i];

		wr->id = i + 1;
		wr->active = true;
		wr->status = WORKER_AVAILABLE;
		wr->capacity = 1 + pick(w, 3);
		random_skills(w, wr);
		for (int c = 1; c <= N_CLIENTS; c++)
			if (pick(w, 2))
				wr->clear[wr->n_clear++] = c;
		set_worker(w, i);
	}
}

static struct ref_item *random_in(struct world *w, enum ref_state st)
{
	int start;

	if (!w->n_items)
		return NULL;
	start = pick(w, w->n_items);
	for (int k = 0; k < w->n_items; k++) {
		struct ref_item *it = &w->items[(start + k) % w->n_items];

		if (it->state == st)
			return it;
	}
	return NULL;
}

static void cmd_create(struct world *w)
{
	struct ref_item *it;

	if (w->n_items == N_ITEMS)
		return;
	it = &w->items[w->n_items++];
	it->eng = pick(w, N_ENG);
	it->id = w->next_id++;
	it->priority = 1 + pick(w, 3);
	it->due_at = w->now + 1000 * (1 + pick(w, 50));
	it->since = w->now;
	it->state = R_QUEUED;
	it->ix = (struct rindex_item){
	    .id = it->id, .due_at = it->due_at, .since = it->since, .priority = it->priority};
	assert_int_equal(rindex_push(w->ix, &it->ix, w->engs[it->eng].id, w->now), 0);
}

static void cmd_next(struct world *w, bool filtered)
{
	struct rindex_filter f = {skip_excluded, NULL, NULL};
	int wi = pick(w, N_WORKERS);
	struct ref_item *want = ref_next(w, wi);
	struct rindex_item *got = rindex_take(w->ix, w->workers[wi].id, w->now, &f);

	(void)filtered;
	w->takes++;
	if (!want != !got || (want && want->id != got->id))
		fail_msg("worker %d at %lld: reference %lld, index %lld", wi, (long long)w->now,
			 want ? (long long)want->id : 0LL, got ? (long long)got->id : 0LL);
	if (!want)
		return;
	w->found++;
	want->state = R_HELD;
	want->holder = wi;
	want->weight = w->conf[want->eng].weight ? w->conf[want->eng].weight : 1;
	if (want->weight > w->workers[wi].capacity)
		want->weight = w->workers[wi].capacity;
	w->load[wi] += want->weight;
	assert_int_equal(rindex_load(w->ix, w->workers[wi].id), w->load[wi]);
}

/* The lease ended: submitted (closed) or expired / released (back to its place). */
static void cmd_end(struct world *w, bool requeue)
{
	struct ref_item *it = random_in(w, R_HELD);

	if (!it)
		return;
	w->load[it->holder] -= it->weight;
	rindex_end(w->ix, w->workers[it->holder].id, &it->ix);
	assert_int_equal(rindex_load(w->ix, w->workers[it->holder].id), w->load[it->holder]);
	if (!requeue) {
		it->state = R_CLOSED;
		return;
	}
	it->state = R_QUEUED;
	assert_int_equal(rindex_push(w->ix, &it->ix, w->engs[it->eng].id, w->now), 0);
}

static void cmd_cancel(struct world *w)
{
	struct ref_item *it = random_in(w, R_QUEUED);

	if (!it)
		return;
	it->state = R_CLOSED;
	rindex_remove(w->ix, &it->ix);
}

static void cmd_exclude(struct world *w)
{
	struct ref_item *it = random_in(w, R_QUEUED);

	if (it)
		it->excl[pick(w, N_WORKERS)] = true;
}

static void cmd_clearance(struct world *w)
{
	int wi = pick(w, N_WORKERS);
	struct worker_rec *wr = &w->workers[wi];
	int64_t client = 1 + pick(w, N_CLIENTS);
	size_t i;

	for (i = 0; i < wr->n_clear && wr->clear[i] != client; i++)
		;
	if (i < wr->n_clear) { /* remove */
		wr->clear[i] = wr->clear[wr->n_clear - 1];
		wr->clear_until[i] = wr->clear_until[wr->n_clear - 1];
		wr->n_clear--;
	} else {
		wr->clear[wr->n_clear] = client;
		/* Sometimes a clearance that lapses soon: the clock decides at each take. */
		wr->clear_until[wr->n_clear++] = pick(w, 3) ? 0 : w->now + 1 + pick(w, 10000);
	}
	set_worker(w, wi);
}

static void cmd_worker(struct world *w)
{
	int wi = pick(w, N_WORKERS);
	struct worker_rec *wr = &w->workers[wi];

	switch (pick(w, 4)) {
	case 0:
		random_skills(w, wr);
		break;
	case 1:
		wr->capacity = 1 + pick(w, 4);
		break;
	case 2:
		wr->status = pick(w, 3) ? WORKER_AVAILABLE : WORKER_AWAY;
		wr->active = pick(w, 8) != 0;
		break;
	default:
		w->held[wi] = !pick(w, 3);
		rindex_worker_hold(w->ix, wr->id, w->held[wi]);
		return;
	}
	set_worker(w, wi);
}

static void cmd_engagement(struct world *w)
{
	int ei = pick(w, N_ENG);

	if (pick(w, 3))
		random_conf(w, ei);
	else if (pick(w, 2))
		w->open[ei] = !w->open[ei];
	else
		random_reqs(w, w->engs[ei].skills, &w->engs[ei].n_skills, w->engs[ei].langs,
			    &w->engs[ei].n_langs);
	set_eng(w, ei);
}

static void run(uint64_t seed, int steps, int pad)
{
	struct world *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	world_init(w, seed, pad);
	for (int s = 0; s < steps; s++) {
		int c = pick(w, 100);

		if (c < 22)
			cmd_create(w);
		else if (c < 50)
			cmd_next(w, true);
		else if (c < 60)
			cmd_end(w, false);
		else if (c < 66)
			cmd_end(w, true);
		else if (c < 69)
			cmd_cancel(w);
		else if (c < 72)
			cmd_exclude(w);
		else if (c < 77)
			cmd_clearance(w);
		else if (c < 82)
			cmd_worker(w);
		else if (c < 84)
			cmd_engagement(w);
		else
			w->now +=
			    pick(w, 4) ? pick(w, 3000) : pick(w, 30000); /* widening time steps */
		/* Closed slots are reused when the pool is full, so runs stay long. */
		if (w->n_items == N_ITEMS) {
			int k = 0;

			for (int i = 0; i < w->n_items; i++)
				if (w->items[i].state != R_CLOSED) {
					struct ref_item *it = &w->items[i];

					if (it->state == R_QUEUED)
						rindex_remove(w->ix, &it->ix);
					w->items[k] = *it;
					if (it->state == R_QUEUED)
						assert_int_equal(rindex_push(w->ix, &w->items[k].ix,
									     w->engs[it->eng].id,
									     w->now),
								 0);
					k++;
				}
			w->n_items = k;
		}
	}
	/* Sanity: the sequences did route (a test that never finds work proves little). */
	if (w->found < w->takes / 20)
		fail_msg("seed %llu: only %ld of %ld takes found work", (unsigned long long)seed,
			 w->found, w->takes);
	rindex_free(w->ix);
	free(w);
}

static void test_model_seeds(void **state)
{
	static const uint64_t seeds[] = {1, 2, 3, 42, 1234567, 0x9e3779b97f4a7c15ULL, 77, 2026};

	(void)state;
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		run(seeds[i], 20000, 0);
}

/* The same with the world's codes interned past the 256th (300 codes before them). */
static void test_model_many_codes(void **state)
{
	(void)state;
	run(5, 20000, 300);
	run(2027, 20000, 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_model_seeds),
	    cmocka_unit_test(test_model_many_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
