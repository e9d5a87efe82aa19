/* purge.c - retention: finished items past their engagement's retention_days are deleted, in
 * bounded batches, by a background job in the engine's batches and by CMD_ITEM_PURGE; the same
 * job deletes old session rows and idempotency keys (housekeeping). */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>

#include "engine/engine_int.h"
#include "util/err.h"

/*
 * A finished item (done, cancelled, failed) is purged once its last event
 * is retention_days old. Its item events go with it; the audit trail stays
 * whole (its events carry no payloads: ids, actions and, for edits, the
 * before and after of records, never an item's payload or result). Each
 * engagement's purge in a batch is one audit event, "item.purge", with the
 * counts. A batch purges at most PURGE_BATCH items, so a backlog of old
 * items is worked off over several batches and never stalls the requests
 * of the batch it shares.
 */
#define PURGE_BATCH 200
#define PURGE_CMD_MAX 2000
#define PURGE_EVERY_MS ((int64_t)60 * 1000)
#define DAY_MS ((int64_t)86400 * 1000)

/*
 * Housekeeping rides on the same tick: a session row is kept 30 days past
 * its end or absolute expiry (long enough to answer "who was signed in"
 * beside the audit trail's sign-in events), an idempotency key 7 days past
 * its first use (a client's retries come within minutes; Stripe keeps keys
 * a day). Without this both tables only grow.
 */
#define SESSION_KEEP_MS (30 * DAY_MS)
#define IDEM_KEEP_MS (7 * DAY_MS)
#define HOUSEKEEP_BATCH 500

/*
 * Purges (dry_run: counts) at most max items across the engagements that
 * retain for a time. OUT: *items, *events; *more when max was reached;
 * *armed when some engagement retains for a time.
 */
static int purge_run(struct engine *e, const struct cmd *c, int64_t now, int64_t max,
		     bool dry_run, int64_t *items, int64_t *events, bool *more, bool *armed)
{
	char detail[160];
	int64_t id;
	void *v;
	int rc = 0;

	*items = *events = 0;
	*more = *armed = false;
	for (size_t i = 0; !rc && idmap_next(&e->st.engagements, &i, &id, &v);) {
		const struct live_engagement *le = v;
		int64_t n_items = 0, n_events = 0, before;
		int64_t left = max - *items;

		if (le->rec.retention_days <= 0)
			continue;
		*armed = true;
		if (!dry_run && left <= 0) {
			*more = true;
			break;
		}
		before = now - le->rec.retention_days * DAY_MS;
		rc = store_item_purge(e->store, id, before, dry_run ? INT_MAX : (int)left, dry_run,
				      &n_items, &n_events);
		if (rc)
			break;
		*items += n_items;
		*events += n_events;
		if (dry_run || !n_items)
			continue;
		snprintf(detail, sizeof(detail),
			 "{\"items\":%" PRId64 ",\"events\":%" PRId64 ",\"before_ms\":%" PRId64 "}",
			 n_items, n_events, before);
		rc = engine__audit_append_detail(e, c, "item.purge", "engagement", id,
						 le->rec.client_id, detail, now);
		if (!rc && *items >= max)
			*more = true;
	}
	return rc;
}

void engine__purge_soon(struct engine *e)
{
	e->purge_next = 0;
	e->purge_armed = e->opts.purge_job;
}

int engine__purge_tick(struct engine *e, int64_t now)
{
	int64_t items, events, sessions = 0, keys = 0;
	bool more, armed;
	int rc;

	if (!e->opts.purge_job || now < e->purge_next)
		return 0;
	rc = purge_run(e, NULL, now, PURGE_BATCH, false, &items, &events, &more, &armed);
	if (!rc)
		rc = store_housekeep(e->store, now - SESSION_KEEP_MS, now - IDEM_KEEP_MS,
				     HOUSEKEEP_BATCH, &sessions, &keys);
	if (rc)
		return rc;
	if (sessions == HOUSEKEEP_BATCH || keys == HOUSEKEEP_BATCH)
		more = true;
	/* More left: the next batch goes on at once; else in a minute. The tick stays armed
	 * without retention too: housekeeping has work on every installation. */
	e->purge_next = more ? now : now + PURGE_EVERY_MS;
	(void)armed;
	e->purge_armed = true;
	return 0;
}

/* item.purge (alihdaya purge, POST /v1/purge): admin; at most PURGE_CMD_MAX items a command */
int engine__item_purge(struct engine *e, struct cmd *c, int64_t now)
{
	bool armed;
	int rc = purge_run(e, c, now, PURGE_CMD_MAX, c->u.purge.dry_run, &c->result.purged_items,
			   &c->result.purged_events, &c->result.purge_more, &armed);

	if (rc)
		return rc;
	if (armed)
		e->purge_armed = e->opts.purge_job;
	return engine__done(e, c, CMD_OUT_OK, 0, now);
}
