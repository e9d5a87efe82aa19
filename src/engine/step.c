/* step.c - the steps commands share: errors, audit events, item transitions, the commit point. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"
#include "sec/audit.h"
#include "util/err.h"

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

int engine__fail(struct cmd *c, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->result.message, sizeof(c->result.message), fmt, ap);
	va_end(ap);
	return rc;
}

int engine__conflict(struct cmd *c, int rc, enum item_state st, const char *why)
{
	snprintf(c->result.message, sizeof(c->result.message), "%s", why);
	c->result.state = (int)st;
	return rc;
}

/* src into dst[size], cut to fit: snprintf's "%s" without its format parsing (every change). */
static void text_copy(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ------------------------------------------------------------------ */
/* Audit chain and the commit point                                    */
/* ------------------------------------------------------------------ */

int engine__audit_append(struct engine *e, const struct cmd *c, const char *action,
			 const char *rtype, int64_t rid, int64_t client_id, int64_t now)
{
	return engine__audit_append_detail(e, c, action, rtype, rid, client_id, NULL, now);
}

int engine__audit_append_detail(struct engine *e, const struct cmd *c, const char *action,
				const char *rtype, int64_t rid, int64_t client_id,
				const char *detail, int64_t now)
{
	struct audit_rec a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.seq = e->st.audit_seq + 1;
	a.at = now;
	a.actor_user_id = c ? c->actor->user_id : 0;
	text_copy(a.action, sizeof(a.action), action);
	text_copy(a.record_type, sizeof(a.record_type), rtype);
	a.record_id = rid;
	a.client_id = client_id;
	a.detail = (char *)detail;
	memcpy(a.prev_hash, e->st.audit_hash, 32);
	audit_hash(&a, a.hash);
	rc = store_audit_insert(e->store, &a);
	if (!rc)
		rc = engine__tree_add(e, &a);
	if (rc)
		return rc;
	e->st.audit_seq = a.seq;
	memcpy(e->st.audit_hash, a.hash, 32);
	return 0;
}

int engine__done(struct engine *e, struct cmd *c, enum cmd_outcome out, int64_t id, int64_t now)
{
	c->result.outcome = out;
	c->result.id = id;
	return engine__idem_record(e, c, now);
}

int engine__record_done(struct engine *e, struct cmd *c, enum cmd_outcome out, const char *action,
			const char *rtype, int64_t id, int64_t client_id, int64_t now)
{
	int rc = engine__audit_append(e, c, action, rtype, id, client_id, now);

	return rc ? rc : engine__done(e, c, out, id, now);
}

/* ------------------------------------------------------------------ */
/* Item transitions                                                    */
/* ------------------------------------------------------------------ */

void engine__item_rec(const struct live_item *it, struct item_rec *out)
{
	memset(out, 0, sizeof(*out));
	out->id = it->ri.id;
	out->engagement_id = it->engagement_id;
	out->client_id = it->client_id;
	if (it->external_ref) /* a copy, not snprintf: once per created item */
		memcpy(out->external_ref, it->external_ref,
		       strnlen(it->external_ref, sizeof(out->external_ref) - 1));
	out->priority = it->ri.priority;
	out->created_at = it->ri.since;
	out->due_at = it->ri.due_at;
	out->state = it->state;
	out->worker_id = it->worker_id;
	out->epoch = it->epoch;
	out->lease_expires = it->lease_expires;
	out->lease_started = it->lease_started;
	out->lease_weight = it->state == ITEM_ASSIGNED ? it->ri.weight : 0;
}

static int event_write(struct engine *e, const struct cmd *c, const struct live_item *it,
		       enum item_action act, int from, enum item_state to, int64_t worker_id,
		       int64_t epoch, const struct item_step *s, int64_t now)
{
	struct event_rec ev;

	memset(&ev, 0, sizeof(ev));
	ev.item_id = it->ri.id;
	ev.at = now;
	text_copy(ev.action, sizeof(ev.action), item_action_name(act));
	ev.from_state = (enum item_state)from;
	ev.to_state = to;
	ev.actor_user_id = c ? c->actor->user_id : 0;
	ev.worker_id = worker_id;
	ev.epoch = epoch;
	if (s && s->detail)
		ev.detail = (char *)s->detail;
	else if (s)
		ev.reason = s->reason;
	return store_event_insert(e->store, &ev);
}

/*
 * What the item holds after the step: a queued item has no worker, an
 * assigned one the new lease, anything else keeps its (last) worker.
 */
static void step_target(struct engine_state *st, const struct live_item *it,
			const struct item_step *s, enum item_state to, struct item_rec *r)
{
	engine__item_rec(it, r);
	r->state = to;
	r->lease_expires = 0;
	r->lease_started = 0;
	r->lease_weight = 0;
	if (to == ITEM_QUEUED) {
		r->worker_id = 0;
	} else if (to == ITEM_ASSIGNED) {
		r->worker_id = s->worker_id;
		r->epoch = s->epoch;
		r->lease_expires = s->lease_expires;
		r->lease_started = s->lease_started;
		if (it->state == ITEM_ASSIGNED) {
			r->lease_weight = it->ri.weight; /* a renewal keeps the lease and its weight */
		} else {
			/* Fixed at the take and stored, so a recovery counts the load it holds. */
			const struct live_worker *lw = idmap_get(&st->workers, s->worker_id);

			r->lease_weight = engine__item_weight(
			    idmap_get(&st->engagements, it->engagement_id),
			    lw ? lw->rec.capacity : 1);
		}
	}
}

/* Event, audit event, result and idempotent answer: the tail of every item step. */
static int step_record(struct engine *e, struct cmd *c, const struct live_item *it,
		       enum item_action act, int from, const struct item_rec *after,
		       int64_t event_worker, const struct item_step *s, int64_t now)
{
	/* An imported row: its batch's import_batches row and import.batch audit event stand
	 * for its create event and its item.create audit event (cmd_import.c). */
	bool batch = c && c->type == CMD_ITEM_CREATE && c->u.item_create.batch_audited;
	char action[MODEL_CODE_MAX];
	int rc = 0;

	if (!batch)
		rc = event_write(e, c, it, act, from, after->state, event_worker, after->epoch, s,
				 now);
	if (rc)
		return rc;
	memcpy(action, "item.", 5);
	text_copy(action + 5, sizeof(action) - 5, item_action_name(act));
	/* For an assign, this event is also the read: the worker receives the payload. */
	if (!batch)
		rc = engine__audit_append(e, c, action, "item", it->ri.id, it->client_id, now);
	if (rc || !c)
		return rc;
	c->result.has_item = true;
	c->result.item = *after;
	c->result.item.payload = NULL;
	c->result.item.result = NULL;
	return engine__done(e, c, act == ACT_CREATE ? CMD_OUT_CREATED : CMD_OUT_OK, it->ri.id, now);
}

/*
 * get-next's update answers the item as written (payload and result), kept in
 * the result: the answer needs no second read of the item on the HTTP thread.
 */
static int item_update_leased(struct engine *e, struct cmd *c, const struct item_rec *r)
{
	struct item_rec *out = malloc(sizeof(*out));
	int rc;

	if (!out)
		return ERR_NOMEM;
	rc = store_item_update_read(e->store, r, out);
	if (rc) {
		free(out);
		return rc;
	}
	if (c->result.leased)
		item_rec_release(c->result.leased);
	free(c->result.leased);
	c->result.leased = out;
	return 0;
}

int engine__step(struct engine *e, struct cmd *c, struct live_item *it, const struct item_step *s,
		 int64_t now, enum item_state *to)
{
	struct item_rec r;
	int rc;

	if (item_transition(it->state, s->act, to))
		return c ? engine__conflict(c, ERR_CONFLICT, it->state,
					    s->refused ? s->refused
						       : "the item's state refuses this")
			 : ERR_CONFLICT;
	step_target(&e->st, it, s, *to, &r);
	r.result = (char *)s->result;
	/* A step that keeps the worker (submit, accept, a renewal) leaves its index entry be. */
	if (r.worker_id == it->worker_id)
		rc = store_item_update_state(e->store, &r);
	else if (c && c->type == CMD_ITEM_NEXT && c->want_leased && s->act == ACT_ASSIGN)
		rc = item_update_leased(e, c, &r);
	else
		rc = store_item_update(e->store, &r);
	/* A lease that ends is a time entry, in the same savepoint (time.c). */
	if (!rc && it->state == ITEM_ASSIGNED && *to != ITEM_ASSIGNED)
		rc = engine__time_lease_end(e, it, now);
	if (rc)
		return rc;
	/* The event names the worker concerned: the new holder, or the one it leaves. */
	rc = step_record(e, c, it, s->act, (int)it->state, &r,
			 r.worker_id ? r.worker_id : it->worker_id, s, now);
	/* Webhooks' outbox rows, in the same savepoint as the change (outbox.c). */
	if (!rc)
		rc = engine__outbox_item(e, it, s->act, *to, now);
	/* release.c: a lease ended (wrap-up, idle since), an item closed (its offer, exclusions). */
	return rc ? rc : engine__states_step(e, it, s, *to, now);
}

int engine__step_create(struct engine *e, struct cmd *c, struct live_item *it, int64_t now)
{
	struct item_rec r;

	engine__item_rec(it, &r);
	return step_record(e, c, it, ACT_CREATE, -1, &r, 0, NULL, now);
}

/* The counter of items in state s, or NULL for the states not counted. */
static uint64_t *state_count(struct engine_state *st, enum item_state s)
{
	return s == ITEM_QUEUED ? &st->n_queued : s == ITEM_ASSIGNED ? &st->n_assigned : NULL;
}

void engine__step_apply(struct engine *e, struct live_item *it, const struct item_step *s,
			enum item_state to)
{
	struct engine_state *st = &e->st;
	struct live_engagement *le = idmap_get(&st->engagements, it->engagement_id);
	struct live_worker *lw;
	enum item_state from = it->state;
	uint64_t *n;
	struct item_rec r;

	step_target(st, it, s, to, &r);
	engine__dash_step(e, it, s->act, to, engine__now(e));
	if (it->state == ITEM_QUEUED && to != ITEM_QUEUED)
		engine__queue_remove(st, it); /* both of its engagement's queues (route_index.c) */
	if (it->state == ITEM_ASSIGNED && to != ITEM_ASSIGNED) {
		lw = idmap_get(&st->workers, it->worker_id);
		if (lw)
			engine__load_add(st, lw, -(int)it->ri.weight);
		/* A submit is work for the client (the ethical wall); an expiry is not. */
		if (lw && (s->act == ACT_SUBMIT || s->act == ACT_KEY))
			engine__worked(lw, it->client_id, engine__now(e));
	}
	if ((n = state_count(st, it->state)))
		(*n)--;
	if ((n = state_count(st, to)))
		(*n)++;
	it->state = to;
	it->worker_id = r.worker_id;
	it->epoch = r.epoch;
	it->lease_expires = r.lease_expires;
	it->lease_started = r.lease_started;
	if (to == ITEM_ASSIGNED) {
		/* A renewal keeps the lease (and the load it counts); only its deadline moves. */
		lw = idmap_get(&st->workers, it->worker_id);
		/* The weight is fixed at the take: a later change of the engagement's keeps loads true. */
		if (from != ITEM_ASSIGNED)
			it->ri.weight = (uint16_t)r.lease_weight;
		if (lw && from != ITEM_ASSIGNED)
			engine__load_add(st, lw, it->ri.weight);
		if (lw && from != ITEM_ASSIGNED)
			engine__worked(lw, it->client_id, it->lease_started);
		if (lease_heap_push(&st->leases, (struct lease_deadline){it->lease_expires,
									 it->ri.id, it->epoch}))
			st->need_reload = 1;
	}
	if (to == ITEM_QUEUED && (!le || engine__queue_push(st, it, engine__now(e))))
		st->need_reload = 1;
	if (!item_state_open(to)) {
		engine__item_free(st, it);
	}
}
