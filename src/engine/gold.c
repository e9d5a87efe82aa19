/* gold.c - gold items in the engine: loading, mixing into work.next, scoring submits, suspension. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/fields.h"
#include "core/route.h"
#include "engine/engine_int.h"
#include "util/err.h"

/*
 * Live state of an engagement's gold (docs/api.md "Gold items"): its
 * settings, its active gold items' ids, and per worker the tally
 * (core/gold.h), the mixing rule's counter and the gold items it was given.
 * Everything here is rebuilt at recovery: settings, items, counters and the
 * last hand re-qualification from their tables, who was given what from the
 * instances (items.gold_id), and the tallies by replaying the QOBS_GOLD
 * quality observations after each worker's last re-qualification by hand.
 */
struct gold_worker {
	struct gold_tally t;
	int64_t assigned, reset_at;
	int64_t *seen; /* gold ids given to this worker, any order */
	size_t n_seen, cap_seen;
};

struct live_gold {
	struct gold_settings gs;
	bool has_settings;
	int64_t *ids; /* active gold items, ascending */
	size_t n_ids, cap_ids;
	struct idmap workers; /* worker id -> struct gold_worker */
};

/* Gold applies: settings with a rate. (Suspension stands with no gold item left.) */
static bool checked(const struct live_gold *g)
{
	return g && g->has_settings && g->gs.rate > 0;
}

static struct live_gold *gold_of(struct live_engagement *le)
{
	if (!le->gold)
		le->gold = calloc(1, sizeof(*le->gold));
	return le->gold;
}

static struct gold_worker *worker_of(struct live_gold *g, int64_t wid)
{
	struct gold_worker *gw = idmap_get(&g->workers, wid);

	if (gw)
		return gw;
	if (!(gw = calloc(1, sizeof(*gw))))
		return NULL;
	if (idmap_put(&g->workers, wid, gw)) {
		free(gw);
		return NULL;
	}
	return gw;
}

static bool seen(const struct gold_worker *gw, int64_t gid)
{
	for (size_t i = 0; i < gw->n_seen; i++)
		if (gw->seen[i] == gid)
			return true;
	return false;
}

static int seen_add(struct gold_worker *gw, int64_t gid)
{
	if (seen(gw, gid))
		return 0;
	if (gw->n_seen == gw->cap_seen) {
		size_t cap = gw->cap_seen ? 2 * gw->cap_seen : 8;
		int64_t *v = realloc(gw->seen, cap * sizeof(*v));

		if (!v)
			return ERR_NOMEM;
		gw->seen = v;
		gw->cap_seen = cap;
	}
	gw->seen[gw->n_seen++] = gid;
	return 0;
}

static int ids_reserve(struct live_gold *g, size_t more)
{
	size_t cap = g->cap_ids ? g->cap_ids : 16;
	int64_t *v;

	while (cap < g->n_ids + more)
		cap *= 2;
	if (cap == g->cap_ids)
		return 0;
	if (!(v = realloc(g->ids, cap * sizeof(*v))))
		return ERR_NOMEM;
	g->ids = v;
	g->cap_ids = cap;
	return 0;
}

/* Inserts gid in order (room reserved). */
static void ids_insert(struct live_gold *g, int64_t gid)
{
	size_t i = g->n_ids;

	while (i > 0 && g->ids[i - 1] > gid)
		i--;
	if (i > 0 && g->ids[i - 1] == gid)
		return;
	memmove(&g->ids[i + 1], &g->ids[i], (g->n_ids - i) * sizeof(*g->ids));
	g->ids[i] = gid;
	g->n_ids++;
}

static void ids_remove(struct live_gold *g, int64_t gid)
{
	for (size_t i = 0; i < g->n_ids; i++)
		if (g->ids[i] == gid) {
			memmove(&g->ids[i], &g->ids[i + 1], (g->n_ids - i - 1) * sizeof(*g->ids));
			g->n_ids--;
			return;
		}
}

static int manage_allowed(struct cmd *c)
{
	return policy_check(c->actor, POL_GOLD_MANAGE, NULL) == POLICY_FORBID ? ERR_FORBIDDEN : 0;
}

static struct live_engagement *engagement_of(struct engine *e, struct cmd *c, int *rc)
{
	struct live_engagement *le = idmap_get(&e->st.engagements, c->u.gold.engagement_id);

	*rc = le ? 0
		 : engine__fail(c, ERR_NOTFOUND, "no engagement %lld",
				(long long)c->u.gold.engagement_id);
	return le;
}

