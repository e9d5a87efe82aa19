/* keying.h - the JSON of keying: an engagement's settings, an item's answers, the decisions. */
#ifndef ALIHDAYA_WIRE_KEYING_H
#define ALIHDAYA_WIRE_KEYING_H

#include <jansson.h>

#include "app/keying.h"

/* {engagement_id, mode, k, max_k, min_confidence, field, aggregate, updated_at}. NULL: no memory. */
json_t *wire_keying(const struct keying_conf *k);
/* {item_id, phase, differing, consensus, answers: [{n, worker_id?, at, kind, result}]} */
json_t *wire_item_answers(const struct item_answers *ia);
/* The walk callback of a decisions page: appends one item's to the json_t array ctx. */
int wire_consensus_add(void *ctx, const struct item_keying_rec *r);

#endif
