/* route.h - eligibility: may this worker take work of this engagement? */
#ifndef ALIHDAYA_ROUTE_H
#define ALIHDAYA_ROUTE_H

#include <stdbool.h>

#include "core/model.h"

/*
 * A worker is qualified for an engagement if every required skill is held
 * at or above its level, every required language likewise, and the worker's
 * clearances include the engagement's client. Codes compare exactly.
 */
bool route_qualified(const struct worker_rec *w, const struct engagement_rec *e);

/* True if the worker is active (not suspended), available and holds fewer than `capacity` leases. */
bool route_has_room(const struct worker_rec *w, int load);

/* True if client_id is in w->clear (sorted ascending; binary search). */
bool route_cleared(const struct worker_rec *w, int64_t client_id);

#endif
