/* queue.c - the JSON of an engagement's queue summary (docs/api.md "Queue summary"). */
#include "wire/queue.h"

#include "core/item.h"
#include "util/clock.h"

static json_t *time_json(int64_t ms)
{
	char t[40];

	clock_format_ms(ms, t, sizeof(t));
	return json_string(t);
}

/* {"queued": N, ...}: every state, and "open", the four open ones together. */
static json_t *depth_json(const struct store_queue *q)
{
	json_t *d = json_object();
	int64_t open = 0;

	for (int s = 0; d && s < ITEM_STATE__COUNT; s++) {
		if (json_object_set_new(d, item_state_name((enum item_state)s),
					json_integer((json_int_t)q->by_state[s]))) {
			json_decref(d);
			return NULL;
		}
		if (s == ITEM_QUEUED || s == ITEM_ASSIGNED || s == ITEM_SUBMITTED ||
		    s == ITEM_IN_REVIEW)
			open += q->by_state[s];
	}
	if (d && json_object_set_new(d, "open", json_integer((json_int_t)open))) {
		json_decref(d);
		return NULL;
	}
	return d;
}

static json_t *oldest_json(const struct engagement_queue *q)
{
	int64_t age = q->at - q->q.oldest_created_at;

	if (!q->q.oldest_id)
		return json_null();
	return json_pack("{s:I, s:o, s:I}", "item_id", (json_int_t)q->q.oldest_id, "created_at",
			 time_json(q->q.oldest_created_at), "age_seconds",
			 (json_int_t)(age > 0 ? age / 1000 : 0));
}

static json_t *held_json(const struct engagement_queue *q)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < q->n_held; i++) {
		const struct queue_lease *l = &q->held[i];
		json_t *e = json_pack("{s:I, s:I, s:s, s:I, s:o}", "item_id",
				      (json_int_t)l->item_id, "worker_id", (json_int_t)l->worker_id,
				      "worker", l->worker_name, "epoch", (json_int_t)l->epoch,
				      "lease_expires", time_json(l->lease_expires));

		if (json_array_append_new(a, e)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *workers_json(const struct engagement_queue *q)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < q->n_workers; i++) {
		const struct queue_worker *w = &q->workers[i];
		json_t *e =
		    json_pack("{s:I, s:s, s:s, s:I, s:i, s:b}", "worker_id", (json_int_t)w->id,
			      "name", w->name, "status", worker_status_name(w->status), "load",
			      (json_int_t)w->load, "capacity", w->capacity, "has_room",
			      w->status == WORKER_AVAILABLE && w->load < w->capacity);

		if (json_array_append_new(a, e)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *wire_engagement_queue(const struct engagement_queue *q)
{
	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:I, s:I, s:o, s:o, s:b}", "engagement_id",
			 (json_int_t)q->eng.id, "name", q->eng.name, "at", time_json(q->at),
			 "depth", depth_json(&q->q), "oldest_waiting", oldest_json(q),
			 "due_next_hour", (json_int_t)q->q.due_soon, "late", (json_int_t)q->q.late,
			 "held", held_json(q), "workers", workers_json(q), "workers_truncated",
			 q->workers_truncated);
}
