/* time.c - the wire JSON of time entries, billing periods and the cost side. */
#include "wire/time.h"

#include "util/clock.h"
#include "util/err.h"

static json_t *time_or_null(int64_t ms)
{
	char t[40];

	if (!ms)
		return json_null();
	clock_format_ms(ms, t, sizeof(t));
	return json_string(t);
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

json_t *wire_time_entry(const struct time_entry *t)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:s, s:o, s:o, s:I, s:b, s:b, s:o, s:o, "
			 "s:o, s:o, s:o}",
			 "id", (json_int_t)t->id, "engagement_id", (json_int_t)t->engagement_id,
			 "client_id", (json_int_t)t->client_id, "worker_id",
			 (json_int_t)t->worker_id, "item_id", id_or_null(t->item_id),
			 "milestone_id", id_or_null(t->milestone_id), "kind",
			 time_kind_name(t->kind), "started_at", time_or_null(t->started_at),
			 "ended_at", time_or_null(t->ended_at), "duration_ms",
			 (json_int_t)t->duration_ms, "running", t->ended_at == 0, "billable",
			 t->billable, "corrected_from", id_or_null(t->corrected_from),
			 "superseded_by", id_or_null(t->superseded_by), "created_at",
			 time_or_null(t->created_at), "created_by", id_or_null(t->created_by),
			 "note", t->note[0] ? json_string(t->note) : json_null());
}

int wire_time_entry_add(void *ctx, const struct time_entry *t)
{
	json_t *j = wire_time_entry(t);

	return j && !json_array_append_new(ctx, j) ? 0 : ERR_NOMEM;
}

json_t *wire_period(const struct billing_period *p)
{
	return json_pack("{s:I, s:I, s:I, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "id", (json_int_t)p->id, "engagement_id", (json_int_t)p->engagement_id,
			 "client_id", (json_int_t)p->client_id, "kind", period_kind_name(p->kind),
			 "label", p->label, "starts_at", time_or_null(p->starts_at), "ends_at",
			 time_or_null(p->ends_at), "state", period_state_name(p->state),
			 "created_at", time_or_null(p->created_at), "created_by",
			 id_or_null(p->created_by), "approved_at", time_or_null(p->approved_at),
			 "approved_by", id_or_null(p->approved_by), "locked_at",
			 time_or_null(p->locked_at), "locked_by", id_or_null(p->locked_by));
}

int wire_period_add(void *ctx, const struct billing_period *p)
{
	json_t *j = wire_period(p);

	return j && !json_array_append_new(ctx, j) ? 0 : ERR_NOMEM;
}

json_t *wire_time_cost(const struct time_cost *c)
{
	json_t *w = json_array(), *t = json_array();

	for (size_t i = 0; w && i < c->n_workers; i++) {
		const struct time_cost_worker *x = &c->workers[i];

		if (json_array_append_new(
			w, json_pack("{s:I, s:I, s:I, s:I, s:s, s:I}", "worker_id",
				     (json_int_t)x->worker_id, "hours_ms", (json_int_t)x->ms,
				     "billable_ms", (json_int_t)x->billable_ms,
				     "cost_per_hour_minor", (json_int_t)x->cost_per_hour_minor,
				     "currency", x->currency, "cost_minor",
				     (json_int_t)x->cost_minor))) {
			json_decref(w);
			w = NULL;
		}
	}
	for (size_t i = 0; t && i < c->n_totals; i++)
		if (json_array_append_new(t, json_pack("{s:s, s:I}", "currency",
						       c->totals[i].currency, "cost_minor",
						       (json_int_t)c->totals[i].cost_minor))) {
			json_decref(t);
			t = NULL;
		}
	if (!w || !t) {
		json_decref(w);
		json_decref(t);
		return NULL;
	}
	return json_pack("{s:I, s:o, s:o, s:o, s:I, s:I, s:I, s:o, s:o}", "engagement_id",
			 (json_int_t)c->engagement_id, "period_id", id_or_null(c->period_id),
			 "from", time_or_null(c->from), "to", time_or_null(c->to), "entries",
			 (json_int_t)c->entries, "hours_ms", (json_int_t)c->ms, "billable_ms",
			 (json_int_t)c->billable_ms, "workers", w, "totals", t);
}
