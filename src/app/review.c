/* review.c - review sampling's use cases: defect codes, sampling settings, the review queue, lots.
 */
#include "app/review.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app/engagements.h"
#include "app/items.h"
#include "app/records.h"
#include "util/err.h"

/*
 * The engagement id, its record, and whether the actor may take act on it:
 * a worker as it may read the engagement (its clearances now), anyone
 * else by the engagement's client. A hidden engagement is ERR_NOTFOUND.
 */
static int engagement_for(const struct app *app, const struct actor *actor, enum policy_action act,
			  int64_t id, struct engagement_rec *e, struct buf *err)
{
	struct policy_scope sc;
	int rc;

	if ((rc = app_allow(actor, act, NULL, err)))
		return rc;
	if (id < 1)
		return buf_error(err, ERR_INVALID, "engagement id must be a positive number");
	if (actor->role == ROLE_WORKER)
		return app_engagement_get(app, actor, id, e, err);
	if ((rc = store_engagement_get(app->store, id, e)))
		return app_got(app, rc, err);
	sc = (struct policy_scope){.client_id = e->client_id, .kpo = e->kind == KIND_KPO};
	return app_allow(actor, act, &sc, err);
}

int app_defects_set(const struct app *app, const struct actor *actor, int64_t engagement_id,
		    const struct defect_in *in, size_t n, struct defect_rec *out, struct cmd *c,
		    struct buf *err)
{
	struct engagement_rec e;
	int rc;

	if ((rc = app_write_start(actor, POL_REVIEW_SETUP, CMD_DEFECTS_SET, c, err)) ||
	    (rc = engagement_for(app, actor, POL_REVIEW_SETUP, engagement_id, &e, err)))
		return rc;
	if (n > REVIEW_DEFECTS_MAX)
		return buf_error(err, ERR_INVALID, "at most %d defect codes (got %zu)",
				 REVIEW_DEFECTS_MAX, n);
	for (size_t i = 0; i < n; i++) {
		struct defect_rec *d = &out[i];
		char field[48];

		memset(d, 0, sizeof(*d));
		snprintf(field, sizeof(field), "defects[%zu].label", i);
		if (!defect_code_valid(in[i].code))
			return buf_error(err, ERR_INVALID,
					 "defects[%zu].code must be 1 to 63 of a-z, 0-9 and _", i);
		snprintf(d->code, sizeof(d->code), "%s", in[i].code);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(out[j].code, d->code))
				return buf_error(err, ERR_INVALID,
						 "defects[%zu].code %s is given twice", i, d->code);
		if ((rc = app_in_str(field, in[i].label, d->label, sizeof(d->label), true, err)))
			return rc;
		if (defect_severity_parse(in[i].severity ? in[i].severity : "", &d->severity))
			return buf_error(err, ERR_INVALID,
					 "defects[%zu].severity must be minor, major or critical",
					 i);
	}
	c->actor = actor;
	c->u.defects.engagement_id = engagement_id;
	c->u.defects.n = n;
	c->u.defects.codes = out;
	return 0;
}

struct defects_ctx {
	struct defect_rec *out;
	size_t n;
};

static int on_defect(void *ctx, int64_t engagement_id, const struct defect_rec *d)
{
	struct defects_ctx *x = ctx;

	(void)engagement_id;
	if (x->n < REVIEW_DEFECTS_MAX)
		x->out[x->n++] = *d;
	return 0;
}

int app_defects_get(const struct app *app, const struct actor *actor, int64_t engagement_id,
		    struct defect_rec *out, size_t *n, struct buf *err)
{
	struct defects_ctx x = {out, 0};
	struct engagement_rec e;
	int rc = engagement_for(app, actor, POL_DEFECTS_READ, engagement_id, &e, err);

	*n = 0;
	if (rc)
		return rc;
	rc = store_defects_each(app->store, engagement_id, on_defect, &x);
	*n = x.n;
	return app_store_end(app, NULL, rc, err);
}

int app_sampling_set(const struct app *app, const struct actor *actor, int64_t engagement_id,
		     const struct sampling_in *in, struct cmd *c, struct buf *err)
{
	struct sampling_rec *r = &c->u.sampling;
	struct engagement_rec e;
	int64_t v;
	int rc;

	if ((rc = app_write_start(actor, POL_REVIEW_SETUP, CMD_SAMPLING_SET, c, err)) ||
	    (rc = engagement_for(app, actor, POL_REVIEW_SETUP, engagement_id, &e, err)))
		return rc;
	r->engagement_id = engagement_id;
	r->level = 5; /* general inspection level II: ISO 2859-1's default */
	r->qa.level = 1;
	if (sampling_mode_parse(in->mode ? in->mode : "", &r->mode))
		return buf_error(err, ERR_INVALID, "mode must be none, share or aql");
	if (r->mode == SAMPLING_SHARE) {
		if ((rc = app_in_whole("share_pct", in->share_pct, APP_ABSENT, 0, 100, &v, err)))
			return rc;
		r->share_pct = (int)v;
	}
	if (r->mode == SAMPLING_AQL) {
		if ((rc = app_in_whole("lot_size", in->lot_size, APP_ABSENT, 2, 500000,
				       &r->lot_size, err)))
			return rc;
		if (in->level && sampling_level_parse(in->level, &r->level))
			return buf_error(err, ERR_INVALID,
					 "level must be one of S1, S2, S3, S4, I, II, III");
		if (isnan(in->aql) || in->aql < 0.01 || in->aql > 1000 ||
		    fabs(in->aql * 100 - round(in->aql * 100)) > 1e-6)
			return buf_error(err, ERR_INVALID,
					 "aql must be a percentage from 0.01 to 1000 in hundredths "
					 "(e.g. 2.5)");
		r->aql_centi = (int)round(in->aql * 100);
	}
	if (in->qa_skill && *in->qa_skill &&
	    (rc = app_in_code("qa_skill", in->qa_skill, r->qa.code, sizeof(r->qa.code), true, err)))
		return rc;
	if ((rc = app_in_whole("qa_level", in->qa_level, 1, 1, 5, &v, err)))
		return rc;
	r->qa.level = (int)v;
	c->actor = actor;
	return 0;
}

