/* rindex.h - the routing index: per-engagement ring heaps, per-worker eligible sets (pure). */
#ifndef ALIHDAYA_RINDEX_H
#define ALIHDAYA_RINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

/*
 * What get-next costs without the index: every engagement, every skill code
 * compared as a string. With it, a take-next looks only at the engagements
 * the worker is eligible for (computed once, when the worker, a clearance or
 * the engagement changes, from skill bitsets and level thresholds) and at the
 * head of each of their ring heaps: O(eligible engagements x rings + log n),
 * independent of the queue lengths and of the engagements the worker does
 * not qualify for. docs/routing.md has the rules and the score.
 *
 * Skills and languages are interned to small integers (any number of
 * distinct codes, a hash table that grows; a language is its own namespace).
 *
 * Widening: ring 0 is the engagement's own skills and languages. A further
 * ring k (after_ms strictly increasing) names another set of requirements
 * that an item which has waited at least after_ms also accepts: the same
 * skills at lower levels (Genesys's bullseye, Asterisk's penalty rules), or
 * other skills. A worker may take an item that has waited w if it meets ANY
 * ring whose after_ms <= w. Each engagement keeps one priority heap per ring
 * (an item sits in the heap of the widest ring its wait has reached) and one
 * heap by the moment of its next ring, so an item moves at most once per
 * ring, lazily, when the engagement is looked at with a later clock.
 *
 * Capacity and weight: a worker holds items whose weights add up to at most
 * its capacity; an engagement gives each of its items a weight (default 1).
 * An item heavier than the capacity fits only an idle worker and fills it
 * (a KPO matter that takes a whole person).
 *
 * Not thread-safe: the engine thread owns it. The clock is always passed in.
 */

#define RINDEX_MAX_RINGS 8   /* ring 0 and up to 7 widenings */
#define RINDEX_MAX_WEIGHT 1000
#define RINDEX_SCAN_MAX 64 /* entries a filtered heap search visits at most */

struct rindex;
struct rx_eng;

/*
 * A queued item as the index sees it, embedded in its owner's record (the
 * index does not own it, as core/queue.h). Within an engagement and across
 * engagements the order is the score of docs/routing.md: priority (higher
 * first), then SLA risk (earliest due_at: the least slack before a breach),
 * then arrival (smaller id first).
 */
struct rindex_item {
	int64_t id;
	int64_t due_at;
	int64_t since; /* waiting since (ms): its arrival; a re-queued item keeps it */
	int32_t priority;
	uint16_t weight; /* set by rindex_take(): what it adds to the taker's load */
	uint8_t ring;	 /* the widest ring its wait has reached (while queued) */
	uint8_t queued;
	struct rx_eng *eng;
	uint32_t hidx, aidx; /* positions in its ring heap and its engagement's age heap */
};

/*
 * One widening ring: from after_ms of waiting on, these requirements also
 * suffice. lower_by > 0 (then no skills or languages of its own): the
 * engagement's own requirements with every level lowered by lower_by (never
 * under 1), following the engagement's edits.
 */
#define RINDEX_LOWER_MAX 4
struct rindex_ring {
	int64_t after_ms;
	int lower_by;
	size_t n_skills;
	struct skill_level skills[MODEL_MAX_SKILLS];
	size_t n_langs;
	struct skill_level langs[MODEL_MAX_LANGS];
};

/* An engagement's routing configuration (PUT /v1/engagements/:id/routing). */
struct rindex_conf {
	int weight; /* 1..RINDEX_MAX_WEIGHT; 0 means 1 */
	size_t n_rings;
	struct rindex_ring rings[RINDEX_MAX_RINGS - 1];
};

/* 0, or ERR_INVALID with a sentence naming what is wrong in why[n]. */
int rindex_conf_check(const struct rindex_conf *c, char *why, size_t n);

struct rindex *rindex_new(void);
void rindex_free(struct rindex *ix);

/*
 * Adds or changes an engagement (c NULL: weight 1, no widening). open false:
 * it hands out nothing (paused, its client deactivated). Every worker's
 * eligibility for it is recomputed (O(workers)); its queued items are placed
 * in their rings again at now. 0 or ERR_NOMEM (the engagement may then be
 * kept, with its queue, but with no worker eligible: rebuild the index).
 */
int rindex_engagement_set(struct rindex *ix, const struct engagement_rec *e, bool open,
			  const struct rindex_conf *c, int64_t now);

