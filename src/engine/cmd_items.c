/* cmd_items.c - commands on items: create, next, submit, review, accept, rework, fail, cancel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rindex.h"
#include "core/route.h"
#include "engine/engine_int.h"
#include "engine/review.h"
#include "util/err.h"

/*
 * An external_ref names one item of an engagement: a second create with it
 * is ERR_EXISTS, with the first item's id. The store's lookup (indexed on
 * (engagement_id, external_ref), on the writer connection, so it sees this
 * batch's creates) covers open and closed items alike; an idempotent replay
 * is answered before this runs. Asked only when the create cannot go on
 * (a check failed, or the INSERT found the ref taken: the index is UNIQUE),
 * so a new item costs one probe of that index, in its INSERT, not two.
 */
static int ref_unused(struct engine *e, struct cmd *c)
{
	int64_t id = 0;
	int rc;

	if (!c->u.item_create.external_ref[0])
		return 0;
	rc = store_item_by_ref(e->store, c->u.item_create.engagement_id,
			       c->u.item_create.external_ref, &id);
	if (rc == ERR_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	c->result.id = id;
	return engine__fail(c, ERR_EXISTS, "external_ref is already used by item %lld",
			    (long long)id);
}

/*
 * A create refused by a check (rc): a taken ref is still what it answers, as
 * when the ref was looked up before the checks, without their problems.
 */
static int ref_first(struct engine *e, struct cmd *c, int rc)
{
	int taken = ref_unused(e, c);

	if (!taken)
		return rc;
	free(c->result.problems);
	c->result.problems = NULL;
	return taken;
}

/*
 * An item's type against its engagement's declared list: "" and "default" are
 * always allowed; another must be declared (400 naming the list).
 */
int engine__item_type_check(struct cmd *c, const struct engagement_rec *e, const char *type)
{
	char list[MODEL_MAX_ITEM_TYPES * MODEL_CODE_MAX + 8] = "";
	size_t used = 0;

	if (!type[0] || !strcmp(type, "default"))
		return 0;
	for (size_t i = 0; i < e->n_item_types; i++) {
		if (!strcmp(e->item_types[i], type))
			return 0;
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
					 e->item_types[i]);
		if (used >= sizeof(list))
			used = sizeof(list) - 1;
	}
	return engine__fail(c, ERR_INVALID,
			    "type %s is not an item type of engagement %lld (item_types: %s)", type,
			    (long long)e->id, e->n_item_types ? list : "none declared, only default");
}

/* The engagement and its client take new items: else ERR_CONFLICT saying which is off. */
static int open_check(struct engine *e, struct cmd *c, const struct live_engagement *le)
{
	if (engine__engagement_open(e, le))
		return 0;
	return engine__fail(c, ERR_CONFLICT,
			    le->rec.active ? "the client of engagement %lld is deactivated: it "
					     "takes no new items"
					   : "engagement %lld is paused (deactivated): it takes "
					     "no new items",
			    (long long)le->rec.id);
}

