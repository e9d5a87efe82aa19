/* states_int.h - the live state of release exclusions, worker states, work settings and offers. */
#ifndef ALIHDAYA_STATES_INT_H
#define ALIHDAYA_STATES_INT_H

#include "core/offer.h"
#include "core/release.h"
#include "engine/engine_int.h"

/* The most workers an item remembers as excluded, and as having declined (oldest give way). */
#define STATES_ITEM_MAX 64
/* How often the engine looks again for experts to offer waiting push work to (ms); and at
 * most how often when only other work changed (a worker freed elsewhere may be an expert). */
#define OFFER_SCAN_MS 5000
#define OFFER_SOON_MS 1000
/* The most items one tick offers, and the most queue entries it looks at per engagement. */
#define OFFER_TICK_MAX 64
#define OFFER_SCAN_MAX 256

struct live_offer {
	struct offer_rec rec;
};

/* A worker's state beside its status; every worker the engine knows has one once it matters. */
struct states_worker {
	struct worker_state_rec rec; /* as stored */
	int64_t idle_since;	     /* its last lease ended (memory only: 0 after a restart) */
	struct live_offer *offer;    /* its open offer, NULL: none (one at a time) */
};

/* What an item carries here: the workers excluded for good, who declined, its open offer. */
struct states_item {
	size_t n_excl;
	int64_t excl[STATES_ITEM_MAX];
	size_t n_decl;
	struct {
		int64_t worker_id, at;
	} decl[STATES_ITEM_MAX];
	struct live_offer *offer;
};

struct states_live {
	struct idmap workers; /* id -> struct states_worker */
	struct idmap items;   /* id -> struct states_item */
	struct idmap conf;    /* engagement id -> struct work_conf (those ever set) */
	struct idmap offers;  /* id -> struct live_offer, open offers only */
	size_t n_push;	      /* engagements in push mode */
	bool dirty;	      /* push work or an offer changed: look for experts in this batch */
	bool soon;	      /* other work changed: look within OFFER_SOON_MS */
	int64_t scan_at;      /* the last look */
	uint64_t queued_sig;  /* the push queues' lengths at the last look: new work is a change */
};

/* The live state, made on first use (NULL only when out of memory). */
struct states_live *engine__states(struct engine_state *st);
/* The worker's state, made on first use (NULL: out of memory). */
struct states_worker *engine__states_worker_of(struct states_live *sl, int64_t worker_id);
struct states_item *engine__states_item_of(struct states_live *sl, int64_t item_id);
/* The engagement's settings, or NULL (pull, no wrap-up). */
const struct work_conf *engine__work_conf(const struct engine *e, int64_t engagement_id);
/* Writes a worker's state (sw->rec) to the store. */
int engine__states_put(struct engine *e, const struct states_worker *sw);
/* Ends an open offer: written, audited ("offer.<how>"), the worker's no-answer rule, memory. */
int engine__offer_end(struct engine *e, const struct cmd *c, struct live_offer *o,
		      enum offer_state how, int64_t now);
/* Releases one lease (it assigned) for reason r: the step, its apply. */
int engine__release_lease(struct engine *e, struct cmd *c, struct live_item *it,
			  enum release_reason r, const char *note, int64_t now);

#endif
