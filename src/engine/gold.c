/* gold.c - gold items in work.next (mixing, suspension, preference) and in the submit (scoring). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fields.h"
#include "core/route.h"
#include "engine/gold_int.h"
#include "util/err.h"

/* ================================================================
 * work.next
 * ================================================================ */

/* A better worker than wid could take the engagement's work now (the routing preference). */
static bool better_available(struct engine *e, const struct live_gold *g,
			     const struct live_engagement *le, int64_t wid, int64_t now)
{
	double bar = g->gs.threshold + g->gs.margin;
	int64_t id;
	void *v;

	for (size_t i = 0; idmap_next(&g->workers, &i, &id, &v);) {
		const struct gold_worker *gw = v;
		const struct live_worker *lw;

		if (id == wid || gw->t.state != GOLD_QUALIFIED || gold_tally_lower(&gw->t) < bar)
			continue;
		lw = idmap_get(&e->st.workers, id);
		if (lw && route_has_room(&lw->rec, lw->load) &&
		    route_qualified(&lw->rec, &le->rec, now) && !engine__walled(lw, &le->rec, now))
			return true;
	}
	return false;
}

int engine__gold_route(struct engine *e, const struct live_worker *lw,
		       const struct live_engagement *le, int64_t now, int64_t *min_wait_ms)
{
	const struct live_gold *g = le->gold;
	const struct gold_worker *gw;

	if (!checked(g))
		return 1;
	gw = idmap_get(&g->workers, lw->rec.id);
	if (gw && gw->t.state != GOLD_QUALIFIED)
		return 0;
	if (g->gs.prefer_ms <= 0 ||
	    (gw && gold_tally_lower(&gw->t) >= g->gs.threshold + g->gs.margin))
		return 1;
	if (!better_available(e, g, le, lw->rec.id, now))
		return 1;
	*min_wait_ms = g->gs.prefer_ms;
	return 2;
}

/* store_event_cb: the actor of an item's first event (its create); stops the walk. */
static int first_actor(void *ctx, const struct event_rec *ev)
{
	*(int64_t *)ctx = ev->actor_user_id;
	return 1;
}

/*
 * The create event of an instance as the template's reads: at the template's
 * creation, by its creator (0 when it is not committed yet), so the history a
 * worker reads of its lease looks like an ordinary item's. The audit event is
 * the engine's (actor 0) at now: the trail says what happened.
 */
static int instance_created(struct engine *e, const struct live_item *it,
			    const struct live_item *tmpl, int64_t now)
{
	struct event_rec ev;
	int64_t actor = 0;
	int rc;

	if (tmpl && (rc = store_item_history(e->store, tmpl->ri.id, first_actor, &actor)) &&
	    rc != 1 && rc != ERR_NOTFOUND)
		return rc;
	memset(&ev, 0, sizeof(ev));
	ev.item_id = it->ri.id;
	ev.at = it->ri.since;
	snprintf(ev.action, sizeof(ev.action), "%s", item_action_name(ACT_CREATE));
	ev.from_state = ITEM_STATE__COUNT;
	ev.to_state = ITEM_QUEUED;
	ev.actor_user_id = actor;
	if ((rc = store_event_insert(e->store, &ev)))
		return rc;
	return engine__audit_append(e, NULL, "item.create", "item", it->ri.id, it->client_id, now);
}

/*
 * A fresh item made from one of the engagement's gold items for the worker:
 * one it was not given yet while there is one (from a keyed position, so
 * workers are not all given the same first), queued like any new item and
 * indistinguishable from one but by its hidden gold_id. It takes the
 * priority, creation and due time of tmpl (the ordinary item it stands in
 * for, or the engagement's queue head; NULL: now and the SLA), so nothing
 * in what the worker reads (created_at equal to its lease start) sets it apart.
 */
static int instance(struct engine *e, struct live_engagement *le, struct live_gold *g,
		    struct gold_worker *gw, int64_t wid, const struct live_item *tmpl,
		    struct live_item **out)
{
	int64_t now = engine__now(e), gid;
	uint64_t start = gold_jitter(g->gs.salt, le->rec.id, wid, -1 - gw->assigned);
	struct live_item *it = NULL;
	struct gold_rec gr;
	struct item_rec r;
	int rc;

