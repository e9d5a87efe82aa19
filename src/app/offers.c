/* offers.c - release, offers and wrap-up settings, offers answered and listed: input checked once. */
#include "app/offers.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app/input.h"
#include "app/records.h"
#include "core/release.h"
#include "util/err.h"

#define RELEASE_NOTE_MAX 2000

/* item.release */
int app_item_release(const struct app *app, const struct actor *actor,
		     const struct item_release_in *in, struct cmd *c, struct buf *err)
{
	enum release_reason r;
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_ITEM_RELEASE, CMD_ITEM_RELEASE, c, err)))
		return rc;
	if (in->item_id <= 0)
		return buf_error(err, ERR_INVALID, "item id must be a positive id");
	if (in->epoch <= 0)
		return buf_error(err, ERR_INVALID, "epoch must be a positive integer (the lease's)");
	if (release_reason_parse(in->reason, &r))
		return buf_error(err, ERR_INVALID,
				 "reason must be one of break, skill_mismatch, "
				 "conflict_of_interest, illegible, other");
	if (r == RELEASE_OTHER && (!in->note || !*in->note))
		return buf_error(err, ERR_INVALID, "note is required with reason other");
	if (in->note && strlen(in->note) > RELEASE_NOTE_MAX)
		return buf_error(err, ERR_INVALID, "note is longer than %d bytes", RELEASE_NOTE_MAX);
	c->u.release.item_id = in->item_id;
	c->u.release.epoch = in->epoch;
	c->u.release.reason = (int)r;
	snprintf(c->u.release.note, sizeof(c->u.release.note), "%s", in->note ? in->note : "");
	return 0;
}

static void conf_default(struct work_conf *w, int64_t engagement_id)
{
	memset(w, 0, sizeof(*w));
	w->engagement_id = engagement_id;
	w->mode = OFFER_PULL;
	w->timeout_ms = 60000;
	w->max_no_answer = 3;
}

int app_work_conf_get(const struct app *app, const struct actor *actor, int64_t engagement_id,
		      struct work_conf *out, struct buf *err)
{
	struct engagement_rec e;
	int rc;

	if ((rc = app_allow(actor, POL_ENGAGEMENT_OFFERS, NULL, err)))
		return rc;
	if ((rc = store_engagement_get(app->store, engagement_id, &e)))
		return rc == ERR_NOTFOUND
			   ? buf_error(err, rc, "no engagement %lld", (long long)engagement_id)
			   : app_got(app, rc, err);
	rc = store_work_conf_get(app->store, engagement_id, out);
	if (rc == ERR_NOTFOUND) {
		conf_default(out, engagement_id);
		return 0;
	}
	return rc ? app_got(app, rc, err) : 0;
}

/* A number of the body: absent keeps *v; else whole, in [lo, hi], times scale. */
static int num_in(const char *field, double x, int64_t lo, int64_t hi, int64_t scale, int64_t *v,
		  struct buf *err)
{
	int64_t n;
	int rc;

	if (isnan(x))
		return 0;
	if ((rc = app_in_whole(field, x, NAN, lo, hi, &n, err)))
		return rc;
	*v = n * scale;
	return 0;
}

int app_work_conf_set(const struct app *app, const struct actor *actor,
		      const struct work_conf_in *in, struct cmd *c, struct buf *err)
{
	struct work_conf w;
	int64_t mna;
	int rc;

	if ((rc = app_work_conf_get(app, actor, in->engagement_id, &w, err)))
		return rc;
	if (in->mode && offer_mode_parse(in->mode, &w.mode))
		return buf_error(err, ERR_INVALID, "mode must be pull or push");
	mna = w.max_no_answer;
	if ((rc = num_in("timeout_s", in->timeout_s, OFFER_TIMEOUT_MIN_MS / 1000,
			 OFFER_TIMEOUT_MAX_MS / 1000, 1000, &w.timeout_ms, err)) ||
	    (rc = num_in("max_no_answer", in->max_no_answer, 0, OFFER_NO_ANSWER_MAX, 1, &mna, err)) ||
	    (rc = num_in("wrap_up_s", in->wrap_up_s, 0, WRAP_UP_MAX_MS / 1000, 1000, &w.wrap_up_ms,
			 err)))
		return rc;
	w.max_no_answer = (int)mna;
	if ((rc = app_write_start(actor, POL_ENGAGEMENT_OFFERS, CMD_WORK_CONF, c, err)))
		return rc;
	c->u.work_conf = w;
	return 0;
}

int app_offer_answer(const struct app *app, const struct actor *actor, int64_t offer_id,
		     bool accept, struct cmd *c, struct buf *err)
{
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_OFFER_ANSWER, CMD_OFFER_ANSWER, c, err)))
		return rc;
	if (offer_id <= 0)
		return buf_error(err, ERR_INVALID, "offer id must be a positive id");
	c->u.offer.offer_id = offer_id;
	c->u.offer.accept = accept;
	return 0;
}

int app_offer_list(const struct app *app, const struct actor *actor, int64_t worker_id,
		   bool open_only, store_offer_cb cb, void *ctx, struct buf *err)
{
	int rc;

	if ((rc = app_allow(actor, POL_OFFER_READ, NULL, err)))
		return rc;
	if (actor->role == ROLE_WORKER) {
		/* Another worker's offers are no one's business: "no such worker". */
		if (worker_id && worker_id != actor->worker_id)
			return buf_error(err, ERR_NOTFOUND, "no worker %lld", (long long)worker_id);
		if (!actor->worker_id)
			return buf_error(err, ERR_NOTFOUND, "no worker record for this user");
		worker_id = actor->worker_id;
	}
	rc = store_offer_list(app->store, worker_id, open_only, 200, cb, ctx);
	return rc ? app_got(app, rc, err) : 0;
}
