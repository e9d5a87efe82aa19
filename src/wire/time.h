/* time.h - the wire JSON of time entries, billing periods and the cost side. */
#ifndef ALIHDAYA_WIRE_TIME_H
#define ALIHDAYA_WIRE_TIME_H

#include <jansson.h>

#include "app/time.h"

/* {id, engagement_id, client_id, worker_id, item_id, milestone_id, kind, started_at, ended_at,
 *  duration_ms, running, billable, corrected_from, superseded_by, created_at, created_by, note} */
json_t *wire_time_entry(const struct time_entry *t);
/* A walk's callback: appends the entry to the array ctx. */
int wire_time_entry_add(void *ctx, const struct time_entry *t);
/* {id, engagement_id, client_id, kind, label, starts_at, ends_at, state, created_at, ...} */
json_t *wire_period(const struct billing_period *p);
int wire_period_add(void *ctx, const struct billing_period *p);
/* {engagement_id, period_id, from, to, entries, hours_ms, billable_ms, workers: [...], totals} */
json_t *wire_time_cost(const struct time_cost *c);

#endif
