/* route_index.c - the engine's routing index (core/rindex.h): which engagements a worker may work for. */
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
 * It is rebuilt, lazily at the next take-next, after any command that may
 * change a worker's skills or clearances or an engagement's requirements or
 * client (and after a reload, which starts from an empty state). Status and
 * active switches do not change it: work.next checks them itself.
 */

void engine__rindex_touch(struct engine_state *st, enum cmd_type t)
{
	switch (t) {
	case CMD_WORKER_CREATE:
	case CMD_WORKER_UPDATE:
	case CMD_ENGAGEMENT_CREATE:
	case CMD_ENGAGEMENT_UPDATE:
	case CMD_CLIENT_UPDATE:
	case CMD_RECORD_ACTIVE:
	case CMD_IMPORT:
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
	if ((!st->rx || st->rx_stale) && rebuild(st, now))
		return NULL; /* out of memory or too many codes: work.next scans every engagement */
	return st->rx;
}

void engine__rindex_release(struct engine_state *st)
{
	rindex_free(st->rx);
	st->rx = NULL;
}
