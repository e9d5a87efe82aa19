/* keying.c - keying's use cases: settings read and set, an item's answers read, the decisions listed. */
#include "app/keying.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/records.h"
#include "core/item.h"
#include "util/err.h"

int app_keying_get(const struct app *app, const struct actor *actor, int64_t id,
		   struct keying_conf *out, struct buf *err)
{
	struct engagement_rec e;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = app_allow(actor, POL_ENGAGEMENT_KEYING_READ, NULL, err)))
		return rc;
	if ((rc = store_engagement_get(app->store, id, &e)))
		return rc == ERR_NOTFOUND ? buf_error(err, rc, "no engagement %lld", (long long)id)
					  : app_got(app, rc, err);
	rc = store_keying_get(app->store, id, out);
	if (rc == ERR_NOTFOUND) {
		/* Never set: one answer per item, as before keying existed. */
		memset(out, 0, sizeof(*out));
		out->engagement_id = id;
		out->mode = KEYING_SINGLE;
		out->k = out->max_k = 1;
		return 0;
	}
	return rc ? app_got(app, rc, err) : 0;
}

/* A whole number in [1, 1000] or absent (0). */
static int count_in(double v, const char *name, int *out, struct buf *err)
{
	if (isnan(v)) {
		*out = 0;
		return 0;
	}
	if (v != floor(v) || v < 1 || v > 1000)
		return buf_error(err, ERR_INVALID, "%s: a whole number of answers", name);
	*out = (int)v;
	return 0;
}

int app_keying_set(const struct app *app, const struct actor *actor,
		   const struct app_keying_in *in, struct cmd *c, struct buf *err)
{
	struct keying_conf *k = &c->u.keying;
	struct engagement_rec e;
	int rc;

	if ((rc = app_allow(actor, POL_ENGAGEMENT_KEYING, NULL, err)))
		return rc;
	if ((rc = store_engagement_get(app->store, in->engagement_id, &e)))
		return rc == ERR_NOTFOUND ? buf_error(err, rc, "no engagement %lld",
						      (long long)in->engagement_id)
					  : app_got(app, rc, err);
	c->type = CMD_KEYING_SET;
	c->actor = actor;
	memset(k, 0, sizeof(*k));
	k->engagement_id = in->engagement_id;
	if (!in->mode)
		return buf_error(err, ERR_INVALID, "mode: required (single, double or overlap)");
	if (keying_mode_parse(in->mode, &k->mode))
		return buf_error(err, ERR_INVALID, "mode: one of single, double, overlap");
	if (in->aggregate && keying_agg_parse(in->aggregate, &k->aggregate))
		return buf_error(err, ERR_INVALID, "aggregate: one of majority, dawid_skene");
	if ((rc = count_in(in->k, "k", &k->k, err)) ||
	    (rc = count_in(in->max_k, "max_k", &k->max_k, err)))
		return rc;
	if (!isnan(in->min_confidence)) {
		if (!(in->min_confidence >= 0 && in->min_confidence <= 1))
			return buf_error(err, ERR_INVALID, "min_confidence: from 0 to 1");
		k->min_confidence = in->min_confidence;
	}
	if (in->field && strlen(in->field) >= sizeof(k->field))
		return buf_error(err, ERR_INVALID, "field: a result field name [a-z0-9_]{1,63}");
	if (in->field)
		snprintf(k->field, sizeof(k->field), "%s", in->field);
	return keying_conf_check(k, err);
}

void item_answers_release(struct item_answers *ia)
{
	for (size_t i = 0; i < ia->n; i++)
		free(ia->a[i].result);
	free(ia->a);
	free(ia->k.label);
	free(ia->k.diff);
	memset(ia, 0, sizeof(*ia));
}