/* ================================================================
 * Commands
 * ================================================================ */

/* The i-th item's three texts in c->u.gold.texts. 0 or ERR_INVALID (cut short). */
static int texts_at(const struct cmd *c, const char **pos, const char *out[3])
{
	const char *end = c->u.gold.texts + c->u.gold.len;

	for (int k = 0; k < 3; k++) {
		const char *z = *pos < end ? memchr(*pos, '\0', (size_t)(end - *pos)) : NULL;

		if (!z)
			return ERR_INVALID;
		out[k] = *pos;
		*pos = z + 1;
	}
	return 0;
}

/* A payload or result against the engagement's declared fields (none declared: any JSON). */
static int fields_ok(struct cmd *c, const struct fieldset *fs, size_t i, const char *what,
		     const char *doc)
{
	struct buf err = BUF_INIT;
	int rc;

	if (!fs)
		return 0;
	rc = fieldset_check(fs, doc, &err);
	if (rc)
		engine__fail(c, rc, "gold item %zu: %s: %s", i + 1, what,
			     err.len ? buf_str(&err) : err_message(rc));
	buf_release(&err);
	return rc;
}

/* gold.create: staff; n gold items into an engagement, ids consecutive from result.id. */
int engine__gold_add(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_engagement *le;
	struct live_gold *g;
	const char *pos, *t[3];
	int64_t first = 0;
	int rc;

	if ((rc = manage_allowed(c)) || !(le = engagement_of(e, c, &rc)))
		return rc;
	if (!c->u.gold.n || c->u.gold.n > GOLD_LOAD_MAX || !c->u.gold.texts)
		return engine__fail(c, ERR_INVALID, "a load takes 1 to %d gold items", GOLD_LOAD_MAX);
	pos = c->u.gold.texts;
	for (size_t i = 0; i < c->u.gold.n; i++) {
		if (texts_at(c, &pos, t))
			return engine__fail(c, ERR_INVALID, "gold item %zu is cut short", i + 1);
		if ((rc = fields_ok(c, le->payload_fs, i, "payload", t[0])) ||
		    (rc = fields_ok(c, le->result_fs, i, "result", t[1])))
			return rc;
	}
	if (!(g = gold_of(le)) || ids_reserve(g, c->u.gold.n))
		return ERR_NOMEM;
	pos = c->u.gold.texts;
	for (size_t i = 0; i < c->u.gold.n; i++) {
		struct gold_rec r = {.engagement_id = le->rec.id,
				     .client_id = le->rec.client_id,
				     .active = true,
				     .created_at = now};

		texts_at(c, &pos, t);
		r.payload = (char *)t[0];
		r.result = (char *)t[1];
		snprintf(r.external_ref, sizeof(r.external_ref), "%s", t[2]);
		if ((rc = store_gold_insert(e->store, &r)) ||
		    (rc = engine__audit_append(e, c, "gold.create", "gold_item", r.id,
					       le->rec.client_id, now)))
			return rc;
		if (!first)
			first = r.id;
	}
	if ((rc = engine__done(e, c, CMD_OUT_CREATED, first, now)))
		return rc;
	for (size_t i = 0; i < c->u.gold.n; i++)
		ids_insert(g, first + (int64_t)i);
	return 0;
}

/* gold.deactivate / gold.activate: staff; an item of the engagement leaves or rejoins the mix. */
int engine__gold_active(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_engagement *le;
	struct live_gold *g;
	struct gold_rec r;
	int rc;

	if ((rc = manage_allowed(c)) || !(le = engagement_of(e, c, &rc)))
		return rc;
	rc = store_gold_get(e->store, c->u.gold.gold_id, false, &r);
	if (rc == ERR_NOTFOUND || (!rc && r.engagement_id != le->rec.id))
		return engine__fail(c, ERR_NOTFOUND, "no gold item %lld in engagement %lld",
				    (long long)c->u.gold.gold_id, (long long)le->rec.id);
	if (rc)
		return rc;
	if (!(g = gold_of(le)) || ids_reserve(g, 1))
		return ERR_NOMEM;
	if ((rc = store_gold_set_active(e->store, r.id, c->u.gold.active)) ||
	    (rc = engine__record_done(e, c, CMD_OUT_OK,
				      c->u.gold.active ? "gold.activate" : "gold.deactivate",
				      "gold_item", r.id, le->rec.client_id, now)))
		return rc;
	if (c->u.gold.active)
		ids_insert(g, r.id);
	else
		ids_remove(g, r.id);
	return 0;
}