static int on_sampling(void *ctx, const struct sampling_rec *r)
{
	*(struct sampling_rec *)ctx = *r;
	return 0;
}

int app_sampling_get(const struct app *app, const struct actor *actor, int64_t engagement_id,
		     struct sampling_rec *out, struct buf *err)
{
	struct engagement_rec e;
	int rc = engagement_for(app, actor, POL_SAMPLING_READ, engagement_id, &e, err);

	memset(out, 0, sizeof(*out));
	out->engagement_id = engagement_id;
	out->level = 5;
	out->qa.level = 1;
	if (rc)
		return rc;
	rc = store_sampling_each(app->store, engagement_id, on_sampling, out);
	memset(out->key, 0, sizeof(out->key)); /* never leaves the engine's side */
	return app_store_end(app, NULL, rc, err);
}

int app_review_next(const struct app *app, const struct actor *actor, int64_t worker_id,
		    struct cmd *c, struct buf *err)
{
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_REVIEW_NEXT, CMD_REVIEW_NEXT, c, err)))
		return rc;
	if (actor->role == ROLE_WORKER) {
		struct policy_scope sc = {.worker_id = worker_id ? worker_id : actor->worker_id};

		if (!actor->worker_id)
			return buf_error(err, ERR_NOTFOUND, "this user has no worker record");
		if ((rc = policy_require(actor, POL_REVIEW_NEXT, &sc)))
			return buf_error(err, rc, "no worker %lld", (long long)sc.worker_id);
		worker_id = 0;
	} else if (worker_id < 1) {
		return buf_error(err, ERR_INVALID, "worker_id must be a positive number");
	}
	c->actor = actor;
	c->u.review.worker_id = worker_id;
	return 0;
}

int app_review_item(const struct app *app, const struct actor *actor, const struct review_task *t,
		    struct item_rec *out, struct buf *err)
{
	return app_item_review_read(app, actor, t->item_id, t->reviewer_id, out, err);
}

int app_review_decision(const struct app *app, const struct actor *actor,
			const struct review_decision_in *in, struct cmd *c, struct buf *err)
{
	char field[MODEL_CODE_MAX];
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_REVIEW_DECIDE, CMD_REVIEW_DECISION, c, err)))
		return rc;
	if (in->item_id < 1)
		return buf_error(err, ERR_INVALID, "item id must be a positive number");
	if (in->epoch < 1)
		return buf_error(err, ERR_INVALID, "epoch must be a positive number");
	if (!in->decision || (strcmp(in->decision, "accept") && strcmp(in->decision, "reject")))
		return buf_error(err, ERR_INVALID, "decision must be accept or reject");
	if (in->comment && strlen(in->comment) > ITEM_REASON_MAX)
		return buf_error(err, ERR_INVALID, "comment is longer than %d bytes",
				 ITEM_REASON_MAX);
	if (in->field && *in->field &&
	    (rc = app_in_code("field", in->field, field, sizeof(field), true, err)))
		return rc;
	c->actor = actor;
	c->u.review.item_id = in->item_id;
	c->u.review.epoch = in->epoch;
	c->u.review.reject = !strcmp(in->decision, "reject");
	c->u.review.defect = in->defect && *in->defect ? in->defect : NULL;
	c->u.review.field = in->field && *in->field ? in->field : NULL;
	c->u.review.comment = in->comment && *in->comment ? in->comment : NULL;
	return 0;
}

static int id_filter(const char *field, const char *text, int64_t *out, struct buf *err)
{
	*out = 0;
	return text ? app_in_id_text(field, text, out, err) : 0;
}

int app_review_list(const struct app *app, const struct actor *actor,
		    const struct review_list_in *in, store_review_task_cb cb, void *ctx,
		    int64_t *next_after, struct buf *err)
{
	struct store_page pg;
	enum review_state st;
	int rc;

	if ((rc = app_allow(actor, POL_REVIEW_LIST, NULL, err)) ||
	    (rc = app_page(&in->page, &pg, err)) ||
	    (rc = id_filter("engagement_id", in->engagement_id, &pg.engagement_id, err)) ||
	    (rc = id_filter("reviewer_id", in->reviewer_id, &pg.worker_id, err)))
		return rc;
	if (in->state) {
		if (review_state_parse(in->state, &st))
			return buf_error(err, ERR_INVALID,
					 "state must be held, waiting, leased, accepted, rejected "
					 "or closed");
		pg.state = (int)st + 1;
	}
	rc = store_review_task_list(app->store, &pg, cb, ctx, next_after);
	return app_store_end(app, NULL, rc, err);
}

int app_lot_list(const struct app *app, const struct actor *actor, int64_t engagement_id,
		 const struct app_page_in *page, store_lot_cb cb, void *ctx, int64_t *next_after,
		 struct buf *err)
{
	struct engagement_rec e;
	struct store_page pg;
	int rc;

	if ((rc = engagement_for(app, actor, POL_REVIEW_LIST, engagement_id, &e, err)) ||
	    (rc = app_page(page, &pg, err)))
		return rc;
	pg.engagement_id = engagement_id;
	rc = store_lot_list(app->store, &pg, cb, ctx, next_after);
	return app_store_end(app, NULL, rc, err);
}