int app_item_answers_begin(const struct app *app, const struct actor *actor, int64_t id,
			   struct item_answers *out, struct cmd *audit, struct buf *err)
{
	struct item_rec it;
	struct policy_scope sc;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = app_allow(actor, POL_ITEM_ANSWERS, NULL, err)))
		return rc;
	rc = store_item_get(app->store, id, false, &it);
	item_rec_release(&it);
	if (rc)
		return rc == ERR_NOTFOUND ? buf_error(err, rc, "no item %lld", (long long)id)
					  : app_got(app, rc, err);
	sc = (struct policy_scope){
	    .client_id = it.client_id,
	    .lease_worker_id = it.state == ITEM_ASSIGNED ? it.worker_id : 0,
	};
	if ((rc = app_allow(actor, POL_ITEM_ANSWERS, &sc, err)))
		return rc == ERR_NOTFOUND ? buf_error(err, rc, "no item %lld", (long long)id) : rc;
	rc = store_item_keying_get(app->store, id, &out->k);
	if (rc && rc != ERR_NOTFOUND)
		return app_got(app, rc, err);
	/*
	 * A keyer never reads another's answer: a worker holding the lease sees
	 * them only while it adjudicates; before that, none (nor that there are).
	 */
	if (actor->role == ROLE_WORKER && out->k.phase != KPHASE_ADJUDICATING) {
		item_answers_release(out);
		out->hidden = true;
	}
	out->item_id = id;
	out->engagement_id = it.engagement_id;
	out->client_id = it.client_id;
	audit->type = CMD_AUDIT;
	audit->actor = actor;
	memset(&audit->u.audit, 0, sizeof(audit->u.audit));
	memcpy(audit->u.audit.action, "item.answers", sizeof("item.answers"));
	memcpy(audit->u.audit.record_type, "item", sizeof("item"));
	audit->u.audit.record_id = id;
	audit->u.audit.client_id = it.client_id;
	return 0;
}

struct gather {
	struct item_answers *out;
	size_t cap;
	bool names; /* staff see who answered */
};

static int on_answer(void *ctx, const struct answer_rec *a)
{
	struct gather *g = ctx;
	struct item_answers *o = g->out;

	if (o->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 4;
		struct keying_answer *v = realloc(o->a, cap * sizeof(*v));

		if (!v)
			return ERR_NOMEM;
		o->a = v;
		g->cap = cap;
	}
	o->a[o->n].worker_id = g->names ? a->worker_id : 0;
	o->a[o->n].at = a->at;
	o->a[o->n].kind = a->kind;
	if (!(o->a[o->n].result = strdup(a->result ? a->result : "null")))
		return ERR_NOMEM;
	o->n++;
	return 0;
}

int app_item_answers_end(const struct app *app, const struct actor *actor, int audit_rc,
			 struct item_answers *out, struct buf *err)
{
	struct gather g = {out, 0, actor->role != ROLE_WORKER};
	int rc;

	if (audit_rc)
		return buf_error(err, audit_rc == ERR_SHUTDOWN ? ERR_SHUTDOWN : ERR_BUSY,
				 "the read could not be recorded in the audit trail; retry");
	if (out->hidden)
		return 0;
	rc = store_answer_walk(app->store, false, 0, out->item_id, 0, on_answer, &g);
	return rc ? app_got(app, rc, err) : 0;
}

int app_consensus_list(const struct app *app, const struct actor *actor, int64_t id,
		       const struct store_page *pg,
		       int (*fn)(void *ctx, const struct item_keying_rec *r), void *ctx,
		       int64_t *next_after, struct buf *err)
{
	struct engagement_rec e;
	int rc;

	*next_after = 0;
	if ((rc = app_allow(actor, POL_ENGAGEMENT_CONSENSUS, NULL, err)))
		return rc;
	if ((rc = store_engagement_get(app->store, id, &e)))
		return rc == ERR_NOTFOUND ? buf_error(err, rc, "no engagement %lld", (long long)id)
					  : app_got(app, rc, err);
	rc = store_item_keying_list(app->store, id, pg->after, pg->limit, fn, ctx, next_after);
	return rc ? app_got(app, rc, err) : 0;
}
