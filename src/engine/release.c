/* release.c - a lease handed back with a reason, exclusions for good, worker states and wrap-up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/route.h"
#include "engine/states_int.h"
#include "util/err.h"

/* ================================================================
 * The live state
 * ================================================================ */

struct states_live *engine__states(struct engine_state *st)
{
	if (!st->states)
		st->states = calloc(1, sizeof(*st->states));
	return st->states;
}

struct states_worker *engine__states_worker_of(struct states_live *sl, int64_t worker_id)
{
	struct states_worker *sw = idmap_get(&sl->workers, worker_id);

	if (sw)
		return sw;
	if (!(sw = calloc(1, sizeof(*sw))))
		return NULL;
	sw->rec.worker_id = worker_id;
	if (idmap_put(&sl->workers, worker_id, sw)) {
		free(sw);
		return NULL;
	}
	return sw;
}

struct states_item *engine__states_item_of(struct states_live *sl, int64_t item_id)
{
	struct states_item *si = idmap_get(&sl->items, item_id);

	if (si)
		return si;
	if (!(si = calloc(1, sizeof(*si))))
		return NULL;
	if (idmap_put(&sl->items, item_id, si)) {
		free(si);
		return NULL;
	}
	return si;
}

const struct work_conf *engine__work_conf(const struct engine *e, int64_t engagement_id)
{
	return e->st.states ? idmap_get(&e->st.states->conf, engagement_id) : NULL;
}

int engine__states_put(struct engine *e, const struct states_worker *sw)
{
	return store_worker_state_put(e->store, &sw->rec);
}

static bool excluded(const struct engine *e, int64_t item_id, int64_t worker_id)
{
	const struct states_item *si = e->st.states ? idmap_get(&e->st.states->items, item_id) : NULL;

	for (size_t i = 0; si && i < si->n_excl; i++)
		if (si->excl[i] == worker_id)
			return true;
	return false;
}

/* ================================================================
 * work.next's calls
 * ================================================================ */

int engine__states_next(struct engine *e, struct cmd *c, const struct live_worker *lw, int64_t now)
{
	const struct states_worker *sw =
	    e->st.states ? idmap_get(&e->st.states->workers, lw->rec.id) : NULL;
	int rc;

	if (!sw)
		return 0;
	if (lw->rec.status == WORKER_AWAY && sw->rec.away_reason) {
		c->result.none_reason = ROUTE_NOT_AVAILABLE;
		snprintf(c->result.none_message, sizeof(c->result.none_message),
			 "the worker is away (%s); set its status to available to take work",
			 away_reason_name((enum away_reason)sw->rec.away_reason));
		rc = engine__done(e, c, CMD_OUT_NONE, 0, now);
		return rc ? rc : 1;
	}
	if (lw->rec.status == WORKER_AVAILABLE && sw->rec.wrap_until > now) {
		int64_t left = sw->rec.wrap_until - now;

		c->result.none_reason = ROUTE_WRAP_UP;
		c->result.none_retry_ms = left;
		snprintf(c->result.none_message, sizeof(c->result.none_message),
			 "the worker is in wrap-up after a submit: work again in %lld s",
			 (long long)((left + 999) / 1000));
		rc = engine__done(e, c, CMD_OUT_NONE, 0, now);
		return rc ? rc : 1;
	}
	return 0;
}

bool engine__states_route(const struct engine *e, const struct live_engagement *le)
{
	const struct work_conf *wc = engine__work_conf(e, le->rec.id);

	return !wc || wc->mode != OFFER_PUSH;
}

bool engine__states_excluded(const struct engine *e, int64_t item_id, int64_t worker_id)
{
	return excluded(e, item_id, worker_id);
}

/* ================================================================
 * The step hook: a lease ended, an item closed
 * ================================================================ */

int engine__states_step(struct engine *e, const struct live_item *it, const struct item_step *s,
			enum item_state to, int64_t now)
{
	struct states_live *sl = e->st.states;
	const struct work_conf *wc;
	struct states_item *si;
	int rc;