/* gold.settings: staff; the salt of the mixing rule is made once and kept. */
int engine__gold_settings(struct engine *e, struct cmd *c, int64_t now)
{
	struct gold_settings gs = c->u.gold.settings;
	struct live_engagement *le;
	struct live_gold *g;
	int rc;

	if ((rc = manage_allowed(c)) || !(le = engagement_of(e, c, &rc)))
		return rc;
	if (!(g = gold_of(le)))
		return ERR_NOMEM;
	gs.engagement_id = le->rec.id;
	gs.updated_at = now;
	if (g->has_settings)
		gs.salt = g->gs.salt;
	else if (getrandom(&gs.salt, sizeof(gs.salt), 0) != (ssize_t)sizeof(gs.salt))
		return engine__fail(c, ERR_IO, "no random bytes for the gold mixing key");
	if ((rc = store_gold_settings_put(e->store, &gs)) ||
	    (rc = engine__record_done(e, c, CMD_OUT_OK, "gold.settings", "engagement", le->rec.id,
				      le->rec.client_id, now)))
		return rc;
	g->gs = gs;
	g->has_settings = true;
	return 0;
}

/* gold.requalify: staff; a fresh window for the worker on the engagement, audited. */
int engine__gold_requalify(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_engagement *le;
	struct gold_worker *gw;
	struct live_gold *g;
	char detail[64];
	int rc;

	if ((rc = manage_allowed(c)) || !(le = engagement_of(e, c, &rc)))
		return rc;
	if (!idmap_get(&e->st.workers, c->u.gold.worker_id))
		return engine__fail(c, ERR_NOTFOUND, "no worker %lld",
				    (long long)c->u.gold.worker_id);
	if (!(g = gold_of(le)) || !(gw = worker_of(g, c->u.gold.worker_id)))
		return ERR_NOMEM;
	snprintf(detail, sizeof(detail), "{\"engagement_id\":%lld}", (long long)le->rec.id);
	rc = store_gold_worker_put(e->store, &(struct gold_worker_rec){le->rec.id,
								       c->u.gold.worker_id,
								       gw->assigned, now});
	if (!rc)
		rc = engine__audit_append_detail(e, c, "gold.requalify", "worker",
						 c->u.gold.worker_id, le->rec.client_id, detail,
						 now);
	if (!rc)
		rc = engine__done(e, c, CMD_OUT_OK, c->u.gold.worker_id, now);
	if (rc)
		return rc;
	gw->reset_at = now;
	gold_tally_reset(&gw->t);
	return 0;
}

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
		if (lw && route_has_room(&lw->rec, lw->load) && route_qualified(&lw->rec, &le->rec, now) &&
		    !engine__walled(lw, &le->rec, now))
			return true;
	}
	return false;
}

