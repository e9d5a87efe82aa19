/* fields.h - an engagement's declared fields as the API's JSON. */
#ifndef ALIHDAYA_WIRE_FIELDS_H
#define ALIHDAYA_WIRE_FIELDS_H

#include <jansson.h>

#include "app/fields.h"

/*
 * {"engagement_id", "payload": [...] | null, "result": [...] | null,
 *  "updated_at": RFC 3339 | null}: the declarations as declared. NULL: out
 * of memory (a stored declaration is always valid JSON).
 */
json_t *wire_engagement_fields(const struct engagement_fields *f);

#endif
