/* review.c - review sampling in the engine: share and lot sampling, the review queue, decisions. */
#include "engine/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/route.h"
#include "util/err.h"
#include "util/utf8.h"

#if __has_include("core/aql.h")
#include "core/aql.h"
#define REVIEW_HAVE_AQL 1
#endif

/* ------------------------------------------------------------------ */
/* Submit: chosen, held in a lot, or accepted as not sampled            */
/* ------------------------------------------------------------------ */

static int task_new(struct engine *e, const struct live_item *it, int64_t submitter, int64_t lot_id,
		    enum review_state state, int64_t now, struct review_task **out)
{
	struct review_live *rl = e->st.review;
	struct review_task t;
	void *v;
	int rc;

	memset(&t, 0, sizeof(t));
	t.item_id = it->ri.id;
	t.engagement_id = it->engagement_id;
	t.client_id = it->client_id;
	t.lot_id = lot_id;
	t.submitter_id = submitter;
	t.item_epoch = it->epoch;
	t.state = state;
	t.created_at = now;
	if ((rc = store_review_task_put(e->store, &t)))
		return rc;
	if (engine__rv_put_copy(&rl->tasks, t.id, &t, sizeof(t), &v))
		return ERR_NOMEM;
	if (idmap_put(&rl->by_item, t.item_id, v)) {
		idmap_del(&rl->tasks, t.id);
		free(v);
		return ERR_NOMEM;
	}
	*out = v;
	return 0;
}

/* The plan of a full lot: sample size and accept/reject numbers (core/aql.h). */
static int lot_plan(const struct sampling_rec *sr, struct lot_rec *l)
{
#ifdef REVIEW_HAVE_AQL
	struct aql_plan p;
	int rc = aql_plan(l->lot_size, (enum aql_level)sr->level, sr->aql_centi, &p);

	if (rc)
		return rc;
	l->code = p.code;
	l->n = p.n < l->size ? p.n : l->size; /* a plan past the lot inspects it all */
	l->ac = p.ac;
	l->re = p.re;
#else
	/* Until qmath's aql_plan is merged: every item inspected, none may fail. */
	(void)sr;
	l->code = '?';
	l->n = l->size;
	l->ac = 0;
	l->re = 1;
#endif
	return 0;
}

/* The lot's items, for its draw and its verdict: its tasks in the flow, by id. */
static size_t lot_tasks(struct review_live *rl, int64_t lot_id, struct review_task **out,
			size_t max)
{
	size_t n = 0;
	int64_t id;
	void *v;

	for (size_t i = 0; idmap_next(&rl->tasks, &i, &id, &v);)
		if (((struct review_task *)v)->lot_id == lot_id && n < max)
			out[n++] = v;
	return n;
}

struct drawn {
	uint64_t h;
	struct review_task *t;
};

static int drawn_cmp(const void *a, const void *b)
{
	const struct drawn *x = a, *y = b;

	return x->h < y->h ? -1 : x->h > y->h;
}

/*
 * A full lot: the sample drawn (the n items of lowest keyed hash, so which
 * ones cannot be guessed while keying), the rest held until the verdict.
 */
static int lot_draw(struct engine *e, const struct review_conf *rc, struct lot_rec *l)
{
	struct review_task **ts = calloc((size_t)l->size, sizeof(*ts));
	struct drawn *d = calloc((size_t)l->size, sizeof(*d));
	size_t n;
	int r = !ts || !d ? ERR_NOMEM : lot_plan(&rc->samp, l);

	if (r)
		goto out;
	n = lot_tasks(e->st.review, l->id, ts, (size_t)l->size);
	for (size_t i = 0; i < n; i++)
		d[i] = (struct drawn){sampling_hash(rc->samp.key, ts[i]->item_id), ts[i]};
	qsort(d, n, sizeof(*d), drawn_cmp);
	if ((int64_t)n < l->n)
		l->n = (int64_t)n;
	for (int64_t i = 0; !r && i < l->n; i++) {
		d[i].t->state = RV_WAITING;
		r = engine__rv_task_write(e, d[i].t);
	}
	l->state = LOT_SAMPLING;
	if (!r)
		r = store_lot_put(e->store, l);
out:
	free(ts);
	free(d);
	return r;
}

