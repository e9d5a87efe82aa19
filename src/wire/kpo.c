/* kpo.c - the wire JSON of KPO deliverables: a milestone, an item's review chain. */
#include "wire/kpo.h"

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

/* A text of the store (NULL or "": null). */
static json_t *text_or_null(const char *t)
{
	return t && *t ? json_string(t) : json_null();
}

json_t *wire_milestone(const struct milestone_rec *m)
{
	return json_pack("{s:I, s:I, s:I, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o}", "id",
			 (json_int_t)m->id, "item_id", (json_int_t)m->item_id, "engagement_id",
			 (json_int_t)m->engagement_id, "title", text_or_null(m->title), "due_at",
			 time_or_null(m->due_at), "deliverable", text_or_null(m->deliverable),
			 "submitted", m->submitted, "submitted_at", time_or_null(m->submitted_at),
			 "submitted_by", id_or_null(m->submitted_by), "created_at",
			 time_or_null(m->created_at), "created_by", id_or_null(m->created_by),
			 "updated_at", time_or_null(m->updated_at));
}

int wire_milestone_add(void *ctx, const struct milestone_rec *m)
{
	json_t *j = wire_milestone(m);

	if (!j || json_array_append_new(ctx, j))
		return ERR_NOMEM;
	return 0;
}

/* The comments of a step: its event's {"reason": ...}, null when none. */
static json_t *comments_json(const char *detail)
{
	json_t *d = detail ? json_loads(detail, JSON_DECODE_ANY, NULL) : NULL;
	json_t *r = json_is_object(d) ? json_object_get(d, "reason") : NULL;
	json_t *out = json_is_string(r) ? json_copy(r) : json_null();

	json_decref(d);
	return out;
}

json_t *wire_kpo_chain(const struct kpo_chain *ch)
{
	json_t *steps = json_array();

	for (size_t i = 0; steps && i < ch->n; i++) {
		const struct kpo_chain_step *s = &ch->steps[i];
		json_t *j = json_pack(
		    "{s:s, s:o, s:{s:o, s:o}, s:o, s:o}", "step", kpo_step_name(s->step), "at",
		    time_or_null(s->at), "by", "user_id", id_or_null(s->user_id), "role",
		    s->role < ROLE__COUNT ? json_string(role_name(s->role)) : json_null(),
		    "worker_id", id_or_null(s->worker_id), "comments", comments_json(s->detail));

		if (!j || json_array_append_new(steps, j)) {
			json_decref(steps);
			return NULL;
		}
	}
	if (!steps)
		return NULL;
	return json_pack("{s:I, s:b, s:s, s:o, s:o, s:o}", "item_id", (json_int_t)ch->item_id,
			 "kpo", ch->kpo, "state", item_state_name(ch->state), "steps", steps,
			 "approved_at", time_or_null(ch->approved_at), "approved_by",
			 id_or_null(ch->approved_by));
}
