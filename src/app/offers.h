/* offers.h - release, an engagement's offers and wrap-up settings, offers answered and listed. */
#ifndef ALIHDAYA_APP_OFFERS_H
#define ALIHDAYA_APP_OFFERS_H

#include "app/app.h"
#include "core/offer.h"
#include "engine/engine.h"
#include "store/store.h"

/* POST /v1/items/:id/release {epoch, reason, note?}: reason a code of core/release.h. */
struct item_release_in {
	int64_t item_id;
	int64_t epoch;	    /* required, >= 1 */
	const char *reason; /* required: break, skill_mismatch, conflict_of_interest, illegible, other */
	const char *note;   /* required with "other", else optional; <= 2000 bytes */
};

/* item.release: the lease holder (the engine checks lease and epoch: 409 when stale). */
int app_item_release(const struct app *app, const struct actor *actor,
		     const struct item_release_in *in, struct cmd *c, struct buf *err);

/* PUT /v1/engagements/:id/offers: numbers not given are APP_ABSENT (the current value is kept). */
struct work_conf_in {
	int64_t engagement_id;
	const char *mode; /* "pull" or "push"; NULL: kept */
	double timeout_s, max_no_answer, wrap_up_s;
};

/* The engagement's settings as they are (never set: pull, 60 s, 3, no wrap-up). */
int app_work_conf_get(const struct app *app, const struct actor *actor, int64_t engagement_id,
		      struct work_conf *out, struct buf *err);
/* engagement.offers: staff. Fills c (CMD_WORK_CONF) with the settings as they will be. */
int app_work_conf_set(const struct app *app, const struct actor *actor,
		      const struct work_conf_in *in, struct cmd *c, struct buf *err);

/* offer.answer: the worker offered accepts (a lease, as work.next) or declines. */
int app_offer_answer(const struct app *app, const struct actor *actor, int64_t offer_id,
		     bool accept, struct cmd *c, struct buf *err);

/*
 * offer.read: a worker's offers, newest first, at most 200 (a worker: its
 * own, worker_id 0 or its id; staff: worker_id, 0 for everyone's). open_only:
 * only the offers waiting for an answer.
 */
int app_offer_list(const struct app *app, const struct actor *actor, int64_t worker_id,
		   bool open_only, store_offer_cb cb, void *ctx, struct buf *err);

#endif
