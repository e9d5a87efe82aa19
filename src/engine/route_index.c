/* route_index.c - the engine's routing index (core/rindex.h): which engagements a worker may work
 * for. */
#include "core/rindex.h"
#include "engine/engine_int.h"
#include "util/err.h"

/*
 * Today the index answers one question for work.next: the engagements a
 * worker qualifies for (skills, languages, levels, clearance), so a take-next
 * looks at those and not at every engagement. Everything else (status,
 * capacity, clearance lapse, pause, walls, gold, keying, the order) is
 * checked by work.next as before, on those engagements only, so a stale
 * index could hide work but never hand out work it should not.
 *
 * It is kept current per record after the command that changed it (a
 * worker's or an engagement's create or update: O(engagements) or
 * O(workers)), and rebuilt whole, lazily at the next take-next, after a
 * reload (which starts from an empty state). An import creates items only,
 * which the index does not hold: its batches leave it as it is (a rebuild
 * per batch cost O(workers x engagements) each time a worker took work). Status and
 * active switches do not change it: work.next checks them itself. A command
 * that failed left memory as it was, so setting its record again is harmless.
 */

void engine__rindex_touch(struct engine_state *st, const struct cmd *c, int rc, int64_t now)
{
	struct live_engagement *le;
	struct live_worker *lw;
	int64_t id = 0;

	switch (c->type) {
	case CMD_WORKER_CREATE:
	case CMD_WORKER_UPDATE:
	case CMD_ENGAGEMENT_CREATE:
	case CMD_ENGAGEMENT_UPDATE:
		st->rx_failed = 0; /* a build that failed is tried again after a change */
		break;
	default:
		return;
	}
	switch (c->type) {
	case CMD_WORKER_UPDATE:
		id = c->u.upd.r.worker.id;
		/* fall through */
	case CMD_WORKER_CREATE:
		if (!id && !rc)
			id = c->result.id;
		if (st->rx && !st->rx_stale && (lw = idmap_get(&st->workers, id)) &&
		    rindex_worker_set(st->rx, &lw->rec))
			st->rx_stale = 1;
		break;
	case CMD_ENGAGEMENT_UPDATE:
		id = c->u.upd.r.engagement.id;
		/* fall through */
	case CMD_ENGAGEMENT_CREATE:
		if (!id && !rc)
			id = c->result.id;
		if (st->rx && !st->rx_stale && (le = idmap_get(&st->engagements, id)) &&
		    rindex_engagement_set(st->rx, &le->rec, true, NULL, now))
			st->rx_stale = 1;
		break;
	default:
		break;
	}
}

/* Every engagement and every worker set again: O(workers x engagements), after a change only. */
static int rebuild(struct engine_state *st, int64_t now)
{
	int64_t id;
	void *v;
	int rc;

	rindex_free(st->rx);
	if (!(st->rx = rindex_new()))
		return ERR_NOMEM;
	for (size_t i = 0; idmap_next(&st->engagements, &i, &id, &v);)
		if ((rc = rindex_engagement_set(st->rx, &((struct live_engagement *)v)->rec, true,
						NULL, now)))
			goto fail;
	for (size_t i = 0; idmap_next(&st->workers, &i, &id, &v);)
		if ((rc = rindex_worker_set(st->rx, &((struct live_worker *)v)->rec)))
			goto fail;
	st->rx_stale = 0;
	return 0;
fail:
	rindex_free(st->rx);
	st->rx = NULL;
	return rc;
}

struct rindex *engine__rindex(struct engine_state *st, int64_t now)
{
	if (st->rx_failed)
		return NULL;
	/* Out of memory or more than RINDEX_MAX_CODES codes: work.next scans every engagement. */
	if ((!st->rx || st->rx_stale) && rebuild(st, now)) {
		st->rx_failed = 1;
		return NULL;
	}
	return st->rx;
}

void engine__rindex_release(struct engine_state *st)
{
	rindex_free(st->rx);
	st->rx = NULL;
}
