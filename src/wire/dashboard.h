/* dashboard.h - the JSON of the operations dashboard (GET /v1/dashboard and its event stream). */
#ifndef ALIHDAYA_WIRE_DASHBOARD_H
#define ALIHDAYA_WIRE_DASHBOARD_H

#include <jansson.h>

#include "app/dashboard.h"

/*
 * {at, version, engagements: [...], workers: {...}} as docs/api.md
 * "Dashboard" shows; "workers" only when the view shows them. A new
 * reference, or NULL when out of memory.
 */
json_t *wire_dashboard(const struct dashboard_view *v);

#endif
