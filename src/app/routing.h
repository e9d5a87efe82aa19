/* routing.h - an engagement's routing configuration (widening rings, item weight): input checked once. */
#ifndef ALIHDAYA_APP_ROUTING_H
#define ALIHDAYA_APP_ROUTING_H

#include <stdint.h>

#include "app/app.h"
#include "engine/engine.h"

/*
 * The engagement's configuration as stored (core/rindex_json.h's canonical
 * text into conf[n]; never set: {"rings":[],"weight":1}, *updated_at 0).
 * Staff (POL_ENGAGEMENT_ROUTING); 404 for no such engagement.
 */
int app_routing_get(const struct app *app, const struct actor *actor, int64_t engagement_id,
		    char *conf, size_t n, int64_t *updated_at, struct buf *err);
/*
 * engagement.routing: staff. body is the request's JSON text; checked
 * (rindex_conf_parse: 400 naming the field) and written canonically into c
 * (CMD_ROUTING_SET).
 */
int app_routing_set(const struct app *app, const struct actor *actor, int64_t engagement_id,
		    const char *body, struct cmd *c, struct buf *err);

#endif
