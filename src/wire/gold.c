/* gold.c - the JSON of gold items, their settings and a worker's quality (docs/api.md "Gold
 * items"). */
#include "wire/gold.h"

#include "util/clock.h"

/* docs/api.md "Gold items" describes every shape below. */

static json_t *time_json(int64_t ms)
{
	char t[40];

	if (!ms)
		return json_null();
	clock_format_ms(ms, t, sizeof(t));
	return json_string(t);
}

/* A gold item with its payload and known result (staff only: gold.read). */
json_t *wire_gold(const struct gold_rec *g)
{
	json_t *p = g->payload ? json_loads(g->payload, JSON_DECODE_ANY, NULL) : json_null();
	json_t *res = g->result ? json_loads(g->result, JSON_DECODE_ANY, NULL) : json_null();

	return json_pack("{s:I, s:I, s:s?, s:b, s:o, s:o*, s:o*}", "id", (json_int_t)g->id,
			 "engagement_id", (json_int_t)g->engagement_id, "external_ref",
			 g->external_ref[0] ? g->external_ref : NULL, "active", g->active,
			 "created_at", time_json(g->created_at), "payload", p, "result", res);
}

json_t *wire_gold_settings(const struct gold_settings *gs)
{
	return json_pack("{s:I, s:f, s:f, s:i, s:i, s:f, s:I, s:o}", "engagement_id",
			 (json_int_t)gs->engagement_id, "rate", gs->rate, "threshold",
			 gs->threshold, "min_answers", gs->min_answers, "qualification",
			 gs->qualification, "margin", gs->margin, "prefer_seconds",
			 (json_int_t)(gs->prefer_ms / 1000), "updated_at",
			 time_json(gs->updated_at));
}

json_t *wire_gold_quality(int64_t worker_id, const struct gold_quality *q, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++) {
		const struct gold_tally *t = &q[i].t;
		json_t *e = json_pack(
		    "{s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:s, s:I, s:I, s:I, s:o}", "engagement_id",
		    (json_int_t)q[i].engagement_id, "gold", (json_int_t)t->n, "correct",
		    (json_int_t)t->k, "accuracy", q[i].accuracy, "lower", q[i].lower, "upper",
		    q[i].upper, "threshold", q[i].gs.threshold, "state",
		    t->state == GOLD_QUALIFIED ? "qualified" : "suspended",
		    "qualification_answered", (json_int_t)t->qn, "total_gold",
		    (json_int_t)t->total_n, "total_correct", (json_int_t)t->total_k, "qualifying",
		    json_boolean(t->state == GOLD_QUALIFYING));

		if (json_array_append_new(a, e)) {
			json_decref(a);
			return NULL;
		}
	}
	return a ? json_pack("{s:I, s:o}", "worker_id", (json_int_t)worker_id, "engagements", a)
		 : NULL;
}