	gid = g->ids[start % g->n_ids];
	for (size_t i = 0; i < g->n_ids; i++) {
		int64_t cand = g->ids[(start + i) % g->n_ids];

		if (!seen(gw, cand)) {
			gid = cand;
			break;
		}
	}
	if (gid <= 0 || gid > UINT32_MAX)
		return ERR_INTERNAL; /* live_item.gold_id is 32 bits */
	if ((rc = store_gold_get(e->store, gid, true, &gr)))
		return rc == ERR_NOTFOUND ? ERR_INTERNAL : rc;
	if (!(it = engine__item_new(&e->st)) ||
	    (gr.external_ref[0] && !(it->external_ref = strdup(gr.external_ref))) ||
	    seen_add(gw, gid)) {
		rc = ERR_NOMEM;
		goto fail;
	}
	memset(&r, 0, sizeof(r));
	r.engagement_id = le->rec.id;
	r.client_id = le->rec.client_id;
	/* no external_ref yet: store_item_set_gold copies the gold item's, out of the
	 * ordinary items' UNIQUE (engagement_id, external_ref) once gold_id is set */
	r.priority = tmpl ? tmpl->ri.priority : le->rec.default_priority;
	r.created_at = tmpl ? tmpl->ri.since : now;
	r.due_at = tmpl ? tmpl->ri.due_at : now + le->rec.sla_ms;
	r.state = ITEM_QUEUED;
	r.payload = gr.payload;
	if ((rc = store_item_insert(e->store, &r)) ||
	    (rc = store_item_set_gold(e->store, r.id, gid)))
		goto fail;
	it->ri.id = r.id;
	it->ri.priority = r.priority;
	it->ri.due_at = r.due_at;
	it->ri.since = r.created_at;
	it->engagement_id = r.engagement_id;
	it->client_id = r.client_id;
	it->state = ITEM_QUEUED;
	it->gold_id = (uint32_t)gid;
	if ((rc = instance_created(e, it, tmpl, now)))
		goto fail;
	gold_rec_release(&gr);
	/* Only an I/O failure can follow, and it reloads live state from the store. */
	if (idtable_add(&e->st.items, it)) {
		e->st.need_reload = 1;
		engine__item_free(&e->st, it);
		return ERR_NOMEM;
	}
	e->st.n_queued++;
	if (engine__queue_push(&e->st, it, now))
		e->st.need_reload = 1;
	*out = it;
	return 0;
fail:
	gold_rec_release(&gr);
	if (it)
		engine__item_free(&e->st, it);
	return rc;
}

/* The engagement where wid answers qualification items now, or NULL. */
static struct live_engagement *qualifying(struct engine *e, const struct live_worker *lw,
					  int64_t now)
{
	int64_t id;
	void *v;

	for (size_t i = 0; idmap_next(&e->st.engagements, &i, &id, &v);) {
		struct live_engagement *le = v;
		const struct gold_worker *gw;

		if (!checked(le->gold) || !le->gold->n_ids ||
		    !(gw = idmap_get(&le->gold->workers, lw->rec.id)) ||
		    gw->t.state != GOLD_QUALIFYING)
			continue;
		if (engine__engagement_open(e, le) && route_qualified(&lw->rec, &le->rec, now) &&
		    !engine__walled(lw, &le->rec, now))
			return le;
	}
	return NULL;
}

int engine__gold_next(struct engine *e, struct cmd *c, struct live_worker *lw,
		      struct live_engagement **ple, struct live_item **pit, int64_t now)
{
	struct live_engagement *le = qualifying(e, lw, now);
	int64_t wid = lw->rec.id;
	struct gold_worker *gw;
	bool slot;
	int rc;

	(void)c;
	/* A worker in qualification answers its qualification items first. */
	if (le) {
		gw = idmap_get(&le->gold->workers, wid);
		if ((rc = instance(e, le, le->gold, gw, wid,
				   engine__queue_head(&e->st, le, now), pit)))
			return rc;
		*ple = le;
		return 0;
	}
	le = *ple;
	if (!*pit || !le || !checked(le->gold))
		return 0;
	if (!(gw = worker_of(le->gold, wid)))
		return ERR_NOMEM;
	slot = le->gold->n_ids && gold_slot(&le->gold->gs, wid, gw->assigned);
	gw->assigned++;
	rc = store_gold_worker_put(
	    e->store, &(struct gold_worker_rec){le->rec.id, wid, gw->assigned, gw->reset_at});
	if (rc || !slot)
		return rc;
	return instance(e, le, le->gold, gw, wid, *pit, pit);
}