static int lot_add(struct engine *e, struct review_conf *rc, struct live_item *it,
		   int64_t submitter, int64_t now)
{
	struct review_live *rl = e->st.review;
	struct lot_rec *l = rc->open_lot ? idmap_get(&rl->lots, rc->open_lot) : NULL;
	struct review_task *t;
	void *v;
	int r;

	if (!l) {
		struct lot_rec nl = {.engagement_id = it->engagement_id,
				     .state = LOT_OPEN,
				     .lot_size = rc->samp.lot_size,
				     .created_at = now};

		if ((r = store_lot_put(e->store, &nl)) ||
		    (r = engine__rv_put_copy(&rl->lots, nl.id, &nl, sizeof(nl), &v)))
			return r;
		l = v;
		rc->open_lot = l->id;
	}
	l->size++;
	if ((r = task_new(e, it, submitter, l->id, RV_HELD, now, &t)))
		return r;
	if (l->size < l->lot_size)
		return store_lot_put(e->store, l);
	rc->open_lot = 0;
	return lot_draw(e, rc, l);
}

int engine__review_submit(struct engine *e, struct cmd *c, struct live_item *it,
			  const struct item_step *s, int64_t now)
{
	struct review_conf *rc = engine__rv_conf(e->st.review, it->engagement_id, false);
	struct item_step acc = {.act = ACT_ACCEPT, .reason = "not sampled for review"};
	int64_t submitter = it->worker_id;
	struct review_task *t;
	enum item_state to;
	int r;

	if (!rc || rc->samp.mode == SAMPLING_NONE)
		return 0;
	if ((r = engine__step(e, c, it, s, now, &to)))
		return r;
	engine__step_apply(e, it, s, to);
	/*
	 * From here a store error fails the batch, and the live state is
	 * rebuilt from the store: memory never keeps half of it.
	 */
	if (rc->samp.mode == SAMPLING_AQL)
		r = lot_add(e, rc, it, submitter, now);
	else if (sampling_chosen(&rc->samp, it->ri.id))
		r = task_new(e, it, submitter, 0, RV_WAITING, now, &t);
	else if (!(r = engine__step(e, NULL, it, &acc, now, &to)))
		engine__step_apply(e, it, &acc, to); /* the engine's accept: actor 0 */
	if (r == ERR_NOMEM || r == ERR_INVALID)
		e->st.need_reload = 1;
	return r ? r : 1;
}

/* ------------------------------------------------------------------ */
/* The review queue                                                     */
/* ------------------------------------------------------------------ */

/* True while the task's item is where the task left it (no one moved it since). */
static bool task_live(struct engine *e, const struct review_task *t)
{
	const struct live_item *it = idtable_get(&e->st.items, t->item_id);

	return it && it->epoch == t->item_epoch &&
	       (it->state == ITEM_SUBMITTED || it->state == ITEM_IN_REVIEW);
}

static bool has_skill(const struct worker_rec *w, const struct skill_level *q)
{
	if (!q->code[0])
		return true;
	for (size_t i = 0; i < w->n_skills; i++)
		if (!strcmp(w->skills[i].code, q->code) && w->skills[i].level >= q->level)
			return true;
	return false;
}

/*
 * May lw review t at now: the QA skill, cleared for the client, never its own
 * work (its last submitter, nor any worker who keyed it: keying.c's answers).
 */
static bool may_review(struct engine *e, const struct live_worker *lw, const struct review_task *t,
		       int64_t now)
{
	struct review_conf *rc = engine__rv_conf(e->st.review, t->engagement_id, false);
	struct live_engagement *le = idmap_get(&e->st.engagements, t->engagement_id);

	return rc && le && t->submitter_id != lw->rec.id &&
	       !engine__keying_answered(idtable_get(&e->st.items, t->item_id), lw->rec.id) &&
	       has_skill(&lw->rec, &rc->samp.qa) &&
	       route_cleared(&lw->rec, t->client_id, now) && !engine__walled(lw, &le->rec, now) &&
	       engine__engagement_open(e, le);
}

