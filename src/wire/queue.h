/* queue.h - the JSON of an engagement's queue summary, for the API and the CLI's --json. */
#ifndef ALIHDAYA_WIRE_QUEUE_H
#define ALIHDAYA_WIRE_QUEUE_H

#include <jansson.h>

#include "app/queue.h"

/*
 * GET /v1/engagements/:id/queue, `engagement queue ID --json` (fields:
 * docs/api.md "Queue summary"). A new reference, or NULL when out of memory.
 */
json_t *wire_engagement_queue(const struct engagement_queue *q);

#endif
