/* offer.h - offers of work to experts ("push"): who is offered first, how an offer ends, no-answer. */
#ifndef ALIHDAYA_OFFER_H
#define ALIHDAYA_OFFER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/model.h"

/*
 * An offer is open until it ends, once: accepted (the item is leased to
 * the worker), declined, expired (its timeout passed unanswered) or
 * withdrawn (the item left the queue, or the worker went away or offline).
 * The names are the API's and the store's; never renumber.
 */
enum offer_state { OFFER_OPEN, OFFER_ACCEPTED, OFFER_DECLINED, OFFER_EXPIRED, OFFER_WITHDRAWN,
		   OFFER_STATE__COUNT };

const char *offer_state_name(enum offer_state s);
int offer_state_parse(const char *s, enum offer_state *out); /* 0 or ERR_INVALID */

/* How an engagement hands out its work: taken with work.next (pull) or offered (push). */
enum offer_mode { OFFER_PULL, OFFER_PUSH };
const char *offer_mode_name(enum offer_mode m);
int offer_mode_parse(const char *s, enum offer_mode *out);

/* Bounds of the settings (docs/offers.md). */
#define OFFER_TIMEOUT_MIN_MS 5000LL
#define OFFER_TIMEOUT_MAX_MS (24LL * 3600 * 1000)
#define OFFER_NO_ANSWER_MAX 100
#define WRAP_UP_MAX_MS (3600LL * 1000)

/* One available expert the engine may offer an item to. */
struct offer_candidate {
	int64_t worker_id;
	int levels;	    /* offer_levels(): the sum of its levels in what the work requires */
	int load;	    /* leases held */
	int64_t idle_since; /* when its last lease ended (or it became available); 0: never worked */
};

/*
 * The sum of w's levels in e's required skills and languages (a worker
 * that qualifies has each at or above the level required; more is better).
 */
int offer_levels(const struct worker_rec *w, const struct engagement_rec *e);

/*
 * True if a goes before b: higher levels, then fewer leases held, then
 * idle longer (an earlier idle_since), then the smaller id, so the order
 * is total and the same on every run.
 */
bool offer_better(const struct offer_candidate *a, const struct offer_candidate *b);

/*
 * A worker who declined the item or let its offer expire at ended_at is not
 * offered the same item again until timeout_ms later (the others go first;
 * with none left it comes round again, never faster than the timeout).
 */
bool offer_may_again(int64_t ended_at, int64_t timeout_ms, int64_t now);

/*
 * The no-answer rule (as FreeSWITCH mod_callcenter's max-no-answer): the
 * count of offers a worker let expire in a row, after one of its offers
 * ended in `how`. An expiry adds one; an answer (accepted, declined)
 * resets it; a withdrawal leaves it. *away: the count reached max (> 0),
 * the worker is set away with reason no_answer (and the count starts again).
 */
int offer_no_answer_next(int count, enum offer_state how, int max, bool *away);

/* An engagement's way of handing out work (PUT /v1/engagements/:id/offers). */
struct work_conf {
	int64_t engagement_id;
	enum offer_mode mode;
	int64_t timeout_ms;  /* push: how long an offer waits for an answer */
	int max_no_answer;   /* push: expiries in a row that set the worker away (0: never) */
	int64_t wrap_up_ms;  /* after a submit, the worker gets no work for this long (0: none) */
	int64_t updated_at;
};

/* One offer of an item to a worker. */
struct offer_rec {
	int64_t id;
	int64_t item_id, worker_id, engagement_id, client_id;
	int64_t created_at, expires_at;
	enum offer_state state;
	int64_t ended_at; /* 0 while open */
};

/* A worker's state beside its status: why away, wrap-up, offers unanswered in a row. */
struct worker_state_rec {
	int64_t worker_id;
	int away_reason;    /* enum away_reason (core/release.h) */
	int64_t wrap_until; /* no work before this (ms); 0: none */
	int no_answer;
};

#endif