/* ------------------------------------------------------------------ */
/* Lots' verdicts                                                      */
/* ------------------------------------------------------------------ */

/* Every item of a decided lot: accepted, or back for rework, and its tasks out of the flow. */
static int lot_verdict(struct engine *e, struct lot_rec *l, bool rejected, int64_t now)
{
	struct review_live *rl = e->st.review;
	struct review_task **ts = calloc((size_t)(l->size ? l->size : 1), sizeof(*ts));
	struct item_step acc = {.act = ACT_ACCEPT};
	char why[96];
	size_t n;
	int r = 0;

	if (!ts)
		return ERR_NOMEM;
	snprintf(why, sizeof(why), "lot %lld %s", (long long)l->id,
		 rejected ? "rejected: the whole lot goes back" : "accepted");
	l->state = rejected ? LOT_REJECTED : LOT_ACCEPTED;
	l->closed_at = now;
	n = lot_tasks(rl, l->id, ts, (size_t)l->size);
	for (size_t i = 0; !r && i < n; i++) {
		struct review_task *t = ts[i];
		struct live_item *it = task_live(e, t) ? idtable_get(&e->st.items, t->item_id) : NULL;
		enum item_state to;

		if (t->state == RV_HELD || t->state == RV_WAITING || t->state == RV_LEASED) {
			t->state = RV_CLOSED;
			t->decided_at = now;
			r = engine__rv_task_write(e, t);
		}
		if (r || !it)
			continue;
		if (rejected)
			r = engine__rv_rework(e, NULL, it, why, l->defect, NULL, l->id, now);
		else if (t->state == RV_REJECTED)
			r = engine__rv_rework(e, NULL, it, why, t->defect, t->field, l->id, now);
		else if (!(r = engine__step(e, NULL, it, &acc, now, &to)))
			engine__step_apply(e, it, &acc, to);
	}
	if (!r)
		r = store_lot_put(e->store, l);
	for (size_t i = 0; !r && i < n; i++)
		engine__rv_task_forget(e, ts[i]);
	if (!r) {
		idmap_del(&rl->lots, l->id);
		free(l);
	} else {
		e->st.need_reload = 1; /* memory went ahead of a failed write */
	}
	free(ts);
	return r;
}

/*
 * One more of the lot's sample decided (reject: found defective): the lot's
 * verdict once it is known - rejected at re rejections, accepted once the
 * whole sample is decided with at most ac.
 */
static int lot_tally(struct engine *e, struct lot_rec *l, bool reject, const char *defect,
		     int64_t now)
{
	l->decided++;
	if (reject)
		l->rejected++;
	if (reject && l->rejected >= l->re) {
		snprintf(l->defect, sizeof(l->defect), "%s", defect ? defect : "");
		return lot_verdict(e, l, true, now);
	}
	if (l->decided >= l->n)
		return lot_verdict(e, l, false, now);
	return store_lot_put(e->store, l);
}

/* Tasks whose item staff moved (accepted, cancelled, failed) leave the flow when next met. */
static int sweep(struct engine *e, int64_t now)
{
	struct review_live *rl = e->st.review;
	int64_t id;
	void *v;
	int rc = 0;

	for (size_t i = 0; !rc && idmap_next(&rl->tasks, &i, &id, &v);) {
		struct review_task *t = v;

		struct lot_rec *l = t->lot_id ? idmap_get(&rl->lots, t->lot_id) : NULL;
		bool sampled = t->state == RV_WAITING || t->state == RV_LEASED;

		if (task_live(e, t) || (t->lot_id && t->state != RV_HELD && !sampled))
			continue;
		/* A sampled item staff took out counts as accepted: its lot must still end. */
		t->state = RV_CLOSED;
		t->decided_at = now;
		if (!(rc = engine__rv_task_write(e, t))) {
			engine__rv_task_forget(e, t);
			if (l && sampled)
				rc = lot_tally(e, l, false, NULL, now);
			i = 0; /* the map moved under the cursor: start again */
		}
	}
	return rc;
}