	if (!sl)
		return 0;
	/* Capacity freed, an item queued or gone: offers may follow (at once for push work). */
	wc = engine__work_conf(e, it->engagement_id);
	if (wc && wc->mode == OFFER_PUSH)
		sl->dirty = true;
	else
		sl->soon = true;
	if (it->state == ITEM_ASSIGNED && to != ITEM_ASSIGNED) {
		struct states_worker *sw = engine__states_worker_of(sl, it->worker_id);

		if (!sw)
			return ERR_NOMEM;
		sw->idle_since = now;
		/* Wrap-up after a submit (an answer of a multi-keyed item is one too). */
		if (wc && wc->wrap_up_ms > 0 && (s->act == ACT_SUBMIT || s->act == ACT_KEY)) {
			sw->rec.wrap_until = now + wc->wrap_up_ms;
			if ((rc = engine__states_put(e, sw)))
				return rc;
			/* The index's hook: held until work.next finds the wrap-up over. */
			if (e->st.rx)
				rindex_worker_hold(e->st.rx, it->worker_id, true);
		}
	}
	si = idmap_get(&sl->items, it->ri.id);
	if (si && si->offer && to != ITEM_QUEUED && s->act != ACT_ASSIGN &&
	    (rc = engine__offer_end(e, NULL, si->offer, OFFER_WITHDRAWN, now)))
		return rc;
	if (si && !item_state_open(to))
		free(idmap_del(&sl->items, it->ri.id));
	return 0;
}

/* ================================================================
 * item.release
 * ================================================================ */

/* {"reason":"code","note":"..."}: the event's detail (sealed by the store). */
static int release_detail(enum release_reason r, const char *note, struct buf *b)
{
	int rc = buf_printf(b, "{\"reason\":\"%s\"", release_reason_name(r));

	if (!rc && note && *note) {
		rc = buf_puts(b, ",\"note\":\"");
		for (const unsigned char *p = (const unsigned char *)note; !rc && *p; p++) {
			if (*p == '"' || *p == '\\')
				rc = buf_printf(b, "\\%c", *p);
			else if (*p < 0x20)
				rc = buf_printf(b, "\\u%04x", *p);
			else
				rc = buf_append(b, p, 1);
		}
		if (!rc)
			rc = buf_puts(b, "\"");
	}
	return rc ? rc : buf_puts(b, "}");
}

int engine__release_lease(struct engine *e, struct cmd *c, struct live_item *it,
			  enum release_reason r, const char *note, int64_t now)
{
	struct item_step s = {.act = ACT_RELEASE};
	struct buf detail = BUF_INIT;
	int64_t wid = it->worker_id;
	struct states_item *si = NULL;
	enum item_state to;
	int rc;

	if ((rc = release_detail(r, note, &detail)))
		goto out;
	s.detail = buf_str(&detail);
	if (release_reason_excludes(r)) {
		if (!engine__states(&e->st) ||
		    !(si = engine__states_item_of(e->st.states, it->ri.id))) {
			rc = ERR_NOMEM;
			goto out;
		}
		if ((rc = store_exclusion_add(e->store, it->ri.id, wid, release_reason_name(r), now)))
			goto out;
	}
	/*
	 * A lease ends here by release (the item back in its queue): its time
	 * entry [it->lease_started, now] for worker wid is written by
	 * engine__step() below (engine__time_lease_end(), time.c), a release's and
	 * an offline worker's releases alike.
	 */
	if ((rc = engine__step(e, c, it, &s, now, &to)))
		goto out;
	engine__step_apply(e, it, &s, to);
	if (si && si->n_excl < STATES_ITEM_MAX)
		si->excl[si->n_excl++] = wid;
out:
	buf_release(&detail);
	return rc;
}

/* item.release: the worker holding the lease, with its epoch, before the deadline */
int engine__item_release(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_item *it = NULL;
	enum policy_verdict v;
	enum item_state closed = ITEM_QUEUED; /* set by engine__item_scope on 0 */
	int rc = engine__item_scope(e, c, POL_ITEM_RELEASE, c->u.release.item_id, &it, &closed, &v);

	if (rc)
		return rc;
	if (!it)
		return engine__conflict(c, ERR_STALE, closed, "the item is closed");
	if (v == POLICY_FORBID)
		return engine__scope_forbidden(c, POL_ITEM_RELEASE);
	if (it->state != ITEM_ASSIGNED || it->worker_id != c->actor->worker_id ||
	    it->epoch != c->u.release.epoch || now >= it->lease_expires)
		return engine__conflict(c, ERR_STALE, it->state,
					"your lease on this item is stale or has expired");
	return engine__release_lease(e, c, it, (enum release_reason)c->u.release.reason,
				     c->u.release.note, now);
}

/* ================================================================
 * Worker status: away with a reason, offline releases every lease
 * ================================================================ */

