/* shape.h - the wire JSON shape of each domain record (docs/api.md), in one place. */
#ifndef ALIHDAYA_SHAPE_H
#define ALIHDAYA_SHAPE_H

#include <jansson.h>
#include <stdbool.h>

#include "core/model.h"

/*
 * Each returns a new object (the caller owns it) or NULL when out of
 * memory. Times are RFC 3339 strings, absent ids (0) are null.
 */
json_t *store_json_client(const struct client_rec *c);
json_t *store_json_service(const struct service_rec *sv);
json_t *store_json_engagement(const struct engagement_rec *e);
json_t *store_json_user(const struct user_rec *u);
json_t *store_json_worker(const struct worker_rec *w);
/*
 * payload and result are JSON texts or NULL; they are included only if
 * with_payload. NULL also when a stored text is not valid JSON.
 */
json_t *store_json_item(const struct item_rec *it, bool with_payload);

#endif
