/* route_index.c - the engine's routing index (core/rindex.h): every queue, and who may take what. */
#include <stdlib.h>

#include "core/rindex.h"
#include "core/rindex_json.h"
#include "engine/engine_int.h"
#include "util/err.h"

/*
 * The index holds the engine's queues: each queued live_item's entry
 * (live_item.ri) is in its engagement's ring heaps, or, while it waits for
 * more keying answers, in a second engagement of the index for it
 * (ENGINE_REKEY_ID: same requirements, rings and client), so items a worker
 * answered never stand in front of fresh work. work.next (cmd_items.c) asks
 * the index with a filter for the rules it does not know (push work, the
 * engagement and client open, walls, gold, release exclusions, keying).
 *
 * It is kept current per record after the command that changed it (a
 * worker's create, update, status or active switch: O(engagements); an engagement's create,
 * update, keying or routing: O(workers)), and rebuilt whole, lazily at its
 * next use, after a reload (which starts from an empty state) and after a
 * set that ran out of memory: the rebuild queues every queued item again
 * (O(items)), so the queues have one copy, here. An import's rows are
 * created as POST /v1/items creates one, each pushed into its queue, so an
 * import leaves the index current (a rebuild per import batch would cost
 * O(queued items) each time a worker took work after one); a batch that
 * failed is undone by a reload, which marks the index stale.
 *
 * The worker's load (the weights of its leases) is the engine's (lw->load)
 * and mirrored here by engine__load_add. A command that failed left memory
 * as it was, so setting its record again is harmless.
 */

int engine__item_weight(const struct live_engagement *le, int capacity)
{
	int w = le && le->routing && le->routing->weight > 0 ? le->routing->weight : 1;

	if (capacity < 1)
		capacity = 1;
	return w < capacity ? w : capacity;
}

/* The engagement and, when it has keying settings or already has one, its second queue. */
static int eng_set(struct engine_state *st, const struct live_engagement *le, int64_t now)
{
	struct engagement_rec r = le->rec;
	int rc = rindex_engagement_set(st->rx, &le->rec, true, le->routing, now), rc2 = 0;

	if (le->keying || rindex_eng_known(st->rx, ENGINE_REKEY_ID(le->rec.id))) {
		r.id = ENGINE_REKEY_ID(le->rec.id);
		rc2 = rindex_engagement_set(st->rx, &r, true, le->routing, now);
	}
	return rc ? rc : rc2;
}

/* A failed set (out of memory) marks the index stale: rebuilt at its next use. */
static void set_failed(struct engine_state *st, int rc)
{
	if (rc)
		st->rx_stale = 1;
}

static void worker_set(struct engine_state *st, const struct live_worker *lw)
{
	if (st->rx && !st->rx_stale)
		set_failed(st, rindex_worker_set(st->rx, &lw->rec));
}

void engine__rindex_touch(struct engine_state *st, const struct cmd *c, int rc, int64_t now)
{
	struct live_engagement *le;
	struct live_worker *lw;
	int64_t id = 0;

	switch (c->type) {
	case CMD_WORKER_STATUS:
		if ((lw = idmap_get(&st->workers, c->u.wstatus.worker_id)))
			worker_set(st, lw);
		return;
	case CMD_RECORD_ACTIVE:
		/* A worker switched (the index reads active at its set); engagements: the filter. */
		if (c->u.active.kind == ACTIVE_WORKER &&
		    (lw = idmap_get(&st->workers, c->u.active.id)))
			worker_set(st, lw);
		return;
	case CMD_WORKER_UPDATE:
		id = c->u.upd.r.worker.id;
		/* fall through */
	case CMD_WORKER_CREATE:
		if (!id && !rc)
			id = c->result.id;
		if ((lw = idmap_get(&st->workers, id)))
			worker_set(st, lw);
		return;
	case CMD_KEYING_SET:
		id = c->u.keying.engagement_id;
		goto eng;
	case CMD_ENGAGEMENT_UPDATE:
		id = c->u.upd.r.engagement.id;
		/* fall through */
	case CMD_ENGAGEMENT_CREATE:
		if (!id && !rc)
			id = c->result.id;
eng:
		if (st->rx && !st->rx_stale && (le = idmap_get(&st->engagements, id)))
			set_failed(st, eng_set(st, le, now));
		return;
	default:
		return;
	}
}

void engine__rindex_engagement(struct engine_state *st, const struct live_engagement *le,
			       int64_t now)
{
	if (st->rx && !st->rx_stale)
		set_failed(st, eng_set(st, le, now));
}

void engine__rindex_worker(struct engine_state *st, const struct live_worker *lw)
{
	worker_set(st, lw);
}

/* Every engagement, worker and queued item set again: after a reload or a failure only. */
static int rebuild(struct engine_state *st, int64_t now)
{
	struct live_item *it;
	int64_t id;
	void *v;
	int rc;

	/* The entries point into the old index: forgotten before it goes. */
	for (size_t i = 0; (it = idtable_next(&st->items, &i));)
		it->ri.queued = 0;
	rindex_free(st->rx);
	if (!(st->rx = rindex_new()))
		return ERR_NOMEM;
	for (size_t i = 0; idmap_next(&st->engagements, &i, &id, &v);)
		if ((rc = eng_set(st, v, now)))
			goto fail;
	for (size_t i = 0; idmap_next(&st->workers, &i, &id, &v);) {
		struct live_worker *lw = v;

		if ((rc = rindex_worker_set(st->rx, &lw->rec)))
			goto fail;
		rindex_load_add(st->rx, lw->rec.id, lw->load);
	}
	st->rx_stale = 0;
	for (size_t i = 0; (it = idtable_next(&st->items, &i));)
		if (it->state == ITEM_QUEUED && (rc = engine__queue_push(st, it, now)))
			goto fail;
	return 0;
fail:
	for (size_t i = 0; (it = idtable_next(&st->items, &i));)
		it->ri.queued = 0;
	rindex_free(st->rx);
	st->rx = NULL;
	st->rx_stale = 1;
	return rc;
}