bool engine__gold_route(struct engine *e, const struct live_worker *lw,
			const struct live_engagement *le, const struct queue_entry *head, int64_t now)
{
	const struct live_gold *g = le->gold;
	const struct gold_worker *gw;
	const struct live_item *it = (const struct live_item *)head;

	if (!checked(g))
		return true;
	gw = idmap_get(&g->workers, lw->rec.id);
	if (gw && gw->t.state != GOLD_QUALIFIED)
		return false;
	if (g->gs.prefer_ms <= 0 || (gw && gold_tally_lower(&gw->t) >= g->gs.threshold + g->gs.margin))
		return true;
	if (now - it->created_at >= g->gs.prefer_ms)
		return true;
	return !better_available(e, g, le, lw->rec.id, now);
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

	if (tmpl && (rc = store_item_history(e->store, tmpl->qe.id, first_actor, &actor)) &&
	    rc != 1 && rc != ERR_NOTFOUND)
		return rc;
	memset(&ev, 0, sizeof(ev));
	ev.item_id = it->qe.id;
	ev.at = it->created_at;
	snprintf(ev.action, sizeof(ev.action), "%s", item_action_name(ACT_CREATE));
	ev.from_state = ITEM_STATE__COUNT;
	ev.to_state = ITEM_QUEUED;
	ev.actor_user_id = actor;
	if ((rc = store_event_insert(e->store, &ev)))
		return rc;
	return engine__audit_append(e, NULL, "item.create", "item", it->qe.id, it->client_id, now);
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
	if ((rc = store_gold_get(e->store, gid, true, &gr)))
		return rc == ERR_NOTFOUND ? ERR_INTERNAL : rc;
	if (!(it = calloc(1, sizeof(*it))) ||
	    (gr.external_ref[0] && !(it->external_ref = strdup(gr.external_ref))) ||
	    seen_add(gw, gid)) {
		rc = ERR_NOMEM;
		goto fail;
	}
	memset(&r, 0, sizeof(r));
	r.engagement_id = le->rec.id;
	r.client_id = le->rec.client_id;
	snprintf(r.external_ref, sizeof(r.external_ref), "%s", gr.external_ref);
	r.priority = tmpl ? tmpl->qe.priority : le->rec.default_priority;
	r.created_at = tmpl ? tmpl->created_at : now;
	r.due_at = tmpl ? tmpl->qe.due_at : now + le->rec.sla_ms;
	r.state = ITEM_QUEUED;
	r.payload = gr.payload;
	if ((rc = store_item_insert(e->store, &r)) || (rc = store_item_set_gold(e->store, r.id, gid)))
		goto fail;
	it->qe.id = r.id;
	it->qe.priority = r.priority;
	it->qe.due_at = r.due_at;
	it->qe.heap_idx = QUEUE_NOT_QUEUED;
	it->engagement_id = r.engagement_id;
	it->client_id = r.client_id;
	it->created_at = r.created_at;
	it->state = ITEM_QUEUED;
	it->gold_id = gid;
	if ((rc = instance_created(e, it, tmpl, now)))
		goto fail;
	gold_rec_release(&gr);
	/* Only an I/O failure can follow, and it reloads live state from the store. */
	if (idmap_put(&e->st.items, it->qe.id, it)) {
		e->st.need_reload = 1;
		free(it->external_ref);
		free(it);
		return ERR_NOMEM;
	}
	e->st.n_queued++;
	if (queue_push(&le->q, &it->qe))
		e->st.need_reload = 1;
	*out = it;
	return 0;
fail:
	gold_rec_release(&gr);
	if (it)
		free(it->external_ref);
	free(it);
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
				   (const struct live_item *)queue_peek(&le->q), pit)))
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
	rc = store_gold_worker_put(e->store, &(struct gold_worker_rec){le->rec.id, wid, gw->assigned,
								       gw->reset_at});
	if (rc || !slot)
		return rc;
	return instance(e, le, le->gold, gw, wid, *pit, pit);
}