int engine__review_next(struct engine *e, struct cmd *c, int64_t now)
{
	struct review_live *rl = e->st.review;
	struct review_task *best = NULL;
	struct item_step s = {.act = ACT_REVIEW};
	struct live_worker *lw;
	struct live_engagement *le;
	struct live_item *it;
	enum item_state to;
	int64_t id, wid;
	void *v;
	int rc;

	wid = c->actor->role == ROLE_WORKER ? c->actor->worker_id : c->u.review.worker_id;
	if ((rc = policy_require(c->actor, POL_REVIEW_NEXT,
				 &(struct policy_scope){.worker_id = wid})))
		return rc == ERR_NOTFOUND ? engine__fail(c, rc, "no worker %lld", (long long)wid)
					  : rc;
	if (!(lw = idmap_get(&e->st.workers, wid)))
		return engine__fail(c, ERR_NOTFOUND, "no worker record for this user");
	if ((rc = sweep(e, now)))
		return rc;
	for (size_t i = 0; lw->rec.active && idmap_next(&rl->tasks, &i, &id, &v);) {
		struct review_task *t = v;

		if ((t->state == RV_WAITING ||
		     (t->state == RV_LEASED && t->lease_expires <= now)) &&
		    (!best || t->id < best->id) && task_live(e, t) && may_review(e, lw, t, now))
			best = t;
	}
	if (!best) {
		snprintf(c->result.none_message, sizeof(c->result.none_message),
			 "no review work for worker %lld: nothing waits that it may review (its QA "
			 "skill, its clearances; never its own work)",
			 (long long)wid);
		c->result.none_reason = 0;
		return engine__done(e, c, CMD_OUT_NONE, 0, now);
	}
	it = idtable_get(&e->st.items, best->item_id);
	le = idmap_get(&e->st.engagements, best->engagement_id);
	best->state = RV_LEASED;
	best->reviewer_id = wid;
	best->epoch++;
	best->lease_expires = now + le->rec.lease_ms;
	if ((rc = engine__rv_task_write(e, best)))
		return rc;
	c->result.has_review = true;
	c->result.review = *best;
	if (it->state == ITEM_SUBMITTED) {
		if ((rc = engine__step(e, c, it, &s, now, &to)))
			return rc;
		engine__step_apply(e, it, &s, to);
		return 0;
	}
	/* Already in review (a lease that ran out): the new lease is the item's review again. */
	if ((rc = engine__audit_append(e, c, "item.review", "item", it->ri.id, it->client_id, now)))
		return rc;
	c->result.has_item = true;
	engine__item_rec(it, &c->result.item);
	return engine__done(e, c, CMD_OUT_OK, it->ri.id, now);
}

/* ------------------------------------------------------------------ */
/* Decisions and lots                                                   */
/* ------------------------------------------------------------------ */

