/* route.h - eligibility: may this worker take work of this engagement? */
#ifndef ALIHDAYA_ROUTE_H
#define ALIHDAYA_ROUTE_H

#include <stdbool.h>

#include "core/model.h"

/*
 * A worker is qualified for an engagement if every required skill is held
 * at or above its level, every required language likewise, and the worker's
 * clearances include the engagement's client at now (ms; a clearance with an
 * expiry lapses at it). Codes compare exactly.
 */
bool route_qualified(const struct worker_rec *w, const struct engagement_rec *e, int64_t now);

/* True if the worker is active (not suspended), available and holds fewer than `capacity` leases. */
bool route_has_room(const struct worker_rec *w, int load);

/*
 * True if client_id is in w->clear (sorted ascending; binary search) and that
 * clearance has not lapsed at now (clear_until 0, or now before it).
 */
bool route_cleared(const struct worker_rec *w, int64_t client_id, int64_t now);

/*
 * Why a take-next found nothing, from the most specific to the least: the
 * worker is not available, holds its capacity, or, among the engagements
 * with queued work, is cleared for none of their clients, or is cleared but
 * below a required skill or language level; or no work is queued at all.
 * The names are the API's (route_reason_name()); never renumber.
 */
enum route_reason {
	ROUTE_ELIGIBLE,	     /* some queued work fits: the take-next would lease it */
	ROUTE_NO_WORK,	     /* no engagement has queued work */
	ROUTE_NOT_CLEARED,   /* work is queued, but only for clients the worker is not cleared for */
	ROUTE_BELOW_LEVEL,   /* cleared, but a skill or language is missing or below the level */
	ROUTE_AT_CAPACITY,   /* the worker holds as many leases as its capacity */
	ROUTE_NOT_AVAILABLE, /* the worker's status is away or offline */
	ROUTE_GOLD_SUSPENDED, /* gold: the worker is suspended from the engagement whose work fits */
	ROUTE_GOLD_PREFERRED, /* gold: better workers go first until the item waited prefer_ms */
	ROUTE_WRAP_UP,	      /* the worker is in wrap-up after a submit (retry_after_s left) */
	ROUTE_REASON__COUNT
};

/* "no_work", "not_cleared", ...; "eligible" for ROUTE_ELIGIBLE. */
const char *route_reason_name(enum route_reason r);

/*
 * The answer being built over the engagements a take-next looked at. For
 * ROUTE_BELOW_LEVEL, the first requirement short (of the first engagement
 * cleared for): its code, whether it is a language, the level needed and
 * the worker's (0: not held). For ROUTE_AT_CAPACITY: have is the load,
 * need the capacity.
 */
struct route_explain {
	enum route_reason reason;
	int64_t engagement_id; /* ROUTE_BELOW_LEVEL, ROUTE_NOT_CLEARED: the engagement meant */
	bool lang;
	char code[MODEL_CODE_MAX];
	int need, have;
};

/* Starts an explanation: not available, at capacity, or (until work is seen) no work. */
void route_explain_init(struct route_explain *x, const struct worker_rec *w, int load);
/*
 * Takes account of an engagement with queued work. Once the worker is
 * eligible for one, or when init decided (status, capacity), nothing changes.
 */
void route_explain_add(struct route_explain *x, const struct worker_rec *w,
		       const struct engagement_rec *e, int64_t now);
/* One line for a person, e.g. "skill data_entry level 3 is required; you have 1". OUT: out[n]. */
void route_explain_text(const struct route_explain *x, const struct worker_rec *w, char *out,
			size_t n);

#endif