struct rindex *engine__rindex(struct engine_state *st, int64_t now)
{
	if ((!st->rx || st->rx_stale) && rebuild(st, now))
		return NULL;
	return st->rx;
}

void engine__rindex_release(struct engine_state *st)
{
	rindex_free(st->rx);
	st->rx = NULL;
}

int engine__queue_push(struct engine_state *st, struct live_item *it, int64_t now)
{
	int rc;

	if (!st->rx || st->rx_stale)
		return 0; /* the rebuild queues it */
	if (engine__keying_rekey(it)) {
		rc = rindex_push(st->rx, &it->ri, ENGINE_REKEY_ID(it->engagement_id), now);
		if (rc != ERR_NOTFOUND)
			return rc;
		/* no second queue (keying settings gone): the main one, the filter still skips */
	}
	rc = rindex_push(st->rx, &it->ri, it->engagement_id, now);
	return rc == ERR_NOTFOUND ? ERR_INTERNAL : rc;
}

void engine__queue_remove(struct engine_state *st, struct live_item *it)
{
	if (st->rx)
		rindex_remove(st->rx, &it->ri);
}

struct live_item *engine__queue_head(struct engine_state *st, const struct live_engagement *le,
				     int64_t now)
{
	struct rindex *rx = engine__rindex(st, now);
	struct rindex_item *a, *b;

	if (!rx)
		return NULL;
	a = rindex_eng_head(rx, le->rec.id, now);
	b = rindex_eng_head(rx, ENGINE_REKEY_ID(le->rec.id), now);
	return (struct live_item *)(!a || (b && rindex_before(b, a)) ? b : a);
}

size_t engine__queue_len(struct engine_state *st, const struct live_engagement *le, int64_t now)
{
	struct rindex *rx = engine__rindex(st, now);

	return rx ? rindex_eng_len(rx, le->rec.id) +
			rindex_eng_len(rx, ENGINE_REKEY_ID(le->rec.id))
		  : 0;
}

void engine__load_add(struct engine_state *st, struct live_worker *lw, int delta)
{
	lw->load = lw->load + delta < 0 ? 0 : lw->load + delta;
	if (st->rx && !st->rx_stale)
		rindex_load_add(st->rx, lw->rec.id, delta);
}

/* ================================================================
 * PUT /v1/engagements/:id/routing
 * ================================================================ */

int engine__routing_set(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_engagement *le = idmap_get(&e->st.engagements, c->u.routing.engagement_id);
	struct rindex_conf *conf;
	char why[160];
	int rc;

	if (policy_check(c->actor, POL_ENGAGEMENT_ROUTING, NULL) != POLICY_ALLOW)
		return ERR_FORBIDDEN;
	if (!le)
		return engine__fail(c, ERR_NOTFOUND, "no engagement %lld",
				    (long long)c->u.routing.engagement_id);
	if (!(conf = malloc(sizeof(*conf))))
		return ERR_NOMEM;
	/* The use case checked it; parsed again here, so what is stored is what routes. */
	if ((rc = rindex_conf_parse(c->u.routing.conf, conf, why, sizeof(why)))) {
		free(conf);
		return engine__fail(c, rc, "%s", why);
	}
	if ((rc = store_routing_put(e->store, le->rec.id, c->u.routing.conf, now)) ||
	    (rc = engine__audit_append_detail(e, c, "engagement.routing", "engagement", le->rec.id,
					      le->rec.client_id, c->u.routing.conf, now)) ||
	    (rc = engine__done(e, c, CMD_OUT_OK, le->rec.id, now))) {
		free(conf);
		return rc;
	}
	free(le->routing);
	le->routing = conf;
	/* Its queued items placed again under the new rings; future takes weigh by it. */
	engine__rindex_engagement(&e->st, le, now);
	return 0;
}

static int load_routing(void *ctx, int64_t engagement_id, const char *text, int64_t updated_at)
{
	struct engine_state *st = ctx;
	struct live_engagement *le = idmap_get(&st->engagements, engagement_id);
	struct rindex_conf *conf;
	char why[160];

	(void)updated_at;
	if (!le || !text)
		return 0;
	if (!(conf = malloc(sizeof(*conf))))
		return ERR_NOMEM;
	/* Stored by this code from a text it parsed: a failure here is a damaged store. */
	if (rindex_conf_parse(text, conf, why, sizeof(why))) {
		free(conf);
		return ERR_INTERNAL;
	}
	free(le->routing);
	le->routing = conf;
	return 0;
}

int engine__routing_load(struct engine_state *st, struct store *s)
{
	struct live_item *it;
	int rc = store_routing_each(s, load_routing, st);

	/*
	 * Leases stored without their weight (before the lease_weight column:
	 * recover.c left them at 0, items load before the settings): weighed
	 * now by their engagement's weight.
	 */
	for (size_t i = 0; !rc && st->n_unweighed && (it = idtable_next(&st->items, &i));) {
		struct live_worker *lw;

		if (it->state != ITEM_ASSIGNED || it->ri.weight)
			continue;
		st->n_unweighed--;
		lw = idmap_get(&st->workers, it->worker_id);
		it->ri.weight = (uint16_t)engine__item_weight(
		    idmap_get(&st->engagements, it->engagement_id), lw ? lw->rec.capacity : 1);
		if (lw)
			lw->load += it->ri.weight;
	}
	st->rx_stale = 1;
	return rc;
}
