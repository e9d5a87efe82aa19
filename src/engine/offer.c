/* offer.c - offers of push engagements' work to experts: settings, the tick, accept and decline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/route.h"
#include "engine/states_int.h"
#include "util/err.h"

/* ================================================================
 * An offer ends
 * ================================================================ */

/* A worker set away by the no-answer rule: its status written and audited, as staff would. */
static int away_no_answer(struct engine *e, struct live_worker *lw, struct states_worker *sw,
			  int64_t now)
{
	int rc = store_worker_set_status(e->store, lw->rec.id, WORKER_AWAY);

	sw->rec.away_reason = AWAY_NO_ANSWER;
	if (!rc)
		rc = engine__audit_append_detail(e, NULL, "worker.status", "worker", lw->rec.id, 0,
						 "{\"status\":\"away\",\"reason\":\"no_answer\"}",
						 now);
	if (!rc) {
		lw->rec.status = WORKER_AWAY;
		engine__rindex_worker(&e->st, lw); /* the index reads the status at its set */
	}
	return rc;
}

int engine__offer_end(struct engine *e, const struct cmd *c, struct live_offer *o,
		      enum offer_state how, int64_t now)
{
	struct states_live *sl = e->st.states;
	struct states_worker *sw = idmap_get(&sl->workers, o->rec.worker_id);
	struct states_item *si = idmap_get(&sl->items, o->rec.item_id);
	const struct work_conf *wc = engine__work_conf(e, o->rec.engagement_id);
	struct live_worker *lw = idmap_get(&e->st.workers, o->rec.worker_id);
	char action[MODEL_CODE_MAX];
	bool away = false;
	int rc, n;

	snprintf(action, sizeof(action), "offer.%s", offer_state_name(how));
	if ((rc = store_offer_end(e->store, o->rec.id, how, now)) ||
	    (rc = engine__audit_append(e, c, action, "offer", o->rec.id, o->rec.client_id, now)))
		return rc;
	if (sw) {
		n = offer_no_answer_next(sw->rec.no_answer, how, wc ? wc->max_no_answer : 0, &away);
		if (n != sw->rec.no_answer || away) {
			sw->rec.no_answer = n;
			if (away && lw && lw->rec.status == WORKER_AVAILABLE &&
			    (rc = away_no_answer(e, lw, sw, now)))
				return rc;
			if ((rc = engine__states_put(e, sw)))
				return rc;
		}
		sw->offer = NULL;
	}
	if (si && (how == OFFER_DECLINED || how == OFFER_EXPIRED)) {
		if (si->n_decl == STATES_ITEM_MAX)
			memmove(si->decl, si->decl + 1, sizeof(si->decl[0]) * --si->n_decl);
		si->decl[si->n_decl].worker_id = o->rec.worker_id;
		si->decl[si->n_decl++].at = now;
	}
	if (si)
		si->offer = NULL;
	idmap_del(&sl->offers, o->rec.id);
	free(o);
	sl->dirty = true;
	return 0;
}

/* ================================================================
 * engagement.offers: the settings
 * ================================================================ */

