/* review.c - the wire JSON of review sampling: defect codes, sampling settings, review tasks, lots.
 */
#include "wire/review.h"

#include "util/clock.h"
#include "util/err.h"

/* A time as RFC 3339, null for 0 (never). */
static json_t *when(int64_t ms)
{
	char t[40];

	if (!ms)
		return json_null();
	clock_format_ms(ms, t, sizeof(t));
	return json_string(t);
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

json_t *wire_defect(const struct defect_rec *d)
{
	return json_pack("{s:s, s:s, s:s}", "code", d->code, "label", d->label, "severity",
			 defect_severity_name(d->severity));
}

json_t *wire_sampling(const struct sampling_rec *r)
{
	json_t *j =
	    json_pack("{s:I, s:s, s:o}", "engagement_id", (json_int_t)r->engagement_id, "mode",
		      sampling_mode_name(r->mode), "updated_at", when(r->updated_at));

	if (j && r->mode == SAMPLING_SHARE)
		json_object_set_new(j, "share_pct", json_integer(r->share_pct));
	if (j && r->mode == SAMPLING_AQL) {
		json_object_set_new(j, "lot_size", json_integer((json_int_t)r->lot_size));
		json_object_set_new(j, "level", json_string(sampling_level_name(r->level)));
		json_object_set_new(j, "aql", json_real(r->aql_centi / 100.0));
	}
	if (j)
		json_object_set_new(j, "qa_skill",
				    r->qa.code[0] ? json_pack("{s:s, s:i}", "code", r->qa.code,
							      "level", r->qa.level)
						  : json_null());
	return j;
}

json_t *wire_review_task(const struct review_task *t)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:s, s:o, s:I, s:o, s:o, s:o, s:o, s:o, "
			 "s:I}",
			 "id", (json_int_t)t->id, "item_id", (json_int_t)t->item_id,
			 "engagement_id", (json_int_t)t->engagement_id, "client_id",
			 (json_int_t)t->client_id, "lot_id", id_or_null(t->lot_id), "submitter_id",
			 id_or_null(t->submitter_id), "state", review_state_name(t->state),
			 "reviewer_id", id_or_null(t->reviewer_id), "epoch", (json_int_t)t->epoch,
			 "lease_expires", when(t->state == RV_LEASED ? t->lease_expires : 0),
			 "defect", t->defect[0] ? json_string(t->defect) : json_null(), "field",
			 t->field[0] ? json_string(t->field) : json_null(), "created_at",
			 when(t->created_at), "decided_at", when(t->decided_at), "rework_count",
			 (json_int_t)t->rework_count);
}

json_t *wire_lot(const struct lot_rec *l)
{
	char code[2] = {l->code, 0};

	return json_pack("{s:I, s:I, s:s, s:I, s:I, s:o, s:I, s:i, s:i, s:I, s:I, s:o, s:o, s:o}",
			 "id", (json_int_t)l->id, "engagement_id", (json_int_t)l->engagement_id,
			 "state", lot_state_name(l->state), "lot_size", (json_int_t)l->lot_size,
			 "size", (json_int_t)l->size, "code",
			 l->code ? json_string(code) : json_null(), "sample_size", (json_int_t)l->n,
			 "ac", l->ac, "re", l->re, "rejected", (json_int_t)l->rejected, "decided",
			 (json_int_t)l->decided, "defect",
			 l->defect[0] ? json_string(l->defect) : json_null(), "created_at",
			 when(l->created_at), "closed_at", when(l->closed_at));
}

static int append(void *ctx, json_t *j)
{
	return j && !json_array_append_new(ctx, j) ? 0 : ERR_NOMEM;
}

int wire_review_task_add(void *ctx, const struct review_task *t)
{
	return append(ctx, wire_review_task(t));
}

int wire_lot_add(void *ctx, const struct lot_rec *l)
{
	return append(ctx, wire_lot(l));
}
