/* assess.c - the wire JSON of process-fit assessments. */
#include "wire/assess.h"

#include <string.h>

#include "util/clock.h"
#include "util/err.h"

static int whole(json_t *v, const char *name, int64_t lo, int64_t hi, int64_t *out,
		 struct buf *err)
{
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return buf_error(err, ERR_INVALID, "%s must be a whole number between %lld and %lld",
				 name, (long long)lo, (long long)hi);
	*out = json_integer_value(v);
	return 0;
}

int wire_assess_answers(json_t *j, struct assess_answers *a, struct buf *err)
{
	const char *key;
	json_t *v;
	int rc;

	if (!json_is_object(j))
		return buf_error(err, ERR_INVALID, "answers must be a JSON object");
	json_object_foreach(j, key, v) {
		int q, opt;

		for (q = 0; q < AQ__CHOICES; q++)
			if (!strcmp(key, assess_question(q)->key))
				break;
		if (q < AQ__CHOICES) {
			opt = json_is_string(v) ? assess_option(q, json_string_value(v)) : -1;
			if (opt < 0) {
				const struct assess_question *x = assess_question(q);

				return buf_error(err, ERR_INVALID, "%s must be one of %s, %s, %s%s%s",
						 key, x->option_key[0], x->option_key[1],
						 x->option_key[2], x->n_options > 3 ? ", " : "",
						 x->n_options > 3 ? x->option_key[3] : "");
			}
			a->choice[q] = opt;
			continue;
		}
		if (!strcmp(key, "volume_hours_per_month"))
			rc = whole(v, key, 1, ASSESS_HOURS_MAX, &a->hours_per_month, err);
		else if (!strcmp(key, "in_house_cost_per_hour_minor"))
			rc = whole(v, key, 0, ASSESS_RATE_MAX, &a->in_house_rate, err);
		else if (!strcmp(key, "in_house_overhead_pct"))
			rc = whole(v, key, 0, 500, &a->overhead_pct, err);
		else if (!strcmp(key, "bpo_cost_per_hour_minor"))
			rc = whole(v, key, 1, ASSESS_RATE_MAX, &a->bpo_rate, err);
		else if (!strcmp(key, "kpo_cost_per_hour_minor"))
			rc = whole(v, key, 1, ASSESS_RATE_MAX, &a->kpo_rate, err);
		else if (!strcmp(key, "currency")) {
			const char *c = json_string_value(v);

			if (!c || strlen(c) != 3 || strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
				return buf_error(err, ERR_INVALID,
						 "currency must be an ISO 4217 code like USD");
			memcpy(a->currency, c, 4);
			rc = 0;
		} else
			return buf_error(err, ERR_INVALID, "%s is not a question of the assessment",
					 key);
		if (rc)
			return rc;
	}
	return 0;
}

json_t *wire_assess_answers_json(const struct assess_answers *a)
{
	json_t *j = json_object();

	for (int q = 0; j && q < AQ__CHOICES; q++)
		if (a->choice[q] >= 0)
			json_object_set_new(j, assess_question(q)->key,
					    json_string(assess_question(q)->option_key[a->choice[q]]));
	if (!j)
		return NULL;
	json_object_set_new(j, "volume_hours_per_month", json_integer(a->hours_per_month));
	json_object_set_new(j, "in_house_cost_per_hour_minor", json_integer(a->in_house_rate));
	json_object_set_new(j, "in_house_overhead_pct", json_integer(a->overhead_pct));
	if (a->bpo_rate)
		json_object_set_new(j, "bpo_cost_per_hour_minor", json_integer(a->bpo_rate));
	if (a->kpo_rate)
		json_object_set_new(j, "kpo_cost_per_hour_minor", json_integer(a->kpo_rate));
	json_object_set_new(j, "currency", json_string(a->currency[0] ? a->currency : "USD"));
	return j;
}

json_t *wire_assess_result(const struct assess_result *r, enum assess_lang lang)
{
	json_t *d = json_array();
	char rule[2] = {r->rule, 0};

	for (int i = 0; d && i < r->n_deciding; i++)
		json_array_append_new(d, json_string(r->deciding[i]));
	if (!d)
		return NULL;
	return json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:o, s:s, s:I, s:{s:I, s:I, s:I}, "
			 "s:{s:I, s:I, s:I, s:I}, s:I}",
			 "recommendation", assess_rec_name(r->rec), "rule", rule, "explanation",
			 assess_rule_text(r->rule, lang), "kpo_points", r->kpo_points, "kpo_max",
			 14, "in_house_points", r->in_house_points, "deciding", d, "currency",
			 r->currency, "hours_per_month", (json_int_t)r->hours_per_month,
			 "costs_minor", "bpo", (json_int_t)r->cost_bpo, "kpo",
			 (json_int_t)r->cost_kpo, "in_house", (json_int_t)r->cost_in_house,
			 "rates_minor", "bpo", (json_int_t)r->bpo_rate, "kpo",
			 (json_int_t)r->kpo_rate, "in_house", (json_int_t)r->in_house_rate,
			 "in_house_overhead_pct", (json_int_t)r->overhead_pct, "saving_minor",
			 (json_int_t)r->saving);
}

json_t *wire_assessment(const struct assessment_rec *a)
{
	char t[40];
	json_t *j;

	clock_format_ms(a->created_at, t, sizeof(t));
	j = json_pack("{s:I, s:o, s:s, s:o, s:s}", "id", (json_int_t)a->id, "client_id",
		      a->client_id ? json_integer(a->client_id) : json_null(), "created_at", t,
		      "created_by", a->created_by ? json_integer(a->created_by) : json_null(),
		      "recommendation", a->recommendation);
	if (j && a->answers)
		json_object_set_new(j, "answers", json_loads(a->answers, 0, NULL));
	if (j && a->result)
		json_object_set_new(j, "result", json_loads(a->result, 0, NULL));
	return j;
}

int wire_assessment_add(void *ctx, const struct assessment_rec *a)
{
	json_t *j = wire_assessment(a);

	return j && !json_array_append_new(ctx, j) ? 0 : ERR_NOMEM;
}
