/* h_offers.c - release, an engagement's offers and wrap-up settings, offers over HTTP (app/offers.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app/offers.h"
#include "http/http_int.h"
#include "util/err.h"

/* A use case's refusal, or the command run (ERR_SUSPENDED on its first run). */
static int run(struct req *r, int rc, struct buf *err, struct cmd *c)
{
	if (rc)
		return http__app_fail(r, rc, err);
	buf_release(err);
	if ((rc = http__idem(r, c)))
		return rc;
	return http__engine(r, c);
}

/*
 * POST /v1/items/:id/release {epoch, reason, note?}  [Idempotency-Key]
 * The lease holder hands the item back: 200 with the item, queued again at
 * its old place; 409 stale_lease for another epoch, a lease run out or not
 * one's own. skill_mismatch and conflict_of_interest exclude the worker from
 * the item for good.
 */
int h_items_release(struct req *r)
{
	struct item_release_in in = {.item_id = r->param[0]};
	struct cmd *c = http__cmd_new(r, CMD_ITEM_RELEASE);
	struct buf err = BUF_INIT;
	json_int_t epoch = 0;
	json_t *body = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if (!(rc = http__body(r, false, &body)) &&
	    !(rc = http__unpack(r, body, "{s:I, s:s, s?s}", "epoch", &epoch, "reason", &in.reason,
				"note", &in.note))) {
		in.epoch = epoch;
		rc = run(r, app_item_release(&r->srv->app, &r->actor, &in, c, &err), &err, c);
	}
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

static json_t *conf_json(const struct work_conf *w)
{
	return json_pack("{s:I, s:s, s:I, s:i, s:I, s:I}", "engagement_id",
			 (json_int_t)w->engagement_id, "mode", offer_mode_name(w->mode), "timeout_s",
			 (json_int_t)(w->timeout_ms / 1000), "max_no_answer", w->max_no_answer,
			 "wrap_up_s", (json_int_t)(w->wrap_up_ms / 1000), "updated_at_ms",
			 (json_int_t)w->updated_at);
}

static int answer_conf(struct req *r, int64_t id)
{
	struct buf err = BUF_INIT;
	struct work_conf w;
	int rc = app_work_conf_get(&r->srv->app, &r->actor, id, &w, &err);

	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	return http__read(r, 0, conf_json(&w));
}

/* GET /v1/engagements/:id/offers -> {engagement_id, mode, timeout_s, max_no_answer, wrap_up_s} */
int h_engagements_offers_get(struct req *r)
{
	return answer_conf(r, r->param[0]);
}

/*
 * PUT /v1/engagements/:id/offers {mode?: "pull"|"push", timeout_s?, max_no_answer?, wrap_up_s?}
 * Staff. A field not given keeps its value. 200 with the settings.
 */
int h_engagements_offers_put(struct req *r)
{
	struct work_conf_in in = {.engagement_id = r->param[0],
				  .timeout_s = NAN,
				  .max_no_answer = NAN,
				  .wrap_up_s = NAN};
	struct cmd *c = http__cmd_new(r, CMD_WORK_CONF);
	struct buf err = BUF_INIT;
	json_t *body = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if (!(rc = http__body(r, false, &body)) &&
	    !(rc = http__unpack(r, body, "{s?s, s?F, s?F, s?F}", "mode", &in.mode, "timeout_s",
				&in.timeout_s, "max_no_answer", &in.max_no_answer, "wrap_up_s",
				&in.wrap_up_s)) &&
	    !(rc = run(r, app_work_conf_set(&r->srv->app, &r->actor, &in, c, &err), &err, c)))
		rc = answer_conf(r, r->param[0]);
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

static int offer_add(void *ctx, const struct offer_rec *o)
{
	json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:s, s:I, s:I, s:I}", "id", (json_int_t)o->id,
			      "item_id", (json_int_t)o->item_id, "worker_id",
			      (json_int_t)o->worker_id, "engagement_id",
			      (json_int_t)o->engagement_id, "state", offer_state_name(o->state),
			      "created_at_ms", (json_int_t)o->created_at, "expires_at_ms",
			      (json_int_t)o->expires_at, "ended_at_ms", (json_int_t)o->ended_at);

	return j && !json_array_append_new(ctx, j) ? 0 : ERR_NOMEM;
}

/*
 * GET /v1/offers?worker_id=&open=true -> {"offers": [...]} newest first, at most 200.
 * A worker sees its own; staff name the worker (none: everyone's).
 */
int h_offers_list(struct req *r)
{
	struct buf err = BUF_INIT;
	json_t *list = json_array();
	int64_t worker_id = 0;
	bool open_only = false;
	int rc;

	if (!list)
		return http__fail(r, ERR_NOMEM, NULL);
	if ((rc = http__query_id(r, "worker_id", &worker_id)) ||
	    (rc = http__query_bool(r, "open", &open_only))) {
		json_decref(list);
		return rc;
	}
	rc = app_offer_list(&r->srv->app, &r->actor, worker_id, open_only, offer_add, list, &err);
	if (rc) {
		json_decref(list);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	return http__read(r, 0, json_pack("{s:o}", "offers", list));
}

static int answer(struct req *r, bool accept)
{
	struct cmd *c = http__cmd_new(r, CMD_OFFER_ANSWER);
	struct buf err = BUF_INIT;
	json_t *body = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if (!(rc = http__body(r, true, &body)) && !(rc = http__unpack(r, body, "{}")) &&
	    !(rc = run(r, app_offer_answer(&r->srv->app, &r->actor, r->param[0], accept, c, &err),
		       &err, c)) &&
	    accept && r->status == 200)
		rc = http__next_with_payload(r, NULL);
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/* POST /v1/offers/:id/accept  [Idempotency-Key]: 200 with the item, its payload and "lease" */
int h_offers_accept(struct req *r)
{
	return answer(r, true);
}

/* POST /v1/offers/:id/decline  [Idempotency-Key]: 200 {"id": offer}; it goes to the next */
int h_offers_decline(struct req *r)
{
	return answer(r, false);
}
