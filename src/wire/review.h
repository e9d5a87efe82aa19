/* review.h - the wire JSON of review sampling: defect codes, sampling settings, review tasks, lots.
 */
#ifndef ALIHDAYA_WIRE_REVIEW_H
#define ALIHDAYA_WIRE_REVIEW_H

#include <jansson.h>

#include "core/review.h"

/* Each a new value, or NULL when out of memory (docs/api.md "Review and sampling"). */
json_t *wire_defect(const struct defect_rec *d);
/* The settings; never the sampling key. */
json_t *wire_sampling(const struct sampling_rec *r);
json_t *wire_review_task(const struct review_task *t);
json_t *wire_lot(const struct lot_rec *l);
/* Walk callbacks appending to the JSON array ctx (store_review_task_cb, store_lot_cb). */
int wire_review_task_add(void *ctx, const struct review_task *t);
int wire_lot_add(void *ctx, const struct lot_rec *l);

#endif