/* item.create: staff, client (own engagements) */
int engine__item_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_engagement *le = idmap_get(&e->st.engagements, c->u.item_create.engagement_id);
	struct live_item *it = NULL;
	struct item_rec r;
	enum item_state to;
	int rc;

	if ((rc = engine__scope_item_create(c, le)))
		return rc;
	if ((rc = engine__fields_check(c, le->payload_fs, "payload", c->u.item_create.payload)) ||
	    (rc = engine__item_type_check(c, &le->rec, c->u.item_create.type)) ||
	    (rc = open_check(e, c, le)))
		return ref_first(e, c, rc);
	item_transition(ITEM_QUEUED, ACT_CREATE, &to); /* create ignores `from` */
	it = engine__item_new(&e->st);
	if (!it)
		return ERR_NOMEM;
	if (c->u.item_create.external_ref[0] &&
	    !(it->external_ref = strdup(c->u.item_create.external_ref))) {
		engine__item_free(&e->st, it);
		return ERR_NOMEM;
	}
	memset(&r, 0, sizeof(r));
	r.engagement_id = le->rec.id;
	r.client_id = le->rec.client_id;
	/* same size, NUL-terminated (a copy, not snprintf: once per imported row) */
	_Static_assert(sizeof(r.external_ref) == sizeof(c->u.item_create.external_ref), "ref");
	memcpy(r.external_ref, c->u.item_create.external_ref, sizeof(r.external_ref));
	r.external_ref[sizeof(r.external_ref) - 1] = '\0';
	r.priority =
	    c->u.item_create.priority ? c->u.item_create.priority : le->rec.default_priority;
	r.created_at = now;
	r.due_at = c->u.item_create.due_at ? c->u.item_create.due_at : now + le->rec.sla_ms;
	r.state = to;
	r.payload = (char *)c->u.item_create.payload;
	_Static_assert(sizeof(r.type) == sizeof(c->u.item_create.type), "type");
	if (c->u.item_create.type[0]) {
		memcpy(r.type, c->u.item_create.type, sizeof(r.type));
		r.type[sizeof(r.type) - 1] = '\0';
	} else {
		memcpy(r.type, "default", sizeof("default"));
	}
	rc = store_item_insert(e->store, &r);
	if (rc == ERR_EXISTS) {
		/* the ref is taken (items_engagement_ref is UNIQUE); anything else is a bug */
		rc = r.external_ref[0] ? ref_unused(e, c) : 0;
		if (!rc)
			rc = engine__fail(c, ERR_INTERNAL, "item insert: %s",
					  store_errmsg(e->store));
	}
	if (rc)
		goto out;
	it->ri.id = r.id;
	it->ri.priority = r.priority;
	it->ri.due_at = r.due_at;
	it->ri.since = now;
	it->engagement_id = r.engagement_id;
	it->client_id = r.client_id;
	it->state = to;
	rc = engine__step_create(e, c, it, now);
	if (!rc)
		rc = engine__sla_created(e, it, now); /* created already late: announced now */
	if (rc)
		goto out;
	if (idtable_add(&e->st.items, it)) {
		e->st.need_reload = 1;
		goto out;
	}
	e->st.n_queued++;
	if (engine__queue_push(&e->st, it, now))
		e->st.need_reload = 1;
	return 0;
out:
	engine__item_free(&e->st, it);
	return rc;
}

/*
 * get-next found nothing: the answer says why, from live state (route.c
 * decides), so a worker and a manager know what to fix.
 */
static int next_none(struct engine *e, struct cmd *c, const struct live_worker *lw, int64_t now)
{
	struct route_explain x;
	int64_t id;
	void *v;

	route_explain_init(&x, &lw->rec, lw->load);
	for (size_t i = 0; idmap_next(&e->st.engagements, &i, &id, &v);) {
		struct live_engagement *le = v;

		bool work = engine__queue_len(&e->st, le, now) > 0;

		/* Behind its wall, an engagement is as if not cleared for. */
		if (work && !engine__walled(lw, &le->rec, now))
			route_explain_add(&x, &lw->rec, &le->rec, now);
		else if (work && x.reason == ROUTE_NO_WORK) {
			x.reason = ROUTE_NOT_CLEARED;
			x.engagement_id = le->rec.id;
		}
	}
	/* Eligible yet nothing taken: gold held it back (suspended, or the preference), or no work. */
	if (x.reason == ROUTE_ELIGIBLE && engine__gold_explain(e, c, lw, now))
		return engine__done(e, c, CMD_OUT_NONE, 0, now);
	if (x.reason == ROUTE_ELIGIBLE)
		x.reason = ROUTE_NO_WORK;
	c->result.none_reason = (int)x.reason;
	route_explain_text(&x, &lw->rec, c->result.none_message, sizeof(c->result.none_message));
	return engine__done(e, c, CMD_OUT_NONE, 0, now);
}

/*
 * work.next's filter for the routing index (core/rindex.h): the rules the
 * index does not know. Per engagement (once per take, before any of its
 * items): push work is only offered, the engagement and its client open,
 * the ethical wall, gold's suspension and preference. Per item: released
 * for good by this worker (release.c), answered already by it (keying), and
 * gold's preference (too young for this worker while a better one is free).
 */
struct next_ctx {
	struct engine *e;
	const struct live_worker *lw;
	int64_t now;
	int64_t min_wait; /* the engagement last passed: gold's preference, 0 none */
};

static bool next_skip_eng(void *ctx, int64_t worker_id, int64_t engagement_id)
{
	struct next_ctx *x = ctx;
	const struct live_engagement *le =
	    idmap_get(&x->e->st.engagements, engagement_id & ~ENGINE_REKEY_BIT);
	int g;

	(void)worker_id;
	x->min_wait = 0;
	if (!le || !engine__states_route(x->e, le) || !engine__engagement_open(x->e, le) ||
	    engine__walled(x->lw, &le->rec, x->now))
		return true;
	g = engine__gold_route(x->e, x->lw, le, x->now, &x->min_wait);
	if (g != 2)
		x->min_wait = 0;
	return g == 0;
}

