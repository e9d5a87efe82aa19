/* staffing.h - the JSON of staffing answers (Erlang check, plans) for the API and the CLI. */
#ifndef ALIHDAYA_WIRE_STAFFING_H
#define ALIHDAYA_WIRE_STAFFING_H

#include <jansson.h>

#include "app/staffing.h"

/*
 * One renderer per record of app/staffing.h: the body of the HTTP answer
 * and the CLI's --json are the same object. Field meanings: docs/api.md and
 * docs/staffing.md. Each returns a new reference (json_decref), or NULL when
 * out of memory.
 */

/* GET /v1/staff/erlang, `staff erlang --json`. */
json_t *wire_staff_erlang(const struct staff_erlang *e);

/* GET /v1/engagements/:id/staffing, `staff plan --engagement ID --json`. */
json_t *wire_staff_plan(const struct staff_plan *p);

/* GET /v1/staff/skill-plan, `staff plan --skill CODE --json`. */
json_t *wire_staff_skill_plan(const struct staff_skill_plan *p);

#endif
