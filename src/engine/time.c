/* time.c - time entries and billing periods in the engine: the work entry of every lease that ends. */
#include <string.h>

#include "core/timeentry.h"
#include "engine/engine_int.h"
#include "util/err.h"

/*
 * A lease ends (submit, keying answer, expiry, release, cancel, fail): its
 * work entry, from the lease's start (renewals keep it) to now, or to the
 * deadline when an expiry is found late. One cached INSERT in the savepoint
 * of the item's change: no read, no extra round trip. A lease whose start
 * is not known (an item leased before lease starts were kept) writes none.
 */
int engine__time_lease_end(struct engine *e, const struct live_item *it, int64_t now)
{
	struct time_entry t;
	int64_t ms;

	if (it->state != ITEM_ASSIGNED || !it->worker_id || it->lease_started <= 0)
		return 0;
	ms = time_lease_duration(it->lease_started, it->lease_expires, now);
	memset(&t, 0, sizeof(t));
	t.engagement_id = it->engagement_id;
	t.client_id = it->client_id;
	t.worker_id = it->worker_id;
	t.item_id = it->qe.id;
	t.kind = TIME_WORK;
	t.started_at = it->lease_started;
	t.ended_at = it->lease_started + ms;
	t.duration_ms = ms;
	t.billable = true;
	t.created_at = now;
	return store_time_entry_insert(e->store, &t);
}