static bool next_skip(void *ctx, int64_t worker_id, const struct rindex_item *ri)
{
	const struct next_ctx *x = ctx;
	const struct live_item *it = (const struct live_item *)ri;

	return (x->min_wait && x->now - it->ri.since < x->min_wait) ||
	       engine__keying_answered(it, worker_id) ||
	       engine__states_excluded(x->e, it->ri.id, worker_id);
}

/* work.next: a worker (or staff on a worker's behalf) takes the best eligible item */
int engine__item_next(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_engagement *best_le = NULL;
	struct item_step s = {.act = ACT_ASSIGN};
	struct live_item *it = NULL;
	struct live_worker *lw;
	struct rindex *rx;
	enum item_state to;
	int64_t wid;
	int rc;

	if ((rc = engine__scope_next(c, &wid)) && rc != ERR_NOTFOUND)
		return rc;
	if (rc || !(lw = idmap_get(&e->st.workers, wid)))
		return engine__fail(c, ERR_NOTFOUND, "no worker record for this user");
	/* release.c: wrap-up after a submit, away with a reason (1: answered) */
	if ((rc = engine__states_next(e, c, lw, now)))
		return rc < 0 ? rc : 0;
	if (!route_has_room(&lw->rec, lw->load))
		return next_none(e, c, lw, now);
	/*
	 * The routing index (route_index.c) holds every queue: the worker's
	 * eligible engagements (skills and levels of the rings its items' waits
	 * reached, clearance at now), the weight that fits its room, the best
	 * item by the score, past what the filter skips.
	 */
	if (!(rx = engine__rindex(&e->st, now)))
		return ERR_NOMEM;
	/* engine__states_next found no wrap-up or away left at now: lift the hook's hold. */
	rindex_worker_hold(rx, wid, false);
	{
		struct next_ctx x = {e, lw, now, 0};
		struct rindex_filter f = {next_skip, &x, next_skip_eng};

		it = (struct live_item *)rindex_peek(rx, wid, now, &f);
	}
	if (it && !(best_le = idmap_get(&e->st.engagements, it->engagement_id)))
		it = NULL; /* an engagement is never dropped from memory: not reached */
	/* Gold: a qualification item, or the mixing rule's gold instance instead of it. */
	if ((rc = engine__gold_next(e, c, lw, &best_le, &it, now)))
		return rc;
	if (!it)
		return next_none(e, c, lw, now);
	s.worker_id = wid;
	s.epoch = it->epoch + 1;
	s.lease_expires = now + best_le->rec.lease_ms;
	s.lease_started = now;
	rc = engine__step(e, c, it, &s, now, &to);
	if (rc)
		return rc;
	engine__step_apply(e, it, &s, to);
	return 0;
}

/*
 * The first steps of every command on one item (transitions here, milestones
 * in kpo.c): 403 for a role that may never take act, 404 for a missing item or
 * one the policy hides from the actor (and a gold instance from a client: it
 * is not the client's). On 0: *out the live item, or NULL when it is closed
 * (*closed its state), and *verdict the policy's answer for this item.
 */
int engine__item_scope(struct engine *e, struct cmd *c, enum policy_action act, int64_t id,
		       struct live_item **out, enum item_state *closed, enum policy_verdict *verdict)
{
	struct live_item *it = idtable_get(&e->st.items, id);
	struct item_rec r;
	int rc;

	if (policy_check(c->actor, act, NULL) == POLICY_FORBID)
		return ERR_FORBIDDEN;
	memset(&r, 0, sizeof(r));
	if (it) {
		r.client_id = it->client_id;
		r.engagement_id = it->engagement_id;
	} else {
		rc = store_item_state_get(e->store, id, &r);
		item_rec_release(&r);
		if (rc == ERR_NOTFOUND)
			return engine__fail(c, rc, "no item %lld", (long long)id);
		if (rc)
			return rc;
	}
	if (c->actor->role == ROLE_CLIENT && engine__gold_hidden(e, it, id))
		return engine__fail(c, ERR_NOTFOUND, "no item %lld", (long long)id);
	*verdict = engine__scope_item(e, c, act, r.client_id, r.engagement_id,
				      it && it->state == ITEM_ASSIGNED ? it->worker_id : 0);
	if (*verdict == POLICY_HIDE)
		return engine__fail(c, ERR_NOTFOUND, "no item %lld", (long long)id);
	*out = it;
	*closed = r.state;
	return 0;
}