/* PUT /v1/engagements/:id/offers: staff (checked by the route and the use case) */
int engine__work_conf_set(struct engine *e, struct cmd *c, int64_t now)
{
	struct work_conf in = c->u.work_conf, *wc;
	struct live_engagement *le = idmap_get(&e->st.engagements, in.engagement_id);
	struct states_live *sl = engine__states(&e->st);
	bool was_push;
	int64_t id;
	void *v;
	int rc;

	if (!le)
		return engine__fail(c, ERR_NOTFOUND, "no engagement %lld",
				    (long long)in.engagement_id);
	if (!sl)
		return ERR_NOMEM;
	in.updated_at = now;
	if ((rc = store_work_conf_put(e->store, &in)) ||
	    (rc = engine__record_done(e, c, CMD_OUT_OK, "engagement.offers", "engagement",
				      le->rec.id, le->rec.client_id, now)))
		return rc;
	if (!(wc = idmap_get(&sl->conf, in.engagement_id))) {
		if (!(wc = calloc(1, sizeof(*wc))) || idmap_put(&sl->conf, in.engagement_id, wc)) {
			free(wc);
			e->st.need_reload = 1;
			return 0;
		}
	}
	was_push = wc->mode == OFFER_PUSH;
	*wc = in;
	sl->n_push += (in.mode == OFFER_PUSH) - was_push;
	sl->dirty = true;
	if (in.mode == OFFER_PUSH)
		return 0;
	/* Back to pull: the engagement's open offers are withdrawn (work.next takes its items). */
	for (size_t i = 0; idmap_next(&sl->offers, &i, &id, &v);) {
		struct live_offer *o = v;

		if (o->rec.engagement_id != in.engagement_id)
			continue;
		if ((rc = engine__offer_end(e, c, o, OFFER_WITHDRAWN, now))) {
			e->st.need_reload = 1;
			return rc;
		}
		i = 0; /* the map shifted on delete: walk it again */
	}
	return 0;
}

/* ================================================================
 * The tick: expiries, then offers for waiting push work
 * ================================================================ */

/* When worker_id last declined the item or let its offer expire, or -1: never. */
static int64_t declined_at(const struct states_item *si, int64_t worker_id)
{
	for (size_t i = si ? si->n_decl : 0; i-- > 0;)
		if (si->decl[i].worker_id == worker_id)
			return si->decl[i].at;
	return -1;
}

static bool is_excluded(const struct states_item *si, int64_t worker_id)
{
	for (size_t i = 0; si && i < si->n_excl; i++)
		if (si->excl[i] == worker_id)
			return true;
	return false;
}

/*
 * The best available expert for it, or NULL: core/offer.h's order among
 * those not yet asked; only when none is left, among those who declined it
 * or let it expire at least a timeout ago (offer_may_again()).
 */
static struct live_worker *pick(struct engine *e, const struct live_engagement *le,
				const struct work_conf *wc, const struct live_item *it, int64_t now)
{
	struct states_live *sl = e->st.states;
	const struct states_item *si = idmap_get(&sl->items, it->ri.id);
	struct offer_candidate best[2] = {{0}}, cand;
	struct live_worker *bw[2] = {NULL, NULL};
	int64_t id, at;
	void *v;
	int k;

	for (size_t i = 0; idmap_next(&e->st.workers, &i, &id, &v);) {
		struct live_worker *lw = v;
		const struct states_worker *sw = idmap_get(&sl->workers, id);

		if (!route_has_room(&lw->rec, lw->load) || (sw && (sw->offer || sw->rec.wrap_until > now)))
			continue;
		if (!route_qualified(&lw->rec, &le->rec, now) || engine__walled(lw, &le->rec, now) ||
		    is_excluded(si, id))
			continue;
		at = declined_at(si, id);
		if (at >= 0 && !offer_may_again(at, wc->timeout_ms, now))
			continue;
		k = at >= 0; /* 0: not asked yet, 1: asked before */
		cand = (struct offer_candidate){.worker_id = id,
						.levels = offer_levels(&lw->rec, &le->rec),
						.load = lw->load,
						.idle_since = sw ? sw->idle_since : 0};
		if (!bw[k] || offer_better(&cand, &best[k])) {
			best[k] = cand;
			bw[k] = lw;
		}
	}
	return bw[0] ? bw[0] : bw[1];
}