int engine__gold_explain(struct engine *e, struct cmd *c, const struct live_worker *lw, int64_t now)
{
	int64_t id;
	void *v;

	for (size_t i = 0; idmap_next(&e->st.engagements, &i, &id, &v);) {
		const struct live_engagement *le = v;
		const struct live_item *head = engine__queue_head(&e->st, le, now);
		const struct gold_worker *gw;
		int64_t min_wait = 0;
		int g;

		if (!head || !checked(le->gold) || !engine__engagement_open(e, le) ||
		    !route_qualified(&lw->rec, &le->rec, now) || engine__walled(lw, &le->rec, now))
			continue;
		/* Held back: suspended, or the head too young for this worker by the preference. */
		g = engine__gold_route(e, lw, le, now, &min_wait);
		if (g == 1 || (g == 2 && now - head->ri.since >= min_wait))
			continue;
		gw = idmap_get(&le->gold->workers, lw->rec.id);
		if (gw && gw->t.state != GOLD_QUALIFIED) {
			c->result.none_reason = ROUTE_GOLD_SUSPENDED;
			snprintf(
			    c->result.none_message, sizeof(c->result.none_message),
			    "suspended from engagement %lld: the worker's accuracy on its checks "
			    "(Wilson lower bound %.3f over %lld answers) fell under its threshold "
			    "%.3f; a manager re-qualifies it%s",
			    (long long)le->rec.id, gold_tally_lower(&gw->t), (long long)gw->t.n,
			    le->gold->gs.threshold,
			    gw->t.state == GOLD_QUALIFYING ? ", or it answers qualification items"
							   : "");
		} else {
			c->result.none_reason = ROUTE_GOLD_PREFERRED;
			snprintf(
			    c->result.none_message, sizeof(c->result.none_message),
			    "engagement %lld's work goes first to workers whose accuracy lower "
			    "bound is at least %.3f; the worker's is %.3f: it gets an item once "
			    "the item waited %lld s",
			    (long long)le->rec.id, le->gold->gs.threshold + le->gold->gs.margin,
			    gw ? gold_tally_lower(&gw->t) : 0.0,
			    (long long)(le->gold->gs.prefer_ms / 1000));
		}
		return 1;
	}
	return 0;
}

/* ================================================================
 * Submit
 * ================================================================ */

/* The answer against the known result, field by field (the engagement's result fields). */
static bool correct(const struct live_engagement *le, const char *known, const char *answer)
{
	struct field_diff *d = malloc(sizeof(*d));
	bool ok;

	if (!d)
		return false;
	ok = known && answer && !fieldset_compare(le->result_fs, known, answer, d) && !d->n_diff;
	free(d);
	return ok;
}

int engine__gold_submit(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_item *it = idtable_get(&e->st.items, c->u.op.item_id);
	struct item_step s = {.act = ACT_SUBMIT, .result = c->u.op.result_json};
	struct item_step close = {.act = ACT_ACCEPT};
	struct live_engagement *le;
	struct quality_obs o;
	struct gold_worker *gw;
	struct gold_rec gr;
	enum item_state to;
	int rc;

	/* Anything but a valid submit of an instance: the ordinary path answers, as for any item.
	 */
	if (!it || !it->gold_id || it->state != ITEM_ASSIGNED ||
	    it->worker_id != c->actor->worker_id || it->epoch != c->u.op.epoch ||
	    now >= it->lease_expires ||
	    engine__scope_item(e, c, POL_ITEM_SUBMIT, it->client_id, it->engagement_id,
			       it->worker_id) != POLICY_ALLOW ||
	    !(le = idmap_get(&e->st.engagements, it->engagement_id)))
		return 0;
	if (!gold_of(le) || !(gw = worker_of(le->gold, it->worker_id)))
		return ERR_NOMEM;
	if ((rc = store_gold_get(e->store, it->gold_id, true, &gr)))
		return rc == ERR_NOTFOUND ? 0 : rc;
	memset(&o, 0, sizeof(o));
	o.at = now;
	o.engagement_id = le->rec.id;
	o.worker_id = it->worker_id;
	o.item_id = it->ri.id;
	o.kind = QOBS_GOLD;
	o.ok = correct(le, gr.result, c->u.op.result_json);
	gold_rec_release(&gr);
	/* The submit as any other (its answer is the worker's), then the engine closes it. */
	if ((rc = engine__step(e, c, it, &s, now, &to)) ||
	    (rc = store_quality_obs_add(e->store, &o)))
		return rc;
	engine__step_apply(e, it, &s, to);
	if ((rc = engine__step(e, NULL, it, &close, now, &to)))
		return rc;
	if (le->gold->has_settings)
		gold_tally_answer(&gw->t, &le->gold->gs, o.ok, now);
	engine__step_apply(e, it, &close, to);
	return 1;
}

bool engine__gold_hidden(struct engine *e, const struct live_item *it, int64_t item_id)
{
	int64_t gid = 0;

	if (it)
		return it->gold_id != 0;
	/* A closed item: committed (instances close by a submit in an earlier batch). */
	return !store_item_gold(e->store, item_id, &gid) && gid != 0;
}
