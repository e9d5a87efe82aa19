/* gold_int.h - the live state of gold items, shared by engine/gold.c and engine/gold_cmd.c. */
#ifndef ALIHDAYA_ENGINE_GOLD_INT_H
#define ALIHDAYA_ENGINE_GOLD_INT_H

#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"
#include "util/err.h"

/*
 * Live state of an engagement's gold (docs/api.md "Gold items"): its
 * settings, its active gold items' ids, and per worker the tally
 * (core/gold.h), the mixing rule's counter and the gold items it was given.
 * Everything here is rebuilt at recovery: settings, items, counters and the
 * last hand re-qualification from their tables, who was given what from the
 * instances (items.gold_id), and the tallies by replaying the QOBS_GOLD
 * quality observations after each worker's last re-qualification by hand.
 */
struct gold_worker {
	struct gold_tally t;
	int64_t assigned, reset_at;
	int64_t *seen; /* gold ids given to this worker, any order */
	size_t n_seen, cap_seen;
};

struct live_gold {
	struct gold_settings gs;
	bool has_settings;
	int64_t *ids; /* active gold items, ascending */
	size_t n_ids, cap_ids;
	struct idmap workers; /* worker id -> struct gold_worker */
};

/* Gold applies: settings with a rate. (Suspension stands with no gold item left.) */
static inline bool checked(const struct live_gold *g)
{
	return g && g->has_settings && g->gs.rate > 0;
}

static inline struct live_gold *gold_of(struct live_engagement *le)
{
	if (!le->gold)
		le->gold = calloc(1, sizeof(*le->gold));
	return le->gold;
}

static inline struct gold_worker *worker_of(struct live_gold *g, int64_t wid)
{
	struct gold_worker *gw = idmap_get(&g->workers, wid);

	if (gw)
		return gw;
	if (!(gw = calloc(1, sizeof(*gw))))
		return NULL;
	if (idmap_put(&g->workers, wid, gw)) {
		free(gw);
		return NULL;
	}
	return gw;
}

static inline bool seen(const struct gold_worker *gw, int64_t gid)
{
	for (size_t i = 0; i < gw->n_seen; i++)
		if (gw->seen[i] == gid)
			return true;
	return false;
}

static inline int seen_add(struct gold_worker *gw, int64_t gid)
{
	if (seen(gw, gid))
		return 0;
	if (gw->n_seen == gw->cap_seen) {
		size_t cap = gw->cap_seen ? 2 * gw->cap_seen : 8;
		int64_t *v = realloc(gw->seen, cap * sizeof(*v));

		if (!v)
			return ERR_NOMEM;
		gw->seen = v;
		gw->cap_seen = cap;
	}
	gw->seen[gw->n_seen++] = gid;
	return 0;
}

static inline int ids_reserve(struct live_gold *g, size_t more)
{
	size_t cap = g->cap_ids ? g->cap_ids : 16;
	int64_t *v;

	while (cap < g->n_ids + more)
		cap *= 2;
	if (cap == g->cap_ids)
		return 0;
	if (!(v = realloc(g->ids, cap * sizeof(*v))))
		return ERR_NOMEM;
	g->ids = v;
	g->cap_ids = cap;
	return 0;
}

/* Inserts gid in order (room reserved). */
static inline void ids_insert(struct live_gold *g, int64_t gid)
{
	size_t i = g->n_ids;

	while (i > 0 && g->ids[i - 1] > gid)
		i--;
	if (i > 0 && g->ids[i - 1] == gid)
		return;
	memmove(&g->ids[i + 1], &g->ids[i], (g->n_ids - i) * sizeof(*g->ids));
	g->ids[i] = gid;
	g->n_ids++;
}

static inline void ids_remove(struct live_gold *g, int64_t gid)
{
	for (size_t i = 0; i < g->n_ids; i++)
		if (g->ids[i] == gid) {
			memmove(&g->ids[i], &g->ids[i + 1], (g->n_ids - i - 1) * sizeof(*g->ids));
			g->n_ids--;
			return;
		}
}

#endif
