/* sla.c - the sla.breach webhook: open items announced once when their due time passes. */
#include <stdint.h>

#include "engine/engine_int.h"

/*
 * A watermark, not a flag per item: the items' rows and the live state stay
 * as they are, and the walk is a range of the open items' due-time index
 * (items_open_due) above the mark. The mark (due, id) means "every open item
 * at or below it was announced"; it moves with the announcements, in their
 * transaction, so a restart neither repeats nor skips one. Two ways an item
 * is announced:
 *  - the tick: open items with mark < (due_at, id) and due_at <= now, at most
 *    SLA_BATCH a batch (a backlog is worked off batch by batch), then the mark
 *    is the last one, or (now, max) once none is left;
 *  - its create, when it is already at or below the mark (created late: a due
 *    time in the past) — the tick's walk never goes back below the mark.
 * An idle tick moves the mark in memory only (no write a second): what it
 * passed over announced nothing, so starting again from the stored mark after
 * a restart finds the same nothing — except items announced by their create,
 * which is why a create that announces writes the mark too.
 *
 * Gold items' instances (engine/gold.c) are never announced: the client must
 * not learn which items test its workers.
 */
#define SLA_EVERY_MS 1000
#define SLA_BATCH 256

struct sla_walk {
	int64_t id[SLA_BATCH], due[SLA_BATCH];
	int n;
};

static int sla_row(void *ctx, int64_t item_id, int64_t due_at)
{
	struct sla_walk *w = ctx;

	w->id[w->n] = item_id;
	w->due[w->n] = due_at;
	w->n++;
	return 0;
}

static int sla_load(struct engine *e)
{
	int rc;

	if (e->st.sla.loaded)
		return 0;
	rc = store_sla_mark_get(e->store, &e->st.sla.due, &e->st.sla.id);
	if (!rc)
		e->st.sla.loaded = true;
	return rc;
}

static bool announced(const struct live_item *it)
{
	return it->gold_id == 0 && item_state_open(it->state);
}

int engine__sla_tick(struct engine *e, int64_t now)
{
	struct sla_walk w;
	int64_t next;
	int rc;

	if (now < e->st.sla.next)
		return 0;
	e->st.sla.next = now + SLA_EVERY_MS; /* a failure tries again in a second */
	if ((rc = sla_load(e)))
		return rc;
	w.n = 0;
	rc = store_sla_due_each(e->store, e->st.sla.due, e->st.sla.id, now, SLA_BATCH, sla_row, &w);
	for (int i = 0; !rc && i < w.n; i++) {
		const struct live_item *it = idtable_get(&e->st.items, w.id[i]);

		if (it && announced(it))
			rc = engine__outbox_sla(e, it, now);
	}
	if (rc)
		return rc;
	if (w.n == SLA_BATCH) { /* more are late: the next batch goes on at once */
		e->st.sla.due = w.due[w.n - 1];
		e->st.sla.id = w.id[w.n - 1];
		e->st.sla.next = now;
		return store_sla_mark_put(e->store, e->st.sla.due, e->st.sla.id);
	}
	e->st.sla.due = now;
	e->st.sla.id = INT64_MAX;
	if (w.n && (rc = store_sla_mark_put(e->store, now, INT64_MAX)))
		return rc;
	if ((rc = store_sla_next_due(e->store, now, &next)))
		return rc;
	if (next > e->st.sla.next)
		e->st.sla.next = next;
	return 0;
}

int engine__sla_created(struct engine *e, const struct live_item *it, int64_t now)
{
	int64_t due = it->ri.due_at;
	int rc;

	if ((rc = sla_load(e)))
		return rc;
	if (due > e->st.sla.due || (due == e->st.sla.due && it->ri.id > e->st.sla.id)) {
		if (due < e->st.sla.next) /* the tick wakes for it */
			e->st.sla.next = due;
		return 0;
	}
	if (!announced(it))
		return 0;
	rc = engine__outbox_sla(e, it, now);
	return rc ? rc : store_sla_mark_put(e->store, e->st.sla.due, e->st.sla.id);
}