int engine__gold_explain(struct engine *e, struct cmd *c, const struct live_worker *lw,
			 int64_t now)
{
	int64_t id;
	void *v;

	for (size_t i = 0; idmap_next(&e->st.engagements, &i, &id, &v);) {
		const struct live_engagement *le = v;
		const struct queue_entry *head = queue_peek(&le->q);
		const struct gold_worker *gw;

		if (!head || !checked(le->gold) || !engine__engagement_open(e, le) ||
		    !route_qualified(&lw->rec, &le->rec, now) || engine__walled(lw, &le->rec, now) ||
		    engine__gold_route(e, lw, le, head, now))
			continue;
		gw = idmap_get(&le->gold->workers, lw->rec.id);
		if (gw && gw->t.state != GOLD_QUALIFIED) {
			c->result.none_reason = ROUTE_GOLD_SUSPENDED;
			snprintf(c->result.none_message, sizeof(c->result.none_message),
				 "suspended from engagement %lld: the worker's accuracy on its checks "
				 "(Wilson lower bound %.3f over %lld answers) fell under its threshold "
				 "%.3f; a manager re-qualifies it%s",
				 (long long)le->rec.id, gold_tally_lower(&gw->t), (long long)gw->t.n,
				 le->gold->gs.threshold,
				 gw->t.state == GOLD_QUALIFYING ? ", or it answers qualification items"
								: "");
		} else {
			c->result.none_reason = ROUTE_GOLD_PREFERRED;
			snprintf(c->result.none_message, sizeof(c->result.none_message),
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
	struct live_item *it = idmap_get(&e->st.items, c->u.op.item_id);
	struct item_step s = {.act = ACT_SUBMIT, .result = c->u.op.result_json};
	struct item_step close = {.act = ACT_ACCEPT};
	struct live_engagement *le;
	struct quality_obs o;
	struct gold_worker *gw;
	struct gold_rec gr;
	enum item_state to;
	int rc;

	/* Anything but a valid submit of an instance: the ordinary path answers, as for any item. */
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
	o.item_id = it->qe.id;
	o.kind = QOBS_GOLD;
	o.ok = correct(le, gr.result, c->u.op.result_json);
	gold_rec_release(&gr);
	/* The submit as any other (its answer is the worker's), then the engine closes it. */
	if ((rc = engine__step(e, c, it, &s, now, &to)) || (rc = store_quality_obs_add(e->store, &o)))
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

/* ================================================================
 * Recovery
 * ================================================================ */

static int load_settings(void *ctx, const struct gold_settings *gs)
{
	struct live_engagement *le = idmap_get(&((struct engine_state *)ctx)->engagements,
					       gs->engagement_id);
	struct live_gold *g;

	if (!le)
		return 0;
	if (!(g = gold_of(le)))
		return ERR_NOMEM;
	g->gs = *gs;
	g->has_settings = true;
	return 0;
}

static int load_item(void *ctx, const struct gold_rec *r)
{
	struct live_engagement *le = idmap_get(&((struct engine_state *)ctx)->engagements,
					       r->engagement_id);
	struct live_gold *g;

	if (!le || !r->active)
		return 0;
	if (!(g = gold_of(le)) || ids_reserve(g, 1))
		return ERR_NOMEM;
	ids_insert(g, r->id);
	return 0;
}

/* The gold worker of (engagement, worker) in st, made if missing; NULL: no such engagement. */
static struct gold_worker *load_worker_of(struct engine_state *st, int64_t eid, int64_t wid,
					  struct live_gold **out, int *rc)
{
	struct live_engagement *le = idmap_get(&st->engagements, eid);
	struct gold_worker *gw = NULL;

	*rc = 0;
	if (!le || !wid)
		return NULL;
	if (!(*out = gold_of(le)) || !(gw = worker_of(*out, wid)))
		*rc = ERR_NOMEM;
	return gw;
}

static int load_counter(void *ctx, const struct gold_worker_rec *w)
{
	struct live_gold *g;
	int rc;
	struct gold_worker *gw = load_worker_of(ctx, w->engagement_id, w->worker_id, &g, &rc);

	if (gw) {
		gw->assigned = w->assigned;
		gw->reset_at = w->reset_at;
	}
	return rc;
}

static int load_instance(void *ctx, int64_t item_id, int64_t eid, int64_t wid, int64_t gid)
{
	struct engine_state *st = ctx;
	struct live_item *it = idmap_get(&st->items, item_id);
	struct live_gold *g;
	int rc;
	struct gold_worker *gw = load_worker_of(st, eid, wid, &g, &rc);

	if (it)
		it->gold_id = gid;
	return rc ? rc : gw ? seen_add(gw, gid) : 0;
}

static int load_obs(void *ctx, const struct quality_obs *o)
{
	struct live_gold *g;
	struct gold_worker *gw;
	int rc;

	if (o->kind != QOBS_GOLD)
		return 0;
	if (!(gw = load_worker_of(ctx, o->engagement_id, o->worker_id, &g, &rc)) || !g->has_settings)
		return rc;
	/* Before the last re-qualification by hand: in the totals only (the window is fresh). */
	if (o->at > gw->reset_at) {
		gold_tally_answer(&gw->t, &g->gs, o->ok, o->at);
	} else {
		gw->t.total_n++;
		gw->t.total_k += o->ok;
	}
	return 0;
}

int engine__gold_load(struct engine_state *st, struct store *s)
{
	int rc = store_gold_settings_each(s, load_settings, st);

	if (!rc)
		rc = store_gold_each(s, load_item, st);
	if (!rc)
		rc = store_gold_workers_each(s, 0, load_counter, st);
	if (!rc)
		rc = store_gold_instances_each(s, load_instance, st);
	if (!rc)
		rc = store_quality_obs_walk(s, 0, load_obs, st);
	return rc;
}

void engine__gold_release(struct engine_state *st)
{
	int64_t id, wid;
	void *v, *w;

	for (size_t i = 0; idmap_next(&st->engagements, &i, &id, &v);) {
		struct live_engagement *le = v;

		if (!le->gold)
			continue;
		for (size_t j = 0; idmap_next(&le->gold->workers, &j, &wid, &w);) {
			free(((struct gold_worker *)w)->seen);
			free(w);
		}
		idmap_release(&le->gold->workers);
		free(le->gold->ids);
		free(le->gold);
		le->gold = NULL;
	}
}