/*
 * Adds or changes a worker: skills, languages, clearances (clear_until is
 * compared with the clock at every take, so a clearance lapses at its
 * moment), capacity, status and active. Its eligible set is recomputed
 * (O(engagements)). The load is kept. 0 or ERR_NOMEM (the worker may be
 * set without some codes: rebuild the index).
 */
int rindex_worker_set(struct rindex *ix, const struct worker_rec *w);

/*
 * The eligibility hook for worker states: a held worker gets nothing, whatever
 * its record says (away, offline, wrap-up after a submit: the engine's worker
 * states decide and call this). No-op for an unknown worker.
 */
void rindex_worker_hold(struct rindex *ix, int64_t worker_id, bool held);

/* The worker's load (sum of the weights it holds), or -1 when unknown. */
int rindex_load(const struct rindex *ix, int64_t worker_id);
/* Adds delta to the worker's load (recovery: the leases it holds). */
void rindex_load_add(struct rindex *ix, int64_t worker_id, int delta);

/*
 * Queues it (id, due_at, since and priority filled) in its engagement at now.
 * 0, ERR_NOTFOUND (no such engagement) or ERR_NOMEM.
 */
int rindex_push(struct rindex *ix, struct rindex_item *it, int64_t engagement_id, int64_t now);
/* Takes it out of its queue (cancelled, failed, taken by other means); no-op when not queued. */
void rindex_remove(struct rindex *ix, struct rindex_item *it);

/*
 * The per-item hook: skip(ctx, worker, item) true means this worker may not
 * have this item (it answered it already, it was excluded from it when it
 * released it, a wall). A filtered search visits at most RINDEX_SCAN_MAX
 * entries of each heap, best first.
 */
struct rindex_filter {
	bool (*skip)(void *ctx, int64_t worker_id, const struct rindex_item *it);
	void *ctx;
	/*
	 * Optional, per engagement, asked once per take before any of its items
	 * (rules that hold for a whole engagement: a wall, a pause, a gold
	 * suspension): true means none of its items. skip is then asked only
	 * for the items of the engagement last passed here.
	 */
	bool (*skip_eng)(void *ctx, int64_t worker_id, int64_t engagement_id);
};

/*
 * The best item the worker may take at now, or NULL: the worker known, active,
 * available and not held; an eligible, open engagement whose weight fits the
 * room left; the item waited long enough for a ring the worker meets; not
 * skipped by f (NULL: no filter). Nothing is removed.
 */
struct rindex_item *rindex_peek(struct rindex *ix, int64_t worker_id, int64_t now,
				const struct rindex_filter *f);
/* rindex_peek, then the item leaves its queue and its weight joins the worker's load. */
struct rindex_item *rindex_take(struct rindex *ix, int64_t worker_id, int64_t now,
				const struct rindex_filter *f);
/* A held item's lease ended (submitted, released, expired): its weight leaves the load. */
void rindex_end(struct rindex *ix, int64_t worker_id, const struct rindex_item *it);

/* How many engagements the worker is eligible for (tests, explanations), -1 unknown. */
int rindex_eligible_count(const struct rindex *ix, int64_t worker_id);
/*
 * Iterates the engagements the worker is eligible for (any ring), in no
 * order: for (size_t i = 0; rindex_eligible_next(ix, w, &i, &id);). False at
 * the end or for an unknown worker.
 */
bool rindex_eligible_next(const struct rindex *ix, int64_t worker_id, size_t *pos,
			  int64_t *engagement_id);
/*
 * The queued items of an engagement, in no order (offers, explanations):
 * for (size_t i = 0; rindex_eng_next(ix, id, &i, &it);). False at the end.
 */
bool rindex_eng_next(const struct rindex *ix, int64_t engagement_id, size_t *pos,
		     struct rindex_item **it);
/* How many items the engagement has queued (0 when unknown). */
size_t rindex_eng_len(const struct rindex *ix, int64_t engagement_id);
/* Its best queued item for anyone (the best of its ring heaps' heads), or NULL. */
struct rindex_item *rindex_eng_head(struct rindex *ix, int64_t engagement_id, int64_t now);
/* True when the engagement is known to the index. */
bool rindex_eng_known(const struct rindex *ix, int64_t engagement_id);

/* True if a should be served before b (the score; the same as queue_before()). */
bool rindex_before(const struct rindex_item *a, const struct rindex_item *b);

#endif