/*
 * The item for a transition, or an error: engine__item_scope's, then 409
 * with its state when it is closed (workers: stale), then 403 when the
 * policy forbids act on this item (a client approving BPO work).
 */
static int find_open_item(struct engine *e, struct cmd *c, enum policy_action act,
			  struct live_item **out)
{
	struct live_item *it = NULL;
	enum policy_verdict v;
	enum item_state closed = ITEM_QUEUED; /* set by engine__item_scope on 0 (gcc -O3 cannot see it) */
	int rc = engine__item_scope(e, c, act, c->u.op.item_id, &it, &closed, &v);

	if (rc)
		return rc;
	if (!it)
		return engine__conflict(c, c->actor->role == ROLE_WORKER ? ERR_STALE : ERR_CONFLICT,
					closed, "the item is closed");
	if (v == POLICY_FORBID)
		return engine__scope_forbidden(c, act);
	*out = it;
	return 0;
}

/* item.submit's result against the engagement's declared result fields (none: any JSON). */
static int result_checked(struct engine *e, struct cmd *c, const struct live_item *it,
			  const char *result)
{
	struct live_engagement *le = idmap_get(&e->st.engagements, it->engagement_id);

	return le ? engine__fields_check(c, le->result_fs, "result", result) : 0;
}

/*
 * One transition of an open item: find it, ask the policy, step, apply.
 * reason_for names the action in the refusal when it needs a reason.
 */
static int item_ready(struct engine *e, struct cmd *c, struct item_step *s,
		      enum policy_action act, const char *reason_for, struct live_item **out)
{
	struct live_item *it = NULL;
	int rc;

	if ((rc = find_open_item(e, c, act, &it)))
		return rc;
	if (reason_for && (!c->u.op.reason || !*c->u.op.reason))
		return engine__fail(c, ERR_INVALID, "%s needs a reason", reason_for);
	/* KPO work: the review chain's order and parties (kpo.c). */
	if ((rc = engine__kpo_check(e, c, it, s->act)))
		return rc;
	s->reason = c->u.op.reason; /* plain text: the store writes the detail {"reason": ...} */
	*out = it;
	return 0;
}

static int item_go(struct engine *e, struct cmd *c, struct live_item *it, struct item_step *s,
		   int64_t now)
{
	enum item_state to;
	int rc = engine__step(e, c, it, s, now, &to);

	if (!rc)
		engine__step_apply(e, it, s, to);
	return rc;
}

static int item_op(struct engine *e, struct cmd *c, int64_t now, struct item_step *s,
		   enum policy_action act, const char *reason_for)
{
	struct live_item *it = NULL;
	int rc = item_ready(e, c, s, act, reason_for, &it);

	return rc ? rc : item_go(e, c, it, s, now);
}

/*
 * item.submit: the worker holding the lease, with its epoch, before the
 * deadline. The declared result fields are checked first; then each quality
 * flow has one call here, in the order of docs/architecture.md (keying:
 * an answer of a multi-keyed item, or its decided result; review sampling,
 * which keeps out of KPO work: its chain is kpo.c's); 1 = the flow did the
 * submit.
 */
int engine__item_submit(struct engine *e, struct cmd *c, int64_t now)
{
	struct item_step s = {.act = ACT_SUBMIT, .result = c->u.op.result_json};
	struct live_item *it = NULL;
	int rc = item_ready(e, c, &s, POL_ITEM_SUBMIT, NULL, &it);

	if (rc)
		return rc;
	if (it->state != ITEM_ASSIGNED || it->worker_id != c->actor->worker_id ||
	    it->epoch != c->u.op.epoch || now >= it->lease_expires)
		return engine__conflict(c, ERR_STALE, it->state,
					"your lease on this item is stale or has expired");
	/*
	 * A result that breaks the engagement's declared fields: nothing stored, the
	 * lease kept. An adjudicator may send only the differing fields, so its part
	 * is checked once keying has merged it over the agreed ones (below).
	 */
	if (!engine__keying_adjudicating(it) && (rc = result_checked(e, c, it, s.result)))
		return rc;
	/* A gold instance: scored against its known result and closed (gold.c). */
	if ((rc = engine__gold_submit(e, c, now)))
		return rc < 0 ? rc : 0;
	if ((rc = engine__keying_submit(e, c, it, &s, now)))
		return rc < 0 ? rc : 0;
	if (s.result != c->u.op.result_json && (rc = result_checked(e, c, it, s.result)))
		goto reload;
	if (!engine__kpo_engagement(e, it->engagement_id) &&
	    (rc = engine__review_submit(e, c, it, &s, now))) {
		if (rc > 0)
			return 0;
		goto reload;
	}
	if (!(rc = item_go(e, c, it, &s, now)))
		return 0;
reload:
	/* Keying decided in memory ahead of this step: a failure rebuilds memory from the store. */
	if (it->keying)
		e->st.need_reload = 1;
	return rc;
}