static int offer_make(struct engine *e, const struct work_conf *wc, const struct live_item *it,
		      const struct live_worker *lw, int64_t now)
{
	struct states_live *sl = e->st.states;
	struct states_item *si = engine__states_item_of(sl, it->ri.id);
	struct states_worker *sw = engine__states_worker_of(sl, lw->rec.id);
	struct live_offer *o;
	int rc;

	if (!si || !sw || !(o = calloc(1, sizeof(*o))))
		return ERR_NOMEM;
	o->rec = (struct offer_rec){.item_id = it->ri.id,
				    .worker_id = lw->rec.id,
				    .engagement_id = it->engagement_id,
				    .client_id = it->client_id,
				    .created_at = now,
				    .expires_at = now + wc->timeout_ms,
				    .state = OFFER_OPEN};
	if ((rc = store_offer_insert(e->store, &o->rec)) ||
	    (rc = engine__audit_append(e, NULL, "offer.create", "offer", o->rec.id, it->client_id,
				       now)) ||
	    (rc = idmap_put(&sl->offers, o->rec.id, o))) {
		free(o);
		return rc;
	}
	si->offer = o;
	sw->offer = o;
	return 0;
}

static int by_queue_order(const void *a, const void *b)
{
	const struct rindex_item *x = *(const struct rindex_item *const *)a;
	const struct rindex_item *y = *(const struct rindex_item *const *)b;

	return rindex_before(x, y) ? -1 : rindex_before(y, x) ? 1 : 0;
}

/* Offers the engagement's waiting items, best first. OUT: *made grows. */
static int offer_engagement(struct engine *e, const struct work_conf *wc, int64_t now, int *made)
{
	struct live_engagement *le = idmap_get(&e->st.engagements, wc->engagement_id);
	struct rindex_item *v[OFFER_SCAN_MAX], *ri;
	struct rindex *rx = engine__rindex(&e->st, now);
	size_t n = 0;
	int rc;

	if (!le || !engine__engagement_open(e, le))
		return 0;
	if (!rx)
		return ERR_NOMEM;
	for (size_t i = 0; n < OFFER_SCAN_MAX && rindex_eng_next(rx, le->rec.id, &i, &ri);) {
		const struct states_item *si = idmap_get(&e->st.states->items, ri->id);

		if (!si || !si->offer)
			v[n++] = ri;
	}
	qsort(v, n, sizeof(v[0]), by_queue_order);
	for (size_t i = 0; i < n && *made < OFFER_TICK_MAX; i++) {
		const struct live_item *it = (const struct live_item *)v[i];
		struct live_worker *lw = pick(e, le, wc, it, now);

		if (!lw)
			continue;
		if ((rc = offer_make(e, wc, it, lw, now)))
			return rc;
		++*made;
	}
	return 0;
}

int engine__offers_tick(struct engine *e, int64_t now)
{
	struct states_live *sl = e->st.states;
	uint64_t sig;
	int64_t id;
	void *v;
	int rc, made = 0;

	if (!sl)
		return 0;
	/* Expiries first: the time ran out, the next expert is offered in this same tick. */
	for (size_t i = 0; idmap_next(&sl->offers, &i, &id, &v);) {
		struct live_offer *o = v;

		int64_t eng;

		if (o->rec.expires_at > now)
			continue;
		eng = o->rec.engagement_id; /* o is gone once ended */
		if ((rc = engine__offer_end(e, NULL, o, OFFER_EXPIRED, now)))
			return rc;
		engine__dash_offer_expired(e, eng);
		i = 0; /* the map shifted on delete: walk it again */
	}
	if (!sl->n_push)
		return 0;
	/* An item created in a push queue takes no step: its queue's length tells. */
	sig = 0;
	for (size_t i = 0; idmap_next(&sl->conf, &i, &id, &v);) {
		const struct live_engagement *le =
		    idmap_get(&e->st.engagements, ((const struct work_conf *)v)->engagement_id);

		if (le && ((const struct work_conf *)v)->mode == OFFER_PUSH)
			sig = sig * 31 + engine__queue_len(&e->st, le, now) + 1;
	}
	if (sig != sl->queued_sig)
		sl->dirty = true;
	sl->queued_sig = sig;
	if (!sl->dirty && now - sl->scan_at < (sl->soon ? OFFER_SOON_MS : OFFER_SCAN_MS))
		return 0;
	sl->dirty = sl->soon = false;
	sl->scan_at = now;
	for (size_t i = 0; idmap_next(&sl->conf, &i, &id, &v);) {
		const struct work_conf *wc = v;

		if (wc->mode == OFFER_PUSH && (rc = offer_engagement(e, wc, now, &made)))
			return rc;
	}
	/* More waiting than one tick offers: the next batch goes on at once. */
	sl->dirty = made >= OFFER_TICK_MAX;
	return 0;
}

