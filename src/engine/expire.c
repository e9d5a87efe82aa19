/* expire.c - lease expiry: a lease that runs out returns its item to the queue. */
#include <stdint.h>

#include "engine/engine_int.h"

int64_t engine_next_deadline(const struct engine *e)
{
	const struct lease_deadline *d = lease_heap_peek(&e->st.leases);
	int64_t due = d ? d->expires : INT64_MAX, offers = engine__offers_deadline(e);

	if (offers < due) /* an offer's timeout, or push work to look at (offer.c) */
		due = offers;

	/* The background purge wakes the engine too, while some engagement retains for a time. */
	int64_t dash = engine__dash_deadline(e); /* a watched dashboard's next snapshot */

	if (e->purge_armed && e->purge_next < due)
		due = e->purge_next;
	if (e->st.sla.next < due) /* sla.c: a due time passes, or a backlog of them */
		due = e->st.sla.next;
	return dash < due ? dash : due;
}

/*
 * A lease is expired at its deadline, not before: d->expires <= now, the
 * same rule that refuses a submit at now >= lease_expires.
 */
int engine_expire_leases(struct engine *e, int64_t now)
{
	static const struct item_step expire = {.act = ACT_EXPIRE};
	const struct lease_deadline *d;
	enum item_state to;
	int rc;

	while ((d = lease_heap_peek(&e->st.leases)) && d->expires <= now) {
		struct live_item *it = idtable_get(&e->st.items, d->item_id);

		if (!it || it->state != ITEM_ASSIGNED || it->epoch != d->epoch ||
		    it->lease_expires != d->expires) {
			/* ended early (submitted, cancelled), or renewed: a later entry holds it */
			lease_heap_pop(&e->st.leases);
			continue;
		}
		rc = engine__step(e, NULL, it, &expire, now, &to);
		if (rc)
			return rc;
		lease_heap_pop(&e->st.leases);
		engine__step_apply(e, it, &expire, to);
		e->st.leases_expired++;
	}
	return 0;
}
