/* routing.c - an engagement's routing configuration read and set: input checked once. */
#include "app/routing.h"

#include <stdio.h>
#include <string.h>

#include "app/records.h"
#include "core/rindex_json.h"
#include "util/err.h"

static int engagement_known(const struct app *app, int64_t engagement_id, struct buf *err)
{
	struct engagement_rec e;
	int rc = store_engagement_get(app->store, engagement_id, &e);

	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no engagement %lld", (long long)engagement_id);
	return rc ? app_got(app, rc, err) : 0;
}

int app_routing_get(const struct app *app, const struct actor *actor, int64_t engagement_id,
		    char *conf, size_t n, int64_t *updated_at, struct buf *err)
{
	int rc;

	if ((rc = app_allow(actor, POL_ENGAGEMENT_ROUTING, NULL, err)) ||
	    (rc = engagement_known(app, engagement_id, err)))
		return rc;
	*updated_at = 0;
	rc = store_routing_get(app->store, engagement_id, conf, n, updated_at);
	if (rc == ERR_NOTFOUND) {
		snprintf(conf, n, "{\"rings\":[],\"weight\":1}");
		return 0;
	}
	return rc ? app_got(app, rc, err) : 0;
}

int app_routing_set(const struct app *app, const struct actor *actor, int64_t engagement_id,
		    const char *body, struct cmd *c, struct buf *err)
{
	struct rindex_conf conf;
	char why[160];
	int rc;

	if ((rc = app_allow(actor, POL_ENGAGEMENT_ROUTING, NULL, err)) ||
	    (rc = engagement_known(app, engagement_id, err)))
		return rc;
	if (rindex_conf_parse(body, &conf, why, sizeof(why)))
		return buf_error(err, ERR_INVALID, "%s", why);
	if ((rc = app_write_start(actor, POL_ENGAGEMENT_ROUTING, CMD_ROUTING_SET, c, err)))
		return rc;
	c->u.routing.engagement_id = engagement_id;
	rc = rindex_conf_text(&conf, c->u.routing.conf, sizeof(c->u.routing.conf));
	if (rc == ERR_TOOBIG)
		return buf_error(err, ERR_INVALID, "routing: longer than %d bytes written out",
				 RINDEX_TEXT_MAX - 1);
	return rc;
}