int64_t engine__offers_deadline(const struct engine *e)
{
	const struct states_live *sl = e->st.states;
	int64_t due = INT64_MAX, id;
	void *v;

	if (!sl)
		return due;
	for (size_t i = 0; idmap_next(&sl->offers, &i, &id, &v);) {
		const struct live_offer *o = v;

		if (o->rec.expires_at < due)
			due = o->rec.expires_at;
	}
	/* Push work waiting: look again now when something changed, else every OFFER_SCAN_MS. */
	if (sl->n_push) {
		int64_t look = sl->scan_at + (sl->dirty ? 0 : sl->soon ? OFFER_SOON_MS : OFFER_SCAN_MS);

		if (look < due)
			due = look;
	}
	return due;
}

/* ================================================================
 * offer.answer: accept or decline
 * ================================================================ */

/* POST /v1/offers/:id/accept, /decline: the worker offered, while the offer is open */
int engine__offer_answer(struct engine *e, struct cmd *c, int64_t now)
{
	struct states_live *sl = e->st.states;
	struct live_offer *o = sl ? idmap_get(&sl->offers, c->u.offer.offer_id) : NULL;
	struct item_step s = {.act = ACT_ASSIGN};
	struct live_engagement *le;
	struct live_worker *lw;
	struct live_item *it;
	enum item_state to;
	int rc;

	if (!o || o->rec.worker_id != c->actor->worker_id || !c->actor->worker_id)
		return engine__fail(c, ERR_NOTFOUND,
				    "no open offer %lld for you (answered, expired or withdrawn)",
				    (long long)c->u.offer.offer_id);
	if (now >= o->rec.expires_at)
		return engine__fail(c, ERR_STALE, "offer %lld has expired",
				    (long long)o->rec.id);
	if (!c->u.offer.accept) {
		int64_t oid = o->rec.id;

		if ((rc = engine__offer_end(e, c, o, OFFER_DECLINED, now))) {
			e->st.need_reload = 1;
			return rc;
		}
		return engine__done(e, c, CMD_OUT_OK, oid, now);
	}
	it = idtable_get(&e->st.items, o->rec.item_id);
	lw = idmap_get(&e->st.workers, o->rec.worker_id);
	le = idmap_get(&e->st.engagements, o->rec.engagement_id);
	if (!it || it->state != ITEM_QUEUED || !lw || !le)
		return engine__fail(c, ERR_STALE, "the item of offer %lld is no longer waiting",
				    (long long)o->rec.id);
	if (!engine__engagement_open(e, le))
		return engine__fail(c, ERR_CONFLICT,
				    "engagement %lld is paused or its client deactivated: it hands "
				    "out no work",
				    (long long)le->rec.id);
	if (!route_has_room(&lw->rec, lw->load))
		return engine__fail(c, ERR_CONFLICT,
				    "you are not available or hold your capacity: decline the offer "
				    "or let it expire");
	if ((rc = engine__offer_end(e, c, o, OFFER_ACCEPTED, now)))
		goto fail;
	s.worker_id = lw->rec.id;
	s.epoch = it->epoch + 1;
	s.lease_expires = now + le->rec.lease_ms;
	s.lease_started = now;
	if ((rc = engine__step(e, c, it, &s, now, &to)))
		goto fail;
	engine__step_apply(e, it, &s, to);
	return 0;
fail:
	e->st.need_reload = 1; /* the offer left memory before the step was written */
	return rc;
}
