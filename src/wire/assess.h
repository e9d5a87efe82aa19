/* assess.h - the wire JSON of process-fit assessments: answers in, results and stored records out. */
#ifndef ALIHDAYA_WIRE_ASSESS_H
#define ALIHDAYA_WIRE_ASSESS_H

#include <jansson.h>

#include "core/assess.h"
#include "store/store.h"
#include "util/buf.h"

/*
 * {"focus": "cost", ..., "data_sensitivity": "low", "volume_hours_per_month": 1600,
 *  "in_house_cost_per_hour_minor": 3500, "in_house_overhead_pct": 30, "currency": "USD",
 *  "bpo_cost_per_hour_minor"?, "kpo_cost_per_hour_minor"?} into a (assess_answers_init
 * first). Unknown fields, wrong types and unknown options are ERR_INVALID named in err.
 */
int wire_assess_answers(json_t *j, struct assess_answers *a, struct buf *err);
/* The answers back as that object (the stored copy). */
json_t *wire_assess_answers_json(const struct assess_answers *a);
/*
 * {recommendation, rule, explanation, kpo_points, kpo_max, in_house_points, deciding: [...],
 *  currency, hours_per_month, costs: {bpo, kpo, in_house} (minor units a month), rates,
 *  saving_minor}
 */
json_t *wire_assess_result(const struct assess_result *r, enum assess_lang lang);
/* A stored assessment: {id, client_id, created_at, created_by, recommendation, answers?, result?} */
json_t *wire_assessment(const struct assessment_rec *a);
int wire_assessment_add(void *ctx, const struct assessment_rec *a);

#endif