int engine__states_worker(struct engine *e, struct cmd *c, struct live_worker *lw, int64_t now)
{
	struct states_live *sl = engine__states(&e->st);
	struct states_worker *sw = sl ? engine__states_worker_of(sl, lw->rec.id) : NULL;
	enum worker_status st = c->u.wstatus.status;
	struct live_item *it;
	int rc;

	if (!sw)
		return ERR_NOMEM;
	sw->rec.away_reason = st == WORKER_AWAY ? c->u.wstatus.away_reason : 0;
	if (st == WORKER_AVAILABLE)
		sw->idle_since = now;
	if ((rc = engine__states_put(e, sw)))
		return rc;
	sl->dirty = true;
	if (st != WORKER_AVAILABLE && sw->offer &&
	    (rc = engine__offer_end(e, c, sw->offer, OFFER_WITHDRAWN, now)))
		return rc;
	if (st != WORKER_OFFLINE)
		return 0;
	/* Offline: every lease ends now, each item back to its place in the queue. */
	for (size_t i = 0; (it = idtable_next(&e->st.items, &i));) {

		if (it->state != ITEM_ASSIGNED || it->worker_id != lw->rec.id)
			continue;
		if ((rc = engine__release_lease(e, NULL, it, RELEASE_OFFLINE, NULL, now)))
			return rc;
	}
	return 0;
}

/* ================================================================
 * Recovery
 * ================================================================ */

static int load_excl(void *ctx, int64_t item_id, int64_t worker_id)
{
	struct states_live *sl = engine__states(ctx);
	struct states_item *si = sl ? engine__states_item_of(sl, item_id) : NULL;

	if (!si)
		return ERR_NOMEM;
	if (si->n_excl < STATES_ITEM_MAX)
		si->excl[si->n_excl++] = worker_id;
	return 0;
}

static int load_wstate(void *ctx, const struct worker_state_rec *w)
{
	struct states_live *sl = engine__states(ctx);
	struct states_worker *sw = sl ? engine__states_worker_of(sl, w->worker_id) : NULL;

	if (!sw)
		return ERR_NOMEM;
	sw->rec = *w;
	return 0;
}

static int load_conf(void *ctx, const struct work_conf *w)
{
	struct states_live *sl = engine__states(ctx);
	struct work_conf *wc = malloc(sizeof(*wc));

	if (!sl || !wc || idmap_put(&sl->conf, w->engagement_id, wc)) {
		free(wc);
		return ERR_NOMEM;
	}
	*wc = *w;
	if (wc->mode == OFFER_PUSH)
		sl->n_push++;
	return 0;
}

static int load_offer(void *ctx, const struct offer_rec *o)
{
	struct engine_state *st = ctx;
	struct states_live *sl = engine__states(st);
	struct states_item *si = sl ? engine__states_item_of(sl, o->item_id) : NULL;
	struct states_worker *sw;
	struct live_offer *lo;

	if (!si)
		return ERR_NOMEM;
	if (o->state == OFFER_DECLINED || o->state == OFFER_EXPIRED) {
		if (si->n_decl == STATES_ITEM_MAX)
			memmove(si->decl, si->decl + 1, sizeof(si->decl[0]) * --si->n_decl);
		si->decl[si->n_decl].worker_id = o->worker_id;
		si->decl[si->n_decl++].at = o->ended_at;
		return 0;
	}
	if (o->state != OFFER_OPEN)
		return 0;
	if (!(sw = engine__states_worker_of(sl, o->worker_id)) || !(lo = calloc(1, sizeof(*lo))))
		return ERR_NOMEM;
	lo->rec = *o;
	if (idmap_put(&sl->offers, o->id, lo)) {
		free(lo);
		return ERR_NOMEM;
	}
	si->offer = lo;
	sw->offer = lo;
	return 0;
}

int engine__states_load(struct engine_state *st, struct store *s)
{
	int rc = store_exclusion_each(s, load_excl, st);

	if (!rc)
		rc = store_worker_state_each(s, load_wstate, st);
	if (!rc)
		rc = store_work_conf_each(s, load_conf, st);
	if (!rc)
		rc = store_offer_each_live(s, load_offer, st);
	if (!rc && st->states)
		st->states->dirty = true;
	return rc;
}

static void free_values(struct idmap *m)
{
	int64_t id;
	void *v;

	for (size_t i = 0; idmap_next(m, &i, &id, &v);)
		free(v);
	idmap_release(m);
}

void engine__states_release(struct engine_state *st)
{
	struct states_live *sl = st->states;

	if (!sl)
		return;
	free_values(&sl->workers);
	free_values(&sl->items);
	free_values(&sl->conf);
	free_values(&sl->offers);
	free(sl);
	st->states = NULL;
}
