/* keying.c - keying rendered: settings, an item's answers with the differing fields, the decisions. */
#include "wire/keying.h"

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

/* A stored JSON text as a value (NULL: null; a text that is not JSON: a string). */
static json_t *json_of(const char *text)
{
	json_t *j;

	if (!text)
		return json_null();
	j = json_loads(text, JSON_DECODE_ANY, NULL);
	return j ? j : json_string(text);
}

json_t *wire_keying(const struct keying_conf *k)
{
	return json_pack("{s:I, s:s, s:i, s:i, s:f, s:o, s:s, s:o}", "engagement_id",
			 (json_int_t)k->engagement_id, "mode", keying_mode_name(k->mode), "k", k->k,
			 "max_k", k->max_k, "min_confidence", k->min_confidence, "field",
			 k->field[0] ? json_string(k->field) : json_null(), "aggregate",
			 keying_agg_name(k->aggregate), "updated_at", time_or_null(k->updated_at));
}

/* {"label", "confidence", "answers", "method"} of a decided item, else null. */
static json_t *consensus_of(const struct item_keying_rec *r)
{
	if (r->phase != KPHASE_DECIDED)
		return json_null();
	return json_pack("{s:o, s:f, s:i, s:s}", "label", json_of(r->label), "confidence",
			 r->confidence, "answers", r->answers, "method", r->method);
}

json_t *wire_item_answers(const struct item_answers *ia)
{
	json_t *list = json_array(), *o;

	for (size_t i = 0; list && i < ia->n; i++) {
		const struct keying_answer *a = &ia->a[i];

		o = json_pack("{s:I, s:o, s:s, s:o}", "n", (json_int_t)(i + 1), "at",
			      time_or_null(a->at), "kind",
			      a->kind == ANSWER_ADJUDICATE ? "adjudication" : "keying", "result",
			      json_of(a->result));
		if (o && a->worker_id &&
		    json_object_set_new(o, "worker_id", json_integer((json_int_t)a->worker_id)))
			json_decref(o), o = NULL;
		if (!o || json_array_append_new(list, o)) {
			json_decref(list);
			return NULL;
		}
	}
	if (!list)
		return NULL;
	return json_pack("{s:I, s:s, s:o, s:o, s:o}", "item_id", (json_int_t)ia->item_id, "phase",
			 keying_phase_name(ia->k.phase), "differing",
			 ia->k.diff ? json_of(ia->k.diff) : json_array(), "consensus",
			 consensus_of(&ia->k), "answers", list);
}

int wire_consensus_add(void *ctx, const struct item_keying_rec *r)
{
	json_t *o = json_pack("{s:I, s:s, s:i, s:o, s:o, s:o}", "item_id", (json_int_t)r->item_id,
			      "phase", keying_phase_name(r->phase), "answers", r->answers,
			      "differing", r->diff ? json_of(r->diff) : json_array(), "consensus",
			      consensus_of(r), "decided_at", time_or_null(r->decided_at));

	return !o || json_array_append_new(ctx, o) ? ERR_NOMEM : 0;
}