int engine__review_decision(struct engine *e, struct cmd *c, int64_t now)
{
	struct review_live *rl = e->st.review;
	int64_t item_id = c->u.review.item_id;
	struct review_task *t = idmap_get(&rl->by_item, item_id);
	struct live_item *it = idtable_get(&e->st.items, item_id);
	const char *defect = c->u.review.reject ? c->u.review.defect : NULL;
	const char *field = c->u.review.reject ? c->u.review.field : NULL;
	struct lot_rec *l;
	struct item_rec after;
	int rc;

	if (policy_check(c->actor, POL_REVIEW_DECIDE, NULL) == POLICY_FORBID)
		return ERR_FORBIDDEN;
	if (!it || engine__scope_item(e, c, POL_REVIEW_DECIDE, it->client_id, it->engagement_id,
				      0) == POLICY_HIDE)
		return engine__fail(c, ERR_NOTFOUND, "no item %lld in review", (long long)item_id);
	if (!t || t->state != RV_LEASED || t->reviewer_id != c->actor->worker_id ||
	    t->epoch != c->u.review.epoch || now >= t->lease_expires || !task_live(e, t))
		return engine__conflict(c, ERR_STALE, it ? it->state : ITEM_DONE,
					"your review lease on this item is stale or has expired");
	if (c->u.review.reject &&
	    (rc = engine__review_defect_check(e, c, t->engagement_id, defect, field)))
		return rc;
	if (c->u.review.comment && !utf8_valid(c->u.review.comment, strlen(c->u.review.comment)))
		return engine__fail(c, ERR_INVALID, "comment is not UTF-8");
	t->state = c->u.review.reject ? RV_REJECTED : RV_ACCEPTED;
	t->decided_at = now;
	snprintf(t->defect, sizeof(t->defect), "%s", defect ? defect : "");
	snprintf(t->field, sizeof(t->field), "%s", field ? field : "");
	if ((rc = engine__rv_task_write(e, t)) ||
	    (rc = engine__rv_observe(e, t, t->submitter_id, t->engagement_id, item_id,
				     !c->u.review.reject, defect, field, now)))
		return rc;
	c->result.has_review = true;
	c->result.review = *t;
	if (!t->lot_id) {
		/* Share sampling: the decision is the item's. */
		struct item_step acc = {.act = ACT_ACCEPT, .reason = c->u.review.comment};
		enum item_state to;

		if (c->u.review.reject)
			rc =
			    engine__rv_rework(e, c, it, c->u.review.comment, defect, field, 0, now);
		else if (!(rc = engine__step(e, c, it, &acc, now, &to)))
			engine__step_apply(e, it, &acc, to);
		if (!rc)
			engine__rv_task_forget(e, t);
		return rc;
	}
	/* A lot's sample: the item waits for its lot's verdict, which this may give. */
	if (!(l = idmap_get(&rl->lots, t->lot_id)))
		return ERR_INTERNAL;
	engine__item_rec(it, &after);
	rc = engine__audit_append(e, c,
				  c->u.review.reject ? "item.review_reject" : "item.review_accept",
				  "item", item_id, it->client_id, now);
	if (!rc)
		rc = lot_tally(e, l, c->u.review.reject, defect, now);
	if (rc)
		return rc;
	/* The item as the verdict left it (it may be closed and gone from memory). */
	if ((it = idtable_get(&e->st.items, item_id)))
		engine__item_rec(it, &after);
	else
		after.state = ITEM_DONE;
	c->result.has_item = true;
	c->result.item = after;
	return engine__done(e, c, CMD_OUT_OK, item_id, now);
}

int engine__review_rework(struct engine *e, struct cmd *c, struct live_item *it, int64_t now)
{
	struct review_live *rl = e->st.review;
	struct review_task *t = idmap_get(&rl->by_item, it->ri.id);
	int64_t worker = it->worker_id, eid = it->engagement_id, id = it->ri.id;
	struct lot_rec *l = t && t->lot_id ? idmap_get(&rl->lots, t->lot_id) : NULL;
	bool sampled = t && (t->state == RV_WAITING || t->state == RV_LEASED);
	const char *defect = c->u.op.defect, *field = c->u.op.field;
	int rc;

	if (it->state != ITEM_SUBMITTED && it->state != ITEM_IN_REVIEW)
		return engine__conflict(c, ERR_CONFLICT, it->state,
					"only submitted work can be returned for rework");
	if ((rc = engine__review_defect_check(e, c, eid, defect, field)))
		return rc;
	if (t) {
		/* Staff's rework of a lot's sampled item is a rejection of the sample. */
		t->state = l && sampled ? RV_REJECTED : RV_CLOSED;
		t->decided_at = now;
		snprintf(t->defect, sizeof(t->defect), "%s", defect ? defect : "");
		snprintf(t->field, sizeof(t->field), "%s", field ? field : "");
		if ((rc = engine__rv_task_write(e, t)))
			return rc;
	}
	if ((rc = engine__rv_observe(e, t, worker, eid, id, false, defect, field, now)) ||
	    (rc = engine__rv_rework(e, c, it, c->u.op.reason, defect, field, 0, now)))
		return rc;
	if (t)
		engine__rv_task_forget(e, t);
	return l && sampled ? lot_tally(e, l, true, defect, now) : 0;
}
