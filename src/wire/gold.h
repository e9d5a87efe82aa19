/* gold.h - the JSON of gold items, their settings and a worker's quality. */
#ifndef ALIHDAYA_WIRE_GOLD_H
#define ALIHDAYA_WIRE_GOLD_H

#include <jansson.h>

#include "app/gold.h"

/* A gold item with its payload and known result (staff only: gold.read). NULL: out of memory. */
json_t *wire_gold(const struct gold_rec *g);
/* The settings, without the mixing key. */
json_t *wire_gold_settings(const struct gold_settings *gs);
/* {"worker_id", "engagements": [...]}: one row per gold-checked engagement. */
json_t *wire_gold_quality(int64_t worker_id, const struct gold_quality *q, size_t n);

#endif