/* item.review: staff; for KPO engagements also the client's users */
int engine__item_review(struct engine *e, struct cmd *c, int64_t now)
{
	struct item_step s = {.act = ACT_REVIEW,
			      .refused = "only submitted work can be taken into review"};

	return item_op(e, c, now, &s, POL_ITEM_REVIEW, NULL);
}

/* item.accept: as review */
int engine__item_accept(struct engine *e, struct cmd *c, int64_t now)
{
	struct item_step s = {.act = ACT_ACCEPT, .refused = "only submitted work can be accepted"};

	return item_op(e, c, now, &s, POL_ITEM_REVIEW, NULL);
}

/* item.rework: as review, with a reason, and a defect code when the engagement has codes */
int engine__item_rework(struct engine *e, struct cmd *c, int64_t now)
{
	struct item_step s = {.act = ACT_REWORK};
	struct live_item *it = NULL;
	int rc = item_ready(e, c, &s, POL_ITEM_REVIEW, "rework", &it);

	/* With the engagement's defect codes, in the event's detail (engine/review.c). */
	return rc ? rc : engine__review_rework(e, c, it, now);
}

/* item.fail: staff, with a reason: an open item the workflow cannot finish */
int engine__item_fail(struct engine *e, struct cmd *c, int64_t now)
{
	struct item_step s = {.act = ACT_FAIL};

	return item_op(e, c, now, &s, POL_ITEM_FAIL, "failing an item");
}

/* item.cancel: staff, client (own items) */
int engine__item_cancel(struct engine *e, struct cmd *c, int64_t now)
{
	struct item_step s = {.act = ACT_CANCEL};

	return item_op(e, c, now, &s, POL_ITEM_CANCEL, NULL);
}

/*
 * item.renew: the worker holding the lease, with its epoch, before the
 * deadline. The lease runs the engagement's lease length from now, but never
 * past lease_max_ms from when it began; a lease already at that maximum is
 * refused (409), so the worker knows to submit or let it go.
 */
int engine__item_renew(struct engine *e, struct cmd *c, int64_t now)
{
	struct item_step s = {.act = ACT_RENEW};
	struct live_engagement *le;
	struct live_item *it = NULL;
	enum item_state to;
	int64_t until, cap;
	int rc;

	if ((rc = find_open_item(e, c, POL_ITEM_RENEW, &it)))
		return rc;
	if (it->state != ITEM_ASSIGNED || it->worker_id != c->actor->worker_id ||
	    it->epoch != c->u.op.epoch || now >= it->lease_expires)
		return engine__conflict(c, ERR_STALE, it->state,
					"your lease on this item is stale or has expired");
	le = idmap_get(&e->st.engagements, it->engagement_id);
	if (!le)
		return ERR_INTERNAL;
	until = now + le->rec.lease_ms;
	cap = it->lease_started + le->rec.lease_max_ms;
	if (until > cap)
		until = cap;
	if (until <= it->lease_expires)
		return engine__fail(c, ERR_CONFLICT,
				    "the lease has reached its maximum of %lld s from its start "
				    "(lease_max_seconds of engagement %lld): submit the work, or it "
				    "returns to the queue at its deadline",
				    (long long)(le->rec.lease_max_ms / 1000), (long long)le->rec.id);
	s.worker_id = it->worker_id;
	s.epoch = it->epoch;
	s.lease_expires = until;
	s.lease_started = it->lease_started;
	rc = engine__step(e, c, it, &s, now, &to);
	if (!rc)
		engine__step_apply(e, it, &s, to);
	return rc;
}
